//! What Factur-X adds to one bill: the plain print PDF against the Factur-X
//! PDF (CII XML built, attached by Typst under PDF/A-3b, XMP completed with
//! lopdf), over the bill design's samples, a different customer every
//! iteration; and the XML alone.
//!
//! ```sh
//! cargo bench --bench facturx
//! ```

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vellum::model::{Date, Document};
use vellum::render::{PdfOptions, PrintEngine, factur_x_xml};
use vellum::{ComposeOptions, Design};

fn documents(design: &Design) -> Vec<Document> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill/samples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the bill's samples")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let options = ComposeOptions::today(Date::parse("2026-12-15").unwrap());
    files
        .iter()
        .map(|p| {
            let record = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            vellum::compose(design, &record, &options).expect("compose")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let design = Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill"))
        .expect("the bill design loads");
    let engine = PrintEngine::new(&design).expect("the print engine loads");
    let docs = documents(&design);
    let mut group = c.benchmark_group("facturx");
    group.sample_size(30);
    let mut i = 0;
    group.bench_function("plain_pdf", |b| {
        b.iter(|| {
            i += 1;
            black_box(
                engine
                    .render(&docs[i % docs.len()])
                    .expect("render")
                    .bytes
                    .len(),
            )
        })
    });
    let mut i = 0;
    group.bench_function("factur_x_pdf", |b| {
        b.iter(|| {
            i += 1;
            let doc = &docs[i % docs.len()];
            let xml = factur_x_xml(&design, doc).expect("xml");
            let pdf = engine.render_factur_x(doc, &xml, &PdfOptions::default());
            black_box(pdf.expect("render").bytes.len())
        })
    });
    let mut i = 0;
    group.bench_function("xml_only", |b| {
        b.iter(|| {
            i += 1;
            black_box(
                factur_x_xml(&design, &docs[i % docs.len()])
                    .expect("xml")
                    .len(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
