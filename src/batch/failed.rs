//! The error file of a run: one JSON line per failed record (its place, id,
//! stage, field or channel, and the message), and reading it back to run
//! only those records again after a fix.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::model::Channel;

/// One failed record, as a line of the error file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRecord {
    /// Where the record came from (`cycle.jsonl:17`).
    pub source: String,
    /// The record's id, when it has one.
    pub record: Option<String>,
    /// The stage that failed (`read`, `validate`, `render`, `deliver`...).
    pub stage: String,
    /// The channel, for a rendering or delivery failure.
    pub channel: Option<Channel>,
    /// The field path at fault, for a record that does not fit the design.
    pub field: Option<String>,
    /// What went wrong.
    pub message: String,
}

/// Writes the error file as failures come, one line each, flushed so a
/// crashed run still leaves what it found.
pub(super) struct ErrorFile {
    out: Option<std::io::BufWriter<std::fs::File>>,
}

impl ErrorFile {
    pub(super) fn create(path: Option<&Path>) -> Result<ErrorFile> {
        let out = match path {
            Some(p) => Some(std::io::BufWriter::new(
                std::fs::File::create(p).map_err(|e| Error::io(p, e))?,
            )),
            None => None,
        };
        Ok(ErrorFile { out })
    }

    pub(super) fn write(&mut self, failed: &FailedRecord) {
        if let Some(out) = &mut self.out {
            // A write error here must not stop the run: the report still
            // counts the record as failed.
            if let Ok(line) = serde_json::to_string(failed) {
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
        }
    }
}

/// The records an error file names: by id, and by place for records that
/// had none (a line that was not JSON).
#[derive(Debug, Clone, Default)]
pub struct OnlyFailed {
    ids: HashSet<String>,
    places: HashSet<String>,
}

impl OnlyFailed {
    /// Reads an error file written by a run.
    pub fn read(path: impl AsRef<Path>) -> Result<OnlyFailed> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut only = OnlyFailed::default();
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| Error::io(path, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let failed: FailedRecord = serde_json::from_str(&line).map_err(|e| -> Error {
                ErrorKind::Input {
                    place: format!("{}:{}", path.display(), i + 1),
                    message: format!("not a line of a vellum error file: {e}"),
                }
                .into()
            })?;
            match failed.record {
                Some(id) if id != "(no id)" => only.ids.insert(id),
                _ => only.places.insert(failed.source),
            };
        }
        Ok(only)
    }

    /// Whether a record is one of them.
    pub fn contains(&self, id: &str, place: &str) -> bool {
        self.ids.contains(id) || self.places.contains(place)
    }

    /// How many records it names.
    pub fn len(&self) -> usize {
        self.ids.len() + self.places.len()
    }

    /// Whether it names none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
