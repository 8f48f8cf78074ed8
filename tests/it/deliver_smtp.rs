//! Email through a real SMTP server (aiosmtpd, started by the tests on
//! loopback): the four designs arrive intact, faulty servers cost retries
//! but no lost or doubled message, and a killed sender loses nothing.
#![cfg(feature = "smtp")]

use crate::deliver_support;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, UNIX_EPOCH};

use deliver_support::{Server, design, message_id, received, samples, temp_dir};
use mail_parser::{MessageParser, MimeHeaders};
use vellum::deliver::{Audience, Job, Report, RetryPolicy, SmtpOptions, SmtpTls, SmtpTransport};
use vellum::deliver::{Communication, Dispatcher, Ledger, MessageOptions};
use vellum::model::Channel;

fn smtp(port: u16, pool: u32) -> SmtpTransport {
    let mut o = SmtpOptions::new("127.0.0.1", port);
    o.tls = SmtpTls::None;
    o.pool_size = pool;
    o.timeout = Duration::from_secs(10);
    SmtpTransport::new(&o).unwrap()
}

/// A dispatcher with a ledger in `out` and `pool` connections to the sink.
fn dispatcher(out: &Path, port: u16, pool: u32) -> Dispatcher {
    Dispatcher::builder(Ledger::open(out.join("ledger.sqlite")).unwrap())
        .transport(Channel::Email, smtp(port, pool))
        .retry(retry())
        .build()
        .unwrap()
}

/// Runs dkimpy (tests/servers/dkim_verify.py) on `files` with `key` (an
/// Ed25519 seed or `rsa:<public PEM file>`): (all verified, its report).
#[cfg(feature = "dkim")]
fn dkim_verify(key: &str, files: &[std::path::PathBuf]) -> (bool, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/dkim_verify.py");
    let o = Command::new("python3")
        .arg(script)
        .args(["mail2026", "northwind.example", key])
        .args(files)
        .output()
        .expect("python3");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// Runs openssl in `dir`; the test fails with its message when it does.
#[cfg(any(feature = "tls", feature = "dkim"))]
fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl (installed by .ci/run)");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn retry() -> RetryPolicy {
    let mut r = RetryPolicy::default();
    r.max_attempts = 6;
    r.initial_delay = Duration::from_millis(5);
    r.max_delay = Duration::from_millis(50);
    r
}

fn options(run: &str) -> MessageOptions {
    let mut o = MessageOptions::new(run, "Northwind Energy", "hello@northwind.example");
    o.unsubscribe_key = Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    // Pinned, so a resent message is byte-identical to the first send.
    o.date = Some(UNIX_EPOCH + Duration::from_secs(1_795_190_400));
    o
}

fn email_job(comm: Communication) -> Job {
    Job {
        communication: comm,
        audience: Audience::default(),
    }
}

/// `n` distinct welcome emails (customer ids W00001...).
fn welcome_jobs(n: usize, run: &str) -> Vec<Job> {
    let d = design("welcome");
    let (record, _) = samples(&d).remove(0);
    (0..n)
        .map(|i| {
            let mut r = record.clone();
            r["customer"]["id"] = format!("W{i:05}").into();
            let doc = vellum::compose(&d, &r, &deliver_support::today()).unwrap();
            email_job(
                vellum::Pipeline::new(&d, Default::default())
                    .unwrap()
                    .communication_for(&doc, &[Channel::Email], false, &options(run))
                    .unwrap(),
            )
        })
        .collect()
}

/// Message-ID -> how many times the server stored it.
fn counts(dir: &Path) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for (raw, _) in received(dir) {
        *m.entry(message_id(&raw)).or_default() += 1;
    }
    m
}

