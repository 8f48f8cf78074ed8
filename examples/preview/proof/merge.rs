//! Joining the proof's parts into one PDF with lopdf: pages moved with
//! their fonts and resources, so text stays text (printpdf would lose it).
//! Pages that are not the proof's own (the letters, the emails' HTML) get
//! a small mark in their top margin: the proof's page number and what the
//! page is, so a loose page still says where it belongs.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// One part: its PDF and, for pages to mark, what they are.
pub struct Part<'a> {
    pub pdf: &'a [u8],
    pub mark: Option<String>,
}

/// The PDFs in order, as one document.
pub fn merge(parts: &[Part<'_>]) -> Result<Vec<u8>, String> {
    let mut out = Document::with_version("1.7");
    let mut max_id = 1;
    let mut kids: Vec<ObjectId> = Vec::new();
    let mut page_dicts: Vec<(ObjectId, Dictionary)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let mut doc = Document::load_mem(part.pdf).map_err(|e| format!("part {}: {e}", i + 1))?;
        doc.renumber_objects_with(max_id);
        max_id = doc.max_id + 1;
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        for (n, id) in pages.iter().enumerate() {
            let mut dict = doc
                .get_dictionary(*id)
                .map_err(|e| format!("part {}: {e}", i + 1))?
                .clone();
            // What a page may inherit from its old parent.
            for key in [&b"MediaBox"[..], b"Resources", b"CropBox", b"Rotate"] {
                if dict.get(key).is_err()
                    && let Some(v) = inherited(&doc, *id, key)
                {
                    dict.set(key, v);
                }
            }
            if let Some(what) = &part.mark {
                let text = format!(
                    "Proof page {} - {what}, page {} of {}",
                    kids.len() + 1,
                    n + 1,
                    pages.len()
                );
                mark(&mut doc, &mut max_id, &mut dict, &text);
            }
            page_dicts.push((*id, dict));
            kids.push(*id);
        }
        for (id, obj) in doc.objects {
            if !pages.contains(&id) {
                out.objects.insert(id, obj);
            }
        }
    }
    let pages_id = (max_id, 0);
    let catalog_id = (max_id + 1, 0);
    for (id, mut dict) in page_dicts {
        dict.set("Parent", pages_id);
        out.objects.insert(id, Object::Dictionary(dict));
    }
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Count", kids.len() as i64);
    pages.set(
        "Kids",
        kids.into_iter().map(Object::Reference).collect::<Vec<_>>(),
    );
    out.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", pages_id);
    out.objects.insert(catalog_id, Object::Dictionary(catalog));
    out.trailer.set("Root", catalog_id);
    out.max_id = max_id + 1;
    // The old catalogs, page trees and structure trees nothing refers to.
    out.prune_objects();
    out.renumber_objects();
    out.compress();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Adds `text` in small grey Helvetica to the top margin of a page: its
/// content wrapped in `q ... Q` so nothing it set leaks into the mark, its
/// resources copied onto the page with the mark's font added.
fn mark(doc: &mut Document, max_id: &mut u32, page: &mut Dictionary, text: &str) {
    let mut next = || {
        let id = (*max_id, 0);
        *max_id += 1;
        id
    };
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type1".to_vec()));
    font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
    let font_id = next();
    doc.objects.insert(font_id, Object::Dictionary(font));
    let mut resources = resolve(doc, page.get(b"Resources").ok());
    let mut fonts = resolve(doc, resources.get(b"Font").ok());
    fonts.set("VellumProofMark", font_id);
    resources.set("Font", fonts);
    page.set("Resources", resources);

    let (x, y) = match page.get(b"MediaBox").and_then(Object::as_array) {
        Ok(b) if b.len() == 4 => (number(&b[0]) + 24.0, number(&b[3]) - 12.0),
        _ => (24.0, 830.0),
    };
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let ops = format!("Q q 0.45 g BT /VellumProofMark 6.5 Tf {x:.1} {y:.1} Td ({safe}) Tj ET Q");
    let open = next();
    doc.objects.insert(
        open,
        Object::Stream(Stream::new(Dictionary::new(), b"q".to_vec())),
    );
    let close = next();
    doc.objects.insert(
        close,
        Object::Stream(Stream::new(Dictionary::new(), ops.into_bytes())),
    );
    let mut contents = vec![Object::Reference(open)];
    match page.get(b"Contents") {
        Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
        Ok(other) => contents.push(other.clone()),
        Err(_) => {}
    }
    contents.push(Object::Reference(close));
    page.set("Contents", contents);
}

/// A dictionary given inline or by reference (empty when absent).
fn resolve(doc: &Document, obj: Option<&Object>) -> Dictionary {
    match obj {
        Some(Object::Dictionary(d)) => d.clone(),
        Some(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        _ => Dictionary::new(),
    }
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// A page attribute from the page or the nearest parent that has it.
fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut id = page;
    for _ in 0..32 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v.clone());
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}
