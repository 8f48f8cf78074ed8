//! Delivery without servers: message building, the ledger, retries,
//! fallback and respect, with stub and directory backends.
//!
//! The ledger-facing scenarios are functions of a [`Store`]: the tests here
//! run them on SQLite, `ledger_postgres` runs the same ones on PostgreSQL
//! and compares what both ledgers say afterwards ([`Snapshot`]).

use crate::{deliver_support, pg_support};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use deliver_support::{design, samples};
use mail_parser::{MessageParser, MimeHeaders};
use vellum::deliver::{Attempt, DeliveryStatus, State, Summary};
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
    o.unsubscribe_key = Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    o.marketing = marketing;
    o
}

pub(crate) fn welcome(run: &str, marketing: bool, plan: &[Channel]) -> Communication {
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

/// Where a scenario keeps its ledgers: SQLite files in a fresh folder, or
/// PostgreSQL databases on the test server (`pg_support::server()`), one
/// per name, each created fresh on first use. Opening a name again gives
/// the same ledger, as a restarted process would find it.
pub(crate) enum Store {
    /// The folder of the `<name>.sqlite` files.
    Sqlite(PathBuf),
    /// Each name's database URL.
    Postgres(Mutex<HashMap<String, String>>),
}

impl Store {
    /// SQLite files in a folder of their own (`test` names it).
    pub(crate) fn sqlite(test: &str) -> Store {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        Store::Sqlite(deliver_support::temp_dir(&format!("ledger-{test}-{n}")))
    }

    /// Fresh PostgreSQL databases, made when first opened.
    pub(crate) fn postgres() -> Store {
        Store::Postgres(Mutex::default())
    }

    /// The ledger called `name`: made on first use, the same one after.
    pub(crate) fn open(&self, name: &str) -> Ledger {
        match self {
            Store::Sqlite(dir) => Ledger::open(dir.join(format!("{name}.sqlite")))
                .unwrap_or_else(|e| panic!("SQLite ledger {name}: {e}")),
            Store::Postgres(_) => Ledger::connect(&self.url(name))
                .unwrap_or_else(|e| panic!("PostgreSQL ledger {name}: {e}")),
        }
    }

    /// The database URL of the PostgreSQL ledger `name`.
    pub(crate) fn url(&self, name: &str) -> String {
        let Store::Postgres(urls) = self else {
            panic!("an SQLite ledger has no URL")
        };
        let mut urls = urls.lock().unwrap_or_else(|e| e.into_inner());
        let url = urls
            .entry(name.to_owned())
            .or_insert_with(|| pg_support::server().create_database(&format!("ledger_{name}")));
        url.clone()
    }

    /// Runs `sql` on the ledger `name` behind vellum's back, as a crash
    /// would leave it: `{messages}` and `{attempts}` stand for its tables.
    pub(crate) fn tamper(&self, name: &str, sql: &str) {
        match self {
            Store::Sqlite(dir) => {
                let sql = sql
                    .replace("{messages}", "messages")
                    .replace("{attempts}", "attempts");
                let conn = rusqlite::Connection::open(dir.join(format!("{name}.sqlite"))).unwrap();
                conn.execute_batch(&sql).unwrap();
            }
            Store::Postgres(_) => {
                let sql = sql
                    .replace("{messages}", "vellum_messages")
                    .replace("{attempts}", "vellum_attempts");
                if let Err(e) = pg_support::server().psql(&self.url(name), &sql) {
                    panic!("psql {sql}: {e}");
                }
            }
        }
    }
}

/// What a ledger says about a scenario's communications, through its public
/// queries, for comparing the stores after the same scenario. Times are
/// left out (they differ between two runs); everything else must match.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    summary: Summary,
    /// Per communication: its key, the channel it was delivered on, and
    /// each message key's (its own, one per channel, the archive copy's)
    /// line and attempts.
    communications: Vec<(String, Option<Channel>, Vec<Line>)>,
    /// Per customer: communications delivered since the epoch.
    delivered_since: Vec<(String, u32)>,
}

type Line = (String, Option<DeliveryStatus>, Vec<Attempt>);

impl Snapshot {
    pub(crate) fn of(ledger: &Ledger, comms: &[&Communication]) -> Snapshot {
        let mut keys: Vec<String> = Channel::ALL.iter().map(|c| c.name().into()).collect();
        keys.push("archive".into());
        let communications = comms
            .iter()
            .map(|comm| {
                let mut lines = vec![line(ledger, &comm.key)];
                lines.extend(
                    keys.iter()
                        .map(|k| line(ledger, &format!("{}/{k}", comm.key))),
                );
                let channel = ledger.delivered_channel(&comm.key).unwrap();
                (comm.key.clone(), channel, lines)
            })
            .collect();
        let mut customers: Vec<&str> = comms.iter().map(|c| c.record.as_str()).collect();
        customers.dedup();
        let delivered_since = customers
            .into_iter()
            .map(|c| {
                let n = ledger.delivered_since(c, UNIX_EPOCH, "", false).unwrap();
                (c.to_owned(), n)
            })
            .collect();
        Snapshot {
            summary: ledger.summary().unwrap(),
            communications,
            delivered_since,
        }
    }
}

