//! The progress of a shared run across its workers, as `vellum status`
//! shows it: chunks done, claimed and pending; per worker its chunks,
//! records, rate and when it was last heard from; the failures so far.

use std::fmt;

use serde::Serialize;

use super::{registry, shared};
use crate::error::Result;
use crate::ledger::postgres::Pool;

/// A shared run's progress.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RunStatus {
    /// The run key.
    pub run_key: String,
    /// The design's id and version.
    pub design: String,
    /// The design's version.
    pub version: String,
    /// The design's content hash the run was registered with.
    pub design_hash: String,
    /// The input's file name.
    pub input: String,
    /// Records in the input.
    pub records: u64,
    /// Chunks done.
    pub done: u64,
    /// Chunks claimed by a worker whose lease is live.
    pub claimed: u64,
    /// Chunks claimed by a worker whose lease ran out (to be taken over).
    pub expired: u64,
    /// Chunks no worker has claimed yet.
    pub pending: u64,
    /// Records of the chunks done.
    pub records_done: u64,
    /// Failed records so far.
    pub failed: u64,
    /// Seconds since the run was registered (until it finished, when it did).
    pub seconds: f64,
    /// Who finished the run, when it is finished.
    pub finished_by: Option<String>,
    /// Every worker that joined.
    pub workers: Vec<WorkerStatus>,
}

/// One worker of a shared run.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct WorkerStatus {
    /// Its name (host and process id unless given).
    pub worker: String,
    /// Its host.
    pub host: String,
    /// Chunks it completed.
    pub chunks_done: u64,
    /// Records in them.
    pub records_done: u64,
    /// Records per second while it worked on them.
    pub rate: f64,
    /// Seconds since it was last heard from.
    pub silent_for: f64,
    /// It has left the run (nothing more to do).
    pub left: bool,
    /// Not heard from for longer than its lease: stopped, or cut off from
    /// the database; what it held is taken over by the others.
    pub stopped: bool,
}

/// The status of run `run_key` in the database at `url`.
pub fn status(url: &str, run_key: &str) -> Result<RunStatus> {
    let pool = Pool::connect(url).map_err(|e| shared(run_key, e.message().to_owned()))?;
    let Some(run) =
        registry::find(&pool, run_key).map_err(|e| shared(run_key, e.message().to_owned()))?
    else {
        return Err(shared(
            run_key,
            format!(
                "no such run in {} (runs start with `vellum run ... --ledger`)",
                pool.shown()
            ),
        ));
    };
    let mut s = pool
        .with("shared run status", |c| {
            let chunks = c.client.query_one(
                "SELECT count(*) FILTER (WHERE state = 'done'),
                        count(*) FILTER (WHERE state = 'claimed' AND lease_until >= now()),
                        count(*) FILTER (WHERE state = 'claimed' AND lease_until < now()),
                        count(*) FILTER (WHERE state = 'pending'),
                        coalesce(sum(records) FILTER (WHERE state = 'done'), 0)::bigint,
                        coalesce(sum((report->>'failed')::bigint), 0)::bigint,
                        (SELECT extract(epoch FROM coalesce(finished_at, now()) - created_at)::float8
                         FROM vellum_runs WHERE run_key = $1)
                 FROM vellum_chunks WHERE run_key = $1",
                &[&run_key],
            )?;
            let n = |i: usize| chunks.get::<_, i64>(i) as u64;
            Ok(RunStatus {
                run_key: run_key.to_owned(),
                design: String::new(),
                version: String::new(),
                design_hash: String::new(),
                input: String::new(),
                records: 0,
                done: n(0),
                claimed: n(1),
                expired: n(2),
                pending: n(3),
                records_done: n(4),
                failed: n(5),
                seconds: chunks.get(6),
                finished_by: None,
                workers: workers(c, run_key)?,
            })
        })
        .map_err(|e| shared(run_key, e.message().to_owned()))?;
    s.design = run.design;
    s.version = run.version;
    s.design_hash = run.design_hash;
    s.input = run.input;
    s.records = run.records as u64;
    s.finished_by = run.finished.map(|f| f.1);
    Ok(s)
}

fn workers(
    c: &mut crate::ledger::postgres::Conn,
    run_key: &str,
) -> std::result::Result<Vec<WorkerStatus>, postgres::Error> {
    let rows = c.client.query(
        "SELECT worker, host, chunks_done, records_done, busy_seconds,
                extract(epoch FROM now() - last_seen)::float8, left_at IS NOT NULL,
                left_at IS NULL AND now() - last_seen > make_interval(secs => coalesce(lease_seconds, 30))
         FROM vellum_workers WHERE run_key = $1 ORDER BY joined_at, worker",
        &[&run_key],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let busy: f64 = r.get(4);
            let records = r.get::<_, i64>(3) as u64;
            WorkerStatus {
                worker: r.get(0),
                host: r.get(1),
                chunks_done: r.get::<_, i32>(2) as u64,
                records_done: records,
                rate: if busy > 0.0 {
                    records as f64 / busy
                } else {
                    0.0
                },
                silent_for: r.get(5),
                left: r.get(6),
                stopped: r.get(7),
            }
        })
        .collect())
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chunks = self.done + self.claimed + self.expired + self.pending;
        writeln!(
            f,
            "run {} of {} {} over {} ({} records), {:.0} s{}",
            self.run_key,
            self.design,
            self.version,
            self.input,
            self.records,
            self.seconds,
            match &self.finished_by {
                Some(w) => format!(", finished by {w}"),
                None => String::new(),
            }
        )?;
        writeln!(
            f,
            "  chunks: {} done, {} claimed, {} expired (to be taken over), {} pending, of {chunks}",
            self.done, self.claimed, self.expired, self.pending
        )?;
        writeln!(
            f,
            "  records: {} done of {}, {} failed",
            self.records_done, self.records, self.failed
        )?;
        for w in &self.workers {
            let state = if w.left {
                "left".to_owned()
            } else if w.stopped {
                format!(
                    "STOPPED? not heard from for {:.0} s, longer than its lease",
                    w.silent_for
                )
            } else {
                format!("last heard {:.0} s ago", w.silent_for)
            };
            writeln!(
                f,
                "  worker {} on {}: {} chunks, {} records, {:.0}/s, {state}",
                w.worker, w.host, w.chunks_done, w.records_done, w.rate
            )?;
        }
        Ok(())
    }
}
