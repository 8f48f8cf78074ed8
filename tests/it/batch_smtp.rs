//! A batch over bad records delivered over a real SMTP server (aiosmtpd on
//! loopback) that answers 550 5.1.1 to some recipients: every record is in
//! the report and every failure in the error file; a permanent 550 is not
//! retried and falls back along the customer's plan when it has another
//! channel; every other record is delivered.
#![cfg(feature = "smtp")]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use vellum::batch::{FailedRecord, Run, RunOptions, Source};
use vellum::deliver::{
    Dispatcher, Ledger, RetryPolicy, SmtpOptions, SmtpTls, SmtpTransport, StubTransport,
};
use vellum::model::{Channel, Date};
use vellum::{Pipeline, PipelineOptions};

use crate::common;
use crate::deliver_support::{Server, received, temp_dir};

/// A bill customer with email, phone and postal address: plan email, SMS,
/// print (the design's order).
fn customer(i: usize) -> Value {
    let (_, mut c) = common::samples("bill").remove(0);
    c["customer"]["id"] = format!("B{i:05}").into();
    c["customer"]["email"] = format!("b{i}@example.com").into();
    c
}

#[test]
fn bad_records_and_a_550_recipient_are_accounted_for_and_the_rest_delivered() {
    let dir = temp_dir("batch-smtp-550");
    let mail = dir.join("mail");
    let server = Server::start(
        "smtp_sink.py",
        &["--out", mail.to_str().unwrap(), "--reject-rcpt", "bounce-"],
    );
    let mut lines: Vec<String> = (0..12).map(|i| customer(i).to_string()).collect();
    // Line 4: not JSON; line 5: a required field missing; line 6: a wrong type.
    lines[3] = "{\"customer\": {\"id\": \"B00003\", truncated".to_owned();
    let mut missing = customer(4);
    missing["customer"].as_object_mut().unwrap().remove("name");
    lines[4] = missing.to_string();
    let mut wrong = customer(5);
    wrong["totals"]["due"] = Value::from("twelve euros");
    lines[5] = wrong.to_string();
    // Line 8: the server rejects the address, and email is the customer's
    // only channel (no phone, no consent to letters): failed at deliver.
    let mut only_email = customer(7);
    only_email["customer"]["email"] = "bounce-7@example.com".into();
    only_email["customer"]
        .as_object_mut()
        .unwrap()
        .remove("phone");
    only_email["customer"]["consent"]["print"] = false.into();
    lines[7] = only_email.to_string();
    // Line 10: rejected too, but the plan goes on to print (no phone): the
    // bounce falls back to a letter, as the design says (email bounce -> print).
    let mut falls_back = customer(9);
    falls_back["customer"]["email"] = "bounce-9@example.com".into();
    falls_back["customer"]
        .as_object_mut()
        .unwrap()
        .remove("phone");
    lines[9] = falls_back.to_string();
    let input = dir.join("cycle.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();

    let design = common::design("bill");
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let mut smtp = SmtpOptions::new("127.0.0.1", server.port);
    smtp.tls = SmtpTls::None;
    smtp.pool_size = 2;
    smtp.timeout = Duration::from_secs(10);
    let others = Arc::new(StubTransport::new_ok());
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, SmtpTransport::new(&smtp).unwrap())
        .transport(Channel::Sms, others.clone())
        .transport(Channel::Print, others.clone())
        // Retries allowed, so a retried 550 would show at the server.
        .retry({
            let mut r = RetryPolicy::default();
            r.max_attempts = 4;
            r.initial_delay = Duration::from_millis(5);
            r.max_delay = Duration::from_millis(20);
            r
        })
        .build()
        .unwrap();
    let mut options = RunOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    options.message.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    options.error_file = Some(dir.join("errors.jsonl"));
    options.workers = 2;
    options.send_concurrency = 2;
    let report = Run::new(&pipeline, Some(&dispatcher), options)
        .execute(Source::path(&input))
        .unwrap();

    // The account: 12 read = 8 delivered + 4 failed.
    assert_eq!(report.read, 12, "{report}");
    assert!(report.balances(), "{report}");
    assert_eq!(report.failed, 4, "{report}");
    let by_stage: BTreeMap<&str, usize> = report
        .failed_by_stage
        .iter()
        .map(|(s, n)| (s.as_str(), *n))
        .collect();
    assert_eq!(
        by_stage,
        BTreeMap::from([("deliver", 1), ("read", 1), ("validate", 2)]),
        "{report}"
    );
    assert_eq!(report.delivered.get(&Channel::Email), Some(&7), "{report}");
    assert_eq!(report.delivered.get(&Channel::Print), Some(&1), "{report}");
    assert_eq!(report.fell_back, 1, "{report}");
    assert_eq!(report.possibly_duplicated, 0, "{report}");

    // The error file: one line per failed record, the 550 with its reason.
    let failed: Vec<FailedRecord> = std::fs::read_to_string(dir.join("errors.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(failed.len(), 4, "{failed:?}");
    let at = |line: usize| {
        failed
            .iter()
            .find(|f| f.source.ends_with(&format!("cycle.jsonl:{line}")))
            .unwrap_or_else(|| panic!("no error for line {line}: {failed:?}"))
    };
    assert_eq!(at(4).stage, "read");
    assert_eq!(at(5).field.as_deref(), Some("customer.name"));
    assert_eq!(at(6).field.as_deref(), Some("totals.due"));
    let bounced = at(8);
    assert_eq!(bounced.stage, "deliver", "{bounced:?}");
    assert_eq!(bounced.record.as_deref(), Some("B00007"));
    assert_eq!(bounced.channel, Some(Channel::Email));
    assert!(
        bounced.message.contains("550") && bounced.message.contains("5.1.1"),
        "the server's answer is the reason: {bounced:?}"
    );
    assert!(
        !bounced.message.contains("gave up"),
        "a 550 is permanent, not retried until the attempts run out: {bounced:?}"
    );

    // Each rejected address was tried once: a 550 is not retried.
    let rejected = std::fs::read_to_string(mail.join("rejected.log")).unwrap();
    let mut rejected: Vec<&str> = rejected.lines().collect();
    rejected.sort();
    assert_eq!(rejected, ["bounce-7@example.com", "bounce-9@example.com"]);

    // The fallback letter went to print; nothing else reached the stub.
    let stubbed = others.sent();
    assert_eq!(stubbed.len(), 1, "{stubbed:?}");
    assert_eq!(stubbed[0].record, "B00009");
    assert_eq!(stubbed[0].channel, Channel::Print);

    // Every good record's email is at the server, once.
    let expected: Vec<String> = [0, 1, 2, 6, 8, 10, 11]
        .iter()
        .map(|i| format!("b{i}@example.com"))
        .collect();
    let start = Instant::now();
    while received(&mail).len() < expected.len() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut at_server: Vec<String> = received(&mail)
        .into_iter()
        .flat_map(|(_, rcpt)| rcpt)
        .collect();
    at_server.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(at_server, expected);
}
