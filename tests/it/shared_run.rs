//! Shared runs against a real PostgreSQL server: `vellum run --ledger
//! postgres://...` worker processes on one run, one of them killed with
//! SIGKILL mid-run, email to a real SMTP server (aiosmtpd on loopback) so
//! every message that arrives is counted; a worker riding out a server
//! restart; workers that do not fit the run refused; `vellum status`.
//!
//! `VELLUM_SHARED_CUSTOMERS` sets the size of the killed run (default
//! 1,500, so the suite stays short; the closing figures used 20,000).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use vellum::batch::{FailedRecord, RunReport};
use vellum::deliver::Ledger;
use vellum::model::Channel;

use crate::deliver_support::{Server, message_id, received, temp_dir};
use crate::pg_support::{self, PgServer};

fn customers() -> usize {
    std::env::var("VELLUM_SHARED_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1500)
}

fn vellum() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vellum"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    // Every worker signs unsubscribe links with the same key.
    c.env("VELLUM_UNSUBSCRIBE_KEY", "5e1f0c2d3b4a69788796a5b4c3d2e1f0");
    c
}

/// `vellum generate`: the deterministic test cycle (a few bad records).
fn generate(n: usize, out: &Path) {
    let o = vellum()
        .args(["generate", &n.to_string(), "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A worker of run `run_key`: bill design, letters to the spool, SMS to the
/// folder, email to the SMTP server when `smtp` is given.
fn worker(url: &str, dir: &Path, input: &Path, name: &str, smtp: Option<u16>) -> Command {
    let mut c = vellum();
    c.args(["run", "templates/bill", "--data"])
        .arg(input)
        .arg("--deliver")
        .arg(format!("dir:{}", dir.join("out").display()))
        .args(["--ledger", url, "--run-key", "2026-12", "--workers", "1"])
        .args(["--today", "2026-12-01"])
        .args([
            "--chunk-records",
            "50",
            "--lease-seconds",
            "2",
            "--worker",
            name,
        ])
        .arg("--report")
        .arg(dir.join(format!("report-{name}.json")))
        .arg("--errors")
        .arg(dir.join(format!("errors-{name}.jsonl")));
    if let Some(port) = smtp {
        c.args(["--deliver", &format!("smtp://127.0.0.1:{port}")]);
    }
    c
}

fn spawn_logged(mut c: Command, dir: &Path, name: &str) -> Child {
    let log = |ext| std::fs::File::create(dir.join(format!("{name}.{ext}"))).unwrap();
    c.stdout(log("out")).stderr(log("err")).spawn().unwrap()
}

fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("a worker did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn log(dir: &Path, name: &str) -> String {
    ["out", "err"]
        .iter()
        .map(|ext| std::fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn report(path: &Path) -> Option<RunReport> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

/// The same cycle on one machine, SQLite ledger, everything to a folder:
/// what the shared run's totals must equal.
fn reference(input: &Path, dir: &Path) -> RunReport {
    let out = dir.join("reference");
    let o = vellum()
        .args(["run", "templates/bill", "--data"])
        .arg(input)
        .arg("--deliver")
        .arg(format!("dir:{}", out.display()))
        .args([
            "--run-key",
            "2026-12",
            "--workers",
            "2",
            "--today",
            "2026-12-01",
        ])
        .arg("--report")
        .arg(dir.join("reference.json"))
        .output()
        .unwrap();
    report(&dir.join("reference.json")).unwrap_or_else(|| {
        panic!(
            "the reference run did not report: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// Envelopes in the print spools' manifests, all workers.
fn letters_in_manifests(print: &Path) -> usize {
    let mut n = 0;
    for spool in std::fs::read_dir(print).unwrap().flatten() {
        for f in std::fs::read_dir(spool.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.starts_with("manifest-") && name.ends_with(".csv") {
                let text = std::fs::read_to_string(f.path()).unwrap();
                n += text.lines().skip(1).filter(|l| !l.is_empty()).count();
            }
        }
    }
    n
}

fn psql_count(server: &PgServer, url: &str, sql: &str) -> u64 {
    server.psql(url, sql).unwrap().trim().parse().unwrap()
}

#[test]
fn three_workers_one_killed_deliver_every_message_once_with_one_workers_totals() {
    let n = customers();
    let pg = pg_support::server();
    let url = pg.create_database("shared_kill");
    let dir = temp_dir("shared-kill");
    let input = dir.join("cycle.jsonl");
    generate(n, &input);
    let mail = dir.join("mail");
    let smtp = Server::start("smtp_sink.py", &["--out", mail.to_str().unwrap()]);
    let names = ["w1", "w2", "w3"];
    let mut workers: Vec<Child> = names
        .iter()
        .map(|w| spawn_logged(worker(&url, &dir, &input, w, Some(smtp.port)), &dir, w))
        .collect();
    // Kill w2 once a fifth of the customers' emails have arrived.
    let start = Instant::now();
    while received(&mail).len() < n / 5 && start.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        workers[1].try_wait().unwrap().is_none(),
        "w2 ended before it could be killed:\n{}",
        log(&dir, "w2")
    );
    workers[1].kill().unwrap(); // SIGKILL
    workers[1].wait().unwrap();
    for i in [0, 2] {
        let status = wait_for(&mut workers[i], Duration::from_secs(900));
        assert!(status.code().is_some(), "{}", log(&dir, names[i]));
    }
    // One report, from the worker that completed the last chunk.
    let reports: Vec<RunReport> = names
        .iter()
        .filter_map(|w| report(&dir.join(format!("report-{w}.json"))))
        .collect();
    assert_eq!(reports.len(), 1, "the run's report is produced once");
    let run = &reports[0];
    assert!(run.balances(), "{run}");
    assert_eq!(run.read, n, "{run}");
    let taken_over = names
        .iter()
        .any(|w| log(&dir, w).contains("taken over from w2"));
    assert!(
        taken_over,
        "w2's chunk was taken over:\n{}",
        log(&dir, "w1")
    );
    // The totals of one uninterrupted worker.
    let one = reference(&input, &dir);
    assert_eq!(
        run.delivered, one.delivered,
        "shared {run}\none worker {one}"
    );
    assert_eq!(
        (run.failed, run.held, run.skipped),
        (one.failed, one.held, 0)
    );
    assert_eq!(run.failed_by_stage, one.failed_by_stage);
    // Every email at the server, none twice beyond the flagged ones.
    let emails = run.delivered[&Channel::Email];
    let start = Instant::now();
    while received(&mail).len() < emails && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for (raw, _) in received(&mail) {
        *per_id.entry(message_id(&raw)).or_default() += 1;
    }
    assert_eq!(per_id.len(), emails, "every email arrived");
    let duplicated: usize = per_id.values().map(|c| c - 1).sum();
    let summary = Ledger::connect(&url).unwrap().summary().unwrap();
    assert!(
        duplicated as u64 <= summary.possibly_duplicated,
        "{duplicated} emails arrived twice, {} flagged",
        summary.possibly_duplicated
    );
    assert_eq!(summary.in_flight, 0);
    // No message of any channel delivered twice beyond the flagged ones.
    let twice = psql_count(
        pg,
        &url,
        "SELECT count(*) FROM (SELECT key FROM vellum_attempts WHERE outcome = 'delivered' \
         GROUP BY key HAVING count(*) > 1) d",
    );
    assert!(
        twice <= summary.possibly_duplicated,
        "{twice} delivered twice"
    );
    // Every letter in a print manifest, the killed worker's spool included.
    let letters = letters_in_manifests(&dir.join("out/print"));
    assert_eq!(letters, run.delivered[&Channel::Print]);
    // The error file, written once, has every failed record.
    let failed_lines: usize = names
        .iter()
        .filter_map(|w| std::fs::read_to_string(dir.join(format!("errors-{w}.jsonl"))).ok())
        .map(|t| t.lines().count())
        .sum();
    assert_eq!(failed_lines, run.failed);
    eprintln!(
        "{n} customers, 3 workers, one killed: {run}\n{duplicated} emails twice, {} flagged",
        summary.possibly_duplicated
    );
    // `status` shows the finished run across its workers.
    let o = vellum()
        .args(["status", "2026-12", "--json", "--ledger", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["pending"], 0);
    assert_eq!(s["claimed"], 0);
    assert_eq!(s["records_done"], n as u64);
    assert_eq!(s["failed"], run.failed as u64);
    let workers = s["workers"].as_array().unwrap();
    assert_eq!(workers.len(), 3);
    // The killed worker is shown as stopped, the others as having left.
    let w2 = workers.iter().find(|w| w["worker"] == "w2").unwrap();
    assert_eq!((&w2["stopped"], &w2["left"]), (&true.into(), &false.into()));
    assert!(s["finished_by"].is_string());
    no_password_in(pg, &dir, &names);
}

/// No log line of any worker shows the database password.
fn no_password_in(pg: &PgServer, dir: &Path, names: &[&str]) {
    for w in names {
        let text = log(dir, w);
        assert!(
            !text.contains(pg.password()),
            "{w} logged the password:\n{text}"
        );
    }
}

#[test]
fn a_worker_rides_out_a_database_restart_and_loses_nothing() {
    let pg = PgServer::launch();
    let url = pg.create_database("restart");
    let dir = temp_dir("shared-restart");
    let input = dir.join("cycle.jsonl");
    let n = 600;
    generate(n, &input);
    let mail = dir.join("mail");
    let smtp = Server::start("smtp_sink.py", &["--out", mail.to_str().unwrap()]);
    let mut w = spawn_logged(
        worker(&url, &dir, &input, "solo", Some(smtp.port)),
        &dir,
        "solo",
    );
    let start = Instant::now();
    while received(&mail).len() < 100 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(w.try_wait().unwrap().is_none(), "{}", log(&dir, "solo"));
    pg.restart();
    let status = wait_for(&mut w, Duration::from_secs(300));
    let run = report(&dir.join("report-solo.json"))
        .unwrap_or_else(|| panic!("no report:\n{}", log(&dir, "solo")));
    assert!(run.balances(), "{run}");
    assert_eq!(run.read, n);
    // The only failures are the generator's bad records, none of delivery.
    let errors = std::fs::read_to_string(dir.join("errors-solo.jsonl")).unwrap();
    for line in errors.lines() {
        let f: FailedRecord = serde_json::from_str(line).unwrap();
        assert_ne!(f.stage, "deliver", "lost to the restart: {line}");
    }
    assert_eq!(status.code(), Some(1), "exit 1: the bad records failed");
    let mut ids: Vec<String> = received(&mail)
        .iter()
        .map(|(raw, _)| message_id(raw))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), run.delivered[&Channel::Email], "{run}");
    no_password_in(&pg, &dir, &["solo"]);
    // What the PostgreSQL ledger recorded checks out against a re-render.
    let o = vellum()
        .args(["verify", "templates/bill", "--data"])
        .arg(&input)
        .args([
            "--ledger",
            &url,
            "--run-key",
            "2026-12",
            "--today",
            "2026-12-01",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains(&format!(
            "all {} delivered messages match",
            run.delivered_total()
        )),
        "{out}"
    );
}

/// A copy of the shipped templates, to change one design file.
fn templates_copy(dir: &Path) -> PathBuf {
    let to = dir.join("templates");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    crate::common::copy_dir(&from, &to);
    to
}

fn dry_worker(url: &str, design: &Path, input: &Path) -> Output {
    vellum()
        .arg("run")
        .arg(design)
        .arg("--data")
        .arg(input)
        .args(["--dry-run", "--ledger", url, "--run-key", "2026-12"])
        .args(["--chunk-records", "10"])
        .output()
        .unwrap()
}

#[test]
fn workers_that_do_not_fit_the_run_are_refused() {
    let pg = pg_support::server();
    let url = pg.create_database("refuse");
    let dir = temp_dir("shared-refuse");
    let input = dir.join("cycle.jsonl");
    generate(30, &input);
    let first = dry_worker(&url, Path::new("templates/bill"), &input);
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("read 30 = rendered"),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // Another version of the design: one word changed in its body.
    let copy = templates_copy(&dir);
    let body = copy.join("bill/body.md");
    let text = std::fs::read_to_string(&body).unwrap();
    std::fs::write(&body, format!("{text}\nThank you.\n")).unwrap();
    let o = dry_worker(&url, &copy.join("bill"), &input);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("never mixes two versions of a design"),
        "{err}"
    );
    // The same design, another input.
    let other = dir.join("other.jsonl");
    generate(31, &other);
    let o = dry_worker(&url, Path::new("templates/bill"), &other);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("every worker must read the same input"),
        "{err}"
    );
    // Not a dry run, on a dry run's key.
    let o = vellum()
        .args(["run", "templates/bill", "--data"])
        .arg(&input)
        .arg("--deliver")
        .arg(format!("dir:{}", dir.join("out").display()))
        .args(["--ledger", &url, "--run-key", "2026-12", "--allow-draft"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("dry run"), "{err}");
    // A CSV export read through another mapping is another input.
    let csv_worker = |mapping: &Path| {
        vellum()
            .args([
                "run",
                "templates/bill",
                "--data",
                "examples/csv/bill-cycle.csv",
            ])
            .arg("--mapping")
            .arg(mapping)
            .args(["--dry-run", "--ledger", &url, "--run-key", "csv"])
            .output()
            .unwrap()
    };
    let o = csv_worker(Path::new("examples/csv/bill-mapping.toml"));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("= rendered"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mapping = std::fs::read_to_string("examples/csv/bill-mapping.toml").unwrap();
    let other = dir.join("other-mapping.toml");
    std::fs::write(
        &other,
        format!(
            "{mapping}
# another mapping
"
        ),
    )
    .unwrap();
    let o = csv_worker(&other);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("every worker must read the same input"),
        "{err}"
    );
    // A copy with samples added is the same design: it joins (and finds
    // the run finished).
    let copy2 = templates_copy(&dir.join("c2"));
    std::fs::write(copy2.join("bill/samples/extra.json"), "{}").unwrap();
    let o = dry_worker(&url, &copy2.join("bill"), &input);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already finished"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn status_and_run_say_what_is_wrong_without_the_password() {
    let pg = pg_support::server();
    let url = pg.create_database("status_bad");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["status".into()], "status needs a run key"),
        (
            vec![
                "status".into(),
                "k".into(),
                "--ledger".into(),
                "ledger.sqlite".into(),
            ],
            "PostgreSQL database",
        ),
        (
            vec![
                "status".into(),
                "nope".into(),
                "--ledger".into(),
                url.clone(),
            ],
            "no such run",
        ),
        (
            vec![
                "status".into(),
                "k".into(),
                "--ledger".into(),
                url.replace(pg.password(), "wrong-password"),
            ],
            "password authentication failed",
        ),
        (
            vec![
                "status".into(),
                "k".into(),
                "--ledger".into(),
                format!("{url}x"),
            ],
            "does not exist",
        ),
        (
            vec![
                "status".into(),
                "k".into(),
                "--ledger".into(),
                "postgres://u:pw@h:port/db".into(),
            ],
            "not valid",
        ),
        (
            vec![
                "run".into(),
                "templates/bill".into(),
                "--data".into(),
                "templates/bill/samples".into(),
                "--dry-run".into(),
                "--ledger".into(),
                url.clone(),
                "--limit".into(),
                "3".into(),
            ],
            "always covers its whole input",
        ),
        (
            vec![
                "run".into(),
                "templates/bill".into(),
                "--data".into(),
                "templates/bill/samples".into(),
                "--dry-run".into(),
                "--ledger".into(),
                url.clone(),
                "--lease-seconds".into(),
                "-1".into(),
            ],
            "not a number of seconds",
        ),
    ];
    // The password from PGPASSWORD, kept out of the command line.
    let bare = url.replace(&format!(":{}@", pg.password()), "@");
    let o = vellum()
        .args(["status", "nope", "--ledger", &bare])
        .env("PGPASSWORD", pg.password())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no such run"),
        "connects with PGPASSWORD: {err}"
    );
    for (args, says) in cases {
        let o = vellum().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains(pg.password()),
            "{args:?} shows the password: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
