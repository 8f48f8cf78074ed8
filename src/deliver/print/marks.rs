//! Inserter marks, drawn as vector content on the front of every envelope
//! sheet: an OMR column (the design's map, top to bottom) and a DataMatrix
//! (ECC 200, the `datamatrix` crate) with `VLM|<job>|<envelope>|<sheet>/<sheets>`.
//!
//! The page's own content is wrapped in `q … Q` and the marks follow in a
//! content stream of their own, marked [`OURS`] in its dictionary: the
//! letter's text and fonts are untouched, and the read-back tells the marks
//! from the letter. Inside it the OMR marks are `/VlmOMR` marked content and
//! the DataMatrix `/VlmDM`, one filled rectangle per horizontal run of dark
//! modules, so [`read`] rebuilds the symbol's modules from the rectangles
//! and decodes them, without rasterizing.
//!
//! Geometry (mm from the page's top left corner, the zone from the design):
//! OMR mark `i` of the map is a bar `omr_length` long and `omr_thickness`
//! thick, its centre line `zone.y + (i + 0.5) * omr_pitch` down, starting
//! at `zone.x`. The DataMatrix's bottom left corner is two modules in from
//! the zone's bottom left corner (a quiet zone of two modules).

use datamatrix::{DataMatrix, SymbolList};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::merge::{OURS, StreamBuilder};
use crate::design::print::{MarkLayout, OmrMark};

const PT_PER_MM: f64 = 72.0 / 25.4;

/// The DataMatrix text of sheet `sheet` of `sheets` in envelope `envelope`.
pub(super) fn payload(job: &str, envelope: usize, sheet: usize, sheets: usize) -> String {
    format!("VLM|{job}|{envelope}|{sheet}/{sheets}")
}

/// Which OMR marks are dark, in map order, for the `seq`-th marked sheet
/// of the stream (from 1), `last` when it ends its envelope.
pub(super) fn omr_bits(layout: &MarkLayout, seq: usize, last: bool) -> Vec<bool> {
    let mut bits: Vec<bool> = layout
        .omr
        .iter()
        .map(|m| match m {
            OmrMark::Benchmark | OmrMark::Safety => true,
            OmrMark::Collate => last,
            OmrMark::Seq(b) => (seq % 8) & usize::from(*b) != 0,
            OmrMark::Parity => false,
        })
        .collect();
    let dark = bits.iter().filter(|b| **b).count();
    for (bit, m) in bits.iter_mut().zip(&layout.omr) {
        if *m == OmrMark::Parity {
            *bit = dark % 2 == 1;
        }
    }
    bits
}

/// Draws the marks on `page` (an absorbed page of `b`).
pub(super) fn draw(
    b: &mut StreamBuilder,
    page: ObjectId,
    layout: &MarkLayout,
    text: &str,
    bits: &[bool],
) -> Result<(), String> {
    let height = page_height(b, page)?;
    let code = DataMatrix::encode_str(text, SymbolList::default().enforce_square())
        .map_err(|e| format!("the DataMatrix for {text:?}: {e:?}"))?;
    let bitmap = code.bitmap();
    let m = layout.datamatrix_module;
    let [zx, zy, zw, zh] = layout.zone;
    let side = bitmap.width() as f64 * m;
    let column = layout.omr.len() as f64 * layout.omr_pitch;
    if side + 4.0 * m > zw || column + side + 4.0 * m > zh || layout.omr_length > zw {
        return Err(format!(
            "the marks do not fit the clear zone {:?} mm: the OMR column is {column:.1} mm high \
             and the DataMatrix for {text:?} {side:.1} mm square (with a quiet zone of two modules)",
            layout.zone
        ));
    }
    let mut ops = vec![op("Q", vec![]), op("q", vec![]), op("g", vec![0.into()])];
    ops.push(op("BMC", vec![Object::Name(b"VlmOMR".to_vec())]));
    for (i, _) in bits.iter().enumerate().filter(|(_, b)| **b) {
        let centre = zy + (i as f64 + 0.5) * layout.omr_pitch;
        let top = centre - layout.omr_thickness / 2.0;
        ops.push(rect(
            zx,
            top,
            layout.omr_length,
            layout.omr_thickness,
            height,
        ));
    }
    ops.push(op("f", vec![]));
    ops.push(op("EMC", vec![]));
    ops.push(op("BMC", vec![Object::Name(b"VlmDM".to_vec())]));
    let (x0, y0) = (zx + 2.0 * m, zy + zh - 2.0 * m - side);
    for (row, start, len) in runs(&bitmap) {
        ops.push(rect(
            x0 + start as f64 * m,
            y0 + row as f64 * m,
            len as f64 * m,
            m,
            height,
        ));
    }
    ops.push(op("f", vec![]));
    ops.push(op("EMC", vec![]));
    ops.push(op("Q", vec![]));
    wrap(b, page, ops)
}

