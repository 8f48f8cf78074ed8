//! The print spool: letters staged one by one, then merged into print-ready
//! batch PDFs with manifests.
//!
//! Merging uses lopdf: it moves Typst's page objects into one document and
//! keeps their text and embedded fonts intact. printpdf has no role here:
//! re-saving a Typst PDF through it drops every glyph (NOTES.md), and the
//! only pages we generate ourselves are blank duplex backs, which are an
//! empty content stream that lopdf writes in a few lines. A job or separator
//! sheet would be printpdf's job if we added one.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use serde::{Deserialize, Serialize};

use super::{Body, DeliveryError, Message, Receipt, Transport, write_atomic};
use crate::message::sha256_hex;
use crate::model::Channel;

/// Print spool settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PrintOptions {
    /// Envelopes per batch file.
    pub batch_size: usize,
    /// Printed on both sides: a letter with an odd page count gets a blank
    /// back page, so every customer starts on a new sheet.
    pub duplex: bool,
    /// Letters per print chunk: a batch run typesets this many print-first
    /// customers in one compile, and the chunk becomes one batch file as it
    /// is (no merge). 0 takes one PDF per letter only.
    pub chunk_letters: usize,
}

impl Default for PrintOptions {
    fn default() -> PrintOptions {
        PrintOptions {
            batch_size: 500,
            duplex: true,
            chunk_letters: 32,
        }
    }
}

/// One envelope in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Envelope number in the run, from 1.
    pub envelope: usize,
    /// Batch file name.
    pub file: String,
    /// Customer id.
    pub customer: String,
    /// Pages of the letter (without blank backs).
    pub pages: usize,
    /// Sheets of paper.
    pub sheets: usize,
    /// Postal code, when known.
    pub postal_code: Option<String>,
    /// First page of this envelope in the batch file, from 1.
    pub first_page: usize,
    /// Last page of this envelope in the batch file (blank back included).
    pub last_page: usize,
    /// Idempotency key.
    pub key: String,
}

