//! Computed values in a shipped design: the bill's insight block (usage
//! against the same month last year, and a tip its rules choose) in every
//! channel and every locale, and no block for a customer without last
//! year's figure. The PDF is read back with pdftotext (poppler-utils).

use std::process::Command;

use serde_json::{Value, json};
use vellum::Design;

use crate::common::{design, options, samples};

/// What each sample with last year's usage must show: the change (email,
/// PDF), the tip chosen by rule, and the SMS's short line.
const EXPECTED: [(&str, &str, &str, &str); 5] = [
    (
        "C1001",
        "Your usage is up 19% on last year.",
        "Tip: heating and hot water cause most of a winter rise.",
        "Usage up 19% on last year.",
    ),
    (
        "C1002",
        "Your usage is down 11% on last year.",
        "Well done: you are using less than last year.",
        "Usage down 11% on last year.",
    ),
    (
        "C1003",
        "Ihr Verbrauch liegt 3 % über dem Vorjahresmonat.",
        "Tipp: Geräte im Stand-by können bis zu 10 %",
        "Verbrauch 3 % über Vorjahr.",
    ),
    (
        "C1004",
        "Votre consommation est en hausse de 19 % sur un an.",
        "Conseil : en hiver, la hausse vient surtout du chauffage",
        "Conso +19 % sur un an.",
    ),
    (
        "C1005",
        "您的用电量较去年同期下降 10%。",
        "做得好！您的用电量比去年少。",
        "用电量同比下降10%。",
    ),
];

/// Every word of the insight blocks, in any locale: none may show for a
/// customer without a comparison.
const INSIGHT_WORDS: [&str; 8] = [
    "on last year",
    "Vorjahr",
    "sur un an",
    "去年同期",
    "Tip:",
    "Tipp:",
    "Conseil",
    "小贴士",
];

/// Spaces (no-break ones too) removed: pdftotext breaks lines where the
/// PDF does, and CJK text has none to keep.
fn squash(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn pdf_text(d: &Design, doc: &vellum::model::Document, name: &str) -> String {
    let pdf = vellum::render::PrintEngine::new(d)
        .unwrap()
        .render(doc)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("values");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf.bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed on {name}");
    String::from_utf8(out.stdout).unwrap()
}

/// Each channel's text of one record: email HTML, email text, SMS, PDF.
fn channels(d: &Design, record: &Value, name: &str) -> [(&'static str, String); 4] {
    let doc = vellum::compose(d, record, &options()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let email = vellum::render::email(d, &doc).unwrap();
    let sms = vellum::render::sms(d, &doc).unwrap();
    assert!(sms.segments <= 2, "{name}: {} segments", sms.segments);
    [
        ("email html", email.html),
        ("email text", email.text),
        ("sms", sms.text),
        ("pdf", pdf_text(d, &doc, name)),
    ]
}

#[test]
fn the_bill_shows_the_change_and_the_rule_chosen_tip_in_every_channel_and_locale() {
    let d = design("bill");
    let all = samples("bill");
    let mut locales = Vec::new();
    for (id, title, tip, sms_line) in EXPECTED {
        let (_, record) = all.iter().find(|(n, _)| n == id).unwrap();
        locales.push(record["customer"]["locale"].as_str().unwrap().to_owned());
        for (channel, text) in channels(&d, record, id) {
            let text = squash(&text);
            if channel == "sms" {
                assert!(text.contains(&squash(sms_line)), "{id} {channel}: {text}");
                continue;
            }
            assert!(text.contains(&squash(title)), "{id} {channel}: {text}");
            assert!(text.contains(&squash(tip)), "{id} {channel}: {text}");
        }
    }
    locales.sort();
    assert_eq!(locales, ["de-DE", "en-GB", "en-US", "fr-FR", "zh-CN"]);
}

#[test]
fn a_bill_without_last_years_usage_has_no_insight_block() {
    let d = design("bill");
    let all = samples("bill");
    let (_, c1001) = all.iter().find(|(n, _)| n == "C1001").unwrap();
    let mut absent = c1001.clone();
    absent.as_object_mut().unwrap().remove("usage_last_year");
    // Zero last year: a division by zero, never an infinite percentage.
    let mut zero = c1001.clone();
    zero["usage_last_year"] = json!(0);
    // A record's own `values` is data, never a computed value.
    let mut forged = absent.clone();
    forged["values"] = json!({"change_pct": 50.0, "change_size": 50.0, "trend": "up"});
    let mut cases = vec![
        ("C1001-without".to_owned(), absent),
        ("C1001-zero".to_owned(), zero),
        ("C1001-forged".to_owned(), forged),
    ];
    cases.extend(
        all.into_iter()
            .filter(|(_, r)| r.get("usage_last_year").is_none()),
    );
    assert!(cases.len() >= 5, "the samples lack customers without it");
    for (name, record) in &cases {
        let decisions = vellum::decide(&d, record, &options()).unwrap();
        let compared = decisions
            .rules
            .iter()
            .find(|r| r.name == "compared_with_last_year")
            .unwrap();
        assert!(!compared.fired, "{name}");
        for (channel, text) in channels(&d, record, name) {
            for word in INSIGHT_WORDS {
                assert!(
                    !text.contains(word),
                    "{name} {channel} shows {word:?}: {text}"
                );
            }
        }
    }
}
