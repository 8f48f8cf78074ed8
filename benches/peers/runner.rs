#![allow(dead_code)] // shared by two examples; each uses part of it
//! The peers' runner contract (`../shared/peers/README.md`), shared by
//! `examples/peers.rs` (vellum) and `examples/peers_typst.rs` (the yardstick):
//! per document the wall seconds and the CPU seconds of the rendering thread,
//! written as the harness reads them.

use std::path::Path;
use std::time::Instant;

/// CPU time of the calling thread, in nanoseconds. `CLOCK_THREAD_CPUTIME_ID`
/// counts up to the moment of the call; `/proc/thread-self/schedstat`, used
/// before, advanced in 4 ms ticks on this kernel, which quantized medians.
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// The median (the upper one of an even count); 0 for no values.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { v[v.len() / 2] }
}

/// One batch of documents, timed one by one.
pub struct Batch {
    start: Instant,
    per: Vec<f64>,
    per_cpu: Vec<f64>,
    pages: Vec<usize>,
}

impl Batch {
    /// Starts the batch's wall clock.
    pub fn start() -> Self {
        Batch {
            start: Instant::now(),
            per: Vec::new(),
            per_cpu: Vec::new(),
            pages: Vec::new(),
        }
    }

    /// Renders one document with `render`, which returns its page count.
    pub fn time(&mut self, render: impl FnOnce() -> usize) {
        let t = Instant::now();
        let c0 = thread_cpu_ns();
        let pages = render();
        self.per_cpu.push((thread_cpu_ns() - c0) as f64 / 1e9);
        self.per.push(t.elapsed().as_secs_f64());
        self.pages.push(pages);
    }

    /// Writes the result file of the contract (or prints it without one).
    pub fn finish(
        self,
        engine: &str,
        version: &str,
        warmup: usize,
        setup_s: f64,
        result: Option<&Path>,
    ) {
        let loop_wall = self.start.elapsed().as_secs_f64();
        let warm_cpu: Vec<f64> = self.per_cpu.iter().skip(warmup).copied().collect();
        let r = serde_json::json!({
            "engine": engine,
            "version": version,
            "n": self.per.len(),
            "warmup": warmup,
            "setup_s": setup_s,
            "per_doc_s": self.per,
            "per_doc_cpu_s": self.per_cpu,
            "warm_median_cpu_s": median(warm_cpu),
            "pages": self.pages,
            "loop_wall_s": loop_wall,
        });
        let text = serde_json::to_string(&r).expect("JSON");
        match result {
            Some(p) => std::fs::write(p, text).expect("write --result"),
            None => println!("{text}"),
        }
    }
}
