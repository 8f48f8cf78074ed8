//! Content hashes of messages: what the customer gets, as a hex SHA-256 that
//! is the same for every render of the same record with the same design,
//! options and `today`, and changes when what the customer gets changes.
//! The ledger stores it with each delivery, so a later re-render can say
//! whether it matches what was sent ([`crate::batch::verify`]).
//!
//! What varies between two renders of the same input, and is left out:
//! - email: the `Date` header (from [`MessageOptions::date`] or the clock),
//!   the `DKIM-Signature` header (it signs the date and the body with its
//!   boundaries), and the MIME boundaries, which lettre draws at random for
//!   each message. Everything else of the raw message is hashed, part by
//!   part, with the boundaries blanked: headers (unfolded), text and HTML
//!   parts and the attached PDF as encoded. `Message-ID` and the unsubscribe
//!   token are derived from the idempotency key and stay in.
//! - letters: see [`letter_hash`].
//!
//! Hashed with the domain of its channel (`email`, `sms`, `letter`,
//! `archive`), so two channels' bodies never share a hash.
//!
//! [`MessageOptions::date`]: super::MessageOptions::date

use super::{ArchiveBody, Body, EmailBody, LetterBody, Message, SmsBody, sha256_hex};

impl Message {
    /// Hex SHA-256 of what the customer gets from this message: see
    /// [`Body::content_hash`].
    pub fn content_hash(&self) -> String {
        self.body.content_hash()
    }
}

impl Body {
    /// Hex SHA-256 of what the customer gets: stable across re-renders of
    /// the same record with the same design, options and date (`today`),
    /// different when the content or the recipient changes.
    ///
    /// - email: the envelope and the raw message without `Date` and
    ///   `DKIM-Signature`, its random MIME boundaries blanked;
    /// - SMS: the number and the text;
    /// - letter: what the print frame was given for this customer, the same
    ///   for a letter typeset alone or in a print chunk;
    /// - archive: the PDF/A (its bytes are pinned to the document date).
    pub fn content_hash(&self) -> String {
        match self {
            Body::Email(e) => email_hash(e),
            Body::Sms(s) => sms_hash(s),
            Body::Letter(l) => letter_hash(l),
            Body::Archive(a) => archive_hash(a),
        }
    }
}

fn email_hash(e: &EmailBody) -> String {
    let mut out = Vec::with_capacity(e.raw.len() + 64);
    out.extend_from_slice(b"email\n");
    line(&mut out, e.envelope_from.as_bytes());
    line(&mut out, e.envelope_to.as_bytes());
    entity(&e.raw, true, &mut out);
    sha256_hex(&out)
}

fn sms_hash(s: &SmsBody) -> String {
    // Encoding and segments follow from the text.
    let mut out = Vec::with_capacity(s.text.len() + 32);
    out.extend_from_slice(b"sms\n");
    line(&mut out, s.to.as_bytes());
    out.extend_from_slice(s.text.as_bytes());
    sha256_hex(&out)
}

/// A letter's hash: the hash of what the print frame was given for this
/// customer ([`LetterBody::content_hash`]), the same whether the letter was
/// typeset alone or in a print chunk, where the PDF is the whole chunk's.
/// It covers the composed document (every text, amount, address and the
/// date) but not the typesetting: a change to the print frame or the fonts
/// under the same design version is not seen. A letter without that hash
/// (built by hand) hashes its own PDF.
///
/// Kept apart so a different letter body (print data for a print stream)
/// can bring its own.
fn letter_hash(l: &LetterBody) -> String {
    let mut out = b"letter\n".to_vec();
    if l.content_hash.is_empty() && l.in_chunk.is_none() {
        out.extend_from_slice(b"pdf ");
        out.extend_from_slice(sha256_hex(&l.pdf).as_bytes());
    } else {
        out.extend_from_slice(b"data ");
        out.extend_from_slice(l.content_hash.as_bytes());
    }
    sha256_hex(&out)
}

fn archive_hash(a: &ArchiveBody) -> String {
    // Not `delivered_by`: which channel delivered it is not content.
    let mut out = b"archive\n".to_vec();
    out.extend_from_slice(sha256_hex(&a.pdf).as_bytes());
    sha256_hex(&out)
}

/// `bytes` and a line feed.
fn line(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
    out.push(b'\n');
}

/// Header fields left out of the top-level header: they differ per render.
const VARYING: [&[u8]; 2] = [b"Date", b"DKIM-Signature"];