/// Writes `text` on a blank back (Helvetica 10 pt, in the middle of the page).
pub(super) fn blank_text(b: &mut StreamBuilder, page: ObjectId, text: &str) -> Result<(), String> {
    let height = page_height(b, page)?;
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type1".to_vec()));
    font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
    font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
    let font = b.add(Object::Dictionary(font));
    let resources = b
        .page(page)?
        .get(b"Resources")
        .ok()
        .and_then(|r| b.resolve(r))
        .and_then(|r| r.as_dict().ok().cloned())
        .unwrap_or_default();
    let mut resources = resources;
    let mut fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|f| b.resolve(f))
        .and_then(|f| f.as_dict().ok().cloned())
        .unwrap_or_default();
    fonts.set("VlmF1", font);
    resources.set("Font", fonts);
    b.page_mut(page)?.set("Resources", resources);
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(c as u32).unwrap_or(b'?'))
        .collect();
    let ops = vec![
        op("Q", vec![]),
        op("BT", vec![]),
        op("Tf", vec![Object::Name(b"VlmF1".to_vec()), 10.into()]),
        op("Td", vec![(25.0 * PT_PER_MM).into(), (height / 2.0).into()]),
        op(
            "Tj",
            vec![Object::String(bytes, lopdf::StringFormat::Literal)],
        ),
        op("ET", vec![]),
    ];
    wrap(b, page, ops)
}

/// The page's content wrapped in `q … Q` (the `Q` opens `after`), with
/// the streams we add marked as ours.
fn wrap(b: &mut StreamBuilder, page: ObjectId, after: Vec<Operation>) -> Result<(), String> {
    let content = Content { operations: after }
        .encode()
        .map_err(|e| e.to_string())?;
    let mut dict = Dictionary::new();
    dict.set(OURS, true);
    let tail = b.add(Object::Stream(Stream::new(dict.clone(), content)));
    let mut existing = match b.page(page)?.get(b"Contents") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => match b.resolve(&Object::Reference(*id)) {
            Some(Object::Array(a)) => a,
            _ => vec![Object::Reference(*id)],
        },
        _ => Vec::new(),
    };
    // A page marked before (a blank back with text) is wrapped already: the
    // `Q` at the start of `after` closes the first `q`, so open another.
    let head = b.add(Object::Stream(Stream::new(dict, b"q\n".to_vec())));
    existing.insert(0, Object::Reference(head));
    existing.push(Object::Reference(tail));
    b.page_mut(page)?.set("Contents", existing);
    Ok(())
}

/// One filled rectangle, from mm (top left origin) to PDF points.
fn rect(x: f64, top: f64, w: f64, h: f64, page_height: f64) -> Operation {
    let y = page_height - (top + h) * PT_PER_MM;
    op(
        "re",
        vec![
            round(x * PT_PER_MM),
            round(y),
            round(w * PT_PER_MM),
            round(h * PT_PER_MM),
        ],
    )
}

fn round(v: f64) -> Object {
    Object::Real(((v * 1000.0).round() / 1000.0) as f32)
}

fn op(name: &str, operands: Vec<Object>) -> Operation {
    Operation::new(name, operands)
}

/// The dark modules of `bitmap` as horizontal runs: (row, first column, length).
fn runs(bitmap: &datamatrix::placement::Bitmap<bool>) -> Vec<(usize, usize, usize)> {
    let w = bitmap.width();
    let mut out = Vec::new();
    for (row, line) in bitmap.bits().chunks(w).enumerate() {
        let mut col = 0;
        while col < w {
            if line[col] {
                let start = col;
                while col < w && line[col] {
                    col += 1;
                }
                out.push((row, start, col - start));
            } else {
                col += 1;
            }
        }
    }
    out
}

/// The page's height in points (its MediaBox).
fn page_height(b: &StreamBuilder, page: ObjectId) -> Result<f64, String> {
    let media = b
        .page(page)?
        .get(b"MediaBox")
        .ok()
        .and_then(|m| b.resolve(m))
        .ok_or("a page without a MediaBox")?;
    media_height(&media)
}

