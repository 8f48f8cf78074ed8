//! `vellum run --ledger postgres://...`: a worker of a shared run, and
//! `vellum status <run-key>`: the run's progress across its workers.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use vellum::batch::{ChunkDone, RunStatus, SharedInput, SharedOptions, SharedRun, WorkerOutcome};
use vellum::deliver::{Ledger, PrintOptions, PrintSpool};
use vellum::{Design, Pipeline};

use super::{RunArgs, dispatcher, finish, print_spool, run_options, spool_options, value};

/// Runs chunks of the shared run until none is left; true when nothing
/// this worker (or, for the worker that finished it, the run) did failed.
pub fn run(
    a: &RunArgs,
    design: &Design,
    pipeline: &Pipeline<'_>,
    url: &str,
) -> Result<bool, String> {
    if a.only_failed.is_some() || a.limit.is_some() {
        return Err(
            "--only-failed and --limit are for runs on one machine: a shared run \
                    (--ledger postgres://...) always covers its whole input"
                .to_owned(),
        );
    }
    let mut shared = SharedOptions::default();
    shared.dry_run = a.dry_run;
    shared.worker = a.worker.clone();
    if let Some(n) = a.chunk_records {
        shared.chunk_records = n.max(1);
    }
    if let Some(s) = a.lease_seconds {
        shared.lease = Duration::from_secs_f64(s);
    }
    let run =
        SharedRun::join(url, design, &a.run_key, input(a)?, shared).map_err(|e| e.to_string())?;
    if let Some(report) = run.finished() {
        eprintln!("run {} was already finished; its report:", a.run_key);
        return finish(report, a.report.as_deref());
    }
    let (chunks, records) = run.size();
    eprintln!(
        "worker {} joined run {}: {chunks} chunks, {records} records",
        run.worker(),
        a.run_key
    );
    let ledger = match (&a.deliver, a.dry_run) {
        (Some(_), false) => Some(Arc::new(Ledger::connect(url).map_err(|e| e.to_string())?)),
        _ => None,
    };
    let dispatcher = match (&a.deliver, &ledger) {
        (Some(dir), Some(ledger)) => {
            let spool =
                print_spool(&spool_dir(dir, run.worker()), design, a)?.with_ledger(ledger.clone());
            Some(dispatcher(dir, ledger.clone(), spool, &a.backends)?)
        }
        _ => None,
    };
    let options = || run_options(a, design);
    let done = run
        .work(pipeline, dispatcher.as_ref(), &options, &mut progress)
        .map_err(|e| e.to_string())?;
    match &done.run {
        Some(report) => finished(a, design, (&run, ledger), &done, report),
        None => {
            summary(&done);
            Ok(done.report.failed == 0 && done.report.flush_error.is_none())
        }
    }
}

/// The worker that completed the last chunk: writes the run's error file,
/// flushes the print spools of workers that stopped on this file system,
/// prints the run's report.
fn finished(
    a: &RunArgs,
    design: &Design,
    (run, ledger): (&SharedRun, Option<Arc<Ledger>>),
    done: &WorkerOutcome,
    report: &vellum::batch::RunReport,
) -> Result<bool, String> {
    summary(done);
    if let Some(path) = &a.errors {
        run.write_failures(path).map_err(|e| e.to_string())?;
    }
    let mut report = report.clone();
    if let (Some(dir), Some(ledger)) = (&a.deliver, ledger)
        && let Err(e) = flush_spools(&dir.join("print"), spool_options(design, a), &ledger)
    {
        report.flush_error.get_or_insert(e);
    }
    finish(&report, a.report.as_deref())
}

/// Each worker's letters go to its own spool, `print/<worker>`: two
/// processes never write one spool's batch files at once.
fn spool_dir(dir: &Path, worker: &str) -> PathBuf {
    let safe: String = worker
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("print").join(safe)
}

/// Closes every worker's spool under `print`: a worker that was killed
/// left its staged letters there (the ledger has them as delivered). Each
/// stream is read back against the ledger before it is released.
fn flush_spools(print: &Path, options: PrintOptions, ledger: &Arc<Ledger>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(print) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if dir.join("staging").is_dir() {
            PrintSpool::new(&dir, options.clone())
                .and_then(|s| s.with_ledger(ledger.clone()).close())
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    Ok(())
}

fn input(a: &RunArgs) -> Result<SharedInput, String> {
    match &a.mapping {
        Some(m) => Ok(SharedInput::csv(
            &a.data,
            vellum::batch::CsvMapping::load(m).map_err(|e| e.to_string())?,
        )),
        None => Ok(SharedInput::path(&a.data)),
    }
}

/// One line per chunk on stderr: counts only.
fn progress(c: &ChunkDone) {
    let r = &c.report;
    eprintln!(
        "chunk {}/{}: {} records in {:.1} s, delivered {}, skipped {}, held {}, failed {}{}{}",
        c.idx + 1,
        c.chunks,
        r.read,
        r.seconds,
        r.delivered_total(),
        r.skipped,
        r.held,
        r.failed,
        match &c.taken_over_from {
            Some(w) => format!(" (taken over from {w})"),
            None => String::new(),
        },
        if c.counted {
            ""
        } else {
            " (lease lost: another worker took it over; its count stands)"
        }
    );
}

fn summary(done: &WorkerOutcome) {
    eprintln!(
        "worker {}: {} chunks ({} taken over, {} lost), {} records in {:.1} s; {:.3} s coordinating, {:.1} s waiting for others' last chunks",
        done.worker,
        done.chunks,
        done.taken_over,
        done.lost,
        done.report.read,
        done.report.seconds,
        done.coordination_seconds,
        done.waiting_seconds
    );
    if done.run.is_none() {
        eprintln!(
            "the run's report comes from the worker that completes its last chunk \
             (vellum status {} shows the progress)",
            done.report.run_key
        );
    }
}

/// `vellum status <run-key> --ledger postgres://...`.
pub fn status(args: &[String]) -> Result<bool, String> {
    let (mut run_key, mut url, mut json) = (None, None, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--ledger" => url = Some(value(&mut it, arg)?.to_owned()),
            "--json" => json = true,
            s if s.starts_with("--") => {
                return Err(format!("unknown option {s:?}\n{}", super::USAGE));
            }
            s if run_key.is_none() => run_key = Some(s.to_owned()),
            s => return Err(format!("unexpected argument {s:?}\n{}", super::USAGE)),
        }
    }
    let (Some(run_key), Some(url)) = (run_key, url) else {
        return Err(format!(
            "status needs a run key and --ledger postgres://...\n{}",
            super::USAGE
        ));
    };
    if !super::is_postgres(&url) {
        return Err(format!(
            "--ledger: status reads a shared run's PostgreSQL database (postgres://...), not {url:?}"
        ));
    }
    let s: RunStatus = vellum::batch::status(&url, &run_key).map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).map_err(|e| e.to_string())?
        );
    } else {
        print!("{s}");
    }
    Ok(true)
}
