//! What comes back, parsed from what real parts produce: DSNs the aiosmtpd
//! test server writes for recipients its next hop refuses, the SMS test
//! gateway's receipts and a STOP reply, RFC 8058 one-click requests as
//! mailbox providers send them to the URL vellum signed, and hostile files,
//! each refused with its place.
#![cfg(all(feature = "smtp", feature = "sms-http"))]

use crate::deliver_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use deliver_support::{Server, design, files_with, received, samples, temp_dir};
use vellum::deliver::{
    Audience, Communication, Dispatcher, Ledger, MessageOptions, Outcome, SmsHttpOptions,
    SmsHttpTransport, SmtpOptions, SmtpTls, SmtpTransport, UnsubscribeKey,
};
use vellum::events::{self, Event, EventKind, Subject};
use vellum::model::{Channel, Scope, address_hash};

fn key() -> UnsubscribeKey {
    UnsubscribeKey::parse("7f3c2a9e51b04d8c96e1f0a2b3c4d5e6").unwrap()
}

fn options() -> MessageOptions {
    let mut o = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    o.unsubscribe_key = Some(key());
    o
}

/// The bill of the first sample (marketing consent: it carries an offer
/// and List-Unsubscribe) for customer `id` at `email`, by email only.
fn bill_email(id: &str, email: &str) -> Communication {
    let d = design("bill");
    let (mut record, _) = samples(&d).remove(0);
    record["customer"]["id"] = id.into();
    record["customer"]["email"] = email.into();
    let doc = vellum::compose(&d, &record, &deliver_support::today()).unwrap();
    vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(&doc, &[Channel::Email], false, &options())
        .unwrap()
}

fn smtp_dispatcher(port: u16) -> Dispatcher {
    let mut o = SmtpOptions::new("127.0.0.1", port);
    o.tls = SmtpTls::None;
    o.timeout = Duration::from_secs(10);
    Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, SmtpTransport::new(&o).unwrap())
        .build()
        .unwrap()
}

fn marketing_audience() -> Audience {
    Audience {
        marketing_consent: vec![Channel::Email],
        ..Audience::default()
    }
}

