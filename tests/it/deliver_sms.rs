//! SMS through an HTTP gateway test server on loopback that answers 429 and
//! 503 now and then and rejects some numbers per message.
#![cfg(feature = "sms-http")]

use crate::deliver_support;

use std::time::Duration;

use deliver_support::{Server, design, samples, temp_dir};
use vellum::deliver::{
    Audience, Job, Outcome, RetryPolicy, SmsFormat, SmsHttpOptions, SmsHttpTransport, StubTransport,
};
use vellum::deliver::{Dispatcher, Ledger, MessageOptions};
use vellum::model::Channel;

fn jobs(n: usize, bad_every: usize) -> Vec<Job> {
    let d = design("bill");
    let (record, _) = samples(&d).remove(0);
    (0..n)
        .map(|i| {
            let mut r = record.clone();
            r["customer"]["id"] = format!("S{i:04}").into();
            if bad_every > 0 && i % bad_every == 0 {
                r["customer"]["phone"] = "+000 1111".into();
            }
            let doc = vellum::compose(&d, &r, &deliver_support::today()).unwrap();
            let mut o =
                MessageOptions::new("2026-11", "Northwind Energy", "bills@northwind.example");
            o.unsubscribe_key =
                Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
            let comm = vellum::Pipeline::new(&d, Default::default())
                .unwrap()
                .communication_for(&doc, &[Channel::Sms, Channel::Email], false, &o)
                .unwrap();
            Job {
                communication: comm,
                audience: Audience::from_document(&doc),
            }
        })
        .collect()
}

fn run(format: SmsFormat) {
    let out = temp_dir(&format!("sms-{format:?}"));
    let log = out.join("accepted.jsonl");
    let server = Server::start(
        "sms_gateway.py",
        &[
            "--out",
            log.to_str().unwrap(),
            "--fail-429-every",
            "4",
            "--fail-503-every",
            "7",
        ],
    );
    let mut o = SmsHttpOptions::new(&format!("http://127.0.0.1:{}/messages", server.port));
    o.format = format;
    o.auth_header = Some(("Authorization".into(), "Bearer test-token".into()));
    o.sender = Some("Northwind".into());
    let email = std::sync::Arc::new(StubTransport::new_ok());
    let dispatcher = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Sms, SmsHttpTransport::new(o))
        .transport(Channel::Email, email.clone())
        // Enough attempts that no message exhausts its retries on the
        // gateway's periodic 429/503 (shared by concurrent senders), so
        // exactly the rejected numbers fall back.
        .retry({
            let mut r = RetryPolicy::default();
            r.max_attempts = 12;
            r.initial_delay = Duration::from_millis(5);
            r.max_delay = Duration::from_millis(40);
            r
        })
        .build()
        .unwrap();
    let jobs = jobs(40, 10);
    let expected_segments: Vec<u32> = jobs
        .iter()
        .filter_map(|j| match &j.communication.message(Channel::Sms)?.body {
            vellum::deliver::Body::Sms(s) => Some(s.segments),
            _ => None,
        })
        .collect();
    let report = dispatcher.deliver_all(jobs, 3);
    let summary = dispatcher.ledger().summary().unwrap();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut refs: Vec<&str> = lines
        .iter()
        .map(|l| l["reference"].as_str().unwrap())
        .collect();
    refs.sort();
    refs.dedup();
    eprintln!(
        "sms gateway ({format:?}): accepted {} unique {} fell back to email {} retries {} report {:?}",
        lines.len(),
        refs.len(),
        email.sent().len(),
        summary.transient_failures,
        (report.delivered, report.fell_back, report.undeliverable)
    );
    // 4 of 40 numbers are rejected per message by the gateway: those fall
    // back to email; the rest arrive once each despite 429s and 503s.
    assert_eq!(report.delivered, 40, "{report:?}");
    assert_eq!(report.fell_back, 4);
    assert_eq!(email.sent().len(), 4);
    assert_eq!(lines.len(), 36);
    assert_eq!(refs.len(), 36);
    assert!(summary.transient_failures >= 10, "{summary:?}");
    for l in &lines {
        assert_eq!(l["from"], "Northwind");
        assert!(l["text"].as_str().unwrap().len() > 10);
        assert_eq!(format == SmsFormat::Form, l.get("form").is_some());
        let seg: u32 = l["segments"].to_string().trim_matches('"').parse().unwrap();
        assert_eq!(seg, expected_segments[0]);
    }
}

#[test]
fn sms_json_gateway_with_429_and_503() {
    run(SmsFormat::Json);
}

#[test]
fn sms_form_gateway_with_429_and_503() {
    run(SmsFormat::Form);
}

#[test]
fn a_wrong_token_is_permanent() {
    let out = temp_dir("sms-auth");
    let server = Server::start(
        "sms_gateway.py",
        &["--out", out.join("a.jsonl").to_str().unwrap()],
    );
    let o = SmsHttpOptions::new(&format!("http://127.0.0.1:{}/messages", server.port));
    let dispatcher = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Sms, SmsHttpTransport::new(o))
        .build()
        .unwrap();
    let mut job = jobs(1, 0).remove(0);
    // SMS only: no email fallback.
    job.communication.plan = vec![Channel::Sms];
    let out = dispatcher
        .deliver(&job.communication, &job.audience)
        .unwrap();
    let Outcome::Undeliverable { attempts } = out else {
        panic!("{out:?}")
    };
    assert_eq!(attempts.len(), 1);
    assert!(attempts[0].reason.contains("401"), "{attempts:?}");
    assert!(!attempts[0].transient);
}
