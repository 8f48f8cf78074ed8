//! The preview page end to end in a real browser: Debian's chromium,
//! headless, driven by playwright-core from Node (tests/preview_e2e/e2e.mjs)
//! against `preview serve` over a copy of the shipped templates. Every design
//! and customer, three locales, a live edit (timed), a broken design, a
//! hostile record pasted and uploaded, the field form, and 1280 px
//! screenshots in `<target>/preview-screenshots/`. Fails, never skips, when
//! node, chromium or the npm packages are missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use vellum::{Channels, Pipeline, PipelineOptions};

use crate::common::{DESIGNS, design, root, samples};
use crate::preview_serve::{Preview, templates_copy};

const CHROMIUM: &str = "/usr/bin/chromium";

fn tool_dir() -> PathBuf {
    root().join("tests").join("preview_e2e")
}

/// The tools the test needs; a missing one fails the test with the reason.
fn require_tools() {
    let how =
        "(.ci/run installs them: apt-get install nodejs npm chromium; npm ci in tests/preview_e2e)";
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is not installed {how}"
    );
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is not installed {how}"
    );
    assert!(
        tool_dir().join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci` in tests/preview_e2e {how}"
    );
}

/// The screenshots' folder: `<target>/preview-screenshots`.
fn shots_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the test binary is in <target>/<profile>/deps");
    target.join("preview-screenshots")
}

/// The first amount of money in `text` ("£86.57", "189,31 $"), if any.
fn amount(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let symbol = |c: char| "£$€¥₹".contains(c);
    let part = |c: char| c.is_ascii_digit() || ".,\u{a0}\u{202f} ".contains(c);
    let i = chars.iter().position(|&c| symbol(c))?;
    let mut a = i;
    while a > 0 && part(chars[a - 1]) {
        a -= 1;
    }
    let mut b = i + 1;
    while b < chars.len() && part(chars[b]) {
        b += 1;
    }
    let s: String = chars[a..b].iter().collect();
    let s = s.trim_matches(|c: char| !c.is_ascii_digit() && !symbol(c));
    s.chars().any(|c| c.is_ascii_digit()).then(|| s.to_owned())
}

/// What the page must show for `record` of `name` (in `locale`): the
/// customer's names and the amount vellum itself renders into the SMS.
fn case(name: &str, stem: &str, record: &Value, locale: &str) -> Value {
    let d = design(name);
    let mut r = record.clone();
    if !locale.is_empty() {
        r["customer"]["locale"] = json!(locale);
    }
    let pipeline =
        Pipeline::new(&d, PipelineOptions::default().channels(Channels::Design)).unwrap();
    let outcome = pipeline.run(&r);
    let sms = outcome.sms().map(|s| s.text.clone()).unwrap_or_default();
    let customer = &record["customer"];
    let full = customer["name"].as_str().unwrap_or("");
    json!({
        "design": name,
        "sample": stem,
        "locale": locale,
        "name": full,
        "first": customer["first_name"].as_str().unwrap_or(full),
        "phone": customer["phone"].is_string(),
        "amount": amount(&sms),
    })
}

fn cases() -> Vec<Value> {
    let mut out = Vec::new();
    for name in DESIGNS {
        for (stem, record) in samples(name) {
            out.push(case(name, &stem, &record, ""));
        }
    }
    let (_, c1001) = samples("bill").remove(0);
    for locale in ["de-DE", "fr-FR", "zh-CN", ""] {
        out.push(case("bill", "C1001", &c1001, locale));
    }
    out
}

/// A bill body.md with an unclosed placeholder, and where the error is.
fn broken(dir: &Path) -> Value {
    let file = dir.join("bill").join("body.md");
    let source = std::fs::read_to_string(&file).unwrap();
    let at = source.find("{{").expect("body.md has a placeholder");
    let line = source[..at].matches('\n').count() + 1;
    let content = format!("{}{{{{ unclosed {}", &source[..at], &source[at + 2..]);
    json!({ "file": file, "content": content, "expect": format!("body.md:{line}:") })
}

fn hostile() -> Value {
    let (_, mut record) = samples("bill").remove(0);
    let name = "<script>alert(1)</script><img src=x onerror=alert(2)> \"Q\" 'S' & Co";
    record["customer"]["name"] = json!(name);
    record["customer"]["first_name"] = json!("<b>Eve</b>\"'");
    json!({ "design": "bill", "sample": "C1001", "record": record, "name": name, "first": "<b>Eve</b>\"'" })
}

#[test]
fn the_page_in_chromium_shows_every_channel_live_and_literally() {
    require_tools();
    let dir = templates_copy("e2e");
    let p = Preview::start(&dir);
    let shots = shots_dir();
    let plan = json!({
        "url": p.url,
        "chromium": CHROMIUM,
        "shots": shots,
        "cases": cases(),
        "edit": {
            "design": "bill",
            "sample": "C1001",
            "locale": "",
            "file": dir.join("bill").join("locales").join("en-US.ftl"),
            "from": "title = Your electricity bill",
            "to": "title = Your electricity bill, freshly edited",
            "expect": "freshly edited",
        },
        "broken": broken(&dir),
        "hostile": hostile(),
        "form": { "design": "bill", "sample": "C1003", "name": "Formy McFormface" },
    });
    let plan_file = dir.parent().unwrap().join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let out = Command::new("node")
        .arg(tool_dir().join("e2e.mjs"))
        .arg(&plan_file)
        .current_dir(tool_dir())
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "the browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("E2E {"), "{stdout}");
    eprintln!("preview e2e: screenshots in {}", shots.display());
}
