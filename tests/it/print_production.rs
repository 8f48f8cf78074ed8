//! Print production: the design's `[print]` table (sides, envelopes, marks,
//! job and separator sheets) reaches the spool; the streams' inserter marks
//! are read back by outside tools (DataMatrix with libdmtx's `dmtxread`,
//! OMR by sampling a `pdftoppm` rendering) and agree with the manifest; a
//! stream that fails its read-back is not released; and a spool given the
//! ledger releases only what the ledger has as taken, with its content.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;
use vellum::deliver::{
    Audience, Dispatcher, Envelope, Ledger, MessageOptions, PrintOptions, PrintSpool, Transport,
    read_back,
};
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
    c["items"] = Value::Array(vec![item.clone(); items]);
    // Totals that add up (EN 16931), for the bill's Factur-X invoice.
    let cents = |v: &Value| (v.as_str().unwrap().parse::<f64>().unwrap() * 100.0).round();
    let net = cents(&item["amount"]) * items as f64;
    let rate = c["totals"]["tax_rate"].as_f64().unwrap();
    let tax = (net * rate / 100.0).round();
    let due = net + tax + cents(&c["totals"]["previous_balance"]);
    let money = |cents: f64| Value::from(format!("{:.2}", cents / 100.0));
    c["totals"]["net"] = money(net);
    c["totals"]["tax"] = money(tax);
    c["totals"]["due"] = money(due);
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
        let pdf = vellum::render::PrintEngine::new(design)
            .and_then(|e| e.render(&doc))
            .unwrap_or_else(|e| panic!("{}: {e}", doc.record));
        let comm = vellum::deliver::Communication::builder(design, &doc, &message)
            .plan(&[Channel::Print])
            .letter(&pdf)
            .build();
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
        "max_sheets_per_envelope = 0\nblank_back_text = \"空白\"\n[print.marks]\nzone = [12, 110, 12, 90]\nomr = [\"benchmark\", \"seq9\"]",
    )
    .unwrap_err();
    assert!(
        err.contains("max_sheets_per_envelope must be at least 1"),
        "{err}"
    );
    assert!(err.contains("unknown OMR mark \"seq9\""), "{err}");
    assert!(err.contains("is not Latin-1 text on one line"), "{err}");
    // Every problem at once, each with file, line and column.
    let places = err.matches("bill/design.toml:").count();
    assert!(places >= 3, "{err}");
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
    assert_eq!(letters_staged(&dir.join("print/staging")), 2);
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

/// The spool of the production tests: duplex, blank backs marked,
/// envelopes of at most 2 sheets (split), a job sheet, separators between
/// presort groups, inserter marks in the default map.
fn production(tag: &str) -> (PathBuf, Design, PrintOptions) {
    let dir = out_dir(tag);
    let design = bill_with(
        &dir,
        &format!(
            "sides = \"duplex\"\nblank_back_text = \"This page is intentionally left blank\"\n\
             max_sheets_per_envelope = 2\nenvelope_overflow = \"split\"\n\
             job_sheet = true\nseparators = true\n{MARKS}"
        ),
    )
    .unwrap();
    let mut options = PrintOptions::for_design(&design).job("2026-12");
    options.chunk_letters = 0;
    options.date = Some("2026-12-01".to_owned());
    (dir, design, options)
}

const DPI: f64 = 300.0;

fn px(mm: f64) -> usize {
    (mm * DPI / 25.4).round() as usize
}

