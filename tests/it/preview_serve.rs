//! `preview serve`, the marketer's live preview: the example binary started
//! as a child process on a free port, checked over HTTP (designs, samples,
//! path traversal, body limit, escaping, design errors with their place,
//! live reload) and once in a real browser (Debian's chromium, headless).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{DESIGNS, root, samples};

/// The preview example's binary, beside the integration tests' binary
/// (`target/release/deps/it-xxxx` -> `target/release/examples/preview`);
/// built once when missing or older than its sources.
fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test binary is in <target>/<profile>/deps");
        let bin = profile_dir
            .join("examples")
            .join(format!("preview{}", std::env::consts::EXE_SUFFIX));
        if !fresh(&bin) {
            let target_dir = profile_dir.parent().expect("<target>/<profile>");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut cmd = Command::new(cargo);
            cmd.args(["build", "--example", "preview"])
                .current_dir(root())
                .env("CARGO_TARGET_DIR", target_dir);
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let status = cmd.status().expect("running cargo build --example preview");
            assert!(status.success(), "cargo build --example preview failed");
        }
        assert!(bin.is_file(), "{} is missing", bin.display());
        bin
    })
}

/// Whether `bin` exists and is newer than the example's sources.
fn fresh(bin: &Path) -> bool {
    let Ok(built) = bin.metadata().and_then(|m| m.modified()) else {
        return false;
    };
    let src = root().join("examples").join("preview");
    let newest = std::fs::read_dir(&src)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().and_then(|m| m.modified()).ok())
        .chain(
            [root().join("Cargo.toml")]
                .iter()
                .filter_map(|p| p.metadata().and_then(|m| m.modified()).ok()),
        )
        .max();
    newest.is_none_or(|n| n <= built)
}

/// A running `preview serve`, ended when dropped.
pub(crate) struct Preview {
    child: Child,
    pub(crate) url: String,
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Preview {
    pub(crate) fn start(templates: &Path) -> Preview {
        Preview::start_with(templates, &[])
    }

    /// `preview serve <templates> --port 0 <extra>...`.
    fn start_with(templates: &Path, extra: &[&str]) -> Preview {
        let mut child = Command::new(binary())
            .arg("serve")
            .arg(templates)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting preview serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("preview: ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                panic!("preview serve printed no URL line");
            }
        };
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        Preview { child, url }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut r = agent()
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_string().unwrap_or_default())
    }

    pub(crate) fn get_json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    fn post(&self, path: &str, body: &[u8]) -> (u16, String) {
        let mut r = agent()
            .post(format!("{}{}", self.url, path.trim_start_matches('/')))
            .header("Content-Type", "application/json")
            .send(body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_string().unwrap_or_default())
    }

    fn version(&self) -> u64 {
        self.get_json("/api/version")["version"].as_u64().unwrap()
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn templates() -> PathBuf {
    root().join("templates")
}

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vellum-preview-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the shipped templates that a test may edit.
pub(crate) fn templates_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name).join("templates");
    crate::common::copy_dir(&templates(), &dir);
    dir
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[test]
fn lists_the_designs_and_previews_each_sample() {
    let p = Preview::start(&templates());
    let (status, page) = p.get("/");
    assert_eq!(status, 200);
    assert!(page.contains("<iframe") && page.contains("sandbox=\"\""));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page fetches nothing from outside"
    );
    assert!(
        !page.contains("innerHTML") && !page.contains("insertAdjacentHTML"),
        "data goes into the page as text"
    );
    let r = agent().get(&p.url).call().unwrap();
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("http") && !csp.contains('*'), "{csp}");
    let list = p.get_json("/api/designs");
    let ids: Vec<&str> = list["designs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| text(&d["id"]))
        .collect();
    for d in DESIGNS {
        assert!(ids.contains(&d), "{d} not listed: {ids:?}");
    }
    for (stem, record) in samples("bill") {
        let v = p.get_json(&format!("/api/preview?design=bill&sample={stem}"));
        assert!(v.get("error").is_none(), "{stem}: {}", v["error"]);
        let name = text(&record["customer"]["name"]);
        let first = text(&record["customer"]["first_name"]);
        assert_eq!(text(&v["record"]), text(&record["customer"]["id"]));
        assert!(
            text(&v["email"]["text"]).contains(first),
            "{stem}: email text lacks {first:?}"
        );
        assert_eq!(text(&v["to"]["name"]), name, "{stem}: the recipient");
        assert!(text(&v["email"]["subject"]).len() > 3);
        assert!(v["sms"]["segments"].as_u64().unwrap() >= 1);
        assert!(!text(&v["sms"]["encoding"]).is_empty());
        assert!(text(&v["explain"]).contains("locale:"), "{}", v["explain"]);
        assert!(!text(&v["approval"]["text"]).is_empty());
        // Every page of the letter, as a PNG.
        let pngs = v["pdf"]["pngs"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            pngs.len() as u64,
            v["pdf"]["pages"].as_u64().unwrap(),
            "{}",
            v["pdf"]
        );
        for png in pngs {
            let png = text(&png);
            assert!(png.starts_with("/api/png/"), "{}", v["pdf"]);
            let mut r = agent()
                .get(format!("{}{}", p.url, &png[1..]))
                .call()
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let bytes = r.body_mut().read_to_vec().unwrap();
            assert!(bytes.starts_with(b"\x89PNG"), "{png}: a PNG of the page");
        }
    }
}