#[test]
fn the_four_designs_arrive_intact_and_hostile_data_adds_no_header() {
    let out = temp_dir("smtp-designs");
    let server = Server::start("smtp_sink.py", &["--out", out.to_str().unwrap()]);
    let dispatcher = dispatcher(&out, server.port, 2);
    let mut jobs = Vec::new();
    let mut expected = HashMap::new(); // Message-ID -> (design, attach, marketing)
    for name in deliver_support::DESIGNS {
        let d = design(name);
        for (i, (mut record, _)) in samples(&d).into_iter().enumerate() {
            if name == "welcome" && i == 0 {
                record["customer"]["name"] = "Eve\r\nBcc: victim@evil.example".into();
                record["customer"]["first_name"] =
                    "Eve\r\nBcc: victim2@evil.example\r\n\r\n<b>x</b>".into();
            }
            let doc = vellum::compose(&d, &record, &deliver_support::today()).unwrap();
            let mut o = options("2026-11");
            o.marketing = name == "quote";
            let comm = vellum::Pipeline::new(&d, Default::default())
                .unwrap()
                .communication_for(&doc, &[Channel::Email], false, &o)
                .unwrap();
            // Marketing: the quote by the caller's word, a bill when
            // personalization put an offer into it.
            assert_eq!(comm.marketing, o.marketing || doc.decisions.marketing);
            if let Some(m) = comm.message(Channel::Email) {
                expected.insert(
                    m.message_id.trim_matches(['<', '>']).to_owned(),
                    (name, d.manifest().attach_pdf, comm.marketing),
                );
            }
            let mut job = email_job(comm);
            job.audience.marketing_consent = vec![Channel::Email];
            jobs.push(job);
        }
    }
    let report = dispatcher.deliver_all(jobs, 2);
    assert_eq!(report.delivered, expected.len(), "{report:?}");
    let got = received(&out);
    assert_eq!(got.len(), expected.len());
    for (raw, rcpt) in &got {
        assert_eq!(
            rcpt.len(),
            1,
            "one envelope recipient, no injected Bcc: {rcpt:?}"
        );
        let msg = MessageParser::default().parse(&raw[..]).unwrap();
        let id = msg.message_id().unwrap();
        let (name, attach, marketing) = expected[id];
        let names: Vec<String> = msg
            .headers()
            .iter()
            .map(|h| h.name.as_str().to_ascii_lowercase())
            .collect();
        assert!(!names.contains(&"bcc".to_owned()), "{name}: {names:?}");
        for h in [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "mime-version",
        ] {
            assert_eq!(
                names.iter().filter(|n| *n == h).count(),
                1,
                "{name}: {h} in {names:?}"
            );
        }
        assert_eq!(
            msg.to().unwrap().first().unwrap().address().unwrap(),
            rcpt[0]
        );
        assert!(!msg.subject().unwrap().is_empty());
        let types: Vec<String> = msg
            .parts
            .iter()
            .filter_map(|p| {
                p.content_type()
                    .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
            })
            .collect();
        let text = types
            .iter()
            .position(|t| t == "text/plain")
            .expect("text part");
        let html = types
            .iter()
            .position(|t| t == "text/html")
            .expect("html part");
        assert!(text < html, "{name}: text before HTML: {types:?}");
        if attach {
            assert_eq!(types[0], "multipart/mixed", "{types:?}");
            assert_eq!(msg.attachment_count(), 1);
            let a = msg.attachment(0).unwrap();
            assert!(
                a.contents().starts_with(b"%PDF-"),
                "{name}: the attachment is a PDF"
            );
        } else {
            assert_eq!(types[0], "multipart/alternative", "{types:?}");
        }
        assert_eq!(
            msg.header_raw("List-Unsubscribe").is_some(),
            marketing,
            "{name}"
        );
        if marketing {
            assert!(
                msg.header_raw("List-Unsubscribe")
                    .unwrap()
                    .trim()
                    .starts_with("<https://")
            );
            assert_eq!(
                msg.header_raw("List-Unsubscribe-Post").unwrap().trim(),
                "List-Unsubscribe=One-Click"
            );
        }
        if name == "welcome"
            && msg.to().unwrap().first().unwrap().address() == Some("emily.carter@example.com")
        {
            assert!(
                msg.body_html(0).unwrap().contains("Eve"),
                "the hostile name is text in the body"
            );
            assert!(!String::from_utf8_lossy(raw).contains("\nBcc:"));
        }
    }
    // Everything sent is in the ledger as delivered; a second run sends nothing.
    assert_eq!(
        dispatcher.ledger().summary().unwrap().delivered as usize,
        expected.len()
    );
}

fn fault_run(
    name: &str,
    fault: &[&str],
    n: usize,
) -> (Report, HashMap<String, usize>, vellum::deliver::Summary) {
    let out = temp_dir(name);
    let mut args = vec!["--out", out.to_str().unwrap()];
    args.extend_from_slice(fault);
    let server = Server::start("smtp_sink.py", &args);
    let dispatcher = dispatcher(&out, server.port, 2);
    let report = dispatcher.deliver_all(welcome_jobs(n, name), 2);
    let summary = dispatcher.ledger().summary().unwrap();
    (report, counts(&out), summary)
}

