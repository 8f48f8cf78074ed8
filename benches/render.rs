//! Per-customer cost of the email and SMS channels: compose (validate,
//! personalize, fill the Document) plus render, on the bill design.
//!
//! `cargo bench --bench render`; medians are what the closing notes quote.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use vellum::model::{Channel, Date};
use vellum::{ComposeOptions, Design};

fn sample(name: &str) -> Value {
    let path = format!(
        "{}/templates/bill/samples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let design = Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill")).unwrap();
    let options = ComposeOptions::today(Date::parse("2026-11-20").unwrap());
    // C1003: a typical bill (3 items, overdue notice, 12-month chart), de-DE.
    // C1006: 40 line items.
    for (label, id) in [("typical", "C1003"), ("40-items", "C1006")] {
        let record = sample(id);
        c.bench_function(&format!("bill/{label}/compose"), |b| {
            b.iter(|| vellum::compose(&design, black_box(&record), &options).unwrap())
        });
        c.bench_function(
            &format!("bill/{label}/email (compose + html + text)"),
            |b| {
                b.iter(|| {
                    let doc = vellum::compose(&design, black_box(&record), &options).unwrap();
                    vellum::render::email(&design, &doc).unwrap()
                })
            },
        );
        c.bench_function(&format!("bill/{label}/sms (compose + sms)"), |b| {
            b.iter(|| {
                let doc = vellum::compose(&design, black_box(&record), &options).unwrap();
                vellum::render::sms(&design, &doc).unwrap()
            })
        });
    }
    // An SMS-only send composes only what SMS needs (validation + SMS text).
    let record = sample("C1003");
    c.bench_function("bill/typical/sms only (compose for sms + sms)", |b| {
        b.iter(|| {
            let doc = vellum::compose_for(&design, black_box(&record), &options, &[Channel::Sms])
                .unwrap();
            vellum::render::sms(&design, &doc).unwrap()
        })
    });
    // Personalization alone: validate the record and evaluate every rule of
    // the bill (named rules, offer eligibility), variants, offers and plan.
    for id in ["C1001", "C1003"] {
        let record = sample(id);
        c.bench_function(
            &format!("bill/{id}/decide (validate + all rules + offers + plan)"),
            |b| b.iter(|| vellum::decide(&design, black_box(&record), &options).unwrap()),
        );
    }
    let doc = vellum::compose(&design, &sample("C1003"), &options).unwrap();
    c.bench_function("bill/typical/email render only", |b| {
        b.iter(|| vellum::render::email(&design, black_box(&doc)).unwrap())
    });
    c.bench_function("bill/typical/sms render only", |b| {
        b.iter(|| vellum::render::sms(&design, black_box(&doc)).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
