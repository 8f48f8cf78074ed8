//! What comes back, recorded: a hard bounce falls back to the next channel
//! of the plan in a follow-up run of the same key, once; an SMS stop reply
//! drops SMS from later plans; a one-click unsubscribe takes marketing out
//! of that channel; an event for a message the ledger does not have, or a
//! replay, changes nothing. Each plan says why.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::Value;
use vellum::batch::{Run, Source};
use vellum::deliver::{Dispatcher, Ledger, StubTransport};
use vellum::events::{Event, EventKind, Subject, ingest};
use vellum::model::{Channel, Scope, address_hash};

use crate::batch::{options, out_dir, pipeline};
use crate::common::{design, samples};

struct Setup {
    stub: Arc<StubTransport>,
    dispatcher: Dispatcher,
    input: std::path::PathBuf,
}

/// One bill customer (sample C1001: email, phone and address; plan email,
/// sms, print) in a JSON Lines file, a stub on every channel.
fn setup(tag: &str, edit: impl Fn(&mut Value)) -> (Setup, Value) {
    let dir = out_dir(&format!("events-{tag}"));
    let mut record = samples("bill")
        .into_iter()
        .find(|(s, _)| s == "C1001")
        .unwrap()
        .1;
    edit(&mut record);
    let input = dir.join("customers.jsonl");
    std::fs::write(&input, format!("{record}\n")).unwrap();
    let stub = Arc::new(StubTransport::new_ok());
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, stub.clone())
        .transport(Channel::Sms, stub.clone())
        .transport(Channel::Print, stub.clone())
        .build()
        .unwrap();
    (
        Setup {
            stub,
            dispatcher,
            input,
        },
        record,
    )
}

fn run(s: &Setup) -> vellum::batch::RunReport {
    let d = design("bill");
    let p = pipeline(&d);
    let dir = s.input.parent().unwrap();
    Run::new(&p, Some(&s.dispatcher), options(dir))
        .execute(Source::path(&s.input))
        .unwrap()
}

fn event(id: &str, subject: Subject, kind: EventKind) -> Event {
    Event {
        id: id.to_owned(),
        at_ms: Some(1_796_299_200_000), // 2026-12-03, noon UTC
        subject,
        kind,
        source: format!("test:{id}"),
    }
}

/// The reason the plan of `record` gives for `channel` with the ledger's
/// standing preferences.
fn plan_reason(s: &Setup, record: &Value, channel: Channel) -> (bool, String) {
    let d = design("bill");
    let standing = s.dispatcher.ledger().standing("C1001").unwrap();
    let doc = pipeline(&d).document_with(record, &standing).unwrap();
    let c = doc
        .decisions
        .channels
        .iter()
        .find(|c| c.channel == channel)
        .unwrap();
    (c.kept, c.reason.clone())
}

