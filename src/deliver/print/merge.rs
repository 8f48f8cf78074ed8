//! Joining PDFs with lopdf: pages moved with their fonts and resources into
//! one flat page tree, in the order the stream needs them.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::message::sha256_hex;

/// The key that tells our own content streams (the `q` before a page's
/// content, the marks after it, blank-back text) from the letter's.
pub(super) const OURS: &[u8] = b"VlmPart";

/// A stream being assembled: documents are absorbed (their objects moved
/// in, renumbered), then their pages pushed in stream order.
pub(super) struct StreamBuilder {
    out: Document,
    max_id: u32,
    kids: Vec<ObjectId>,
}

impl StreamBuilder {
    /// An empty stream.
    pub(super) fn new() -> StreamBuilder {
        StreamBuilder {
            out: Document::with_version("1.7"),
            max_id: 1,
            kids: Vec::new(),
        }
    }

    /// Moves `doc`'s objects in and returns its pages in order; a page is
    /// part of the stream only once [`push`](Self::push)ed, the others are
    /// dropped when the stream is finished.
    pub(super) fn absorb(&mut self, mut doc: Document) -> Result<Vec<ObjectId>, String> {
        doc.renumber_objects_with(self.max_id);
        self.max_id = doc.max_id + 1;
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let mut dicts = Vec::new();
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
            dicts.push((*id, dict));
        }
        self.out.objects.extend(doc.objects);
        for (id, dict) in dicts {
            self.out.objects.insert(id, Object::Dictionary(dict));
        }
        Ok(pages)
    }

    /// Appends an absorbed page to the stream.
    pub(super) fn push(&mut self, page: ObjectId) {
        self.kids.push(page);
    }

    /// Appends a blank page of the size of `like` (an absorbed page).
    pub(super) fn push_blank(&mut self, like: Option<ObjectId>) -> ObjectId {
        let media = like
            .and_then(|id| self.page(id).ok())
            .and_then(|d| d.get(b"MediaBox").ok().cloned())
            .unwrap_or_else(|| vec![0.into(), 0.into(), 595.into(), 842.into()].into());
        let cid = self.add(Object::Stream(Stream::new(Dictionary::new(), Vec::new())));
        let mut blank = Dictionary::new();
        blank.set("Type", Object::Name(b"Page".to_vec()));
        blank.set("MediaBox", media);
        blank.set("Resources", Dictionary::new());
        blank.set("Contents", cid);
        let id = self.add(Object::Dictionary(blank));
        self.push(id);
        id
    }

    /// A new object in the stream.
    pub(super) fn add(&mut self, object: Object) -> ObjectId {
        let id = (self.max_id, 0);
        self.max_id += 1;
        self.out.objects.insert(id, object);
        id
    }

    /// An absorbed page's dictionary.
    pub(super) fn page(&self, id: ObjectId) -> Result<&Dictionary, String> {
        self.out.get_dictionary(id).map_err(|e| e.to_string())
    }

    /// An absorbed page's dictionary, to change.
    pub(super) fn page_mut(&mut self, id: ObjectId) -> Result<&mut Dictionary, String> {
        self.out.get_dictionary_mut(id).map_err(|e| e.to_string())
    }

    /// Follows a reference (or returns the object itself).
    pub(super) fn resolve(&self, o: &Object) -> Option<Object> {
        match o {
            Object::Reference(id) => self.out.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    }

    /// The pages pushed so far, in order.
    pub(super) fn pages(&self) -> &[ObjectId] {
        &self.kids
    }

    /// The stream as one document with a flat page tree; the old catalogs,
    /// page trees, structure trees and unpushed pages are dropped.
    pub(super) fn finish(mut self) -> Document {
        let pages_id = (self.max_id, 0);
        let catalog_id = (self.max_id + 1, 0);
        for id in &self.kids {
            if let Ok(dict) = self.out.get_dictionary_mut(*id) {
                dict.set("Parent", pages_id);
            }
        }
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Count", self.kids.len() as i64);
        let kids: Vec<Object> = self.kids.iter().map(|k| Object::Reference(*k)).collect();
        pages.set("Kids", kids);
        self.out.objects.insert(pages_id, Object::Dictionary(pages));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", pages_id);
        self.out
            .objects
            .insert(catalog_id, Object::Dictionary(catalog));
        self.out.trailer = Dictionary::new();
        self.out.trailer.set("Root", catalog_id);
        self.out.max_id = self.max_id + 1;
        self.out.prune_objects();
        self.out.renumber_objects();
        self.out.compress();
        self.out
    }
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

/// Each page's content digest, in page order (see [`content_digest`]).
pub(super) fn page_digests(doc: &Document) -> Vec<String> {
    doc.get_pages()
        .into_values()
        .map(|id| content_digest(doc, id))
        .collect()
}

/// The SHA-256 (16 hex digits) of a page's own content: its content
/// streams, decompressed and joined, without the ones we added (marked
/// [`OURS`]). What a letter's page says, wherever it sits in a stream.
pub(super) fn content_digest(doc: &Document, page: ObjectId) -> String {
    let mut bytes = Vec::new();
    for stream in content_streams(doc, page) {
        if stream.dict.get(OURS).is_err() {
            match stream.decompressed_content() {
                Ok(b) => bytes.extend(b),
                Err(_) => bytes.extend(&stream.content),
            }
        }
    }
    sha256_hex(&bytes)[..16].to_owned()
}

/// A page's content streams, in order.
pub(super) fn content_streams(doc: &Document, page: ObjectId) -> Vec<&Stream> {
    let Ok(dict) = doc.get_dictionary(page) else {
        return Vec::new();
    };
    let refs: Vec<ObjectId> = match dict.get(b"Contents") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => vec![*id],
        },
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    refs.into_iter()
        .filter_map(|id| doc.get_object(id).ok()?.as_stream().ok())
        .collect()
}
