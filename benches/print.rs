//! Print production cost: CPU per bill of the print stream with inserter
//! marks, job and separator sheets, blank-back text and the read-back
//! (the design's `[print]` production settings) against the plain stream,
//! both on top of typesetting the bills (32 to a Typst compile, as a batch
//! run does); and read-back speed in pages per second.
//!
//! ```sh
//! cargo bench --bench print
//! ```
//!
//! CPU time of the process (`CLOCK_PROCESS_CPUTIME_ID`: Typst lays out on
//! several threads), so other load on a
//! shared machine counts less than in wall time; each figure is the median
//! of the repetitions with their range.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vellum::deliver::{Message, MessageOptions, PrintOptions, PrintSpool, Transport, read_back};
use vellum::model::{Channel, Date, Document};
use vellum::{Design, Pipeline, PipelineOptions};

const LETTERS: usize = 32;
const REPS: usize = 15;

fn cpu_seconds() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Median, min and max of `reps` runs of `f`, in CPU seconds.
fn measure(reps: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut v: Vec<f64> = (0..reps)
        .map(|_| {
            let t = cpu_seconds();
            f();
            cpu_seconds() - t
        })
        .collect();
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The bill with the production settings of `[print]`, in `dir`.
fn production_bill(dir: &Path) -> Design {
    copy_dir(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")),
        &dir.join("templates"),
    );
    let path = dir.join("templates/bill/design.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "[print]\nmax_pages = 6\n",
        "[print]\nmax_pages = 6\nsides = \"duplex\"\n\
         blank_back_text = \"This page is intentionally left blank\"\n\
         job_sheet = true\nseparators = true\n\
         [print.marks]\nzone = [12, 110, 12, 90]\n",
    );
    std::fs::write(&path, text).unwrap();
    Design::load(dir.join("templates/bill")).unwrap()
}

/// Paper customers in four presort groups.
fn customers(design: &Design) -> Vec<Value> {
    let sample = std::fs::read_to_string(design.dir().join("samples/C1002.json")).unwrap();
    let base: Value = serde_json::from_str(&sample).unwrap();
    (0..LETTERS)
        .map(|i| {
            let mut c = base.clone();
            c["customer"]["id"] = Value::from(format!("P{i:04}"));
            c["customer"]["preferred_channel"] = Value::from("print");
            c["customer"]["address"]["postal_code"] = Value::from(format!("{}0{i:03}", 1 + i % 4));
            c
        })
        .collect()
}

/// Every number of the record moved by `by`: a bill unlike the last one
/// (amounts, usage, chart), as the next customer's is.
fn shift(v: &mut Value, by: u32) {
    match v {
        Value::Number(n) => {
            *v = match (n.as_u64(), n.as_f64()) {
                (Some(i), _) => Value::from(i + u64::from(by)),
                (None, Some(f)) => Value::from(f + f64::from(by)),
                _ => return,
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shift(x, by)),
        Value::Object(o) => o.values_mut().for_each(|x| shift(x, by)),
        _ => {}
    }
}

/// Stages every message in a fresh spool and closes it; the spool's folder.
fn spool(dir: &Path, options: &PrintOptions, messages: &[Message]) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    let spool = PrintSpool::new(dir, options.clone()).unwrap();
    for m in messages {
        spool.send(m).unwrap();
    }
    spool.close().unwrap();
    dir.to_owned()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("vellum-bench-print-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let design = production_bill(&dir);
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default().today(Date::parse("2026-12-01").unwrap()),
    )
    .unwrap();
    let docs: Vec<Document> = customers(&design)
        .iter()
        .map(|c| pipeline.document(c).unwrap())
        .collect();
    let refs: Vec<&Document> = docs.iter().collect();
    let message = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
    let chunk = pipeline.print_chunk(&refs, true).unwrap();
    let messages: Vec<Message> = (0..LETTERS)
        .map(|i| {
            let comm = pipeline
                .communication_in_chunk(&docs[i], &chunk, i, &message)
                .unwrap();
            comm.message(Channel::Print).unwrap().clone()
        })
        .collect();
    let production = PrintOptions::for_design(&design).job("2026-12");
    let plain = PrintOptions::default().job("2026-12");

    // Each repetition with other names: Typst's memo cache would make a
    // second compile of the same data nearly free.
    let mut rep = 0;
    let render = measure(5, || {
        rep += 1;
        let docs: Vec<Document> = customers(&design)
            .into_iter()
            .map(|mut c| {
                c["customer"]["name"] =
                    Value::from(format!("Customer {rep} {}", c["customer"]["id"]));
                shift(&mut c, rep);
                pipeline.document(&c).unwrap()
            })
            .collect();
        let refs: Vec<&Document> = docs.iter().collect();
        pipeline.print_chunk(&refs, true).unwrap();
    });
    let (mut plain_t, mut prod_t) = (Vec::new(), Vec::new());
    // Interleaved, so load on the machine hits both alike.
    for _ in 0..REPS {
        plain_t.push(measure(1, || {
            spool(&dir.join("plain"), &plain, &messages);
        }));
        prod_t.push(measure(1, || {
            spool(&dir.join("production"), &production, &messages);
        }));
    }
    let stats = |v: &[(f64, f64, f64)]| {
        let mut s: Vec<f64> = v.iter().map(|t| t.0).collect();
        s.sort_by(f64::total_cmp);
        (s[s.len() / 2], s[0], s[s.len() - 1])
    };
    let (plain_s, prod_s) = (stats(&plain_t), stats(&prod_t));
    let per = |t: f64| t * 1000.0 / LETTERS as f64;
    let show = |name: &str, (m, lo, hi): (f64, f64, f64)| {
        println!(
            "{name:<34} {:>7.3} ms/bill (range {:.3} to {:.3})",
            per(m),
            per(lo),
            per(hi)
        );
    };
    show("compose + typeset (32 a compile)", render);
    show("spool, plain (digest read-back)", plain_s);
    show("spool, marks + sheets + read-back", prod_s);
    let base = render.0 + plain_s.0;
    let extra = |p: f64, q: f64| (p - q) / base * 100.0;
    println!(
        "production adds {:.2}% CPU per bill (median; range of the spool medians {:.2}% to {:.2}%)",
        extra(prod_s.0, plain_s.0),
        extra(prod_s.1, plain_s.2),
        extra(prod_s.2, plain_s.1)
    );

    // Read-back speed over the production stream of a close.
    let out = spool(&dir.join("production"), &production, &messages);
    let manifest = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let envelopes: Vec<vellum::deliver::Envelope> =
        serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    let stream = out.join(&envelopes[0].file);
    let pages = read_back(&stream, &envelopes, &production).unwrap().pages;
    let (m, lo, hi) = measure(REPS, || {
        read_back(&stream, &envelopes, &production).unwrap();
    });
    println!(
        "read-back of {pages} pages: {:.0} pages/s (range {:.0} to {:.0})",
        pages as f64 / m,
        pages as f64 / hi,
        pages as f64 / lo
    );
    let _ = std::fs::remove_dir_all(&dir);
}
