-- An attempt's begin and finish as one statement each: one round trip to
-- the server instead of five and four, the same statements inside.

-- Records an attempt of a message as in flight, unless it was delivered:
-- `delivered` true means send nothing; else `attempt` is the new attempt's
-- id and `resent` says a previous attempt was interrupted.
CREATE FUNCTION vellum_begin(
    p_key TEXT, p_communication TEXT, p_customer TEXT, p_design TEXT, p_version TEXT,
    p_run TEXT, p_channel TEXT, p_message_id TEXT, p_marketing BOOLEAN,
    p_backend TEXT, p_ms BIGINT, p_hash TEXT,
    OUT delivered BOOLEAN, OUT attempt BIGINT, OUT resent BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
    s TEXT;
BEGIN
    delivered := FALSE;
    resent := FALSE;
    LOOP
        SELECT state INTO s FROM vellum_messages WHERE key = p_key FOR UPDATE;
        IF FOUND THEN
            IF s = 'delivered' THEN
                delivered := TRUE;
                RETURN;
            END IF;
            resent := s = 'in_flight';
            UPDATE vellum_messages SET state = 'in_flight', attempts = attempts + 1,
                possibly_duplicated = possibly_duplicated OR resent, updated_ms = p_ms,
                content_hash = p_hash
                WHERE key = p_key;
            EXIT;
        END IF;
        INSERT INTO vellum_messages (key, communication, customer, design, version, run,
            channel, message_id, marketing, state, attempts, updated_ms, content_hash)
            VALUES (p_key, p_communication, p_customer, p_design, p_version, p_run,
            p_channel, p_message_id, p_marketing, 'in_flight', 1, p_ms, p_hash)
            ON CONFLICT (key) DO NOTHING;
        -- Not found: another worker inserted it a moment ago; look again.
        EXIT WHEN FOUND;
    END LOOP;
    INSERT INTO vellum_attempts (key, at_ms, backend, outcome)
        VALUES (p_key, p_ms, p_backend, 'in_flight') RETURNING id INTO attempt;
END $$;

-- Records an attempt's outcome and the message's state.
CREATE FUNCTION vellum_finish(
    p_attempt BIGINT, p_key TEXT, p_outcome TEXT, p_state TEXT, p_receipt TEXT,
    p_reason TEXT, p_ms BIGINT)
RETURNS VOID LANGUAGE sql AS $$
    UPDATE vellum_attempts SET outcome = p_outcome, receipt = p_receipt, reason = p_reason
        WHERE id = p_attempt;
    UPDATE vellum_messages SET state = p_state, receipt = coalesce(p_receipt, receipt),
        reason = p_reason, updated_ms = p_ms
        WHERE key = p_key;
$$;
