//! The account of a run: every record read ends delivered, skipped (the
//! ledger already has it), held (quiet hours, frequency cap) or failed, and
//! `read = delivered + skipped + held + failed` always holds (in a dry run,
//! `read = rendered + failed`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::deliver::Response;
use crate::model::Channel;
use crate::pipeline::Stage;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The design's id and version.
    pub design: String,
    /// The design's version.
    pub version: String,
    /// The run key (period) of every message's idempotency key.
    pub run_key: String,
    /// Nothing was delivered: rendering only.
    pub dry_run: bool,
    /// Records read from the input (readable or not).
    pub read: usize,
    /// Delivered in this run, per channel.
    pub delivered: BTreeMap<Channel, usize>,
    /// Delivered after an interrupted attempt of an earlier run: may have
    /// arrived twice (the one window no sender can close).
    pub possibly_duplicated: usize,
    /// Delivered on a later channel of the plan than the first.
    pub fell_back: usize,
    /// Already delivered according to the ledger: nothing sent.
    pub skipped: usize,
    /// Delivered by a worker of this run that stopped before reporting them
    /// (counted in `delivered`; see [`RunOptions::resumed_since`]).
    ///
    /// [`RunOptions::resumed_since`]: super::RunOptions::resumed_since
    #[serde(default)]
    pub resumed: usize,
    /// Held back (quiet hours, frequency cap); a later run with the same run
    /// key releases them.
    pub held: usize,
    /// Rendered, in a dry run.
    pub rendered: usize,
    /// Failed, with the error file listing each.
    pub failed: usize,
    /// Failures per stage.
    pub failed_by_stage: BTreeMap<String, usize>,
    /// Letters typeset in print chunks (many customers per compile).
    #[serde(default)]
    pub chunked_letters: usize,
    /// Print chunks typeset.
    #[serde(default)]
    pub print_chunks: usize,
    /// Why the backends could not finish when the run ended (a print spool
    /// that could not write its batch files): the letters stay staged, and
    /// the next run's flush writes them.
    #[serde(default)]
    pub flush_error: Option<String>,
    /// What has come back so far for this run and design (bounces,
    /// replies, unsubscribes, returns ingested into the ledger, with the
    /// messages sent under the run key in all runs so far), when there is
    /// a ledger.
    #[serde(default)]
    pub responses: Option<Response>,
    /// Seconds the run took.
    pub seconds: f64,
}

impl RunReport {
    /// Delivered in this run, all channels.
    pub fn delivered_total(&self) -> usize {
        self.delivered.values().sum()
    }

    /// Whether the books balance: every record read is accounted for once.
    pub fn balances(&self) -> bool {
        self.read == self.delivered_total() + self.skipped + self.held + self.failed + self.rendered
    }

    /// Records per second.
    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.read as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// Adds the counts of `part` (another part of the same run: a shared
    /// run's chunk) to these. Its time is not added: parts run side by side.
    pub fn add(&mut self, part: &RunReport) {
        self.read += part.read;
        for (channel, n) in &part.delivered {
            *self.delivered.entry(*channel).or_default() += n;
        }
        self.possibly_duplicated += part.possibly_duplicated;
        self.fell_back += part.fell_back;
        self.skipped += part.skipped;
        self.resumed += part.resumed;
        self.held += part.held;
        self.rendered += part.rendered;
        self.failed += part.failed;
        for (stage, n) in &part.failed_by_stage {
            *self.failed_by_stage.entry(stage.clone()).or_default() += n;
        }
        self.chunked_letters += part.chunked_letters;
        self.print_chunks += part.print_chunks;
        if let Some(e) = &part.flush_error {
            self.flush_error.get_or_insert_with(|| e.clone());
        }
    }

    pub(super) fn fail(&mut self, stage: Stage) {
        self.failed += 1;
        *self
            .failed_by_stage
            .entry(stage.name().to_owned())
            .or_default() += 1;
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "run {} of {} {}{}: {} records in {:.1} s ({:.0}/s)",
            self.run_key,
            self.design,
            self.version,
            if self.dry_run { " (dry run)" } else { "" },
            self.read,
            self.seconds,
            self.rate()
        )?;
        let per_channel: Vec<String> = self
            .delivered
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        if !self.dry_run {
            writeln!(
                f,
                "  delivered {} ({}), {} after a fallback, {} possibly duplicated",
                self.delivered_total(),
                if per_channel.is_empty() {
                    "none".to_owned()
                } else {
                    per_channel.join(", ")
                },
                self.fell_back,
                self.possibly_duplicated
            )?;
        }
        if self.resumed > 0 {
            writeln!(
                f,
                "  {} of them delivered by a worker that stopped before reporting them (found in the ledger)",
                self.resumed
            )?;
        }
        if self.print_chunks > 0 {
            writeln!(
                f,
                "  print: {} letters typeset in {} chunks",
                self.chunked_letters, self.print_chunks
            )?;
        }
        if let Some(e) = &self.flush_error {
            writeln!(f, "  NOT FINISHED: {e}")?;
        }
        if let Some(r) = self.responses.as_ref().filter(|r| r.has_events()) {
            writeln!(f, "  responses so far: {r}")?;
        }
        let stages: Vec<String> = self
            .failed_by_stage
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        writeln!(
            f,
            "  skipped {}, held {}, failed {}{}",
            self.skipped,
            self.held,
            self.failed,
            if stages.is_empty() {
                String::new()
            } else {
                format!(" ({})", stages.join(", "))
            }
        )?;
        self.fmt_account(f)
    }
}

impl RunReport {
    /// The last line: the account of every record read, and whether it
    /// balances.
    fn fmt_account(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ok = if self.balances() {
            "balances"
        } else {
            "DOES NOT BALANCE"
        };
        if self.dry_run {
            write!(
                f,
                "  read {} = rendered {} + failed {}: {ok}",
                self.read, self.rendered, self.failed
            )
        } else {
            write!(
                f,
                "  read {} = delivered {} + skipped {} + held {} + failed {}: {ok}",
                self.read,
                self.delivered_total(),
                self.skipped,
                self.held,
                self.failed
            )
        }
    }
}
