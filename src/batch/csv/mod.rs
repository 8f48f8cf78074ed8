//! CSV input: a billing system's export, one row per line item, read row by
//! row and grouped into one record per customer by a [`CsvMapping`].
//!
//! The rows are streamed (one record's rows in memory at a time); the only
//! thing kept across the file is a 24-byte entry per record key seen, so a
//! key that comes back after other keys is an error instead of a second,
//! partial record.

mod mapping;

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::Path;

use ::csv::{ByteRecord, ReaderBuilder};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub use self::mapping::CsvMapping;
use self::mapping::{Column, Field, List, Origin, input_error};

use super::source::{Item, ReadError, Record};
use crate::Kind;
use crate::design::fields::{edit_distance, money_minor};
use crate::error::{Error, ErrorKind, Result};
use crate::model::Date;

/// At most this many rows make one record; a key repeated on more rows
/// (a broken export) fails that record instead of filling memory.
pub const MAX_ROWS_PER_RECORD: usize = 10_000;

/// The mapping's columns as positions in one file's header.
struct Layout<'m> {
    mapping: &'m CsvMapping,
    width: usize,
    key: usize,
    /// Per record field (in mapping order), its column's position.
    fields: Vec<Option<usize>>,
    /// Per list, per element field, its column's position.
    lists: Vec<Vec<Option<usize>>>,
}

