//! Verifying a run: the records re-rendered after a cycle match the content
//! hashes the ledger stored when they were sent; a changed record, a record
//! that no longer renders, another `today` and a ledger from before hashes
//! are each told apart.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use vellum::batch::{MismatchKind, Run, RunOptions, RunReport, Source, VerifyOptions, verify};
use vellum::deliver::{DirTransport, Dispatcher, Ledger, MessageOptions, PrintOptions, PrintSpool};
use vellum::model::{Channel, Date};
use vellum::{Design, Pipeline, PipelineOptions};

use crate::common::{design, samples};

fn out_dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("batch-verify-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `n` bill customers made from the samples (email, SMS and print-first
/// customers among them), with their own ids.
fn customers(n: usize) -> Vec<Value> {
    let bases = samples("bill");
    (0..n)
        .map(|i| {
            let mut c = bases[i % bases.len()].1.clone();
            c["customer"]["id"] = Value::from(format!("B{i:05}"));
            c
        })
        .collect()
}

fn write_jsonl(path: &Path, records: &[Value]) {
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn pipeline<'d>(d: &'d Design, today: &str) -> Pipeline<'d> {
    Pipeline::new(
        d,
        PipelineOptions::default().today(Date::parse(today).unwrap()),
    )
    .unwrap()
}

fn message_options() -> MessageOptions {
    let mut o = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    o.unsubscribe_key = Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    o
}

/// Runs `input` as the CLI does: email and SMS to a folder, letters to a
/// print spool in chunks of 3, a SQLite ledger in `dir`.
fn run_cycle(dir: &Path, input: &Path) -> RunReport {
    let d = design("bill");
    let p = pipeline(&d, "2026-12-01");
    let out = Arc::new(DirTransport::new(dir.join("out")).unwrap());
    let mut print = PrintOptions::default();
    print.chunk_letters = 3;
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, out.clone())
        .transport(Channel::Sms, out)
        .transport(
            Channel::Print,
            PrintSpool::new(dir.join("print"), print).unwrap(),
        )
        .build()
        .unwrap();
    let mut o = RunOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    o.message.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    o.workers = 2;
    let report = Run::new(&p, Some(&dispatcher), o)
        .execute(Source::path(input))
        .unwrap();
    assert!(report.balances(), "{report}");
    assert_eq!(report.failed, 0, "{report}");
    report
}

fn verify_with(
    dir: &Path,
    input: &Path,
    today: &str,
    options: MessageOptions,
) -> vellum::batch::VerifyReport {
    let d = design("bill");
    let p = pipeline(&d, today);
    let ledger = Ledger::open(dir.join("ledger.sqlite")).unwrap();
    let mut o = VerifyOptions::new(options);
    o.workers = 2;
    verify(&p, Source::path(input), &ledger, &o).unwrap()
}

#[test]
fn every_delivered_message_matches_its_rerender() {
    let dir = out_dir("match");
    let input = dir.join("cycle.jsonl");
    write_jsonl(&input, &customers(12));
    let run = run_cycle(&dir, &input);
    assert_eq!(run.delivered_total(), 12, "{run}");
    assert!(
        run.chunked_letters > 0 && run.delivered.contains_key(&Channel::Email),
        "the cycle should have emails and chunked letters: {run}"
    );

    // The run's emails carry the clock's Date; this re-render pins another.
    let mut other_date = message_options();
    other_date.date = Some(std::time::UNIX_EPOCH);
    let report = verify_with(&dir, &input, "2026-12-01", other_date);
    assert!(report.is_verified(), "{report}");
    assert_eq!(report.records, 12);
    assert_eq!(report.matches, 12, "{report}");
    assert_eq!(
        (
            report.differs,
            report.no_hash,
            report.not_rendered,
            report.failed
        ),
        (0, 0, 0, 0),
        "{report}"
    );
    // The fallback channels the plan did not need were never sent.
    assert_eq!(report.not_delivered, report.messages - 12, "{report}");
    assert!(report.not_delivered > 0);
    assert!(report.mismatches.is_empty());
    assert!(
        report
            .to_string()
            .ends_with("all 12 delivered messages match what was sent"),
        "{report}"
    );

    // Another `today` dates every email and letter differently; the SMS
    // text carries no document date.
    let later = verify_with(&dir, &input, "2026-12-02", message_options());
    let sms = run.delivered.get(&Channel::Sms).copied().unwrap_or(0);
    assert!(sms < 12);
    assert_eq!((later.matches, later.differs), (sms, 12 - sms), "{later}");
    assert!(later.mismatches.iter().all(|m| m.channel != Channel::Sms));
    assert!(!later.is_verified());
}

