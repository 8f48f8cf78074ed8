//! The shared-run tables: a run registered once, its chunks claimed with
//! leases (`FOR UPDATE SKIP LOCKED`, so workers never wait on each other's
//! claims), renewed by heartbeats, completed with their part of the report,
//! and the run finished by exactly one worker. Every time is the database
//! server's clock, so the workers' clocks never decide who owns a chunk.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::split::Span;
use crate::batch::{FailedRecord, RunReport};
use crate::ledger::postgres::{Conn, Pool};
use crate::model::DeliveryError;

/// A run as registered.
#[derive(Debug, Clone)]
pub(super) struct RunRow {
    pub design: String,
    pub version: String,
    pub design_hash: String,
    pub input: String,
    pub input_bytes: i64,
    pub records: i64,
    pub chunks: i32,
    pub dry_run: bool,
    pub created_at: SystemTime,
    pub finished: Option<(SystemTime, String)>,
    pub report: Option<RunReport>,
}

/// A run to register, when it is not yet.
pub(super) struct Registration<'a> {
    pub run_key: &'a str,
    pub design: &'a str,
    pub version: &'a str,
    pub design_hash: &'a str,
    pub input: &'a str,
    pub input_bytes: u64,
    pub dry_run: bool,
    pub chunk_records: u64,
}

/// A chunk this worker holds.
#[derive(Debug, Clone)]
pub(super) struct Claim {
    pub idx: i32,
    pub span: Span,
    /// How many times it was claimed, this claim included: more than one
    /// means it is taken over from a worker that stopped.
    pub claims: i32,
    /// The worker that held it before, if any.
    pub previous: Option<String>,
}

/// The chunks not done: pending, held under a live lease, and held under
/// an expired one (their worker is gone), with the soonest lease end.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Open {
    pub pending: i64,
    pub live: i64,
    pub expired: i64,
    pub next_expiry: Option<Duration>,
}

impl Open {
    pub fn is_empty(&self) -> bool {
        self.pending + self.live + self.expired == 0
    }
}

const SELECT_RUN: &str = "SELECT design, version, design_hash, input, input_bytes, records,
     chunks, dry_run, created_at, finished_at, finished_by, report
     FROM vellum_runs WHERE run_key = $1";

fn run_row(r: &postgres::Row) -> RunRow {
    let finished_at: Option<SystemTime> = r.get(9);
    let finished_by: Option<String> = r.get(10);
    let report: Option<Value> = r.get(11);
    RunRow {
        design: r.get(0),
        version: r.get(1),
        design_hash: r.get(2),
        input: r.get(3),
        input_bytes: r.get(4),
        records: r.get(5),
        chunks: r.get(6),
        dry_run: r.get(7),
        created_at: r.get(8),
        finished: finished_at.zip(finished_by),
        report: report.and_then(|v| serde_json::from_value(v).ok()),
    }
}

/// The run, if registered.
pub(super) fn find(pool: &Pool, run_key: &str) -> Result<Option<RunRow>, DeliveryError> {
    pool.with("shared run", |c| {
        let st = c.prepare(SELECT_RUN)?;
        Ok(c.client.query_opt(&st, &[&run_key])?.as_ref().map(run_row))
    })
}

/// Registers the run with its chunks, unless another worker did first;
/// returns the run as registered. The input is split (`spans`) under an
/// advisory lock on the run key, so workers that start together wait for
/// the first one's split instead of each reading the whole input.
pub(super) fn register(
    pool: &Pool,
    reg: &Registration<'_>,
    spans: &mut dyn FnMut() -> crate::error::Result<Vec<Span>>,
) -> Result<crate::error::Result<RunRow>, DeliveryError> {
    pool.with("shared run", |c| {
        let mut tx = c.client.transaction()?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('vellum-run:' || $1))",
            &[&reg.run_key],
        )?;
        if let Some(row) = tx.query_opt(SELECT_RUN, &[&reg.run_key])? {
            return Ok(Ok(run_row(&row)));
        }
        let spans = match spans() {
            Ok(spans) => spans,
            Err(e) => return Ok(Err(e)),
        };
        insert_run(&mut tx, reg, &spans)?;
        let row = tx.query_one(SELECT_RUN, &[&reg.run_key])?;
        tx.commit()?;
        Ok(Ok(run_row(&row)))
    })
}

