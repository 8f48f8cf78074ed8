//! The HTTP plumbing of `preview serve`: replies, query strings, request
//! bodies within a limit, and the page's Content-Security-Policy.

use std::collections::HashMap;
use std::io::Read;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tiny_http::Request;

/// Largest body a client may post (a record, an upload, a send request).
pub const BODY_LIMIT: usize = 256 * 1024;

/// An answer to send: status, type and bytes.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: content_type.to_owned(),
            body,
        }
    }
    pub fn json(status: u16, v: &Value) -> Reply {
        Reply::new(status, "application/json", v.to_string().into_bytes())
    }
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &json!({ "error": message }))
    }
}

/// Refuses what did not come from the page itself: a `Host` other than
/// this loopback address (DNS rebinding would let another site read the
/// previews), and a POST that is not JSON or comes from another origin (a
/// form or a `text/plain` fetch of another site needs no preflight; a test
/// send could otherwise mail customer data elsewhere).
pub fn refuse_foreign(req: &Request, port: u16) -> Option<Reply> {
    let header = |name: &'static str| {
        req.headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_owned())
    };
    let ours = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    if !header("Host").is_some_and(|h| ours.contains(&h)) {
        return Some(Reply::error(403, "this server answers only to 127.0.0.1"));
    }
    if *req.method() != tiny_http::Method::Post {
        return None;
    }
    if let Some(origin) = header("Origin")
        && !ours.iter().any(|o| origin == format!("http://{o}"))
    {
        return Some(Reply::error(403, "requests from other sites are refused"));
    }
    let json = header("Content-Type")
        .is_some_and(|t| t.split(';').next().unwrap_or("").trim() == "application/json");
    if !json {
        return Some(Reply::error(
            415,
            "send JSON (Content-Type: application/json)",
        ));
    }
    None
}

/// The body, at most [`BODY_LIMIT`] bytes: 413 beyond (the rest is read and
/// dropped, up to a bound, so the client sees the answer).
pub fn read_body(req: &mut Request) -> Result<Vec<u8>, Reply> {
    let too_large = || {
        Reply::error(
            413,
            "the record is larger than 256 KB (the preview's upload limit)",
        )
    };
    if req.body_length().is_some_and(|n| n > BODY_LIMIT) {
        drain(req.as_reader());
        return Err(too_large());
    }
    let mut body = Vec::new();
    let reader = req.as_reader();
    if reader
        .take(BODY_LIMIT as u64 + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return Err(Reply::error(400, "could not read the request body"));
    }
    if body.len() > BODY_LIMIT {
        drain(reader);
        return Err(too_large());
    }
    Ok(body)
}

fn drain(reader: &mut dyn Read) {
    let _ = std::io::copy(&mut reader.take(16 * 1024 * 1024), &mut std::io::sink());
}

/// A posted JSON object, or the reason it is not one (with its line and
/// column when it is not JSON).
pub fn json_object(body: &[u8], what: &str) -> Result<Value, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => Ok(v),
        Ok(_) => Err(Reply::error(400, &format!("{what} must be a JSON object"))),
        Err(e) => Err(Reply::error(
            400,
            &format!(
                "{what} is not JSON: line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )),
    }
}

pub fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The Content-Security-Policy: this origin only, the page's inline
/// scripts by their hashes, inline styles (the email's own) allowed.
pub fn csp(page: &str) -> String {
    let mut hashes = String::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script>") {
        let after = &rest[start + 8..];
        let Some(end) = after.find("</script>") else {
            break;
        };
        let digest = Sha256::digest(&after.as_bytes()[..end]);
        hashes.push_str(&format!(" 'sha256-{}'", base64(&digest)));
        rest = &after[end..];
    }
    format!(
        "default-src 'none'; script-src{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
