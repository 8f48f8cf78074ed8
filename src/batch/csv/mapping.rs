//! The mapping from a CSV export's columns to a design's record fields: a
//! TOML file, checked against the design's field types when it is parsed.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::design::messages::line_col;
use crate::error::{Error, ErrorKind, Result};
use crate::{FieldType, Kind};

/// How the columns of a CSV file become a design's records: a TOML file
/// naming the key column, the record's fields and its lists.
///
/// ```toml
/// key = "account_no"        # the column that groups rows into one record
/// delimiter = ";"           # optional: one ASCII character, "," by default
///
/// [fields]                  # once per record: record path = column
/// "customer.id" = "account_no"
/// "customer.name" = "name"
/// "account.overdue" = { column = "overdue", type = "bool" }
/// "totals.due" = { column = "total_due", type = "money" }
/// "payment.beneficiary" = { value = "Northwind Energy GmbH" }   # the same for every record
///
/// [lists.items]             # a list at record path `items`: one element per row
/// description = "item_text" # element path = column
/// quantity = { column = "item_qty", type = "number" }
/// amount = { column = "item_amount", type = "money" }
/// ```
///
/// - **Paths** are names joined by dots (`customer.address.city`), as in a
///   design's `[fields]`; a path names the place in the record JSON, and no
///   path may lie inside another (`customer` and `customer.id`).
/// - **Types** (`type`, default `string`): `string`, `url` (text as is),
///   `number` (`1120`, `-0.5`), `integer`, `money` (a decimal such as
///   `-12.50`, kept as exact text), `date` (`YYYY-MM-DD`, kept as text) and
///   `bool` (`true`/`false`, `yes`/`no`, `1`/`0`, any case).
/// - **Cells** lose their leading and trailing spaces; an **empty cell
///   leaves its field out** of the record (the design's validation then
///   says whether it was required). A row whose cells are all empty is
///   skipped.
/// - **`value`** gives a constant (a string, number or bool) for every
///   record or element.
/// - **Records**: consecutive rows with the same value in the `key` column
///   are one record, so **the rows of one customer must be consecutive**
///   (sort the export by the key). A key that comes back after other keys
///   is an error for those rows, never merged silently. A record field
///   comes from the first of its rows where its cell is not empty; the
///   other rows may repeat it or leave it empty, but not differ.
/// - **Lists** (`[lists.<path>]`): each row adds one element made of its
///   cells for that list, unless they are all empty, so item rows and, say,
///   usage rows can share a file. A record always has its lists, possibly
///   empty.
///
/// The file is UTF-8 (a byte order mark is fine) with a header row naming
/// the columns, cells quoted as in RFC 4180 where they hold the delimiter,
/// a quote or a line break, and lines ending in LF or CRLF.
///
/// A record's place is `file:line` of its first row, so a rerun with
/// `only` finds it again there. A record with a bad row (a wrong number of
/// columns, a cell that is not of its type) fails as a whole at that
/// place, its message naming the row's line when it is another, and the
/// run goes on with the next record. A column the mapping names that the
/// header lacks stops the input before its first record, at the mapping's
/// line.
///
/// ```
/// use std::ops::ControlFlow;
/// use vellum::batch::{CsvMapping, Source};
///
/// let mapping = CsvMapping::load("examples/csv/bill-mapping.toml")?;
/// let mut places = Vec::new();
/// Source::csv("examples/csv/bill-cycle.csv", mapping).for_each(&mut |item| {
///     places.push(item.map(|record| record.source).unwrap_or_else(|e| e.to_string()));
///     ControlFlow::Continue(())
/// })?;
/// assert_eq!(places[1], "examples/csv/bill-cycle.csv:14"); // the second customer's first row
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvMapping {
    /// SHA-256 of the mapping's text.
    pub(super) digest: String,
    pub(super) key: Column,
    pub(super) delimiter: u8,
    pub(super) fields: Vec<Field>,
    pub(super) lists: Vec<List>,
}

/// A column named in the mapping, and where.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) name: String,
    /// `mapping.toml:line:column` of the name.
    pub(super) place: String,
    /// Its byte offset in the mapping file.
    pub(super) offset: usize,
}

/// One field of a record or of a list element: its path and where its
/// value comes from.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) path: String,
    pub(super) from: Origin,
}

#[derive(Debug, Clone)]
pub(super) enum Origin {
    Column(Column, Kind),
    Value(Value),
}

