//! `vellum events`: what came back from communications, recorded in the
//! ledger, and the response report.
//!
//! ```text
//! vellum events ingest <file|dir> --ledger <file|postgres://...> [--key-file <file>] [--json]
//! vellum events report --ledger <file|postgres://...> [--json]
//! vellum events standing <customer-id> --ledger <file|postgres://...> [--json]
//! ```
//!
//! `ingest` reads DSN bounces (`.eml`), SMS gateway receipts and replies
//! (`.jsonl`), one-click unsubscribe requests (`.http`) and print returns
//! (`.csv`), a file or a folder of them, and records each event against the
//! message it answers. Tokens are verified with the unsubscribe key:
//! `VELLUM_UNSUBSCRIBE_KEY`, else `--key-file` (a run keeps its key in its
//! output folder's `unsubscribe.key`). A file that cannot be read is
//! reported and none of its events is taken; an event for a message the
//! ledger does not have is reported and not recorded. Exit codes: 0 every
//! event recorded (or already recorded), 1 some file or event rejected, 2
//! it could not start.

use std::path::PathBuf;
use std::time::SystemTime;

use vellum::deliver::Response;
use vellum::events::{UnsubscribeKey, ingest, read_each};

use super::{open_ledger, value};

const USAGE: &str = "usage:
  vellum events ingest <file|dir> --ledger <file|postgres://...> [--key-file <file>] [--json]
  vellum events report --ledger <file|postgres://...> [--json]
  vellum events standing <customer-id> --ledger <file|postgres://...> [--json]";

/// What `events` was asked to do.
#[derive(Debug, Default)]
struct EventsArgs {
    path: Option<PathBuf>,
    ledger: Option<PathBuf>,
    key_file: Option<PathBuf>,
    json: bool,
}

fn parse(args: &[String], wants_path: bool) -> Result<EventsArgs, String> {
    let mut a = EventsArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--ledger" => a.ledger = Some(value(&mut it, arg)?.into()),
            "--key-file" => a.key_file = Some(value(&mut it, arg)?.into()),
            "--json" => a.json = true,
            s if s.starts_with("--") => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s if wants_path && a.path.is_none() => a.path = Some(s.into()),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    if a.ledger.is_none() || (wants_path && a.path.is_none()) {
        return Err(USAGE.to_owned());
    }
    Ok(a)
}

/// `vellum events ...`: true when nothing was rejected.
pub(crate) fn main(args: &[String]) -> Result<bool, String> {
    match args.first().map(String::as_str) {
        Some("ingest") => ingest_command(&parse(&args[1..], true)?),
        Some("report") => report(&parse(&args[1..], false)?).map(|()| true),
        Some("standing") => standing(&parse(&args[1..], true)?).map(|()| true),
        _ => Err(USAGE.to_owned()),
    }
}

/// The key that verifies unsubscribe tokens.
fn key(a: &EventsArgs) -> Result<UnsubscribeKey, String> {
    if let Ok(text) = std::env::var("VELLUM_UNSUBSCRIBE_KEY") {
        return UnsubscribeKey::parse(&text).map_err(|e| format!("VELLUM_UNSUBSCRIBE_KEY: {e}"));
    }
    let Some(path) = &a.key_file else {
        return Err(
            "one-click tokens are verified with the unsubscribe key the run signed them with: \
             set VELLUM_UNSUBSCRIBE_KEY or give --key-file (a run keeps it in its output \
             folder's unsubscribe.key)"
                .to_owned(),
        );
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    UnsubscribeKey::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn ingest_command(a: &EventsArgs) -> Result<bool, String> {
    let key = key(a)?;
    let ledger = open_ledger(a.ledger.as_deref().unwrap_or_else(|| unreachable!()))?;
    let path = a.path.as_deref().unwrap_or_else(|| unreachable!());
    let files = read_each(path, &key).map_err(|e| e.to_string())?;
    let mut events = Vec::new();
    let mut bad_files = Vec::new();
    for f in files {
        match f.result {
            Ok(e) => events.extend(e),
            Err(e) => bad_files.push(e.to_string()),
        }
    }
    let got = ingest(&ledger, &events, SystemTime::now()).map_err(|e| e.to_string())?;
    if a.json {
        let out = serde_json::json!({ "ingested": got, "rejected_files": bad_files });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else {
        let kinds: Vec<String> = got
            .recorded
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        println!(
            "recorded {} events ({}), {} already recorded; {} preferences, {} messages bounced",
            got.total(),
            if kinds.is_empty() {
                "none".to_owned()
            } else {
                kinds.join(", ")
            },
            got.replayed,
            got.preferences,
            got.bounced
        );
        for f in &bad_files {
            println!("  file rejected: {f}");
        }
        for r in &got.rejected {
            println!("  event rejected: {}: {}", r.source, r.message);
        }
    }
    Ok(bad_files.is_empty() && got.rejected.is_empty())
}

fn report(a: &EventsArgs) -> Result<(), String> {
    let ledger = open_ledger(a.ledger.as_deref().unwrap_or_else(|| unreachable!()))?;
    let lines: Vec<Response> = ledger.responses().map_err(|e| e.to_string())?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&lines).map_err(|e| e.to_string())?
        );
    } else if lines.is_empty() {
        println!("nothing sent yet");
    } else {
        for r in &lines {
            println!("run {} of {}: {r}", r.run, r.design);
        }
    }
    Ok(())
}

/// `events standing <customer>`: what the next plan of that customer reads,
/// each preference with the reason the plan gives.
fn standing(a: &EventsArgs) -> Result<(), String> {
    let ledger = open_ledger(a.ledger.as_deref().unwrap_or_else(|| unreachable!()))?;
    let customer = a
        .path
        .as_deref()
        .and_then(|p| p.to_str())
        .unwrap_or_default();
    let standing = ledger.standing(customer).map_err(|e| e.to_string())?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&standing).map_err(|e| e.to_string())?
        );
    } else if standing.is_empty() {
        println!("{customer}: nothing came back");
    } else {
        for p in &standing.preferences {
            println!("{customer}: {}: {}", p.channel, p.reason());
        }
    }
    Ok(())
}