#[test]
fn the_proof_button_serves_the_designs_proof_pdf() {
    let p = Preview::start(&templates());
    let mut r = agent()
        .get(format!("{}api/proof?design=welcome", p.url))
        .call()
        .expect("GET /api/proof");
    assert_eq!(r.status().as_u16(), 200);
    let pdf = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .expect("body");
    assert!(
        pdf.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        &pdf[..pdf.len().min(40)]
    );
    let file = std::env::temp_dir().join(format!("vellum-proof-{}.pdf", std::process::id()));
    std::fs::write(&file, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext");
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("welcome"), "the proof names its design");
    let page = p.get("/").1;
    assert!(
        page.contains("id=\"proof\""),
        "the page has the proof button"
    );
}

#[test]
fn refuses_anything_it_did_not_list() {
    let p = Preview::start(&templates());
    for path in [
        "/api/preview?design=../templates/bill&sample=C1001",
        "/api/preview?design=bill/../bill&sample=C1001",
        "/api/preview?design=%2e%2e%2ftemplates%2fbill&sample=C1001",
        "/api/preview?design=bill&sample=../C1001",
        "/api/preview?design=bill&sample=..%2f..%2fquote%2fsamples%2fC1001",
        "/api/preview?design=bill&sample=%2fetc%2fpasswd",
        "/api/preview?design=%2fetc&sample=passwd",
        &format!(
            "/api/preview?design={}&sample=C1001",
            templates().join("bill").display()
        ),
        "/api/preview?design=bill",
        "/api/preview?design=nope&sample=C1001",
        "/api/proof?design=../templates/bill",
        "/api/proof?design=%2e%2e%2fbill",
        "/api/proof?design=nope",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/assets/bill/..%2fdesign.toml",
        "/assets/bill/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/assets/bill/brand.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/api/png/999999",
        "/api/png/999999/1",
        "/api/png/1/0",
        "/api/checks/999999",
        "/etc/passwd",
    ] {
        let (status, body) = p.get(path);
        assert!(
            (400..500).contains(&status),
            "{path}: {status} {}",
            &body[..body.len().min(200)]
        );
        assert!(
            !body.contains("[package]") && !body.contains("root:") && !body.contains("customer"),
            "{path}: {body}"
        );
    }
    let (status, _) = p.post(
        "/api/preview?design=../templates/bill",
        br#"{"customer": {}}"#,
    );
    assert_eq!(status, 404);
    // The brand's email logo is served, by its listed name.
    let (status, _) = p.get("/assets/bill/logo-email.png");
    assert_eq!(status, 200);
}

