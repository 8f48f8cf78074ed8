//! Reading event files: a file, or every file of a directory (and its
//! subdirectories) in name order, each by its extension:
//!
//! | extension            | what                                   | largest  |
//! |----------------------|----------------------------------------|----------|
//! | `.eml`               | a DSN bounce ([`parse_dsn`])           | 8 MiB    |
//! | `.jsonl`, `.ndjson`  | SMS gateway events ([`parse_sms_line`]) | 256 MiB  |
//! | `.http`              | a one-click request ([`parse_request`]) | 64 KiB   |
//! | `.csv`               | print returns ([`parse_returns`])      | 64 MiB   |
//!
//! A file over its limit is refused before it is read, so 10 MB of garbage
//! is a prompt error, not a long parse. A file is all or nothing: one bad
//! line rejects the file, and nothing of it is taken. Files whose name
//! starts with `.` or ends with `.tmp` are being written (the servers write
//! there and rename) and are skipped; any other file is read or is an error.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::{Event, EventError, parse_dsn, parse_request, parse_returns, parse_sms_line};
use crate::message::UnsubscribeKey;

/// The longest line of a JSON Lines file.
const MAX_LINE: usize = 64 * 1024;

/// How deep folders are read.
const MAX_DEPTH: usize = 8;

/// The kinds of event files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dsn,
    Sms,
    OneClick,
    Returns,
}

impl Kind {
    fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "eml" => Some(Kind::Dsn),
            "jsonl" | "ndjson" => Some(Kind::Sms),
            "http" => Some(Kind::OneClick),
            "csv" => Some(Kind::Returns),
            _ => None,
        }
    }

    fn limit(self) -> u64 {
        match self {
            Kind::Dsn => 8 << 20,
            Kind::Sms => 256 << 20,
            Kind::OneClick => super::oneclick::MAX_REQUEST as u64,
            Kind::Returns => 64 << 20,
        }
    }
}

/// What one file gave.
#[derive(Debug)]
pub struct FileEvents {
    /// The file.
    pub path: PathBuf,
    /// Its events, or why none of them is taken.
    pub result: Result<Vec<Event>, EventError>,
}

/// Every event of `path` (a file, or a directory's files in name order),
/// or the first file's error: nothing is taken from input that has one.
/// [`read_each`] gives every file's result instead.
pub fn read(path: &Path, key: &UnsubscribeKey) -> Result<Vec<Event>, EventError> {
    let mut events = Vec::new();
    for f in read_each(path, key)? {
        events.extend(f.result?);
    }
    Ok(events)
}

/// The events of each file of `path` (a file, or a directory's files in
/// name order, subdirectories included), each file with its own result, so
/// an operator's folder of mixed files reports every bad one and loses
/// none. The error is for a `path` that cannot be listed.
pub fn read_each(path: &Path, key: &UnsubscribeKey) -> Result<Vec<FileEvents>, EventError> {
    let mut files = Vec::new();
    list(path, &mut files, 0)?;
    Ok(files
        .into_iter()
        .map(|p| FileEvents {
            result: read_file(&p, key),
            path: p,
        })
        .collect())
}

/// The events of one file.
pub fn read_file(path: &Path, key: &UnsubscribeKey) -> Result<Vec<Event>, EventError> {
    let name = path.display().to_string();
    let err = |m: String| EventError::new(&name, m);
    let kind = Kind::of(path).ok_or_else(|| {
        err("not an event file: expected .eml (DSN), .jsonl (SMS gateway), .http (one-click request) or .csv (print returns)".into())
    })?;
    let file = std::fs::File::open(path).map_err(|e| err(format!("cannot open: {e}")))?;
    let size = file
        .metadata()
        .map_err(|e| err(format!("cannot read: {e}")))?
        .len();
    if size > kind.limit() {
        return Err(err(format!(
            "{size} bytes, more than the {} a {} file may have",
            kind.limit(),
            match kind {
                Kind::Dsn => "DSN",
                Kind::Sms => "JSON Lines",
                Kind::OneClick => "one-click request",
                Kind::Returns => "returns CSV",
            }
        )));
    }
    // Read at most the limit, even if the file grows meanwhile.
    let reader = file.take(kind.limit());
    match kind {
        Kind::Sms => sms_lines(BufReader::new(reader), &name),
        Kind::Dsn => parse_dsn(&all(reader, &name)?, &name),
        Kind::OneClick => parse_request(&all(reader, &name)?, &name, key).map(|e| vec![e]),
        Kind::Returns => parse_returns(&all(reader, &name)?, &name),
    }
}

fn all(mut r: impl Read, name: &str) -> Result<Vec<u8>, EventError> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes)
        .map_err(|e| EventError::new(name, format!("cannot read: {e}")))?;
    Ok(bytes)
}