#[test]
fn a_hard_bounce_falls_back_to_the_next_channel_in_a_follow_up_run_once() {
    let (s, record) = setup("bounce", |_| {});
    let first = run(&s);
    assert_eq!(first.delivered.get(&Channel::Email), Some(&1), "{first}");
    let email = s.stub.sent().pop().unwrap();
    assert_eq!(email.channel, Channel::Email);

    let bounce = event(
        "dsn-1",
        Subject::MessageId(email.message_id.clone()),
        EventKind::Bounce {
            hard: true,
            status: "5.1.1".into(),
            diagnostic: Some("smtp; 550 5.1.1 user unknown".into()),
            recipient: Some("emily.carter@example.com".into()),
        },
    );
    let now = SystemTime::now();
    let got = ingest(s.dispatcher.ledger(), std::slice::from_ref(&bounce), now).unwrap();
    assert_eq!(got.recorded.get("bounced"), Some(&1), "{got:?}");
    assert_eq!((got.preferences, got.bounced), (1, 1));

    let (kept, why) = plan_reason(&s, &record, Channel::Email);
    assert!(!kept);
    assert_eq!(
        why,
        "email address undeliverable on 2026-12-03 by hard bounce 5.1.1"
    );

    let second = run(&s);
    assert_eq!(second.delivered.get(&Channel::Sms), Some(&1), "{second}");
    assert_eq!(second.skipped, 0, "{second}");
    let third = run(&s);
    assert_eq!((third.skipped, third.delivered_total()), (1, 0), "{third}");
    let sent: Vec<Channel> = s.stub.sent().iter().map(|m| m.channel).collect();
    assert_eq!(
        sent,
        [Channel::Email, Channel::Sms],
        "the fallback is sent once"
    );

    // The same DSN again: nothing changes.
    let again = ingest(s.dispatcher.ledger(), &[bounce], now).unwrap();
    assert_eq!((again.total(), again.replayed), (0, 1), "{again:?}");
    assert_eq!(
        s.dispatcher
            .ledger()
            .standing("C1001")
            .unwrap()
            .preferences
            .len(),
        1
    );
    let r = third.responses.expect("a ledger gives the response report");
    assert_eq!((r.bounced, r.hard_bounced, r.sent), (1, 1, 2), "{r:?}");

    // A new address in the record is not the bounced one: email again.
    let mut moved = record.clone();
    moved["customer"]["email"] = "emily@example.net".into();
    assert!(plan_reason(&s, &moved, Channel::Email).0);
}

#[test]
fn a_stop_reply_drops_sms_from_later_plans_with_its_reason() {
    let (s, record) = setup("stop", |r| {
        r["customer"]["preferred_channel"] = "sms".into();
    });
    let first = run(&s);
    assert_eq!(first.delivered.get(&Channel::Sms), Some(&1), "{first}");
    let phone = record["customer"]["phone"].as_str().unwrap();
    let stop = event(
        "sms-in-1",
        Subject::Sender(address_hash(Channel::Sms, phone)),
        EventKind::Reply {
            text: "Stop".into(),
            stop: true,
        },
    );
    let got = ingest(s.dispatcher.ledger(), &[stop], SystemTime::now()).unwrap();
    assert_eq!(got.recorded.get("replied"), Some(&1), "{got:?}");
    let (kept, why) = plan_reason(&s, &record, Channel::Sms);
    assert!(!kept);
    assert_eq!(
        why,
        "sms consent withdrawn on 2026-12-03 by SMS reply \"Stop\""
    );
    let responses = s.dispatcher.ledger().responses().unwrap();
    assert_eq!((responses[0].replied, responses[0].unsubscribed), (1, 1));
}

#[test]
fn an_unsubscribe_takes_marketing_out_of_that_channel_only() {
    let (s, record) = setup("unsubscribe", |_| {});
    run(&s);
    let email = s.stub.sent().pop().unwrap();
    let d = design("bill");
    let offer_shown = |standing: &vellum::model::Standing| {
        let p = pipeline(&d);
        let doc = p.document_with(&record, standing).unwrap();
        let html = vellum::render::email(&d, &doc).unwrap().html;
        let chosen = doc.decisions.offers[0].chosen.clone();
        (chosen, html.contains("northwind.example/offers/"))
    };
    let (before, in_email) = offer_shown(&vellum::model::Standing::none());
    assert!(
        before.is_some() && in_email,
        "C1001 gets a marketing offer by email"
    );

    let hash = email.message_id[1..33].to_owned();
    let unsubscribe = event(
        "one-click-1",
        Subject::Token { message: hash },
        EventKind::Unsubscribe {
            channel: Channel::Email,
            scope: Scope::Marketing,
        },
    );
    let got = ingest(s.dispatcher.ledger(), &[unsubscribe], SystemTime::now()).unwrap();
    assert_eq!(got.recorded.get("unsubscribed"), Some(&1), "{got:?}");
    let standing = s.dispatcher.ledger().standing("C1001").unwrap();
    assert_eq!(
        standing
            .marketing_withdrawn(Channel::Email)
            .unwrap()
            .reason(),
        "unsubscribed on 2026-12-03 by one-click"
    );
    let (after, in_email) = offer_shown(&standing);
    assert_eq!(after, before, "still chosen for the letter and the SMS");
    assert!(!in_email, "but not shown in the email any more");
    // Email itself still reaches them: a bill is not marketing.
    assert!(plan_reason(&s, &record, Channel::Email).0);
}

