//! `render::sms_segments` on any text. Properties: no panic; empty text is 0
//! segments and any other text at least 1; a text within one segment's
//! capacity (160 GSM-7 septets, 70 UCS-2 units) is 1 segment; units are
//! the septet / UTF-16 count; segments are enough for the units and never
//! more than one per character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vellum::render::{SmsEncoding, sms_segments};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (encoding, segments, units) = sms_segments(&text);
    let chars = text.chars().count() as u32;
    if text.is_empty() {
        assert_eq!((segments, units), (0, 0), "empty text");
        return;
    }
    assert!(segments >= 1, "non-empty text of 0 segments");
    let (single, multi) = match encoding {
        SmsEncoding::Gsm7 => {
            assert!(units >= chars && units <= 2 * chars, "GSM-7 units {units} for {chars} chars");
            (160, 153)
        }
        SmsEncoding::Ucs2 => {
            assert_eq!(units, text.encode_utf16().count() as u32, "UCS-2 units");
            (70, 67)
        }
    };
    if units <= single {
        assert_eq!(segments, 1, "{units} units fit one segment");
    } else {
        assert!(segments >= 2, "{units} units in one segment");
        assert!(segments >= units.div_ceil(multi), "{units} units in {segments} segments");
        assert!(segments <= chars, "more segments than characters");
        // Every segment but the last holds at least `multi - 1` units (a
        // character is at most 2 units and is never split).
        assert!((segments - 1) * (multi - 1) < units, "{units} units in {segments} segments");
    }
});