fn insert_run(
    tx: &mut postgres::Transaction<'_>,
    reg: &Registration<'_>,
    spans: &[Span],
) -> Result<(), postgres::Error> {
    let records: i64 = spans.iter().map(|s| s.records as i64).sum();
    let idx: Vec<i32> = (0..spans.len() as i32).collect();
    let first: Vec<i64> = spans.iter().map(|s| s.first as i64).collect();
    let count: Vec<i32> = spans.iter().map(|s| s.records as i32).collect();
    let offset: Vec<Option<i64>> = spans.iter().map(|s| s.start.map(|s| s.0 as i64)).collect();
    let line: Vec<Option<i64>> = spans.iter().map(|s| s.start.map(|s| s.1 as i64)).collect();
    tx.execute(
        "INSERT INTO vellum_runs (run_key, design, version, design_hash, input, input_bytes,
         records, chunk_records, chunks, dry_run) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &reg.run_key,
            &reg.design,
            &reg.version,
            &reg.design_hash,
            &reg.input,
            &(reg.input_bytes as i64),
            &records,
            &(reg.chunk_records as i32),
            &(spans.len() as i32),
            &reg.dry_run,
        ],
    )?;
    tx.execute(
        "INSERT INTO vellum_chunks (run_key, idx, first_record, records, byte_offset, first_line)
         SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::int[], $5::bigint[], $6::bigint[])",
        &[&reg.run_key, &idx, &first, &count, &offset, &line],
    )?;
    Ok(())
}

/// Records `worker` as taking part in the run.
pub(super) fn enlist(
    pool: &Pool,
    run_key: &str,
    worker: &str,
    host: &str,
    lease: Duration,
) -> Result<(), DeliveryError> {
    pool.with("shared run", |c| {
        c.client.execute(
            "INSERT INTO vellum_workers (run_key, worker, host, pid, lease_seconds)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (run_key, worker) DO UPDATE SET last_seen = now(), left_at = NULL,
             host = excluded.host, pid = excluded.pid, lease_seconds = excluded.lease_seconds",
            &[
                &run_key,
                &worker,
                &host,
                &(std::process::id() as i32),
                &lease.as_secs_f64(),
            ],
        )?;
        Ok(())
    })
}

/// Claims the first chunk that is pending or whose lease has expired.
pub(super) fn claim(
    pool: &Pool,
    run_key: &str,
    worker: &str,
    lease: Duration,
) -> Result<Option<Claim>, DeliveryError> {
    pool.with("shared run", |c| {
        let st = c.prepare(
            "WITH pick AS (
                 SELECT idx, worker AS previous FROM vellum_chunks
                 WHERE run_key = $1 AND (state = 'pending' OR (state = 'claimed' AND lease_until < now()))
                 ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED)
             UPDATE vellum_chunks c SET state = 'claimed', worker = $2, claims = c.claims + 1,
                 lease_until = now() + make_interval(secs => $3), claimed_at = now()
             FROM pick WHERE c.run_key = $1 AND c.idx = pick.idx
             RETURNING c.idx, c.first_record, c.records, c.byte_offset, c.first_line, c.claims, pick.previous",
        )?;
        let row = c
            .client
            .query_opt(&st, &[&run_key, &worker, &lease.as_secs_f64()])?;
        Ok(row.map(|r| {
            let offset: Option<i64> = r.get(3);
            let line: Option<i64> = r.get(4);
            Claim {
                idx: r.get(0),
                span: Span {
                    first: r.get::<_, i64>(1) as u64,
                    records: r.get::<_, i32>(2) as u64,
                    start: offset.zip(line).map(|(o, l)| (o as u64, l as u64)),
                },
                claims: r.get(5),
                previous: r.get(6),
            }
        }))
    })
}

/// Renews the leases of the chunks `worker` holds; the number renewed.
pub(super) fn heartbeat(
    pool: &Pool,
    run_key: &str,
    worker: &str,
    lease: Duration,
) -> Result<u64, DeliveryError> {
    pool.with("shared run heartbeat", |c| {
        let chunks = c.prepare(
            "UPDATE vellum_chunks SET lease_until = now() + make_interval(secs => $3)
             WHERE run_key = $1 AND worker = $2 AND state = 'claimed'",
        )?;
        let me = c.prepare(
            "UPDATE vellum_workers SET last_seen = now() WHERE run_key = $1 AND worker = $2",
        )?;
        let n = c
            .client
            .execute(&chunks, &[&run_key, &worker, &lease.as_secs_f64()])?;
        c.client.execute(&me, &[&run_key, &worker])?;
        Ok(n)
    })
}

/// Marks the claimed chunk done with its report and failed records; false
/// when this worker no longer held it (its lease ran out and another
/// worker took it over: that worker's report counts).
pub(super) fn complete(
    pool: &Pool,
    run_key: &str,
    worker: &str,
    idx: i32,
    report: &RunReport,
    failures: &[FailedRecord],
) -> Result<bool, DeliveryError> {
    let json = serde_json::to_value(report).unwrap_or(Value::Null);
    let lines: Vec<Value> = failures
        .iter()
        .filter_map(|f| serde_json::to_value(f).ok())
        .collect();
    let seq: Vec<i32> = (0..lines.len() as i32).collect();
    pool.with("shared run", |c| {
        complete_in(c, run_key, worker, idx, report, &json, &seq, &lines)
    })
}