/// The clear zone of page `page` at 300 dpi: (width, height, grey pixels),
/// from `pdftoppm -gray` (a binary PGM), and the same crop as PNG in `png`.
fn zone(pdf: &Path, page: usize, png: &Path) -> (usize, usize, Vec<u8>) {
    let crop = [px(12.0), px(110.0), px(12.0), px(90.0)].map(|v| v.to_string());
    let common = |cmd: &mut Command| {
        cmd.args([
            "-r",
            "300",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .args([
            "-x", &crop[0], "-y", &crop[1], "-W", &crop[2], "-H", &crop[3],
        ])
        .arg("-singlefile");
    };
    let mut grey = Command::new("pdftoppm");
    common(&mut grey);
    let pgm = run(grey.arg("-gray").arg(pdf), "poppler-utils");
    let mut color = Command::new("pdftoppm");
    common(&mut color);
    run(
        color.arg("-png").arg(pdf).arg(png.with_extension("")),
        "poppler-utils",
    );
    parse_pgm(&pgm)
}

/// A binary PGM (P5, 8 bit): width, height, pixels.
fn parse_pgm(b: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&b[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "not a binary PGM");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, b[i + 1..i + 1 + w * h].to_vec())
}

/// The default OMR map, top to bottom, as the documentation gives it,
/// for the `seq`-th marked sheet of the stream.
fn expected_omr(seq: usize, last: bool) -> Vec<bool> {
    let mut bits = vec![
        true,
        seq & 1 != 0,
        seq & 2 != 0,
        seq & 4 != 0,
        last,
        false,
        true,
    ];
    bits[5] = bits.iter().filter(|b| **b).count() % 2 == 1;
    bits
}

/// The OMR marks of a zone rendering: dark at the middle of each slot
/// (4 mm into the 8 mm bar, the slot's centre line).
fn sample_omr((w, _, pixels): &(usize, usize, Vec<u8>)) -> Vec<bool> {
    (0..7)
        .map(|i| {
            let y = px((i as f64 + 0.5) * 25.4 / 6.0);
            pixels[y * w + px(4.0)] < 128
        })
        .collect()
}

fn dmtxread(png: &Path) -> String {
    let out = run(
        Command::new("dmtxread")
            .args(["-N1", "-m", "20000"])
            .arg(png),
        "dmtx-utils",
    );
    String::from_utf8_lossy(&out).trim().to_owned()
}

#[test]
fn marks_on_every_sheet_agree_with_the_manifest_read_by_outside_tools() {
    let (dir, design, options) = production("marks");
    let spool = PrintSpool::new(dir.join("print"), options).unwrap();
    stage(&design, &spool, &mixed());
    let summary = spool.close().unwrap();
    let stream = &summary.batches[0];
    let e = &summary.envelopes;
    // Job sheet 1-2; presort 10: P0000 3-4, P0001 5-8; separator 9-10;
    // presort 20: P0002 11-12, P0003 13-14, P0004 15-18 and 19-20.
    let firsts: Vec<usize> = e.iter().map(|e| e.first_page).collect();
    assert_eq!(firsts, [3, 5, 11, 13, 15, 19]);
    assert_eq!(summary.read_back[0].marked_sheets, 8);
    assert_eq!(summary.read_back[0].digests, 16);
    let png = dir.join("zone.png");
    let mut seq = 0;
    for env in e {
        for sheet in 1..=env.sheets {
            seq += 1;
            let page = env.first_page + 2 * (sheet - 1);
            let z = zone(stream, page, &png);
            assert_eq!(
                dmtxread(&png),
                format!("VLM|2026-12|{}|{sheet}/{}", env.envelope, env.sheets),
                "page {page}"
            );
            assert_eq!(
                sample_omr(&z),
                expected_omr(seq, sheet == env.sheets),
                "page {page}, {env:?}"
            );
            // The back carries no marks.
            let back = zone(stream, page + 1, &png);
            assert!(
                back.2.iter().all(|p| *p > 200),
                "marks on the back {}",
                page + 1
            );
        }
    }
    // Job and separator sheets carry none.
    for page in [1, 9] {
        let z = zone(stream, page, &png);
        assert!(z.2.iter().all(|p| *p > 200), "marks on page {page}");
    }
    let check = run(Command::new("qpdf").arg("--check").arg(stream), "qpdf");
    assert!(String::from_utf8_lossy(&check).contains("No syntax or stream encoding errors"));
}

#[test]
fn the_bill_frame_leaves_the_mark_zone_clear() {
    let dir = out_dir("clear");
    let design = crate::common::design("bill");
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let png = dir.join("zone.png");
    for (i, items) in [(0, 1), (1, 180)] {
        let doc = pipeline.document(&customer(i, items, "10115")).unwrap();
        let pdf = vellum::render::PrintEngine::new(&design)
            .unwrap()
            .render(&doc)
            .unwrap();
        let path = dir.join(format!("letter-{i}.pdf"));
        std::fs::write(&path, &pdf.bytes).unwrap();
        for page in 1..=pdf.pages {
            let (_, _, pixels) = zone(&path, page, &png);
            let dark = pixels.iter().filter(|p| **p < 245).count();
            assert_eq!(dark, 0, "the frame draws into the mark zone on page {page}");
        }
    }
}

#[test]
fn the_job_sheet_and_separators_say_what_the_stream_holds() {
    let (dir, design, options) = production("sheets");
    let spool = PrintSpool::new(dir.join("print"), options).unwrap();
    stage(&design, &spool, &mixed());
    let summary = spool.close().unwrap();
    let stream = &summary.batches[0];
    let job = pdftotext(stream, 1, 1);
    for want in [
        "JOB SHEET",
        "Job: 2026-12",
        "Stream: batch-0001.pdf",
        "Date: 2026-12-01",
        &format!("Design: bill version {}", design.manifest().version),
        &format!("Content hash: {}", design.content_hash()),
        "Envelopes: 6 (numbers 1 to 6)",
        "Letters: 5",
        "Letter pages: 14",
        "Stream pages: 20, sheets: 10",
        "Sides: duplex",
        "Postage (weight classes): standard 6",
        "Presort keys: 10 to 20",
    ] {
        assert!(job.contains(want), "{want:?} not on the job sheet:\n{job}");
    }
    let sep = pdftotext(stream, 9, 9);
    assert!(
        sep.contains("SEPARATOR") && sep.contains("Presort 20"),
        "{sep}"
    );
    assert!(sep.contains("Envelopes: 4 (numbers 3 to 6)"), "{sep}");
    // The letters' text survived the sheets' arrival (printpdf saw only them).
    assert!(pdftotext(stream, 3, 3).contains("Paper Customer 0000"));
    run(
        Command::new("pdftoppm")
            .args(["-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile"])
            .arg(stream)
            .arg(dir.join("job-sheet")),
        "poppler-utils",
    );
}

/// `qpdf --pages`: the stream with its pages in `order` (1-based).
fn reorder(stream: &Path, order: &[usize], out: &Path) {
    let list: Vec<String> = order.iter().map(usize::to_string).collect();
    run(
        Command::new("qpdf")
            .arg(stream)
            .arg("--pages")
            .arg(stream)
            .arg(list.join(","))
            .arg("--")
            .arg(out),
        "qpdf",
    );
}

#[test]
fn a_corrupted_stream_is_refused_with_its_envelope_named() {
    let (dir, design, options) = production("corrupt");
    let spool = PrintSpool::new(dir.join("print"), options.clone()).unwrap();
    stage(&design, &spool, &mixed());
    let summary = spool.close().unwrap();
    let stream = &summary.batches[0];
    let envelopes: Vec<Envelope> =
        serde_json::from_slice(&std::fs::read(summary.manifest_json.unwrap()).unwrap()).unwrap();
    // As it is, it reads back (from its manifest file alone).
    read_back(stream, &envelopes, &options).unwrap();
    // Page 12 (P0002's back, envelope 3) dropped.
    let dropped = dir.join("dropped.pdf");
    let order: Vec<usize> = (1..=20).filter(|p| *p != 12).collect();
    reorder(stream, &order, &dropped);
    let err = read_back(&dropped, &envelopes, &options).unwrap_err();
    assert!(
        err.starts_with("envelope 3 (customer P0002): page 12"),
        "{err}"
    );
    // Envelopes 3 and 4 (pages 11-12 and 13-14) swapped.
    let swapped = dir.join("swapped.pdf");
    let mut order: Vec<usize> = (1..=10).collect();
    order.extend([13, 14, 11, 12]);
    order.extend(15..=20);
    reorder(stream, &order, &swapped);
    let err = read_back(&swapped, &envelopes, &options).unwrap_err();
    assert!(
        err.starts_with("envelope 3 (customer P0002): page 11 of the stream is not page 1"),
        "{err}"
    );
}

#[test]
fn a_stream_that_fails_its_read_back_is_not_released() {
    let (dir, design, options) = production("quarantine");
    let spool = PrintSpool::new(dir.join("print"), options).unwrap();
    stage(&design, &spool, &mixed());
    // Two staged letters' PDFs trade places on disk (2 pages each, so the
    // layout is unchanged): each line's page digests no longer match.
    let staging = dir.join("print/staging");
    let mut swap = Vec::new();
    for entry in std::fs::read_dir(&staging).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let line: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            if ["P0002", "P0003"].contains(&line["customer"].as_str().unwrap()) {
                swap.push(path.with_extension("pdf"));
            }
        }
    }
    let (a, b) = (
        std::fs::read(&swap[0]).unwrap(),
        std::fs::read(&swap[1]).unwrap(),
    );
    std::fs::write(&swap[0], b).unwrap();
    std::fs::write(&swap[1], a).unwrap();
    let err = spool.close().unwrap_err().to_string();
    assert!(
        err.contains("batch-0001.pdf not released, it stays in")
            && err.contains("envelope 3 (customer P0002): page 11 of the stream is not page 1 of the customer's letter"),
        "{err}"
    );
    assert!(dir.join("print/quarantine/batch-0001.pdf").exists());
    assert!(!dir.join("print/batch-0001.pdf").exists());
    assert!(!dir.join("print/manifest-0001.json").exists());
    // The letters stay staged for a close once the cause is found.
    assert_eq!(letters_staged(&staging), 10);
}