#[test]
fn an_event_for_an_unknown_message_is_rejected_and_changes_nothing() {
    let (s, _) = setup("unknown", |_| {});
    run(&s);
    let before = s.dispatcher.ledger().summary().unwrap();
    let events = [
        event(
            "x1",
            Subject::MessageId("<0123456789abcdef0123456789abcdef@nowhere.example>".into()),
            EventKind::Bounce {
                hard: true,
                status: "5.1.1".into(),
                diagnostic: None,
                recipient: None,
            },
        ),
        event(
            "x2",
            Subject::Token {
                message: "ffffffffffffffffffffffffffffffff".into(),
            },
            EventKind::Unsubscribe {
                channel: Channel::Email,
                scope: Scope::Marketing,
            },
        ),
        event(
            "x3",
            Subject::Key("bill/1.0.0/C9999/2026-12/print".into()),
            EventKind::Returned {
                reason: "moved\r\nX-Injected: yes".into(),
            },
        ),
    ];
    let got = ingest(s.dispatcher.ledger(), &events, SystemTime::now()).unwrap();
    assert_eq!(got.total(), 0);
    assert_eq!(got.rejected.len(), 3, "{got:?}");
    assert!(got.rejected[0].message.contains("does not have"), "{got:?}");
    assert!(got.rejected[0].source == "test:x1");
    assert!(!got.rejected[2].message.contains('\n'), "{got:?}");
    assert_eq!(s.dispatcher.ledger().summary().unwrap(), before);
    assert!(s.dispatcher.ledger().standing("C1001").unwrap().is_empty());
}

/// What [`answers`] leaves: the same on SQLite and PostgreSQL
/// (`ledger_postgres` runs it on both).
#[derive(Debug, PartialEq)]
pub(crate) struct Answers {
    first: vellum::events::Ingested,
    again: vellum::events::Ingested,
    standing: vellum::model::Standing,
    responses: Vec<vellum::deliver::Response>,
    summary: vellum::deliver::Summary,
    email_state: Option<vellum::deliver::State>,
}

/// An email and an SMS delivered, then a hard bounce (by Message-ID), a
/// delivery receipt (by the backend's receipt), a stop reply (by the
/// number), an unsubscribe (by the token's message hash) and an event for
/// no message; then all of it again.
pub(crate) fn answers(store: &crate::deliver_basic::Store) -> Answers {
    use crate::deliver_basic::welcome;
    use vellum::deliver::Audience;
    let stub = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(store.open("ledger"))
        .transport(Channel::Email, stub.clone())
        .transport(Channel::Sms, stub.clone())
        .build()
        .unwrap();
    let email = welcome("r", false, &[Channel::Email]);
    let sms = welcome("r2", false, &[Channel::Sms]);
    d.deliver(&email, &Audience::default()).unwrap();
    d.deliver(&sms, &Audience::default()).unwrap();
    let (email, sms) = (&email.messages[0], &sms.messages[0]);
    let receipt = d
        .ledger()
        .status(&sms.key)
        .unwrap()
        .unwrap()
        .receipt
        .unwrap();
    let events = [
        event(
            "a1",
            Subject::MessageId(email.message_id.clone()),
            EventKind::Bounce {
                hard: true,
                status: "5.1.1".into(),
                diagnostic: None,
                recipient: None,
            },
        ),
        event("a2", Subject::Receipt(receipt), EventKind::Delivered),
        event(
            "a3",
            Subject::Sender(sms.address_hash().unwrap()),
            EventKind::Reply {
                text: "STOP".into(),
                stop: true,
            },
        ),
        event(
            "a4",
            Subject::Token {
                message: sms.message_id[1..33].to_owned(),
            },
            EventKind::Unsubscribe {
                channel: Channel::Sms,
                scope: Scope::Marketing,
            },
        ),
        event(
            "a5",
            Subject::Key("welcome/none/r/sms".into()),
            EventKind::Delivered,
        ),
    ];
    let now = SystemTime::now();
    let first = ingest(d.ledger(), &events, now).unwrap();
    let again = ingest(d.ledger(), &events, now).unwrap();
    assert_eq!((first.total(), first.rejected.len()), (4, 1), "{first:?}");
    assert_eq!((again.replayed, again.rejected.len()), (4, 1), "{again:?}");
    Answers {
        standing: d.ledger().standing(&email.record).unwrap(),
        responses: d.ledger().responses().unwrap(),
        summary: d.ledger().summary().unwrap(),
        email_state: d.ledger().status(&email.key).unwrap().map(|s| s.state),
        first,
        again,
    }
}