/// What [`PrintSpool::close`] wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SpoolSummary {
    /// Batch PDF files.
    pub batches: Vec<PathBuf>,
    /// The CSV manifest.
    pub manifest_csv: Option<PathBuf>,
    /// The JSON manifest.
    pub manifest_json: Option<PathBuf>,
    /// Every envelope.
    pub envelopes: Vec<Envelope>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Staged {
    key: String,
    customer: String,
    pages: usize,
    postal_code: Option<String>,
    /// The letter's place in a staged chunk file, when it is one of its
    /// letters (staged by a vellum that knew chunks).
    #[serde(default)]
    chunk: Option<StagedChunk>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StagedChunk {
    id: String,
    first_page: usize,
    last_page: usize,
    chunk_pages: usize,
}

/// A staged letter: its line, the PDF it is in, and the line's file.
type Letter = (Staged, PathBuf, PathBuf);

/// Stages each letter durably as it is "sent" (so the ledger's delivered
/// means on disk), then [`close`](PrintSpool::close) writes
/// `batch-0001.pdf`, ... and `manifest.csv`/`manifest.json`, sorted by
/// postal code for postal presorting.
#[derive(Debug)]
pub struct PrintSpool {
    dir: PathBuf,
    options: PrintOptions,
    lock: Mutex<()>,
}

fn io(e: impl std::fmt::Display) -> DeliveryError {
    DeliveryError::transient(format!("print spool: {e}"))
}

impl PrintSpool {
    /// A spool in `dir` (created when needed).
    pub fn new(dir: impl AsRef<Path>, options: PrintOptions) -> Result<PrintSpool, DeliveryError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(dir.join("staging")).map_err(io)?;
        Ok(PrintSpool {
            dir,
            options,
            lock: Mutex::new(()),
        })
    }

    /// Merges every staged letter into batch files and writes the manifests;
    /// the staged letters are removed once those are on disk.
    pub fn close(&self) -> Result<SpoolSummary, DeliveryError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut single = Vec::new();
        let mut chunked = Vec::new();
        for letter in self.staged()? {
            match letter.0.chunk.clone() {
                Some(c) => chunked.push((c, letter)),
                None => single.push(letter),
            }
        }
        let mut summary = SpoolSummary::default();
        let first_batch = std::fs::read_dir(&self.dir)
            .map_err(io)?
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("batch-"))
            })
            .count();
        let mut n = first_batch;
        for batch in single.chunks(self.options.batch_size.max(1)) {
            n += 1;
            self.write_batch(&format!("batch-{n:04}.pdf"), batch, &mut summary)?;
        }
        for letters in by_chunk(chunked) {
            n += 1;
            self.write_chunk(&format!("batch-{n:04}.pdf"), &letters, &mut summary)?;
        }
        if !summary.envelopes.is_empty() {
            self.write_manifests(first_batch + 1, &mut summary)?;
        }
        for (_, pdf, meta) in &single {
            std::fs::remove_file(pdf).map_err(io)?;
            std::fs::remove_file(meta).map_err(io)?;
        }
        // What is left in staging: the lines of chunked letters, and chunk
        // files none of whose letters was delivered (held back, or resent
        // in another chunk after a crash).
        for entry in std::fs::read_dir(self.dir.join("staging")).map_err(io)? {
            std::fs::remove_file(entry.map_err(io)?.path()).map_err(io)?;
        }
        Ok(summary)
    }

    /// The staged letters, in presort order: postal code, customer, key.
    fn staged(&self) -> Result<Vec<Letter>, DeliveryError> {
        let mut staged = Vec::new();
        for entry in std::fs::read_dir(self.dir.join("staging")).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().and_then(|e| e.to_str()) == Some("json") {
                let meta: Staged =
                    serde_json::from_slice(&std::fs::read(&path).map_err(io)?).map_err(io)?;
                let pdf = match &meta.chunk {
                    Some(c) => self.chunk_path(&c.id),
                    None => path.with_extension("pdf"),
                };
                staged.push((meta, pdf, path));
            }
        }
        staged.sort_by(|a, b| {
            (&a.0.postal_code, &a.0.customer, &a.0.key).cmp(&(
                &b.0.postal_code,
                &b.0.customer,
                &b.0.key,
            ))
        });
        Ok(staged)
    }

    /// Merges one batch of staged letters into `file` and lists its envelopes.
    fn write_batch(
        &self,
        file: &str,
        chunk: &[Letter],
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let mut docs = Vec::new();
        for (meta, pdf, _) in chunk {
            let bytes = std::fs::read(pdf).map_err(io)?;
            let doc = Document::load_mem(&bytes).map_err(|e| {
                DeliveryError::permanent(format!("print spool: record {}: {e}", meta.customer))
            })?;
            docs.push(doc);
        }
        let (mut merged, counts) = merge(docs, self.options.duplex).map_err(io)?;
        let mut bytes = Vec::new();
        merged.save_to(&mut bytes).map_err(io)?;
        let path = self.dir.join(file);
        write_atomic(&path, &bytes).map_err(io)?;
        let letters = chunk
            .iter()
            .zip(counts)
            .map(|((meta, _, _), (pages, total))| (meta, pages, total));
        self.list_envelopes(file, letters, summary);
        summary.batches.push(path);
        Ok(())
    }

    /// The envelopes of batch `file`, in its page order: each letter's
    /// staged line, its pages and its pages with a blank back.
    fn list_envelopes<'a>(
        &self,
        file: &str,
        letters: impl Iterator<Item = (&'a Staged, usize, usize)>,
        summary: &mut SpoolSummary,
    ) {
        let mut page = 1;
        for (meta, pages, total) in letters {
            summary.envelopes.push(Envelope {
                envelope: summary.envelopes.len() + 1,
                file: file.to_owned(),
                customer: meta.customer.clone(),
                pages,
                sheets: if self.options.duplex {
                    total.div_ceil(2)
                } else {
                    total
                },
                postal_code: meta.postal_code.clone(),
                first_page: page,
                last_page: page + total - 1,
                key: meta.key.clone(),
            });
            page += total;
        }
    }

    /// A staged chunk file as the batch `file`: as it is when every letter
    /// in it was delivered, else with only the delivered letters' pages.
    fn write_chunk(
        &self,
        file: &str,
        letters: &[(StagedChunk, Letter)],
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let source = &letters[0].1.1;
        let path = self.dir.join(file);
        let used: usize = letters
            .iter()
            .map(|(c, _)| c.last_page + 1 - c.first_page)
            .sum();
        if used == letters[0].0.chunk_pages {
            std::fs::rename(source, &path).map_err(io)?;
        } else {
            let keep: Vec<(usize, usize)> = letters
                .iter()
                .map(|(c, _)| (c.first_page, c.last_page))
                .collect();
            write_atomic(&path, &pages_only(source, &keep)?).map_err(io)?;
        }
        let pages = letters
            .iter()
            .map(|(c, (meta, _, _))| (meta, meta.pages, c.last_page + 1 - c.first_page));
        self.list_envelopes(file, pages, summary);
        summary.batches.push(path);
        Ok(())
    }

    fn chunk_path(&self, id: &str) -> PathBuf {
        self.dir.join("staging").join(format!("chunk-{id}.pdf"))
    }

    /// The envelope manifests of this close, as CSV and JSON.
    fn write_manifests(&self, n: usize, summary: &mut SpoolSummary) -> Result<(), DeliveryError> {
        let mut csv =
            String::from("envelope,file,customer,pages,sheets,postal_code,first_page,last_page\n");
        for e in &summary.envelopes {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                e.envelope,
                e.file,
                csv_field(&e.customer),
                e.pages,
                e.sheets,
                csv_field(e.postal_code.as_deref().unwrap_or("")),
                e.first_page,
                e.last_page
            ));
        }
        let csv_path = self.dir.join(format!("manifest-{n:04}.csv"));
        let json_path = self.dir.join(format!("manifest-{n:04}.json"));
        write_atomic(&csv_path, csv.as_bytes()).map_err(io)?;
        let json = serde_json::to_vec_pretty(&summary.envelopes).map_err(io)?;
        write_atomic(&json_path, &json).map_err(io)?;
        summary.manifest_csv = Some(csv_path);
        summary.manifest_json = Some(json_path);
        Ok(())
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run it.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

