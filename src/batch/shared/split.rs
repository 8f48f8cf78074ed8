//! A shared run's input, and its split into chunks of records. Every worker
//! must reach the same input: a file (or folder) on a path they all see (a
//! shared file system), the same bytes. A JSON Lines file is split by byte
//! offset, so a worker reads only its chunk; other inputs (a JSON array, a
//! folder, CSV through a mapping) are counted once, and a worker reads
//! them from the top to its chunk, passing over the records before it.

use std::io::{BufRead, BufReader};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::batch::{CsvMapping, Source};
use crate::error::{Error, Result};

/// The input of a shared run.
#[derive(Debug, Clone)]
pub struct SharedInput {
    /// A `.jsonl` or `.json` file, a folder of them, or a CSV file.
    pub path: PathBuf,
    /// How a CSV file's columns become records.
    pub mapping: Option<CsvMapping>,
}

impl SharedInput {
    /// A JSON Lines or JSON file or a folder of them.
    pub fn path(path: impl Into<PathBuf>) -> SharedInput {
        SharedInput {
            path: path.into(),
            mapping: None,
        }
    }

    /// A CSV file read through `mapping`.
    pub fn csv(path: impl Into<PathBuf>, mapping: CsvMapping) -> SharedInput {
        SharedInput {
            path: path.into(),
            mapping: Some(mapping),
        }
    }

    /// The whole input as a source.
    pub(super) fn source(&self) -> Source {
        match &self.mapping {
            Some(m) => Source::csv(&self.path, m.clone()),
            None => Source::path(&self.path),
        }
    }

    /// One chunk of it.
    pub(super) fn part(&self, span: &Span) -> Source {
        Source::Part {
            inner: Box::new(self.source()),
            first: span.first,
            records: span.records,
            start: span.start,
        }
    }

    /// What identifies the input between machines (whose paths may
    /// differ): its file name (with its CSV mapping's digest) and size in
    /// bytes.
    pub(super) fn identity(&self) -> Result<(String, u64)> {
        let mut name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if let Some(m) = &self.mapping {
            name.push_str(&format!(" (mapping {})", &m.digest()[..12]));
        }
        Ok((name, size_of(&self.path)?))
    }
}

/// Records `first..first + records` of the input, and where record `first`
/// starts in a JSON Lines file: (byte offset, line number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub first: u64,
    pub records: u64,
    pub start: Option<(u64, u64)>,
}

/// The spans of `per_chunk` records that cover the input, in order.
pub(super) fn split(input: &SharedInput, per_chunk: u64) -> Result<Vec<Span>> {
    let per_chunk = per_chunk.max(1);
    let p = &input.path;
    if input.mapping.is_none() && p.is_file() && p.extension().is_some_and(|e| e == "jsonl") {
        return split_lines(p, per_chunk);
    }
    let mut n = 0u64;
    input.source().for_each(&mut |_| {
        n += 1;
        ControlFlow::Continue(())
    })?;
    Ok((0..n.div_ceil(per_chunk))
        .map(|i| Span {
            first: i * per_chunk,
            records: per_chunk.min(n - i * per_chunk),
            start: None,
        })
        .collect())
}

/// JSON Lines: a record per line that is not blank (as the reader counts
/// them), so the offsets are found without parsing any JSON.
fn split_lines(path: &Path, per_chunk: u64) -> Result<Vec<Span>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (mut spans, mut line, mut offset, mut records) = (Vec::<Span>::new(), 0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        line += 1;
        if !buf.trim_ascii().is_empty() {
            if records % per_chunk == 0 {
                spans.push(Span {
                    first: records,
                    records: 0,
                    start: Some((offset, line)),
                });
            }
            if let Some(last) = spans.last_mut() {
                last.records += 1;
            }
            records += 1;
        }
        offset += n as u64;
    }
    Ok(spans)
}

fn size_of(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        total += size_of(&entry.path())?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(source: Source) -> Vec<String> {
        let mut out = Vec::new();
        source
            .for_each(&mut |item| {
                out.push(match item {
                    Ok(r) => format!("{} {}", r.source, r.value["id"]),
                    Err(e) => format!("{} error", e.place),
                });
                ControlFlow::Continue(())
            })
            .unwrap();
        out
    }

    #[test]
    fn chunks_of_a_json_lines_file_read_back_the_whole_file() {
        let dir = std::env::temp_dir().join(format!("vellum-split-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("in.jsonl");
        let mut text = String::new();
        for i in 0..23 {
            text.push_str(&format!("{{\"id\": {i}}}\n"));
            if i % 5 == 0 {
                text.push_str("  \n"); // blank lines are not records
            }
            if i == 11 {
                text.push_str("not json\n");
            }
        }
        std::fs::write(&path, &text).unwrap();
        let input = SharedInput::path(&path);
        let whole = items(input.source());
        assert_eq!(whole.len(), 24);
        for per_chunk in [1, 4, 7, 24, 100] {
            let spans = split(&input, per_chunk).unwrap();
            let joined: Vec<String> = spans.iter().flat_map(|s| items(input.part(s))).collect();
            assert_eq!(joined, whole, "{per_chunk} a chunk");
            assert!(spans.iter().all(|s| s.start.is_some()));
            // Read from the top too: the same records.
            let top: Vec<String> = spans
                .iter()
                .flat_map(|s| items(input.part(&Span { start: None, ..*s })))
                .collect();
            assert_eq!(top, whole);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
