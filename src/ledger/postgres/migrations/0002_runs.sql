-- Shared runs: a run registered once, its records split into chunks that
-- workers claim with leases (FOR UPDATE SKIP LOCKED) and heartbeats.
CREATE TABLE vellum_runs (
    run_key TEXT PRIMARY KEY,
    design TEXT NOT NULL,
    version TEXT NOT NULL,
    design_hash TEXT NOT NULL,
    input TEXT NOT NULL,
    input_bytes BIGINT NOT NULL,
    records BIGINT NOT NULL,
    chunk_records INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    dry_run BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    finished_by TEXT,
    report JSONB
);
CREATE TABLE vellum_chunks (
    run_key TEXT NOT NULL REFERENCES vellum_runs (run_key) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    first_record BIGINT NOT NULL,
    records INTEGER NOT NULL,
    -- Where the chunk's first record starts, for inputs read from the middle.
    byte_offset BIGINT,
    first_line BIGINT,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done')),
    worker TEXT,
    claims INTEGER NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ,
    claimed_at TIMESTAMPTZ,
    done_at TIMESTAMPTZ,
    seconds DOUBLE PRECISION,
    report JSONB,
    PRIMARY KEY (run_key, idx)
);
CREATE INDEX vellum_chunks_open ON vellum_chunks (run_key, idx) WHERE state <> 'done';
CREATE TABLE vellum_workers (
    run_key TEXT NOT NULL REFERENCES vellum_runs (run_key) ON DELETE CASCADE,
    worker TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    left_at TIMESTAMPTZ,
    chunks_done INTEGER NOT NULL DEFAULT 0,
    records_done BIGINT NOT NULL DEFAULT 0,
    busy_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (run_key, worker)
);
-- The failed records of each chunk, as the lines of the run's error file.
CREATE TABLE vellum_run_failures (
    run_key TEXT NOT NULL REFERENCES vellum_runs (run_key) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    line JSONB NOT NULL,
    PRIMARY KEY (run_key, idx, seq)
);
