//! Print production: the design's `[print]` table (sides, envelopes, marks,
//! job and separator sheets) reaches the spool; the streams' inserter marks
//! are read back by outside tools (DataMatrix with libdmtx's `dmtxread`,
//! OMR by sampling a `pdftoppm` rendering) and agree with the manifest; and
//! a stream that fails its read-back is not released.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use vellum::deliver::{Envelope, MessageOptions, PrintOptions, PrintSpool, Transport, read_back};
use vellum::model::{Channel, Date};
use vellum::{Design, Pipeline, PipelineOptions};

use crate::common::{copy_dir, root, samples};

const MARKS: &str = r#"
[print.marks]
zone = [12, 110, 12, 90]
"#;

fn out_dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("print-production-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A copy of the bill design whose `[print]` table is `print` (a
/// `[print.marks]` table may follow it).
fn bill_with(dir: &Path, print: &str) -> Result<Design, String> {
    copy_dir(&root().join("templates"), &dir.join("templates"));
    let path = dir.join("templates/bill/design.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("[print]\nmax_pages = 6\n"),
        "the bill's [print] table changed"
    );
    let text = text.replace(
        "[print]\nmax_pages = 6\n",
        &format!("[print]\nmax_pages = 6\n{print}\n"),
    );
    std::fs::write(&path, text).unwrap();
    Design::load(dir.join("templates/bill")).map_err(|e| e.to_string())
}

/// A paper customer of the bill (A4) with `items` line items and `postal`.
fn customer(i: usize, items: usize, postal: &str) -> Value {
    let bases: Vec<Value> = samples("bill")
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v["customer"]["address"]["country"] != "United States")
        .collect();
    let mut c = bases[0].clone();
    c["customer"]["id"] = Value::from(format!("P{i:04}"));
    c["customer"]["name"] = Value::from(format!("Paper Customer {i:04}"));
    c["customer"]["preferred_channel"] = Value::from("print");
    c["customer"]["address"]["postal_code"] = Value::from(postal);
    let item = c["items"][0].clone();
    c["items"] = Value::Array(vec![item; items]);
    c
}

