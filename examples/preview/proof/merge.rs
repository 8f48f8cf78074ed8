//! Joining the proof's parts into one PDF with lopdf: pages moved with
//! their fonts and resources, so text stays text (printpdf would lose it).

use lopdf::{Dictionary, Document, Object, ObjectId};

/// The PDFs in order, as one document.
pub fn merge(parts: &[&[u8]]) -> Result<Vec<u8>, String> {
    let mut out = Document::with_version("1.7");
    let mut max_id = 1;
    let mut kids: Vec<ObjectId> = Vec::new();
    let mut page_dicts: Vec<(ObjectId, Dictionary)> = Vec::new();
    for (i, bytes) in parts.iter().enumerate() {
        let mut doc = Document::load_mem(bytes).map_err(|e| format!("part {}: {e}", i + 1))?;
        doc.renumber_objects_with(max_id);
        max_id = doc.max_id + 1;
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        for id in &pages {
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
