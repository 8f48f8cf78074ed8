//! What comes back from communications: SMTP bounces (RFC 3464 DSNs), SMS
//! delivery receipts and replies, one-click unsubscribes (RFC 8058), print
//! returns. Parsed into [`Event`]s, then recorded in the ledger against the
//! message each answers, updating the customer's standing preferences
//! ([`crate::model::Standing`]) that later runs' channel plans read.
//!
//! Everything here is outside input: hostile until checked. A parser
//! rejects what it cannot read with an [`EventError`] naming the place;
//! nothing is recorded from input that fails.
//!
//! The parsers, one per source: [`parse_dsn`], [`parse_sms_line`],
//! [`parse_request`] (with the unsubscribe token verified by the operator's
//! [`UnsubscribeKey`]), [`parse_returns`]; [`read`] and [`read_each`] take
//! a file or a directory of them.

mod dsn;
mod event;
mod ingest;
mod oneclick;
mod quote;
mod read;
mod returns;
mod sms;

pub use self::dsn::parse_dsn;
pub use self::event::{Event, EventError, EventKind, Subject};
pub use self::ingest::{Ingested, Rejected, ingest};
pub use self::oneclick::{MAX_REQUEST, parse_request};
pub use self::read::{FileEvents, read, read_each, read_file};
pub use self::returns::parse_returns;
pub use self::sms::{STOP_WORDS, is_stop, parse_sms_line};
pub use crate::message::{Claims, KeyError, TokenError, UnsubscribeKey, sign, verify};

#[cfg(test)]
mod tests {
    use super::*;

    /// A DSN, an SMS line, a one-click request and a returns CSV, valid.
    const SEEDS: [&str; 4] = [
        "From: MAILER-DAEMON@mx.example\r\nMessage-ID: <d@mx.example>\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n\
         Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <m@n.example>\r\n\r\n--B--\r\n",
        r#"{"type":"inbound","id":"mo-1","from":"+4915112345678","text":"STOP","at":"2026-12-02T10:00:00Z"}"#,
        "POST /p?token=v1.0123456789abcdef0123456789abcdef.email.marketing.00 HTTP/1.1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\n\
         List-Unsubscribe=One-Click",
        "key,reason,date\nbill/2026.1/C1003/2026-12/print,moved,2026-12-09\n",
    ];

    /// Every parser on `input`: no panic, and an error names its place.
    fn each_parser(input: &[u8]) {
        let key = UnsubscribeKey::from_bytes(vec![1; 16]).unwrap();
        let mut errors = vec![
            parse_dsn(input, "x.eml").err(),
            parse_returns(input, "x.csv").err(),
        ];
        // An unsigned request never unsubscribes.
        errors.push(Some(parse_request(input, "x.http", &key).unwrap_err()));
        if let Ok(line) = std::str::from_utf8(input) {
            errors.push(parse_sms_line(line, "x.jsonl:1").err());
        }
        for e in errors.into_iter().flatten() {
            assert!(e.source.starts_with("x."), "{e}");
            assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn no_parser_panics_on_noise_or_mutated_input() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            let seed = SEEDS[round % SEEDS.len()].as_bytes();
            let mut input = seed.to_vec();
            for _ in 0..(next() % 8) {
                let at = (next() as usize) % input.len();
                match next() % 3 {
                    0 => input[at] = next() as u8,
                    1 => input.truncate(at.max(1)),
                    _ => input.insert(at, b"\r\n:;=.-\"\xff"[(next() % 9) as usize]),
                }
            }
            each_parser(&input);
            let noise: Vec<u8> = (0..next() % 512).map(|_| next() as u8).collect();
            each_parser(&noise);
        }
        for seed in SEEDS {
            each_parser(seed.as_bytes());
        }
    }
}
