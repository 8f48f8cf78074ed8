//! Batch input: customer records from JSON, JSON Lines or a folder of them,
//! each with the place it came from, so a bad record is reported, not lost.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};

/// A customer record and where it came from (`file` or `file:line`).
#[derive(Debug, Clone)]
pub struct Record {
    /// `path` for a JSON file, `path:line` for JSON Lines, `path[i]` in an array.
    pub source: String,
    /// The record.
    pub value: Value,
}

/// Reads records from a `.json` file (one object or an array of objects), a
/// `.jsonl` file (one object per line) or a folder of such files (in name
/// order). A line or file that is not valid JSON is an error with its place;
/// nothing is skipped silently.
pub fn read_records(path: impl AsRef<Path>) -> Result<Vec<Record>> {
    let path = path.as_ref();
    let mut out = Vec::new();
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::io(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "jsonl")
                )
            })
            .collect();
        files.sort();
        for f in files {
            read_file(&f, &mut out)?;
        }
    } else {
        read_file(path, &mut out)?;
    }
    Ok(out)
}

fn read_file(path: &Path, out: &mut Vec<Record>) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let shown = path.display().to_string();
    if path.extension().and_then(|e| e.to_str()) == Some("jsonl") {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value = serde_json::from_str(line)
                .map_err(|e| input_err(&format!("{shown}:{}", i + 1), e))?;
            out.push(Record {
                source: format!("{shown}:{}", i + 1),
                value,
            });
        }
        return Ok(());
    }
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| input_err(&format!("{shown}:{}:{}", e.line(), e.column()), e))?;
    match value {
        Value::Array(items) => {
            for (i, value) in items.into_iter().enumerate() {
                out.push(Record {
                    source: format!("{shown}[{i}]"),
                    value,
                });
            }
        }
        value => out.push(Record {
            source: shown,
            value,
        }),
    }
    Ok(())
}

fn input_err(place: &str, e: serde_json::Error) -> Error {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    ErrorKind::Input {
        place: place.to_owned(),
        message: format!("invalid JSON: {msg}"),
    }
    .into()
}
