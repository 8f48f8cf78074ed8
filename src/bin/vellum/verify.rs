//! `vellum verify`: re-renders a run's records and checks every delivered
//! message against the content hash its ledger recorded; with
//! `--deliver`, reads back every print stream the run's spool released
//! (its pages, each envelope's pages and marks, against its manifest and
//! the ledger) and finds each letter delivered as print in one of them.
//!
//! ```text
//! vellum verify <design> --data <file|dir> --ledger <file> --run-key K
//!               [--deliver dir:<folder>] [--today YYYY-MM-DD] [--workers N]
//!               [--report <file>]
//! ```
//!
//! Give it what the run was given: the same data, run key and `--today`
//! (the document date is in every email and letter, so a re-render dated
//! another day differs). Exit codes: 0 every delivered message matches
//! (and every print stream read back passes), 1 some differ or cannot be
//! checked (no hash recorded, nothing delivered under that run key, a
//! stream fails its read-back, a letter delivered as print is in no
//! stream), 2 it could not start.

use std::path::PathBuf;

use vellum::batch::{Source, VerifyOptions, verify};
use vellum::deliver::MessageOptions;
use vellum::model::Date;
use vellum::{Design, Pipeline, PipelineOptions};

use super::{date, number, value};

const USAGE: &str = "usage:
  vellum verify <design> --data <file|dir> --ledger <file> --run-key K
                [--deliver dir:<folder>] [--today YYYY-MM-DD] [--workers N]
                [--report <file>]";

/// What `verify` was asked to do.
#[derive(Debug, Default)]
struct VerifyArgs {
    design: PathBuf,
    data: PathBuf,
    ledger: PathBuf,
    run_key: String,
    today: Option<Date>,
    workers: usize,
    report: Option<PathBuf>,
    /// The run's `--deliver` folder: its print spool is `print/` in it.
    deliver: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<VerifyArgs, String> {
    let mut a = VerifyArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--data" => a.data = value(&mut it, arg)?.into(),
            "--ledger" => a.ledger = value(&mut it, arg)?.into(),
            "--run-key" => a.run_key = value(&mut it, arg)?.to_owned(),
            "--workers" => a.workers = number(value(&mut it, arg)?, arg)?,
            "--report" => a.report = Some(value(&mut it, arg)?.into()),
            "--deliver" => {
                let v = value(&mut it, arg)?;
                a.deliver = Some(v.strip_prefix("dir:").unwrap_or(v).into());
            }
            "--today" => a.today = Some(date(value(&mut it, arg)?, arg)?),
            s if s.starts_with("--") => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s if a.design.as_os_str().is_empty() => a.design = s.into(),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    if a.design.as_os_str().is_empty()
        || a.data.as_os_str().is_empty()
        || a.ledger.as_os_str().is_empty()
        || a.run_key.is_empty()
    {
        return Err(format!(
            "verify needs a design, --data, --ledger and --run-key (`vellum run` uses `run` \
             when not given one)\n{USAGE}"
        ));
    }
    Ok(a)
}

/// `vellum verify`: true when every delivered message matches.
pub(crate) fn main(args: &[String]) -> Result<bool, String> {
    let a = parse(args)?;
    // Opening creates a missing SQLite ledger: that would verify nothing.
    let sqlite = !a.ledger.to_str().is_some_and(super::is_postgres);
    if sqlite && !a.ledger.is_file() {
        return Err(format!("--ledger {}: no such file", a.ledger.display()));
    }
    let design = Design::load(&a.design).map_err(|e| e.to_string())?;
    let mut options = PipelineOptions::default();
    match a.today {
        Some(today) => options = options.today(today),
        None => eprintln!(
            "vellum verify: no --today, so documents are dated today; a run given --today \
             matches only with the same date"
        ),
    }
    let pipeline = Pipeline::new(&design, options).map_err(|e| e.to_string())?;
    let ledger = super::open_ledger(&a.ledger)?;
    // The sender `vellum run` builds its messages with: it is in every
    // email's From and Message-ID.
    let mut message =
        MessageOptions::new(&a.run_key, "Northwind Energy", "billing@northwind.example");
    // The run's key (its tokens are in the emails' content hashes): the
    // environment's, or the one kept beside the ledger in the run's folder.
    message.unsubscribe_key = Some(super::unsubscribe_key(
        a.ledger.parent().filter(|_| sqlite),
    )?);
    let mut options = VerifyOptions::new(message);
    options.workers = a.workers;
    options.print = a.deliver.as_ref().map(|d| d.join("print"));
    if let Some(dir) = &a.deliver
        && !dir.is_dir()
    {
        return Err(format!("--deliver {}: no such folder", dir.display()));
    }
    let report =
        verify(&pipeline, Source::path(&a.data), &ledger, &options).map_err(|e| e.to_string())?;
    println!("{report}");
    if let Some(path) = &a.report {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(report.is_verified())
}
