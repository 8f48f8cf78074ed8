//! The data the print frame receives in `/data.json`: the Document's blocks
//! for print (`only` sections resolved, the address, references and
//! remittance slip lifted out for their fixed places, consecutive signatures
//! grouped, QR codes as SVG; see `blocks`), the brand, and the frame's
//! localized labels. Customer text stays JSON strings: Typst reads them as
//! values, never as code.
//!
//! The contract is typed: [`FrameJson`] and the types of `blocks` borrow
//! from the Document and serialize to `/data.json` directly, with the
//! version of their shape in `schema` ([`SCHEMA`]).

use std::borrow::Cow;

use fluent_bundle::FluentArgs;
use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::{Builder, Lifted, Pairs, PrintBlock};
use super::measure::Faces;
use super::qrbill;
use super::world::Engine;
use crate::design::Design;
use crate::model::{Block, Document, Paper, Span};

/// Fallback font for Chinese text (bundled, see `fonts/README.md`).
const CJK_FONT: &str = "Noto Sans CJK SC";

/// What the frame's data takes from the design rather than the customer,
/// prepared once per design.
#[derive(Default)]
pub(crate) struct FrameData {
    /// The print font's faces, for width bounds; `None` when the brand's
    /// font is not bundled.
    faces: Option<Faces>,
    /// The print font's family.
    font: String,
    /// The brand as the frame reads it (`data.brand`). The one `Value` of
    /// `/data.json`, and not a per-customer one: built once per design and
    /// borrowed by every document. It stays a `Value` because it is the
    /// brand's whole serde form, whatever fields `Brand` gains, its keys in
    /// name order (a `serde_json` map's) as the frame has always had them,
    /// with `logo` rewritten to the logo's path in the Typst world.
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

/// The version of `/data.json`'s shape (the types of this module and
/// `blocks`): raised when a frame written for the previous shape would
/// misread the new one. Adding a key is not such a change (Typst
/// dictionaries ignore keys a frame does not read).
const SCHEMA: u32 = 1;

/// The bytes of `/data.json` for one document.
pub(crate) fn data(engine: &Engine, doc: &Document) -> Result<Vec<u8>, String> {
    let frame = &engine.frame;
    let mut builder = Builder {
        engine,
        faces: frame.faces.as_ref(),
        lifted: Lifted::default(),
    };
    let blocks = builder.document(&doc.blocks)?;
    let Lifted {
        address,
        references,
        remittance,
        qrbill,
    } = builder.lifted;

    let page = frame
        .page_labels
        .iter()
        .find(|(tag, _)| *tag == doc.locale)
        .or(frame.page_labels.first())
        .map_or("{page} / {total}", |(_, l)| l.as_str());
    let (lang, region) = doc.locale.split_once('-').unwrap_or((&doc.locale, ""));
    let lang = lang.to_ascii_lowercase();
    let qrbill = qrbill
        .map(|payload| qrbill::payment_part(payload, &lang))
        .transpose()?;
    let data = FrameJson {
        address: address.unwrap_or_default(),
        blocks,
        brand: &frame.brand,
        currency: &doc.currency,
        date: &doc.date,
        date_iso: &doc.date_iso,
        fonts: [&frame.font, CJK_FONT],
        labels: Labels { page },
        lang,
        locale: &doc.locale,
        name: doc.name.as_deref(),
        paper: doc.paper,
        qrbill,
        record: &doc.record,
        references: references.unwrap_or_default(),
        region: (region.len() == 2).then(|| region.to_ascii_uppercase()),
        remittance,
        schema: SCHEMA,
        title: title(doc),
    };
    serde_json::to_vec(&data).map_err(|e| e.to_string())
}

/// The document's title: its subject, or else its first heading, or else
/// the design's id.
fn title(doc: &Document) -> Cow<'_, str> {
    if !doc.subject.is_empty() {
        return Cow::Borrowed(&doc.subject);
    }
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { content, .. } => Some(Cow::Owned(Span::plain_text(content))),
            _ => None,
        })
        .unwrap_or(Cow::Borrowed(&doc.design))
}

/// `/data.json`, the frame's one input (see templates/README.md), borrowing
/// from the design and the document. Fields in the order of their names,
/// the order the JSON had as a map.
#[derive(Serialize)]
struct FrameJson<'a> {
    address: &'a [String],
    blocks: Vec<PrintBlock<'a>>,
    /// Built once per design (see [`FrameData::brand`]).
    brand: &'a Value,
    currency: &'a str,
    date: &'a str,
    date_iso: &'a str,
    fonts: [&'a str; 2],
    labels: Labels<'a>,
    lang: String,
    locale: &'a str,
    name: Option<&'a str>,
    paper: Paper,
    /// A Swiss QR-bill's payment part and receipt, for the foot of the
    /// last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    qrbill: Option<qrbill::QrBill>,
    record: &'a str,
    references: Pairs<'a>,
    region: Option<String>,
    remittance: Option<Vec<PrintBlock<'a>>>,
    schema: u32,
    title: Cow<'a, str>,
}

/// The frame's words, from the brand's locale files.
#[derive(Serialize)]
struct Labels<'a> {
    page: &'a str,
}

/// The bytes of `/data.json` for a print chunk: the letters' data (from
/// [`data`]) under `chunk`, and what the frame reads around them.
pub(crate) fn chunk_data(engine: &Engine, letters: &[Vec<u8>], design: &str) -> Vec<u8> {
    let head = serde_json::json!({
        "brand": &engine.frame.brand,
        "schema": SCHEMA,
        "title": format!("{design}: print run"),
    });
    let head = head.to_string();
    let mut out = Vec::with_capacity(letters.iter().map(Vec::len).sum::<usize>() + head.len() + 16);
    // `{"chunk":[...],` then the head's keys without its opening brace.
    out.extend_from_slice(b"{\"chunk\":[");
    for (i, l) in letters.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(l);
    }
    out.extend_from_slice(b"],");
    out.extend_from_slice(&head.as_bytes()[1..]);
    out
}
