//! The print stream of a batch run: print-first customers are typeset many
//! to a compile, every letter is in the spool's batch files once, on the
//! pages its manifest line names, and a chunk some of whose letters were not
//! delivered keeps only the delivered letters' pages.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;
use vellum::batch::{Run, RunOptions, Source};
use vellum::deliver::{
    Dispatcher, Envelope, Ledger, MessageOptions, PrintOptions, PrintSpool, StubTransport,
    Transport,
};
use vellum::model::{Channel, Date, Document};
use vellum::{Pipeline, PipelineOptions};

use crate::common::{design, samples};

fn out_dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("batch-print-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `n` bill customers who want their bill on paper, on A4.
fn paper_customers(n: usize) -> Vec<Value> {
    let bases: Vec<Value> = samples("bill")
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["customer"]["address"]["country"] != "United States")
        .collect();
    (0..n)
        .map(|i| {
            let mut c = bases[i % bases.len()].clone();
            c["customer"]["id"] = Value::from(format!("P{i:04}"));
            c["customer"]["name"] = Value::from(format!("Paper Customer {i:04}"));
            c["customer"]["preferred_channel"] = Value::from("print");
            c
        })
        .collect()
}

fn pdftotext(path: &Path, first: usize, last: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .args([path.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext (apt-get install -y poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages(path: &Path) -> usize {
    let out = Command::new("qpdf")
        .args(["--show-npages".as_ref(), path.as_os_str()])
        .output()
        .expect("qpdf (apt-get install -y qpdf)");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn manifest(dir: &Path) -> Vec<Envelope> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("manifest-") && name.ends_with(".json") {
            let mut m: Vec<Envelope> = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            all.append(&mut m);
        }
    }
    all
}

/// Every envelope's pages hold its customer's letter, and only theirs.
fn check_envelopes(spool: &Path, envelopes: &[Envelope]) {
    for e in envelopes {
        let file = spool.join(&e.file);
        let check = Command::new("qpdf")
            .args(["--check".as_ref(), file.as_os_str()])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}: {}",
            e.file,
            String::from_utf8_lossy(&check.stdout)
        );
        let text = pdftotext(&file, e.first_page, e.last_page);
        let number = e.customer.trim_start_matches('P');
        assert!(
            text.contains(&format!("Paper Customer {number}")),
            "{e:?}: {text}"
        );
        let others = text
            .match_indices("Paper Customer ")
            .filter(|(i, m)| !text[i + m.len()..].starts_with(number))
            .count();
        assert_eq!(others, 0, "{e:?}: another customer's letter on its pages");
    }
}

#[test]
fn print_first_customers_are_typeset_in_chunks_and_each_is_spooled_once() {
    let dir = out_dir("run");
    let customers = paper_customers(11);
    let lines: Vec<String> = customers.iter().map(Value::to_string).collect();
    std::fs::write(dir.join("cycle.jsonl"), lines.join("\n") + "\n").unwrap();
    let d = design("bill");
    let pipeline = Pipeline::new(
        &d,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let mut print = PrintOptions::default();
    print.chunk_letters = 4;
    let spool = Arc::new(PrintSpool::new(dir.join("print"), print).unwrap());
    let stub = Arc::new(StubTransport::new_ok());
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, stub.clone())
        .transport(Channel::Sms, stub.clone())
        .transport(Channel::Print, spool.clone())
        .build()
        .unwrap();
    let mut options = RunOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    options.message.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    options.workers = 1;
    let report = Run::new(&pipeline, Some(&dispatcher), options)
        .execute(Source::path(dir.join("cycle.jsonl")))
        .unwrap();
    assert!(report.balances(), "{report}");
    assert_eq!(report.delivered.get(&Channel::Print), Some(&11), "{report}");
    // One worker: chunks of 4, 4 and the 3 left when the input ends.
    assert_eq!(
        (report.print_chunks, report.chunked_letters),
        (3, 11),
        "{report}"
    );
    assert_eq!(report.flush_error, None);
    let envelopes = manifest(&dir.join("print"));
    let mut who: Vec<&str> = envelopes.iter().map(|e| e.customer.as_str()).collect();
    who.sort();
    let expected: Vec<String> = (0..11).map(|i| format!("P{i:04}")).collect();
    assert_eq!(who, expected.iter().map(String::as_str).collect::<Vec<_>>());
    check_envelopes(&dir.join("print"), &envelopes);
    let files: std::collections::BTreeSet<&str> =
        envelopes.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files.len(), 3, "one batch file per chunk: {files:?}");
    let staging = std::fs::read_dir(dir.join("print/staging"))
        .unwrap()
        .count();
    assert_eq!(staging, 0, "the spool left files in staging");
}

#[test]
fn a_chunk_with_an_undelivered_letter_keeps_only_the_delivered_pages() {
    let dir = out_dir("partial");
    let d = design("bill");
    let pipeline = Pipeline::new(
        &d,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let docs: Vec<Document> = paper_customers(3)
        .iter()
        .map(|c| pipeline.document(c).unwrap())
        .collect();
    let refs: Vec<&Document> = docs.iter().collect();
    let chunk = pipeline.print_chunk(&refs, true).unwrap();
    let spool = PrintSpool::new(dir.join("print"), PrintOptions::default()).unwrap();
    let message = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    // Letters 0 and 2 delivered; letter 1 (held back, or resent in another
    // chunk after a crash) not.
    for i in [0, 2] {
        let comm = pipeline
            .communication_in_chunk(&docs[i], &chunk, i, &message)
            .unwrap();
        spool.send(comm.message(Channel::Print).unwrap()).unwrap();
    }
    let summary = spool.close().unwrap();
    assert_eq!(summary.batches.len(), 1);
    let customers: Vec<&str> = summary
        .envelopes
        .iter()
        .map(|e| e.customer.as_str())
        .collect();
    assert_eq!(customers, ["P0000", "P0002"]);
    let kept: usize = [0, 2]
        .iter()
        .map(|&i| chunk.letters[i].last_page + 1 - chunk.letters[i].first_page)
        .sum();
    assert_eq!(pages(&summary.batches[0]), kept);
    assert_eq!(
        summary.envelopes[1].first_page,
        summary.envelopes[0].last_page + 1
    );
    check_envelopes(&dir.join("print"), &summary.envelopes);
}