/// A key's line and attempts, the attempts' times checked and left out.
fn line(ledger: &Ledger, key: &str) -> Line {
    let mut attempts = ledger.attempts(key).unwrap();
    let times: Vec<i64> = attempts.iter().map(|a| a.at_ms).collect();
    assert!(times.iter().all(|&t| t > 0), "{key}: {times:?}");
    assert!(times.is_sorted(), "{key}: attempts out of order: {times:?}");
    for a in &mut attempts {
        a.at_ms = 0;
    }
    (key.to_owned(), ledger.status(key).unwrap(), attempts)
}

#[test]
fn transient_errors_retry_and_the_ledger_shows_each_attempt() {
    transient_retries(&Store::sqlite("transient"));
}

pub(crate) fn transient_retries(store: &Store) -> Snapshot {
    let comm = welcome("r", false, &[Channel::Email]);
    let stub = Arc::new(StubTransport::new_ok().then_fail(ErrorClass::Transient, 2));
    let d = Dispatcher::builder(store.open("ledger"))
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
    let key = &comm.messages[0].key;
    let attempts = d.ledger().attempts(key).unwrap();
    let outcomes: Vec<&str> = attempts.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes, ["transient", "transient", "delivered"]);
    assert_eq!(stub.sent().len(), 1);
    let status = d.ledger().status(key).unwrap().unwrap();
    assert_eq!((status.state, status.attempts), (State::Delivered, 3));
    assert_eq!(status.content_hash, Some(comm.messages[0].content_hash()));
    Snapshot::of(d.ledger(), &[&comm])
}

#[test]
fn permanent_errors_fall_back_along_the_plan() {
    permanent_fallback(&Store::sqlite("fallback"));
}

pub(crate) fn permanent_fallback(store: &Store) -> Snapshot {
    let comm = welcome("r", false, &[Channel::Email, Channel::Sms]);
    let email = Arc::new(StubTransport::new_error(ErrorClass::Permanent));
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(store.open("ledger"))
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
    let email_line = d.ledger().status(&comm.messages[0].key).unwrap().unwrap();
    assert_eq!(email_line.state, State::Rejected);
    Snapshot::of(d.ledger(), &[&comm])
}

#[test]
fn nothing_left_is_undeliverable_with_every_reason() {
    undeliverable(&Store::sqlite("undeliverable"));
}

pub(crate) fn undeliverable(store: &Store) -> Snapshot {
    let mut comm = welcome("r", false, &[Channel::Email, Channel::Sms]);
    let d = Dispatcher::builder(store.open("ledger"))
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
    Snapshot::of(d.ledger(), &[&comm])
}

#[test]
fn the_ledger_skips_delivered_messages_across_restarts() {
    skips_delivered_across_restarts(&Store::sqlite("restart"));
}

pub(crate) fn skips_delivered_across_restarts(store: &Store) -> Snapshot {
    let comm = welcome("r", false, &[Channel::Email]);
    let stub = Arc::new(StubTransport::new_ok());
    for _ in 0..2 {
        let d = Dispatcher::builder(store.open("ledger"))
            .transport(Channel::Email, stub.clone())
            .build()
            .unwrap();
        d.deliver(&comm, &Audience::default()).unwrap();
    }
    assert_eq!(stub.sent().len(), 1);

    // A crash after the server took it but before the ledger heard back
    // leaves the message in flight: the rerun resends it, same Message-ID,
    // and counts it as possibly duplicated.
    store.tamper("ledger", "UPDATE {messages} SET state = 'in_flight'");
    let d = Dispatcher::builder(store.open("ledger"))
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
    Snapshot::of(d.ledger(), &[&comm])
}

#[test]
fn marketing_goes_only_where_the_customer_consented() {
    marketing_consent(&Store::sqlite("consent"));
}

pub(crate) fn marketing_consent(store: &Store) -> Snapshot {
    let comm = welcome("r", true, &[Channel::Email, Channel::Sms]);
    let email = Arc::new(StubTransport::new_ok());
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(store.open("ledger"))
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

    let again = welcome("r2", true, &[Channel::Email]);
    let out = d.deliver(&again, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::Held { .. }), "{out:?}");
    assert_eq!(email.tries(), 0);
    Snapshot::of(d.ledger(), &[&comm, &again])
}

