//! What the SMS gateway posts back, as JSON Lines (one object a line, as the
//! operator's webhook stores them): delivery receipts and inbound replies.
//!
//! ```text
//! {"type":"receipt","id":"gw-17","status":"delivered","at":"2026-12-02T10:00:00Z"}
//! {"type":"receipt","id":"gw-18","status":"undeliverable","error":"unknown subscriber"}
//! {"type":"inbound","id":"mo-3","from":"+4915112345678","text":"STOP","at":1796205600000}
//! ```
//!
//! A receipt's `id` is the gateway's message id, the one it answered when it
//! took the message and the ledger recorded as the receipt (see
//! `deliver::SmsHttpTransport`). `at` is RFC 3339 or milliseconds since the
//! epoch, optional. Statuses: `delivered`; `undeliverable`, `rejected`,
//! `invalid` (hard bounces); `failed`, `expired` (soft); `accepted`,
//! `queued`, `sent`, `buffered` are on the way, no event.

use serde::Deserialize;
use serde_json::Value;

use super::quote::{event_id, keep, quote};
use super::{Event, EventError, EventKind, Subject};
use crate::model::{Channel, address_hash};

/// Replies that withdraw SMS consent, in the shipped locales (en-US, en-GB,
/// de-DE, fr-FR, zh-CN), lowercase: a reply is a stop when its whole text,
/// trimmed and lowercased, is one of them.
pub const STOP_WORDS: &[&str] = &[
    // English (carriers' standard set).
    "stop",
    "stopall",
    "stop all",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "optout",
    "opt out",
    "revoke",
    // German.
    "stopp",
    "abmelden",
    "abbestellen",
    "abbrechen",
    // French.
    "arret",
    "arrêt",
    "desabonner",
    "désabonner",
    "desinscrire",
    "désinscrire",
    // Chinese (mainland carriers: 退订 "unsubscribe", TD its abbreviation).
    "退订",
    "取消",
    "td",
];

/// The longest reply text kept.
const REPLY_CHARS: usize = 480;

/// Whether `text` is a stop word of [`STOP_WORDS`].
pub fn is_stop(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    STOP_WORDS.contains(&t.as_str())
}

#[derive(Deserialize)]
// Unknown fields are ignored: gateways add fields over time.
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Receipt {
        id: String,
        status: String,
        #[serde(default)]
        error: Option<String>,
        #[serde(default)]
        at: Option<Value>,
        /// The message's `Message-ID`, when the gateway echoes it.
        #[serde(default)]
        #[allow(dead_code)]
        reference: Option<String>,
    },
    Inbound {
        #[serde(default)]
        id: Option<String>,
        from: String,
        #[serde(default)]
        #[allow(dead_code)]
        to: Option<String>,
        text: String,
        #[serde(default)]
        at: Option<Value>,
    },
}

/// The event of one JSON line at `source` (`file:line`); `None` for a
/// receipt of a message still on its way.
pub fn parse_sms_line(line: &str, source: &str) -> Result<Option<Event>, EventError> {
    let err = |m: String| EventError::new(source, m);
    let parsed: Line = serde_json::from_str(line).map_err(|e| {
        err(format!(
            "not a gateway event ({e}): `{}`",
            quote(line.trim())
        ))
    })?;
    match parsed {
        Line::Receipt {
            id,
            status,
            error,
            at,
            ..
        } => receipt(&id, &status, error.as_deref(), at.as_ref())
            .map_err(err)
            .map(|k| {
                k.map(|(kind, at_ms)| Event {
                    id: event_id("sms-receipt", &[&id, &status]),
                    at_ms,
                    subject: Subject::Receipt(id.clone()),
                    kind,
                    source: source.to_owned(),
                })
            }),
        Line::Inbound {
            id, from, text, at, ..
        } => inbound(id.as_deref(), &from, &text, at.as_ref(), line, source).map(Some),
    }
}

/// A receipt's kind and time.
fn receipt(
    id: &str,
    status: &str,
    error: Option<&str>,
    at: Option<&Value>,
) -> Result<Option<(EventKind, Option<i64>)>, String> {
    if id.trim().is_empty() || id.len() > 200 || id.chars().any(char::is_control) {
        return Err(format!(
            "the receipt's id `{}` is not a gateway message id",
            quote(id)
        ));
    }
    let at_ms = time(at)?;
    let bounce = |hard| EventKind::Bounce {
        hard,
        status: status.to_owned(),
        diagnostic: error.map(|e| keep(e, 300)),
        recipient: None,
    };
    let kind = match status {
        "delivered" => EventKind::Delivered,
        "undeliverable" | "rejected" | "invalid" => bounce(true),
        "failed" | "expired" => bounce(false),
        "accepted" | "queued" | "sent" | "buffered" => return Ok(None),
        other => {
            return Err(format!(
                "unknown receipt status `{}` (delivered, undeliverable, rejected, invalid, failed, expired; accepted, queued, sent, buffered)",
                quote(other)
            ));
        }
    };
    Ok(Some((kind, at_ms)))
}

