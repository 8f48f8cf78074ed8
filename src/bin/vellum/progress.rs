//! Progress of a run on stderr: counts only, never customer data. A bar
//! ([`Bar`]) when stderr is a terminal, plain lines ([`Lines`]) otherwise
//! (CI, logs), chosen by [`for_stderr`].

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vellum::batch::{RunReport, Watch};

/// The watcher for this process: a bar on a terminal, a line every
/// `every` when stderr goes to a file or a pipe.
pub fn for_stderr(every: Duration) -> Box<dyn Watch> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar::new())
    } else {
        Box::new(Lines::new(every))
    }
}

/// The number of records of a JSON Lines file (its non-blank lines, as the
/// reader counts them), counted without parsing; `None` for any other
/// input (a JSON array, a folder) or a file that cannot be read, so the
/// watcher goes without a total.
pub fn count_records(path: &Path) -> Option<u64> {
    if path.extension().and_then(|e| e.to_str()) != Some("jsonl") || !path.is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
    let (mut count, mut blank) = (0, true);
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        for &b in buf {
            match b {
                b'\n' => {
                    count += u64::from(!blank);
                    blank = true;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => blank = false,
            }
        }
        let n = buf.len();
        reader.consume(n);
    }
    Some(count + u64::from(!blank))
}

/// The counts of a report as one short phrase.
fn counts(r: &RunReport) -> String {
    if r.dry_run {
        return format!("{} rendered, {} failed", r.rendered, r.failed);
    }
    format!(
        "{} delivered, {} skipped, {} held, {} failed",
        r.delivered_total(),
        r.skipped,
        r.held,
        r.failed
    )
}

/// The time left at the run's rate so far, when the total is known and
/// records have finished: `, ETA 4m05s`.
fn eta_after(r: &RunReport, total: Option<u64>) -> String {
    let rate = r.rate();
    match total {
        Some(total) if rate > 0.0 => {
            let left = total.saturating_sub(r.read as u64) as f64;
            format!(", ETA {}", eta(left / rate))
        }
        _ => String::new(),
    }
}

/// A plain line every few seconds (for logs and CI).
pub struct Lines {
    every: Duration,
    last: Instant,
    total: Option<u64>,
    /// Records read at the last line printed.
    shown: Option<usize>,
}

impl Lines {
    /// A line every `every`.
    pub fn new(every: Duration) -> Lines {
        Lines {
            every,
            last: Instant::now(),
            total: None,
            shown: None,
        }
    }

    fn line(&mut self, r: &RunReport) {
        self.shown = Some(r.read);
        let of = self.total.map(|t| format!("/{t}")).unwrap_or_default();
        eprintln!(
            "vellum run {}: {}{of} read, {} ({:.0}/s{})",
            r.run_key,
            r.read,
            counts(r),
            r.rate(),
            eta_after(r, self.total)
        );
    }
}

impl Watch for Lines {
    fn start(&mut self, total: Option<u64>) {
        self.total = total;
    }

    fn record(&mut self, r: &RunReport) {
        if self.last.elapsed() < self.every {
            return;
        }
        self.last = Instant::now();
        self.line(r);
    }

    fn finish(&mut self, r: &RunReport) {
        // The last line, so a log ends with the final counts.
        if self.shown != Some(r.read) {
            self.line(r);
        }
    }
}

/// Seconds as `1h02m`, `4m05s` or `12s`.
fn eta(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// A progress bar on a terminal (indicatif): records read against the
/// total with rate and ETA when the total is known, a counter with the rate
/// otherwise; below it the counts delivered, skipped, held and failed.
pub struct Bar {
    bar: ProgressBar,
    last: Instant,
    total: Option<u64>,
}

/// How often the counts below the bar are rewritten (the bar itself is
/// redrawn by indicatif at most 20 times a second).
const COUNTS_EVERY: Duration = Duration::from_millis(100);

impl Bar {
    /// A bar drawn on stderr once the run starts.
    pub fn new() -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            last: Instant::now(),
            total: None,
        }
    }

    /// The line under the bar: counts, rate and ETA.
    fn message(&self, r: &RunReport) -> String {
        format!(
            "{} ({:.0}/s{})",
            counts(r),
            r.rate(),
            eta_after(r, self.total)
        )
    }
}

impl Watch for Bar {
    fn start(&mut self, total: Option<u64>) {
        // Rate and ETA are in the message, the same as the plain lines'
        // (indicatif's `{per_sec}` has four decimals, and its `{eta}` is
        // centuries while the first records render).
        self.total = total;
        let template = match total {
            Some(_) => {
                "{spinner} {elapsed_precise} [{wide_bar}] {human_pos}/{human_len} read\n  {msg}"
            }
            None => "{spinner} {elapsed_precise} {human_pos} read\n  {msg}",
        };
        let style = ProgressStyle::with_template(template)
            .expect("a valid template")
            .progress_chars("=> ");
        // Styled before it is drawn, so the default style never shows.
        self.bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden())
            .with_style(style)
            .with_message(counts(&RunReport::default()));
        self.bar.set_draw_target(ProgressDrawTarget::stderr());
        // Ticks while the first records render, so it shows it is alive.
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn record(&mut self, r: &RunReport) {
        self.bar.set_position(r.read as u64);
        if self.last.elapsed() >= COUNTS_EVERY {
            self.last = Instant::now();
            self.bar.set_message(self.message(r));
        }
    }

    fn finish(&mut self, r: &RunReport) {
        self.bar.set_position(r.read as u64);
        if self.bar.length().is_some_and(|l| l != r.read as u64) {
            // Fewer records than lines counted (a limit, only the failed):
            // the bar ends full at what was read.
            self.bar.set_length(r.read as u64);
        }
        self.bar.finish_with_message(self.message(r));
        // indicatif leaves the cursor at the end of the bar's last line.
        eprintln!();
    }
}

#[cfg(test)]
mod tests {
    use super::count_records;

    #[test]
    fn a_json_lines_file_is_counted_as_the_reader_reads_it() {
        let dir = std::env::temp_dir().join(format!("vellum-count-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let jsonl = dir.join("cycle.jsonl");
        // Blank lines are skipped by the reader; a bad line is a record
        // (it ends in the error file); the last line has no newline.
        std::fs::write(&jsonl, "{\"a\":1}\n\n  \t\r\n{not json\r\n{\"a\":2}").unwrap();
        assert_eq!(count_records(&jsonl), Some(3));
        std::fs::write(&jsonl, "").unwrap();
        assert_eq!(count_records(&jsonl), Some(0));
        let json = dir.join("cycle.json");
        std::fs::write(&json, "[{\"a\":1},{\"a\":2}]").unwrap();
        assert_eq!(count_records(&json), None, "not counted without parsing");
        assert_eq!(count_records(&dir.join("missing.jsonl")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