#[allow(clippy::too_many_arguments)]
fn complete_in(
    c: &mut Conn,
    run_key: &str,
    worker: &str,
    idx: i32,
    report: &RunReport,
    json: &Value,
    seq: &[i32],
    lines: &[Value],
) -> Result<bool, postgres::Error> {
    let mut tx = c.client.transaction()?;
    let n = tx.execute(
        "UPDATE vellum_chunks SET state = 'done', done_at = now(), seconds = $4, report = $5
         WHERE run_key = $1 AND idx = $2 AND worker = $3 AND state = 'claimed'",
        &[&run_key, &idx, &worker, &report.seconds, json],
    )?;
    if n == 0 {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO vellum_run_failures (run_key, idx, seq, line)
         SELECT $1, $2, * FROM unnest($3::int[], $4::jsonb[])
         ON CONFLICT DO NOTHING",
        &[&run_key, &idx, &seq, &lines],
    )?;
    tx.execute(
        "UPDATE vellum_workers SET chunks_done = chunks_done + 1, records_done = records_done + $3,
         busy_seconds = busy_seconds + $4, last_seen = now() WHERE run_key = $1 AND worker = $2",
        &[&run_key, &worker, &(report.read as i64), &report.seconds],
    )?;
    tx.commit()?;
    Ok(true)
}

/// What is left to do.
pub(super) fn open(pool: &Pool, run_key: &str) -> Result<Open, DeliveryError> {
    pool.with("shared run", |c| {
        let st = c.prepare(
            "SELECT count(*) FILTER (WHERE state = 'pending'),
                    count(*) FILTER (WHERE state = 'claimed' AND lease_until >= now()),
                    count(*) FILTER (WHERE state = 'claimed' AND lease_until < now()),
                    extract(epoch FROM min(lease_until) FILTER (WHERE state = 'claimed') - now())::float8
             FROM vellum_chunks WHERE run_key = $1 AND state <> 'done'",
        )?;
        let r = c.client.query_one(&st, &[&run_key])?;
        let next: Option<f64> = r.get(3);
        Ok(Open {
            pending: r.get(0),
            live: r.get(1),
            expired: r.get(2),
            next_expiry: next.map(|s| Duration::from_secs_f64(s.max(0.0))),
        })
    })
}

/// Finishes the run when every chunk is done and no worker has yet: the
/// run's report, the sum of its chunks', produced once. `None` when chunks
/// are left or another worker finished it.
pub(super) fn finish(
    pool: &Pool,
    run_key: &str,
    worker: &str,
) -> Result<Option<RunReport>, DeliveryError> {
    pool.with("shared run", |c| {
        let mut tx = c.client.transaction()?;
        let run = tx.query_one(
            "SELECT finished_at IS NOT NULL, design, version, dry_run,
                    extract(epoch FROM now() - created_at)::float8
             FROM vellum_runs WHERE run_key = $1 FOR UPDATE",
            &[&run_key],
        )?;
        let left: i64 = tx
            .query_one(
                "SELECT count(*) FROM vellum_chunks WHERE run_key = $1 AND state <> 'done'",
                &[&run_key],
            )?
            .get(0);
        if run.get::<_, bool>(0) || left > 0 {
            return Ok(None);
        }
        let mut report = RunReport {
            design: run.get(1),
            version: run.get(2),
            run_key: run_key.to_owned(),
            dry_run: run.get(3),
            seconds: run.get(4),
            ..RunReport::default()
        };
        for row in tx.query(
            "SELECT report FROM vellum_chunks WHERE run_key = $1 ORDER BY idx",
            &[&run_key],
        )? {
            let part: Option<Value> = row.get(0);
            if let Some(part) = part.and_then(|v| serde_json::from_value::<RunReport>(v).ok()) {
                report.add(&part);
            }
        }
        let json = serde_json::to_value(&report).unwrap_or(Value::Null);
        tx.execute(
            "UPDATE vellum_runs SET finished_at = now(), finished_by = $2, report = $3
             WHERE run_key = $1",
            &[&run_key, &worker, &json],
        )?;
        tx.execute(
            "UPDATE vellum_workers SET left_at = now() WHERE run_key = $1 AND worker = $2",
            &[&run_key, &worker],
        )?;
        tx.commit()?;
        Ok(Some(report))
    })
}

/// Records that `worker` has left the run (it found nothing more to do).
pub(super) fn leave(pool: &Pool, run_key: &str, worker: &str) -> Result<(), DeliveryError> {
    pool.with("shared run", |c| {
        c.client.execute(
            "UPDATE vellum_workers SET left_at = now() WHERE run_key = $1 AND worker = $2",
            &[&run_key, &worker],
        )?;
        Ok(())
    })
}

/// The failed records of the run, chunk by chunk, as error-file lines.
pub(super) fn failures(pool: &Pool, run_key: &str) -> Result<Vec<Value>, DeliveryError> {
    pool.with("shared run", |c| {
        let rows = c.client.query(
            "SELECT line FROM vellum_run_failures WHERE run_key = $1 ORDER BY idx, seq",
            &[&run_key],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    })
}
