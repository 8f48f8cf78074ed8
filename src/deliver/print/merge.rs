//! Joining PDFs with lopdf: pages moved with their fonts and resources.

use std::path::Path;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::io;
use crate::deliver::DeliveryError;

/// The PDF at `path` with only the pages in `keep` (ranges from 1).
pub(super) fn pages_only(path: &Path, keep: &[(usize, usize)]) -> Result<Vec<u8>, DeliveryError> {
    let bytes = std::fs::read(path).map_err(|e| {
        io(format!(
            "the chunk `{}` of delivered letters: {e}",
            path.display()
        ))
    })?;
    let mut doc = Document::load_mem(&bytes).map_err(io)?;
    let total = doc.get_pages().len();
    let drop: Vec<u32> = (1..=total)
        .filter(|p| !keep.iter().any(|(f, l)| (f..=l).contains(&p)))
        .map(|p| p as u32)
        .collect();
    doc.delete_pages(&drop);
    // The structure tree would still point at the dropped pages.
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.remove(b"StructTreeRoot");
        catalog.remove(b"MarkInfo");
    }
    doc.prune_objects();
    doc.renumber_objects();
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(io)?;
    Ok(out)
}

/// Merges documents in order into one, each followed by a blank page when
/// `duplex` and its page count is odd. Returns the document and, per input,
/// (its pages, pages including the blank).
pub(super) fn merge(
    docs: Vec<Document>,
    duplex: bool,
) -> Result<(Document, Vec<(usize, usize)>), String> {
    let mut out = Document::with_version("1.7");
    let mut max_id = 1;
    let mut kids: Vec<ObjectId> = Vec::new();
    let mut counts = Vec::new();
    let mut page_dicts: Vec<(ObjectId, Dictionary)> = Vec::new();
    for mut doc in docs {
        doc.renumber_objects_with(max_id);
        max_id = doc.max_id + 1;
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let n = pages.len();
        let mut last_box = None;
        for id in &pages {
            let mut dict = doc.get_dictionary(*id).map_err(|e| e.to_string())?.clone();
            // Attributes a page may inherit from its old parent.
            for key in [&b"MediaBox"[..], b"Resources", b"CropBox", b"Rotate"] {
                if dict.get(key).is_err()
                    && let Ok(v) = inherited(&doc, *id, key)
                {
                    dict.set(key, v);
                }
            }
            last_box = dict.get(b"MediaBox").ok().cloned();
            page_dicts.push((*id, dict));
            kids.push(*id);
        }
        for (id, obj) in doc.objects {
            if !pages.contains(&id) {
                out.objects.insert(id, obj);
            }
        }
        let mut total = n;
        if duplex && n % 2 == 1 {
            let content = Stream::new(Dictionary::new(), Vec::new());
            let cid = (max_id, 0);
            let bid = (max_id + 1, 0);
            max_id += 2;
            out.objects.insert(cid, Object::Stream(content));
            let mut blank = Dictionary::new();
            blank.set("Type", Object::Name(b"Page".to_vec()));
            blank.set(
                "MediaBox",
                last_box.unwrap_or_else(|| vec![0.into(), 0.into(), 595.into(), 842.into()].into()),
            );
            blank.set("Resources", Dictionary::new());
            blank.set("Contents", cid);
            page_dicts.push((bid, blank));
            kids.push(bid);
            total += 1;
        }
        counts.push((n, total));
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
    // Drop the old catalogs, page trees and structure trees nothing refers to.
    out.prune_objects();
    out.renumber_objects();
    out.compress();
    Ok((out, counts))
}

fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Result<Object, ()> {
    let mut id = page;
    for _ in 0..32 {
        let dict = doc.get_dictionary(id).map_err(|_| ())?;
        if let Ok(v) = dict.get(key) {
            return Ok(v.clone());
        }
        id = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .map_err(|_| ())?;
    }
    Err(())
}