#[derive(Debug, Clone)]
pub(super) struct List {
    pub(super) path: String,
    pub(super) fields: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MappingToml {
    pub(super) key: Spanned<String>,
    pub(super) delimiter: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) fields: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    pub(super) lists: BTreeMap<String, Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

/// The problems of a mapping file, each with its place.
pub(super) struct Problems<'a> {
    pub(super) shown: &'a str,
    pub(super) text: &'a str,
    pub(super) found: Vec<Found>,
}

/// A problem of a mapping: its offset in the mapping file (problems are
/// listed in file order), its place and what is wrong.
pub(super) type Found = (usize, String, String);

impl Problems<'_> {
    pub(super) fn at(&self, span: Range<usize>) -> String {
        let (line, col) = line_col(self.text, span.start);
        format!("{}:{line}:{col}", self.shown)
    }

    pub(super) fn push(&mut self, span: Range<usize>, message: String) {
        self.found.push((span.start, self.at(span), message));
    }

    /// One error listing every problem, at the first one's place.
    pub(super) fn into_result(self) -> Result<()> {
        input_error(self.found)
    }
}

/// An input error at the first problem's place, listing the others below it.
pub(super) fn input_error(mut found: Vec<Found>) -> Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    found.sort_by_key(|(offset, _, _)| *offset);
    let (_, place, mut message) = found.remove(0);
    for (_, p, m) in found {
        message.push_str(&format!("\n  {p}: {m}"));
    }
    Err(ErrorKind::Input { place, message }.into())
}

impl CsvMapping {
    /// Reads a mapping file.
    pub fn load(path: impl AsRef<Path>) -> Result<CsvMapping> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        CsvMapping::parse(&text, &path.display().to_string())
    }

    /// Parses a mapping; `shown` names it in the places of errors. Every
    /// problem is reported at once, each with its line.
    pub fn parse(text: &str, shown: &str) -> Result<CsvMapping> {
        let m: MappingToml = toml::from_str(text).map_err(|e| -> Error {
            let (line, col) = line_col(text, e.span().map_or(0, |s| s.start));
            ErrorKind::Input {
                place: format!("{shown}:{line}:{col}"),
                message: e.message().trim().to_owned(),
            }
            .into()
        })?;
        let mut p = Problems {
            shown,
            text,
            found: Vec::new(),
        };
        if m.key.get_ref().trim().is_empty() {
            p.push(m.key.span(), "`key` names no column".to_owned());
        }
        let delimiter = match &m.delimiter {
            None => b',',
            Some(d) => match d.get_ref().as_bytes() {
                [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => *b,
                _ => {
                    p.push(
                        d.span(),
                        format!(
                            "delimiter {:?}: expected one ASCII character such as \",\", \";\" or \"\\t\"",
                            d.get_ref()
                        ),
                    );
                    b','
                }
            },
        };
        let mut paths: Vec<(String, Range<usize>)> = Vec::new();
        let fields = fields_of(&m.fields, "", &mut p, &mut paths);
        let mut lists = Vec::new();
        for (path, entries) in &m.lists {
            let span = entries.span();
            if !is_path(path) {
                p.push(span, invalid_path(path));
                continue;
            }
            paths.push((path.clone(), span.clone()));
            let mut inner = Vec::new();
            let fields = fields_of(entries.get_ref(), path, &mut p, &mut inner);
            check_nesting(&inner, &mut p);
            if !fields.iter().any(|f| matches!(f.from, Origin::Column(..))) {
                p.push(
                    span,
                    format!("list `{path}` takes no column, so no row would add an element"),
                );
            }
            lists.push(List {
                path: path.clone(),
                fields,
            });
        }
        check_nesting(&paths, &mut p);
        let key = Column {
            name: m.key.get_ref().trim().to_owned(),
            place: p.at(m.key.span()),
            offset: m.key.span().start,
        };
        p.into_result()?;
        Ok(CsvMapping {
            digest: crate::model::digest::sha256_hex(text.as_bytes()),
            key,
            delimiter,
            fields,
            lists,
        })
    }

    /// The hex SHA-256 of the mapping's text: two mappings with the same
    /// digest make the same records from the same file (a shared run
    /// compares it between workers).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The column that groups rows into records.
    pub fn key(&self) -> &str {
        &self.key.name
    }

    /// Every column the mapping reads.
    pub(super) fn columns(&self) -> impl Iterator<Item = &Column> {
        let fields = self
            .fields
            .iter()
            .chain(self.lists.iter().flat_map(|l| &l.fields));
        std::iter::once(&self.key).chain(fields.filter_map(|f| match &f.from {
            Origin::Column(c, _) => Some(c),
            Origin::Value(_) => None,
        }))
    }
}

pub(super) fn is_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
}

