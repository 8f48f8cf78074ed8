//! Emails that clients render, without spam signals of our own making: every
//! shipped design's sample emails are checked against the caniemail database
//! (`@jsx-email/doiuse-email` for Gmail, Outlook, Apple Mail and Yahoo, run by
//! `tests/email_lint/check.mjs`) and scored by SpamAssassin (`-L`, local
//! tests only).
//!
//! `tests/email_lint/figures.json` records each email's error count per
//! client and MJML's for the same bill (`tests/email_lint/mjml/`): a count
//! above its record fails, and so does a bill with as many errors as MJML's.
//! After an intended change, rewrite the record with
//! `VELLUM_EMAIL_LINT_RECORD=1 cargo test --release --test it email_lint` and
//! review its diff. Needs node with `npm ci` run in `tests/email_lint`, and
//! Debian's `spamassassin` (`.ci/run` installs both); without them the test
//! fails, it never skips.

use crate::common;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{DESIGNS, design, options, root, samples};
use serde_json::{Value, json};
use vellum::deliver::{Body, MessageOptions};
use vellum::model::Channel;

/// The most SpamAssassin may score any shipped email.
const SPAM_MAX: f64 = 0.5;

fn tool_dir() -> PathBuf {
    root().join("tests").join("email_lint")
}

fn figures_path() -> PathBuf {
    tool_dir().join("figures.json")
}

/// Fails (does not skip) when a tool the test needs is missing.
fn require_tools() {
    let how = "(.ci/run installs it: apt-get install nodejs npm spamassassin; npm ci in tests/email_lint)";
    let ok = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    assert!(ok("node", "--version"), "node is not installed {how}");
    for package in ["@jsx-email/doiuse-email", "mjml"] {
        let dir = tool_dir().join("node_modules").join(package);
        assert!(
            dir.join("package.json").is_file(),
            "the npm package {package} is not installed in tests/email_lint {how}"
        );
    }
    assert!(
        ok("spamassassin", "--version"),
        "spamassassin is not installed {how}"
    );
}

/// `node check.mjs <args>`, its standard output.
fn check_mjs(args: &[&str]) -> String {
    let out = Command::new("node")
        .arg(tool_dir().join("check.mjs"))
        .args(args)
        .current_dir(tool_dir())
        .output()
        .expect("running node");
    assert!(
        out.status.success(),
        "node check.mjs {:?} failed: {}",
        args.first(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("check.mjs prints UTF-8")
}

/// The caniemail errors of each file: `{errors, clients: {client: n}}`.
fn lint(files: &[PathBuf]) -> BTreeMap<PathBuf, Value> {
    let args: Vec<&str> = std::iter::once("lint")
        .chain(files.iter().map(|f| f.to_str().expect("UTF-8 path")))
        .collect();
    let v: Value = serde_json::from_str(&check_mjs(&args)).expect("check.mjs prints JSON");
    files
        .iter()
        .map(|f| {
            let r = &v[f.to_str().unwrap()];
            (
                f.clone(),
                json!({ "errors": r["errors"], "clients": r["clients"] }),
            )
        })
        .collect()
}

/// One shipped email: its name (`design/sample`), HTML and RFC 5322 bytes.
struct Shipped {
    name: String,
    html: String,
    raw: Vec<u8>,
}

fn shipped_emails() -> Vec<Shipped> {
    let mut out = Vec::new();
    let mut message_options =
        MessageOptions::new("2026-11", "Northwind Energy", "hello@northwind.example");
    message_options.unsubscribe_key =
        Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
    for name in DESIGNS {
        let d = design(name);
        let pipeline = vellum::Pipeline::new(&d, Default::default()).unwrap();
        for (id, mut record) in samples(name) {
            // Samples without an address (SMS- or letter-only customers)
            // still have an email: score it as it would be sent.
            if record["customer"]["email"].as_str().is_none() {
                record["customer"]["email"] = json!(format!("{}@example.org", id.to_lowercase()));
            }
            let doc = vellum::compose(&d, &record, &options())
                .unwrap_or_else(|e| panic!("{name}/{id}: {e}"));
            let email = vellum::render::email(&d, &doc).unwrap();
            let comm = pipeline
                .communication_for(&doc, &[Channel::Email], false, &message_options)
                .unwrap_or_else(|e| panic!("{name}/{id}: {e}"));
            let Some(Body::Email(e)) = comm.message(Channel::Email).map(|m| &m.body) else {
                panic!("{name}/{id}: no email message: {comm:?}")
            };
            out.push(Shipped {
                name: format!("{name}/{id}"),
                html: email.html,
                raw: e.raw.to_vec(),
            });
        }
    }
    out
}

/// The `Message-ID` header of a message (or of SpamAssassin's copy of it).
fn message_id(headers: &str) -> Option<String> {
    headers.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("message-id")
            .then(|| value.trim().to_owned())
    })
}

