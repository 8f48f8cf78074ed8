//! The print channel: every design × sample renders to a PDF that qpdf
//! accepts, with every font embedded, the customer's name and amounts in its
//! text exactly as composed, byte-identical on every run, and a sandbox that
//! customer data and design files cannot leave.
//!
//! Needs poppler-utils (pdftotext, pdffonts) and qpdf; the tests fail with a
//! message saying so when they are missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use vellum::model::{Block, Date, Document, Span};
use vellum::render::{PdfOptions, PdfStandard};
use vellum::{ComposeOptions, Design};

const DESIGNS: [&str; 4] = ["bill", "contract", "quote", "welcome"];

fn options() -> ComposeOptions {
    ComposeOptions::today(Date::parse("2026-11-20").unwrap())
}

fn design(id: &str) -> &'static Design {
    static DESIGNS_LOADED: OnceLock<Vec<(String, Design)>> = OnceLock::new();
    let all = DESIGNS_LOADED.get_or_init(|| {
        DESIGNS
            .iter()
            .map(|d| {
                (
                    d.to_string(),
                    Design::load(format!("templates/{d}")).unwrap_or_else(|e| panic!("{e}")),
                )
            })
            .collect()
    });
    &all.iter()
        .find(|(d, _)| d == id)
        .expect("a shipped design")
        .1
}

fn samples(id: &str) -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(format!("templates/{id}/samples"))
        .expect("samples folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap(),
            )
        })
        .collect()
}

