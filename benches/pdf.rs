//! The print channel's cost: compose + typeset + PDF export per bill, over the
//! peers' bill data (`/work/shared/peers/data`, or `VELLUM_PEERS_DATA`)
//! mapped into vellum's bill design.
//!
//! ```sh
//! cargo bench --bench pdf
//! ```
//!
//! - `pdf/one_page_bill`, `pdf/two_page_bill`: a different customer every
//!   iteration (the batch case: nothing customer-specific is cached).
//! - `pdf/same_document`: the same document again, which is what Typst's
//!   memoization can do at best (only the PDF export is left).
//!
//! For CPU ms per document and RSS over 10,000 documents, see
//! `examples/peers.rs` (`--rss 100,10000`).

#[path = "peers/bill_data.rs"]
mod bill_data;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vellum::model::Date;
use vellum::{ComposeOptions, Design};

fn bench(c: &mut Criterion) {
    let design = Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill"))
        .expect("the bill design loads");
    let options = ComposeOptions::today(Date::parse("2024-11-26").unwrap());
    let engine = vellum::render::PrintEngine::new(&design).expect("the print engine loads");
    let mut group = c.benchmark_group("pdf");
    group.sample_size(30);
    for (name, file) in [
        ("one_page_bill", "bills.json"),
        ("two_page_bill", "bills_long.json"),
    ] {
        let records = bill_data::load(file);
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                let doc = vellum::compose(&design, &records[i % records.len()], &options)
                    .expect("compose");
                i += 1;
                black_box(engine.render(&doc).expect("render").bytes.len())
            })
        });
    }
    let records = bill_data::load("bills.json");
    let doc = vellum::compose(&design, &records[0], &options).expect("compose");
    group.bench_function("same_document", |b| {
        b.iter(|| black_box(engine.render(&doc).expect("render").bytes.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
