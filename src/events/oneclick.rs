//! One-click unsubscribes (RFC 8058): the HTTP request a mailbox provider
//! sends to the `List-Unsubscribe` URL, as the endpoint received it (raw
//! HTTP/1.1 bytes), to an [`EventKind::Unsubscribe`] for the message the
//! verified token names.
//!
//! Only a `POST` whose body (`application/x-www-form-urlencoded` or
//! `multipart/form-data`) carries `List-Unsubscribe=One-Click` unsubscribes:
//! a `GET` (a link scanner, a prefetch) never does. The token is the
//! `token` parameter of the request target, verified with the operator's
//! key; its event id is the token's hash, so a replayed request is the
//! same event.

use mail_parser::{MessageParser, MimeHeaders};

use super::quote::{event_id, quote};
use super::{Event, EventError, EventKind, Subject};
use crate::message::{UnsubscribeKey, verify};

/// The largest request read: a one-click POST is a few hundred bytes.
pub const MAX_REQUEST: usize = 64 * 1024;

/// The most header lines a request may have.
const MAX_HEADERS: usize = 100;

/// A request as an endpoint received it.
struct Request<'a> {
    method: &'a str,
    target: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
}

impl Request<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// The unsubscribe event of the raw HTTP request `raw`, read from `source`.
pub fn parse_request(raw: &[u8], source: &str, key: &UnsubscribeKey) -> Result<Event, EventError> {
    let err = |m: String| EventError::new(source, m);
    if raw.len() > MAX_REQUEST {
        return Err(err(format!(
            "the request has {} bytes, more than a one-click request's {MAX_REQUEST}",
            raw.len()
        )));
    }
    let req = request(raw).map_err(err)?;
    if !req.method.eq_ignore_ascii_case("POST") {
        return Err(err(format!(
            "a {} request never unsubscribes (RFC 8058: only a POST with \
             List-Unsubscribe=One-Click does; link scanners GET the URL)",
            quote(req.method)
        )));
    }
    if !one_click(&req).map_err(err)? {
        return Err(err(
            "the POST body does not carry List-Unsubscribe=One-Click (RFC 8058 §3.2)".into(),
        ));
    }
    let token = query_param(req.target, "token").ok_or_else(|| {
        err("the request target has no ?token= (not an unsubscribe URL of vellum's)".into())
    })?;
    let claims = verify(key, &token).map_err(|e| err(e.to_string()))?;
    Ok(Event {
        id: event_id("one-click", &[&token]),
        at_ms: None,
        subject: Subject::Token {
            message: claims.message,
        },
        kind: EventKind::Unsubscribe {
            channel: claims.channel,
            scope: claims.scope,
        },
        source: source.to_owned(),
    })
}

/// Splits `raw` into request line, headers and body (by Content-Length).
fn request(raw: &[u8]) -> Result<Request<'_>, String> {
    let end = find(raw, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(raw, b"\n\n").map(|i| (i, i + 2)))
        .ok_or("not an HTTP request: no blank line after the headers")?;
    let head = std::str::from_utf8(&raw[..end.0])
        .map_err(|_| "not an HTTP request: the request line or headers are not UTF-8")?;
    let mut lines = head.lines();
    let line = lines.next().unwrap_or("");
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(format!("not an HTTP request line: `{}`", quote(line)));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(format!("not an HTTP/1.1 request line: `{}`", quote(line)));
    }
    let mut headers = Vec::new();
    for l in lines {
        let (n, v) = l
            .split_once(':')
            .ok_or_else(|| format!("not a header line: `{}`", quote(l)))?;
        headers.push((n.trim(), v.trim()));
        if headers.len() > MAX_HEADERS {
            return Err(format!("more than {MAX_HEADERS} header lines"));
        }
    }
    let mut req = Request {
        method,
        target,
        headers,
        body: &raw[end.1..],
    };
    if req.header("transfer-encoding").is_some() {
        return Err(
            "a Transfer-Encoding body is not read: hand over the request with its decoded body and Content-Length".into(),
        );
    }
    if let Some(len) = req.header("content-length") {
        let n: usize = len
            .parse()
            .map_err(|_| format!("Content-Length `{}` is not a number", quote(len)))?;
        if n > req.body.len() {
            return Err(format!(
                "the body has {} bytes, fewer than its Content-Length {n} (cut short)",
                req.body.len()
            ));
        }
        req.body = &req.body[..n];
    }
    Ok(req)
}

/// Whether the body carries `List-Unsubscribe=One-Click`.
fn one_click(req: &Request<'_>) -> Result<bool, String> {
    let ctype = req.header("content-type").unwrap_or("");
    let mime = ctype.split(';').next().unwrap_or("").trim();
    if mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        let body = std::str::from_utf8(req.body).map_err(|_| "the form body is not UTF-8")?;
        Ok(form_pairs(body).any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click"))
    } else if mime.eq_ignore_ascii_case("multipart/form-data") {
        multipart_one_click(ctype, req.body)
    } else {
        Err(format!(
            "Content-Type `{}` is not a form (RFC 8058: application/x-www-form-urlencoded or multipart/form-data)",
            quote(ctype)
        ))
    }
}

