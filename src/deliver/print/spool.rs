//! Staging: each letter written durably as it is sent, read back in
//! presort order when the spool closes.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use lopdf::Document;

use super::{PrintSpool, io, merge};
use crate::deliver::{Body, DeliveryError, Message, Receipt, write_atomic};
use crate::message::sha256_hex;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Staged {
    pub(super) key: String,
    pub(super) customer: String,
    pub(super) pages: usize,
    pub(super) postal_code: Option<String>,
    /// The letter's place in a staged chunk file, when it is one of its
    /// letters (staged by a vellum that knew chunks).
    #[serde(default)]
    pub(super) chunk: Option<StagedChunk>,
    /// Each page's content digest (see [`merge::page_digests`]), blank
    /// backs of a chunk included: the read-back finds the letter's pages
    /// in the stream by them. Empty for a letter staged before digests.
    #[serde(default)]
    pub(super) digests: Vec<String>,
    /// The letter's content hash as the ledger records it
    /// ([`Message::content_hash`]); `None` for a letter staged before
    /// staging kept it.
    #[serde(default)]
    pub(super) content_hash: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StagedChunk {
    pub(super) id: String,
    pub(super) first_page: usize,
    pub(super) last_page: usize,
    pub(super) chunk_pages: usize,
}

/// A staged letter: its line, the PDF it is in, and the line's file.
pub(super) type Letter = (Staged, PathBuf, PathBuf);

impl PrintSpool {
    /// The staged letters, in presort order: postal code, customer, key.
    pub(super) fn staged(&self) -> Result<Vec<Letter>, DeliveryError> {
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

    /// The content digests of a letter's pages; a chunk's are computed
    /// once, when its first letter is staged, and kept for the others.
    fn digests(&self, meta: &Staged, pdf: &[u8]) -> Result<Vec<String>, DeliveryError> {
        let parse = |pdf: &[u8]| {
            Document::load_mem(pdf)
                .map_err(|e| {
                    DeliveryError::permanent(format!(
                        "print spool: record {}: not a PDF: {e}",
                        meta.customer
                    ))
                })
                .map(|d| merge::page_digests(&d))
        };
        let Some(c) = &meta.chunk else {
            return parse(pdf);
        };
        let mut cache = self.chunk_digests.lock().unwrap_or_else(|e| e.into_inner());
        if cache.as_ref().is_none_or(|(id, _)| id != &c.id) {
            *cache = Some((c.id.clone(), parse(pdf)?));
        }
        let all = &cache
            .as_ref()
            .map(|(_, d)| d.as_slice())
            .unwrap_or_default();
        all.get(c.first_page.saturating_sub(1)..c.last_page)
            .map(<[String]>::to_vec)
            .ok_or_else(|| {
                DeliveryError::permanent(format!(
                    "print spool: record {}: pages {}-{} are not in its chunk of {} pages",
                    meta.customer,
                    c.first_page,
                    c.last_page,
                    all.len()
                ))
            })
    }

    pub(super) fn chunk_path(&self, id: &str) -> PathBuf {
        self.dir.join("staging").join(format!("chunk-{id}.pdf"))
    }

    /// Stages one letter: its PDF (or its chunk's, once) and its line.
    pub(super) fn stage(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        let Body::Letter(letter) = &message.body else {
            return Err(crate::deliver::wrong_body("print-spool", message));
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
            digests: Vec::new(),
            content_hash: Some(message.content_hash()),
        };
        let mut meta = meta;
        meta.digests = self.digests(&meta, &letter.pdf)?;
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
        Ok(Receipt::new(
            "print-spool",
            &format!("{}/{stem}", self.generation()?),
        ))
    }

    /// The mark of the letters staged since the spool last closed: a
    /// random token in `staging/generation`, made by the first letter
    /// staged and removed by the close that produces it. Each letter's
    /// receipt starts with it, so at the close the ledger tells which
    /// letters it has as taken by this spool since (see
    /// [`super::ledger`]). Called with the staging lock held.
    pub(super) fn generation(&self) -> Result<String, DeliveryError> {
        let mut cached = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(g) = cached.as_ref() {
            return Ok(g.clone());
        }
        let path = self.generation_path();
        let token = match std::fs::read_to_string(&path) {
            Ok(t) if !t.trim().is_empty() => t.trim().to_owned(),
            _ => {
                let t = new_token(&self.dir);
                write_atomic(&path, t.as_bytes()).map_err(io)?;
                t
            }
        };
        *cached = Some(token.clone());
        Ok(token)
    }

    pub(super) fn generation_path(&self) -> PathBuf {
        self.dir.join("staging").join("generation")
    }
}

/// A token no other spool or close has: the time, the process and the
/// folder, hashed (16 hex digits).
fn new_token(dir: &std::path::Path) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!("{nanos} {} {}", std::process::id(), dir.display());
    sha256_hex(seed.as_bytes())[..16].to_owned()
}

/// The chunked letters grouped by chunk, each group in page order, the
/// groups in the order their first letters were staged (presort order).
pub(super) fn by_chunk(letters: Vec<(StagedChunk, Letter)>) -> Vec<Vec<(StagedChunk, Letter)>> {
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
