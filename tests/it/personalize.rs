//! Personalization on the shipped designs: rules, variants, offers, locales
//! and the channel plan, and load-time errors for bad rules.

use crate::common;

use common::{design, options, samples};
use serde_json::json;
use vellum::model::Channel;
use vellum::{Design, ErrorKind};

/// Every text a customer could see of a communication: email HTML and text,
/// SMS, and the PDF's text.
fn everything(d: &Design, record: &serde_json::Value) -> String {
    let doc = vellum::compose(d, record, &options()).unwrap();
    let email = vellum::render::email(d, &doc).unwrap();
    let sms = vellum::render::sms(d, &doc)
        .map(|s| s.text)
        .unwrap_or_default();
    let pdf = vellum::render::PrintEngine::new(d)
        .unwrap()
        .render(&doc)
        .unwrap();
    let dir = std::env::temp_dir().join(format!(
        "vellum-personalize-{}-{}",
        std::process::id(),
        doc.record
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("letter.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed for this test: apt-get install poppler-utils");
    assert!(out.status.success());
    format!(
        "{}\n{}\n{}\n{}",
        email.html,
        email.text,
        sms,
        String::from_utf8_lossy(&out.stdout)
    )
}

/// The titles of every marketing offer in every locale.
fn marketing_titles() -> Vec<String> {
    let mut titles = Vec::new();
    for loc in vellum::SUPPORTED_LOCALES {
        let ftl = std::fs::read_to_string(
            common::root().join(format!("templates/offers/locales/{loc}.ftl")),
        )
        .unwrap();
        for id in ["heat-pump", "green-tariff", "summer-2025"] {
            let line = ftl
                .lines()
                .find(|l| l.starts_with(&format!("offer-{id}-title =")))
                .unwrap();
            titles.push(line.split_once(" = ").unwrap().1.to_owned());
        }
    }
    titles
}

#[test]
fn no_marketing_consent_means_no_offer_in_any_channel() {
    let d = design("bill");
    let titles = marketing_titles();
    let mut checked = 0;
    for (id, mut record) in samples("bill") {
        for consent in [json!(false), serde_json::Value::Null] {
            record["customer"]["consent"]["marketing"] = consent.clone();
            let doc = vellum::compose(&d, &record, &options()).unwrap();
            assert!(!doc.decisions.marketing, "{id}");
            let all = everything(&d, &record);
            for t in &titles {
                assert!(
                    !all.contains(t.as_str()),
                    "{id} (marketing consent {consent}) sees the offer {t:?}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 14);
    // With consent, the same customers do get a marketing offer (the test can fail).
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["consent"]["marketing"] = json!(true);
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert!(doc.decisions.marketing);
    let all = everything(&d, &record);
    assert!(
        titles.iter().any(|t| all.contains(t.as_str())),
        "no offer shown despite consent"
    );
}

#[test]
fn offers_explain_why_not() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["consent"]["marketing"] = json!(false);
    let decisions = vellum::decide(&d, &record, &options()).unwrap();
    let slot = &decisions.offers[0];
    assert_eq!(slot.slot, "footer");
    let reason = |id: &str| {
        slot.considered
            .iter()
            .find(|c| c.offer == id)
            .unwrap()
            .reason
            .clone()
    };
    assert_eq!(reason("summer-2025"), "expired");
    assert!(reason("heat-pump").contains("not consented to marketing"));
    // paperless is print-only service information: allowed without consent.
    assert_eq!(slot.chosen.as_deref(), Some("paperless"));
}

#[test]
fn a_phone_only_customer_gets_an_sms_first_plan() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"].as_object_mut().unwrap().remove("email");
    record["customer"]
        .as_object_mut()
        .unwrap()
        .remove("preferred_channel");
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert_eq!(doc.plan, [Channel::Sms, Channel::Print]);
    let email = doc
        .decisions
        .channels
        .iter()
        .find(|c| c.channel == Channel::Email)
        .unwrap();
    assert!(!email.kept && email.reason == "no email address");
}

#[test]
fn preference_and_consent_shape_the_plan() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["preferred_channel"] = json!("print");
    record["customer"]["consent"]["sms"] = json!(false);
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert_eq!(doc.plan, [Channel::Print, Channel::Email]);
    let sms = doc
        .decisions
        .channels
        .iter()
        .find(|c| c.channel == Channel::Sms)
        .unwrap();
    assert!(sms.reason.contains("not consented"));
}

#[test]
fn fr_ca_gets_french_and_unknown_locales_fall_back_with_a_warning() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    record["customer"]["locale"] = json!("fr-CA");
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert_eq!(doc.locale, "fr-FR");
    assert!(
        !doc.warnings.iter().any(|w| w.contains("locale")),
        "{:?}",
        doc.warnings
    );
    assert!(
        vellum::render::email(&d, &doc)
            .unwrap()
            .subject
            .contains("facture"),
        "{}",
        doc.subject
    );

    record["customer"]["locale"] = json!("pt-BR");
    let doc = vellum::compose(&d, &record, &options()).unwrap();
    assert_eq!(doc.locale, "en-US");
    assert!(
        doc.warnings.iter().any(|w| w.contains("pt-BR")),
        "{:?}",
        doc.warnings
    );
    assert!(doc.decisions.locale.reason.contains("not offered"));
}

#[test]
fn variants_split_deterministically() {
    let d = design("bill");
    let (_, mut record) = samples("bill").into_iter().next().unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for i in 0..400 {
        record["customer"]["id"] = json!(format!("X{i:05}"));
        let a = vellum::decide(&d, &record, &options()).unwrap();
        let b = vellum::decide(&d, &record, &options()).unwrap();
        assert_eq!(a.variants, b.variants, "reruns must agree");
        *counts.entry(a.variants[0].chosen.clone()).or_insert(0) += 1;
    }
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(counts.values().all(|n| *n > 150), "{counts:?}");
    // The friendly greeting shows only for customers in that variant.
    for (id, record) in samples("bill") {
        let doc = vellum::compose(&d, &record, &options()).unwrap();
        let text = vellum::render::email(&d, &doc).unwrap().text;
        let friendly = doc.decisions.variants[0].chosen == "friendly";
        let first = record["customer"]["first_name"].as_str().unwrap();
        let hi = ["Hi ", "Hello ", "Hallo ", "Bonjour ", "您好"]
            .iter()
            .any(|g| text.contains(g));
        if friendly {
            assert!(
                hi,
                "{id} {first}: the friendly variant shows no friendly greeting"
            );
        }
    }
}

#[test]
fn rules_fire_on_the_samples() {
    let d = design("bill");
    for (id, record) in samples("bill") {
        let decisions = vellum::decide(&d, &record, &options()).unwrap();
        let overdue = decisions
            .rules
            .iter()
            .find(|r| r.name == "overdue")
            .unwrap();
        assert_eq!(
            overdue.fired,
            record["account"]["overdue"] == json!(true),
            "{id}"
        );
        let doc = vellum::compose(&d, &record, &options()).unwrap();
        let notice = doc.blocks.iter().any(|b| {
            matches!(
                b,
                vellum::model::Block::Notice {
                    tone: vellum::model::Tone::Warning,
                    ..
                }
            )
        });
        assert_eq!(
            notice, overdue.fired,
            "{id}: the overdue notice follows the rule"
        );
    }
}

#[test]
fn bad_rules_are_load_time_errors_with_places() {
    let err = Design::load("tests/designs/bad-rules").unwrap_err();
    let ErrorKind::Design { diagnostics, .. } = err.kind() else {
        panic!("{err}")
    };
    let text = err.to_string();
    for want in [
        "unknown field `customer.segmnt`",
        "rule `broken` does not parse",
        "unknown field `items.price`",
        "unknown function `upperAscii`",
        "unknown field `customer.age`",
        "add up to 90, not 100",
        "has no variant `c`",
        "unknown variant group `tone`",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(
        diagnostics
            .iter()
            .all(|d| d.place.line > 1 || d.place.file.ends_with(".ftl")),
        "{text}"
    );
    insta::assert_snapshot!(text);
}
