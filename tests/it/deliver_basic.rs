//! Delivery without servers: message building, the ledger, retries,
//! fallback and respect, with stub and directory backends.

use crate::deliver_support;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use deliver_support::{design, samples};
use mail_parser::{MessageParser, MimeHeaders};
use vellum::deliver::{
    Audience, Body, DirTransport, FrequencyCap, Outcome, QuietHours, Respect, RetryPolicy,
    StubTransport,
};
use vellum::deliver::{Communication, Dispatcher, Ledger, MessageOptions};
use vellum::model::Channel;
use vellum::model::ErrorClass;

fn fast_retry(max: u32) -> RetryPolicy {
    let mut r = RetryPolicy::default();
    r.max_attempts = max;
    r.initial_delay = Duration::from_millis(1);
    r.max_delay = Duration::from_millis(5);
    r
}

fn options(run: &str, marketing: bool) -> MessageOptions {
    let mut o = MessageOptions::new(run, "Northwind Energy", "hello@northwind.example");
    o.marketing = marketing;
    o
}

fn welcome(run: &str, marketing: bool, plan: &[Channel]) -> Communication {
    let d = design("welcome");
    let (_, doc) = samples(&d).remove(0);
    vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(&doc, plan, false, &options(run, marketing))
        .unwrap()
}

#[test]
fn email_is_text_then_html_with_one_click_unsubscribe_on_marketing() {
    let comm = welcome("2026-11", true, &[Channel::Email]);
    let Body::Email(e) = &comm.message(Channel::Email).unwrap().body else {
        panic!()
    };
    let msg = MessageParser::default().parse(&e.raw[..]).unwrap();
    let unsub = msg.header_raw("List-Unsubscribe").unwrap().trim();
    assert!(
        unsub.starts_with("<https://www.northwind.example/preferences?token="),
        "{unsub}"
    );
    assert_eq!(
        msg.header_raw("List-Unsubscribe-Post").unwrap().trim(),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(
        msg.message_id().unwrap(),
        comm.messages[0].message_id.trim_matches(['<', '>'])
    );
    let types: Vec<String> = msg
        .parts
        .iter()
        .filter_map(|p| {
            p.content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
        })
        .collect();
    assert_eq!(types, ["multipart/alternative", "text/plain", "text/html"]);

    // Transactional mail has no List-Unsubscribe headers.
    let comm = welcome("2026-11", false, &[Channel::Email]);
    let Body::Email(e) = &comm.messages[0].body else {
        panic!()
    };
    let msg = MessageParser::default().parse(&e.raw[..]).unwrap();
    assert!(msg.header_raw("List-Unsubscribe").is_none());
}

#[test]
fn hostile_names_and_subjects_add_no_headers_and_do_not_panic() {
    let d = design("welcome");
    let (mut record, _) = samples(&d).remove(0);
    record["customer"]["name"] = "Eve\r\nBcc: victim@evil.example".into();
    record["customer"]["first_name"] = "Eve\r\nBcc: victim2@evil.example\r\n\r\nbody".into();
    let doc = vellum::compose(&d, &record, &deliver_support::today()).unwrap();
    let comm = vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(&doc, &[Channel::Email], false, &options("r", false))
        .unwrap();
    let Body::Email(e) = &comm.messages[0].body else {
        panic!("{:?}", comm.problems)
    };
    let msg = MessageParser::default().parse(&e.raw[..]).unwrap();
    assert!(msg.header_raw("Bcc").is_none());
    let names: Vec<&str> = msg.headers().iter().map(|h| h.name.as_str()).collect();
    assert!(
        !names.iter().any(|n| n.eq_ignore_ascii_case("bcc")),
        "{names:?}"
    );
    assert_eq!(e.envelope_to, "emily.carter@example.com");
    let to = msg.to().unwrap().first().unwrap();
    assert_eq!(to.address().unwrap(), "emily.carter@example.com");
    assert!(!to.name().unwrap().contains(['\r', '\n']));
}

#[test]
fn idempotency_key_and_message_id_are_stable() {
    let a = welcome("2026-11", false, &[Channel::Email, Channel::Sms]);
    let b = welcome("2026-11", false, &[Channel::Email, Channel::Sms]);
    let c = welcome("2026-12", false, &[Channel::Email]);
    assert_eq!(
        a.messages[0].key,
        "welcome/1.0.0/C1001/2026-11/email".replace("1.0.0", &a.version)
    );
    assert_eq!(a.messages[1].key, format!("{}/sms", a.key));
    assert_eq!(a.messages[0].message_id, b.messages[0].message_id);
    assert_ne!(a.messages[0].message_id, c.messages[0].message_id);
    let Body::Sms(s) = &a.messages[1].body else {
        panic!()
    };
    assert!(s.segments >= 1);
}

#[test]
fn transient_errors_retry_and_the_ledger_shows_each_attempt() {
    let comm = welcome("r", false, &[Channel::Email]);
    let stub = Arc::new(StubTransport::new_ok().then_fail(ErrorClass::Transient, 2));
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, stub.clone())
        .retry(fast_retry(5))
        .build()
        .unwrap();
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    assert!(
        matches!(
            out,
            Outcome::Delivered {
                channel: Channel::Email,
                attempts: 3,
                ..
            }
        ),
        "{out:?}"
    );
    let attempts = d.ledger().attempts(&comm.messages[0].key).unwrap();
    let outcomes: Vec<&str> = attempts.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes, ["transient", "transient", "delivered"]);
    assert_eq!(stub.sent().len(), 1);
}