#[test]
fn sms_waits_for_the_end_of_quiet_hours_in_the_customers_time_zone() {
    quiet_hours(&Store::sqlite("quiet"));
}

pub(crate) fn quiet_hours(store: &Store) -> Snapshot {
    // 2026-11-20 22:30 UTC.
    let at = UNIX_EPOCH + Duration::from_secs(1_795_213_800);
    let comm = welcome("r", false, &[Channel::Sms]);
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(store.open("ledger"))
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
    // Held twice: the second hold updates the held line.
    for _ in 0..2 {
        let out = d.deliver(&comm, &berlin).unwrap();
        let Outcome::Held { reasons } = out else {
            panic!("{out:?}")
        };
        assert!(
            reasons[0].contains("quiet hours") && reasons[0].contains("23:30"),
            "{reasons:?}"
        );
    }
    assert_eq!(sms.tries(), 0);
    let held = d.ledger().status(&comm.messages[0].key).unwrap().unwrap();
    assert_eq!((held.state, held.attempts), (State::Held, 0));
    let portland = Audience {
        utc_offset_minutes: Some(-8 * 60),
        ..Audience::default()
    };
    let out = d.deliver(&comm, &portland).unwrap();
    assert!(matches!(out, Outcome::Delivered { .. }), "{out:?}");
    let attempts = d.ledger().attempts(&comm.messages[0].key).unwrap();
    assert!(attempts.iter().all(|a| a.at_ms == 1_795_213_800_000));
    Snapshot::of(d.ledger(), &[&comm])
}

#[test]
fn the_frequency_cap_counts_across_channels() {
    frequency_cap(&Store::sqlite("cap"));
}

pub(crate) fn frequency_cap(store: &Store) -> Snapshot {
    let email = Arc::new(StubTransport::new_ok());
    let sms = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(store.open("ledger"))
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
    Snapshot::of(d.ledger(), &[&a, &b, &c])
}

#[test]
fn the_archive_copy_is_stored_once_and_is_never_the_delivery() {
    archive_copy(&Store::sqlite("archive"));
}

pub(crate) fn archive_copy(store: &Store) -> Snapshot {
    let d = design("welcome");
    let (_, doc) = samples(&d).remove(0);
    let comm = vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(&doc, &[Channel::Email], true, &options("r", false))
        .unwrap();
    let copy = comm.archive.as_ref().expect("an archive copy").key.clone();
    assert_eq!(copy, format!("{}/archive", comm.key));
    let email = Arc::new(StubTransport::new_ok());
    let archive = Arc::new(StubTransport::new_ok().named("archive"));
    let dispatcher = |ledger: Ledger| {
        Dispatcher::builder(ledger)
            .transport(Channel::Email, email.clone())
            .archive(archive.clone())
            .build()
            .unwrap()
    };
    let first = dispatcher(store.open("ledger"));
    let out = first.deliver(&comm, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::Delivered { .. }), "{out:?}");
    let out = first.deliver(&comm, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::AlreadyDelivered { .. }), "{out:?}");
    assert_eq!((email.sent().len(), archive.sent().len()), (1, 1));
    drop(first);

    // The email interrupted, its archive copy stored: the communication is
    // not delivered (the copy is not a delivery), so the email goes again
    // and the copy does not.
    let key = &comm.messages[0].key;
    store.tamper(
        "ledger",
        &format!("UPDATE {{messages}} SET state = 'in_flight' WHERE key = '{key}'"),
    );
    let again = dispatcher(store.open("ledger"));
    assert_eq!(again.ledger().delivered_channel(&comm.key).unwrap(), None);
    let since = again
        .ledger()
        .delivered_since(&comm.record, UNIX_EPOCH, "", false)
        .unwrap();
    assert_eq!(since, 0, "the archive copy counted for the frequency cap");
    let out = again.deliver(&comm, &Audience::default()).unwrap();
    assert!(
        matches!(
            out,
            Outcome::Delivered {
                channel: Channel::Email,
                possibly_duplicated: true,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!((email.sent().len(), archive.sent().len()), (2, 1));
    let stored = again.ledger().status(&copy).unwrap().unwrap();
    assert_eq!((stored.state, stored.attempts), (State::Delivered, 1));
    Snapshot::of(again.ledger(), &[&comm])
}

#[test]
fn a_channel_without_contact_data_is_reported_and_skipped() {
    no_contact_data(&Store::sqlite("contact"));
}

pub(crate) fn no_contact_data(store: &Store) -> Snapshot {
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
    let dispatcher = Dispatcher::builder(store.open("ledger"))
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
    Snapshot::of(dispatcher.ledger(), &[&comm])
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
