-- The delivery ledger: the same records as the SQLite ledger, in
-- PostgreSQL, so workers on several machines share it.
CREATE TABLE vellum_messages (
    key TEXT PRIMARY KEY,
    communication TEXT NOT NULL,
    customer TEXT NOT NULL,
    design TEXT NOT NULL,
    version TEXT NOT NULL,
    run TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    marketing BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    possibly_duplicated BOOLEAN NOT NULL DEFAULT FALSE,
    receipt TEXT,
    reason TEXT,
    updated_ms BIGINT NOT NULL,
    content_hash TEXT
);
CREATE INDEX vellum_messages_comm ON vellum_messages (communication);
CREATE INDEX vellum_messages_customer ON vellum_messages (customer, state, updated_ms);
CREATE TABLE vellum_attempts (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    backend TEXT NOT NULL,
    outcome TEXT NOT NULL,
    receipt TEXT,
    reason TEXT
);
CREATE INDEX vellum_attempts_key ON vellum_attempts (key);
CREATE TABLE vellum_communications (
    key TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    updated_ms BIGINT NOT NULL
);