/// The events of a JSON Lines file, line by line; blank lines are skipped.
fn sms_lines(mut r: impl BufRead, name: &str) -> Result<Vec<Event>, EventError> {
    let mut events = Vec::new();
    let mut buf = Vec::new();
    for n in 1.. {
        buf.clear();
        let got = r
            .by_ref()
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| EventError::new(format!("{name}:{n}"), format!("cannot read: {e}")))?;
        if got == 0 {
            break;
        }
        let place = format!("{name}:{n}");
        if buf.len() > MAX_LINE {
            return Err(EventError::new(
                place,
                format!("the line is longer than {MAX_LINE} bytes"),
            ));
        }
        let line = std::str::from_utf8(&buf)
            .map_err(|_| EventError::new(&place, "the line is not UTF-8 text"))?;
        if line.trim().is_empty() {
            continue;
        }
        events.extend(parse_sms_line(line, &place)?);
    }
    Ok(events)
}

/// The files under `path`, sorted, skipping ones being written; folders
/// at most [`MAX_DEPTH`] deep (a symbolic link loop ends there).
fn list(path: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), EventError> {
    let err = |e: std::io::Error| EventError::new(path.display().to_string(), format!("{e}"));
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    if depth == MAX_DEPTH {
        return Err(EventError::new(
            path.display().to_string(),
            format!("folders nested more than {MAX_DEPTH} deep (a symbolic link loop?)"),
        ));
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.ends_with(".tmp") {
            continue;
        }
        list(&p, out, depth + 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("vellum-events-read-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn key() -> UnsubscribeKey {
        UnsubscribeKey::from_bytes(vec![3; 16]).unwrap()
    }

    #[test]
    fn a_directory_reads_in_name_order_and_reports_each_file() {
        let d = dir("mixed");
        std::fs::write(
            d.join("b.jsonl"),
            "{\"type\":\"receipt\",\"id\":\"gw-2\",\"status\":\"delivered\"}\n\n",
        )
        .unwrap();
        std::fs::write(
            d.join("a.jsonl"),
            "{\"type\":\"receipt\",\"id\":\"gw-1\",\"status\":\"delivered\"}\n",
        )
        .unwrap();
        std::fs::write(d.join("c.jsonl.tmp"), "half a line").unwrap();
        std::fs::write(d.join("notes.txt"), "hello").unwrap();
        let each = read_each(&d, &key()).unwrap();
        let names: Vec<_> = each
            .iter()
            .map(|f| f.path.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.jsonl", "b.jsonl", "notes.txt"]);
        assert_eq!(each[0].result.as_ref().unwrap().len(), 1);
        let e = each[2].result.as_ref().unwrap_err();
        assert!(
            e.source.ends_with("notes.txt") && e.message.contains("not an event file"),
            "{e}"
        );
        // `read` takes nothing when a file is bad.
        let e = read(&d, &key()).unwrap_err();
        assert!(e.source.ends_with("notes.txt"), "{e}");
        std::fs::remove_file(d.join("notes.txt")).unwrap();
        let events = read(&d, &key()).unwrap();
        assert_eq!(events.len(), 2);
        assert!(
            events[0].source.ends_with("a.jsonl:1"),
            "{}",
            events[0].source
        );
        assert!(events[1].source.ends_with("b.jsonl:1"));
    }

    #[test]
    fn limits_hold_before_reading() {
        let d = dir("limits");
        let big = d.join("big.http");
        std::fs::write(&big, vec![b'x'; 70_000]).unwrap();
        let e = read_file(&big, &key()).unwrap_err();
        assert!(e.message.contains("more than the 65536"), "{e}");
        let long = d.join("long.jsonl");
        std::fs::write(&long, vec![b'{'; MAX_LINE + 10]).unwrap();
        let e = read_file(&long, &key()).unwrap_err();
        assert!(
            e.source.ends_with("long.jsonl:1") && e.message.contains("longer than"),
            "{e}"
        );
        let bin = d.join("bin.jsonl");
        std::fs::write(
            &bin,
            b"{\"type\":\"receipt\",\"id\":\"gw-1\",\"status\":\"sent\"}\n\xff\xfe\n",
        )
        .unwrap();
        let e = read_file(&bin, &key()).unwrap_err();
        assert!(
            e.source.ends_with("bin.jsonl:2") && e.message.contains("UTF-8"),
            "{e}"
        );
        let missing = read(&d.join("nope"), &key()).unwrap_err();
        assert!(missing.source.ends_with("nope"), "{missing}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_ends_with_an_error() {
        let d = dir("loop");
        std::os::unix::fs::symlink(&d, d.join("again")).unwrap();
        let e = read_each(&d, &key()).unwrap_err();
        assert!(e.message.contains("symbolic link loop"), "{e}");
    }
}
