//! A billing run killed with SIGKILL at several points and started again
//! with the same run key, against a real SMTP server (aiosmtpd on
//! loopback): every customer's email reaches the server, none twice except
//! those the resumed runs flag as possibly duplicated (at most the send
//! concurrency per kill), and the final totals equal an uninterrupted run's.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, UNIX_EPOCH};

use vellum::batch::{Run, RunOptions, RunReport, Source};
use vellum::deliver::{Dispatcher, Ledger, RetryPolicy, SmtpOptions, SmtpTls, SmtpTransport};
use vellum::model::{Channel, Date};
use vellum::{Pipeline, PipelineOptions};

use crate::common;
use crate::deliver_support::{Server, message_id, received, temp_dir};

const CUSTOMERS: usize = 400;
const SEND_CONCURRENCY: usize = 3;

/// The sending process: runs only when the parent test starts this binary
/// again with `VELLUM_BATCH_CHILD` set, and prints its report.
#[test]
fn batch_crash_child() {
    let Ok(dir) = std::env::var("VELLUM_BATCH_CHILD") else {
        return;
    };
    let dir = Path::new(&dir);
    let port: u16 = std::env::var("VELLUM_BATCH_PORT").unwrap().parse().unwrap();
    let design = common::design("welcome");
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default().today(Date::parse("2026-11-20").unwrap()),
    )
    .unwrap();
    let mut smtp = SmtpOptions::new("127.0.0.1", port);
    smtp.tls = SmtpTls::None;
    smtp.pool_size = SEND_CONCURRENCY as u32;
    let dispatcher = Dispatcher::builder(Ledger::open(dir.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, SmtpTransport::new(&smtp).unwrap())
        .retry({
            let mut r = RetryPolicy::default();
            r.max_attempts = 6;
            r.initial_delay = Duration::from_millis(5);
            r.max_delay = Duration::from_millis(50);
            r
        })
        .build()
        .unwrap();
    let mut options = RunOptions::new("2026-12", "Northwind Energy", "hello@northwind.example");
    options.message.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    options.send_concurrency = SEND_CONCURRENCY;
    options.workers = 2;
    // Pinned, so a resent message is byte-identical to the first send.
    options.message.date = Some(UNIX_EPOCH + Duration::from_secs(1_795_190_400));
    let report = Run::new(&pipeline, Some(&dispatcher), options)
        .execute(Source::path(dir.join("cycle.jsonl")))
        .unwrap();
    println!("CHILD-REPORT {}", serde_json::to_string(&report).unwrap());
}

/// Welcome customers with an email address and no phone: each is one
/// email at the server (print is only their fallback).
fn write_cycle(path: &Path) {
    let (_, base) = common::samples("welcome").remove(0);
    let mut lines = Vec::new();
    for i in 0..CUSTOMERS {
        let mut r = base.clone();
        r["customer"]["id"] = format!("K{i:05}").into();
        r["customer"]["email"] = format!("k{i}@example.com").into();
        if let Some(c) = r["customer"].as_object_mut() {
            c.remove("phone");
        }
        lines.push(r.to_string());
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn child(dir: &Path, port: u16) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--exact",
        "batch_crash::batch_crash_child",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("VELLUM_BATCH_CHILD", dir)
    .env("VELLUM_BATCH_PORT", port.to_string())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    c
}

/// The report a finished child printed.
fn report_of(stdout: impl std::io::Read) -> Option<RunReport> {
    BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            // The test harness may print `test ... ` before it on the same line.
            l.split_once("CHILD-REPORT ")
                .map(|(_, j)| serde_json::from_str(j).unwrap())
        })
}

#[test]
fn a_killed_run_resumes_with_nothing_lost_and_duplicates_flagged() {
    let dir = temp_dir("batch-crash");
    let mail = dir.join("mail");
    let server = Server::start("smtp_sink.py", &["--out", mail.to_str().unwrap()]);
    write_cycle(&dir.join("cycle.jsonl"));
    let at_server = || std::fs::read_dir(&mail).map(|d| d.count() / 2).unwrap_or(0);
    // Kill the run at several points of its progress.
    let mut kills = 0;
    for kill_at in [40, 150, 300] {
        let mut run = child(&dir, server.port).spawn().unwrap();
        let start = Instant::now();
        while at_server() < kill_at && start.elapsed() < Duration::from_secs(120) {
            if run.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if run.try_wait().unwrap().is_none() {
            run.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        run.wait().unwrap();
    }
    assert!(kills >= 2, "the run finished before it could be killed");
    // The last run completes.
    let out = child(&dir, server.port)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let last = report_of(&out.stdout[..]).unwrap_or_else(|| {
        panic!(
            "the resumed run did not report:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(last.read, CUSTOMERS, "{last}");
    assert!(last.balances(), "{last}");
    assert_eq!(last.failed, 0, "{last}");
    assert_eq!(
        last.skipped + last.delivered_total(),
        CUSTOMERS,
        "the resumed run ends with an uninterrupted run's totals: {last}"
    );
    // Wait for the server to store the last messages.
    let start = Instant::now();
    while received(&mail).len() < CUSTOMERS && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for (raw, _) in received(&mail) {
        *per_id.entry(message_id(&raw)).or_default() += 1;
    }
    assert_eq!(
        per_id.len(),
        CUSTOMERS,
        "lost messages: every customer must arrive"
    );
    let duplicated: usize = per_id.values().map(|n| n - 1).sum();
    assert!(
        duplicated <= kills * SEND_CONCURRENCY,
        "{duplicated} duplicates after {kills} kills with {SEND_CONCURRENCY} in flight each"
    );
    // Every duplicate was flagged: the ledger counts the messages resent
    // after an interrupted attempt.
    let flagged = Ledger::open(dir.join("ledger.sqlite"))
        .unwrap()
        .summary()
        .unwrap()
        .possibly_duplicated;
    assert!(
        duplicated as u64 <= flagged,
        "{duplicated} duplicates, {flagged} flagged"
    );
    eprintln!(
        "{kills} kills: {CUSTOMERS} customers at the server, {duplicated} duplicated, {flagged} flagged"
    );
}