#[test]
fn a_typeset_chunk_gets_the_marks_and_sheets_too() {
    let (dir, design, options) = production("chunk");
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let docs: Vec<vellum::model::Document> = mixed()
        .iter()
        .map(|c| pipeline.document(c).unwrap())
        .collect();
    let refs: Vec<&vellum::model::Document> = docs.iter().collect();
    let chunk = pipeline.print_chunk(&refs, true).unwrap();
    let spool = PrintSpool::new(dir.join("print"), options).unwrap();
    let message = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    for (i, doc) in docs.iter().enumerate() {
        let comm = pipeline
            .communication_in_chunk(doc, &chunk, i, &message)
            .unwrap();
        spool.send(comm.message(Channel::Print).unwrap()).unwrap();
    }
    let summary = spool.close().unwrap();
    let e = &summary.envelopes;
    // The chunk's own blank backs (Typst's) keep every letter on a front.
    assert!(e.iter().all(|e| e.first_page % 2 == 1), "{e:?}");
    let sheets: usize = e.iter().map(|e| e.sheets).sum();
    assert_eq!(summary.read_back[0].marked_sheets, sheets);
    let png = dir.join("zone.png");
    let last = e.last().unwrap();
    zone(&summary.batches[0], last.first_page, &png);
    assert_eq!(
        dmtxread(&png),
        format!("VLM|2026-12|{}|1/{}", last.envelope, last.sheets)
    );
    assert!(pdftotext(&summary.batches[0], 1, 1).contains("JOB SHEET"));
}

