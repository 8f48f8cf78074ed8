//! A worker's loop in a shared run: claim a chunk, run it, complete it,
//! until no chunk is left; a heartbeat thread renews the leases meanwhile.
//! When only chunks under other workers' live leases are left, it waits:
//! should one of them die, its chunk is taken over here.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::registry::{self, Claim};
use super::{SharedRun, shared};
use crate::batch::{FailedRecord, Run, RunOptions, RunReport};
use crate::deliver::Dispatcher;
use crate::error::Result;
use crate::pipeline::Pipeline;

/// What one chunk came to, for progress lines.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ChunkDone {
    /// The chunk's number, from 0.
    pub idx: u32,
    /// The run's number of chunks.
    pub chunks: u32,
    /// The worker it was taken over from, when it was.
    pub taken_over_from: Option<String>,
    /// Its report.
    pub report: RunReport,
    /// False when this worker's lease ran out before it completed the chunk
    /// and another worker took it over (that worker's report counts).
    pub counted: bool,
}

/// What a worker did in a shared run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkerOutcome {
    /// The worker's name.
    pub worker: String,
    /// Chunks it completed.
    pub chunks: usize,
    /// Of them, taken over from a worker that stopped.
    pub taken_over: usize,
    /// Chunks it worked on but lost to another worker (its lease ran out).
    pub lost: usize,
    /// The sum of its chunks' reports.
    pub report: RunReport,
    /// The run's report, when this worker finished the run.
    pub run: Option<RunReport>,
    /// Seconds spent in the coordinator's statements (claims, completions,
    /// the finish): the coordination cost.
    pub coordination_seconds: f64,
    /// Seconds spent waiting with nothing to claim while other workers
    /// held the last chunks (idle, not a cost of coordination).
    pub waiting_seconds: f64,
}

/// The heartbeat's state, shared with the loop.
struct Beat {
    stop: Mutex<bool>,
    wake: Condvar,
    /// The database could not be reached for longer than the pool retries.
    lost: AtomicBool,
}

impl SharedRun {
    /// Claims and runs chunks until none is left, then finishes the run if
    /// this worker completed its last chunk. `options` makes each chunk's
    /// run options (sender, workers, ...); the error file and the resume
    /// time are set here. `each` is told of every chunk done.
    pub fn work(
        &self,
        pipeline: &Pipeline<'_>,
        dispatcher: Option<&Dispatcher>,
        options: &dyn Fn() -> RunOptions,
        each: &mut dyn FnMut(&ChunkDone),
    ) -> Result<WorkerOutcome> {
        let beat = Beat {
            stop: Mutex::new(false),
            wake: Condvar::new(),
            lost: AtomicBool::new(false),
        };
        let mut out = WorkerOutcome {
            worker: self.worker.clone(),
            chunks: 0,
            taken_over: 0,
            lost: 0,
            report: RunReport {
                design: self.run.design.clone(),
                version: self.run.version.clone(),
                run_key: self.run_key.clone(),
                dry_run: self.run.dry_run,
                ..RunReport::default()
            },
            run: None,
            coordination_seconds: 0.0,
            waiting_seconds: 0.0,
        };
        let worked = std::thread::scope(|s| {
            s.spawn(|| self.heartbeat(&beat));
            let r = self.chunks(pipeline, dispatcher, options, each, &beat, &mut out);
            *beat.stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
            beat.wake.notify_all();
            r
        });
        worked?;
        let t = Instant::now();
        out.run =
            registry::finish(&self.pool, &self.run_key, &self.worker).map_err(|e| self.err(e))?;
        if out.run.is_none() {
            registry::leave(&self.pool, &self.run_key, &self.worker).map_err(|e| self.err(e))?;
        }
        out.coordination_seconds += t.elapsed().as_secs_f64();
        Ok(out)
    }

    /// The failed records of the whole run, as error-file lines, written to
    /// `path` (the worker that finished the run writes them).
    pub fn write_failures(&self, path: &Path) -> Result<usize> {
        let lines = registry::failures(&self.pool, &self.run_key).map_err(|e| self.err(e))?;
        let mut text = String::new();
        for line in &lines {
            text.push_str(&line.to_string());
            text.push('\n');
        }
        std::fs::write(path, text).map_err(|e| crate::error::Error::io(path, e))?;
        Ok(lines.len())
    }

