//! Swiss QR-bills: the CHF bill's payment part, read back from the rendered
//! page (a 300 dpi pdftoppm render) by an outside decoder, carries every
//! element the record gives; the EUR bills' EPC codes still read back as
//! composed; a record that breaks the standard fails with the field and the
//! customer named.
//!
//! Two decoders: zbarimg (Debian's zbar-tools) reads the EPC codes, but it
//! cannot read Swiss QR codes at any resolution, the cross in the middle
//! defeats it (zbar issues #121, #167, #216, open upstream); ZXing-C++
//! (Debian's python3-zxing-cpp, with python3-pil) reads the Swiss code.
//! Needs poppler-utils, zbar-tools and python3-zxing-cpp; the tests fail with
//! a message saying so when one is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use vellum::model::{Block, Date, Document};
use vellum::{ComposeOptions, Design};

fn options() -> ComposeOptions {
    ComposeOptions::today(Date::parse("2026-11-20").unwrap())
}

fn bill() -> Design {
    Design::load("templates/bill").unwrap_or_else(|e| panic!("{e}"))
}

fn sample(name: &str) -> Value {
    let p = format!("templates/bill/samples/{name}.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn run(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install poppler-utils and zbar-tools (apt-get install -y poppler-utils zbar-tools)")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("qrbill");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `page` of the PDF as a 300 dpi greyscale PNG.
fn page_png(pdf: &Path, page: usize, name: &str) -> String {
    let png = dir().join(name);
    let (p, n) = (pdf.to_str().unwrap(), page.to_string());
    run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            &n,
            "-l",
            &n,
            p,
            png.to_str().unwrap(),
        ],
    );
    format!("{}.png", png.display())
}

/// The one QR code zbarimg finds in `png`, as text (`-Sbinary`: the bytes
/// as they are, no guessing of their character set).
fn zbar(png: &str) -> String {
    let out = run(
        "zbarimg",
        &[
            "--raw",
            "-q",
            "-Sdisable",
            "-Sqrcode.enable",
            "-Sbinary",
            png,
        ],
    );
    let text = String::from_utf8(out).expect("the payload is UTF-8");
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

/// Every QR code ZXing-C++ finds in `png`, as JSON strings. Debian's
/// binding lives in the system Python's dist-packages.
fn zxing(png: &str) -> Vec<String> {
    const SCRIPT: &str = "import json, sys, zxingcpp\nfrom PIL import Image\n\
        print(json.dumps([r.text for r in zxingcpp.read_barcodes(Image.open(sys.argv[1])) \
        if r.format == zxingcpp.BarcodeFormat.QRCode]))";
    let out = Command::new("/usr/bin/python3")
        .args(["-c", SCRIPT, png])
        .output();
    let out = out.unwrap_or_else(|e| panic!("cannot run /usr/bin/python3 ({e}): install python3"));
    assert!(
        out.status.success(),
        "ZXing-C++ failed (apt-get install -y python3-zxing-cpp python3-pil): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON list of texts")
}

fn render(design: &Design, record: &Value, name: &str) -> (Document, PathBuf, usize) {
    let doc = vellum::compose(design, record, &options()).unwrap_or_else(|e| panic!("{e}"));
    let pdf = vellum::render::PrintEngine::new(design)
        .unwrap()
        .render(&doc)
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir().join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf.bytes).unwrap();
    (doc, path, pdf.pages)
}

fn s<'v>(v: &'v Value, path: &str) -> &'v str {
    path.split('.')
        .fold(v, |v, k| &v[k])
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

