//! SMTP bounces: a delivery status notification (RFC 3464, a
//! `multipart/report; report-type=delivery-status`) to one event per
//! recipient it reports as failed, delayed or delivered.
//!
//! The MIME structure is read with `mail-parser`; the delivery-status part's
//! fields (RFC 3464 §2.2, §2.3) are read here. The message a DSN answers is
//! found by the `Message-ID` in its returned headers (a `text/rfc822-headers`
//! or `message/rfc822` part): vellum's Message-IDs are derived from the
//! idempotency key, so they find the message. `Original-Envelope-Id` is not
//! used: vellum sends no `ENVID`, so a DSN's envelope id is never one of
//! vellum's.

use mail_parser::{DateTime, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::quote::{event_id, keep, quote};
use super::{Event, EventError, EventKind, Subject};

/// The longest diagnostic kept in an event.
const DIAGNOSTIC_CHARS: usize = 300;

/// The events of the DSN `raw`, read from `source` (a file name, for
/// errors and the events' `source`). An error names what is missing: not a
/// mail message, not a delivery report, no delivery-status part, no
/// recipient, no original `Message-ID`.
pub fn parse_dsn(raw: &[u8], source: &str) -> Result<Vec<Event>, EventError> {
    let err = |m: String| EventError::new(source, m);
    let msg = MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or_else(|| err("not a mail message (no headers)".into()))?;
    check_report(&msg).map_err(err)?;
    let status = status_part(&msg).ok_or_else(|| {
        err("the report has no message/delivery-status part (RFC 3464 §2)".into())
    })?;
    let text = std::str::from_utf8(status.contents())
        .map_err(|_| err("the delivery-status part is not UTF-8 text".into()))?;
    let groups = field_groups(text);
    let Some((per_message, recipients)) = groups.split_first() else {
        return Err(err("the delivery-status part is empty".into()));
    };
    if recipients.is_empty() {
        return Err(err(
            "the delivery-status part reports no recipient (no per-recipient fields)".into(),
        ));
    }
    let original = original_message_id(&msg).ok_or_else(|| {
        err("the report does not return the original message's Message-ID (no text/rfc822-headers or message/rfc822 part with one)".into())
    })?;
    let own_id = match msg.message_id() {
        Some(id) => id.to_owned(),
        None => crate::model::digest::sha256_hex(raw),
    };
    let arrival = field(per_message, "arrival-date").and_then(rfc822_ms);
    let mut events = Vec::new();
    for (i, fields) in recipients.iter().enumerate() {
        let place = format!("recipient {} of the delivery-status part", i + 1);
        let rcpt = recipient_event(fields, &place).map_err(err)?;
        let Some((recipient, kind)) = rcpt else {
            continue;
        };
        let at_ms = field(fields, "last-attempt-date")
            .and_then(rfc822_ms)
            .or(arrival);
        events.push(Event {
            id: event_id("dsn", &[&own_id, &recipient.to_lowercase()]),
            at_ms,
            subject: Subject::MessageId(original.clone()),
            kind,
            source: source.to_owned(),
        });
    }
    Ok(events)
}

/// The top level is `multipart/report; report-type=delivery-status`.
fn check_report(msg: &Message<'_>) -> Result<(), String> {
    let ct = msg.root_part().content_type();
    let is_report = ct.is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    if !is_report {
        let got = ct.map_or("none".to_owned(), |c| {
            format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))
        });
        return Err(format!(
            "not a delivery report: Content-Type is `{}`, expected multipart/report (RFC 3464)",
            quote(&got)
        ));
    }
    let kind = ct.and_then(|c| c.attribute("report-type")).unwrap_or("");
    if !kind.eq_ignore_ascii_case("delivery-status") {
        return Err(format!(
            "a multipart/report of report-type `{}`, not delivery-status",
            quote(kind)
        ));
    }
    Ok(())
}

/// The first part of type `message/delivery-status` (or RFC 6533's
/// `message/global-delivery-status`).
fn status_part<'a>(msg: &'a Message<'a>) -> Option<&'a MessagePart<'a>> {
    msg.parts.iter().find(|p| {
        p.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("message")
                && c.subtype().is_some_and(|s| {
                    s.eq_ignore_ascii_case("delivery-status")
                        || s.eq_ignore_ascii_case("global-delivery-status")
                })
        })
    })
}

/// The `Message-ID` (with angle brackets) of the returned original: from a
/// `text/rfc822-headers` part, or a returned `message/rfc822`.
fn original_message_id(msg: &Message<'_>) -> Option<String> {
    msg.parts.iter().find_map(|p| {
        let id = match &p.body {
            PartType::Message(inner) => inner.message_id().map(str::to_owned),
            _ if p.content_type().is_some_and(|c| {
                c.ctype().eq_ignore_ascii_case("text")
                    && c.subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
            }) =>
            {
                MessageParser::default()
                    .parse_headers(p.contents())
                    .and_then(|h| h.message_id().map(str::to_owned))
            }
            _ => None,
        }?;
        let id = id.trim();
        (!id.is_empty() && id.len() <= 250 && !id.chars().any(char::is_control))
            .then(|| format!("<{id}>"))
    })
}

