//! Where a run's customer records come from: JSON Lines, a JSON array (read
//! element by element), a single JSON object, a folder of such files, a CSV
//! file with a [`CsvMapping`] from its columns to the records' fields, or
//! any Rust iterator. Records are read one at a time, so an input of millions of
//! customers is never in memory at once. Every record carries the place it
//! came from; one that cannot be read is reported with that place, never
//! skipped silently.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer as _, SeqAccess, Visitor};
use serde_json::Value;

use super::csv::CsvMapping;
use crate::error::{Error, ErrorKind, Result};

/// A customer record and where it came from.
#[derive(Debug, Clone)]
pub struct Record {
    /// `path` for a JSON file, `path:line` for JSON Lines (and for CSV, the
    /// line of the record's first row), `path[i]` in an array, `input[i]`
    /// for an iterator.
    pub source: String,
    /// The record.
    pub value: Value,
}

/// A record that could not be read: its place and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReadError {
    /// `path:line` (JSON Lines) or `path:line:column` (JSON).
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// One item of the input: a record, or what could not be read.
pub type Item = std::result::Result<Record, ReadError>;

/// The input of a run.
#[non_exhaustive]
pub enum Source {
    /// A `.json` file (one object or an array of objects), a `.jsonl` file
    /// (one object per line) or a folder of such files, in name order.
    Path(PathBuf),
    /// Records from any iterator (an application's own database cursor).
    Iter(Box<dyn Iterator<Item = Value> + Send>),
    /// Records `first..first + records` (counted from 0) of another source:
    /// one chunk of a shared run. Record places stay those of the whole
    /// input. A JSON Lines file with `start` (the byte offset and line
    /// number of record `first`) is read from there; anything else is read
    /// from the top, the records before the chunk passed over.
    Part {
        /// The whole input.
        inner: Box<Source>,
        /// The chunk's first record.
        first: u64,
        /// How many records.
        records: u64,
        /// Where record `first` starts in a JSON Lines file: (byte offset, line).
        start: Option<(u64, u64)>,
    },
    /// A CSV file whose rows become records as `mapping` says.
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// Its columns to the records' fields.
        mapping: Box<CsvMapping>,
    },
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Source::Iter(_) => f.write_str("Iter(..)"),
            Source::Part {
                inner,
                first,
                records,
                ..
            } => write!(f, "Part({inner:?}, {first}+{records})"),
            Source::Csv { path, mapping } => f
                .debug_struct("Csv")
                .field("path", path)
                .field("key", &mapping.key())
                .finish(),
        }
    }
}

impl Source {
    /// A file or folder. A `.csv` file needs a mapping: [`Source::csv`].
    pub fn path(path: impl Into<PathBuf>) -> Source {
        Source::Path(path.into())
    }

    /// A CSV file, its rows grouped into records by `mapping` (see
    /// [`CsvMapping`] for the format and the rules). Rows are streamed; a
    /// bad row fails its record, not the input.
    pub fn csv(path: impl Into<PathBuf>, mapping: CsvMapping) -> Source {
        Source::Csv {
            path: path.into(),
            mapping: Box::new(mapping),
        }
    }

    /// Records from an iterator.
    pub fn iter<I>(records: I) -> Source
    where
        I: IntoIterator<Item = Value>,
        I::IntoIter: Send + 'static,
    {
        Source::Iter(Box::new(records.into_iter()))
    }

    /// Calls `each` for every item in input order until it breaks. Fails
    /// only when the input itself cannot be opened (or a CSV header does
    /// not fit its mapping).
    pub fn for_each(self, each: &mut dyn FnMut(Item) -> ControlFlow<()>) -> Result<()> {
        match self {
            Source::Iter(it) => {
                for (i, value) in it.enumerate() {
                    let record = Record {
                        source: format!("input[{i}]"),
                        value,
                    };
                    if each(Ok(record)).is_break() {
                        break;
                    }
                }
                Ok(())
            }
            Source::Path(path) if path.is_dir() => {
                for file in files_of(&path)? {
                    if read_file(&file, each)?.is_break() {
                        break;
                    }
                }
                Ok(())
            }
            Source::Csv { path, mapping } => super::csv::read(&path, &mapping, each),
            Source::Part {
                inner,
                first,
                records,
                start,
            } => read_part(*inner, first, records, start, each),
            Source::Path(path) => read_file(&path, each).map(|_| ()),
        }
    }
}