/// Runs a poppler/qpdf tool; a missing tool fails the test with what to install.
fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{name}` ({e}): install poppler-utils and qpdf (apt-get install -y poppler-utils qpdf)")
    });
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let p = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&p, bytes).unwrap();
    p
}

fn pdftotext(path: &Path, pages: Option<(usize, usize)>) -> String {
    let p = path.to_str().unwrap();
    let (first, last) = pages
        .map(|(f, l)| (f.to_string(), l.to_string()))
        .unwrap_or_default();
    let mut args = vec!["-layout", "-enc", "UTF-8"];
    if pages.is_some() {
        args.extend(["-f", &first, "-l", &last]);
    }
    args.extend([p, "-"]);
    let (ok, text) = tool("pdftotext", &args);
    assert!(ok, "pdftotext failed on {p}: {text}");
    text
}

fn render(design_id: &str, record: &Value) -> (Document, vellum::render::Pdf) {
    let d = design(design_id);
    let doc = vellum::compose(d, record, &options()).unwrap_or_else(|e| panic!("{e}"));
    let pdf = vellum::render::PrintEngine::new(d)
        .unwrap()
        .render(&doc)
        .unwrap_or_else(|e| panic!("{e}"));
    (doc, pdf)
}

fn plain(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text { text } => text.clone(),
            Span::Strong { content } | Span::Em { content } | Span::Link { content, .. } => {
                plain(content)
            }
        })
        .collect()
}

/// Every money amount of the document's summaries and tables, as composed.
fn amounts(doc: &Document) -> Vec<String> {
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for b in blocks {
            match b {
                Block::Table { rows, footer, .. } => {
                    for row in rows.iter().chain(footer) {
                        for cell in row {
                            out.push(plain(cell));
                        }
                    }
                }
                Block::Rows { rows, .. } => out.extend(rows.iter().map(|(_, v)| plain(v))),
                Block::Notice { blocks, .. }
                | Block::Small { blocks }
                | Block::Remittance { blocks }
                | Block::Only { blocks, .. } => walk(blocks, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&doc.blocks, &mut out);
    out.retain(|s| {
        s.chars().any(|c| c.is_ascii_digit())
            && (s.contains('€') || s.contains('$') || s.contains('¥') || s.contains('£'))
    });
    out
}

/// pdftotext -layout may put several spaces where one was, and Typst may
/// break a line inside a long value: compare with whitespace collapsed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_design_and_sample_is_a_valid_pdf_with_the_customers_data() {
    for id in DESIGNS {
        for (name, record) in samples(id) {
            let (doc, pdf) = render(id, &record);
            let path = write_pdf(&format!("{id}-{name}"), &pdf.bytes);
            let p = path.to_str().unwrap();
            assert!(pdf.pages >= 1 && pdf.pages as u32 <= design(id).manifest().max_pages);

            let (ok, out) = tool("qpdf", &["--check", p]);
            assert!(ok, "{id}/{name}: qpdf --check failed:\n{out}");

            let (ok, fonts) = tool("pdffonts", &[p]);
            assert!(ok, "{id}/{name}: pdffonts failed: {fonts}");
            let rows: Vec<&str> = fonts
                .lines()
                .skip(2)
                .filter(|l| !l.trim().is_empty())
                .collect();
            assert!(!rows.is_empty(), "{id}/{name}: no fonts listed:\n{fonts}");
            for row in &rows {
                // Columns: name type encoding emb sub uni object ID.
                let cols: Vec<&str> = row.split_whitespace().collect();
                let emb = cols[cols.len() - 5];
                assert_eq!(emb, "yes", "{id}/{name}: font not embedded: {row}");
            }

            let text = squash(&pdftotext(&path, None));
            let who = doc.name.clone().expect("samples have names");
            assert!(
                text.contains(&squash(&who)),
                "{id}/{name}: customer name {who:?} not in the PDF text:\n{text}"
            );
            for a in amounts(&doc) {
                assert!(
                    text.contains(&squash(&a)),
                    "{id}/{name}: amount {a:?} not in the PDF text:\n{text}"
                );
            }
            if doc.locale == "zh-CN" {
                let han = text
                    .chars()
                    .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                    .count();
                assert!(
                    han > 50,
                    "{id}/{name}: a zh-CN document with only {han} Chinese characters:\n{text}"
                );
            }
        }
    }
}

/// FNV-1a, 64 bit: a stable fingerprint of the PDF bytes for the golden files.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

#[test]
fn golden_text_and_fingerprint_per_design_and_sample() {
    for id in DESIGNS {
        for (name, record) in samples(id) {
            let (_, pdf) = render(id, &record);
            let path = write_pdf(&format!("golden-{id}-{name}"), &pdf.bytes);
            let text = pdftotext(&path, None);
            let text: String = text
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n");
            let snap = format!(
                "pages: {}\nbytes fnv1a64: {}\n\n{}",
                pdf.pages,
                fingerprint(&pdf.bytes),
                text.trim_end()
            );
            insta::assert_snapshot!(format!("pdf-{id}-{name}"), snap);
        }
    }
}

#[test]
fn same_input_gives_byte_identical_pdf() {
    let samples = samples("bill");
    let (_, a) = render("bill", &samples[0].1);
    // Another customer in between: the memo cache holds other entries now.
    let _ = render("bill", &samples[1].1);
    let (_, b) = render("bill", &samples[0].1);
    assert_eq!(a.bytes.len(), b.bytes.len());
    assert!(
        a.bytes == b.bytes,
        "two renders of the same document differ"
    );
    // And from another thread, with its own engine use.
    let record = samples[0].1.clone();
    let c = std::thread::spawn(move || render("bill", &record).1)
        .join()
        .unwrap();
    assert!(a.bytes == c.bytes, "a render on another thread differs");
}

#[test]
fn forty_item_bill_breaks_to_page_two_with_the_table_header_repeated() {
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string("templates/bill/samples/C1006.json").unwrap(),
    )
    .unwrap();
    assert!(record["items"].as_array().unwrap().len() >= 40);
    let (doc, pdf) = render("bill", &record);
    assert!(pdf.pages >= 2, "40 items on {} page(s)", pdf.pages);
    let path = write_pdf("bill-40-items", &pdf.bytes);
    let headers: Vec<String> = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { columns, .. } => {
                Some(columns.iter().map(|c| plain(&c.header)).collect())
            }
            _ => None,
        })
        .expect("the bill has a table");
    let page1 = squash(&pdftotext(&path, Some((1, 1))));
    let page2 = squash(&pdftotext(&path, Some((2, 2))));
    let header_line = headers.join(" ");
    assert!(
        page1.contains(&header_line),
        "page 1 has no table header {header_line:?}:\n{page1}"
    );
    assert!(
        page2.contains(&header_line),
        "page 2 does not repeat the table header {header_line:?}:\n{page2}"
    );
    // Rows continue on page 2: its text holds item descriptions.
    let Some(Block::Table { rows, .. }) =
        doc.blocks.iter().find(|b| matches!(b, Block::Table { .. }))
    else {
        unreachable!()
    };
    let last = plain(&rows.last().unwrap()[0]);
    assert!(
        page2.contains(&squash(&last)),
        "the last item {last:?} is not on page 2"
    );
}

/// Rows of one line get their height without being measured (the frame
/// knows a bound of each cell's width); a description that wraps must still
/// make its row as tall as its lines, above the next row, never over it.
#[test]
fn a_wrapping_description_keeps_its_row_tall() {
    let mut record: Value = serde_json::from_str(
        &std::fs::read_to_string("templates/bill/samples/C1001.json").unwrap(),
    )
    .unwrap();
    let long = "Quarzite ".repeat(40);
    record["items"][0]["description"] = Value::from(long.trim_end());
    record["items"][1]["description"] = Value::from("Zyxwv charge");
    let (_, pdf) = render("bill", &record);
    let path = write_pdf("bill-wrapping-row", &pdf.bytes);
    let (ok, html) = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", path.to_str().unwrap(), "-"],
    );
    assert!(ok, "{html}");
    // <word xMin="…" yMin="…" xMax="…" yMax="…">text</word>
    let words: Vec<(f64, f64, String)> = html
        .lines()
        .filter_map(|l| {
            let attr = |k: &str| -> Option<f64> {
                let i = l.find(&format!("{k}=\""))? + k.len() + 2;
                l[i..].split('"').next()?.parse().ok()
            };
            let text = l.split('>').nth(1)?.split('<').next()?.to_owned();
            Some((attr("yMin")?, attr("yMax")?, text))
        })
        .collect();
    let lines: Vec<f64> = {
        let mut ys: Vec<f64> = words
            .iter()
            .filter(|w| w.2 == "Quarzite")
            .map(|w| w.1)
            .collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup();
        ys
    };
    assert!(lines.len() >= 3, "the description does not wrap: {lines:?}");
    let next = words
        .iter()
        .find(|w| w.2 == "Zyxwv")
        .expect("the second item");
    let bottom = lines.last().unwrap();
    assert!(
        *bottom < next.0,
        "the wrapped description (last line ends at y={bottom}) runs into the next row (starts at y={})",
        next.0
    );
}

const HOSTILE: &str = r#"#read("/etc/passwd") ] [ # $ \ " #import "@preview/x:0.1.0" */ // <b> {{x}} #let x = 1 $x^2$"#;

#[test]
fn typst_code_in_customer_data_is_printed_literally() {
    let mut record = samples("bill")
        .into_iter()
        .find(|(n, _)| n == "C1003")
        .unwrap()
        .1;
    record["customer"]["name"] = Value::from(HOSTILE);
    record["customer"]["address"]["line2"] = Value::from("#sys.inputs");
    record["customer"]["address"]["line1"] =
        Value::from(r#"#image("/etc/hostname") \u{0} #eval("1+1")"#);
    record["items"][0]["description"] = Value::from(r#"#include "/etc/passwd""#);
    let (doc, pdf) = render("bill", &record);
    let path = write_pdf("bill-hostile", &pdf.bytes);
    let text = squash(&pdftotext(&path, None));
    assert!(
        text.contains(&squash(HOSTILE)),
        "the hostile name is not printed as typed:\n{text}"
    );
    assert!(text.contains("#sys.inputs"));
    assert!(text.contains(r#"#include "/etc/passwd""#));
    assert!(text.contains(r#"#eval("1+1")"#));
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for line in passwd.lines().take(3).filter(|l| !l.is_empty()) {
        assert!(!text.contains(line), "host file content in the PDF: {line}");
    }
    assert!(!text.contains("root:x:0:0"));
    assert_eq!(doc.name.as_deref(), Some(HOSTILE));
}

/// A shipped design copied in memory as `templates/design-<tag>` beside the
/// shipped brand and offers, with extra files (e.g. its own print.typ) and a
/// changed manifest. No temporary folder: the design is loaded through a
/// MemoryLoader.
fn memory_design(
    base: &str,
    tag: &str,
    files: &[(&str, &str)],
    manifest: impl Fn(String) -> String,
) -> Design {
    let mut loader = vellum::MemoryLoader::from_dir("templates").unwrap();
    let dir = format!("templates/design-{tag}");
    for name in [
        "body.md",
        "locales/en-US.ftl",
        "locales/en-GB.ftl",
        "locales/de-DE.ftl",
        "locales/fr-FR.ftl",
        "locales/zh-CN.ftl",
    ] {
        let bytes = loader
            .get(format!("templates/{base}/{name}"))
            .unwrap()
            .to_vec();
        loader.insert(format!("{dir}/{name}"), bytes);
    }
    let toml = String::from_utf8(
        loader
            .get(format!("templates/{base}/design.toml"))
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    loader.insert(format!("{dir}/design.toml"), manifest(toml));
    for (name, text) in files {
        loader.insert(format!("{dir}/{name}"), *text);
    }
    Design::load_with(&dir, loader).unwrap_or_else(|e| panic!("{e}"))
}

/// The print error of a design that loads and composes, with the error's
/// diagnostics.
fn render_err(d: &Design, record: &Value) -> (String, Vec<vellum::model::Diagnostic>) {
    let doc = vellum::compose(d, record, &options()).unwrap();
    match vellum::render::PrintEngine::new(d).unwrap().render(&doc) {
        Ok(_) => panic!("{} rendered, expected an error", d.dir().display()),
        Err(e) => (e.to_string(), e.diagnostics().to_vec()),
    }
}

#[test]
fn the_sandbox_refuses_host_files_packages_and_escapes() {
    let record = samples("welcome").remove(0).1;
    let cases = [
        ("passwd", "#read(\"/etc/passwd\")\n", "/etc/passwd"),
        ("dotdot", "#read(\"../../../../etc/passwd\")\n", ""),
        ("image", "#image(\"/etc/hostname\")\n", "/etc/hostname"),
        (
            "package",
            "#import \"@preview/cetz:0.3.0\": canvas\n",
            "@preview/cetz:0.3.0",
        ),
        (
            "samples",
            "#read(\"/design/samples/C1001.json\")\n",
            "samples",
        ),
    ];
    for (tag, frame, quoted) in cases {
        let d = memory_design("welcome", tag, &[("print.typ", frame)], |t| t);
        let (err, diagnostics) = render_err(&d, &record);
        // Typst's problem is a diagnostic with its place, not only text.
        let first = &diagnostics[0];
        assert_eq!(
            first.place.file,
            format!("templates/design-{tag}/print.typ"),
            "{tag}: {err}"
        );
        assert_eq!(first.place.line, 1, "{tag}: {err}");
        assert!(
            err.contains(&first.place.to_string()),
            "{tag}: the message names the same place: {err}"
        );
        assert!(
            first.message.starts_with("print frame error: "),
            "{tag}: {err}"
        );
        assert!(err.contains("record C1001: print:"), "{tag}: {err}");
        assert!(
            err.contains("print.typ:1:"),
            "{tag}: the error does not name the frame's place: {err}"
        );
        assert!(err.contains(quoted), "{tag}: {err}");
        assert!(!err.contains("root:x:0"), "{tag}: {err}");
        if tag != "dotdot" {
            assert!(
                err.contains("sandbox"),
                "{tag}: the error does not say why: {err}"
            );
        }
        assert!(!err.contains("--root"), "{tag}: a CLI hint leaked: {err}");
        eprintln!("{tag}: {err}");
    }
}

#[test]
fn a_design_may_bring_its_own_frame() {
    let frame = "#import \"/brand/print/lib.typ\": letter\n#letter(json(\"/data.json\"), footer: (data, geo) => [Own footer #data.record])\n";
    let d = memory_design("welcome", "own-frame", &[("print.typ", frame)], |t| t);
    let doc = vellum::compose(&d, &samples("welcome").remove(0).1, &options()).unwrap();
    let pdf = vellum::render::PrintEngine::new(&d)
        .unwrap()
        .render(&doc)
        .unwrap();
    let text = pdftotext(&write_pdf("own-frame", &pdf.bytes), None);
    assert!(text.contains("Own footer C1001"), "{text}");
    // Ending in the brand's `letter`, it takes print chunks as is.
    let docs = two_customers(&d, "welcome");
    let refs: Vec<&Document> = docs.iter().collect();
    let engine = vellum::render::PrintEngine::new(&d).unwrap();
    let chunk = engine
        .render_chunk(&refs, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let text = pdftotext(&write_pdf("own-frame-chunk", &chunk.bytes), None);
    for doc in &docs {
        assert!(
            text.contains(&format!("Own footer {}", doc.record)),
            "{text}"
        );
    }
}

#[test]
fn a_frame_that_does_not_take_chunks_is_refused_once_and_for_all() {
    let frame = "#let data = json(\"/data.json\")\n#data.title\n";
    let d = memory_design("welcome", "no-chunks", &[("print.typ", frame)], |t| t);
    let docs = two_customers(&d, "welcome");
    let refs: Vec<&Document> = docs.iter().collect();
    let engine = vellum::render::PrintEngine::new(&d).unwrap();
    engine
        .render(&docs[0])
        .unwrap_or_else(|e| panic!("alone it prints: {e}"));
    for _ in 0..2 {
        let err = engine.render_chunk(&refs, false).unwrap_err().to_string();
        assert!(err.contains("does not take chunks"), "{err}");
    }
}

#[test]
fn too_many_pages_is_a_clear_error() {
    let d = memory_design("bill", "max-pages", &[], |t| {
        t.replace("max_pages = 6", "max_pages = 1")
    });
    let record = samples("bill")
        .into_iter()
        .find(|(n, _)| n == "C1006")
        .unwrap()
        .1;
    let (err, _) = render_err(&d, &record);
    assert!(err.contains("max_pages = 1"), "{err}");
}

#[test]
fn characters_without_a_glyph_are_an_error_naming_them() {
    let d = design("welcome");
    let mut record = samples("welcome").remove(0).1;
    record["customer"]["name"] = Value::from("Anna \u{13000} Nilsson");
    let doc = vellum::compose(d, &record, &options()).unwrap();
    let err = vellum::render::PrintEngine::new(d)
        .unwrap()
        .render(&doc)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("U+13000") && err.contains("record C1001: print:"),
        "{err}"
    );
}

#[test]
fn archive_standards_and_preview_png() {
    let d = design("bill");
    let doc = vellum::compose(d, &samples("bill").remove(0).1, &options()).unwrap();
    for standard in [PdfStandard::PdfA3b, PdfStandard::PdfA3bUa1] {
        let pdf = vellum::render::PrintEngine::new(d)
            .unwrap()
            .render_with(&doc, &PdfOptions::standard(standard))
            .unwrap_or_else(|e| panic!("{standard:?}: {e}"));
        let raw = String::from_utf8_lossy(&pdf.bytes);
        assert!(
            raw.contains("pdfaid:part>3<") || raw.contains("pdfaid:part=\"3\""),
            "{standard:?}: no PDF/A-3 claim in the XMP"
        );
        if standard == PdfStandard::PdfA3bUa1 {
            assert!(raw.contains("pdfuaid:part"), "no PDF/UA claim");
        }
        let path = write_pdf(&format!("archive-{standard:?}"), &pdf.bytes);
        let (ok, out) = tool("qpdf", &["--check", path.to_str().unwrap()]);
        assert!(ok, "{out}");
    }
    let pdf = vellum::render::PrintEngine::new(d)
        .unwrap()
        .render_with(&doc, &PdfOptions::default().png(30.0))
        .unwrap();
    let png = pdf.png_first_page.expect("a PNG was asked for");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // US Letter at 30 dpi: 255 × 330 pixels.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 255);
}

/// The print stream: a chunk of customers typeset in one compile holds each
/// letter exactly as it prints alone (its text, page numbers counted within
/// the letter), on its own sheets, and is byte-reproducible.
#[test]
fn a_print_chunk_holds_each_letter_as_it_prints_alone() {
    for id in DESIGNS {
        let d = design(id);
        let engine = vellum::render::PrintEngine::new(d).unwrap();
        let alone: Vec<(Document, vellum::render::Pdf)> =
            samples(id).iter().map(|(_, r)| render(id, r)).collect();
        let mut papers: Vec<_> = alone.iter().map(|(doc, _)| doc.paper).collect();
        papers.dedup();
        for paper in papers {
            let same: Vec<&(Document, vellum::render::Pdf)> =
                alone.iter().filter(|(doc, _)| doc.paper == paper).collect();
            let docs: Vec<&Document> = same.iter().map(|(doc, _)| doc).collect();
            let chunk = engine
                .render_chunk(&docs, true)
                .unwrap_or_else(|e| panic!("{e}"));
            let again = engine.render_chunk(&docs, true).unwrap();
            assert!(
                chunk.bytes == again.bytes,
                "{id}: the chunk is not reproducible"
            );
            let path = write_pdf(&format!("{id}-chunk-{paper:?}"), &chunk.bytes);
            let (ok, out) = tool("qpdf", &["--check", path.to_str().unwrap()]);
            assert!(ok, "{id}: qpdf rejects the chunk: {out}");
            assert_eq!(chunk.letters.len(), docs.len());
            let mut next = 1;
            for (letter, (doc, pdf)) in chunk.letters.iter().zip(&same) {
                let who = format!("{id}/{}", doc.record);
                assert_eq!(letter.first_page, next, "{who}");
                assert_eq!(letter.pages, pdf.pages, "{who}");
                assert_eq!(
                    letter.last_page - letter.first_page + 1,
                    pdf.pages.div_ceil(2) * 2,
                    "{who}"
                );
                assert_eq!(letter.content_hash, pdf.content_hash, "{who}");
                let own = write_pdf(&format!("{id}-{}-alone", doc.record), &pdf.bytes);
                let last = letter.first_page + letter.pages - 1;
                assert_eq!(
                    squash(&pdftotext(&path, Some((letter.first_page, last)))),
                    squash(&pdftotext(&own, None)),
                    "{who}: the letter's pages in the chunk differ from the letter alone"
                );
                if letter.last_page > last {
                    let back = pdftotext(&path, Some((letter.last_page, letter.last_page)));
                    assert!(
                        back.trim().is_empty(),
                        "{who}: the blank back has text: {back}"
                    );
                }
                next = letter.last_page + 1;
            }
        }
    }
}

/// Two customers of a design's first sample: the sample and a copy with
/// another id.
fn two_customers(d: &Design, id: &str) -> Vec<Document> {
    let first = samples(id).remove(0).1;
    let mut second = first.clone();
    second["customer"]["id"] = Value::from("C9999");
    [first, second]
        .iter()
        .map(|r| vellum::compose(d, r, &options()).unwrap())
        .collect()
}