/// The per-recipient event: `None` for actions that are no event here
/// (`relayed`, `expanded`).
fn recipient_event(
    fields: &[(String, String)],
    place: &str,
) -> Result<Option<(String, EventKind)>, String> {
    let recipient = field(fields, "final-recipient")
        .or_else(|| field(fields, "original-recipient"))
        .map(address)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| format!("{place} has no Final-Recipient"))?;
    let action = field(fields, "action")
        .ok_or_else(|| format!("{place} ({}) has no Action", quote(&recipient)))?
        .to_ascii_lowercase();
    let status = field(fields, "status").map(|s| {
        // `5.1.1 (mailbox unknown)`: the code is the first word.
        s.split_whitespace().next().unwrap_or("").to_owned()
    });
    let class = status.as_deref().and_then(status_class);
    let diagnostic = field(fields, "diagnostic-code").map(|d| keep(d, DIAGNOSTIC_CHARS));
    let bounce = |hard: bool, status: String| EventKind::Bounce {
        hard,
        status,
        diagnostic: diagnostic.clone(),
        recipient: Some(recipient.clone()),
    };
    let kind = match (action.as_str(), class) {
        ("delivered", _) => EventKind::Delivered,
        ("failed", Some(5)) => bounce(true, status.unwrap_or_default()),
        ("failed", Some(4)) | ("delayed", Some(4 | 5)) => bounce(false, status.unwrap_or_default()),
        ("delayed", None) => bounce(false, String::new()),
        ("failed" | "delayed", _) => {
            return Err(format!(
                "{place} ({}): Status `{}` is not a 4.x.x or 5.x.x code",
                quote(&recipient),
                quote(status.as_deref().unwrap_or("none"))
            ));
        }
        ("relayed" | "expanded", _) => return Ok(None),
        (other, _) => {
            return Err(format!(
                "{place} ({}): unknown Action `{}` (failed, delayed, delivered, relayed, expanded)",
                quote(&recipient),
                quote(other)
            ));
        }
    };
    Ok(Some((recipient, kind)))
}

/// The class digit of an RFC 3463 status code `c.s.d` (2, 4 or 5).
fn status_class(code: &str) -> Option<u8> {
    let parts: Vec<&str> = code.split('.').collect();
    let ok = parts.len() == 3
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    match (ok, parts.first()) {
        (true, Some(&"2")) => Some(2),
        (true, Some(&"4")) => Some(4),
        (true, Some(&"5")) => Some(5),
        _ => None,
    }
}

/// `rfc822; ana@example.com` -> `ana@example.com`.
fn address(value: &str) -> String {
    let a = value.split_once(';').map_or(value, |(_, a)| a);
    keep(a.trim().trim_start_matches('<').trim_end_matches('>'), 254)
}

/// Milliseconds since the epoch of an RFC 5322 date.
fn rfc822_ms(value: &str) -> Option<i64> {
    let d = DateTime::parse_rfc822(value.trim())?;
    d.is_valid().then(|| d.to_timestamp().saturating_mul(1000))
}

