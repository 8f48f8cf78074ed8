//! The record's e-invoice values ([`InvoiceData`]), taken as they are; the
//! renderer types and checks them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::design::invoice::{InvoiceMap, Source, term_of};
use crate::model::InvoiceData;

/// The values of every term `map` takes from a field, from `record`.
pub(super) fn data(map: &InvoiceMap, record: &Value) -> InvoiceData {
    let entries = map
        .lines
        .as_deref()
        .and_then(|list| list.split('.').try_fold(record, |v, seg| v.get(seg)))
        .and_then(Value::as_array);
    let lines = entries.map_or_else(Vec::new, |rows| {
        rows.iter()
            .map(|row| values(map, record, Some(row)))
            .collect()
    });
    InvoiceData {
        terms: values(map, record, None),
        lines,
    }
}

/// The header terms (`row` none) or one line's terms.
fn values(map: &InvoiceMap, record: &Value, row: Option<&Value>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (id, source) in &map.terms {
        let is_line = term_of(id).is_some_and(|t| t.line);
        if is_line != row.is_some() {
            continue;
        }
        if let Source::Field { field, .. } = source
            && let Ok(Some(v)) = field.get(record, row)
        {
            out.insert((*id).to_owned(), v.clone());
        }
    }
    out
}