/// Items `first..first + records` of `inner`.
fn read_part(
    inner: Source,
    first: u64,
    records: u64,
    start: Option<(u64, u64)>,
    each: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> Result<()> {
    if records == 0 {
        return Ok(());
    }
    let mut taken = 0u64;
    let mut take = |item: Item| {
        each(item)?;
        taken += 1;
        if taken >= records {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    match (inner, start) {
        (Source::Path(path), Some((offset, line))) if is_jsonl(&path) => {
            use std::io::{Seek, SeekFrom};
            let mut file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            file.seek(SeekFrom::Start(offset))
                .map_err(|e| Error::io(&path, e))?;
            let reader = BufReader::with_capacity(256 * 1024, file);
            let shown = path.display().to_string();
            read_lines(reader, &shown, line, &mut take)
                .map(drop)
                .map_err(|e| Error::io(&path, e))
        }
        (inner, _) => {
            let mut skipped = 0u64;
            inner.for_each(&mut |item| {
                if skipped < first {
                    skipped += 1;
                    return ControlFlow::Continue(());
                }
                take(item)
            })
        }
    }
}

fn is_jsonl(path: &Path) -> bool {
    path.is_file() && path.extension().and_then(|e| e.to_str()) == Some("jsonl")
}

/// The `.json` and `.jsonl` files of a folder, in name order.
fn files_of(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "jsonl")
            )
        })
        .collect();
    files.sort();
    Ok(files)
}