/// The value of field `name` (lowercase) in a group.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The delivery-status body as groups of `(lowercase name, value)`, groups
/// separated by blank lines, folded lines unfolded.
fn field_groups(text: &str) -> Vec<Vec<(String, String)>> {
    let mut groups = Vec::new();
    let mut group: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = group.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((n, v)) = line.split_once(':') {
            group.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dsn(status_body: &str, returned: &str) -> Vec<u8> {
        format!(
            "From: MAILER-DAEMON@mx.example\r\n\
             To: billing@northwind.example\r\n\
             Subject: Undelivered Mail Returned to Sender\r\n\
             Message-ID: <dsn-1@mx.example>\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\
             \r\n\
             --B\r\n\
             Content-Type: text/plain\r\n\
             \r\n\
             Your message could not be delivered.\r\n\
             --B\r\n\
             Content-Type: message/delivery-status\r\n\
             \r\n\
             {status_body}\r\n\
             --B\r\n\
             Content-Type: text/rfc822-headers\r\n\
             \r\n\
             {returned}\r\n\
             --B--\r\n"
        )
        .into_bytes()
    }

    const HEADERS: &str = "From: Northwind <billing@northwind.example>\r\n\
                           Message-ID: <0123456789abcdef0123456789abcdef@northwind.example>\r\n\
                           Subject: Your bill\r\n";

    const TWO: &str = "Reporting-MTA: dns; mx.example\r\n\
                       Arrival-Date: Wed, 2 Dec 2026 10:00:00 +0000\r\n\
                       \r\n\
                       Final-Recipient: rfc822; ana@example.com\r\n\
                       Action: failed\r\n\
                       Status: 5.1.1\r\n\
                       Diagnostic-Code: smtp; 550 5.1.1 <ana@example.com>:\r\n\
                       \x20 mailbox unavailable\r\n\
                       \r\n\
                       Final-Recipient: rfc822;bo@example.com\r\n\
                       Action: delayed\r\n\
                       Status: 4.2.2\r\n";

    #[test]
    fn one_event_per_recipient_hard_and_soft() {
        let events = parse_dsn(&dsn(TWO, HEADERS), "b.eml").unwrap();
        assert_eq!(events.len(), 2);
        let id = "<0123456789abcdef0123456789abcdef@northwind.example>";
        assert!(
            events
                .iter()
                .all(|e| e.subject == Subject::MessageId(id.into()))
        );
        assert_eq!(
            events[0].kind,
            EventKind::Bounce {
                hard: true,
                status: "5.1.1".into(),
                diagnostic: Some("smtp; 550 5.1.1 <ana@example.com>: mailbox unavailable".into()),
                recipient: Some("ana@example.com".into()),
            }
        );
        assert!(
            matches!(&events[1].kind, EventKind::Bounce { hard: false, status, .. } if status == "4.2.2")
        );
        assert_eq!(events[0].at_ms, Some(1_796_205_600_000));
        assert_ne!(events[0].id, events[1].id);
        // The same DSN again gives the same ids (a replay records nothing).
        assert_eq!(
            parse_dsn(&dsn(TWO, HEADERS), "again.eml").unwrap()[0].id,
            events[0].id
        );
    }

    #[test]
    fn delivered_and_relayed() {
        let body = "Reporting-MTA: dns; mx.example\r\n\r\n\
                    Final-Recipient: rfc822; ana@example.com\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n\
                    Final-Recipient: rfc822; bo@example.com\r\nAction: relayed\r\nStatus: 2.0.0\r\n";
        let events = parse_dsn(&dsn(body, HEADERS), "d.eml").unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, EventKind::Delivered);
    }

    #[test]
    fn what_is_missing_is_named() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"\x00\x01garbage".to_vec(), "not a delivery report"),
            (Vec::new(), "not a mail message"),
            (
                b"From: a@b.c\r\nContent-Type: text/plain\r\n\r\nhello".to_vec(),
                "not a delivery report",
            ),
            (
                dsn(TWO, HEADERS).replace_str(
                    "report-type=delivery-status",
                    "report-type=disposition-notification",
                ),
                "not delivery-status",
            ),
            (
                dsn(TWO, HEADERS).replace_str("message/delivery-status", "text/plain"),
                "no message/delivery-status part",
            ),
            (
                dsn("Reporting-MTA: dns; mx.example\r\n", HEADERS),
                "no recipient",
            ),
            (dsn(TWO, "From: x@y.z\r\nSubject: hi\r\n"), "Message-ID"),
            (
                dsn(&TWO.replace("Status: 5.1.1", "Status: 9.9"), HEADERS),
                "not a 4.x.x or 5.x.x",
            ),
            (
                dsn(&TWO.replace("Action: failed", "Action: exploded"), HEADERS),
                "unknown Action",
            ),
            (
                dsn(
                    &TWO.replace("Final-Recipient: rfc822; ana@example.com\r\n", ""),
                    HEADERS,
                ),
                "recipient 1 of the delivery-status part has no Final-Recipient",
            ),
        ];
        for (raw, want) in cases {
            let e = parse_dsn(&raw, "bad.eml").unwrap_err();
            assert_eq!(e.source, "bad.eml");
            assert!(e.message.contains(want), "want {want:?}, got {e}");
        }
    }

    #[test]
    fn a_returned_message_rfc822_gives_the_id_too() {
        let raw = String::from_utf8(dsn(TWO, HEADERS))
            .unwrap()
            .replace("text/rfc822-headers", "message/rfc822")
            .replace(
                "Subject: Your bill\r\n",
                "Subject: Your bill\r\n\r\nbody\r\n",
            );
        let events = parse_dsn(raw.as_bytes(), "m.eml").unwrap();
        assert_eq!(
            events[0].subject,
            Subject::MessageId("<0123456789abcdef0123456789abcdef@northwind.example>".into())
        );
    }

    trait ReplaceStr {
        fn replace_str(self, from: &str, to: &str) -> Vec<u8>;
    }

    impl ReplaceStr for Vec<u8> {
        fn replace_str(self, from: &str, to: &str) -> Vec<u8> {
            String::from_utf8(self)
                .unwrap()
                .replace(from, to)
                .into_bytes()
        }
    }
}
