-- Each worker's lease, so `status` can tell a worker that stopped (not
-- heard from for longer than its lease) from one that is busy.
ALTER TABLE vellum_workers ADD COLUMN lease_seconds DOUBLE PRECISION;
