//! The print spool: letters staged one by one, then merged into print-ready
//! batch PDFs with manifests.
//!
//! Merging uses lopdf: it moves Typst's page objects into one document and
//! keeps their text and embedded fonts intact. printpdf has no role here:
//! re-saving a Typst PDF through it drops every glyph (NOTES.md), and the
//! only pages we generate ourselves are blank duplex backs, which are an
//! empty content stream that lopdf writes in a few lines. A job or separator
//! sheet would be printpdf's job if we added one.
//!
//! One concept per file: [`spool`] stages letters as they are sent,
//! [`batch`] writes the batch files, [`merge`] joins PDFs with lopdf, and
//! [`manifest`] lists the envelopes.

mod batch;
mod manifest;
mod merge;
mod spool;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use self::spool::by_chunk;
use super::{DeliveryError, Message, Receipt, Transport};
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
        self.stage(message)
    }
}
