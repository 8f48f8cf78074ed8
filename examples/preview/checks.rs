//! The email checks panel: what Gmail, Outlook, Apple Mail and Yahoo do not
//! support (the caniemail database, through node), broken links and images
//! without alt text, the size against Gmail's clipping, and SpamAssassin's
//! score. A missing tool is said plainly, with how to install it; never a
//! made-up result.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use super::send::raw_email;
use super::view::Rendered;

/// Gmail clips a message's HTML beyond about 102 KB.
const GMAIL_CLIP: usize = 102 * 1024;

/// Every check of the preview's email.
pub fn checks(r: &Rendered) -> Value {
    let Some(html) = &r.html else {
        return json!({ "error": "this preview has no email" });
    };
    json!({
        "caniemail": caniemail(html),
        "links": links(html),
        "size": { "bytes": html.len(), "limit": GMAIL_CLIP, "clipped": html.len() > GMAIL_CLIP },
        "spamassassin": spamassassin(r),
    })
}

/// The folder with the linter's npm packages (`npm ci` there).
fn lint_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/email_lint")
}

fn caniemail(html: &str) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/preview/lint.mjs");
    let dir = lint_dir();
    let how = format!(
        "install Node (apt-get install nodejs npm) and run `npm ci` in {}",
        dir.display()
    );
    match run(Command::new("node").arg(script).arg(&dir), html.as_bytes()) {
        Err(_) => json!({ "unavailable": format!("node is not installed: {how}") }),
        Ok((true, out, _)) => serde_json::from_slice(&out).unwrap_or_else(
            |e| json!({ "unavailable": format!("the linter's answer is not JSON: {e}") }),
        ),
        Ok((false, _, err)) => json!({
            "unavailable": format!("the caniemail linter failed: {} ({how})", first_line(&err)),
        }),
    }
}

fn spamassassin(r: &Rendered) -> Value {
    let raw = match raw_email(r) {
        Ok(raw) => raw,
        Err(e) => return json!({ "unavailable": format!("no message to score: {e}") }),
    };
    match run(Command::new("spamassassin").args(["-L", "-t"]), &raw) {
        Err(_) => json!({
            "unavailable": "SpamAssassin is not installed (apt-get install spamassassin)",
        }),
        Ok((_, out, err)) => match spam_status(&String::from_utf8_lossy(&out)) {
            Some((score, tests)) => json!({ "score": score, "tests": tests }),
            None => json!({
                "unavailable": format!("SpamAssassin gave no score: {}", first_line(&err)),
            }),
        },
    }
}

/// Runs `cmd` with `input` on stdin: (success, stdout, stderr), or the
/// error starting it (the tool is missing).
fn run(cmd: &mut Command, input: &[u8]) -> std::io::Result<(bool, Vec<u8>, Vec<u8>)> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&data);
        }
    });
    let out = child.wait_with_output()?;
    let _ = writer.join();
    Ok((out.status.success(), out.stdout, out.stderr))
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .next()
        .unwrap_or("no message")
        .chars()
        .take(300)
        .collect()
}

/// Score and rules of "X-Spam-Status: No, score=0.3 required=5.0
/// tests=A,\n\tB autolearn=..." (folded over lines).
fn spam_status(text: &str) -> Option<(f64, String)> {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(status) = line.strip_prefix("X-Spam-Status:") else {
            continue;
        };
        let mut status = status.to_owned();
        while lines.peek().is_some_and(|l| l.starts_with([' ', '\t'])) {
            if !status.ends_with(',') {
                status.push(' ');
            }
            status.push_str(lines.next().unwrap_or("").trim());
        }
        let field = |k: &str| status.split_whitespace().find_map(|w| w.strip_prefix(k));
        let score = field("score=")?.parse().ok()?;
        return Some((score, field("tests=").unwrap_or("").to_owned()));
    }
    None
}

/// Links a recipient cannot follow and images without alt text.
fn links(html: &str) -> Value {
    let mut broken = Vec::new();
    let mut no_alt = Vec::new();
    for (tag, attrs) in tags(html) {
        if tag == "a"
            && let Some((_, href)) = attrs.iter().find(|(k, _)| k == "href")
            && let Some(why) = bad_href(href)
        {
            broken.push(json!({ "href": href, "why": why }));
        }
        if tag == "img" && !attrs.iter().any(|(k, _)| k == "alt") {
            let src = attrs
                .iter()
                .find(|(k, _)| k == "src")
                .map(|(_, v)| v.clone());
            no_alt.push(json!({ "src": src.unwrap_or_default() }));
        }
    }
    json!({ "broken": broken, "images_without_alt": no_alt })
}

/// Why a link does not work, if it does not.
fn bad_href(href: &str) -> Option<&'static str> {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    if h.is_empty() {
        Some("empty link")
    } else if h == "#" {
        Some("links to nowhere (#)")
    } else if h.contains("{{") || h.contains("}}") || lower.contains("%7b%7b") {
        Some("an unresolved placeholder")
    } else if !["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        Some("not an http(s), mailto or tel link")
    } else if lower == "http://" || lower == "https://" || lower == "mailto:" || lower == "tel:" {
        Some("no address after the scheme")
    } else {
        None
    }
}

/// The start tags of `html`: lower-case name and attributes (lower-case
/// names, values with the common entities decoded).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() {
            continue;
        }
        let (attrs, after) = attributes(&rest[name.len()..]);
        out.push((name.to_ascii_lowercase(), attrs));
        rest = after;
    }
    out
}

/// The attributes up to the tag's `>`, and the text after it.
fn attributes(mut s: &str) -> (Vec<(String, String)>, &str) {
    let mut attrs = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if s.is_empty() || s.starts_with('>') {
            return (attrs, s.get(1..).unwrap_or(""));
        }
        let end = s
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(s.len())
            .max(1);
        let name = s[..end].to_ascii_lowercase();
        s = s[end..].trim_start();
        let mut value = String::new();
        if let Some(v) = s.strip_prefix('=') {
            let v = v.trim_start();
            let (raw, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &v[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = v
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(v.len());
                    (&v[..close], &v[close..])
                }
            };
            value = decode_entities(raw);
            s = after;
        }
        attrs.push((name, value));
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_links_and_missing_alt() {
        let v = links(
            r##"<a href="#">x</a><a href="https://a.example/?a=1&amp;b=2">ok</a>
               <a href='{{ links.pay }}'>p</a><a href="javascript:alert(1)">j</a>
               <img src="a.png"><img alt="" src="b.png"><A HREF="">e</A>"##,
        );
        assert_eq!(v["broken"].as_array().unwrap().len(), 4, "{v}");
        assert_eq!(v["images_without_alt"].as_array().unwrap().len(), 1, "{v}");
    }

    #[test]
    fn reads_a_folded_spam_status() {
        let s = "X-Spam-Status: No, score=0.3 required=5.0 tests=A,\n\tB autolearn=no\n";
        assert_eq!(spam_status(s), Some((0.3, "A,B".to_owned())));
    }
}