impl<'m> Layout<'m> {
    /// Checks the header against the mapping: every column named exists,
    /// once.
    fn new(mapping: &'m CsvMapping, header: &ByteRecord, shown: &str) -> Result<Layout<'m>> {
        let at_header = |message: String| -> Error {
            ErrorKind::Input {
                place: format!("{shown}:1"),
                message,
            }
            .into()
        };
        if header.is_empty() {
            return Err(at_header(
                "empty file: expected a header row naming the columns".into(),
            ));
        }
        let mut names = Vec::with_capacity(header.len());
        for (i, h) in header.iter().enumerate() {
            let h = std::str::from_utf8(h).map_err(|_| {
                at_header(format!("column {} of the header is not UTF-8 text", i + 1))
            })?;
            names.push(h.trim());
        }
        let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            index.entry(n).or_default().push(i);
        }
        let mut problems = Vec::new();
        let mut reported = HashSet::new();
        for c in mapping.columns() {
            if !reported.insert(c.name.as_str()) {
                continue;
            }
            match index.get(c.name.as_str()).map(Vec::as_slice) {
                Some([_]) => {}
                Some(several) => problems.push((
                    c.offset,
                    c.place.clone(),
                    format!(
                        "column `{}` is in the header of {shown} {} times (columns {}): which one is meant?",
                        c.name,
                        several.len(),
                        several
                            .iter()
                            .map(|i| (i + 1).to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                None => problems.push((
                    c.offset,
                    c.place.clone(),
                    unknown_column(&c.name, &names, shown),
                )),
            }
        }
        input_error(problems)?;
        let position = |c: &Column| index.get(c.name.as_str()).and_then(|v| v.first().copied());
        let positions = |fields: &[Field]| -> Vec<Option<usize>> {
            fields
                .iter()
                .map(|f| match &f.from {
                    Origin::Column(c, _) => position(c),
                    Origin::Value(_) => None,
                })
                .collect()
        };
        Ok(Layout {
            mapping,
            width: header.len(),
            key: position(&mapping.key).unwrap_or(0),
            fields: positions(&mapping.fields),
            lists: mapping.lists.iter().map(|l| positions(&l.fields)).collect(),
        })
    }
}

fn unknown_column(name: &str, header: &[&str], shown: &str) -> String {
    let mut message = format!("column `{name}` is not in the header of {shown}");
    // Another case first (`IBAN` for `iban`); else, as for unknown
    // components, at most two edits and at most half the name.
    let closest = header
        .iter()
        .find(|h| h.eq_ignore_ascii_case(name))
        .map(|h| (0, *h))
        .or_else(|| {
            header
                .iter()
                .map(|h| (edit_distance(h, name), *h))
                .filter(|(d, h)| *d <= 2 && 2 * d <= h.chars().count())
                .min()
        });
    match closest {
        Some((_, h)) => message.push_str(&format!("; did you mean `{h}`?")),
        None => {
            let shown: Vec<&str> = header.iter().take(20).copied().collect();
            let more = if header.len() > 20 { ", ..." } else { "" };
            message.push_str(&format!(" (it has: {}{more})", shown.join(", ")));
        }
    }
    message
}

/// The rows of one record so far.
struct Group {
    key: String,
    /// The line of its first row: the record's place.
    line: u64,
    rows: usize,
    value: Map<String, Value>,
    /// Per record field, the cell it was taken from and its line.
    firsts: Vec<Option<(String, u64)>>,
    lists: Vec<Vec<Value>>,
    /// The first thing wrong with it; its other rows are then only counted.
    error: Option<String>,
}

impl Group {
    fn new(key: String, line: u64, layout: &Layout<'_>) -> Group {
        Group {
            key,
            line,
            rows: 0,
            value: Map::new(),
            firsts: vec![None; layout.fields.len()],
            lists: vec![Vec::new(); layout.lists.len()],
            error: None,
        }
    }

    /// Fails the record, naming the row when it is not the first.
    fn fail(&mut self, line: u64, message: String) {
        if self.error.is_none() {
            self.error = Some(if line == self.line {
                message
            } else {
                format!("line {line}: {message}")
            });
        }
    }

    fn add(&mut self, row: &ByteRecord, line: u64, layout: &Layout<'_>) {
        self.rows += 1;
        if self.error.is_some() {
            return;
        }
        if self.rows > MAX_ROWS_PER_RECORD {
            return self.fail(
                line,
                format!("more than {MAX_ROWS_PER_RECORD} rows with the key of this record"),
            );
        }
        if row.len() != layout.width {
            return self.fail(
                line,
                format!("{} columns, the header has {}", row.len(), layout.width),
            );
        }
        if let Err(m) = self.add_fields(row, line, layout) {
            return self.fail(line, m);
        }
        for (l, (list, positions)) in layout.mapping.lists.iter().zip(&layout.lists).enumerate() {
            match element(row, list, positions) {
                Ok(Some(e)) => self.lists[l].push(Value::Object(e)),
                Ok(None) => {}
                Err(m) => return self.fail(line, m),
            }
        }
    }

    fn add_fields(
        &mut self,
        row: &ByteRecord,
        line: u64,
        layout: &Layout<'_>,
    ) -> std::result::Result<(), String> {
        for (i, (field, pos)) in layout.mapping.fields.iter().zip(&layout.fields).enumerate() {
            let (Origin::Column(column, kind), Some(pos)) = (&field.from, *pos) else {
                continue;
            };
            let Some(text) = cell(row, pos, column, &field.path)? else {
                continue;
            };
            match &self.firsts[i] {
                None => {
                    let v = convert(text, *kind, column, &field.path)?;
                    insert(&mut self.value, &field.path, v);
                    self.firsts[i] = Some((text.to_owned(), line));
                }
                Some((first, _)) if first == text => {}
                Some((_, first_line)) => {
                    return Err(format!(
                        "column `{}` ({}) differs from line {first_line} of the same record: its rows must agree on the record's fields or leave them empty",
                        column.name, field.path
                    ));
                }
            }
        }
        Ok(())
    }

    /// The record, or why it failed.
    fn finish(mut self, layout: &Layout<'_>, shown: &str) -> Item {
        let place = format!("{shown}:{}", self.line);
        if let Some(message) = self.error {
            return Err(ReadError { place, message });
        }
        for f in &layout.mapping.fields {
            if let Origin::Value(v) = &f.from {
                insert(&mut self.value, &f.path, v.clone());
            }
        }
        for (list, items) in layout.mapping.lists.iter().zip(self.lists) {
            insert(&mut self.value, &list.path, Value::Array(items));
        }
        Ok(Record {
            source: place,
            value: Value::Object(self.value),
        })
    }
}

/// One list element from a row: `None` when all its cells are empty.
fn element(
    row: &ByteRecord,
    list: &List,
    positions: &[Option<usize>],
) -> std::result::Result<Option<Map<String, Value>>, String> {
    let mut e = Map::new();
    let mut any = false;
    for (field, pos) in list.fields.iter().zip(positions) {
        let path = format!("{}.{}", list.path, field.path);
        match (&field.from, *pos) {
            (Origin::Column(column, kind), Some(pos)) => {
                if let Some(text) = cell(row, pos, column, &path)? {
                    insert(&mut e, &field.path, convert(text, *kind, column, &path)?);
                    any = true;
                }
            }
            (Origin::Value(v), _) => insert(&mut e, &field.path, v.clone()),
            (Origin::Column(..), None) => {}
        }
    }
    Ok(any.then_some(e))
}

/// A cell's text without its spaces; `None` when empty.
fn cell<'r>(
    row: &'r ByteRecord,
    pos: usize,
    column: &Column,
    path: &str,
) -> std::result::Result<Option<&'r str>, String> {
    let Some(bytes) = row.get(pos) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| format!("column `{}` ({path}) is not UTF-8 text", column.name))?
        .trim();
    Ok((!text.is_empty()).then_some(text))
}

/// A cell as a value of its type.
fn convert(
    text: &str,
    kind: Kind,
    column: &Column,
    path: &str,
) -> std::result::Result<Value, String> {
    let value = match kind {
        Kind::Number => text.parse::<i64>().map(Value::from).ok().or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        }),
        Kind::Integer => text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| text.parse::<u64>().map(Value::from).ok()),
        Kind::Money => {
            let v = Value::from(text);
            money_minor(&v, 0).is_some().then_some(v)
        }
        Kind::Date => Date::parse(text).map(|_| Value::from(text)),
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(Value::Bool(true)),
            "false" | "no" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        Kind::String | Kind::Url | Kind::List => Some(Value::from(text)),
    };
    value.ok_or_else(|| {
        let expected = match kind {
            Kind::Number => "a number",
            Kind::Integer => "a whole number",
            Kind::Money => "an amount such as 12.50",
            Kind::Date => "a date YYYY-MM-DD",
            _ => "true or false",
        };
        format!(
            "column `{}` ({path}): expected {expected}, found {:?}",
            column.name,
            short(text)
        )
    })
}

