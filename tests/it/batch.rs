//! Batch runs: a cycle streamed from files, every record accounted for,
//! failures in the error file, reruns of only the failed records, and a
//! stopped run resumed with the same run key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use vellum::batch::{FailedRecord, OnlyFailed, Run, RunOptions, Source};
use vellum::deliver::{Dispatcher, Ledger, StubTransport};
use vellum::model::{Channel, Date};
use vellum::{Design, Pipeline, PipelineOptions};

use crate::common::{design, samples};

pub(crate) fn out_dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("batch-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `n` bill customers made from the samples, with their own ids.
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

fn jsonl(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

struct Setup {
    stub: Arc<StubTransport>,
    dispatcher: Dispatcher,
}

fn setup(dir: &Path) -> Setup {
    let stub = Arc::new(StubTransport::new_ok());
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, stub.clone())
        .transport(Channel::Sms, stub.clone())
        .transport(Channel::Print, stub.clone())
        .build()
        .unwrap();
    Setup { stub, dispatcher }
}

pub(crate) fn options(dir: &Path) -> RunOptions {
    let mut o = RunOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    o.message.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    o.error_file = Some(dir.join("errors.jsonl"));
    o.workers = 2;
    o
}

pub(crate) fn pipeline(d: &Design) -> Pipeline<'_> {
    Pipeline::new(
        d,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap()
}

pub(crate) fn error_lines(dir: &Path) -> Vec<FailedRecord> {
    std::fs::read_to_string(dir.join("errors.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn bad_records_are_accounted_for_and_rerun_after_a_fix() {
    let dir = out_dir("bad");
    let d = design("bill");
    let p = pipeline(&d);
    let mut lines: Vec<String> = customers(12).iter().map(Value::to_string).collect();
    lines[3] = "{\"customer\": {\"id\": \"B00003\", truncated".to_owned();
    let mut missing = customers(5)[4].clone();
    missing["customer"].as_object_mut().unwrap().remove("name");
    lines[4] = missing.to_string();
    let mut wrong = customers(6)[5].clone();
    wrong["totals"]["due"] = Value::from("twelve euros");
    lines[5] = wrong.to_string();
    let input = dir.join("cycle.jsonl");
    jsonl(&input, &lines);

    let s = setup(&dir);
    let report = Run::new(&p, Some(&s.dispatcher), options(&dir))
        .execute(Source::path(&input))
        .unwrap();
    assert_eq!(report.read, 12, "{report}");
    assert_eq!(report.failed, 3, "{report}");
    assert_eq!(report.delivered_total(), 9, "{report}");
    assert!(report.balances(), "{report}");
    assert_eq!(s.stub.sent().len(), 9);
    let failed = error_lines(&dir);
    assert_eq!(failed.len(), 3);
    let by_source = |line: usize| {
        failed
            .iter()
            .find(|f| f.source.ends_with(&format!("cycle.jsonl:{line}")))
            .unwrap_or_else(|| panic!("no error for line {line}: {failed:?}"))
    };
    assert_eq!(by_source(4).stage, "read");
    assert_eq!(by_source(5).stage, "validate");
    assert_eq!(by_source(5).field.as_deref(), Some("customer.name"));
    assert_eq!(by_source(6).field.as_deref(), Some("totals.due"));
    assert_eq!(by_source(6).record.as_deref(), Some("B00005"));

    // The operator fixes the three records and reruns only those.
    let good = customers(12);
    lines[3] = good[3].to_string();
    lines[4] = good[4].to_string();
    lines[5] = good[5].to_string();
    jsonl(&input, &lines);
    let mut o = options(&dir);
    o.error_file = Some(dir.join("errors-2.jsonl"));
    o.only = Some(OnlyFailed::read(dir.join("errors.jsonl")).unwrap());
    let again = Run::new(&p, Some(&s.dispatcher), o)
        .execute(Source::path(&input))
        .unwrap();
    assert_eq!(again.read, 3, "{again}");
    assert_eq!(again.delivered_total(), 3, "{again}");
    assert_eq!(again.failed, 0, "{again}");
    assert_eq!(s.stub.sent().len(), 12, "each customer delivered once");
}

#[test]
fn a_stopped_run_resumes_with_the_same_run_key() {
    let dir = out_dir("resume");
    let d = design("bill");
    let p = pipeline(&d);
    let input = dir.join("cycle.json");
    // A JSON array, read element by element.
    std::fs::write(&input, serde_json::to_string(&customers(20)).unwrap()).unwrap();
    let s = setup(&dir);
    let mut first = options(&dir);
    first.limit = Some(7);
    let part = Run::new(&p, Some(&s.dispatcher), first)
        .execute(Source::path(&input))
        .unwrap();
    assert_eq!((part.read, part.delivered_total()), (7, 7), "{part}");
    let rest = Run::new(&p, Some(&s.dispatcher), options(&dir))
        .execute(Source::path(&input))
        .unwrap();
    assert_eq!(rest.read, 20, "{rest}");
    assert_eq!(rest.skipped, 7, "{rest}");
    assert_eq!(rest.delivered_total(), 13, "{rest}");
    assert!(rest.balances());
    let mut ids: Vec<String> = s.stub.sent().iter().map(|m| m.record.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20, "every customer exactly once");
    assert_eq!(s.stub.sent().len(), 20);
}

#[test]
fn a_dry_run_renders_and_delivers_nothing() {
    let dir = out_dir("dry");
    let d = design("bill");
    let p = pipeline(&d);
    let mut o = options(&dir);
    o.dry_run = true;
    let report = Run::new(&p, None, o)
        .execute(Source::iter(customers(6)))
        .unwrap();
    assert_eq!(
        (report.read, report.rendered, report.failed),
        (6, 6, 0),
        "{report}"
    );
    assert!(report.balances());
    assert!(
        report
            .to_string()
            .contains("read 6 = rendered 6 + failed 0: balances")
    );
}

/// A backend that panics on one customer's message.
struct PanicsOn(&'static str, StubTransport);

impl vellum::deliver::Transport for PanicsOn {
    fn name(&self) -> &str {
        "panics"
    }
    fn channels(&self) -> &[Channel] {
        &Channel::ALL
    }
    fn send(
        &self,
        m: &vellum::deliver::Message,
    ) -> Result<vellum::model::Receipt, vellum::model::DeliveryError> {
        assert!(m.record != self.0, "a bug in a backend");
        self.1.send(m)
    }
}

#[test]
fn a_panicking_backend_fails_its_record_and_the_run_goes_on() {
    let dir = out_dir("panic");
    let lines: Vec<String> = customers(8).iter().map(Value::to_string).collect();
    jsonl(&dir.join("cycle.jsonl"), &lines);
    let d = design("bill");
    let p = pipeline(&d);
    let backend = Arc::new(PanicsOn("B00003", StubTransport::new_ok()));
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, backend.clone())
        .transport(Channel::Sms, backend.clone())
        .transport(Channel::Print, backend)
        .build()
        .unwrap();
    let report = Run::new(&p, Some(&dispatcher), options(&dir))
        .execute(Source::path(dir.join("cycle.jsonl")))
        .unwrap();
    assert!(report.balances(), "{report}");
    assert_eq!((report.read, report.failed), (8, 1), "{report}");
    let errors = error_lines(&dir);
    assert_eq!(errors[0].record.as_deref(), Some("B00003"));
    assert!(
        errors[0].message.contains("backend panicked"),
        "{:?}",
        errors[0]
    );
}

/// A run killed between a message's outcome and its communication's line
/// leaves the communication without one; the rerun, which skips the
/// delivered customer, fills it in.
#[test]
fn a_rerun_fills_in_a_communication_line_a_crash_left_out() {
    let dir = out_dir("comm-line");
    let lines: Vec<String> = customers(5).iter().map(Value::to_string).collect();
    jsonl(&dir.join("cycle.jsonl"), &lines);
    let d = design("bill");
    let p = pipeline(&d);
    let lines_in = |dir: &Path| -> i64 {
        let conn = rusqlite::Connection::open(dir.join("ledger.sqlite")).unwrap();
        conn.query_row(
            "SELECT count(*) FROM communications WHERE state = 'delivered'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    {
        let s = setup(&dir);
        let report = Run::new(&p, Some(&s.dispatcher), options(&dir))
            .execute(Source::path(dir.join("cycle.jsonl")))
            .unwrap();
        assert_eq!(report.delivered_total(), 5, "{report}");
    }
    assert_eq!(lines_in(&dir), 5);
    // What the kill leaves: the messages delivered, two lines missing.
    let conn = rusqlite::Connection::open(dir.join("ledger.sqlite")).unwrap();
    conn.execute(
        "DELETE FROM communications WHERE key IN (SELECT key FROM communications LIMIT 2)",
        [],
    )
    .unwrap();
    drop(conn);
    assert_eq!(lines_in(&dir), 3);
    let s = setup(&dir);
    let report = Run::new(&p, Some(&s.dispatcher), options(&dir))
        .execute(Source::path(dir.join("cycle.jsonl")))
        .unwrap();
    assert_eq!(report.skipped, 5, "{report}");
    assert_eq!(lines_in(&dir), 5);
}
