//! Progress of a run on stderr: counts only, never customer data.

use std::time::{Duration, Instant};

use vellum::batch::{RunReport, Watch};

/// A plain line every few seconds (for logs and CI).
pub struct Lines {
    every: Duration,
    last: Instant,
}

impl Lines {
    /// A line every `every`.
    pub fn new(every: Duration) -> Lines {
        Lines {
            every,
            last: Instant::now(),
        }
    }
}

impl Watch for Lines {
    fn record(&mut self, r: &RunReport) {
        if self.last.elapsed() < self.every {
            return;
        }
        self.last = Instant::now();
        eprintln!(
            "vellum run {}: {} read, {} delivered, {} skipped, {} held, {} failed ({:.0}/s)",
            r.run_key,
            r.read,
            r.delivered_total() + r.rendered,
            r.skipped,
            r.held,
            r.failed,
            r.rate()
        );
    }
}