#[test]
fn a_server_answering_451_costs_retries_not_messages() {
    let (report, counts, summary) = fault_run("smtp-451", &["--fail-every", "3"], 60);
    let dup = counts.values().filter(|&&c| c > 1).count();
    eprintln!(
        "451 every 3rd: delivered {} unique at the server {} duplicated {dup} lost {} retries {}",
        report.delivered,
        counts.len(),
        60 - counts.len(),
        summary.transient_failures
    );
    assert_eq!(
        (report.delivered, report.undeliverable, report.errors),
        (60, 0, 0),
        "{report:?}"
    );
    assert_eq!(counts.len(), 60);
    assert_eq!(dup, 0);
    assert!(summary.transient_failures >= 20, "{summary:?}");
    assert_eq!(summary.attempts, 60 + summary.transient_failures);
}

#[test]
fn a_connection_dropped_mid_data_is_retried_on_a_new_connection() {
    let (report, counts, summary) = fault_run("smtp-drop", &["--drop-every", "4"], 60);
    let dup = counts.values().filter(|&&c| c > 1).count();
    eprintln!(
        "drop every 4th DATA: delivered {} unique at the server {} duplicated {dup} lost {} retries {}",
        report.delivered,
        counts.len(),
        60 - counts.len(),
        summary.transient_failures
    );
    assert_eq!(
        (report.delivered, report.undeliverable, report.errors),
        (60, 0, 0),
        "{report:?}"
    );
    assert_eq!(counts.len(), 60);
    assert_eq!(dup, 0);
    assert!(summary.transient_failures >= 10, "{summary:?}");
}

const CRASH_N: usize = 1000;
const CRASH_THREADS: usize = 4;

/// The sending process of the crash test: runs only when the parent test
/// starts this binary again with `VELLUM_CRASH_CHILD` set.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("VELLUM_CRASH_CHILD") else {
        return;
    };
    let port: u16 = std::env::var("VELLUM_CRASH_PORT").unwrap().parse().unwrap();
    let dispatcher =
        Dispatcher::builder(Ledger::open(Path::new(&dir).join("ledger.sqlite")).unwrap())
            .transport(Channel::Email, smtp(port, CRASH_THREADS as u32))
            .retry(retry())
            .build()
            .unwrap();
    let report = dispatcher.deliver_all(welcome_jobs(CRASH_N, "crash"), CRASH_THREADS);
    println!("CHILD-REPORT {}", serde_json::to_string(&report).unwrap());
}

