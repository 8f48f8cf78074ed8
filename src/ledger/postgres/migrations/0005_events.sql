-- What comes back from communications: events against the messages they
-- answer, and the standing preferences they leave; the hash of the address
-- each message went to (never the address), so a bounce marks that
-- address undeliverable and an inbound SMS finds the message it answers.
ALTER TABLE vellum_messages ADD COLUMN address_hash TEXT;
CREATE INDEX vellum_messages_message_id ON vellum_messages (message_id);
CREATE INDEX vellum_messages_receipt ON vellum_messages (receipt);
CREATE INDEX vellum_messages_address ON vellum_messages (address_hash, channel, updated_ms);
CREATE TABLE vellum_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    customer TEXT NOT NULL,
    design TEXT NOT NULL,
    run TEXT NOT NULL,
    channel TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    detail TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_ms BIGINT NOT NULL
);
CREATE INDEX vellum_events_run ON vellum_events (run, design);
CREATE TABLE vellum_preferences (
    id BIGSERIAL PRIMARY KEY,
    customer TEXT NOT NULL,
    channel TEXT NOT NULL,
    scope TEXT NOT NULL,
    address TEXT,
    on_day TEXT NOT NULL,
    how TEXT NOT NULL,
    event TEXT NOT NULL,
    recorded_ms BIGINT NOT NULL
);
CREATE INDEX vellum_preferences_customer ON vellum_preferences (customer);

-- vellum_begin as in migration 3, recording the address hash too.
DROP FUNCTION vellum_begin(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, BOOLEAN, TEXT,
    BIGINT, TEXT);
CREATE FUNCTION vellum_begin(
    p_key TEXT, p_communication TEXT, p_customer TEXT, p_design TEXT, p_version TEXT,
    p_run TEXT, p_channel TEXT, p_message_id TEXT, p_marketing BOOLEAN,
    p_backend TEXT, p_ms BIGINT, p_hash TEXT, p_address TEXT,
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
                content_hash = p_hash, address_hash = p_address
                WHERE key = p_key;
            EXIT;
        END IF;
        INSERT INTO vellum_messages (key, communication, customer, design, version, run,
            channel, message_id, marketing, state, attempts, updated_ms, content_hash,
            address_hash)
            VALUES (p_key, p_communication, p_customer, p_design, p_version, p_run,
            p_channel, p_message_id, p_marketing, 'in_flight', 1, p_ms, p_hash, p_address)
            ON CONFLICT (key) DO NOTHING;
        -- Not found: another worker inserted it a moment ago; look again.
        EXIT WHEN FOUND;
    END LOOP;
    INSERT INTO vellum_attempts (key, at_ms, backend, outcome)
        VALUES (p_key, p_ms, p_backend, 'in_flight') RETURNING id INTO attempt;
END $$;