#[test]
fn permanent_errors_fall_back_along_the_plan() {
    let comm = welcome("r", false, &[Channel::Email, Channel::Sms]);
    let email = Arc::new(StubTransport::new_error(ErrorClass::Permanent));
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, email.clone())
        .transport(Channel::Sms, sms.clone())
        .retry(fast_retry(5))
        .build()
        .unwrap();
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    let Outcome::Delivered {
        channel,
        failed_before,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(channel, Channel::Sms);
    assert_eq!(failed_before.len(), 1);
    assert_eq!(email.tries(), 1, "a permanent error is not retried");
    assert_eq!(sms.sent().len(), 1);
}

#[test]
fn nothing_left_is_undeliverable_with_every_reason() {
    let mut comm = welcome("r", false, &[Channel::Email, Channel::Sms]);
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(
            Channel::Email,
            StubTransport::new_error(ErrorClass::Transient),
        )
        .transport(
            Channel::Sms,
            StubTransport::new_error(ErrorClass::Permanent),
        )
        .retry(fast_retry(3))
        .build()
        .unwrap();
    // A plan longer than the messages built: print has none.
    let plan = [Channel::Email, Channel::Sms, Channel::Print];
    comm.plan = plan.to_vec();
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    let Outcome::Undeliverable { attempts } = out else {
        panic!("{out:?}")
    };
    let channels: Vec<Channel> = attempts.iter().map(|a| a.channel).collect();
    assert_eq!(channels, plan, "{attempts:?}");
    assert!(attempts[0].reason.contains("gave up after 3 attempts"));
    let s = d.ledger().summary().unwrap();
    assert_eq!(
        (s.undeliverable, s.transient_failures, s.delivered),
        (1, 3, 0)
    );
}

#[test]
fn the_ledger_skips_delivered_messages_across_restarts() {
    let dir = deliver_support::temp_dir("restart");
    let db = dir.join("ledger.sqlite");
    let comm = welcome("r", false, &[Channel::Email]);
    let stub = Arc::new(StubTransport::new_ok());
    for _ in 0..2 {
        let d = Dispatcher::builder(Ledger::open(&db).unwrap())
            .transport(Channel::Email, stub.clone())
            .build()
            .unwrap();
        d.deliver(&comm, &Audience::default()).unwrap();
    }
    assert_eq!(stub.sent().len(), 1);

    // A crash after the server took it but before the ledger heard back
    // leaves the message in flight: the rerun resends it, same Message-ID,
    // and counts it as possibly duplicated.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE messages SET state = 'in_flight'", [])
        .unwrap();
    drop(conn);
    let d = Dispatcher::builder(Ledger::open(&db).unwrap())
        .transport(Channel::Email, stub.clone())
        .build()
        .unwrap();
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    assert!(
        matches!(
            out,
            Outcome::Delivered {
                possibly_duplicated: true,
                ..
            }
        ),
        "{out:?}"
    );
    let sent = stub.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].message_id, sent[1].message_id);
    assert_eq!(d.ledger().summary().unwrap().possibly_duplicated, 1);
}

#[test]
fn marketing_goes_only_where_the_customer_consented() {
    let comm = welcome("r", true, &[Channel::Email, Channel::Sms]);
    let email = Arc::new(StubTransport::new_ok());
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, email.clone())
        .transport(Channel::Sms, sms.clone())
        .build()
        .unwrap();
    let consent = Audience {
        marketing_consent: vec![Channel::Sms],
        ..Audience::default()
    };
    let out = d.deliver(&comm, &consent).unwrap();
    assert!(
        matches!(
            out,
            Outcome::Delivered {
                channel: Channel::Sms,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(email.tries(), 0);
    let held = d.ledger().attempts(&comm.messages[0].key).unwrap();
    assert_eq!(held[0].outcome, "held");

    let comm = welcome("r2", true, &[Channel::Email]);
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::Held { .. }), "{out:?}");
    assert_eq!(email.tries(), 0);
}