/// A `multipart/form-data` body's `List-Unsubscribe` field, read as the MIME
/// it is with `mail-parser`.
fn multipart_one_click(ctype: &str, body: &[u8]) -> Result<bool, String> {
    if !ctype.to_ascii_lowercase().contains("boundary=") {
        return Err("a multipart/form-data body without a boundary".into());
    }
    let mut mime = format!("Content-Type: {ctype}\r\n\r\n").into_bytes();
    mime.extend_from_slice(body);
    let msg = MessageParser::default()
        .parse(&mime)
        .ok_or("the multipart/form-data body cannot be read")?;
    Ok(msg.parts.iter().skip(1).any(|p| {
        let named = p
            .content_disposition()
            .and_then(|d| d.attribute("name"))
            .is_some_and(|n| n == "List-Unsubscribe");
        named && std::str::from_utf8(p.contents()).is_ok_and(|v| v.trim() == "One-Click")
    }))
}

/// The percent-decoded pairs of a form body or query.
fn form_pairs(s: &str) -> impl Iterator<Item = (String, String)> + '_ {
    s.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (percent_decode(k), percent_decode(v))
    })
}

/// The value of query parameter `name` of a request target.
fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    form_pairs(query)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// `%XX` and `+` decoded; invalid escapes and non-UTF-8 kept as they are
/// (a token with them fails verification).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::sign;
    use crate::model::{Channel, Scope};

    const MSG: &str = "0123456789abcdef0123456789abcdef";

    fn key() -> UnsubscribeKey {
        UnsubscribeKey::from_bytes(vec![42; 32]).unwrap()
    }

    fn token() -> String {
        sign(&key(), MSG, Channel::Email, Scope::Marketing)
    }

    fn post(ctype: &str, body: &str, token: &str) -> Vec<u8> {
        format!(
            "POST /preferences?token={token} HTTP/1.1\r\nHost: www.northwind.example\r\n\
             Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    #[test]
    fn a_form_post_unsubscribes() {
        let raw = post(
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
            &token(),
        );
        let e = parse_request(&raw, "r.http", &key()).unwrap();
        assert_eq!(
            e.subject,
            Subject::Token {
                message: MSG.into()
            }
        );
        assert_eq!(
            e.kind,
            EventKind::Unsubscribe {
                channel: Channel::Email,
                scope: Scope::Marketing
            }
        );
        // A replay is the same event.
        assert_eq!(parse_request(&raw, "again.http", &key()).unwrap().id, e.id);
    }

    #[test]
    fn a_multipart_post_unsubscribes() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n\
                    One-Click\r\n--XyZ--\r\n";
        let raw = post("multipart/form-data; boundary=XyZ", body, &token());
        assert!(parse_request(&raw, "m.http", &key()).is_ok());
    }

    #[test]
    fn what_does_not_unsubscribe_says_why() {
        let form = "application/x-www-form-urlencoded";
        let get = format!(
            "GET /preferences?token={} HTTP/1.1\r\nHost: x\r\n\r\n",
            token()
        );
        let forged = sign(
            &UnsubscribeKey::from_bytes(vec![1; 32]).unwrap(),
            MSG,
            Channel::Email,
            Scope::All,
        );
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (get.into_bytes(), "a GET request never unsubscribes"),
            (
                post(form, "List-Unsubscribe=Maybe", &token()),
                "does not carry",
            ),
            (
                post("text/plain", "List-Unsubscribe=One-Click", &token()),
                "is not a form",
            ),
            (post(form, "List-Unsubscribe=One-Click", ""), "no ?token="),
            (
                post(form, "List-Unsubscribe=One-Click", &forged),
                "does not verify",
            ),
            (
                post(
                    form,
                    "List-Unsubscribe=One-Click",
                    &token().replace("marketing", "all"),
                ),
                "does not verify",
            ),
            (b"garbage without headers".to_vec(), "no blank line"),
            (b"\xff\xfe\r\n\r\n".to_vec(), "not UTF-8"),
            (
                {
                    let mut r = post(form, "List-Unsubscribe=One-Click", &token());
                    r.truncate(r.len() - 5);
                    r
                },
                "cut short",
            ),
            (vec![b'a'; MAX_REQUEST + 1], "more than a one-click request"),
        ];
        for (raw, want) in cases {
            let e = parse_request(&raw, "bad.http", &key()).unwrap_err();
            assert_eq!(e.source, "bad.http");
            assert!(e.message.contains(want), "want {want:?}: {e}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Eb+c%zz%4"), "a.b c%zz%4");
        assert_eq!(
            query_param("/p?x=1&token=v1%2Eab&y", "token").as_deref(),
            Some("v1.ab")
        );
    }
}
