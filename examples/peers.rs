//! vellum as an engine of the peers' PDF benchmark (`../shared/peers`), and
//! a memory check over many documents.
//!
//! ```sh
//! # the peers' runner contract (see benches/peers/run.sh):
//! cargo run --release --example peers -- --data bills.json --n 200 --warmup 5 --out /tmp/out --result /tmp/r.json
//! # RSS after 100, 1,000 and 10,000 documents in one process:
//! cargo run --release --example peers -- --rss 100,1000,10000 --data bills.json
//! ```
//!
//! Per document: compose the peers' customer with vellum's bill design, render
//! the PDF, write it. Times are wall seconds per document (the contract) plus
//! CPU seconds of the rendering thread (`/proc/thread-self/schedstat`).

#[path = "../benches/peers/bill_data.rs"]
mod bill_data;
#[path = "../benches/peers/runner.rs"]
mod runner;

use std::path::{Path, PathBuf};
use std::time::Instant;

use runner::{Batch, median, thread_cpu_ns};
use serde_json::Value;
use vellum::model::Date;
use vellum::{ComposeOptions, Design};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let t0 = Instant::now();
    let mut args = std::env::args().skip(1);
    let (mut data, mut n, mut warmup, mut out, mut result, mut rss) =
        (None, 200usize, 5usize, None, None, None);
    let mut chunk = 0usize;
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--data" => data = Some(PathBuf::from(val())),
            "--n" => n = val().parse().expect("--n N"),
            "--warmup" => warmup = val().parse().expect("--warmup K"),
            "--out" => out = Some(PathBuf::from(val())),
            "--chunk" => chunk = val().parse().expect("--chunk K"),
            "--result" => result = Some(PathBuf::from(val())),
            "--rss" => {
                rss = Some(
                    val()
                        .split(',')
                        .map(|x| x.parse::<usize>().expect("--rss 100,10000"))
                        .collect::<Vec<_>>(),
                )
            }
            other => panic!("unknown argument {other:?}"),
        }
    }
    let data = data.expect("--data FILE");
    let file = if data.is_absolute() || data.exists() {
        data
    } else {
        bill_data::data_dir().join(data)
    };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let customers: Vec<Value> = serde_json::from_str::<Value>(&text)
        .expect("JSON")
        .as_array()
        .expect("a list")
        .iter()
        .map(bill_data::record)
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let design = Design::load(root.join("templates/bill")).unwrap_or_else(|e| panic!("{e}"));
    let options = ComposeOptions::today(Date::parse("2024-11-26").unwrap());
    // The print engine (fonts, frame, brand files) is loaded once per design.
    let engine = vellum::render::PrintEngine::new(&design).unwrap_or_else(|e| panic!("{e}"));
    let setup = t0.elapsed().as_secs_f64();

    if let Some(marks) = rss {
        let last = marks.iter().copied().max().unwrap_or(0);
        let mut cpu = Vec::new();
        let start = Instant::now();
        println!("docs\trss_mib\tmedian_cpu_ms_since_last\twall_s");
        for i in 0..last {
            let c0 = thread_cpu_ns();
            let doc = vellum::compose(&design, &customers[i % customers.len()], &options)
                .expect("compose");
            let pdf = engine.render(&doc).expect("render");
            std::hint::black_box(pdf);
            cpu.push((thread_cpu_ns() - c0) as f64 / 1e6);
            if marks.contains(&(i + 1)) {
                println!(
                    "{}\t{:.1}\t{:.2}\t{:.1}",
                    i + 1,
                    rss_kib() as f64 / 1024.0,
                    median(std::mem::take(&mut cpu)),
                    start.elapsed().as_secs_f64()
                );
            }
        }
        return;
    }

    let out = out.expect("--out DIR");
    std::fs::create_dir_all(&out).expect("create --out");
    if chunk > 0 {
        return chunked(&design, &engine, &customers, &options, n, chunk, &out);
    }
    let mut batch = Batch::start();
    for i in 0..n {
        batch.time(|| {
            let rec = &customers[i % customers.len()];
            let doc = vellum::compose(&design, rec, &options).expect("compose");
            let pdf = engine.render(&doc).expect("render");
            let name = format!("{}.pdf", rec["customer"]["id"].as_str().unwrap_or("x"));
            std::fs::write(out.join(name), &pdf.bytes).expect("write");
            pdf.pages
        });
    }
    batch.finish(
        "vellum",
        env!("CARGO_PKG_VERSION"),
        warmup,
        setup,
        result.as_deref(),
    );
}

/// `--chunk K`: the print stream of a batch run, K customers per compile.
/// Prints the CPU time per letter of each chunk (the rendering thread's).
fn chunked(
    design: &Design,
    engine: &vellum::render::PrintEngine,
    customers: &[Value],
    options: &ComposeOptions,
    n: usize,
    k: usize,
    out: &Path,
) {
    println!("chunk\tletters\tpages\tcpu_ms_per_letter");
    for (c, start) in (0..n).step_by(k).enumerate() {
        let c0 = thread_cpu_ns();
        let docs: Vec<vellum::model::Document> = (start..(start + k).min(n))
            .map(|i| {
                vellum::compose(design, &customers[i % customers.len()], options).expect("compose")
            })
            .collect();
        let refs: Vec<&vellum::model::Document> = docs.iter().collect();
        let pdf = engine
            .render_chunk(&refs, true)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join(format!("chunk-{c:04}.pdf")), &pdf.bytes).expect("write");
        let ms = (thread_cpu_ns() - c0) as f64 / 1e6 / docs.len() as f64;
        let pages = pdf.letters.last().map_or(0, |l| l.last_page);
        println!("{c}\t{}\t{pages}\t{ms:.2}", docs.len());
    }
}