#[test]
fn posted_records_render_within_the_limit_and_literally() {
    let p = Preview::start(&templates());
    let (_, mut record) = samples("bill").remove(0);
    let hostile = "<script>alert(1)</script>";
    record["customer"]["name"] = json!(hostile);
    record["customer"]["first_name"] = json!(hostile);
    let (status, body) = p.post("/api/preview?design=bill", record.to_string().as_bytes());
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v.get("error").is_none(), "{}", v["error"]);
    let html = text(&v["email"]["html"]);
    assert!(!html.contains("<script"), "the email HTML has a script");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is escaped in the email"
    );
    assert!(
        text(&v["email"]["text"]).contains(hostile),
        "the text part shows it literally"
    );

    let (status, body) = p.post("/api/preview?design=bill", b"{ not json");
    assert_eq!(status, 400);
    assert!(body.contains("not JSON"), "{body}");

    // 300 KB: refused with 413, whatever it is.
    let mut big = record.clone();
    big["padding"] = json!("x".repeat(300 * 1024));
    let (status, _) = p.post("/api/preview?design=bill", big.to_string().as_bytes());
    assert_eq!(status, 413);
    // The server goes on serving.
    assert_eq!(p.get("/api/version").0, 200);
}

#[test]
fn shows_a_broken_design_with_its_place() {
    let dir = templates_copy("broken");
    let body_md = dir.join("bill").join("body.md");
    let source = std::fs::read_to_string(&body_md).unwrap();
    let at = source.find("{{").expect("body.md has a placeholder");
    let line = source[..at].matches('\n').count() + 1;
    // An unclosed placeholder.
    let broken = format!("{}{{{{ unclosed {}", &source[..at], &source[at + 2..]);
    std::fs::write(&body_md, broken).unwrap();
    let p = Preview::start(&dir);
    let v = p.get_json("/api/preview?design=bill&sample=C1001");
    let error = text(&v["error"]);
    assert!(
        error.contains(&format!("body.md:{line}:")),
        "the error names body.md:{line}:COL: {error}"
    );
    let col = error
        .split(&format!("body.md:{line}:"))
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>();
    assert!(!col.is_empty(), "a column after the line: {error}");
    // The other designs still preview.
    let v = p.get_json("/api/preview?design=quote&sample=C1001");
    assert!(v.get("error").is_none(), "{}", v["error"]);
}

#[test]
fn saving_a_design_or_brand_file_bumps_the_version_within_a_second() {
    let dir = templates_copy("reload");
    let p = Preview::start(&dir);
    for file in [
        dir.join("bill").join("body.md"),
        dir.join("brand").join("brand.toml"),
    ] {
        let before = p.version();
        // Let the modification time move on coarse file systems.
        std::thread::sleep(Duration::from_millis(20));
        let mut content = std::fs::read_to_string(&file).unwrap();
        content.push('\n');
        let saved = Instant::now();
        std::fs::write(&file, content).unwrap();
        let latency = loop {
            if p.version() != before {
                break saved.elapsed();
            }
            assert!(
                saved.elapsed() < Duration::from_secs(1),
                "{} saved, the version did not change within a second",
                file.display()
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        // What the page then does: fetch the preview again.
        let v = p.get_json("/api/preview?design=bill&sample=C1001");
        assert!(v.get("error").is_none(), "{}", v["error"]);
        eprintln!(
            "preview: {} saved: version changed after {} ms, re-rendered preview after {} ms \
             (the page polls every 150 ms)",
            file.file_name().unwrap().to_string_lossy(),
            latency.as_millis(),
            saved.elapsed().as_millis()
        );
    }
    // The new content is what the preview renders.
    let body_md = dir.join("bill").join("body.md");
    let mut content = std::fs::read_to_string(&body_md).unwrap();
    content.push_str("\nFreshly saved paragraph.\n");
    std::fs::write(&body_md, content).unwrap();
    let v = p.get_json("/api/preview?design=bill&sample=C1001");
    assert!(
        text(&v["email"]["text"]).contains("Freshly saved paragraph."),
        "{}",
        v["email"]["text"]
    );
}

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--virtual-time-budget=8000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .stdin(Stdio::null())
    .stderr(Stdio::null());
    cmd.output().unwrap_or_else(|e| {
        panic!("chromium is needed for this test (apt-get install chromium): {e}")
    })
}

/// The page in a real browser: after its script ran, the chosen customer's
/// name is in the email and the page shows the SMS; a screenshot per design.
#[test]
fn the_page_in_a_browser_shows_the_chosen_customer() {
    let p = Preview::start(&templates());
    let out = temp_dir("browser");
    for design in DESIGNS {
        let all = samples(design);
        let (stem, record) = all.last().unwrap();
        let first = text(&record["customer"]["first_name"]);
        let name = if first.is_empty() {
            text(&record["customer"]["name"])
        } else {
            first
        };
        let url = format!("{}#design={design}&sample={stem}&width=600", p.url);
        let dom = chromium(
            &["--dump-dom", &url],
            &out.join(format!("profile-dom-{design}")),
        );
        let dom = String::from_utf8_lossy(&dom.stdout);
        let iframe = dom
            .split("<iframe")
            .nth(1)
            .and_then(|s| s.split('>').next())
            .unwrap_or("");
        assert!(
            iframe.contains("srcdoc=") && iframe.contains(name),
            "{design} {stem}: the email pane lacks {name:?}: {}",
            &dom[..dom.len().min(3000)]
        );
        assert!(
            dom.contains(&format!("record {}", text(&record["customer"]["id"]))),
            "{design} {stem}: the record id is not shown"
        );
        let sms = dom
            .split("id=\"sms-meta\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or("");
        assert!(sms.contains("segment"), "{design}: no SMS details: {sms:?}");
        let full = text(&record["customer"]["name"]);
        assert!(
            dom.contains(&format!("id=\"email-to\">To: {full}")),
            "{design} {stem}: the inbox line lacks {full:?}"
        );
        assert!(
            dom.contains("id=\"error\" role=\"alert\" style=\"display: none;\""),
            "{design}: an error is shown"
        );
        let shot = out.join(format!("{design}.png"));
        chromium(
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1280,1600",
                &url,
            ],
            &out.join(format!("profile-shot-{design}")),
        );
        let png = std::fs::read(&shot).unwrap_or_default();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{design}: no screenshot"
        );
        eprintln!(
            "preview: screenshot of {design} ({stem}): {}",
            shot.display()
        );
    }
}