/// A raw RFC 8058 request to `url`'s path and query.
fn one_click_request(url: &str, content_type: &str, body: &str) -> String {
    let target = url
        .strip_prefix("https://www.northwind.example")
        .expect("the brand's preferences URL");
    format!(
        "POST {target} HTTP/1.1\r\nHost: www.northwind.example\r\nUser-Agent: GoogleOneClick/1.0\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn a_bounced_email_comes_back_against_its_message_and_its_link_unsubscribes() {
    let out = temp_dir("events-smtp");
    let bounces = out.join("bounces");
    let server = Server::start(
        "smtp_sink.py",
        &[
            "--out",
            out.join("sink").to_str().unwrap(),
            "--bounce-rcpt",
            "bounce",
            "--defer-rcpt",
            "slow",
            "--bounces",
            bounces.to_str().unwrap(),
        ],
    );
    let dispatcher = smtp_dispatcher(server.port);
    let comms = [
        bill_email("E1", "ana.bounce@example.com"),
        bill_email("E2", "bo.slow@example.com"),
        bill_email("E3", "cy@example.com"),
    ];
    for c in &comms {
        let outcome = dispatcher.deliver(c, &marketing_audience()).unwrap();
        // The relay took every message; its next hop refused two.
        assert!(matches!(outcome, Outcome::Delivered { .. }), "{outcome:?}");
    }
    let events = events::read(&bounces, &key()).unwrap();
    assert_eq!(events.len(), 2, "{events:#?}");
    let id = |c: &Communication| {
        Subject::MessageId(c.message(Channel::Email).unwrap().message_id.clone())
    };
    let hard = &events[0];
    assert_eq!(hard.subject, id(&comms[0]));
    match &hard.kind {
        EventKind::Bounce {
            hard: true,
            status,
            diagnostic,
            recipient,
        } => {
            assert_eq!(status, "5.1.1");
            assert_eq!(recipient.as_deref(), Some("ana.bounce@example.com"));
            assert!(
                diagnostic.as_deref().unwrap().contains("550 5.1.1"),
                "{diagnostic:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(hard.at_ms.is_some());
    assert!(hard.source.ends_with(".eml"), "{}", hard.source);
    assert_eq!(events[1].subject, id(&comms[1]));
    assert!(
        matches!(&events[1].kind, EventKind::Bounce { hard: false, status, .. } if status == "4.4.1")
    );
    // Read again: the same ids (ingest records nothing twice).
    let again = events::read(&bounces, &key()).unwrap();
    assert_eq!(ids(&again), ids(&events));

    // The delivered bill's List-Unsubscribe URL, posted as Gmail does
    // (form-urlencoded) and as a multipart form: the verified token names
    // its message, email, marketing.
    let got = received(&out.join("sink"));
    assert_eq!(got.len(), 1, "only cy@ got a message");
    let msg = mail_parser::MessageParser::default()
        .parse(&got[0].0[..])
        .unwrap();
    let header = msg.header_raw("List-Unsubscribe").unwrap().trim();
    let url = header.trim_start_matches('<').trim_end_matches('>');
    assert!(url.contains("?token=v1."), "{url}");
    let dir = out.join("requests");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("1-gmail.http"),
        one_click_request(
            url,
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        ),
    )
    .unwrap();
    let multipart = "------WebKitFormBoundary7MA4YWxk\r\nContent-Disposition: form-data; \
                     name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n------WebKitFormBoundary7MA4YWxk--\r\n";
    std::fs::write(
        dir.join("2-multipart.http"),
        one_click_request(
            url,
            "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk",
            multipart,
        ),
    )
    .unwrap();
    let unsubscribes = events::read(&dir, &key()).unwrap();
    assert_eq!(unsubscribes.len(), 2);
    let hash = comms[2].message(Channel::Email).unwrap().message_id[1..33].to_owned();
    for e in &unsubscribes {
        assert_eq!(
            e.subject,
            Subject::Token {
                message: hash.clone()
            }
        );
        assert_eq!(
            e.kind,
            EventKind::Unsubscribe {
                channel: Channel::Email,
                scope: Scope::Marketing
            }
        );
    }
    // The second request is a replay of the first: the same event id.
    assert_eq!(unsubscribes[0].id, unsubscribes[1].id);
}

fn ids(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}

/// Waits until `path` has `n` lines (the gateway writes them after it
/// answers).
fn lines(path: &Path, n: usize) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.lines().count() >= n || start.elapsed() > Duration::from_secs(30) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sms_receipts_and_a_stop_reply_come_back_from_the_gateway() {
    let out = temp_dir("events-sms");
    let webhook = out.join("webhook.jsonl");
    let server = Server::start(
        "sms_gateway.py",
        &[
            "--out",
            out.join("accepted.jsonl").to_str().unwrap(),
            "--events",
            webhook.to_str().unwrap(),
            "--undeliverable",
            "+44 7700",
            "--reply",
            "+4915112345678=Stop",
        ],
    );
    let mut o = SmsHttpOptions::new(&format!("http://127.0.0.1:{}/messages", server.port));
    o.auth_header = Some(("Authorization".into(), "Bearer test-token".into()));
    let dispatcher = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Sms, SmsHttpTransport::new(o))
        .build()
        .unwrap();
    let d = design("bill");
    let (record, _) = samples(&d).remove(0);
    let mut receipts = Vec::new();
    for (i, phone) in ["+49 151 12345678", "+44 7700 900123"]
        .into_iter()
        .enumerate()
    {
        let mut r = record.clone();
        r["customer"]["id"] = format!("S{i}").into();
        r["customer"]["phone"] = phone.into();
        let doc = vellum::compose(&d, &r, &deliver_support::today()).unwrap();
        let comm = vellum::Pipeline::new(&d, Default::default())
            .unwrap()
            .communication_for(&doc, &[Channel::Sms], false, &options())
            .unwrap();
        match dispatcher
            .deliver(&comm, &Audience::from_document(&doc))
            .unwrap()
        {
            Outcome::Delivered { receipt, .. } => receipts.push(receipt.id),
            other => panic!("{other:?}"),
        }
    }
    lines(&webhook, 3);
    let events = events::read(&webhook, &key()).unwrap();
    assert_eq!(events.len(), 3, "{events:#?}");
    // In the gateway's order: the receipt of the first message, its
    // customer's STOP, the second's receipt.
    assert_eq!(events[0].subject, Subject::Receipt(receipts[0].clone()));
    assert_eq!(events[0].kind, EventKind::Delivered);
    assert_eq!(
        events[1].subject,
        Subject::Sender(address_hash(Channel::Sms, "+49 151 12345678"))
    );
    assert_eq!(
        events[1].kind,
        EventKind::Reply {
            text: "Stop".into(),
            stop: true
        }
    );
    assert_eq!(events[2].subject, Subject::Receipt(receipts[1].clone()));
    assert!(
        matches!(&events[2].kind, EventKind::Bounce { hard: true, status, .. } if status == "undeliverable"),
        "{:?}",
        events[2].kind
    );
    assert!(events.iter().all(|e| e.at_ms.is_some()));
    assert!(
        events[1].source.ends_with("webhook.jsonl:2"),
        "{}",
        events[1].source
    );
}

/// A file `name` with `bytes` in a fresh folder of its own.
fn hostile(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn hostile_event_files_are_refused_with_their_place() {
    let dir = temp_dir("events-hostile");
    let token = events::sign(&key(), &"ab".repeat(16), Channel::Email, Scope::Marketing);
    let forged = events::sign(
        &UnsubscribeKey::from_bytes(vec![0; 32]).unwrap(),
        &"ab".repeat(16),
        Channel::Email,
        Scope::All,
    );
    let url = |t: &str| format!("https://www.northwind.example/preferences?token={t}");
    let form = "application/x-www-form-urlencoded";
    let garbage: Vec<u8> = (0..10_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (
            hostile(&dir, "get.http", format!("GET /preferences?token={token} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()),
            "get.http",
            "a GET request never unsubscribes",
        ),
        (
            hostile(&dir, "forged.http", one_click_request(&url(&forged), form, "List-Unsubscribe=One-Click").as_bytes()),
            "forged.http",
            "does not verify",
        ),
        (
            hostile(
                &dir,
                "tampered.http",
                one_click_request(&url(&token.replace(".marketing.", ".all.")), form, "List-Unsubscribe=One-Click")
                    .as_bytes(),
            ),
            "tampered.http",
            "does not verify",
        ),
        (
            hostile(&dir, "not-dsn.eml", b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n"),
            "not-dsn.eml",
            "not a delivery report",
        ),
        (
            hostile(
                &dir,
                "no-status.eml",
                b"From: a@b.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b--\r\n",
            ),
            "no-status.eml",
            "no message/delivery-status part",
        ),
        (hostile(&dir, "garbage.eml", &garbage), "garbage.eml", "more than the 8388608"),
        (hostile(&dir, "garbage.http", &garbage), "garbage.http", "more than the 65536"),
        (hostile(&dir, "garbage.jsonl", &garbage), "garbage.jsonl:1", ""),
        (hostile(&dir, "garbage.csv", &garbage), "garbage.csv:", ""),
        (hostile(&dir, "garbage.bin", &garbage), "garbage.bin", "not an event file"),
        (
            hostile(&dir, "latin1.jsonl", b"{\"type\":\"inbound\",\"from\":\"+331234\",\"text\":\"arr\xeat\"}\n"),
            "latin1.jsonl:1",
            "not UTF-8",
        ),
        (
            hostile(&dir, "latin1.csv", b"key,reason\nbill/1/C1/2026-12/print,d\xe9m\xe9nag\xe9\n"),
            "latin1.csv:2",
            "not UTF-8",
        ),
    ];
    for (path, place, want) in &cases {
        let start = Instant::now();
        let e = events::read(path, &key()).unwrap_err();
        assert!(e.source.contains(place), "{place}: {e}");
        assert!(e.message.contains(want), "{place}: want {want:?}: {e}");
        assert!(!e.message.is_empty());
        // Prompt: no file of these takes long (a bound far above the time
        // it takes, against a hang, not a benchmark).
        assert!(start.elapsed() < Duration::from_secs(20), "{place}");
    }
    // The folder as a whole: every file reported on its own, nothing taken.
    let each = events::read_each(&dir, &key()).unwrap();
    assert_eq!(each.len(), cases.len());
    assert!(each.iter().all(|f| f.result.is_err()));
    assert!(files_with(&dir, "http").len() == 4);
}
