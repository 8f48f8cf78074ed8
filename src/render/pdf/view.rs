//! The data the print frame receives in `/data.json`: the Document's blocks
//! for print (`only` sections resolved, the address, references and
//! remittance slip lifted out for their fixed places, consecutive signatures
//! grouped, QR codes as SVG), the brand, and the frame's localized labels.
//! Customer text stays JSON strings: Typst reads them as values, never as code.

use fluent_bundle::FluentArgs;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::measure::Faces;
use super::qr;
use super::world::Engine;
use crate::design::Design;
use crate::model::Paper;
use crate::model::{Document, Span};

/// Fallback font for Chinese text (bundled, see `fonts/README.md`).
const CJK_FONT: &str = "Noto Sans CJK SC";

#[derive(Default)]
struct Lifted {
    address: Option<Value>,
    references: Option<Value>,
    remittance: Option<Value>,
}

/// What the frame's data takes from the design rather than the customer,
/// prepared once per design.
#[derive(Default)]
pub(crate) struct FrameData {
    /// The print font's faces, for width bounds; `None` when the brand's
    /// font is not bundled.
    faces: Option<Faces>,
    /// The print font's family.
    font: String,
    /// The brand as the frame reads it (`data.brand`).
    brand: Value,
    /// The page label (`{page} / {total}`) per locale tag of the design.
    page_labels: Vec<(String, String)>,
}

/// The design's part of the frame's data.
pub(crate) fn prepare(design: &Design) -> Result<FrameData, String> {
    let font = design
        .brand
        .fonts
        .get("print")
        .map_or("Inter", String::as_str);
    let mut brand = serde_json::to_value(&design.brand).map_err(|e| e.to_string())?;
    brand["logo"] = json!(format!("/brand/{}", design.brand.logo));
    let mut args = FluentArgs::new();
    args.set("page", "{page}");
    args.set("total", "{total}");
    let page_labels = design
        .localized
        .iter()
        .map(|loc| {
            let label = loc.message("print-page", &args);
            let label = if label.starts_with('[') {
                "{page} / {total}".to_owned()
            } else {
                label
            };
            (loc.tag().to_owned(), label)
        })
        .collect();
    Ok(FrameData {
        faces: Faces::load(font),
        font: font.to_owned(),
        brand,
        page_labels,
    })
}

pub(crate) fn data(engine: &Engine, doc: &Document) -> Result<Vec<u8>, String> {
    let frame = &engine.frame;
    let blocks = serde_json::to_value(&doc.blocks).map_err(|e| e.to_string())?;
    let mut lifted = Lifted::default();
    let mut cx = Cx {
        engine,
        faces: frame.faces.as_ref(),
        lifted: &mut lifted,
    };
    let mut blocks = print_blocks(blocks, &mut cx, true)?;
    simplify(&mut blocks);
    for v in [&mut lifted.references, &mut lifted.remittance]
        .into_iter()
        .flatten()
    {
        simplify(v);
    }

    let page_label = frame
        .page_labels
        .iter()
        .find(|(tag, _)| *tag == doc.locale)
        .or(frame.page_labels.first())
        .map_or_else(|| "{page} / {total}".to_owned(), |(_, l)| l.clone());

    let (lang, region) = doc.locale.split_once('-').unwrap_or((&doc.locale, ""));
    let title = if !doc.subject.is_empty() {
        doc.subject.clone()
    } else {
        doc.blocks
            .iter()
            .find_map(|b| match b {
                crate::model::Block::Heading { content, .. } => Some(plain(content)),
                _ => None,
            })
            .unwrap_or_else(|| doc.design.clone())
    };
    let region = (region.len() == 2).then(|| region.to_ascii_uppercase());
    let empty = || json!([]);
    let data = FrameJson {
        address: lifted.address.unwrap_or_else(empty),
        blocks,
        brand: &frame.brand,
        currency: &doc.currency,
        date: &doc.date,
        date_iso: &doc.date_iso,
        fonts: [&frame.font, CJK_FONT],
        labels: Labels { page: page_label },
        lang: lang.to_ascii_lowercase(),
        locale: &doc.locale,
        name: doc.name.as_deref(),
        paper: match doc.paper {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        },
        record: &doc.record,
        references: lifted.references.unwrap_or_else(empty),
        region,
        remittance: lifted.remittance,
        title,
    };
    serde_json::to_vec(&data).map_err(|e| e.to_string())
}