/// At most 40 characters of a cell, for a message.
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_owned(),
    }
}

/// Sets `path` (dotted) in `map`, making the records on the way. The
/// mapping has no path inside another, so nothing is overwritten.
fn insert(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let inner = map.entry(head).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                insert(inner, rest, value);
            }
        }
    }
}

/// A key as 128 bits of its SHA-256: the keys seen are kept for the whole
/// file, so not as text.
fn key_hash(key: &str) -> u128 {
    let digest = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(b)
}

/// Reads a CSV file as records, streaming: each record is handed to `each`
/// as soon as a row with another key (or the end) shows it is complete.
/// Fails only when the file cannot be read or its header does not fit the
/// mapping; a bad row fails only its record.
pub(super) fn read(
    path: &Path,
    mapping: &CsvMapping,
    each: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> Result<()> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = ReaderBuilder::new()
        .delimiter(mapping.delimiter)
        // Column counts are checked per row, so a short row fails only its
        // record and its key still groups it.
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(file);
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error(path, e))?
        .clone();
    let layout = Layout::new(mapping, &header, &shown)?;
    let lines = Lines::of(path, reader.position().byte());
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut group: Option<Group> = None;
    let mut row = ByteRecord::new();
    loop {
        let more = match reader.read_byte_record(&mut row) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                if let Some(mut g) = group.take() {
                    g.fail(line, format!("the file cannot be read from here on: {e}"));
                    let _ = each(g.finish(&layout, &shown));
                }
                return Err(csv_error(path, e));
            }
        };
        if !more {
            break;
        }
        let line = lines.start(&row, reader.position());
        if row.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        let key = row.get(layout.key).map(std::str::from_utf8);
        let Some(Ok(key)) = key.map(|k| k.map(str::trim)).filter(|k| k != &Ok("")) else {
            // No key, no record to join: the row fails on its own.
            let mut message = match key {
                Some(Err(_)) => format!("the key column `{}` is not UTF-8 text", mapping.key.name),
                _ => format!("no value in the key column `{}`", mapping.key.name),
            };
            if row.len() != layout.width {
                message.push_str(&format!(
                    " ({} columns, the header has {})",
                    row.len(),
                    layout.width
                ));
            }
            let item = Err(ReadError {
                place: format!("{shown}:{line}"),
                message,
            });
            if each(item).is_break() {
                return Ok(());
            }
            continue;
        };
        if group.as_ref().is_none_or(|g| g.key != key) {
            if let Some(done) = group.take()
                && each(done.finish(&layout, &shown)).is_break()
            {
                return Ok(());
            }
            let mut g = Group::new(key.to_owned(), line, &layout);
            let hash = key_hash(key);
            if let Some(first) = seen.get(&hash) {
                g.error = Some(format!(
                    "key `{}` again after other records (its rows began at line {first}): the rows of one record must be consecutive; sort the file by `{}`",
                    short(key),
                    mapping.key.name
                ));
            } else {
                seen.insert(hash, line);
            }
            group = Some(g);
        }
        if let Some(g) = &mut group {
            g.add(&row, line, &layout);
        }
    }
    if let Some(g) = group {
        let _ = each(g.finish(&layout, &shown));
    }
    Ok(())
}