/// An inbound reply, answering the latest SMS sent to `from`.
fn inbound(
    id: Option<&str>,
    from: &str,
    text: &str,
    at: Option<&Value>,
    line: &str,
    source: &str,
) -> Result<Event, EventError> {
    let err = |m: String| EventError::new(source, m);
    let digits = from.chars().filter(char::is_ascii_digit).count();
    let phone_chars = from
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
    if !(3..=20).contains(&digits) || !phone_chars {
        return Err(err(format!(
            "the reply's `from` `{}` is not a phone number",
            quote(from)
        )));
    }
    let at_ms = time(at).map_err(err)?;
    // The gateway's own id makes a replayed line the same event; without
    // one, the line itself.
    let id = match id {
        Some(id) => event_id("sms-inbound", &[id]),
        None => event_id("sms-inbound-line", &[line.trim()]),
    };
    Ok(Event {
        id,
        at_ms,
        subject: Subject::Sender(address_hash(Channel::Sms, from)),
        kind: EventKind::Reply {
            text: keep(text, REPLY_CHARS),
            stop: is_stop(text),
        },
        source: source.to_owned(),
    })
}

/// `at`: RFC 3339 text or milliseconds since the epoch.
fn time(at: Option<&Value>) -> Result<Option<i64>, String> {
    match at {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .filter(|ms| (0..=253_402_300_799_999).contains(ms))
            .map(Some)
            .ok_or_else(|| format!("`at` {n} is not milliseconds since 1970")),
        Some(Value::String(s)) => mail_parser::DateTime::parse_rfc3339(s)
            .filter(mail_parser::DateTime::is_valid)
            .map(|d| Some(d.to_timestamp().saturating_mul(1000)))
            .ok_or_else(|| format!("`at` `{}` is not an RFC 3339 time", quote(s))),
        Some(other) => Err(format!(
            "`at` `{}` is not a time",
            quote(&other.to_string())
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Result<Option<Event>, EventError> {
        parse_sms_line(line, "events.jsonl:3")
    }

    #[test]
    fn receipts_by_status() {
        let e = one(
            r#"{"type":"receipt","id":"gw-1","status":"delivered","at":"2026-12-02T10:00:00Z"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.subject, Subject::Receipt("gw-1".into()));
        assert_eq!(e.kind, EventKind::Delivered);
        assert_eq!(e.at_ms, Some(1_796_205_600_000));
        assert_eq!(e.source, "events.jsonl:3");
        let e = one(r#"{"type":"receipt","id":"gw-2","status":"undeliverable","error":"absent\nsubscriber"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            e.kind,
            EventKind::Bounce {
                hard: true,
                status: "undeliverable".into(),
                diagnostic: Some("absent subscriber".into()),
                recipient: None
            }
        );
        assert!(
            one(r#"{"type":"receipt","id":"gw-3","status":"buffered"}"#)
                .unwrap()
                .is_none()
        );
        // As the test gateway writes it: milliseconds in the time.
        let e = one(r#"{"type":"receipt","id":"gw-4","status":"delivered","at":"2026-12-02T10:00:00.441Z"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(e.at_ms, Some(1_796_205_600_000));
    }

    #[test]
    fn replies_and_stop_words() {
        let e = one(r#"{"type":"inbound","id":"mo-1","from":"+49 151 1234-5678","text":" Stop "}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            e.subject,
            Subject::Sender(address_hash(Channel::Sms, "+4915112345678"))
        );
        assert_eq!(
            e.kind,
            EventKind::Reply {
                text: "Stop".into(),
                stop: true
            }
        );
        for w in [
            "STOP",
            "unsubscribe",
            "Stopp",
            "ABMELDEN",
            "ARRÊT",
            "arret",
            "Désabonner",
            "退订",
            "TD",
        ] {
            assert!(is_stop(w), "{w}");
        }
        for w in [
            "stop sending me bills? no, keep them",
            "STOP!",
            "thanks",
            "",
            "stopped",
        ] {
            assert!(!is_stop(w), "{w}");
        }
    }

    #[test]
    fn bad_lines_say_why_at_their_place() {
        for (line, want) in [
            ("not json", "not a gateway event"),
            (
                r#"{"type":"receipt","status":"delivered"}"#,
                "missing field `id`",
            ),
            (r#"{"type":"mystery","id":"x"}"#, "unknown variant"),
            (
                r#"{"type":"receipt","id":"gw-1","status":"exploded"}"#,
                "unknown receipt status",
            ),
            (
                r#"{"type":"receipt","id":"","status":"delivered"}"#,
                "not a gateway message id",
            ),
            (
                r#"{"type":"receipt","id":"gw-1","status":"delivered","at":"yesterday"}"#,
                "RFC 3339",
            ),
            (
                r#"{"type":"receipt","id":"gw-1","status":"delivered","at":-5}"#,
                "milliseconds",
            ),
            (
                r#"{"type":"inbound","from":"<script>","text":"STOP"}"#,
                "not a phone number",
            ),
        ] {
            let e = one(line).unwrap_err();
            assert_eq!(e.source, "events.jsonl:3");
            assert!(e.message.contains(want), "want {want:?}: {e}");
        }
    }

    #[test]
    fn the_same_line_is_the_same_event() {
        let line = r#"{"type":"inbound","from":"+15550100","text":"STOP"}"#;
        assert_eq!(
            one(line).unwrap().unwrap().id,
            one(line).unwrap().unwrap().id
        );
        let a = one(r#"{"type":"receipt","id":"gw-1","status":"delivered"}"#)
            .unwrap()
            .unwrap();
        let b = one(r#"{"type":"receipt","id":"gw-1","status":"failed"}"#)
            .unwrap()
            .unwrap();
        assert_ne!(a.id, b.id);
    }
}
