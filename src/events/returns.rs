//! Print returns: the print shop's CSV of envelopes the post brought back
//! as undeliverable.
//!
//! ```text
//! key,reason,date
//! bill/2026.1/C1003/2026-12/print,moved,2026-12-09
//! ```
//!
//! `key` is the letter's idempotency key, as the envelope manifest the
//! spool wrote for the shop lists it (`manifest-NNNN.json`, `key`); the
//! column may also be named `idempotency_key`. `reason` is the shop's (or
//! the post's) words; `date` (YYYY-MM-DD) is optional. Other columns are
//! allowed and ignored (a shop's own envelope number, say).

use super::quote::{event_id, keep, quote};
use super::{Event, EventError, EventKind, Subject};

/// The longest reason kept.
const REASON_CHARS: usize = 200;

/// The events of the returns CSV `text`, read from `file`; an error names
/// `file:line`.
pub fn parse_returns(text: &[u8], file: &str) -> Result<Vec<Event>, EventError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text);
    let header = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(key_col), Some(reason_col)) =
        (column(&["key", "idempotency_key"]), column(&["reason"]))
    else {
        return Err(EventError::new(
            format!("{file}:1"),
            format!(
                "the header row `{}` needs the columns key and reason (date optional)",
                quote(&header.iter().collect::<Vec<_>>().join(","))
            ),
        ));
    };
    let date_col = column(&["date"]);
    let mut events = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let source = format!("{file}:{line}");
        let field = |i: usize| record.get(i).unwrap_or("");
        let key = field(key_col);
        check_key(key).map_err(|m| EventError::new(&source, m))?;
        let reason = keep(field(reason_col), REASON_CHARS);
        if reason.is_empty() {
            return Err(EventError::new(source, "the reason is empty"));
        }
        let at_ms = match date_col.map(field).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(day_ms(d).ok_or_else(|| {
                EventError::new(&source, format!("date `{}` is not YYYY-MM-DD", quote(d)))
            })?),
        };
        events.push(Event {
            id: event_id("returned", &[key]),
            at_ms,
            subject: Subject::Key(key.to_owned()),
            kind: EventKind::Returned { reason },
            source,
        });
    }
    Ok(events)
}

/// A letter's idempotency key: `design/version/customer/run/print`, no part
/// empty (parts percent-encode their own `/`).
fn check_key(key: &str) -> Result<(), String> {
    let parts: Vec<&str> = key.split('/').collect();
    if parts.len() != 5 || parts.iter().any(|p| p.is_empty()) || key.chars().any(char::is_control) {
        return Err(format!(
            "`{}` is not a letter's idempotency key (design/version/customer/run/print, as the envelope manifest lists it)",
            quote(key)
        ));
    }
    if parts[4] != "print" {
        return Err(format!(
            "`{}` is an idempotency key for channel `{}`, not a letter's",
            quote(key),
            quote(parts[4])
        ));
    }
    Ok(())
}

/// Midnight UTC of a `YYYY-MM-DD` day, in milliseconds.
fn day_ms(d: &str) -> Option<i64> {
    crate::model::Date::parse(d)?;
    let t = mail_parser::DateTime::parse_rfc3339(&format!("{d}T00:00:00Z"))?;
    Some(t.to_timestamp() * 1000)
}

fn csv_error(file: &str, e: &csv::Error) -> EventError {
    let line = e.position().map_or(1, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8 text".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => format!("not CSV: {e}"),
    };
    EventError::new(format!("{file}:{line}"), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_is_a_returned_letter() {
        let csv = "key,reason,date\n\
                   bill/2026.1/C1003/2026-12/print,moved,2026-12-09\n\
                   bill/2026.1/C1004/2026-12/print,\"unknown address, no forwarding\",\n";
        let events = parse_returns(csv.as_bytes(), "returns.csv").unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].subject,
            Subject::Key("bill/2026.1/C1003/2026-12/print".into())
        );
        assert_eq!(
            events[0].kind,
            EventKind::Returned {
                reason: "moved".into()
            }
        );
        assert_eq!(events[0].source, "returns.csv:2");
        assert_eq!(events[0].at_ms, Some(1_796_774_400_000));
        assert_eq!(events[1].at_ms, None);
        assert_eq!(events[1].source, "returns.csv:3");
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let ok = "bill/1/C1/2026-12/print";
        for (csv, at, want) in [
            (
                "envelope,why\n1,moved\n".to_owned(),
                "r.csv:1",
                "needs the columns key and reason",
            ),
            (
                format!("key,reason\n{ok},moved\nnope,moved\n"),
                "r.csv:3",
                "not a letter's idempotency key",
            ),
            (
                "key,reason\nbill/1/C1/2026-12/email,moved\n".to_owned(),
                "r.csv:2",
                "for channel `email`",
            ),
            (
                format!("key,reason\n{ok},\n"),
                "r.csv:2",
                "the reason is empty",
            ),
            (
                format!("key,reason,date\n{ok},moved,09.12.2026\n"),
                "r.csv:2",
                "not YYYY-MM-DD",
            ),
            (
                format!("key,reason\n{ok},moved,extra\n"),
                "r.csv:2",
                "3 fields where the header has 2",
            ),
        ] {
            let e = parse_returns(csv.as_bytes(), "r.csv").unwrap_err();
            assert_eq!(e.source, at, "{e}");
            assert!(e.message.contains(want), "want {want:?}: {e}");
        }
        let e = parse_returns(b"key,reason\nbill/1/C\xff/r/print,moved\n", "r.csv").unwrap_err();
        assert_eq!(e.source, "r.csv:2");
        assert!(e.message.contains("not UTF-8"), "{e}");
    }
}