/// The Swiss QR code on the CHF bill's last page holds, element by element,
/// what the record says: read back by zbarimg, not by our own code.
#[test]
fn the_chf_bill_carries_a_swiss_qr_code_that_an_outside_decoder_reads() {
    let design = bill();
    let record = sample("C1007");
    let (doc, pdf, pages) = render(&design, &record, "C1007");
    assert!(
        doc.warnings.iter().all(|w| !w.contains("QR")),
        "{:?}",
        doc.warnings
    );
    let codes = zxing(&page_png(&pdf, pages, "C1007-last"));
    assert_eq!(codes.len(), 1, "{codes:?}");
    let lines: Vec<&str> = codes[0].split('\n').collect();
    let c = &record["payment"]["creditor"];
    let a = &record["customer"]["address"];
    let compact = |s: &str| s.replace(' ', "");
    let want: Vec<String> = [
        "SPC",
        "0200",
        "1",
        &compact(s(&record, "payment.iban")),
        "S",
        s(&record, "payment.beneficiary"),
        s(c, "street"),
        s(c, "building"),
        s(c, "postal_code"),
        s(c, "town"),
        s(c, "country"),
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        s(&record, "totals.due"),
        "CHF",
        "S",
        s(&record, "customer.name"),
        s(a, "line1"),
        "",
        s(a, "postal_code"),
        s(a, "city"),
        s(a, "country_code"),
        "QRR",
        &compact(s(&record, "payment.reference")),
        &format!("Rechnungsnummer {}", s(&record, "invoice.number")),
        "EPD",
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    for (i, (got, want)) in lines.iter().zip(&want).enumerate() {
        assert_eq!(got, want, "payload line {}: {codes:?}", i + 1);
    }
    assert_eq!(lines.len(), want.len(), "{codes:?}");
    // The payment part's headings, in the record's language (de).
    let text = String::from_utf8(run(
        "pdftotext",
        &[
            "-f",
            &pages.to_string(),
            "-l",
            &pages.to_string(),
            pdf.to_str().unwrap(),
            "-",
        ],
    ))
    .unwrap();
    for h in [
        "Empfangsschein",
        "Zahlteil",
        "Konto / Zahlbar an",
        "Referenz",
        "Zusätzliche Informationen",
        "Zahlbar durch",
        "Währung",
        "Betrag",
        "Annahmestelle",
        "CH44 3199 9123 0008 8901 2",
        "00 00000 00000 41007 26120 41904",
        "117.50",
    ] {
        assert!(text.contains(h), "{h:?} not on the last page:\n{text}");
    }
}

/// Every EUR bill keeps its EPC (GiroCode) code, and zbarimg reads it back
/// from the page exactly as composed.
#[test]
fn eur_bills_keep_their_epc_code_as_zbar_reads_it() {
    let design = bill();
    let mut eur = 0;
    for name in ["C1001", "C1002", "C1003", "C1004", "C1005", "C1006"] {
        let record = sample(name);
        if record["account"]["currency"] != "EUR" {
            continue;
        }
        eur += 1;
        let (doc, pdf, _) = render(&design, &record, name);
        let (kind, payload) = find_qr(&doc.blocks).expect("the EUR bill has its payment QR");
        assert_eq!(kind, "epc", "{name}");
        assert!(
            payload.starts_with("BCD\n002\n1\nSCT\n"),
            "{name}: {payload}"
        );
        assert_eq!(
            zbar(&page_png(&pdf, 1, &format!("{name}-1"))),
            payload,
            "{name}"
        );
    }
    assert!(eur >= 2, "only {eur} EUR samples");
}

/// The same CHF bill in French gets the French headings.
#[test]
fn headings_follow_the_locale() {
    let design = bill();
    let mut record = sample("C1007");
    record["customer"]["locale"] = json!("fr-FR");
    let (_, pdf, pages) = render(&design, &record, "C1007-fr");
    let n = pages.to_string();
    let text = String::from_utf8(run(
        "pdftotext",
        &["-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
    ))
    .unwrap();
    for h in [
        "Récépissé",
        "Section paiement",
        "Compte / Payable à",
        "Payable par",
        "Point de dépôt",
    ] {
        assert!(text.contains(h), "{h:?} not on the last page:\n{text}");
    }
}

fn find_qr(blocks: &[Block]) -> Option<(String, String)> {
    blocks.iter().find_map(|b| match b {
        Block::Qr { kind, payload, .. } => Some((kind.clone(), payload.clone())),
        Block::Remittance { blocks } | Block::Only { blocks, .. } => find_qr(blocks),
        _ => None,
    })
}

/// Hostile CHF records: each fails with the customer and the field named,
/// and no PDF with a broken payment part is made.
#[test]
fn a_bill_that_breaks_the_standard_is_an_error_naming_the_field() {
    let design = bill();
    let cases: [(&str, Value, &str, &str); 7] = [
        (
            "payment.beneficiary",
            json!("N".repeat(71)),
            "payment.beneficiary",
            "71 characters",
        ),
        (
            "customer.name",
            json!("Lukas \u{1F600} Brunner"),
            "customer.name",
            "U+1F600",
        ),
        (
            "payment.creditor.town",
            json!("Zürich \u{2713}"),
            "payment.creditor.town",
            "U+2713",
        ),
        (
            "payment.iban",
            json!("DE89370400440532013000"),
            "payment.iban",
            "CH or LI IBAN",
        ),
        (
            "payment.reference",
            json!("RF18539007547034"),
            "payment.reference",
            "QR-IBAN needs a QR reference",
        ),
        (
            "totals.due",
            json!("1000000000.00"),
            "totals.due",
            "outside 0.01 to 999999999.99",
        ),
        (
            "customer.address.country_code",
            json!("Schweiz"),
            "customer.address.country_code",
            "two-letter",
        ),
    ];
    for (field, value, path, why) in cases {
        let mut record = sample("C1007");
        let mut v = &mut record;
        for k in field.split('.') {
            v = &mut v[k];
        }
        *v = value;
        let err = vellum::compose(&design, &record, &options())
            .expect_err(field)
            .to_string();
        assert!(err.contains("C1007"), "{field}: no customer in {err:?}");
        assert!(err.contains(path), "{field}: no field in {err:?}");
        assert!(err.contains(why), "{field}: no reason in {err:?}");
    }
}

/// However long the bill, the payment part is whole at the foot of its
/// last page: a body that leaves no room pushes it to a page of its own.
#[test]
fn the_payment_part_moves_to_a_new_page_when_the_body_leaves_no_room() {
    let design = bill();
    let mut pages_seen = Vec::new();
    for n in [3, 10, 14, 18] {
        let mut record = sample("C1007");
        let item = record["items"][0].clone();
        let items = record["items"].as_array_mut().unwrap();
        while items.len() < n {
            items.push(item.clone());
        }
        let name = format!("C1007-{n}-items");
        let (_, pdf, pages) = render(&design, &record, &name);
        let codes = zxing(&page_png(&pdf, pages, &name));
        assert_eq!(codes.len(), 1, "{n} items: {codes:?}");
        assert!(codes[0].starts_with("SPC\n0200\n1\n"), "{n} items");
        let p = pages.to_string();
        let text = String::from_utf8(run(
            "pdftotext",
            &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
        ))
        .unwrap();
        assert!(
            text.contains("Zahlteil") && text.contains("Empfangsschein"),
            "{n} items:\n{text}"
        );
        pages_seen.push(pages);
    }
    pages_seen.dedup();
    assert!(
        pages_seen.len() > 1,
        "every length gave {pages_seen:?} pages"
    );
}
