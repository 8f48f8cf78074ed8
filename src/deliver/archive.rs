//! The archive: a PDF/A copy of each communication and a JSON index line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::json;

use super::{Body, DeliveryError, Message, Receipt, Transport, write_atomic};
use crate::message::{key_file_part, sha256_hex};
use crate::model::Channel;

/// Stores archive copies: `<dir>/<design>/<sha256>.pdf` (content-addressed,
/// so storing twice writes one file) and one line per communication in
/// `<dir>/index.jsonl`: customer, design, version, date, channel, content
/// hash, file, idempotency key and Message-ID. After a crash in the one
/// window between the index append and the ledger record, a rerun appends the
/// same line again; readers keep the last line per `key`.
#[derive(Debug)]
pub struct ArchiveTransport {
    dir: PathBuf,
    index: Mutex<std::fs::File>,
}

impl ArchiveTransport {
    /// An archive in `dir` (created when needed).
    pub fn new(dir: impl AsRef<Path>) -> Result<ArchiveTransport, DeliveryError> {
        let dir = dir.as_ref().to_path_buf();
        let fail = |e: std::io::Error| {
            DeliveryError::permanent(format!("archive `{}`: {e}", dir.display()))
        };
        std::fs::create_dir_all(&dir).map_err(fail)?;
        let index = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("index.jsonl"))
            .map_err(fail)?;
        Ok(ArchiveTransport {
            dir,
            index: Mutex::new(index),
        })
    }

    /// The index file.
    pub fn index_path(&self) -> PathBuf {
        self.dir.join("index.jsonl")
    }
}

impl Transport for ArchiveTransport {
    fn name(&self) -> &str {
        "archive"
    }

    fn channels(&self) -> &[Channel] {
        &[Channel::Print]
    }

    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        let Body::Archive(a) = &message.body else {
            return Err(super::wrong_body("archive", message));
        };
        let io = |e: std::io::Error| DeliveryError::transient(format!("archive: {e}"));
        let hash = sha256_hex(&a.pdf);
        let folder = self.dir.join(key_file_part(&message.design));
        std::fs::create_dir_all(&folder).map_err(io)?;
        let file = folder.join(format!("{hash}.pdf"));
        if !file.is_file() {
            write_atomic(&file, &a.pdf).map_err(io)?;
        }
        let rel = file
            .strip_prefix(&self.dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let line = json!({
            "customer": message.record,
            "design": message.design,
            "version": message.version,
            "date": a.date,
            "channel": a.delivered_by.map(|c| c.name()),
            "sha256": hash,
            "file": rel,
            "bytes": a.pdf.len(),
            "key": message.key,
            "message_id": message.message_id,
        });
        let mut out =
            serde_json::to_vec(&line).map_err(|e| DeliveryError::permanent(e.to_string()))?;
        out.push(b'\n');
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        index.write_all(&out).map_err(io)?;
        index.sync_data().map_err(io)?;
        Ok(Receipt::new("archive", &rel))
    }
}