#[test]
fn a_changed_record_differs_and_only_it() {
    let dir = out_dir("differs");
    let input = dir.join("cycle.jsonl");
    let mut records = customers(12);
    write_jsonl(&input, &records);
    let run = run_cycle(&dir, &input);
    assert_eq!(run.delivered_total(), 12, "{run}");

    // Record 5 (line 5) gets another amount; record 8 (line 8) no longer
    // validates.
    records[4]["totals"]["due"] = Value::from("999.99");
    records[7]["customer"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let changed = dir.join("changed.jsonl");
    write_jsonl(&changed, &records);
    let report = verify_with(&dir, &changed, "2026-12-01", message_options());
    assert!(!report.is_verified(), "{report}");
    assert_eq!(report.matches, 10, "{report}");
    assert_eq!(
        (report.differs, report.not_rendered, report.failed),
        (1, 1, 1),
        "{report}"
    );
    let found: Vec<(&str, MismatchKind)> = report
        .mismatches
        .iter()
        .map(|m| (m.record.as_str(), m.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("B00004", MismatchKind::Differs),
            ("B00007", MismatchKind::NotRendered)
        ],
        "{report}"
    );
    let first = &report.mismatches[0];
    assert!(first.source.ends_with("changed.jsonl:5"), "{first:?}");
    assert_eq!(
        first.key,
        format!("bill/{}/B00004/2026-12/{}", report.version, first.channel)
    );
    let ledger = Ledger::open(dir.join("ledger.sqlite")).unwrap();
    let status = ledger.status(&first.key).unwrap().unwrap();
    assert_eq!(status.state, vellum::deliver::State::Delivered);
    assert_eq!(report.failures[0].stage, "validate");

    let text = report.to_string();
    assert!(text.contains("MISMATCH: 2 of 12"), "{text}");
    assert!(text.contains("DIFFERS"), "{text}");
    // Ids, places and keys only: no customer content in the report.
    let json = serde_json::to_string(&report).unwrap();
    for content in ["999.99", "@example", "Emily", "Carter"] {
        assert!(
            !text.contains(content) && !json.contains(content),
            "{content}: {text}"
        );
    }
}

#[test]
fn a_ledger_from_before_hashes_opens_and_says_no_hash_recorded() {
    let dir = out_dir("old");
    let input = dir.join("cycle.jsonl");
    write_jsonl(&input, &customers(6));
    let run = run_cycle(&dir, &input);
    assert_eq!(run.delivered_total(), 6, "{run}");

    // Back to the schema of a vellum before content hashes.
    let path = dir.join("ledger.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("ALTER TABLE messages DROP COLUMN content_hash")
            .unwrap();
        let has: bool = conn
            .prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = 'content_hash'")
            .unwrap()
            .exists([])
            .unwrap();
        assert!(!has);
    }
    let report = verify_with(&dir, &input, "2026-12-01", message_options());
    assert_eq!((report.no_hash, report.matches), (6, 0), "{report}");
    assert!(!report.is_verified());
    let text = report.to_string();
    assert!(text.contains("no hash recorded 6"), "{text}");
    assert!(text.contains("NOT VERIFIED: 6 of 6"), "{text}");

    // The old ledger keeps working: a rerun sends nothing again.
    let rerun = run_cycle(&dir, &input);
    assert_eq!((rerun.skipped, rerun.delivered_total()), (6, 0), "{rerun}");
}
