//! The print spool (batch PDFs with duplex blanks and manifests) and the
//! archive (PDF/A-3b copies with a JSON index).
#![cfg(feature = "print-spool")]

use crate::deliver_support;

use std::process::Command;

use deliver_support::{design, samples, temp_dir};
use sha2::{Digest, Sha256};
use vellum::deliver::{ArchiveTransport, Audience, Job, PrintOptions, PrintSpool};
use vellum::deliver::{Communication, Dispatcher, Ledger, MessageOptions};
use vellum::model::Channel;

#[test]
fn letters_become_batches_with_manifests_and_archive_copies() {
    let out = temp_dir("print");
    let spool = std::sync::Arc::new(
        PrintSpool::new(out.join("spool"), {
            let mut o = PrintOptions::default();
            o.batch_size = 4;
            o.duplex = true;
            o
        })
        .unwrap(),
    );
    let archive = std::sync::Arc::new(ArchiveTransport::new(out.join("archive")).unwrap());
    let dispatcher = Dispatcher::builder(Ledger::in_memory().unwrap())
        .transport(Channel::Print, spool.clone())
        .archive(archive.clone())
        .build()
        .unwrap();
    let mut jobs = Vec::new();
    let mut names = std::collections::HashMap::new();
    for name in ["bill", "contract"] {
        let d = design(name);
        for (record, doc) in samples(&d) {
            let o = MessageOptions::new("2026-11", "Northwind Energy", "post@northwind.example");
            // The postal code comes from the design's `[recipient] postal_code`.
            assert_eq!(
                doc.postal_code.as_deref(),
                record["customer"]["address"]["postal_code"].as_str()
            );
            let pdf = vellum::render::PrintEngine::new(&d)
                .unwrap()
                .render(&doc)
                .unwrap();
            let a = vellum::render::PrintEngine::new(&d)
                .unwrap()
                .render_with(
                    &doc,
                    &vellum::render::PdfOptions::standard(vellum::render::PdfStandard::PdfA3b),
                )
                .unwrap();
            let comm = Communication::builder(&d, &doc, &o)
                .plan(&[Channel::Print])
                .letter(&pdf)
                .archive(&a)
                .build();
            names.insert(format!("{name}/{}", doc.record), doc.name.clone().unwrap());
            jobs.push(Job {
                communication: comm,
                audience: Audience::from_document(&doc),
            });
        }
    }
    let n = jobs.len();
    let report = dispatcher.deliver_all(jobs, 2);
    assert_eq!(report.delivered, n, "{report:?}");
    let summary = spool.close().unwrap();
    assert_eq!(summary.envelopes.len(), n);
    assert_eq!(summary.batches.len(), n.div_ceil(4));
    // Sorted by postal code; numbered from 1; every customer starts on a new sheet.
    let codes: Vec<_> = summary
        .envelopes
        .iter()
        .map(|e| e.postal_code.clone())
        .collect();
    assert!(codes.iter().all(Option::is_some), "{codes:?}");
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    for (i, e) in summary.envelopes.iter().enumerate() {
        assert_eq!(e.envelope, i + 1);
        assert_eq!((e.last_page - e.first_page + 1) % 2, 0, "{e:?}");
        assert_eq!(e.sheets, e.pages.div_ceil(2));
        assert_eq!(e.first_page % 2, 1);
    }
    let csv = std::fs::read_to_string(summary.manifest_csv.as_ref().unwrap()).unwrap();
    assert_eq!(csv.lines().count(), n + 1);
    assert!(
        csv.starts_with("envelope,file,customer,pages,sheets,postal_code,first_page,last_page")
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(summary.manifest_json.as_ref().unwrap()).unwrap())
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), n);

    for batch in &summary.batches {
        let file = batch.file_name().unwrap().to_string_lossy().into_owned();
        let doc = lopdf::Document::load(batch).unwrap();
        let envelopes: Vec<_> = summary
            .envelopes
            .iter()
            .filter(|e| e.file == file)
            .collect();
        assert_eq!(doc.get_pages().len(), envelopes.last().unwrap().last_page);
        // The text survived the merge (lopdf keeps Typst's fonts).
        let text = Command::new("pdftotext")
            .arg(batch)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils, installed by .ci/run)");
        let text = String::from_utf8_lossy(&text.stdout);
        for e in envelopes {
            let key = e.key.split('/').collect::<Vec<_>>();
            let who = &names[&format!("{}/{}", key[0], key[2])];
            assert!(
                text.contains(who.as_str()),
                "{file}: {who} missing from the text"
            );
        }
    }
    assert!(
        std::fs::read_dir(out.join("spool/staging"))
            .unwrap()
            .next()
            .is_none()
    );

    let index = std::fs::read_to_string(archive.index_path()).unwrap();
    let lines: Vec<serde_json::Value> = index
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n);
    for l in &lines {
        assert_eq!(l["channel"], "print");
        assert_eq!(l["date"], "2026-11-20");
        let bytes = std::fs::read(out.join("archive").join(l["file"].as_str().unwrap())).unwrap();
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(l["sha256"].as_str().unwrap(), hash);
        assert!(
            String::from_utf8_lossy(&bytes).contains("pdfaid:part"),
            "PDF/A metadata"
        );
    }
    // Delivered communications are not archived twice on a rerun.
    let d = design("bill");
    let (_, doc) = samples(&d).remove(0);
    let o = MessageOptions::new("2026-11", "Northwind Energy", "post@northwind.example");
    let comm = Communication::builder(&d, &doc, &o)
        .plan(&[Channel::Print])
        .letter(
            &vellum::render::PrintEngine::new(&d)
                .unwrap()
                .render(&doc)
                .unwrap(),
        )
        .build();
    dispatcher.deliver(&comm, &Audience::default()).unwrap();
    assert_eq!(
        std::fs::read_to_string(archive.index_path())
            .unwrap()
            .lines()
            .count(),
        n
    );
}

/// A design may declare the postal code (and the phone number) as whole
/// numbers: the document still carries them, as the digits.
#[test]
fn numeric_postal_codes_and_phones_reach_the_document() {
    let root = temp_dir("numeric-contacts");
    for part in ["bill", "brand", "offers"] {
        crate::common::copy_dir(
            &design("bill").dir().join("..").join(part),
            &root.join(part),
        );
    }
    let toml = root.join("bill/design.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text
        .replace(
            r#""customer.address.postal_code" = "string""#,
            r#""customer.address.postal_code" = "integer""#,
        )
        .replace(
            r#""customer.phone" = "string?""#,
            r#""customer.phone" = "integer?""#,
        );
    std::fs::write(&toml, text).unwrap();
    let d = vellum::Design::load(root.join("bill")).unwrap();
    let (mut record, _) = samples(&design("bill")).remove(0);
    record["customer"]["address"]["postal_code"] = serde_json::json!(97209);
    record["customer"]["phone"] = serde_json::json!(15035550142u64);
    let doc = vellum::compose(
        &d,
        &record,
        &vellum::ComposeOptions::today(vellum::model::Date::parse("2026-11-20").unwrap()),
    )
    .unwrap();
    assert_eq!(doc.postal_code.as_deref(), Some("97209"));
    assert_eq!(doc.phone.as_deref(), Some("15035550142"));
}