/// `/data.json`, the frame's one input (see templates/README.md). It borrows
/// what belongs to the design or the document instead of copying it into a
/// `Value` for every customer. Fields in the order of their names, the order
/// the JSON had as a map.
#[derive(Serialize)]
struct FrameJson<'a> {
    address: Value,
    blocks: Value,
    brand: &'a Value,
    currency: &'a str,
    date: &'a str,
    date_iso: &'a str,
    fonts: [&'a str; 2],
    labels: Labels,
    lang: String,
    locale: &'a str,
    name: Option<&'a str>,
    paper: &'static str,
    record: &'a str,
    references: Value,
    region: Option<String>,
    remittance: Option<Value>,
    title: String,
}

/// The frame's words, from the brand's locale files.
#[derive(Serialize)]
struct Labels {
    page: String,
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

/// What turning blocks into print data needs.
struct Cx<'a> {
    engine: &'a Engine,
    faces: Option<&'a Faces>,
    lifted: &'a mut Lifted,
}

/// Blocks for print. `top` is true for the document's own level, where the
/// address, references and remittance slip are lifted out.
fn print_blocks(blocks: Value, cx: &mut Cx<'_>, top: bool) -> Result<Value, String> {
    let Value::Array(blocks) = blocks else {
        return Ok(Value::Array(vec![]));
    };
    let mut out: Vec<Value> = Vec::with_capacity(blocks.len());
    for mut b in blocks {
        let ty = b
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        match ty.as_str() {
            "only" => {
                let for_print = b["channels"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c == "print"));
                if for_print {
                    let inner = print_blocks(b["blocks"].take(), cx, top)?;
                    for x in inner.as_array().into_iter().flatten() {
                        push(&mut out, x.clone());
                    }
                }
                continue;
            }
            "address" if top && cx.lifted.address.is_none() => {
                cx.lifted.address = Some(b["lines"].take());
                continue;
            }
            "rows" if top && b["references"] == true && cx.lifted.references.is_none() => {
                cx.lifted.references = Some(b["rows"].take());
                continue;
            }
            "remittance" if top && cx.lifted.remittance.is_none() => {
                let inner = print_blocks(b["blocks"].take(), cx, false)?;
                cx.lifted.remittance = Some(inner);
                continue;
            }
            "notice" | "small" | "remittance" => {
                let inner = print_blocks(b["blocks"].take(), cx, false)?;
                b["blocks"] = inner;
            }
            "rows" | "table" => {
                // Width bounds per cell, in em, so the frame can give rows
                // that certainly fit on one line their height (see
                // `measure`): `null` for a row it must measure.
                if let Some(faces) = cx.faces {
                    b["fit"] = fits(faces, &b["rows"]);
                    if ty == "table" {
                        b["footer_fit"] = fits(faces, &b["footer"]);
                    }
                    b["cap"] = json!(faces.cap);
                }
            }
            "qr" => {
                let payload = b["payload"].as_str().unwrap_or("");
                b["svg"] = Value::from(qr::svg(payload)?);
            }
            "image" => {
                let src = b["src"].as_str().unwrap_or("");
                let path = match src.strip_prefix("brand:") {
                    Some(f) => format!("/brand/{f}"),
                    None => format!("/design/{src}"),
                };
                if !cx.engine.has_file(&path) {
                    return Err(format!(
                        "image `{src}` is not in the design or brand folder"
                    ));
                }
                b["path"] = Value::from(path);
            }
            _ => {}
        }
        push(&mut out, b);
    }
    Ok(Value::Array(out))
}