#[test]
fn switches_locale_lists_fields_and_checks_the_email() {
    let p = Preview::start(&templates());
    let mut subjects = std::collections::BTreeSet::new();
    for locale in ["en-US", "de-DE", "fr-FR"] {
        let v = p.get_json(&format!(
            "/api/preview?design=bill&sample=C1001&locale={locale}"
        ));
        assert!(v.get("error").is_none(), "{}", v["error"]);
        assert_eq!(
            text(&v["locale"]),
            locale,
            "the chosen locale is the one rendered"
        );
        subjects.insert(text(&v["email"]["subject"]).to_owned());
    }
    assert_eq!(
        subjects.len(),
        3,
        "three locales, three subjects: {subjects:?}"
    );
    let v = p.get_json("/api/preview?design=bill&sample=C1001");
    let locales: Vec<&str> = v["locales"].as_array().unwrap().iter().map(text).collect();
    assert!(
        locales.contains(&"zh-CN") && locales.contains(&"de-DE"),
        "{locales:?}"
    );
    let fields = v["fields"].as_array().unwrap();
    assert!(
        fields
            .iter()
            .any(|f| f["path"] == "customer.name" && f["kind"] == "string"),
        "the declared fields: {fields:?}"
    );
    assert!(
        fields
            .iter()
            .any(|f| f["path"] == "totals.due" && f["kind"] == "money")
    );
    let c = p.get_json(&format!("/api/checks/{}", v["id"]));
    let families = c["caniemail"]["families"].as_object().unwrap_or_else(|| {
        panic!("caniemail did not run (.ci/run installs node and npm ci in tests/email_lint): {c}")
    });
    for f in ["gmail", "outlook", "apple-mail", "yahoo"] {
        assert!(families.contains_key(f), "{f}: {c}");
    }
    assert!(c["caniemail"]["total"].as_u64().unwrap() > 0, "{c}");
    assert_eq!(c["links"]["broken"], json!([]), "{c}");
    assert_eq!(c["links"]["images_without_alt"], json!([]), "{c}");
    assert!(c["size"]["bytes"].as_u64().unwrap() > 1000);
    assert_eq!(c["size"]["clipped"], json!(false));
    let score = c["spamassassin"]["score"].as_f64().unwrap_or_else(|| {
        panic!("SpamAssassin did not score (.ci/run installs spamassassin): {c}")
    });
    assert!(score < 5.0, "{c}");
}

