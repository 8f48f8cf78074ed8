//! The event parsers on any bytes: the first byte modulo 4 picks the
//! parser (DSN, SMS gateway line, one-click request, returns CSV; the
//! seeds use the digits `0` to `3`), the rest is its input. Properties: no
//! panic; an error names the place it was given and says something; every
//! event's source is that place (a CSV's and a line's with `:line`); a
//! one-click request never verifies without the key's signature (the
//! fuzzer cannot forge one: an `Ok` is a bug).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vellum::events::{
    Event, EventError, UnsubscribeKey, parse_dsn, parse_request, parse_returns, parse_sms_line,
};

fuzz_target!(|data: &[u8]| {
    let Some((&which, input)) = data.split_first() else {
        return;
    };
    let key = UnsubscribeKey::from_bytes(vec![0x5a; 32]).unwrap();
    let result: Result<Vec<Event>, EventError> = match which % 4 {
        0 => parse_dsn(input, "f.eml"),
        1 => match std::str::from_utf8(input) {
            Ok(line) => parse_sms_line(line, "f.jsonl:1").map(|e| e.into_iter().collect()),
            Err(_) => return,
        },
        2 => {
            let r = parse_request(input, "f.http", &key);
            assert!(r.is_err(), "an unsigned request unsubscribed: {r:?}");
            r.map(|e| vec![e])
        }
        _ => parse_returns(input, "f.csv"),
    };
    match result {
        Ok(events) => {
            for e in events {
                assert!(e.source.starts_with("f."), "source {}", e.source);
                assert_eq!(e.id.len(), 64, "id {}", e.id);
            }
        }
        Err(e) => {
            assert!(e.source.starts_with("f."), "error source {}", e.source);
            assert!(!e.message.is_empty(), "an empty error message");
        }
    }
});