impl Transport for PrintSpool {
    fn name(&self) -> &str {
        "print-spool"
    }

    fn channels(&self) -> &[Channel] {
        &[Channel::Print]
    }

    fn flush(&self) -> Result<(), DeliveryError> {
        self.close().map(|_| ())
    }

    fn print_chunks(&self) -> Option<super::PrintChunking> {
        (self.options.chunk_letters > 0)
            .then(|| super::PrintChunking::new(self.options.chunk_letters, self.options.duplex))
    }

    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        let Body::Letter(letter) = &message.body else {
            return Err(super::wrong_body("print-spool", message));
        };
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let stem = &sha256_hex(message.key.as_bytes())[..24];
        let staging = self.dir.join("staging");
        let meta = Staged {
            key: message.key.clone(),
            customer: message.record.clone(),
            pages: letter.pages,
            postal_code: letter.postal_code.clone(),
            chunk: letter.in_chunk.as_ref().map(|c| StagedChunk {
                id: c.chunk.clone(),
                first_page: c.first_page,
                last_page: c.last_page,
                chunk_pages: c.chunk_pages,
            }),
        };
        match &meta.chunk {
            // The chunk's first letter writes it; the others find it there.
            Some(c) => {
                let path = self.chunk_path(&c.id);
                if !path.exists() {
                    write_atomic(&path, &letter.pdf).map_err(io)?;
                }
            }
            None => write_atomic(&staging.join(format!("{stem}.pdf")), &letter.pdf).map_err(io)?,
        }
        let json = serde_json::to_vec(&meta).map_err(io)?;
        write_atomic(&staging.join(format!("{stem}.json")), &json).map_err(io)?;
        Ok(Receipt::new("print-spool", stem))
    }
}

/// The chunked letters grouped by chunk, each group in page order, the
/// groups in the order their first letters were staged (presort order).
fn by_chunk(letters: Vec<(StagedChunk, Letter)>) -> Vec<Vec<(StagedChunk, Letter)>> {
    let mut groups: Vec<Vec<(StagedChunk, Letter)>> = Vec::new();
    for l in letters {
        match groups.iter_mut().find(|g| g[0].0.id == l.0.id) {
            Some(g) => g.push(l),
            None => groups.push(vec![l]),
        }
    }
    for g in &mut groups {
        g.sort_by_key(|(c, _)| c.first_page);
    }
    groups
}

/// The PDF at `path` with only the pages in `keep` (ranges from 1).
fn pages_only(path: &Path, keep: &[(usize, usize)]) -> Result<Vec<u8>, DeliveryError> {
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
fn merge(docs: Vec<Document>, duplex: bool) -> Result<(Document, Vec<(usize, usize)>), String> {
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