#[test]
fn events_are_answered_recorded_and_replays_change_nothing() {
    let a = answers(&crate::deliver_basic::Store::sqlite("answers"));
    assert_eq!(a.email_state, Some(vellum::deliver::State::Bounced));
    assert_eq!(a.summary.bounced, 1);
    assert_eq!(a.standing.preferences.len(), 3, "{:?}", a.standing);
    let r: u64 = a
        .responses
        .iter()
        .map(|r| r.delivered + r.bounced + r.replied)
        .sum();
    assert_eq!(r, 3, "{:?}", a.responses);
}

/// The whole loop with real parts: bills go out over the aiosmtpd relay
/// (whose next hop refuses one address: it writes the DSN) and the SMS test
/// gateway (which posts a receipt per message and a customer's "STOPP");
/// the DSN and the gateway's posts are ingested; the follow-up run of the
/// same key sends the bounced bill by SMS, once; next month's run leaves
/// SMS out for the customer who wrote STOPP, and says why.
#[cfg(all(feature = "smtp", feature = "sms-http"))]
#[test]
fn a_bounce_and_a_stop_from_real_servers_change_the_next_plans() {
    use std::time::Duration;
    use vellum::deliver::{SmsHttpOptions, SmsHttpTransport, SmtpOptions, SmtpTls, SmtpTransport};

    use crate::deliver_support::Server;
    let dir = out_dir("events-loop");
    let (bounces, webhook) = (dir.join("bounces"), dir.join("webhook.jsonl"));
    let smtp = Server::start(
        "smtp_sink.py",
        &[
            "--out",
            dir.join("mail").to_str().unwrap(),
            "--bounce-rcpt",
            "bounce",
            "--bounces",
            bounces.to_str().unwrap(),
        ],
    );
    let sms = Server::start(
        "sms_gateway.py",
        &[
            "--out",
            dir.join("sms.jsonl").to_str().unwrap(),
            "--events",
            webhook.to_str().unwrap(),
            "--reply",
            "+49 151 12345678=STOPP",
        ],
    );
    let base = samples("bill").remove(0).1;
    let customer = |id: &str, email: &str, phone: &str, preferred: Option<&str>| {
        let mut c = base.clone();
        c["customer"]["id"] = id.into();
        c["customer"]["email"] = email.into();
        c["customer"]["phone"] = phone.into();
        if let Some(p) = preferred {
            c["customer"]["preferred_channel"] = p.into();
        }
        c.to_string()
    };
    let input = dir.join("customers.jsonl");
    let lines = [
        customer("L1", "lena.bounce@example.com", "+44 7700 900001", None),
        customer("L2", "max@example.com", "+49 151 12345678", Some("sms")),
        customer("L3", "cleo@example.com", "+33 6 12 34 56 78", None),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();

    let mut mail = SmtpOptions::new("127.0.0.1", smtp.port);
    mail.tls = SmtpTls::None;
    mail.timeout = Duration::from_secs(10);
    let mut gateway = SmsHttpOptions::new(&format!("http://127.0.0.1:{}/messages", sms.port));
    gateway.auth_header = Some(("Authorization".into(), "Bearer test-token".into()));
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, SmtpTransport::new(&mail).unwrap())
        .transport(Channel::Sms, SmsHttpTransport::new(gateway))
        .transport(Channel::Print, StubTransport::new_ok())
        .build()
        .unwrap();
    let d = design("bill");
    let p = pipeline(&d);
    let run = |key: &str| {
        let mut o = options(&dir);
        o.message.run = key.to_owned();
        Run::new(&p, Some(&dispatcher), o)
            .execute(Source::path(&input))
            .unwrap()
    };
    let first = run("2026-12");
    assert_eq!(first.delivered.get(&Channel::Email), Some(&2), "{first}");
    assert_eq!(first.delivered.get(&Channel::Sms), Some(&1), "{first}");

    let key = options(&dir).message.unsubscribe_key.unwrap();
    let mut events = vellum::events::read(&bounces, &key).unwrap();
    events.extend(vellum::events::read(&webhook, &key).unwrap());
    let got = ingest(dispatcher.ledger(), &events, SystemTime::now()).unwrap();
    assert_eq!(got.recorded.get("bounced"), Some(&1), "{got:?}");
    assert_eq!(got.recorded.get("replied"), Some(&1), "{got:?}");
    assert_eq!(
        got.recorded.get("delivered"),
        Some(&1),
        "the gateway's receipt"
    );
    assert!(got.rejected.is_empty(), "{got:?}");

    let follow_up = run("2026-12");
    assert_eq!(
        follow_up.delivered.get(&Channel::Sms),
        Some(&1),
        "{follow_up}"
    );
    assert_eq!((follow_up.skipped, follow_up.delivered_total()), (2, 1));
    assert_eq!(run("2026-12").skipped, 3, "the fallback went once");

    let standing = dispatcher.ledger().standing("L2").unwrap();
    let stop = standing
        .withdrawn(Channel::Sms)
        .expect("STOPP withdrew SMS");
    assert!(
        stop.reason().starts_with("sms consent withdrawn on "),
        "{}",
        stop.reason()
    );
    assert!(
        stop.reason().ends_with("by SMS reply \"STOPP\""),
        "{}",
        stop.reason()
    );
    let next = run("2027-01");
    // L1 by SMS (the email address bounced), L2 by email (STOPP), L3 by email.
    assert_eq!(next.delivered.get(&Channel::Sms), Some(&1), "{next}");
    assert_eq!(next.delivered.get(&Channel::Email), Some(&2), "{next}");
}

#[test]
fn a_customer_whose_only_channel_bounced_fails_with_the_plans_reasons() {
    let (s, _) = setup("only-email", |r| {
        r["customer"].as_object_mut().unwrap().remove("phone");
        r["customer"]["consent"]["print"] = false.into();
    });
    run(&s);
    let email = s.stub.sent().pop().unwrap();
    let bounce = event(
        "dsn-only",
        Subject::MessageId(email.message_id),
        EventKind::Bounce {
            hard: true,
            status: "5.1.1".into(),
            diagnostic: None,
            recipient: None,
        },
    );
    ingest(s.dispatcher.ledger(), &[bounce], SystemTime::now()).unwrap();
    let again = run(&s);
    assert_eq!((again.failed, again.delivered_total()), (1, 0), "{again}");
    let errors = crate::batch::error_lines(s.input.parent().unwrap());
    let message = &errors.last().unwrap().message;
    assert!(
        message.contains("email: email address undeliverable on 2026-12-03 by hard bounce 5.1.1"),
        "{message}"
    );
    assert!(message.contains("sms: no phone number"), "{message}");
}
