//! The print spool: letters staged one by one, then produced as print-ready
//! streams (batch PDFs) with manifests, read back before they are released.
//!
//! Merging uses lopdf: it moves Typst's page objects into one document and
//! keeps their text and embedded fonts intact. printpdf makes only the job
//! and separator sheets (re-saving a Typst PDF through it drops every glyph,
//! NOTES.md); lopdf places them into the stream.
//!
//! Closing the spool, per stream:
//! 1. [`envelopes`] lays the letters out: presort key, duplex blank backs
//!    (each customer starts on a front side), envelopes limited by sheet
//!    count (error or split), weight classes, page and sheet ranges;
//! 2. [`merge`] assembles the pages, [`sheets`] adds the job sheet and the
//!    separator sheets (printpdf), [`marks`] draws the inserter marks (OMR
//!    and a DataMatrix) on every envelope sheet's front;
//! 3. the stream is written to `quarantine/`, [`readback`] re-reads it
//!    against the manifest and the staged letters, and only when every
//!    stream of the close passes are they moved into the spool folder.
//!
//! [`spool`] stages letters as they are sent, [`batch`] runs the steps
//! above for one stream, [`manifest`] writes the envelope lists.

mod batch;
mod envelopes;
mod ledger;
mod manifest;
mod marks;
mod merge;
mod readback;
mod sheets;
mod spool;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

pub use self::readback::{ReadBack, read_back};
use self::spool::by_chunk;
use super::{DeliveryError, Message, Receipt, Transport};
use crate::design::{Design, PrintProduction, print::Sides};
use crate::ledger::Ledger;
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
    /// customers in one compile, and the chunk becomes one batch file.
    /// 0 takes one PDF per letter only.
    pub chunk_letters: usize,
    /// The design's production settings (`[print]`): envelope limits,
    /// weight classes, presort, marks, job and separator sheets. Its
    /// `sides` is only read by [`PrintOptions::for_design`]; the spool
    /// prints duplex when [`duplex`](Self::duplex) says so.
    pub production: PrintProduction,
    /// The job id in the marks and on the job sheet (e.g. the run key).
    pub job: String,
    /// The design on the job sheet: id, version, content hash.
    pub design: Option<(String, String, String)>,
    /// The date on the job sheet (`YYYY-MM-DD`); today in UTC when `None`.
    pub date: Option<String>,
}

impl Default for PrintOptions {
    fn default() -> PrintOptions {
        PrintOptions {
            batch_size: 500,
            duplex: true,
            chunk_letters: 32,
            production: PrintProduction::default(),
            job: "vellum".to_owned(),
            design: None,
            date: None,
        }
    }
}

impl PrintOptions {
    /// The defaults with the design's `[print]` settings: sides, envelopes,
    /// marks, sheets, and the design named on the job sheet.
    pub fn for_design(design: &Design) -> PrintOptions {
        let production = design.manifest().print.clone();
        PrintOptions {
            duplex: production.sides == Sides::Duplex,
            production,
            design: Some((
                design.id().to_owned(),
                design.manifest().version.clone(),
                design.content_hash().to_owned(),
            )),
            ..PrintOptions::default()
        }
    }

    /// The same options with `job` as the job id.
    pub fn job(mut self, job: &str) -> PrintOptions {
        job.clone_into(&mut self.job);
        self
    }

    /// Pages per sheet: 2 in duplex, else 1.
    fn pages_per_sheet(&self) -> usize {
        if self.duplex { 2 } else { 1 }
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
    /// Presort key: the first `presort_digits` characters of the postal
    /// code (empty without one); the streams are ordered by it.
    #[serde(default)]
    pub presort_key: String,
    /// Weight class by sheet count (see [`PrintProduction::weight_class`]),
    /// `oversize` when heavier than every class.
    #[serde(default)]
    pub weight_class: String,
    /// First sheet of this envelope in the batch file, from 1 (job and
    /// separator sheets counted).
    #[serde(default)]
    pub first_sheet: usize,
    /// Last sheet of this envelope in the batch file.
    #[serde(default)]
    pub last_sheet: usize,
    /// The letter's page that opens this envelope, from 1: 1 unless a
    /// letter over `max_sheets_per_envelope` was split.
    #[serde(default = "one")]
    pub letter_page: usize,
    /// `k/n` when the letter was split into n envelopes, this the k-th.
    #[serde(default)]
    pub part: Option<String>,
    /// The content digest of each of its pages as the letter was staged
    /// (SHA-256 of the page's own content streams, 16 hex digits; a blank
    /// back the spool added is the digest of nothing): the read-back finds
    /// each page of the envelope by it. Empty for letters staged by a
    /// vellum before digests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digests: Vec<String>,
    /// The letter's content hash as the ledger recorded it when it was
    /// staged ([`Message::content_hash`]): the read-back checks the
    /// ledger still says so. `None` for a letter staged before staging
    /// kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
}

fn one() -> usize {
    1
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
    /// What the read-back of each stream found.
    pub read_back: Vec<ReadBack>,
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
    /// The last chunk's page digests (its letters are staged one by one).
    chunk_digests: Mutex<Option<(String, Vec<String>)>>,
    /// The ledger the letters' attempts are recorded in: the read-back
    /// checks each stream against it (see [`PrintSpool::with_ledger`]).
    ledger: Option<Arc<Ledger>>,
    /// The mark of this close's letters, once read or made.
    generation: Mutex<Option<String>>,
}

fn io(e: impl std::fmt::Display) -> DeliveryError {
    DeliveryError::transient(format!("print spool: {e}"))
}

impl PrintSpool {
    /// A spool in `dir` (created when needed).
    pub fn new(dir: impl AsRef<Path>, options: PrintOptions) -> Result<PrintSpool, DeliveryError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(dir.join("staging")).map_err(io)?;
        std::fs::create_dir_all(dir.join("quarantine")).map_err(io)?;
        Ok(PrintSpool {
            dir,
            options,
            lock: Mutex::new(()),
            chunk_digests: Mutex::new(None),
            ledger: None,
            generation: Mutex::new(None),
        })
    }