#[test]
fn sms_waits_for_the_end_of_quiet_hours_in_the_customers_time_zone() {
    // 2026-11-20 22:30 UTC.
    let at = UNIX_EPOCH + Duration::from_secs(1_795_213_800);
    let comm = welcome("r", false, &[Channel::Sms]);
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Sms, sms.clone())
        .respect({
            let mut r = Respect::default();
            r.sms_quiet_hours = Some(QuietHours::hours(21, 8));
            r
        })
        .clock(move || at)
        .build()
        .unwrap();
    let berlin = Audience {
        utc_offset_minutes: Some(60),
        ..Audience::default()
    };
    let out = d.deliver(&comm, &berlin).unwrap();
    let Outcome::Held { reasons } = out else {
        panic!("{out:?}")
    };
    assert!(
        reasons[0].contains("quiet hours") && reasons[0].contains("23:30"),
        "{reasons:?}"
    );
    assert_eq!(sms.tries(), 0);
    let portland = Audience {
        utc_offset_minutes: Some(-8 * 60),
        ..Audience::default()
    };
    let out = d.deliver(&comm, &portland).unwrap();
    assert!(matches!(out, Outcome::Delivered { .. }), "{out:?}");
}

#[test]
fn the_frequency_cap_counts_across_channels() {
    let email = Arc::new(StubTransport::new_ok());
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, email.clone())
        .transport(Channel::Sms, sms.clone())
        .respect({
            let mut r = Respect::default();
            r.frequency_cap = Some(FrequencyCap {
                max: 2,
                period: Duration::from_secs(7 * 86_400),
                marketing_only: false,
            });
            r
        })
        .build()
        .unwrap();
    // Each has both messages, but goes out on one channel.
    let mut a = welcome("a", false, &[Channel::Email, Channel::Sms]);
    let mut b = welcome("b", false, &[Channel::Email, Channel::Sms]);
    let mut c = welcome("c", false, &[Channel::Email, Channel::Sms]);
    a.plan = vec![Channel::Email];
    b.plan = vec![Channel::Sms];
    c.plan = vec![Channel::Email];
    let aud = Audience::default();
    assert!(matches!(
        d.deliver(&a, &aud).unwrap(),
        Outcome::Delivered { .. }
    ));
    assert!(matches!(
        d.deliver(&b, &aud).unwrap(),
        Outcome::Delivered { .. }
    ));
    let out = d.deliver(&c, &aud).unwrap();
    let Outcome::Held { reasons } = out else {
        panic!("{out:?}")
    };
    assert!(
        reasons[0].starts_with("frequency cap: 2 communications"),
        "{reasons:?}"
    );
    // Already-delivered communications are not held by the cap on a rerun.
    assert!(matches!(
        d.deliver(&a, &aud).unwrap(),
        Outcome::AlreadyDelivered { .. }
    ));
}

#[test]
fn a_channel_without_contact_data_is_reported_and_skipped() {
    let d = design("welcome");
    let (mut record, _) = samples(&d).remove(0);
    record["customer"]["email"] = serde_json::Value::Null;
    let doc = vellum::compose(&d, &record, &deliver_support::today()).unwrap();
    let comm = vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(
            &doc,
            &[Channel::Email, Channel::Sms],
            false,
            &options("r", false),
        )
        .unwrap();
    assert_eq!(
        comm.problems,
        [(Channel::Email, "the record has no email address".to_owned())]
    );
    let dispatcher = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, StubTransport::new_ok())
        .transport(Channel::Sms, StubTransport::new_ok())
        .build()
        .unwrap();
    let out = dispatcher.deliver(&comm, &Audience::default()).unwrap();
    let Outcome::Delivered {
        channel: Channel::Sms,
        failed_before,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(failed_before[0].reason, "the record has no email address");
}

#[test]
fn the_directory_backend_writes_what_would_be_sent() {
    let dir = deliver_support::temp_dir("dir");
    let comm = welcome("r", false, &[Channel::Email, Channel::Sms, Channel::Print]);
    let t = Arc::new(DirTransport::new(&dir).unwrap());
    let d = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Email, t.clone())
        .transport(Channel::Sms, t.clone())
        .transport(Channel::Print, t.clone())
        .build()
        .unwrap();
    for ch in [Channel::Email, Channel::Sms, Channel::Print] {
        let c = welcome(&format!("r-{ch}"), false, &[ch]);
        assert!(matches!(
            d.deliver(&c, &Audience::default()).unwrap(),
            Outcome::Delivered { .. }
        ));
    }
    let mut exts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .extension()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    exts.sort();
    assert_eq!(exts, ["eml", "pdf", "txt"]);
    let eml = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().unwrap() == "eml")
        .unwrap();
    let raw = std::fs::read(eml).unwrap();
    assert!(
        MessageParser::default()
            .parse(&raw[..])
            .unwrap()
            .body_html(0)
            .is_some()
    );
    let _ = comm;
    let _ = SystemTime::now();
}
