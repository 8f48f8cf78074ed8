//! Golden tests: every design x sample x channel, with the clock pinned.
//! Update after an intended change with `INSTA_UPDATE=always cargo test --release --test golden`
//! and review the diff.

use crate::common;

use common::{DESIGNS, design, options, samples};

#[test]
fn every_design_every_sample_every_channel() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/golden");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for name in DESIGNS {
            let d = design(name);
            for (id, record) in samples(name) {
                let doc = vellum::compose(&d, &record, &options())
                    .unwrap_or_else(|e| panic!("{name}/{id}: {e}"));
                let email =
                    vellum::render::email(&d, &doc).unwrap_or_else(|e| panic!("{name}/{id}: {e}"));
                insta::assert_snapshot!(format!("{name}-{id}-email.html"), email.html);
                let head = format!(
                    "Subject: {}\nPreheader: {}\nWarnings: {:?}\n\n",
                    email.subject, email.preheader, doc.warnings
                );
                insta::assert_snapshot!(format!("{name}-{id}-email.txt"), head + &email.text);
                let sms =
                    vellum::render::sms(&d, &doc).unwrap_or_else(|e| panic!("{name}/{id}: {e}"));
                insta::assert_snapshot!(
                    format!("{name}-{id}-sms"),
                    format!(
                        "{:?}, {} segment(s), {} units\n{}",
                        sms.encoding, sms.segments, sms.units, sms.text
                    )
                );
            }
        }
    });
}

#[test]
fn samples_cover_the_required_locales_and_sizes() {
    for name in DESIGNS {
        let d = design(name);
        let locales: Vec<String> = samples(name)
            .iter()
            .map(|(_, r)| vellum::compose(&d, r, &options()).unwrap().locale)
            .collect();
        for want in ["en-US", "de-DE", "fr-FR", "zh-CN"] {
            assert!(
                locales.iter().any(|l| l == want),
                "{name} has no {want} sample: {locales:?}"
            );
        }
        assert!(locales.len() >= 4, "{name} needs at least four samples");
    }
    for name in ["bill", "quote"] {
        let has_40 = samples(name)
            .iter()
            .any(|(_, r)| r["items"].as_array().is_some_and(|a| a.len() == 40));
        assert!(has_40, "{name} needs a sample with 40 line items");
    }
}

#[test]
fn the_chinese_sample_is_chinese_in_every_channel() {
    for name in DESIGNS {
        let d = design(name);
        let (_, record) = samples(name)
            .into_iter()
            .find(|(_, r)| r["customer"]["locale"] == "zh-CN")
            .unwrap();
        let doc = vellum::compose(&d, &record, &options()).unwrap();
        let han = |s: &str| {
            s.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
        };
        let email = vellum::render::email(&d, &doc).unwrap();
        assert!(
            han(&email.subject) > 2,
            "{name}: subject {:?}",
            email.subject
        );
        assert!(han(&email.text) > 50, "{name}: text part is not Chinese");
        assert!(han(&vellum::render::sms(&d, &doc).unwrap().text) > 5);
        assert!(email.html.contains("lang=\"zh-CN\""));
    }
}