pub(super) fn invalid_path(path: &str) -> String {
    format!(
        "invalid field path {path:?}: paths are names joined by dots, such as customer.address.city"
    )
}

/// The entries of `[fields]` or of one list; `within` is the list's path
/// (for messages), empty for the record.
pub(super) fn fields_of(
    entries: &BTreeMap<String, Spanned<toml::Value>>,
    within: &str,
    p: &mut Problems<'_>,
    paths: &mut Vec<(String, Range<usize>)>,
) -> Vec<Field> {
    let mut out = Vec::new();
    for (path, v) in entries {
        let span = v.span();
        let shown = match within {
            "" => path.clone(),
            list => format!("{list}.{path}"),
        };
        if !is_path(path) {
            p.push(span, invalid_path(&shown));
            continue;
        }
        if let Some(from) = from_of(&shown, v, p) {
            paths.push((path.clone(), span));
            out.push(Field {
                path: path.clone(),
                from,
            });
        }
    }
    out
}

/// Where one field's value comes from: `"column"`, `{ column, type }` or
/// `{ value }`.
pub(super) fn from_of(
    path: &str,
    v: &Spanned<toml::Value>,
    p: &mut Problems<'_>,
) -> Option<Origin> {
    let span = v.span();
    let column = |name: &str, p: &Problems<'_>| Column {
        name: name.trim().to_owned(),
        place: p.at(span.clone()),
        offset: span.start,
    };
    let table = match v.get_ref() {
        toml::Value::String(name) if !name.trim().is_empty() => {
            return Some(Origin::Column(column(name, p), Kind::String));
        }
        toml::Value::Table(t) => t,
        _ => {
            p.push(
                span,
                format!("`{path}`: expected a column name, {{ column = \"...\", type = \"...\" }} or {{ value = ... }}"),
            );
            return None;
        }
    };
    if let Some(k) = table
        .keys()
        .find(|k| !matches!(k.as_str(), "column" | "type" | "value"))
    {
        p.push(
            span,
            format!("`{path}`: unknown key `{k}` (expected column, type or value)"),
        );
        return None;
    }
    match (table.get("column"), table.get("value"), table.get("type")) {
        (Some(toml::Value::String(name)), None, ty) if !name.trim().is_empty() => {
            let kind = match ty {
                None => Kind::String,
                Some(toml::Value::String(t)) => match FieldType::parse(t) {
                    Some(FieldType {
                        kind,
                        optional: false,
                    }) if kind != Kind::List => kind,
                    _ => {
                        p.push(
                            span,
                            format!("`{path}`: unknown type {t:?} (types: string, number, integer, money, date, bool, url; an empty cell is always allowed)"),
                        );
                        return None;
                    }
                },
                Some(_) => {
                    p.push(span, format!("`{path}`: `type` must be a string"));
                    return None;
                }
            };
            Some(Origin::Column(column(name, p), kind))
        }
        (None, Some(value), None) => {
            let json = match value {
                toml::Value::String(s) => Value::from(s.clone()),
                toml::Value::Integer(i) => Value::from(*i),
                toml::Value::Float(f) if f.is_finite() => Value::from(*f),
                toml::Value::Boolean(b) => Value::from(*b),
                _ => {
                    p.push(
                        span,
                        format!("`{path}`: a `value` must be a string, a finite number or a bool"),
                    );
                    return None;
                }
            };
            Some(Origin::Value(json))
        }
        (None, Some(_), Some(_)) => {
            p.push(
                span,
                format!("`{path}`: a `value` has no `type`: it is written as it should appear"),
            );
            None
        }
        (Some(_), Some(_), _) => {
            p.push(
                span,
                format!("`{path}`: either `column` or `value`, not both"),
            );
            None
        }
        _ => {
            p.push(
                span,
                format!("`{path}`: needs `column` (a column name) or `value`"),
            );
            None
        }
    }
}

/// No path may lie inside another: the record could not hold both.
pub(super) fn check_nesting(paths: &[(String, Range<usize>)], p: &mut Problems<'_>) {
    let all: HashSet<&str> = paths.iter().map(|(path, _)| path.as_str()).collect();
    let mut seen = HashSet::new();
    for (path, span) in paths {
        if !seen.insert(path.as_str()) {
            p.push(span.clone(), format!("`{path}` is both a field and a list"));
            continue;
        }
        let outer = path
            .match_indices('.')
            .map(|(i, _)| &path[..i])
            .find(|outer| all.contains(outer));
        if let Some(outer) = outer {
            p.push(
                span.clone(),
                format!("`{path}` lies inside `{outer}`, which the mapping also fills"),
            );
        }
    }
}