    /// The same spool, reading each stream back against `ledger` too, the
    /// one the dispatcher records the letters' attempts in: before a
    /// stream is released, each of its envelopes must be a letter the
    /// ledger has as taken by this spool, with the content hash it
    /// recorded, and every letter the ledger has as delivered to this
    /// spool since it last closed must be in one of the close's streams.
    /// Without a ledger, the read-back checks the stream against its
    /// manifest and the staged letters only.
    pub fn with_ledger(mut self, ledger: Arc<Ledger>) -> PrintSpool {
        self.ledger = Some(ledger);
        self
    }

    /// Produces every staged letter as batch files (streams), reads each
    /// back, and only when all pass moves them from `quarantine/` into the
    /// spool folder and writes the manifests; the staged letters are
    /// removed once those are on disk. A stream that fails its read-back
    /// stays in `quarantine/` and the error names the envelope and why.
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
        let mut written = Vec::new();
        for batch in single.chunks(self.options.batch_size.max(1)) {
            n += 1;
            written.push(self.write_batch(&format!("batch-{n:04}.pdf"), batch, &mut summary)?);
        }
        for letters in by_chunk(chunked) {
            n += 1;
            written.push(self.write_chunk(&format!("batch-{n:04}.pdf"), &letters, &mut summary)?);
        }
        self.release(&written, &mut summary)?;
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
        // The generation goes last: while a letter of it is staged, its
        // mark is there to find in the ledger.
        let generation = self.generation_path();
        for entry in std::fs::read_dir(self.dir.join("staging")).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_file() && path != generation {
                std::fs::remove_file(path).map_err(io)?;
            }
        }
        if generation.exists() {
            std::fs::remove_file(&generation).map_err(io)?;
        }
        *self.generation.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(summary)
    }

    /// Reads every quarantined stream of this close back against the
    /// manifest, the staged letters and the ledger; when all pass, moves
    /// them into the spool folder.
    fn release(
        &self,
        written: &[batch::Written],
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let mark = match (&self.ledger, written.is_empty()) {
            (Some(_), false) => Some(format!("{}/", self.generation()?)),
            _ => None,
        };
        if let (Some(ledger), Some(mark)) = (&self.ledger, &mark) {
            ledger::all_in_streams(ledger, mark, &summary.envelopes).map_err(|e| {
                DeliveryError::permanent(format!(
                    "print spool: no stream released, they stay in {}: {e}",
                    self.quarantine().display()
                ))
            })?;
        }
        for w in written {
            let envelopes: Vec<Envelope> = summary
                .envelopes
                .iter()
                .filter(|e| e.file == w.file)
                .cloned()
                .collect();
            let not_released = |e: String| {
                DeliveryError::permanent(format!(
                    "print spool: {} not released, it stays in {}: {e}",
                    w.file,
                    w.quarantined.display()
                ))
            };
            let mut report =
                read_back(&w.quarantined, &envelopes, &self.options).map_err(not_released)?;
            if let Some(ledger) = &self.ledger {
                report.ledger_checked =
                    ledger::check_envelopes(ledger, &envelopes, mark.as_deref())
                        .map_err(not_released)?;
            }
            summary.read_back.push(report);
        }
        for w in written {
            let path = self.dir.join(&w.file);
            std::fs::rename(&w.quarantined, &path).map_err(io)?;
            summary.batches.push(path);
        }
        Ok(())
    }

    fn quarantine(&self) -> PathBuf {
        self.dir.join("quarantine")
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