/// SpamAssassin's score and rules of each message, in order. One process
/// reads them all as an mbox; it may report them in another order (it sorts
/// an mbox by date), so each report is matched by its `Message-ID`.
fn spamassassin(messages: &[&[u8]]) -> Vec<(f64, String)> {
    let mut mbox = Vec::new();
    for m in messages {
        mbox.extend_from_slice(b"From vellum@localhost Thu Jan  1 00:00:00 2026\n");
        let text = String::from_utf8_lossy(m).replace("\r\n", "\n");
        for line in text.lines() {
            if line.trim_start_matches('>').starts_with("From ") {
                mbox.push(b'>');
            }
            mbox.extend_from_slice(line.as_bytes());
            mbox.push(b'\n');
        }
        mbox.push(b'\n');
    }
    let mut child = Command::new("spamassassin")
        .args(["-L", "-t", "--mbox"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running spamassassin");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&mbox));
    let out = child.wait_with_output().expect("spamassassin output");
    writer.join().unwrap().expect("writing to spamassassin");
    assert!(
        out.status.success(),
        "spamassassin failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each message comes back with "X-Spam-Status: No, score=0.0
    // required=5.0 tests=HTML_MESSAGE,\n\tNO_RECEIVED ..." at the top of its
    // headers, its own Message-ID below.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut reports = BTreeMap::new();
    let mut pending: Option<(f64, String)> = None;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(status) = line.strip_prefix("X-Spam-Status:") {
            let mut status = status.to_owned();
            while lines.peek().is_some_and(|l| l.starts_with([' ', '\t'])) {
                // Folded after a comma inside `tests=`, or between fields.
                if !status.ends_with(',') {
                    status.push(' ');
                }
                status.push_str(lines.next().unwrap().trim());
            }
            let field = |k: &str| {
                status
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix(k))
                    .unwrap_or("")
                    .to_owned()
            };
            let score: f64 = field("score=").parse().expect("a score");
            pending = Some((score, field("tests=")));
        } else if pending.is_some()
            && let Some(id) = message_id(line)
        {
            reports.insert(id, pending.take().unwrap());
        }
    }
    messages
        .iter()
        .map(|m| {
            let id = message_id(&String::from_utf8_lossy(m)).expect("a Message-ID");
            reports
                .remove(&id)
                .unwrap_or_else(|| panic!("spamassassin did not report on {id}"))
        })
        .collect()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn shipped_emails_have_no_more_caniemail_errors_than_recorded_and_fewer_than_mjml() {
    require_tools();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("email_lint");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let emails = shipped_emails();
    let mut files = Vec::new();
    for e in &emails {
        let f = dir.join(format!("{}.html", e.name.replace('/', "-")));
        write(&f, e.html.as_bytes());
        files.push(f);
    }
    let mjml_html = dir.join("mjml-bill-C1001.html");
    let mjml_src = tool_dir().join("mjml").join("bill-C1001.mjml");
    let version: Value = serde_json::from_str(&check_mjs(&[
        "mjml",
        mjml_src.to_str().unwrap(),
        mjml_html.to_str().unwrap(),
    ]))
    .unwrap();
    files.push(mjml_html.clone());
    let mut found = lint(&files);
    let mjml = found.remove(&mjml_html).unwrap();

    let now = json!({
        "clients": ["gmail.*", "outlook.*", "apple-mail.*", "yahoo.*"],
        "mjml": { "version": version["mjml"], "bill/C1001": mjml },
        "emails": emails.iter().zip(&files).map(|(e, f)| (e.name.clone(), found[f].clone())).collect::<serde_json::Map<_, _>>(),
    });
    if std::env::var_os("VELLUM_EMAIL_LINT_RECORD").is_some() {
        write(
            &figures_path(),
            (serde_json::to_string_pretty(&now).unwrap() + "\n").as_bytes(),
        );
    }
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(figures_path()).expect("figures.json"))
            .expect("figures.json is JSON");

    let mut problems = Vec::new();
    let count = |v: &Value| v["errors"].as_u64().expect("a count");
    // MJML's output is the yardstick: it may change with MJML, never silently.
    if now["mjml"] != recorded["mjml"] {
        problems.push(format!(
            "MJML's bill changed: now {}, recorded {}",
            now["mjml"], recorded["mjml"]
        ));
    }
    for (name, got) in now["emails"].as_object().unwrap() {
        let Some(want) = recorded["emails"].get(name) else {
            problems.push(format!("{name}: no recorded figures ({got})"));
            continue;
        };
        if count(got) > count(want) {
            problems.push(format!(
                "{name}: {} caniemail errors, recorded {}",
                count(got),
                count(want)
            ));
        }
        for (client, n) in got["clients"].as_object().unwrap() {
            let had = want["clients"][client].as_u64().unwrap_or(0);
            if n.as_u64().unwrap() > had {
                problems.push(format!("{name}: {n} errors for {client}, recorded {had}"));
            }
        }
        if name.starts_with("bill/") && count(got) >= count(&mjml) {
            problems.push(format!(
                "{name}: {} caniemail errors, MJML's bill has {}",
                count(got),
                count(&mjml)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "email lint regressions (tests/email_lint/figures.json):\n{}",
        problems.join("\n")
    );
}

#[test]
fn shipped_emails_score_at_most_half_a_point_with_spamassassin() {
    require_tools();
    let emails = shipped_emails();
    // The messages as files, to score one by hand: `spamassassin -L -t < x.eml`.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("email_lint_eml");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in &emails {
        write(
            &dir.join(format!("{}.eml", e.name.replace('/', "-"))),
            &e.raw,
        );
    }
    let raws: Vec<&[u8]> = emails.iter().map(|e| &e.raw[..]).collect();
    let scores = spamassassin(&raws);
    for (e, (score, tests)) in emails.iter().zip(&scores) {
        println!("{}: {score} {tests}", e.name);
    }
    let over: Vec<String> = emails
        .iter()
        .zip(&scores)
        .filter(|(_, (score, _))| *score > SPAM_MAX)
        .map(|(e, (score, tests))| format!("{}: {score} ({tests})", e.name))
        .collect();
    assert!(
        over.is_empty(),
        "SpamAssassin scores above {SPAM_MAX}:\n{}",
        over.join("\n")
    );
}
