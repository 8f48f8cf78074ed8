//! Job and separator sheets, made with printpdf (Helvetica, one of the
//! PDF's built-in fonts, so nothing is embedded) and placed into the stream
//! with lopdf. Only these pages go through printpdf: re-saving Typst's
//! pages through it would drop their text (NOTES.md).
//!
//! They carry no inserter marks: an inserter reading OMR diverts a sheet
//! without a benchmark mark, which is where job and separator sheets belong
//! (the operator takes them off), and they are in no envelope.

use std::collections::BTreeMap;

use printpdf::{
    BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

use super::Envelope;

/// What the job sheet of a stream says.
pub(super) struct JobFacts<'a> {
    pub job: &'a str,
    pub design: Option<&'a (String, String, String)>,
    pub date: String,
    pub file: &'a str,
    pub envelopes: &'a [Envelope],
    pub sheets: usize,
    pub pages: usize,
    pub duplex: bool,
}

/// The job sheet (when `job` is given) and one separator sheet per key of
/// `separators`, in that order, as one PDF of pages `size` (mm) big.
pub(super) fn sheets(
    job: Option<&JobFacts<'_>>,
    separators: &[String],
    envelopes: &[Envelope],
    size: (f32, f32),
) -> Vec<u8> {
    let mut pages = Vec::new();
    if let Some(j) = job {
        pages.push(PdfPage::new(
            Mm(size.0),
            Mm(size.1),
            text_ops(&job_lines(j), size.1),
        ));
    }
    for key in separators {
        let lines = separator_lines(key, envelopes);
        pages.push(PdfPage::new(
            Mm(size.0),
            Mm(size.1),
            text_ops(&lines, size.1),
        ));
    }
    let mut doc = PdfDocument::new("vellum print sheets");
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    doc.save(&PdfSaveOptions::default(), &mut warnings)
}

/// The job sheet's lines: a title (`#`), then label and value.
fn job_lines(j: &JobFacts<'_>) -> Vec<String> {
    let (id, version, hash) = j.design.map_or(("-", "-", "-"), |(i, v, h)| {
        (i.as_str(), v.as_str(), h.as_str())
    });
    let letters: std::collections::BTreeSet<&str> =
        j.envelopes.iter().map(|e| e.key.as_str()).collect();
    let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
    for e in j.envelopes {
        *classes.entry(e.weight_class.as_str()).or_default() += 1;
    }
    let classes: Vec<String> = classes.iter().map(|(c, n)| format!("{c} {n}")).collect();
    let keys = match (j.envelopes.first(), j.envelopes.last()) {
        (Some(a), Some(b)) => format!("{} to {}", shown(&a.presort_key), shown(&b.presort_key)),
        _ => "-".to_owned(),
    };
    let numbers = match (j.envelopes.first(), j.envelopes.last()) {
        (Some(a), Some(b)) => format!("{} to {}", a.envelope, b.envelope),
        _ => "-".to_owned(),
    };
    vec![
        "#JOB SHEET".to_owned(),
        format!("Job: {}", j.job),
        format!("Stream: {}", j.file),
        format!("Date: {}", j.date),
        format!("Design: {id} version {version}"),
        format!("Content hash: {hash}"),
        format!("Envelopes: {} (numbers {numbers})", j.envelopes.len()),
        format!("Letters: {}", letters.len()),
        format!(
            "Letter pages: {}",
            j.envelopes.iter().map(|e| e.pages).sum::<usize>()
        ),
        format!("Stream pages: {}, sheets: {}", j.pages, j.sheets),
        format!("Sides: {}", if j.duplex { "duplex" } else { "simplex" }),
        format!("Postage (weight classes): {}", classes.join(", ")),
        format!("Presort keys: {keys}"),
        "Remove this sheet before inserting.".to_owned(),
    ]
}

/// A separator sheet's lines: the presort key it opens and its envelopes.
fn separator_lines(key: &str, envelopes: &[Envelope]) -> Vec<String> {
    let group: Vec<&Envelope> = envelopes.iter().filter(|e| e.presort_key == key).collect();
    let range = match (group.first(), group.last()) {
        (Some(a), Some(b)) => format!("{} to {}", a.envelope, b.envelope),
        _ => "-".to_owned(),
    };
    vec![
        "#SEPARATOR".to_owned(),
        format!("#Presort {}", shown(key)),
        format!("Envelopes: {} (numbers {range})", group.len()),
        "Remove this sheet before inserting.".to_owned(),
    ]
}

fn shown(key: &str) -> &str {
    if key.is_empty() { "(none)" } else { key }
}

/// Drawing operations for `lines` from the top of a page `height` mm high:
/// a line starting with `#` is a heading.
fn text_ops(lines: &[String], height: f32) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut y = height - 30.0;
    for line in lines {
        let (font, size, text) = match line.strip_prefix('#') {
            Some(t) => (BuiltinFont::HelveticaBold, 22.0, t),
            None => (BuiltinFont::Helvetica, 12.0, line.as_str()),
        };
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::Builtin(font),
            size: Pt(size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Mm(25.0).into(),
                y: Mm(y).into(),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(latin1(text))],
        });
        ops.push(Op::EndTextSection);
        y -= if size > 12.0 { 14.0 } else { 8.0 };
    }
    ops
}

/// The built-in fonts cover Latin-1; anything else becomes `?`.
fn latin1(s: &str) -> String {
    s.chars()
        .map(|c| if (c as u32) < 256 { c } else { '?' })
        .collect()
}
