//! Shared runs: worker processes on several machines share one run through
//! PostgreSQL, the coordinator and the ledger at once (as River, Oban and
//! graphile-worker users run their queues), with no coordinator of our own.
//!
//! The first worker to arrive registers the run (design id, version and
//! content hash; the input's name and size; the run key) and splits its
//! records into chunks. Every worker then claims chunks one at a time with
//! a lease (`FOR UPDATE SKIP LOCKED`) that a heartbeat renews, runs each
//! chunk as an ordinary [`Run`](crate::batch::Run) against the shared
//! ledger, and completes it with its part of the report. A worker that dies
//! (killed, machine lost) stops renewing; when its lease runs out another
//! worker takes the chunk over and resumes it from the ledger: what the dead
//! worker delivered is not sent again (and counts as delivered), what it
//! had in flight is sent again and flagged as possibly duplicated. The
//! worker that completes the last chunk produces the run's report, once:
//! the sum of the chunks', the same as one worker's run.
//!
//! ```no_run
//! use vellum::batch::{RunOptions, SharedInput, SharedOptions, SharedRun};
//! use vellum::deliver::{DirTransport, Dispatcher, Ledger};
//! use vellum::model::Channel;
//! use vellum::{Design, Pipeline, PipelineOptions};
//!
//! let url = "postgres://vellum:secret@db.internal/ccm";
//! let design = Design::load("templates/bill")?;
//! let pipeline = Pipeline::new(&design, PipelineOptions::default())?;
//! let out = std::sync::Arc::new(DirTransport::new("out/cycle")?);
//! let dispatcher = Dispatcher::builder(Ledger::connect(url)?)
//!     .transport(Channel::Email, out.clone())
//!     .transport(Channel::Sms, out.clone())
//!     .transport(Channel::Print, out)
//!     .build()?;
//! let input = SharedInput::path("/mnt/shared/cycle.jsonl");
//! let run = SharedRun::join(url, &design, "2026-12", input, SharedOptions::default())?;
//! let options = || RunOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
//! let done = run.work(&pipeline, Some(&dispatcher), &options, &mut |_| {})?;
//! if let Some(report) = &done.run {
//!     println!("{report}"); // this worker finished the run
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod registry;
mod split;
mod status;
mod worker;

use std::time::Duration;

pub use self::split::SharedInput;
pub use self::status::{RunStatus, WorkerStatus, status};
pub use self::worker::{ChunkDone, WorkerOutcome};
use crate::design::Design;
use crate::error::{ErrorKind, Result};
use crate::ledger::postgres::Pool;
use registry::{Registration, RunRow};

/// How a worker takes part in a shared run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SharedOptions {
    /// Records per chunk, when this worker registers the run. Smaller
    /// chunks spread better and lose less work to a dead worker; larger
    /// ones cost less coordination.
    pub chunk_records: u64,
    /// How long a claim holds without a heartbeat: a dead worker's chunk
    /// is taken over this long after its last heartbeat.
    pub lease: Duration,
    /// The worker's name in the run (default: host and process id).
    pub worker: Option<String>,
    /// Render only, deliver nothing (every worker of the run must agree).
    pub dry_run: bool,
}

impl Default for SharedOptions {
    fn default() -> SharedOptions {
        SharedOptions {
            chunk_records: 500,
            lease: Duration::from_secs(30),
            worker: None,
            dry_run: false,
        }
    }
}

/// This worker's place in a shared run.
#[derive(Debug)]
pub struct SharedRun {
    pool: Pool,
    run_key: String,
    run: RunRow,
    input: SharedInput,
    worker: String,
    options: SharedOptions,
}

impl SharedRun {
    /// Joins run `run_key` in the PostgreSQL database at `url`, registering
    /// it (and splitting `input` into chunks) when this worker is the first.
    /// Refuses to join when this worker's design (its content hash), its
    /// input (name and size) or its dry-run setting differ from the run's:
    /// a run never mixes two versions of a design.
    pub fn join(
        url: &str,
        design: &Design,
        run_key: &str,
        input: SharedInput,
        options: SharedOptions,
    ) -> Result<SharedRun> {
        let err = |e: crate::model::DeliveryError| shared(run_key, e.message().to_owned());
        let pool = Pool::connect(url).map_err(err)?;
        let (name, bytes) = input.identity()?;
        let run = match registry::find(&pool, run_key).map_err(err)? {
            Some(run) => run,
            None => {
                let reg = Registration {
                    run_key,
                    design: design.id(),
                    version: &design.manifest().version,
                    design_hash: design.content_hash(),
                    input: &name,
                    input_bytes: bytes,
                    dry_run: options.dry_run,
                    chunk_records: options.chunk_records,
                };
                let mut spans = || split::split(&input, options.chunk_records);
                registry::register(&pool, &reg, &mut spans).map_err(err)??
            }
        };
        fits(&run, design, (&name, bytes), options.dry_run).map_err(|m| shared(run_key, m))?;
        let worker = options.worker.clone().unwrap_or_else(default_worker);
        if run.finished.is_none() {
            registry::enlist(&pool, run_key, &worker, &host(), options.lease).map_err(err)?;
        }
        Ok(SharedRun {
            pool,
            run_key: run_key.to_owned(),
            run,
            input,
            worker,
            options,
        })
    }

    /// This worker's name in the run.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// The number of chunks and records of the run.
    pub fn size(&self) -> (u64, u64) {
        (self.run.chunks as u64, self.run.records as u64)
    }

    /// The run's report, when the run was finished before this worker joined.
    pub fn finished(&self) -> Option<&crate::batch::RunReport> {
        self.run.finished.as_ref().and(self.run.report.as_ref())
    }
}

/// Why this worker does not fit the run, if it does not.
fn fits(
    run: &RunRow,
    design: &Design,
    (input, bytes): (&str, u64),
    dry_run: bool,
) -> std::result::Result<(), String> {
    if run.design != design.id()
        || run.version != design.manifest().version
        || run.design_hash != design.content_hash()
    {
        return Err(format!(
            "the run is of design {} {} (content hash {}); this worker has {} {} (content hash \
             {}): a run never mixes two versions of a design",
            run.design,
            run.version,
            &run.design_hash[..run.design_hash.len().min(12)],
            design.id(),
            design.manifest().version,
            &design.content_hash()[..12],
        ));
    }
    if run.input != input || run.input_bytes != bytes as i64 {
        return Err(format!(
            "the run reads {} ({} bytes); this worker was given {input} ({bytes} bytes): every \
             worker must read the same input",
            run.input, run.input_bytes
        ));
    }
    if run.dry_run != dry_run {
        return Err(format!(
            "the run {} a dry run; this worker {}",
            if run.dry_run { "is" } else { "is not" },
            if dry_run { "is" } else { "is not" }
        ));
    }
    Ok(())
}

fn shared(run: &str, message: String) -> crate::error::Error {
    ErrorKind::Shared {
        run: run.to_owned(),
        message,
    }
    .into()
}

/// `host-pid`: unique among the run's live workers.
fn default_worker() -> String {
    format!("{}-{}", host(), std::process::id())
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