/// A spool that reads back against a SQLite ledger, and a dispatcher that
/// records in that ledger and delivers letters to the spool.
fn ledgered(dir: &Path, options: PrintOptions) -> (Arc<PrintSpool>, Dispatcher, Arc<Ledger>) {
    let ledger = Arc::new(Ledger::open(dir.join("ledger.sqlite")).unwrap());
    let spool = Arc::new(
        PrintSpool::new(dir.join("print"), options)
            .unwrap()
            .with_ledger(ledger.clone()),
    );
    let dispatcher = Dispatcher::builder(ledger.clone())
        .transport(Channel::Print, spool.clone())
        .build()
        .unwrap();
    (spool, dispatcher, ledger)
}

/// Delivers each customer's letter through the dispatcher (so the ledger
/// records it before the spool stages it).
fn deliver(design: &Design, dispatcher: &Dispatcher, customers: &[Value]) {
    let pipeline = Pipeline::new(
        design,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let message = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    for c in customers {
        let doc = pipeline.document(c).unwrap();
        let comm = pipeline
            .communication_for(&doc, &[Channel::Print], false, &message)
            .unwrap();
        let out = dispatcher
            .deliver(&comm, &Audience::from_document(&doc))
            .unwrap();
        assert!(
            matches!(
                out,
                vellum::deliver::Outcome::Delivered {
                    channel: Channel::Print,
                    ..
                }
            ),
            "{}: {out:?}",
            doc.record
        );
    }
}

/// The staged line (JSON) of `customer`'s letter, and its PDF.
fn staged_line(dir: &Path, customer: &str) -> (PathBuf, Value) {
    for entry in std::fs::read_dir(dir.join("print/staging")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let line: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            if line["customer"] == customer {
                return (path, line);
            }
        }
    }
    panic!("{customer} is not staged");
}

