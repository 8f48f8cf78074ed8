//! The record's values of a design's e-invoice terms, carried by the
//! [`Document`](super::Document) from composition to rendering.

use std::collections::BTreeMap;

use serde_json::Value;

/// What a record holds for the EN 16931 terms its design maps to fields
/// (`invoice.toml`), taken as they are when the document is composed; the
/// renderer types and checks them (a mandatory term missing is its error,
/// naming the term and the field). Terms the design sets as constants, and
/// fields the record lacks, are not here.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct InvoiceData {
    /// Term id (`BT-1`) -> the record's value.
    pub terms: BTreeMap<String, Value>,
    /// Per invoice line (an entry of the design's list of lines), term id ->
    /// the entry's value.
    pub lines: Vec<BTreeMap<String, Value>>,
}