/// Renders and stages each customer's letter as its own PDF; returns the
/// letters' page counts.
fn stage(design: &Design, spool: &PrintSpool, customers: &[Value]) -> Vec<usize> {
    let pipeline = Pipeline::new(
        design,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let message = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    let mut pages = Vec::new();
    for c in customers {
        let doc = pipeline.document(c).unwrap();
        let comm = pipeline
            .communication_for(&doc, &[Channel::Print], false, &message)
            .unwrap();
        let letter = comm.message(Channel::Print).unwrap();
        if let vellum::deliver::Body::Letter(l) = &letter.body {
            pages.push(l.pages);
        }
        spool.send(letter).unwrap();
    }
    pages
}

/// Customers whose letters have 2, 3, 2, 2 and 5 pages (by line items),
/// in two presort groups (postal codes 10... and 20...).
fn mixed() -> Vec<Value> {
    vec![
        customer(0, 1, "10115"),
        customer(1, 45, "10117"),
        customer(2, 2, "20095"),
        customer(3, 25, "20097"),
        customer(4, 180, "20099"),
    ]
}

fn run(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what} could not run ({e}): apt-get install -y {what}"));
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn bad_print_settings_are_errors_with_their_place() {
    let dir = out_dir("errors");
    let err = bill_with(&dir, "sides = \"triplex\"").unwrap_err();
    assert!(
        err.contains("design.toml:") && err.contains("triplex"),
        "{err}"
    );
    let dir = out_dir("errors2");
    let err = bill_with(
        &dir,
        "max_sheets_per_envelope = 0\n[print.marks]\nzone = [12, 110, 12, 90]\nomr = [\"benchmark\", \"seq9\"]",
    )
    .unwrap_err();
    assert!(
        err.contains("max_sheets_per_envelope must be at least 1"),
        "{err}"
    );
    assert!(err.contains("unknown OMR mark \"seq9\""), "{err}");
    // Every problem at once, each with file, line and column.
    let places = err.matches("bill/design.toml:").count();
    assert!(places >= 2, "{err}");
}

#[test]
fn duplex_letters_start_on_fronts_and_long_ones_split_into_envelopes() {
    let dir = out_dir("duplex");
    let design = bill_with(
        &dir,
        "sides = \"duplex\"\nblank_back_text = \"This page is intentionally left blank\"\n\
         max_sheets_per_envelope = 2\nenvelope_overflow = \"split\"",
    )
    .unwrap();
    let mut options = PrintOptions::for_design(&design);
    options.chunk_letters = 0;
    let spool = PrintSpool::new(dir.join("print"), options).unwrap();
    let pages = stage(&design, &spool, &mixed());
    assert_eq!(pages, [2, 3, 2, 2, 5], "the fixtures' page counts changed");
    let summary = spool.close().unwrap();
    let e = &summary.envelopes;
    let shape: Vec<(&str, usize, usize, Option<&str>)> = e
        .iter()
        .map(|e| (e.customer.as_str(), e.pages, e.sheets, e.part.as_deref()))
        .collect();
    assert_eq!(
        shape,
        [
            ("P0000", 2, 1, None),
            ("P0001", 3, 2, None),
            ("P0002", 2, 1, None),
            ("P0003", 2, 1, None),
            ("P0004", 4, 2, Some("1/2")),
            ("P0004", 1, 1, Some("2/2")),
        ]
    );
    for (i, env) in e.iter().enumerate() {
        // Duplex: every envelope starts on a front (an odd page).
        assert_eq!(env.first_page % 2, 1, "{env:?}");
        assert_eq!(
            env.last_page - env.first_page + 1,
            2 * env.sheets,
            "{env:?}"
        );
        assert_eq!(env.last_sheet - env.first_sheet + 1, env.sheets);
        // 5 g envelope + 5 g a sheet: up to 3 sheets is a standard letter.
        assert_eq!(env.weight_class, "standard", "{env:?}");
        assert_eq!(env.presort_key, env.postal_code.as_ref().unwrap()[..2]);
        if i > 0 {
            assert_eq!(env.first_page, e[i - 1].last_page + 1);
        }
    }
    // The blank backs say so: page 6 (P0001's fourth), 16 (P0004's sixth).
    for page in [6, 16] {
        let text = pdftotext(&summary.batches[0], page, page);
        assert!(
            text.contains("This page is intentionally left blank"),
            "{page}: {text}"
        );
    }
    // Each whole letter on its pages (the address page opens it).
    for env in e.iter().filter(|e| e.part.as_deref() != Some("2/2")) {
        let text = pdftotext(&summary.batches[0], env.first_page, env.last_page);
        let name = format!("Paper Customer {}", &env.customer[1..]);
        assert!(text.contains(&name), "{env:?}: {text}");
    }
    // The manifest lists what the summary does.
    let csv = std::fs::read_to_string(summary.manifest_csv.unwrap()).unwrap();
    assert!(csv.starts_with("envelope,file,customer,pages,sheets,postal_code,first_page,last_page,presort_key,weight_class,first_sheet,last_sheet,part\n"), "{csv}");
    assert!(csv.contains(",P0004,4,2,20099,"), "{csv}");
}

#[test]
fn a_letter_over_the_envelope_limit_is_an_error_naming_it() {
    let dir = out_dir("overflow");
    let design = bill_with(&dir, "max_sheets_per_envelope = 1").unwrap();
    let mut options = PrintOptions::for_design(&design);
    options.chunk_letters = 0;
    let spool = PrintSpool::new(dir.join("print"), options).unwrap();
    stage(&design, &spool, &[customer(7, 45, "10115")]);
    let err = spool.close().unwrap_err().to_string();
    assert!(
        err.contains(
            "customer P0007 has 2 sheets, more than the design's max_sheets_per_envelope = 1"
        ),
        "{err}"
    );
    // Nothing released, the letter still staged for a close after the fix.
    assert!(!dir.join("print/batch-0001.pdf").exists());
    assert_eq!(
        std::fs::read_dir(dir.join("print/staging"))
            .unwrap()
            .count(),
        2
    );
}

fn pdftotext(path: &Path, first: usize, last: usize) -> String {
    let out = run(
        Command::new("pdftotext")
            .args(["-f", &first.to_string(), "-l", &last.to_string()])
            .args([path.as_os_str(), "-".as_ref()]),
        "poppler-utils",
    );
    String::from_utf8_lossy(&out).into_owned()
}