#[test]
fn a_stream_the_ledger_agrees_with_is_released_with_every_envelope_checked() {
    let (dir, design, options) = production("ledger-ok");
    let (spool, dispatcher, ledger) = ledgered(&dir, options);
    deliver(&design, &dispatcher, &mixed());
    let summary = spool.close().unwrap();
    // Five letters, the 5-page one split in two envelopes (2 sheets each).
    assert_eq!(summary.envelopes.len(), 6, "{:?}", summary.envelopes);
    assert_eq!(summary.read_back[0].ledger_checked, 6);
    for e in &summary.envelopes {
        let status = ledger.status(&e.key).unwrap().unwrap();
        assert_eq!(
            e.content_hash, status.content_hash,
            "envelope {}",
            e.envelope
        );
        assert!(status.receipt.unwrap().contains('/'));
    }
    // The manifest carries the hashes; the staging (with its generation)
    // is gone, and a second close does nothing.
    let manifest = std::fs::read_to_string(summary.manifest_json.unwrap()).unwrap();
    assert!(manifest.contains("\"content_hash\""));
    assert_eq!(
        std::fs::read_dir(dir.join("print/staging"))
            .unwrap()
            .count(),
        0
    );
    assert!(spool.close().unwrap().batches.is_empty());
}

#[test]
fn an_envelope_the_ledger_does_not_know_is_refused_with_its_envelope_named() {
    let (dir, design, options) = production("ledger-unknown");
    let (spool, dispatcher, _ledger) = ledgered(&dir, options);
    let customers = mixed();
    deliver(&design, &dispatcher, &customers[..4]);
    // P0004's letter reaches the spool without the dispatcher: no ledger
    // line says it was ever sent.
    stage(&design, &spool, &customers[4..]);
    let err = spool.close().unwrap_err().to_string();
    assert!(err.contains("batch-0001.pdf not released"), "{err}");
    assert!(
        err.contains("envelope 5 (customer P0004): the ledger has no message bill/"),
        "{err}"
    );
    assert!(
        err.contains("/P0004/2026-12/print: it was never sent"),
        "{err}"
    );
    assert!(dir.join("print/quarantine/batch-0001.pdf").exists());
    assert!(!dir.join("print/batch-0001.pdf").exists());
}

#[test]
fn a_letter_whose_content_hash_differs_from_the_ledgers_is_refused() {
    let (dir, design, options) = production("ledger-hash");
    let (spool, dispatcher, _ledger) = ledgered(&dir, options);
    deliver(&design, &dispatcher, &mixed());
    // The staged line of P0003 says another content than the ledger has.
    let (path, mut line) = staged_line(&dir, "P0003");
    line["content_hash"] = Value::from("0".repeat(64));
    std::fs::write(&path, line.to_string()).unwrap();
    let err = spool.close().unwrap_err().to_string();
    assert!(
        err.contains(
            "envelope 4 (customer P0003): its letter has content hash 0000000000000000, \
             the ledger recorded"
        ),
        "{err}"
    );
    assert!(!dir.join("print/batch-0001.pdf").exists());
}

#[test]
fn a_letter_the_ledger_has_but_no_stream_is_refused() {
    let (dir, design, options) = production("ledger-lost");
    let (spool, dispatcher, _ledger) = ledgered(&dir, options);
    deliver(&design, &dispatcher, &mixed());
    // P0001's staged letter is lost after it was recorded as delivered.
    let (path, _) = staged_line(&dir, "P0001");
    std::fs::remove_file(path.with_extension("pdf")).unwrap();
    std::fs::remove_file(&path).unwrap();
    let err = spool.close().unwrap_err().to_string();
    assert!(
        err.contains("no stream released")
            && err.contains(
                "/P0001/2026-12/print as delivered to the print spool, but no envelope carries it"
            ),
        "{err}"
    );
    assert!(!dir.join("print/batch-0001.pdf").exists());
}

/// The staged letters' files (PDF and line), without the generation mark.
fn letters_staged(staging: &Path) -> usize {
    std::fs::read_dir(staging)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "generation")
        .count()
}
