//! Personalization drives delivery: the channel plan decides where a message
//! goes, and an offer in the document makes it marketing (List-Unsubscribe).

use std::sync::Arc;

use mail_parser::MessageParser;
use serde_json::json;
use vellum::deliver::{Audience, Body, Outcome, StubTransport};
use vellum::deliver::{Dispatcher, Ledger, MessageOptions};
use vellum::model::{Channel, Date};
use vellum::{ComposeOptions, Design};

fn bill() -> Design {
    Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill")).unwrap()
}

fn sample(id: &str) -> serde_json::Value {
    let p = format!(
        "{}/templates/bill/samples/{id}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn opts() -> ComposeOptions {
    ComposeOptions::today(Date::parse("2026-11-20").unwrap())
}

#[test]
fn an_offer_makes_the_email_marketing_and_no_offer_keeps_it_transactional() {
    let d = bill();
    let mut options =
        MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    options.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    for (id, consent, want_unsub) in [
        ("C1001", true, true),
        ("C1001", false, false),
        ("C1003", false, false),
    ] {
        let mut record = sample(id);
        record["customer"]["consent"]["marketing"] = json!(consent);
        let doc = vellum::compose(&d, &record, &opts()).unwrap();
        let comm = vellum::Pipeline::new(&d, Default::default())
            .unwrap()
            .communication_for(&doc, &doc.plan, false, &options)
            .unwrap();
        let Body::Email(e) = &comm.message(Channel::Email).unwrap().body else {
            panic!("{id}: no email")
        };
        let msg = MessageParser::default().parse(&e.raw[..]).unwrap();
        assert_eq!(
            msg.header_raw("List-Unsubscribe").is_some(),
            want_unsub,
            "{id} consent={consent}"
        );
    }
}

#[test]
fn delivery_follows_the_plan_and_falls_back_along_it() {
    let d = bill();
    let mut options =
        MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    options.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    // C1004 prefers SMS and has no email: plan sms -> print.
    let doc = vellum::compose(&d, &sample("C1004"), &opts()).unwrap();
    assert_eq!(doc.plan, [Channel::Sms, Channel::Print]);
    let comm = vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(&doc, &doc.plan, false, &options)
        .unwrap();
    let sms = Arc::new(StubTransport::new_error(
        vellum::model::ErrorClass::Permanent,
    ));
    let print = Arc::new(StubTransport::new_ok());
    let dispatcher = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Sms, sms.clone())
        .transport(Channel::Print, print.clone())
        .build()
        .unwrap();
    let out = dispatcher
        .deliver(&comm, &Audience::from_document(&doc))
        .unwrap();
    assert!(
        matches!(
            out,
            Outcome::Delivered {
                channel: Channel::Print,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(sms.tries(), 1);
    assert_eq!(print.sent().len(), 1);
}
