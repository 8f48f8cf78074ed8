//! Small helpers every parser shares: hostile text quoted short in errors
//! and events, and event ids.

use crate::model::digest::sha256_hex;

/// The most characters of outside text an error or an event quotes.
const QUOTE_CHARS: usize = 80;

/// `s` as an error may quote it: at most 80 characters (`…` after a cut),
/// control characters escaped, so a hostile input cannot forge lines of a
/// report or a terminal's escape sequences.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Outside text kept in an event (a diagnostic, a reply, a reason): control
/// characters become spaces, trimmed, at most `max` characters.
pub(crate) fn keep(s: &str, max: usize) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An event id: hex SHA-256 of the kind and the source's own identity of
/// the event, each part on a line of its own.
pub(crate) fn event_id(kind: &str, parts: &[&str]) -> String {
    let mut text = String::from(kind);
    for p in parts {
        text.push('\n');
        text.push_str(p);
    }
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short_and_escaped() {
        assert_eq!(quote("a\r\nb\u{1b}[2J"), "a\\r\\nb\\u{1b}[2J");
        let q = quote(&"x".repeat(1000));
        assert_eq!(q.chars().count(), 81);
        assert!(q.ends_with('…'));
    }

    #[test]
    fn kept_text_is_one_line() {
        assert_eq!(
            keep("  550 5.1.1\r\n  no such user ", 100),
            "550 5.1.1 no such user"
        );
        assert_eq!(keep("abcdef", 3), "abc");
    }

    #[test]
    fn ids_separate_their_parts() {
        assert_ne!(event_id("k", &["ab", "c"]), event_id("k", &["a", "bc"]));
        assert_eq!(event_id("k", &["a"]), event_id("k", &["a"]));
    }
}
