//! Verifying a run: the records re-rendered after a cycle match the content
//! hashes the ledger stored when they were sent; a changed record, a record
//! that no longer renders, another `today` and a ledger from before hashes
//! are each told apart; the print streams are read back against their
//! manifests and the ledger, and a tampered stream or manifest fails,
//! through the library and `vellum verify`.

use std::path::{Path, PathBuf};
use std::process::Command;
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

/// 12 customers as [`customers`] makes them, every third asking for print.
fn print_heavy() -> Vec<Value> {
    let mut all = customers(12);
    for c in all.iter_mut().step_by(3) {
        c["customer"]["preferred_channel"] = Value::from("print");
    }
    all
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
    let ledger = Arc::new(Ledger::open(dir.join("ledger.sqlite")).unwrap());
    // The spool reads each stream back against the ledger before release.
    let spool = PrintSpool::new(dir.join("print"), print)
        .unwrap()
        .with_ledger(ledger.clone());
    let dispatcher = Dispatcher::builder(ledger)
        .transport(Channel::Email, out.clone())
        .transport(Channel::Sms, out)
        .transport(Channel::Print, spool)
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

/// As [`verify_with`], reading back the print streams in `dir/print`.
fn verify_streams(dir: &Path, input: &Path) -> vellum::batch::VerifyReport {
    let d = design("bill");
    let p = pipeline(&d, "2026-12-01");
    let ledger = Ledger::open(dir.join("ledger.sqlite")).unwrap();
    let mut o = VerifyOptions::new(message_options());
    o.workers = 2;
    o.print = Some(dir.join("print"));
    verify(&p, Source::path(input), &ledger, &o).unwrap()
}

/// `qpdf`: `stream` without its last page, in place.
fn drop_last_page(stream: &Path) {
    let cut = stream.with_extension("cut.pdf");
    let out = Command::new("qpdf")
        .arg(stream)
        .args(["--pages", ".", "1-r2", "--"])
        .arg(&cut)
        .output()
        .expect("qpdf could not run: apt-get install -y qpdf");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(&cut, stream).unwrap();
}

/// The customer of the last envelope of `file` in the manifests of `dir`.
fn last_envelope(dir: &Path, file: &str) -> (usize, String) {
    let mut found = None;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("manifest-") && name.ends_with(".json") {
            let list: Vec<Value> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            for e in list.iter().filter(|e| e["file"] == file) {
                found = Some((
                    e["envelope"].as_u64().unwrap() as usize,
                    e["customer"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    found.unwrap_or_else(|| panic!("{file} is in no manifest"))
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

    // Record 5 (line 5) gets another amount (its previous balance with
    // it, so its Factur-X invoice still adds up: due = net + VAT - paid);
    // record 8 (line 8) no longer validates.
    let t = &records[4]["totals"];
    let shift = |v: &Value, by: f64| {
        let n: f64 = v.as_str().unwrap().parse().unwrap();
        Value::from(format!("{:.2}", n + by))
    };
    let (due, previous) = (
        shift(&t["due"], 810.5),
        shift(&t["previous_balance"], 810.5),
    );
    let due_text = due.as_str().unwrap().to_owned();
    records[4]["totals"]["due"] = due;
    records[4]["totals"]["previous_balance"] = previous;
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
    for content in [due_text.as_str(), "@example", "Emily", "Carter"] {
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

#[test]
fn the_print_streams_are_read_back_and_a_tampered_one_fails_naming_its_envelope() {
    let dir = out_dir("streams");
    let input = dir.join("cycle.jsonl");
    write_jsonl(&input, &print_heavy());
    let run = run_cycle(&dir, &input);
    let printed = run.delivered.get(&Channel::Print).copied().unwrap_or(0);
    assert!(printed >= 2, "the cycle should print letters: {run}");

    let report = verify_streams(&dir, &input);
    assert!(report.is_verified(), "{report}");
    assert!(
        report.streams_read && !report.streams.is_empty(),
        "{report}"
    );
    let envelopes: usize = report.streams.iter().map(|s| s.envelopes).sum();
    let checked: usize = report.streams.iter().map(|s| s.ledger_checked).sum();
    // No letter of the bill is split: one envelope a letter.
    assert_eq!((envelopes, checked), (printed, printed), "{report}");
    assert!(
        report
            .streams
            .iter()
            .all(|s| s.pages > 0 && s.problem.is_none())
    );
    let text = report.to_string();
    assert!(
        text.contains(&format!(
            "print streams    {} read back",
            report.streams.len()
        )),
        "{text}"
    );

    // The first stream loses its last page.
    let stream = dir.join("print/batch-0001.pdf");
    let good = std::fs::read(&stream).unwrap();
    drop_last_page(&stream);
    let (envelope, customer) = last_envelope(&dir.join("print"), "batch-0001.pdf");
    let report = verify_streams(&dir, &input);
    assert!(!report.is_verified(), "{report}");
    let failed: Vec<_> = report
        .streams
        .iter()
        .filter(|s| s.problem.is_some())
        .collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0].file, "batch-0001.pdf");
    let why = failed[0].problem.as_deref().unwrap();
    assert!(
        why.starts_with(&format!(
            "envelope {envelope} (customer {customer}): its pages"
        )),
        "{why}"
    );
    let text = report.to_string();
    assert!(text.contains("FAILED batch-0001.pdf: envelope"), "{text}");
    assert!(text.contains("NOT VERIFIED: 1 of"), "{text}");
    std::fs::write(&stream, good).unwrap();

    // A manifest line that says another content than the ledger has.
    let manifest = dir.join("print/manifest-0001.json");
    let original = std::fs::read_to_string(&manifest).unwrap();
    let mut list: Vec<Value> = serde_json::from_str(&original).unwrap();
    list[0]["content_hash"] = Value::from("f".repeat(64));
    let first = (list[0]["envelope"].clone(), list[0]["customer"].clone());
    std::fs::write(&manifest, serde_json::to_string(&list).unwrap()).unwrap();
    let report = verify_streams(&dir, &input);
    assert!(!report.is_verified(), "{report}");
    let why = report
        .streams
        .iter()
        .find_map(|s| s.problem.clone())
        .unwrap_or_else(|| panic!("no stream failed: {report}"));
    assert!(
        why.starts_with(&format!(
            "envelope {} (customer {}): its letter has content hash ffffffffffffffff",
            first.0,
            first.1.as_str().unwrap()
        )),
        "{why}"
    );

    // The manifest loses that envelope: its letter is in no stream.
    list.remove(0);
    std::fs::write(&manifest, serde_json::to_string(&list).unwrap()).unwrap();
    let report = verify_streams(&dir, &input);
    assert!(!report.is_verified(), "{report}");
    assert_eq!(report.not_in_stream.len(), 1, "{report}");
    assert!(
        report.not_in_stream[0].contains(&format!("/{}/2026-12/print", first.1.as_str().unwrap())),
        "{report}"
    );
    std::fs::write(&manifest, original).unwrap();
    assert!(verify_streams(&dir, &input).is_verified());
}

fn vellum(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_vellum"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

#[test]
fn vellum_verify_reads_back_the_runs_print_streams() {
    let dir = out_dir("cli");
    let input = dir.join("cycle.jsonl");
    write_jsonl(&input, &print_heavy());
    let (data, out) = (input.to_str().unwrap(), dir.join("out"));
    let deliver = format!("dir:{}", out.display());
    let (code, text) = vellum(&[
        "run",
        "templates/bill",
        "--allow-draft",
        "--data",
        data,
        "--deliver",
        &deliver,
        "--run-key",
        "2026-12",
        "--today",
        "2026-12-01",
    ]);
    assert_eq!(code, Some(0), "{text}");
    let ledger = out.join("ledger.sqlite");
    let verify = [
        "verify",
        "templates/bill",
        "--data",
        data,
        "--ledger",
        ledger.to_str().unwrap(),
        "--run-key",
        "2026-12",
        "--today",
        "2026-12-01",
        "--deliver",
        &deliver,
    ];
    let (code, text) = vellum(&verify);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("read back:") && text.contains("batch-0001.pdf: "),
        "{text}"
    );
    assert!(
        text.contains("delivered messages match what was sent"),
        "{text}"
    );

    drop_last_page(&out.join("print/batch-0001.pdf"));
    let (envelope, customer) = last_envelope(&out.join("print"), "batch-0001.pdf");
    let (code, text) = vellum(&verify);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "FAILED batch-0001.pdf: envelope {envelope} (customer {customer}): its pages"
        )),
        "{text}"
    );
}