#[test]
fn sends_a_test_only_to_the_typed_address_marked_test() {
    use crate::deliver_support::{Server, received};
    let out = temp_dir("send");
    let (mail, sms) = (out.join("mail"), out.join("sms"));
    std::fs::create_dir_all(&mail).unwrap();
    let server = Server::start("smtp_sink.py", &["--out", mail.to_str().unwrap()]);
    let smtp = format!("127.0.0.1:{}", server.port);
    let p = Preview::start_with(
        &templates(),
        &["--smtp", &smtp, "--sms-dir", sms.to_str().unwrap()],
    );
    let v = p.get_json("/api/preview?design=bill&sample=C1001");
    let customer = text(&v["to"]["email"]).to_owned();
    let send = |channel: &str, to: &str| -> Value {
        let body = json!({ "channel": channel, "to": to }).to_string();
        let (status, reply) = p.post(&format!("/api/send/{}", v["id"]), body.as_bytes());
        assert_eq!(status, 200, "{reply}");
        serde_json::from_str(&reply).unwrap()
    };
    let empty = send("email", "  ");
    assert!(
        text(&empty["error"]).contains("type the address"),
        "{empty}"
    );
    let sent = send("email", "tester@example.org");
    assert!(sent.get("error").is_none(), "{sent}");
    let got = received(&mail);
    assert_eq!(got.len(), 1, "one test message");
    assert_eq!(
        got[0].1,
        vec!["tester@example.org".to_owned()],
        "only the typed address"
    );
    let parsed = mail_parser::MessageParser::default()
        .parse(&got[0].0)
        .unwrap();
    let subject = parsed.subject().unwrap_or("");
    assert!(subject.starts_with("[TEST] "), "{subject}");
    let raw = String::from_utf8_lossy(&got[0].0);
    assert!(
        !raw.contains(&customer),
        "the customer's own address {customer} is not used"
    );
    let sent = send("sms", "+49 151 0000000");
    assert!(sent.get("error").is_none(), "{sent}");
    let files: Vec<_> = std::fs::read_dir(&sms).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let sms_text = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(
        sms_text.contains("+49 151 0000000") && sms_text.contains("TEST: "),
        "{sms_text}"
    );
    // Without a transport, the answer says how to configure one.
    let bare = Preview::start(&templates());
    let v = bare.get_json("/api/preview?design=bill&sample=C1001");
    let body = json!({ "channel": "email", "to": "tester@example.org" }).to_string();
    let (_, reply) = bare.post(&format!("/api/send/{}", v["id"]), body.as_bytes());
    assert!(reply.contains("--smtp host:port"), "{reply}");
}

/// One raw HTTP/1.1 request (headers as given): the status code.
fn raw_status(p: &Preview, request: &str) -> u16 {
    use std::io::{Read, Write};
    let addr = p.url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.replace("{addr}", addr).as_bytes())
        .unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}

/// Another site in the marketer's browser can neither read the previews
/// (DNS rebinding: a foreign Host) nor post to the server (a form or a
/// text/plain fetch needs no preflight; a test send would mail data out).
#[test]
fn refuses_requests_from_other_sites() {
    let p = Preview::start(&templates());
    let get = |host: &str| {
        format!("GET /api/designs HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    };
    assert_eq!(raw_status(&p, &get("{addr}")), 200);
    assert_eq!(raw_status(&p, &get("evil.example")), 403);
    assert_eq!(raw_status(&p, &get("evil.example:80")), 403);
    let post = |origin: &str, ty: &str| {
        format!(
            "POST /api/preview?design=bill HTTP/1.1\r\nHost: {{addr}}\r\n{origin}\
             Content-Type: {ty}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
    };
    assert_eq!(raw_status(&p, &post("", "application/json")), 200);
    assert_eq!(
        raw_status(&p, &post("Origin: http://{addr}\r\n", "application/json")),
        200
    );
    assert_eq!(
        raw_status(
            &p,
            &post("Origin: https://evil.example\r\n", "application/json")
        ),
        403
    );
    assert_eq!(raw_status(&p, &post("", "text/plain")), 415);
    assert_eq!(
        raw_status(&p, &post("", "application/x-www-form-urlencoded")),
        415
    );
}