fn read_file(
    path: &Path,
    each: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> Result<ControlFlow<()>> {
    let shown = path.display().to_string();
    if path.extension().and_then(|e| e.to_str()) == Some("csv") {
        // Not parsed as JSON: that would fail every line with a puzzling message.
        return Err(ErrorKind::Input {
            place: shown,
            message: "a CSV file needs a mapping from its columns to the records' fields \
                      (Source::csv; on the command line, --mapping FILE)"
                .to_owned(),
        }
        .into());
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = BufReader::with_capacity(256 * 1024, file);
    if path.extension().and_then(|e| e.to_str()) == Some("jsonl") {
        read_lines(reader, &shown, 1, each).map_err(|e| Error::io(path, e))
    } else {
        Ok(read_json(reader, &shown, each))
    }
}

/// JSON Lines: each line on its own, so one bad line fails only itself.
/// The reader's first line is line `first_line` of the file.
fn read_lines(
    reader: impl BufRead,
    shown: &str,
    first_line: u64,
    each: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> std::io::Result<ControlFlow<()>> {
    for (i, line) in (first_line..).zip(reader.lines()) {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let place = format!("{shown}:{i}");
        let item = match serde_json::from_str(&line) {
            Ok(value) => Ok(Record {
                source: place,
                value,
            }),
            Err(e) => Err(ReadError {
                place,
                message: format!("invalid JSON: {}", without_place(&e)),
            }),
        };
        if each(item).is_break() {
            return Ok(ControlFlow::Break(()));
        }
    }
    Ok(ControlFlow::Continue(()))
}

/// A JSON file: an array is read element by element; anything else is one
/// record. JSON that does not parse ends the file with one error at its
/// place: what follows it cannot be told apart.
fn read_json(
    reader: impl Read,
    shown: &str,
    each: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut reader = std::io::BufReader::new(reader);
    let is_array = match first_byte(&mut reader) {
        Ok(b) => b == Some(b'['),
        Err(e) => {
            return each(Err(ReadError {
                place: shown.to_owned(),
                message: format!("cannot read: {e}"),
            }));
        }
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut flow = ControlFlow::Continue(());
    let result = if is_array {
        de.deserialize_seq(Elements {
            shown,
            each: &mut *each,
            flow: &mut flow,
        })
    } else {
        serde::Deserialize::deserialize(&mut de).map(|value| {
            flow = each(Ok(Record {
                source: shown.to_owned(),
                value,
            }));
        })
    };
    let result = result.and_then(|()| if flow.is_break() { Ok(()) } else { de.end() });
    match result {
        Err(_) if flow.is_break() => flow,
        Err(e) => each(Err(ReadError {
            place: format!("{shown}:{}:{}", e.line(), e.column()),
            message: format!("invalid JSON: {}", without_place(&e)),
        })),
        Ok(()) => flow,
    }
}

/// The first byte that is not JSON white space (space, tab, line feed,
/// carriage return: not form feed), left unread.
fn first_byte(reader: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    loop {
        let buf = reader.fill_buf()?;
        let Some(&b) = buf.first() else {
            return Ok(None);
        };
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            reader.consume(1);
        } else {
            return Ok(Some(b));
        }
    }
}

/// Visits the elements of a top-level array one by one.
struct Elements<'a, 'f> {
    shown: &'a str,
    each: &'f mut dyn FnMut(Item) -> ControlFlow<()>,
    flow: &'f mut ControlFlow<()>,
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut i = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            let record = Record {
                source: format!("{}[{i}]", self.shown),
                value,
            };
            i += 1;
            *self.flow = (self.each)(Ok(record));
            if self.flow.is_break() {
                // Stop reading: the caller has what it wanted.
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// serde_json's message without its " at line L column C" (the place is
/// given separately).
fn without_place(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    msg.split(" at line ").next().unwrap_or(&msg).to_owned()
}

/// Reads every record of a `.json` file, a `.jsonl` file or a folder of
/// them into memory (previews and tests with a few samples; a run streams
/// instead). The first record that cannot be read is an error with its
/// place.
pub fn read_records(path: impl AsRef<Path>) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    let mut bad = None;
    Source::path(path.as_ref()).for_each(&mut |item| match item {
        Ok(r) => {
            out.push(r);
            ControlFlow::Continue(())
        }
        Err(e) => {
            bad = Some(e);
            ControlFlow::Break(())
        }
    })?;
    match bad {
        Some(e) => Err(ErrorKind::Input {
            place: e.place,
            message: e.message,
        }
        .into()),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str, ext: &str) -> Vec<std::result::Result<String, String>> {
        let dir = std::env::temp_dir().join(format!("vellum-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("in.{ext}"));
        std::fs::write(&path, text).unwrap();
        let mut out = Vec::new();
        Source::path(&path)
            .for_each(&mut |item| {
                out.push(match item {
                    Ok(r) => Ok(format!(
                        "{} {}",
                        r.source.rsplit('/').next().unwrap(),
                        r.value
                    )),
                    Err(e) => Err(format!(
                        "{} {}",
                        e.place.rsplit('/').next().unwrap(),
                        e.message
                    )),
                });
                ControlFlow::Continue(())
            })
            .unwrap();
        out
    }

    #[test]
    fn json_lines_fail_one_line_at_a_time() {
        let out = collect("{\"a\":1}\nnot json\n\n{\"a\":2}\n", "jsonl");
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], Ok("in.jsonl:1 {\"a\":1}".into()));
        assert!(
            out[1]
                .as_ref()
                .unwrap_err()
                .starts_with("in.jsonl:2 invalid JSON")
        );
        assert_eq!(out[2], Ok("in.jsonl:4 {\"a\":2}".into()));
    }

    #[test]
    fn arrays_stream_element_by_element_and_stop_at_broken_json() {
        let out = collect("[{\"a\":1}, {\"a\":2},\n {\"a\": }]", "json");
        assert_eq!(out[0], Ok("in.json[0] {\"a\":1}".into()));
        assert_eq!(out[1], Ok("in.json[1] {\"a\":2}".into()));
        assert!(
            out[2].as_ref().unwrap_err().starts_with("in.json:2:"),
            "{out:?}"
        );
        assert_eq!(out.len(), 3);
        assert_eq!(
            collect(" {\"a\":3} ", "json"),
            [Ok("in.json {\"a\":3}".into())]
        );
        // Found by fuzzing: a form feed is not JSON white space.
        assert!(collect("\u{c}[1]", "json")[0].is_err());
    }
}