/// The lines rows start on. The csv crate places a record where its reader
/// began: before the blank lines it skipped and, in a CRLF file, before the
/// LF of the line before; and it counts lines by LF only. Its position
/// after a row is exact, so count back from there.
struct Lines {
    ends: LineEnds,
    /// The file's length when its last byte is not an LF.
    unterminated: Option<u64>,
}

/// What ends a file's lines, as its header's line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineEnds {
    Lf,
    /// A record ends at its CR; the LF is read with the next record.
    CrLf,
    /// Not counted as lines at all by the csv crate.
    Cr,
}

impl Lines {
    /// Looks at the bytes around the header's end and at the file's last
    /// byte (a file that cannot be read there, such as a pipe, counts as LF).
    fn of(path: &Path, header_end: u64) -> Lines {
        use std::io::{Read, Seek, SeekFrom};
        let at = |offset: u64, buf: &mut [u8]| -> Option<usize> {
            let mut file = std::fs::File::open(path).ok()?;
            file.seek(SeekFrom::Start(offset)).ok()?;
            file.read(buf).ok()
        };
        let mut around = [0u8; 2];
        let ends = match header_end.checked_sub(1).and_then(|o| at(o, &mut around)) {
            Some(2) if around == *b"\r\n" => LineEnds::CrLf,
            Some(1 | 2) if around[0] == b'\r' => LineEnds::Cr,
            _ => LineEnds::Lf,
        };
        let len = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        let mut last = [0u8];
        let unterminated = len
            .filter(|&len| len.checked_sub(1).and_then(|o| at(o, &mut last)) == Some(1))
            .filter(|_| last[0] != b'\n');
        Lines { ends, unterminated }
    }