fn in_flight(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM messages WHERE state = 'in_flight'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_killed_sender_loses_nothing_and_duplicates_at_most_what_was_in_flight() {
    let out = temp_dir("smtp-crash");
    let mail = out.join("mail");
    let server = Server::start("smtp_sink.py", &["--out", mail.to_str().unwrap()]);
    let exe = std::env::current_exe().unwrap();
    let child = |dir: &Path| {
        let mut c = Command::new(&exe);
        c.args([
            "--exact",
            "deliver_smtp::crash_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("VELLUM_CRASH_CHILD", dir)
        .env("VELLUM_CRASH_PORT", server.port.to_string())
        .stdout(std::process::Stdio::piped());
        c
    };
    let mut first = child(&out).spawn().unwrap();
    let start = Instant::now();
    let mut killed_at = None;
    while start.elapsed() < Duration::from_secs(120) {
        let n = std::fs::read_dir(&mail).map(|d| d.count() / 2).unwrap_or(0);
        if n >= 300 {
            first.kill().unwrap();
            killed_at = Some(n);
            break;
        }
        if first.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    first.wait().unwrap();
    assert!(
        killed_at.is_some(),
        "the sender finished or stalled before it could be killed"
    );
    let db = out.join("ledger.sqlite");
    let in_flight_at_crash = in_flight(&db);
    let at_server_before = received(&mail).len();

    let second = child(&out).output().unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    let stdout = String::from_utf8_lossy(&second.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("CHILD-REPORT ").map(|(_, r)| r))
        .unwrap_or_else(|| panic!("no report from the rerun:\n{stdout}"));
    let rerun: serde_json::Value = serde_json::from_str(line).unwrap();

    let counts = counts(&mail);
    let total: usize = counts.values().sum();
    let duplicated = total - counts.len();
    let lost = CRASH_N - counts.len();
    let summary = Ledger::open(&db).unwrap().summary().unwrap();
    eprintln!(
        "crash test: killed with {at_server_before} at the server and {in_flight_at_crash} in flight; \
         rerun: delivered {} already delivered {} possibly duplicated {}; \
         at the server: {} unique, {total} total, duplicated {duplicated}, lost {lost}",
        rerun["delivered"],
        rerun["already_delivered"],
        rerun["possibly_duplicated"],
        counts.len()
    );
    assert_eq!(lost, 0);
    assert_eq!(counts.len(), CRASH_N);
    assert!(
        in_flight_at_crash as usize <= CRASH_THREADS,
        "in flight {in_flight_at_crash}"
    );
    assert!(
        duplicated as i64 <= in_flight_at_crash,
        "duplicated {duplicated} > in flight {in_flight_at_crash}"
    );
    assert_eq!(summary.delivered as usize, CRASH_N);
    assert_eq!(summary.in_flight, 0);
    assert_eq!(summary.possibly_duplicated as i64, in_flight_at_crash);
    assert_eq!(
        rerun["possibly_duplicated"].as_i64().unwrap(),
        in_flight_at_crash
    );
    assert_eq!(
        rerun["delivered"].as_u64().unwrap() + rerun["already_delivered"].as_u64().unwrap(),
        CRASH_N as u64
    );
}

/// DKIM: every design's email, signed, arrives at the real server and a
/// receiver's verifier (dkimpy, given the public key the DNS record would
/// publish) accepts it; the signature covers the List-Unsubscribe headers;
/// a header changed on the way breaks it.
#[cfg(feature = "dkim")]
#[test]
fn dkim_signatures_verify_at_the_receiver_and_cover_list_unsubscribe() {
    // A fixed test key (the seed bytes 0, 1, ..., 31 in base64), not a secret.
    let seed = || "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned();
    let out = temp_dir("smtp-dkim");
    let server = Server::start("smtp_sink.py", &["--out", out.to_str().unwrap()]);
    let dispatcher = dispatcher(&out, server.port, 1);
    assert!(vellum::deliver::Dkim::ed25519("mail", "northwind.example", "not base64!").is_err());
    assert!(vellum::deliver::Dkim::ed25519("bad selector", "northwind.example", &seed()).is_err());
    let dkim = vellum::deliver::Dkim::ed25519("mail2026", "northwind.example", &seed()).unwrap();
    let mut jobs = Vec::new();
    for name in deliver_support::DESIGNS {
        let d = design(name);
        let (mut record, _) = samples(&d).remove(0);
        record["customer"]["name"] = "Zoë \"Eve\" Müller\r\nX-Injected: 1".into();
        let doc = vellum::compose(&d, &record, &deliver_support::today()).unwrap();
        let mut o = options("2026-11-dkim");
        o.marketing = name == "quote";
        o.dkim = Some(dkim.clone());
        let mut job = email_job(
            vellum::Pipeline::new(&d, Default::default())
                .unwrap()
                .communication_for(&doc, &[Channel::Email], false, &o)
                .unwrap(),
        );
        job.audience.marketing_consent = vec![Channel::Email];
        jobs.push(job);
    }
    let report = dispatcher.deliver_all(jobs, 1);
    assert_eq!(report.delivered, 4, "{report:?}");
    let files = deliver_support::files_with(&out, "eml");
    assert_eq!(files.len(), 4);
    let (ok, report) = dkim_verify(&seed(), &files);
    assert!(ok, "dkimpy rejects vellum's signatures:\n{report}");
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 4, "{report}");
    for line in lines {
        let h = line.strip_prefix("OK ").unwrap().to_ascii_lowercase();
        for header in [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "list-unsubscribe",
            "list-unsubscribe-post",
        ] {
            assert!(h.split(':').any(|x| x == header), "h= lacks {header}: {h}");
        }
    }
    // The marketing ones (the quote; the bill when its sample gets an offer)
    // really carry the signed List-Unsubscribe headers.
    let marketing: Vec<&std::path::PathBuf> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains("\nList-Unsubscribe-Post:")
        })
        .collect();
    assert!(!marketing.is_empty());
    // Tampering: a relay that rewrites the unsubscribe link breaks the signature.
    let raw = std::fs::read_to_string(marketing[0]).unwrap();
    let tampered = raw.replacen(
        "List-Unsubscribe: <https://",
        "List-Unsubscribe: <https://evil.",
        1,
    );
    assert_ne!(raw, tampered);
    let path = out.join("tampered.eml.x");
    std::fs::write(&path, tampered).unwrap();
    let (ok, report) = dkim_verify(&seed(), &[path]);
    assert!(!ok && report.starts_with("FAIL"), "{report}");
    drop(server);
}

/// A private CA and a server certificate for `localhost`, made with openssl.
/// Returns (CA PEM, server cert file, server key file).
#[cfg(feature = "tls")]
pub(crate) fn test_pki(dir: &Path) -> (Vec<u8>, String, String) {
    let run = |args: &[&str]| openssl(dir, args);
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=vellum test CA",
        ],
    ]
    .concat());
    run(&[
        &["req"][..],
        &ec,
        &[
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    ]
    .concat());
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (
        std::fs::read(dir.join("ca.pem")).unwrap(),
        dir.join("server.pem").to_str().unwrap().to_owned(),
        dir.join("server.key").to_str().unwrap().to_owned(),
    )
}