/// Writes the canonical form of a MIME entity (a message or a part): its
/// header fields unfolded, one a line, without the varying ones at the top
/// level and with the multipart boundary blanked; a blank line; then the
/// body, a multipart body part by part, each part length-prefixed.
fn entity(raw: &[u8], top: bool, out: &mut Vec<u8>) {
    let (head, body) = split_head(raw);
    let mut boundary: Option<Vec<u8>> = None;
    for field in unfold(head) {
        let name = field_name(&field);
        if top && VARYING.iter().any(|v| name.eq_ignore_ascii_case(v)) {
            continue;
        }
        if name.eq_ignore_ascii_case(b"Content-Type")
            && let Some((value, range)) = boundary_param(&field)
        {
            boundary = Some(value);
            out.extend_from_slice(&field[..range.start]);
            out.extend_from_slice(&field[range.end..]);
        } else {
            out.extend_from_slice(&field);
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    match boundary {
        Some(b) if !b.is_empty() => multipart(body, &b, out),
        _ => out.extend_from_slice(body),
    }
}

/// The header block (without the blank line) and the body.
fn split_head(raw: &[u8]) -> (&[u8], &[u8]) {
    if let Some(body) = raw.strip_prefix(b"\r\n") {
        return (&[], body);
    }
    match find(raw, b"\r\n\r\n", 0) {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => (&[], raw),
    }
}

/// The header fields, each unfolded (the CRLF before a continuation line
/// removed, RFC 5322 2.2.3), so folding that follows a random value does
/// not count.
fn unfold(head: &[u8]) -> Vec<Vec<u8>> {
    let mut fields: Vec<Vec<u8>> = Vec::new();
    for l in head.split(|&b| b == b'\n') {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        match (l.first(), fields.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => last.extend_from_slice(l),
            _ if l.is_empty() => {}
            _ => fields.push(l.to_vec()),
        }
    }
    fields
}

fn field_name(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == b':').unwrap_or(field.len());
    field[..end].trim_ascii()
}

/// The `boundary` parameter of a Content-Type field: its value and the
/// range of the value (quotes included) in the field.
fn boundary_param(field: &[u8]) -> Option<(Vec<u8>, std::ops::Range<usize>)> {
    let lower = field.to_ascii_lowercase();
    let mut from = 0;
    let at = loop {
        let i = find(&lower, b"boundary=", from)?;
        // A parameter name starts after `;` or white space.
        if i > 0 && matches!(lower[i - 1], b';' | b' ' | b'\t') {
            break i + b"boundary=".len();
        }
        from = i + 1;
    };
    let rest = &field[at..];
    if let Some(quoted) = rest.strip_prefix(b"\"") {
        let end = quoted.iter().position(|&b| b == b'"')?;
        Some((quoted[..end].to_vec(), at..at + end + 2))
    } else {
        let end = rest
            .iter()
            .position(|&b| b == b';' || b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        Some((rest[..end].to_vec(), at..at + end))
    }
}

/// A multipart body (RFC 2046 5.1.1): the preamble, each part in canonical
/// form with its length, the epilogue. The boundary itself is not written.
fn multipart(body: &[u8], boundary: &[u8], out: &mut Vec<u8>) {
    let mut delimiter = b"--".to_vec();
    delimiter.extend_from_slice(boundary);
    // Delimiters start a line; the CRLF before one belongs to it.
    let at_line = |from: usize| -> Option<usize> {
        if from == 0 && body.starts_with(&delimiter) {
            return Some(0);
        }
        let mut needle = b"\r\n".to_vec();
        needle.extend_from_slice(&delimiter);
        find(body, &needle, from.saturating_sub(2)).map(|i| i + 2)
    };
    let Some(first) = at_line(0) else {
        // Not the multipart it says it is: hash it as it stands.
        out.extend_from_slice(body);
        return;
    };
    out.extend_from_slice(&body[..first.saturating_sub(2)]);
    let mut at = first;
    loop {
        let after = at + delimiter.len();
        if body[after..].starts_with(b"--") {
            out.extend_from_slice(b"--end\r\n");
            let epilogue = &body[after + 2..];
            out.extend_from_slice(epilogue.strip_prefix(b"\r\n").unwrap_or(epilogue));
            return;
        }
        let start = find(body, b"\r\n", after).map_or(body.len(), |i| i + 2);
        let next = at_line(start);
        let end = next.map_or(body.len(), |n| n.saturating_sub(2).max(start));
        let mut part = Vec::new();
        entity(&body[start..end], false, &mut part);
        out.extend_from_slice(format!("--part {}\r\n", part.len()).as_bytes());
        out.extend_from_slice(&part);
        match next {
            Some(n) => at = n,
            None => return,
        }
    }
}

/// The first `needle` in `hay` at or after `from`. Scans for the needle's
/// first byte and compares only there: comparing at every position cost a
/// millisecond per email with a PDF attached (a slice comparison per byte).
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut at = from;
    while at + needle.len() <= hay.len() {
        at += hay[at..].iter().position(|&b| b == first)?;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use serde_json::Value;

    use super::*;
    use crate::message::{Communication, MessageOptions};
    use crate::model::{Channel, Date};
    use crate::{Design, Pipeline, PipelineOptions};

    fn bill() -> Design {
        Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill")).unwrap()
    }

    fn sample() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/bill/samples/C1001.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Every channel of the bill for `record`, with `options`.
    fn render(d: &Design, record: &Value, options: &MessageOptions) -> Communication {
        let p = Pipeline::new(
            d,
            PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
        )
        .unwrap();
        let doc = p.document(record).unwrap();
        let all = [Channel::Email, Channel::Sms, Channel::Print];
        let c = p.communication_for(&doc, &all, true, options).unwrap();
        assert_eq!(c.messages.len(), 3, "{:?}", c.problems);
        c
    }

    fn options() -> MessageOptions {
        let mut o = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
        o.unsubscribe_key = Some(super::super::UnsubscribeKey::from_bytes(vec![9; 32]).unwrap());
        o
    }

    fn raw(c: &Communication) -> &[u8] {
        match &c.message(Channel::Email).unwrap().body {
            Body::Email(e) => &e.raw,
            _ => unreachable!(),
        }
    }

    /// Each message's hash, with the archive copy's, by key.
    fn hashes(c: &Communication) -> Vec<(String, String)> {
        c.messages
            .iter()
            .chain(&c.archive)
            .map(|m| (m.key.clone(), m.content_hash()))
            .collect()
    }

    #[test]
    fn two_renders_of_a_record_hash_alike_on_every_channel() {
        let d = bill();
        let mut pinned = options();
        pinned.date = Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let a = render(&d, &sample(), &options());
        let b = render(&d, &sample(), &pinned);
        // The raw emails differ (the Date header) ...
        assert_ne!(raw(&a), raw(&b));
        let text = String::from_utf8_lossy(raw(&a)).into_owned();
        assert!(text.contains("\r\nDate: ") && text.contains("boundary="));
        // ... what the customer gets does not.
        assert_eq!(hashes(&a), hashes(&b));
        assert_eq!(hashes(&a).len(), 4);
        for (_, h) in hashes(&a) {
            assert_eq!(h.len(), 64);
            assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn the_same_email_has_the_same_bytes_on_every_render() {
        let d = bill();
        let mut pinned = options();
        pinned.date = Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let a = render(&d, &sample(), &pinned);
        let b = render(&d, &sample(), &pinned);
        assert!(raw(&a) == raw(&b), "the MIME boundaries are not stable");
        let text = String::from_utf8_lossy(raw(&a)).into_owned();
        assert!(
            text.contains("boundary=\"vellum-mix-"),
            "{}",
            &text[..600.min(text.len())]
        );
    }

    #[test]
    fn a_boundary_in_the_customers_text_is_not_used() {
        let d = bill();
        let mut pinned = options();
        pinned.date = Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let plain = render(&d, &sample(), &pinned);
        let text = String::from_utf8_lossy(raw(&plain)).into_owned();
        let at = text.find("boundary=\"vellum-alt-").unwrap() + "boundary=\"".len();
        let boundary = &text[at..at + "vellum-alt-".len() + 32];
        // A customer who knows their key writes the boundary into their name.
        let mut record = sample();
        record["customer"]["name"] = Value::from(format!("--{boundary}"));
        record["customer"]["first_name"] = Value::from(format!("--{boundary}"));
        let hostile = render(&d, &record, &pinned);
        let text = String::from_utf8_lossy(raw(&hostile)).into_owned();
        assert!(
            text.contains(&format!("--{boundary}")) || text.contains("=2D=2Dvellum"),
            "the name is not in the email"
        );
        assert!(
            !text.contains(&format!("boundary=\"{boundary}\"")),
            "the boundary was kept"
        );
    }

    #[cfg(feature = "dkim")]
    #[test]
    fn the_dkim_signature_is_not_content() {
        let d = bill();
        let mut signed = options();
        signed.dkim = Some(
            crate::message::Dkim::ed25519(
                "s1",
                "northwind.example",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            )
            .unwrap(),
        );
        let a = render(&d, &sample(), &options());
        let b = render(&d, &sample(), &signed);
        assert!(String::from_utf8_lossy(raw(&b)).contains("DKIM-Signature:"));
        assert_eq!(hashes(&a), hashes(&b));
    }

    #[test]
    fn a_changed_amount_changes_every_hash() {
        let d = bill();
        // A cent more due, and a cent less carried forward: the bill's
        // Factur-X invoice still adds up (EN 16931 BR-CO-16: due = net +
        // VAT - paid), else its PDF, and so the email and the letter,
        // would not render at all.
        let mut changed = sample();
        changed["totals"]["previous_balance"] = Value::from("-12.49");
        changed["totals"]["due"] = Value::from("189.32");
        let a = hashes(&render(&d, &sample(), &options()));
        let b = hashes(&render(&d, &changed, &options()));
        assert_eq!(a.len(), b.len());
        for ((key, x), (_, y)) in a.iter().zip(&b) {
            assert_ne!(x, y, "{key}: the amount changed, the hash did not");
        }
    }

    #[test]
    fn a_letter_in_a_chunk_hashes_as_the_letter_alone() {
        let d = bill();
        let p = Pipeline::new(
            &d,
            PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
        )
        .unwrap();
        let doc = p.document(&sample()).unwrap();
        let mut other = sample();
        other["customer"]["id"] = Value::from("C9999");
        let other = p.document(&other).unwrap();
        let alone = p.communication_for(&doc, &[Channel::Print], false, &options());
        let chunk = p.print_chunk(&[&other, &doc], true).unwrap();
        let chunked = p.communication_in_chunk(&doc, &chunk, 1, &options());
        let letter = |c: &Communication| c.message(Channel::Print).unwrap().content_hash();
        assert_eq!(letter(&alone.unwrap()), letter(&chunked.unwrap()));
    }

    /// A two-part email as lettre writes it, with `boundary` and `date`.
    fn email(boundary: &str, date: &str, text: &str) -> EmailBody {
        let raw = format!(
            "From: A <a@example.com>\r\nDate: {date}\r\nSubject: Hi\r\n\
             Content-Type: multipart/alternative;\r\n boundary=\"{boundary}\"\r\n\r\n\
             --{boundary}\r\nContent-Type: text/plain\r\n\r\n{text}\r\n\
             --{boundary}\r\nContent-Type: text/html\r\n\r\n<p>{text}</p>\r\n\
             --{boundary}--\r\n"
        );
        EmailBody {
            envelope_from: "a@example.com".into(),
            envelope_to: "b@example.com".into(),
            raw: raw.into_bytes().into(),
            has_attachment: false,
        }
    }

    #[test]
    fn the_email_hash_leaves_out_date_and_boundaries_only() {
        let date = "Tue, 01 Dec 2026 09:00:00 +0000";
        let base = email_hash(&email("b1XyZ", date, "Due: 12.00\r\nDate: in the text"));
        let other_date = "Wed, 02 Dec 2026 10:30:00 +0000";
        assert_eq!(
            base,
            email_hash(&email(
                "Q9rT0",
                other_date,
                "Due: 12.00\r\nDate: in the text"
            ))
        );
        // A changed amount, a changed `Date:` line in a part, a part swapped
        // for an empty one: each changes the hash.
        for text in [
            "Due: 12.01\r\nDate: in the text",
            "Due: 12.00\r\nDate: now",
            "",
        ] {
            assert_ne!(base, email_hash(&email("b1XyZ", date, text)), "{text:?}");
        }
        let mut to_other = email("b1XyZ", date, "Due: 12.00\r\nDate: in the text");
        to_other.envelope_to = "c@example.com".into();
        assert_ne!(base, email_hash(&to_other));
    }

    #[test]
    fn the_parts_are_found_between_the_boundaries() {
        let mut out = Vec::new();
        let e = email("B", "x", "hello");
        entity(&e.raw, true, &mut out);
        let canonical = String::from_utf8(out).unwrap();
        assert_eq!(
            canonical,
            "From: A <a@example.com>\r\nSubject: Hi\r\n\
             Content-Type: multipart/alternative; boundary=\r\n\r\n\
             --part 33\r\nContent-Type: text/plain\r\n\r\nhello\
             --part 39\r\nContent-Type: text/html\r\n\r\n<p>hello</p>\
             --end\r\n"
        );
    }

    #[test]
    fn sms_hash_covers_number_and_text() {
        let sms = |to: &str, text: &str| SmsBody {
            to: to.into(),
            text: text.into(),
            encoding: crate::render::SmsEncoding::Gsm7,
            segments: 1,
        };
        let base = sms_hash(&sms("+1 503 555 0142", "Due 12.00"));
        assert_eq!(base, sms_hash(&sms("+1 503 555 0142", "Due 12.00")));
        assert_ne!(base, sms_hash(&sms("+1 503 555 0143", "Due 12.00")));
        assert_ne!(base, sms_hash(&sms("+1 503 555 0142", "Due 12.01")));
    }
}