/// Spans that are one plain text become that text. The frame's `spans()`
/// takes either, and Typst reads and walks a string for much less than an
/// array holding a dictionary: most spans in a bill (table cells, amounts,
/// labels) are plain text.
fn simplify(v: &mut Value) {
    match v {
        Value::Array(items) => {
            if let [Value::Object(span)] = items.as_slice()
                && span.len() == 2
                && span.get("kind").and_then(Value::as_str) == Some("text")
                && let Some(Value::String(text)) = span.get("text")
            {
                *v = Value::String(text.clone());
                return;
            }
            items.iter_mut().for_each(simplify);
        }
        Value::Object(o) => o.values_mut().for_each(simplify),
        _ => {}
    }
}

/// Per row, the width bound of each cell in em, or `null` when a cell has
/// none or no cell has text (an empty row is lower than a line).
fn fits(faces: &Faces, rows: &Value) -> Value {
    let rows = rows.as_array().map_or(&[][..], Vec::as_slice);
    Value::Array(
        rows.iter()
            .map(|row| {
                let cells = row.as_array().map_or(&[][..], Vec::as_slice);
                let widths: Option<Vec<f64>> = cells.iter().map(|c| faces.width(c)).collect();
                match widths {
                    Some(w) if !cells.iter().all(blank) => json!(w),
                    _ => Value::Null,
                }
            })
            .collect(),
    )
}

/// Whether print spans (an array of spans, or a string) show no text.
fn blank(spans: &Value) -> bool {
    match spans {
        Value::String(text) => text.trim().is_empty(),
        Value::Array(spans) => spans
            .iter()
            .all(|s| s.get("text").map_or_else(|| blank(&s["content"]), blank)),
        _ => true,
    }
}

/// Appends a block; consecutive signatures become one row of signatures.
fn push(out: &mut Vec<Value>, b: Value) {
    if b["type"] == "signature" {
        if let Some(last) = out.last_mut()
            && last["type"] == "signatures"
            && let Some(items) = last["items"].as_array_mut()
        {
            items.push(b);
            return;
        }
        let mut group = Map::new();
        group.insert("type".into(), "signatures".into());
        group.insert("items".into(), Value::Array(vec![b]));
        out.push(Value::Object(group));
        return;
    }
    out.push(b);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn blank_spans_show_no_text() {
        for spans in [
            json!(""),
            json!("  "),
            json!([]),
            json!([{"kind": "strong", "content": " "}]),
        ] {
            assert!(super::blank(&spans), "{spans}");
        }
        for spans in [
            json!("x"),
            json!([{"kind": "text", "text": " "}, {"kind": "em", "content": [{"kind": "text", "text": "x"}]}]),
        ] {
            assert!(!super::blank(&spans), "{spans}");
        }
    }

    #[test]
    fn one_plain_text_becomes_a_string_and_nothing_else_does() {
        let mut v = json!({
            "type": "table",
            "rows": [[[{"kind": "text", "text": "Standing charge"}], []]],
            "content": [{"kind": "strong", "content": [{"kind": "text", "text": "Due"}]}],
            "two": [{"kind": "text", "text": "a"}, {"kind": "text", "text": "b"}],
            "link": [{"kind": "link", "href": "https://x.example", "content": [{"kind": "text", "text": "x"}]}],
            "blocks": [{"type": "paragraph", "content": [{"kind": "text", "text": "#read(\"/etc/passwd\")"}]}],
        });
        super::simplify(&mut v);
        assert_eq!(
            v,
            json!({
                "type": "table",
                "rows": [["Standing charge", []]],
                "content": [{"kind": "strong", "content": "Due"}],
                "two": [{"kind": "text", "text": "a"}, {"kind": "text", "text": "b"}],
                "link": [{"kind": "link", "href": "https://x.example", "content": "x"}],
                "blocks": [{"type": "paragraph", "content": "#read(\"/etc/passwd\")"}],
            })
        );
    }
}
