//! SMS: GSM-7 when every character fits it, UCS-2 otherwise, with the segment
//! count known before sending.

use serde::Serialize;

use crate::design::Design;
use crate::error::{Error, Result};
use crate::model::Channel;
use crate::model::Document;

/// The encoding an SMS is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SmsEncoding {
    /// The GSM 03.38 7-bit alphabet: 160 characters, 153 per segment when split.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UCS-2 (UTF-16): 70 code units, 67 per segment when split.
    #[serde(rename = "UCS-2")]
    Ucs2,
}

/// A rendered SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sms {
    /// The text to send.
    pub text: String,
    /// Its encoding.
    pub encoding: SmsEncoding,
    /// Number of segments (billed messages).
    pub segments: u32,
    /// Length in encoding units: septets for GSM-7, UTF-16 units for UCS-2.
    pub units: u32,
}

/// GSM 03.38 basic character set.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table: two septets each (escape + character).
const GSM_EXT: &str = "^{}\\[~]|€\u{0C}";

/// Which ASCII characters are in the GSM-7 basic set (all printable ASCII but
/// the extension characters and the backtick).
const GSM_ASCII: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0x20;
    while c < 0x7f {
        t[c] = !matches!(
            c as u8,
            b'^' | b'{' | b'}' | b'\\' | b'[' | b'~' | b']' | b'|' | b'`'
        );
        c += 1;
    }
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

fn gsm_cost(c: char) -> Option<u32> {
    // ASCII through the table, the rest (£, é, Δ...) through the alphabet.
    if ((c as u32) < 128 && GSM_ASCII[c as usize]) || GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXT.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Encoding, segment count and length of `text`. Characters are never split
/// across segments (an extension pair or a surrogate pair stays whole), so
/// the count matches what a gateway bills.
pub fn sms_segments(text: &str) -> (SmsEncoding, u32, u32) {
    let gsm: Option<Vec<u32>> = text.chars().map(gsm_cost).collect();
    let (encoding, costs, single, multi) = match gsm {
        Some(c) => (SmsEncoding::Gsm7, c, 160, 153),
        None => (
            SmsEncoding::Ucs2,
            text.chars().map(|c| c.len_utf16() as u32).collect(),
            70,
            67,
        ),
    };
    let units: u32 = costs.iter().sum();
    if units <= single {
        return (encoding, if units == 0 { 0 } else { 1 }, units);
    }
    let mut segments = 1;
    let mut used = 0;
    for c in costs {
        if used + c > multi {
            segments += 1;
            used = 0;
        }
        used += c;
    }
    (encoding, segments, units)
}

/// Typographic characters that have a plain GSM-7 equivalent. Locale
/// formatting puts no-break spaces into money ("195,49\u{a0}€"); sending them
/// would force the whole message into UCS-2 and halve its length.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}' => " ",
        '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => "-",
        '\u{2018}' | '\u{2019}' | '\u{201a}' => "'",
        '\u{201c}' | '\u{201d}' | '\u{201e}' => "\"",
        '\u{2026}' => "...",
        _ => return None,
    })
}

/// The text with typographic characters folded to GSM-7, when that makes it
/// fit GSM-7; otherwise the text unchanged (UCS-2 shows everything).
fn gsm_fold(text: &str) -> String {
    let folds = text
        .chars()
        .all(|c| gsm_cost(c).is_some() || fold_char(c).is_some());
    if !folds || text.chars().all(|c| gsm_cost(c).is_some()) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_char(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// Renders the SMS of a composed document. Fails when the design has no
/// SMS text or the text exceeds the design's maximum number of segments.
pub fn sms(design: &Design, doc: &Document) -> Result<Sms> {
    let Some(text) = &doc.sms else {
        return Err(Error::render(
            &doc.record,
            Channel::Sms,
            "the design has no SMS text",
        ));
    };
    let text = gsm_fold(text);
    let (encoding, segments, units) = sms_segments(&text);
    let max = design.manifest.max_sms_segments;
    if segments > max {
        let name = match encoding {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        };
        return Err(Error::render(
            &doc.record,
            Channel::Sms,
            format!(
                "the SMS needs {segments} segments ({units} {name} units), the design allows at most {max}"
            ),
        ));
    }
    Ok(Sms {
        text,
        encoding,
        segments,
        units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_table_matches_the_alphabet() {
        for b in 0u8..128 {
            let c = b as char;
            assert_eq!(GSM_ASCII[b as usize], GSM_BASIC.contains(c), "{c:?}");
        }
    }

    #[test]
    fn counting() {
        assert_eq!(sms_segments(&"a".repeat(160)), (SmsEncoding::Gsm7, 1, 160));
        assert_eq!(sms_segments(&"a".repeat(161)), (SmsEncoding::Gsm7, 2, 161));
        assert_eq!(sms_segments(&"€".repeat(80)), (SmsEncoding::Gsm7, 1, 160));
        assert_eq!(sms_segments(&"€".repeat(81)), (SmsEncoding::Gsm7, 2, 162));
        // 152 septets then an extension char: it may not straddle the boundary.
        let s = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(sms_segments(&s), (SmsEncoding::Gsm7, 2, 164));
        assert_eq!(sms_segments(&"我".repeat(70)), (SmsEncoding::Ucs2, 1, 70));
        assert_eq!(sms_segments(&"我".repeat(71)), (SmsEncoding::Ucs2, 2, 71));
        assert_eq!(sms_segments("😀").0, SmsEncoding::Ucs2);
        assert_eq!(sms_segments("😀").2, 2);
        assert_eq!(sms_segments(""), (SmsEncoding::Gsm7, 0, 0));
        assert_eq!(gsm_fold("195,49\u{a0}€ – „ok“"), "195,49 € - \"ok\"");
        assert_eq!(gsm_fold("我 195,49\u{a0}€"), "我 195,49\u{a0}€");
    }
}