pub(super) fn media_height(media: &Object) -> Result<f64, String> {
    let a = media.as_array().map_err(|e| e.to_string())?;
    let num = |o: &Object| {
        o.as_float()
            .map(f64::from)
            .or_else(|_| o.as_i64().map(|i| i as f64))
    };
    match (a.get(1).map(num), a.get(3).map(num)) {
        (Some(Ok(y0)), Some(Ok(y1))) => Ok(y1 - y0),
        _ => Err("a MediaBox that is not 4 numbers".to_owned()),
    }
}

/// What a page's marks say: the DataMatrix text and the OMR bits.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ReadMarks {
    pub text: String,
    pub bits: Vec<bool>,
}

/// Reads the marks back from our content stream `content` of a page
/// `height` points high: OMR rectangles to slots of the map, DataMatrix
/// rectangles to modules, decoded.
pub(super) fn read(content: &[u8], layout: &MarkLayout, height: f64) -> Result<ReadMarks, String> {
    let ops = Content::decode(content)
        .map_err(|e| e.to_string())?
        .operations;
    let mut section = Vec::new();
    let (mut omr, mut dm) = (Vec::new(), Vec::new());
    for o in &ops {
        match o.operator.as_str() {
            "BMC" => section.push(
                o.operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .unwrap_or(b"")
                    .to_vec(),
            ),
            "EMC" => {
                section.pop();
            }
            "re" => {
                let v: Vec<f64> = o
                    .operands
                    .iter()
                    .filter_map(|n| {
                        n.as_float()
                            .ok()
                            .map(f64::from)
                            .or_else(|| n.as_i64().ok().map(|i| i as f64))
                    })
                    .collect();
                let [x, y, w, h] = v[..] else {
                    return Err("a rectangle without 4 numbers".into());
                };
                // Back to mm from the top left.
                let r = (
                    x / PT_PER_MM,
                    (height - y - h) / PT_PER_MM,
                    w / PT_PER_MM,
                    h / PT_PER_MM,
                );
                match section.last().map(Vec::as_slice) {
                    Some(b"VlmOMR") => omr.push(r),
                    Some(b"VlmDM") => dm.push(r),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut bits = vec![false; layout.omr.len()];
    for (_, top, _, h) in omr {
        let slot = ((top + h / 2.0 - layout.zone[1]) / layout.omr_pitch).floor();
        match bits.get_mut(slot as usize) {
            Some(b) if slot >= 0.0 => *b = true,
            _ => return Err(format!("an OMR mark {top:.1} mm down is outside the map")),
        }
    }
    Ok(ReadMarks {
        text: decode_modules(&dm, layout.datamatrix_module)?,
        bits,
    })
}

/// The DataMatrix text of module rectangles (mm, top left origin).
fn decode_modules(rects: &[(f64, f64, f64, f64)], m: f64) -> Result<String, String> {
    if rects.is_empty() {
        return Err("no DataMatrix".to_owned());
    }
    let x0 = rects.iter().map(|r| r.0).fold(f64::MAX, f64::min);
    let y0 = rects.iter().map(|r| r.1).fold(f64::MAX, f64::min);
    let x1 = rects.iter().map(|r| r.0 + r.2).fold(f64::MIN, f64::max);
    let y1 = rects.iter().map(|r| r.1 + r.3).fold(f64::MIN, f64::max);
    let (w, h) = (
        ((x1 - x0) / m).round() as usize,
        ((y1 - y0) / m).round() as usize,
    );
    if w == 0 || h == 0 || w > 200 || h > 200 {
        return Err(format!("a DataMatrix of {w} x {h} modules"));
    }
    let mut pixels = vec![false; w * h];
    for (x, y, rw, _) in rects {
        let row = ((y - y0) / m).round() as usize;
        let col = ((x - x0) / m).round() as usize;
        let len = (rw / m).round() as usize;
        for c in col..(col + len).min(w) {
            if let Some(p) = pixels.get_mut(row * w + c) {
                *p = true;
            }
        }
    }
    let bytes = DataMatrix::decode(&pixels, w)
        .map_err(|e| format!("the DataMatrix does not decode: {e:?}"))?;
    String::from_utf8(bytes).map_err(|_| "the DataMatrix is not text".to_owned())
}