/// STARTTLS against a server that requires it: with the relay's private CA
/// trusted the message goes over TLS; without it, or under another host
/// name, the certificate is refused and nothing is sent in the clear.
#[cfg(feature = "tls")]
#[test]
fn starttls_verifies_the_server_certificate() {
    use vellum::deliver::Transport;
    let out = temp_dir("smtp-tls");
    let (ca, cert, key) = test_pki(&out);
    let server = Server::start(
        "smtp_sink.py",
        &["--out", out.to_str().unwrap(), "--tls", &cert, &key],
    );
    let jobs = welcome_jobs(1, "2026-11-tls");
    let message = jobs[0].communication.message(Channel::Email).unwrap();
    let transport = |host: &str, roots: Vec<Vec<u8>>| {
        let mut o = SmtpOptions::new(host, server.port);
        o.tls = SmtpTls::Required;
        o.pool_size = 1;
        o.timeout = Duration::from_secs(10);
        o.root_certificates = roots;
        SmtpTransport::new(&o).unwrap()
    };
    // Not trusted: the public roots do not know the test CA.
    let err = transport("localhost", vec![]).send(message).unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    // Trusted CA, but the certificate is for `localhost`, not `127.0.0.1`.
    let err = transport("127.0.0.1", vec![ca.clone()])
        .send(message)
        .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    assert!(received(&out).is_empty(), "nothing may be sent without TLS");
    // A bad PEM is a settings error, before any connection.
    let mut o = SmtpOptions::new("localhost", server.port);
    o.root_certificates = vec![b"not a certificate".to_vec()];
    assert!(SmtpTransport::new(&o).is_err());
    // Trusted: delivered, over TLS.
    let receipt = transport("localhost", vec![ca]).send(message).unwrap();
    assert!(receipt.id.starts_with("250"), "{receipt:?}");
    let got = received(&out);
    assert_eq!(got.len(), 1);
    let tls: Vec<String> = deliver_support::files_with(&out, "tls")
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(tls.len(), 1, "the message came over TLS");
    assert!(tls[0].contains("TLSv1."), "{tls:?}");
}

/// DKIM with an RSA key (PKCS#1 PEM, as most DNS providers still expect):
/// the message a backend would send verifies at the receiver.
#[cfg(feature = "dkim")]
#[test]
fn dkim_rsa_signatures_verify_at_the_receiver() {
    let out = temp_dir("dkim-rsa");
    openssl(&out, &["genrsa", "-traditional", "-out", "rsa.key", "2048"]);
    openssl(
        &out,
        &["rsa", "-in", "rsa.key", "-pubout", "-out", "rsa.pub"],
    );
    let pem = std::fs::read_to_string(out.join("rsa.key")).unwrap();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(vellum::deliver::Dkim::rsa("mail2026", "northwind.example", "no key").is_err());
    let d = design("bill");
    let (_, doc) = samples(&d).remove(0);
    let mut o = options("2026-11-rsa");
    o.marketing = true;
    o.dkim = Some(vellum::deliver::Dkim::rsa("mail2026", "northwind.example", &pem).unwrap());
    let comm = vellum::Pipeline::new(&d, Default::default())
        .unwrap()
        .communication_for(&doc, &[Channel::Email], false, &o)
        .unwrap();
    let vellum::deliver::Body::Email(email) = &comm.message(Channel::Email).unwrap().body else {
        panic!("an email body");
    };
    std::fs::write(out.join("signed.eml"), &email.raw).unwrap();
    let key = format!("rsa:{}", out.join("rsa.pub").display());
    let (ok, report) = dkim_verify(&key, &[out.join("signed.eml")]);
    assert!(ok, "dkimpy rejects the RSA signature:\n{report}");
    assert!(report.contains("list-unsubscribe-post"), "{report}");
}
