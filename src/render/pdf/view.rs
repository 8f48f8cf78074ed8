//! The data the print frame receives in `/data.json`: the Document's blocks
//! for print (`only` sections resolved, the address, references and
//! remittance slip lifted out for their fixed places, consecutive signatures
//! grouped, QR codes as SVG), the brand, and the frame's localized labels.
//! Customer text stays JSON strings: Typst reads them as values, never as code.

use fluent_bundle::FluentArgs;
use serde_json::{Map, Value, json};

use super::qr;
use super::world::Engine;
use crate::compose::{Document, Span};
use crate::design::{Design, Paper};

/// Fallback font for Chinese text (bundled, see `fonts/README.md`).
const CJK_FONT: &str = "Noto Sans CJK SC";

#[derive(Default)]
struct Lifted {
    address: Option<Value>,
    references: Option<Value>,
    remittance: Option<Value>,
}

pub(crate) fn data(design: &Design, engine: &Engine, doc: &Document) -> Result<Vec<u8>, String> {
    let blocks = serde_json::to_value(&doc.blocks).map_err(|e| e.to_string())?;
    let mut lifted = Lifted::default();
    let blocks = print_blocks(blocks, engine, &mut lifted, true)?;

    let li = design
        .manifest
        .locales
        .iter()
        .position(|l| *l == doc.locale)
        .unwrap_or(0);
    let mut args = FluentArgs::new();
    args.set("page", "{page}");
    args.set("total", "{total}");
    let mut page_label = design.localized[li].message("print-page", &args);
    if page_label.starts_with('[') {
        page_label = "{page} / {total}".into();
    }

    let mut brand = serde_json::to_value(&design.brand).map_err(|e| e.to_string())?;
    brand["logo"] = json!(format!("/brand/{}", design.brand.logo));
    let font = design
        .brand
        .fonts
        .get("print")
        .map_or("Inter", String::as_str);
    let (lang, region) = doc.locale.split_once('-').unwrap_or((&doc.locale, ""));
    let title = if !doc.subject.is_empty() {
        doc.subject.clone()
    } else {
        doc.blocks
            .iter()
            .find_map(|b| match b {
                crate::compose::Block::Heading { content, .. } => Some(plain(content)),
                _ => None,
            })
            .unwrap_or_else(|| doc.design.clone())
    };
    let data = json!({
        "record": doc.record,
        "locale": doc.locale,
        "lang": lang.to_ascii_lowercase(),
        "region": if region.len() == 2 { Value::from(region.to_ascii_uppercase()) } else { Value::Null },
        "date": doc.date,
        "date_iso": doc.date_iso,
        "paper": match doc.paper { Paper::A4 => "a4", Paper::Letter => "letter" },
        "currency": doc.currency,
        "title": title,
        "name": doc.name,
        "fonts": [font, CJK_FONT],
        "brand": brand,
        "labels": { "page": page_label },
        "address": lifted.address.unwrap_or_else(|| json!([])),
        "references": lifted.references.unwrap_or_else(|| json!([])),
        "remittance": lifted.remittance,
        "blocks": blocks,
    });
    serde_json::to_vec(&data).map_err(|e| e.to_string())
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

/// Blocks for print. `top` is true for the document's own level, where the
/// address, references and remittance slip are lifted out.
fn print_blocks(
    blocks: Value,
    engine: &Engine,
    lifted: &mut Lifted,
    top: bool,
) -> Result<Value, String> {
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
                    let inner = print_blocks(b["blocks"].take(), engine, lifted, top)?;
                    for x in inner.as_array().into_iter().flatten() {
                        push(&mut out, x.clone());
                    }
                }
                continue;
            }
            "address" if top && lifted.address.is_none() => {
                lifted.address = Some(b["lines"].take());
                continue;
            }
            "rows" if top && b["references"] == true && lifted.references.is_none() => {
                lifted.references = Some(b["rows"].take());
                continue;
            }
            "remittance" if top && lifted.remittance.is_none() => {
                lifted.remittance = Some(print_blocks(b["blocks"].take(), engine, lifted, false)?);
                continue;
            }
            "notice" | "small" | "remittance" => {
                let inner = print_blocks(b["blocks"].take(), engine, lifted, false)?;
                b["blocks"] = inner;
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
                if !engine.has_file(&path) {
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