    fn chunks(
        &self,
        pipeline: &Pipeline<'_>,
        dispatcher: Option<&Dispatcher>,
        options: &dyn Fn() -> RunOptions,
        each: &mut dyn FnMut(&ChunkDone),
        beat: &Beat,
        out: &mut WorkerOutcome,
    ) -> Result<()> {
        loop {
            if beat.lost.load(Ordering::Relaxed) {
                return Err(shared(
                    &self.run_key,
                    format!(
                        "lost the database ({}) for longer than a minute; this worker stops, and \
                         its chunk is taken over when its lease runs out",
                        self.pool.shown()
                    ),
                ));
            }
            let t = Instant::now();
            let claim =
                registry::claim(&self.pool, &self.run_key, &self.worker, self.options.lease)
                    .map_err(|e| self.err(e))?;
            out.coordination_seconds += t.elapsed().as_secs_f64();
            match claim {
                Some(claim) => self.chunk(pipeline, dispatcher, options, claim, each, out)?,
                None if !self.wait(beat, out)? => return Ok(()),
                None => {}
            }
        }
    }

    /// Runs one claimed chunk and completes it.
    fn chunk(
        &self,
        pipeline: &Pipeline<'_>,
        dispatcher: Option<&Dispatcher>,
        options: &dyn Fn() -> RunOptions,
        claim: Claim,
        each: &mut dyn FnMut(&ChunkDone),
        out: &mut WorkerOutcome,
    ) -> Result<()> {
        let errors = self.error_path(claim.idx);
        let mut opts = options();
        opts.error_file = Some(errors.clone());
        opts.only = None;
        opts.limit = None;
        opts.expected = Some(claim.span.records);
        if claim.claims > 1 {
            opts.resumed_since = Some(self.run.created_at);
        }
        let run = Run::new(pipeline, dispatcher, opts).execute(self.input.part(&claim.span));
        let failures = read_failures(&errors);
        let _ = std::fs::remove_file(&errors);
        let report = run?;
        let t = Instant::now();
        let counted = registry::complete(
            &self.pool,
            &self.run_key,
            &self.worker,
            claim.idx,
            &report,
            &failures,
        )
        .map_err(|e| self.err(e))?;
        out.coordination_seconds += t.elapsed().as_secs_f64();
        if counted {
            out.chunks += 1;
            out.taken_over += usize::from(claim.claims > 1);
            out.report.add(&report);
            out.report.seconds += report.seconds;
        } else {
            out.lost += 1;
        }
        each(&ChunkDone {
            idx: claim.idx as u32,
            chunks: self.run.chunks as u32,
            taken_over_from: claim.previous.filter(|_| claim.claims > 1),
            report,
            counted,
        });
        Ok(())
    }

    /// Nothing to claim: false when the run has no chunk left; else waits
    /// until another worker's lease could have run out.
    fn wait(&self, beat: &Beat, out: &mut WorkerOutcome) -> Result<bool> {
        let t = Instant::now();
        let open = registry::open(&self.pool, &self.run_key).map_err(|e| self.err(e))?;
        out.coordination_seconds += t.elapsed().as_secs_f64();
        if open.is_empty() {
            return Ok(false);
        }
        if open.pending + open.expired == 0 {
            let poll = (self.options.lease / 4).max(Duration::from_millis(200));
            let until = open
                .next_expiry
                .map_or(poll, |d| d + Duration::from_millis(100));
            let t = Instant::now();
            let stop = beat.stop.lock().unwrap_or_else(|e| e.into_inner());
            let _ = beat.wake.wait_timeout(stop, until.min(poll));
            out.waiting_seconds += t.elapsed().as_secs_f64();
        }
        Ok(true)
    }

    /// Renews this worker's leases every third of a lease until stopped.
    fn heartbeat(&self, beat: &Beat) {
        let every = (self.options.lease / 3).max(Duration::from_millis(100));
        let mut stop = beat.stop.lock().unwrap_or_else(|e| e.into_inner());
        while !*stop {
            stop = beat
                .wake
                .wait_timeout(stop, every)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            if *stop {
                break;
            }
            drop(stop);
            if registry::heartbeat(&self.pool, &self.run_key, &self.worker, self.options.lease)
                .is_err()
            {
                beat.lost.store(true, Ordering::Relaxed);
            }
            stop = beat.stop.lock().unwrap_or_else(|e| e.into_inner());
        }
    }

    fn error_path(&self, idx: i32) -> PathBuf {
        let safe: String = self
            .worker
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        std::env::temp_dir().join(format!("vellum-{safe}-chunk-{idx}.jsonl"))
    }

    fn err(&self, e: crate::model::DeliveryError) -> crate::error::Error {
        shared(&self.run_key, e.message().to_owned())
    }
}

/// The failed records a chunk's run wrote.
fn read_failures(path: &Path) -> Vec<FailedRecord> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    std::io::BufReader::new(file)
        .lines()
        .map_while(std::result::Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}