    /// The line `row` starts on, `after` being the reader's position after it.
    fn start(&self, row: &ByteRecord, after: &::csv::Position) -> u64 {
        let began = row.position().map_or(1, |p| p.line());
        let inside = row
            .iter()
            .map(|cell| cell.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum::<u64>();
        let own_lf = match self.ends {
            LineEnds::Lf => u64::from(self.unterminated != Some(after.byte())),
            LineEnds::CrLf => 0,
            // Lines are records here (good enough for a rare, old format).
            LineEnds::Cr => return row.position().map_or(1, |p| p.record() + 1),
        };
        after.line().saturating_sub(inside + own_lf).max(began)
    }
}

fn csv_error(path: &Path, e: ::csv::Error) -> Error {
    let message = e.to_string();
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => Error::io(path, io),
        _ => ErrorKind::Input {
            place: path.display().to_string(),
            message,
        }
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"
key = "account"
[fields]
"customer.id" = "account"
"customer.name" = "name"
"totals.due" = { column = "total", type = "money" }
"account.overdue" = { column = "overdue", type = "bool" }
"payment.beneficiary" = { value = "Northwind" }
[lists.items]
description = "desc"
amount = { column = "amount", type = "number" }
"#;

    /// The items read from `csv` with `mapping`: records as compact JSON,
    /// errors as `line message`.
    fn read_str(
        mapping: &str,
        csv: impl AsRef<[u8]>,
    ) -> Result<Vec<std::result::Result<String, String>>> {
        let mapping = CsvMapping::parse(mapping, "map.toml")?;
        let dir = std::env::temp_dir().join(format!("vellum-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = csv.as_ref();
        let name = format!("{:x}", Sha256::digest(csv));
        let path = dir.join(format!("{}.csv", &name[..16]));
        std::fs::write(&path, csv).unwrap();
        let mut out = Vec::new();
        let result = read(&path, &mapping, &mut |item| {
            let short = |place: &str| place.rsplit(':').next().unwrap().to_owned();
            out.push(match item {
                Ok(r) => Ok(format!("{} {}", short(&r.source), r.value)),
                Err(e) => Err(format!("{} {}", short(&e.place), e.message)),
            });
            ControlFlow::Continue(())
        });
        let _ = std::fs::remove_file(&path);
        result.map(|()| out)
    }

    fn ok(mapping: &str, csv: &str) -> Vec<std::result::Result<String, String>> {
        read_str(mapping, csv).unwrap()
    }

    #[test]
    fn consecutive_rows_with_one_key_are_one_record_with_its_items() {
        let out = ok(
            MAPPING,
            "account,name,total,overdue,desc,amount\n\
             A1,Ann,10.50,no,Basic,3\n\
             A1,,,,Energy,7.5\n\
             \n\
             A2, Bob ,2,YES,,\n",
        );
        assert_eq!(out.len(), 2, "{out:?}");
        let a1: Value =
            serde_json::from_str(out[0].as_ref().unwrap().split_once(' ').unwrap().1).unwrap();
        assert!(out[0].as_ref().unwrap().starts_with("2 "), "{out:?}");
        assert_eq!(a1["customer"]["id"], "A1");
        assert_eq!(a1["totals"]["due"], "10.50", "money is kept as exact text");
        assert_eq!(a1["account"]["overdue"], false);
        assert_eq!(a1["payment"]["beneficiary"], "Northwind");
        assert_eq!(
            a1["items"],
            serde_json::json!([{"description": "Basic", "amount": 3}, {"description": "Energy", "amount": 7.5}])
        );
        let a2: Value =
            serde_json::from_str(out[1].as_ref().unwrap().split_once(' ').unwrap().1).unwrap();
        assert!(out[1].as_ref().unwrap().starts_with("5 "), "{out:?}");
        assert_eq!(a2["customer"]["name"], "Bob", "cells are trimmed");
        assert_eq!(a2["account"]["overdue"], true);
        assert_eq!(a2["items"], serde_json::json!([]), "a list is always there");
    }

    #[test]
    fn empty_cells_leave_fields_out() {
        let out = ok(
            MAPPING,
            "account,name,total,overdue,desc,amount\nA1,,,,Basic,\n",
        );
        let v: Value =
            serde_json::from_str(out[0].as_ref().unwrap().split_once(' ').unwrap().1).unwrap();
        assert_eq!(v["customer"], serde_json::json!({"id": "A1"}));
        assert!(
            v.get("totals").is_none() && v.get("account").is_none(),
            "{v}"
        );
        assert_eq!(v["items"], serde_json::json!([{"description": "Basic"}]));
    }

    #[test]
    fn a_bad_row_fails_its_record_only_and_names_its_line() {
        let out = ok(
            MAPPING,
            "account,name,total,overdue,desc,amount\n\
             A1,Ann,1,no,Basic,3\n\
             A1,Ann,1,no,Energy\n\
             A2,Bob,twelve,no,Basic,3\n\
             A3,Cy,1,no,Basic,3x\n\
             A4,Di,1,maybe,,\n\
             A5,Ed,1,no,Basic,3\n",
        );
        assert_eq!(out.len(), 5, "{out:?}");
        assert_eq!(
            out[0],
            Err("2 line 3: 5 columns, the header has 6".to_owned())
        );
        assert_eq!(
            out[1],
            Err(
                "4 column `total` (totals.due): expected an amount such as 12.50, found \"twelve\""
                    .to_owned()
            )
        );
        assert_eq!(
            out[2],
            Err("5 column `amount` (items.amount): expected a number, found \"3x\"".to_owned())
        );
        assert_eq!(
            out[3],
            Err(
                "6 column `overdue` (account.overdue): expected true or false, found \"maybe\""
                    .to_owned()
            )
        );
        assert!(
            out[4].as_ref().is_ok_and(|r| r.starts_with("7 ")),
            "{out:?}"
        );
    }

    #[test]
    fn a_key_seen_again_after_others_is_an_error_not_a_merge() {
        let out = ok(
            MAPPING,
            "account,name,total,overdue,desc,amount\n\
             A1,Ann,1,no,Basic,3\n\
             A2,Bob,1,no,Basic,3\n\
             A1,Ann,1,no,Energy,4\n\
             A1,Ann,1,no,Tax,1\n\
             A3,Cy,1,no,Basic,3\n",
        );
        assert_eq!(out.len(), 4, "{out:?}");
        assert!(
            out[0].is_ok() && out[1].is_ok() && out[3].is_ok(),
            "{out:?}"
        );
        let err = out[2].as_ref().unwrap_err();
        assert!(
            err.starts_with("4 key `A1` again after other records (its rows began at line 2)"),
            "{err}"
        );
    }

    #[test]
    fn a_record_of_too_many_rows_fails_instead_of_filling_memory() {
        let mut csv = String::from("account,name,total,overdue,desc,amount\n");
        for _ in 0..=MAX_ROWS_PER_RECORD {
            csv.push_str("A1,Ann,1,no,x,1\n");
        }
        csv.push_str("A2,Bob,1,no,x,1\n");
        let out = ok(MAPPING, &csv);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0],
            Err(format!(
                "2 line {}: more than {MAX_ROWS_PER_RECORD} rows with the key of this record",
                MAX_ROWS_PER_RECORD + 2
            ))
        );
        assert!(out[1].is_ok(), "{out:?}");
    }

    #[test]
    fn rows_of_a_record_must_agree_and_a_row_without_key_fails_alone() {
        let out = ok(
            MAPPING,
            "account,name,total,overdue,desc,amount\n\
             A1,Ann,1,no,Basic,3\n\
             A1,Anne,1,no,Energy,4\n\
             ,Bob,1,no\n\
             ,,,,,\n\
             A2,Bob,1,no,Basic,3\n",
        );
        assert_eq!(out.len(), 3, "{out:?}");
        // The row without a key fails at once; A1 is complete only at A2.
        assert_eq!(
            out[0],
            Err("4 no value in the key column `account` (4 columns, the header has 6)".to_owned()),
        );
        assert_eq!(
            out[1],
            Err("2 line 3: column `name` (customer.name) differs from line 2 of the same record: its rows must agree on the record's fields or leave them empty".to_owned())
        );
        assert!(
            out[2].as_ref().is_ok_and(|r| r.starts_with("6 ")),
            "{out:?}"
        );
    }

    #[test]
    fn text_that_is_not_utf8_fails_only_where_the_mapping_reads_it() {
        let long = "K".repeat(100);
        let mut csv = b"account,name,total,overdue,desc,amount,unmapped\n".to_vec();
        csv.extend_from_slice(b"A1,Ann,1,no,x,1,\xff\n");
        csv.extend_from_slice(b"A2,B\xffob,1,no,x,1,\n");
        csv.extend_from_slice(b"\xff,Cy,1,no,x,1,\n");
        csv.extend_from_slice(format!("{long},Di,1,no,x,1,\nA3,Ed,1,no,x,1,\n").as_bytes());
        csv.extend_from_slice(format!("{long},Di,1,no,x,1,\n").as_bytes());
        let out = read_str(MAPPING, csv).unwrap();
        assert_eq!(out.len(), 6, "{out:?}");
        assert!(
            out[0].as_ref().is_ok_and(|r| r.starts_with("2 ")),
            "{out:?}"
        );
        assert_eq!(
            out[1],
            Err("4 the key column `account` is not UTF-8 text".to_owned())
        );
        assert_eq!(
            out[2],
            Err("3 column `name` (customer.name) is not UTF-8 text".to_owned())
        );
        assert!(out[3].is_ok() && out[4].is_ok(), "{out:?}");
        // Customer data in a message is cut short.
        assert_eq!(
            out[5],
            Err(format!(
                "7 key `{}...` again after other records (its rows began at line 5): the rows of one record must be consecutive; sort the file by `account`",
                "K".repeat(40)
            ))
        );
    }

    #[test]
    fn quoted_cells_semicolons_and_a_bom() {
        let mapping = format!("delimiter = \";\"\n{MAPPING}");
        let out = ok(
            &mapping,
            "\u{feff}account;name;total;overdue;desc;amount\n\
             A1;\"Carter; Emily\";1;no;\"two\nlines\";3\n\
             A2;Bob;1;no;x;1\n",
        );
        let v: Value =
            serde_json::from_str(out[0].as_ref().unwrap().split_once(' ').unwrap().1).unwrap();
        assert_eq!(v["customer"]["name"], "Carter; Emily");
        assert_eq!(v["items"][0]["description"], "two\nlines");
        assert!(
            out[1].as_ref().is_ok_and(|r| r.starts_with("4 ")),
            "line of the row after a quoted newline: {out:?}"
        );
    }

    #[test]
    fn places_are_the_lines_of_the_file_past_blank_lines_and_quoted_newlines() {
        let lines = |csv: &str| -> Vec<String> {
            ok(MAPPING, csv)
                .into_iter()
                .map(|i| i.unwrap().split_once(' ').unwrap().0.to_owned())
                .collect()
        };
        let header = "account,name,total,overdue,desc,amount\n";
        assert_eq!(
            lines(&format!(
                "{header}\nA1,Ann,1,no,x,1\n\n\nA2,\"B\nob\",1,no,x,1\n\nA3,Cy,1,no,x,1\nA4,Di,1,no,x,1"
            )),
            ["3", "6", "9", "10"]
        );
        let crlf = header.replace('\n', "\r\n");
        assert_eq!(
            lines(&format!(
                "{crlf}\r\nA1,Ann,1,no,x,1\r\nA2,\"B\r\nob\",1,no,x,1\r\n\r\nA3,Cy,1,no,x,1\r\n\r\n"
            )),
            ["3", "4", "7"]
        );
        let cr = header.replace('\n', "\r");
        assert_eq!(
            lines(&format!("{cr}A1,Ann,1,no,x,1\rA2,Bob,1,no,x,1\r")),
            ["2", "3"]
        );
        assert_eq!(
            lines(&format!(
                "{header}A1,Ann,1,no,x,1\n\n\nA2,Bob,1,no,x,\"1\n\""
            )),
            ["2", "5"]
        );
    }

    #[test]
    fn unknown_columns_stop_the_input_with_the_mapping_line() {
        let e = read_str(
            MAPPING,
            "Account,name,totl,overdue,description,amount\nA1,Ann,1,no,Basic,3\n",
        )
        .unwrap_err()
        .to_string();
        // In the mapping's order, each with a hint.
        let lines: Vec<&str> = e.lines().map(str::trim).collect();
        assert_eq!(lines.len(), 3, "{e}");
        assert!(
            lines[0].starts_with("map.toml:2:7: column `account` is not in the header of ")
                && lines[0].ends_with(".csv; did you mean `Account`?"),
            "{e}"
        );
        assert!(
            lines[1].starts_with("map.toml:6:16: column `total` is not in the header of ")
                && lines[1].ends_with(".csv; did you mean `totl`?"),
            "{e}"
        );
        assert!(
            e.contains("map.toml:10:15: column `desc` is not in the header"),
            "{e}"
        );
        let e = read_str(MAPPING, "").unwrap_err().to_string();
        assert!(
            e.ends_with(":1: empty file: expected a header row naming the columns"),
            "{e}"
        );
        let e = read_str(MAPPING, "account,name,name,total,overdue,desc,amount\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("map.toml:5:19: column `name` is in the header of"),
            "{e}"
        );
        assert!(e.contains("2 times (columns 2, 3)"), "{e}");
    }

    #[test]
    fn bad_mappings_report_every_problem_with_its_line() {
        let e = CsvMapping::parse(
            "key = \"account\"\n\
             delimiter = \";;\"\n\
             [fields]\n\
             \"customer\" = \"name\"\n\
             \"customer.id\" = \"account\"\n\
             \"a..b\" = \"x\"\n\
             \"total\" = { column = \"t\", type = \"moneyy\" }\n\
             \"when\" = { value = 1, type = \"date\" }\n\
             \"odd\" = { colum = \"x\" }\n\
             [lists.items]\n\
             x = { value = \"constant\" }\n",
            "m.toml",
        )
        .unwrap_err()
        .to_string();
        let lines: Vec<&str> = e.lines().map(str::trim).collect();
        let want = [
            "m.toml:2:13: delimiter \";;\": expected one ASCII character",
            "m.toml:6:10: invalid field path \"a..b\"",
            "m.toml:9:9: `odd`: unknown key `colum`",
            "m.toml:7:11: `total`: unknown type \"moneyy\"",
            "m.toml:8:10: `when`: a `value` has no `type`",
            "m.toml:10:1: list `items` takes no column",
            "m.toml:5:17: `customer.id` lies inside `customer`",
        ];
        for w in want {
            assert!(
                lines.iter().any(|l| l.starts_with(w)),
                "missing {w:?} in:\n{e}"
            );
        }
        assert_eq!(lines.len(), want.len(), "{e}");
        let e = CsvMapping::parse("key = \"a\"\n[field]\n", "m.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:2:2: unknown field `field`"), "{e}");
        let e = CsvMapping::parse("[fields]\n", "m.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `key`"), "{e}");
    }

    #[test]
    fn types_convert_or_say_what_they_expected() {
        let c = Column {
            name: "c".into(),
            place: String::new(),
            offset: 0,
        };
        assert_eq!(
            convert("1120", Kind::Number, &c, "p"),
            Ok(Value::from(1120))
        );
        assert_eq!(
            convert("-0.25", Kind::Number, &c, "p"),
            Ok(Value::from(-0.25))
        );
        assert!(convert("NaN", Kind::Number, &c, "p").is_err());
        assert!(convert("inf", Kind::Number, &c, "p").is_err());
        assert_eq!(
            convert("1e3", Kind::Number, &c, "p"),
            Ok(Value::from(1000.0))
        );
        assert_eq!(convert("7", Kind::Integer, &c, "p"), Ok(Value::from(7)));
        assert_eq!(
            convert("7.5", Kind::Integer, &c, "p"),
            Err("column `c` (p): expected a whole number, found \"7.5\"".to_owned())
        );
        assert_eq!(
            convert("-12.50", Kind::Money, &c, "p"),
            Ok(Value::from("-12.50"))
        );
        assert!(convert("12,50", Kind::Money, &c, "p").is_err());
        assert_eq!(
            convert("2026-12-31", Kind::Date, &c, "p"),
            Ok(Value::from("2026-12-31"))
        );
        assert!(convert("2026-02-30", Kind::Date, &c, "p").is_err());
        assert!(convert("31.12.2026", Kind::Date, &c, "p").is_err());
        assert_eq!(convert("No", Kind::Bool, &c, "p"), Ok(Value::Bool(false)));
        assert_eq!(
            convert("<b>x</b>", Kind::String, &c, "p"),
            Ok(Value::from("<b>x</b>"))
        );
    }
}
