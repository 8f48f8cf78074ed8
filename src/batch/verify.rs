//! Verify a run: re-render its records and check each delivered message
//! against the content hash the ledger stored when it was sent.
//!
//! ```text
//! reader --(bounded)--> render workers (one per core, each asks the ledger) --> collector
//! ```
//!
//! Each message of a re-rendered record is one of:
//! - **matches**: delivered, and the re-render has the hash that was sent;
//! - **differs**: delivered, and what the record gives now is not what was
//!   sent (the data, the design or the options changed);
//! - **not delivered**: not in the ledger, or not delivered there (a
//!   fallback channel the plan did not need, held back, failed): nothing to
//!   compare;
//! - **no hash recorded**: delivered by a vellum whose ledger kept no hashes.
//!
//! A communication delivered on a channel the re-render gives no message
//! for (the customer's data no longer reaches it, or the record no longer
//! renders at all) is **not rendered**, a mismatch too.
//!
//! The re-render must be the original run's: the same design version, run
//! key, sender and message options, and above all the same `today`
//! ([`PipelineOptions::today`]): the document date is in every channel, so
//! a bill rendered on another day hashes differently. Give the date the run
//! was given (`--today` on the command line); the `Date` header of an
//! email, the DKIM signature and MIME boundaries do not count (see
//! [`Message::content_hash`]).
//!
//! The report names records by id, input place, channel and idempotency
//! key, never by content: it can go where the customer data cannot.
//!
//! [`PipelineOptions::today`]: crate::PipelineOptions::today
//! [`Message::content_hash`]: crate::deliver::Message::content_hash

use std::collections::BTreeSet;
use std::fmt;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;

use serde::Serialize;

use super::source::{Item, Record, Source};
use crate::deliver::{Communication, Ledger, MessageOptions, State};
use crate::error::{Error, ErrorKind, Result};
use crate::message::key_part;
use crate::model::Channel;
use crate::pipeline::{Pipeline, Stage};

/// Options of a verification.
#[derive(Debug)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Render workers; 0 means one per core.
    pub workers: usize,
    /// The message options of the run being verified: its run key, sender
    /// and Message-ID domain, as the run had them.
    pub message: MessageOptions,
    /// The run's print spool folder, to read back the streams it released
    /// (see [`PrintSpool::verify_released`]): each against its manifest
    /// and the ledger, and every letter delivered as print in one of
    /// them. `None` reads no stream back.
    ///
    /// [`PrintSpool::verify_released`]: crate::deliver::PrintSpool::verify_released
    pub print: Option<PathBuf>,
    /// The print options the run's spool had (`PrintOptions::for_design`
    /// with the run key as job): marks, sides. Taken from the design when
    /// `None`.
    #[cfg(feature = "print-spool")]
    pub print_options: Option<crate::deliver::PrintOptions>,
}

impl VerifyOptions {
    /// Options for verifying the run whose messages were built with `message`.
    pub fn new(message: MessageOptions) -> VerifyOptions {
        VerifyOptions {
            workers: 0,
            message,
            print: None,
            #[cfg(feature = "print-spool")]
            print_options: None,
        }
    }
}

/// What a delivered message or communication came to, when it is not a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// Re-rendered, with another content hash than the one delivered.
    Differs,
    /// Delivered on this channel, but the re-render has no message for it
    /// (the record fails to render, or its data no longer reaches the
    /// channel).
    NotRendered,
}

/// A delivered message that the re-render does not match. No content, only
/// where to look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The customer record's id.
    pub record: String,
    /// Where the record is in the input (`path:line`, `path[i]`).
    pub source: String,
    /// The channel it was delivered on.
    pub channel: Channel,
    /// Its idempotency key in the ledger.
    pub key: String,
    /// How it does not match.
    pub kind: MismatchKind,
}

/// A record that could not be read or rendered again (its communication,
/// when it was delivered, is a [`Mismatch`] too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyFailure {
    /// Where the record is in the input.
    pub source: String,
    /// Its id, when it could be read.
    pub record: Option<String>,
    /// The stage that failed (`read`, `validate`, ... `render`).
    pub stage: String,
}

/// A print stream read back: against its manifest (pages, each
/// envelope's pages by their content, marks, embedded files) and the
/// ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StreamCheck {
    /// The stream's file, relative to the spool folder.
    pub file: String,
    /// Pages read.
    pub pages: usize,
    /// Envelopes checked.
    pub envelopes: usize,
    /// Envelopes whose letter the ledger has, with the same content hash.
    pub ledger_checked: usize,
    /// Why it fails (naming the envelope), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The result of a verification: counts per message, and every mismatch.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VerifyReport {
    /// The design's id.
    pub design: String,
    /// The design's version.
    pub version: String,
    /// The run key verified.
    pub run_key: String,
    /// Records read.
    pub records: usize,
    /// Messages re-rendered and looked up.
    pub messages: usize,
    /// Delivered messages whose re-render matches what was sent.
    pub matches: usize,
    /// Delivered messages whose re-render differs.
    pub differs: usize,
    /// Messages the ledger has not as delivered: nothing to compare.
    pub not_delivered: usize,
    /// Delivered messages without a recorded hash (an older ledger).
    pub no_hash: usize,
    /// Delivered communications the re-render has no message for.
    pub not_rendered: usize,
    /// Records that could not be read or rendered.
    pub failed: usize,
    /// Every mismatch, in input order.
    pub mismatches: Vec<Mismatch>,
    /// Every record that could not be read or rendered, in input order.
    pub failures: Vec<VerifyFailure>,
    /// Whether the print streams were read back ([`VerifyOptions::print`]).
    pub streams_read: bool,
    /// Each print stream of the run read back, in file order.
    pub streams: Vec<StreamCheck>,
    /// Letters delivered as print (their keys) that no stream's manifest
    /// has: lost between the spool and the print shop.
    pub not_in_stream: Vec<String>,
    /// Seconds it took.
    pub seconds: f64,
}

impl VerifyReport {
    /// Delivered messages (and communications) checked.
    pub fn delivered(&self) -> usize {
        self.matches + self.differs + self.no_hash + self.not_rendered
    }

    /// True when something delivered was checked and every delivered
    /// message matched: no difference, none without a hash, none the
    /// re-render lost. A verification that found nothing delivered (a wrong
    /// run key or ledger) is not verified.
    pub fn is_verified(&self) -> bool {
        self.matches > 0 && self.delivered() == self.matches && self.streams_verified()
    }

    /// True when no print stream read back failed and every letter
    /// delivered as print is in a stream (also when none were read).
    pub fn streams_verified(&self) -> bool {
        self.streams.iter().all(|s| s.problem.is_none()) && self.not_in_stream.is_empty()
    }
}

/// Mismatches listed by `Display`; the serialized report has all.
const SHOWN: usize = 20;

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "verify run {} of {} {}: {} records, {} messages in {:.1} s",
            self.run_key, self.design, self.version, self.records, self.messages, self.seconds
        )?;
        writeln!(f, "  matches          {}", self.matches)?;
        writeln!(f, "  differs          {}", self.differs)?;
        if self.not_rendered > 0 {
            writeln!(
                f,
                "  not rendered     {} (delivered, but the record gives no such message now)",
                self.not_rendered
            )?;
        }
        writeln!(
            f,
            "  no hash recorded {}{}",
            self.no_hash,
            if self.no_hash > 0 {
                " (sent before the ledger kept hashes: cannot be checked)"
            } else {
                ""
            }
        )?;
        writeln!(
            f,
            "  not delivered    {} (channels not used, held back or failed: nothing to compare)",
            self.not_delivered
        )?;
        if self.failed > 0 {
            writeln!(f, "  failed records   {}", self.failed)?;
            for e in self.failures.iter().take(SHOWN) {
                writeln!(
                    f,
                    "    {} {}: {} failed",
                    e.source,
                    e.record.as_deref().unwrap_or("-"),
                    e.stage
                )?;
            }
            if self.failures.len() > SHOWN {
                writeln!(f, "    ... and {} more", self.failures.len() - SHOWN)?;
            }
        }
        for m in self.mismatches.iter().take(SHOWN) {
            let kind = match m.kind {
                MismatchKind::Differs => "DIFFERS",
                MismatchKind::NotRendered => "NOT RENDERED",
            };
            writeln!(
                f,
                "  {kind} {} {} {}: {}",
                m.source, m.record, m.channel, m.key
            )?;
        }
        if self.mismatches.len() > SHOWN {
            writeln!(f, "  ... and {} more", self.mismatches.len() - SHOWN)?;
        }
        self.fmt_streams(f)?;
        self.fmt_verdict(f)
    }
}

impl VerifyReport {
    /// The last line: verified, or why not.
    fn fmt_verdict(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let delivered = self.delivered();
        if !self.streams_verified() {
            let bad = self.streams.iter().filter(|s| s.problem.is_some()).count();
            write!(
                f,
                "  NOT VERIFIED: {bad} of {} print streams fail their read-back, {} letters \
                 delivered as print are in no stream",
                self.streams.len(),
                self.not_in_stream.len()
            )
        } else if self.is_verified() {
            write!(
                f,
                "  all {delivered} delivered messages match what was sent"
            )
        } else if delivered == 0 {
            write!(
                f,
                "  NOT VERIFIED: nothing in the ledger was delivered under run key `{}` for these \
                 records (check the run key, the ledger and the data)",
                self.run_key
            )
        } else if self.matches < delivered && self.differs + self.not_rendered == 0 {
            write!(
                f,
                "  NOT VERIFIED: {} of {delivered} delivered messages have no recorded hash",
                self.no_hash
            )
        } else {
            let bad = self.differs + self.not_rendered;
            write!(
                f,
                "  MISMATCH: {bad} of {delivered} delivered messages do not match what was sent{}",
                // Most of them: more likely the options than the data.
                if bad * 2 > delivered {
                    " (rendered with the run's today, design version and sender?)"
                } else {
                    ""
                }
            )
        }
    }

    /// The print streams' lines: each failed one, the first good ones, the
    /// letters in no stream.
    fn fmt_streams(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.streams_read {
            return writeln!(
                f,
                "  print streams    not read back (no spool folder given)"
            );
        }
        let pages: usize = self.streams.iter().map(|s| s.pages).sum();
        let envelopes: usize = self.streams.iter().map(|s| s.envelopes).sum();
        writeln!(
            f,
            "  print streams    {} read back: {pages} pages, {envelopes} envelopes against \
             their manifests and the ledger",
            self.streams.len()
        )?;
        let good = self.streams.iter().filter(|s| s.problem.is_none());
        for s in good.clone().take(SHOWN) {
            writeln!(
                f,
                "    {}: {} pages, {} envelopes, {} in the ledger",
                s.file, s.pages, s.envelopes, s.ledger_checked
            )?;
        }
        let more = good.count().saturating_sub(SHOWN);
        if more > 0 {
            writeln!(f, "    ... and {more} more that pass")?;
        }
        for s in self.streams.iter().filter(|s| s.problem.is_some()) {
            let why = s.problem.as_deref().unwrap_or_default();
            writeln!(f, "    FAILED {}: {why}", s.file)?;
        }
        for key in self.not_in_stream.iter().take(SHOWN) {
            writeln!(
                f,
                "    IN NO STREAM {key}: delivered as print, no manifest has it"
            )?;
        }
        if self.not_in_stream.len() > SHOWN {
            writeln!(f, "    ... and {} more", self.not_in_stream.len() - SHOWN)?;
        }
        Ok(())
    }
}

/// What one record came to.
#[derive(Default)]
struct Checked {
    /// Its place in the input, for the report's order.
    index: usize,
    messages: usize,
    matches: usize,
    differs: usize,
    not_delivered: usize,
    no_hash: usize,
    mismatches: Vec<Mismatch>,
    failure: Option<VerifyFailure>,
    /// The keys of its messages delivered as print.
    printed: Vec<String>,
}

/// Re-renders every record of `source` with `pipeline` (which must be built
/// with the run's `today`) and checks each message against `ledger`. Fails
/// only when it cannot start (the input cannot be opened) or the ledger
/// cannot be read; every record's own failure is in the report.
///
/// ```no_run
/// use vellum::batch::{Source, VerifyOptions, verify};
/// use vellum::deliver::{Ledger, MessageOptions};
/// use vellum::model::Date;
/// use vellum::{Design, Pipeline, PipelineOptions};
///
/// let design = Design::load("templates/bill")?;
/// let today = Date::parse("2026-12-01").unwrap();
/// let pipeline = Pipeline::new(&design, PipelineOptions::default().today(today))?;
/// let ledger = Ledger::open("out/ledger.sqlite")?;
/// let message = MessageOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
/// let report = verify(&pipeline, Source::path("cycle.jsonl"), &ledger, &VerifyOptions::new(message))?;
/// println!("{report}");
/// assert!(report.is_verified());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(
    pipeline: &Pipeline<'_>,
    source: Source,
    ledger: &Ledger,
    options: &VerifyOptions,
) -> Result<VerifyReport> {
    let start = Instant::now();
    let design = pipeline.design();
    let mut report = VerifyReport {
        design: design.id().to_owned(),
        version: design.manifest().version.clone(),
        run_key: options.message.run.clone(),
        ..VerifyReport::default()
    };
    let workers = match options.workers {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (items_tx, items_rx) = sync_channel::<(usize, Item)>(workers * 16);
    let (done_tx, done_rx) = sync_channel::<Result<Checked>>(256);
    let items_rx = &Mutex::new(items_rx);
    // Set when the ledger cannot be read: the reader stops, the workers
    // drain what is queued without rendering it.
    let stop = &AtomicBool::new(false);
    let mut checked = Vec::new();
    let mut ledger_failed = None;
    let read = std::thread::scope(|s| -> Result<()> {
        let reader = s.spawn(move || {
            let mut index = 0;
            source.for_each(&mut |item| {
                index += 1;
                if stop.load(Ordering::Relaxed) || items_tx.send((index, item)).is_err() {
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            })
        });
        for _ in 0..workers {
            let done = done_tx.clone();
            s.spawn(move || worker(pipeline, ledger, &options.message, items_rx, stop, done));
        }
        drop(done_tx);
        for c in &done_rx {
            match c {
                Ok(c) => checked.push(c),
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    ledger_failed.get_or_insert(e);
                }
            }
        }
        reader.join().unwrap_or(Ok(()))
    });
    read?;
    if let Some(e) = ledger_failed {
        return Err(e);
    }
    checked.sort_by_key(|c| c.index);
    let mut printed = BTreeSet::new();
    for c in checked {
        printed.extend(c.printed);
        report.records += 1;
        report.messages += c.messages;
        report.matches += c.matches;
        report.differs += c.differs;
        report.not_delivered += c.not_delivered;
        report.no_hash += c.no_hash;
        report.not_rendered += c
            .mismatches
            .iter()
            .filter(|m| m.kind == MismatchKind::NotRendered)
            .count();
        report.mismatches.extend(c.mismatches);
        if let Some(f) = c.failure {
            report.failed += 1;
            report.failures.push(f);
        }
    }
    if let Some(dir) = &options.print {
        read_streams(pipeline, dir, ledger, options, &printed, &mut report)?;
    }
    report.seconds = start.elapsed().as_secs_f64();
    Ok(report)
}

/// Reads back the print streams in `dir` (the run's spool), and finds the
/// letters delivered as print (`printed`) that none has.
#[cfg(feature = "print-spool")]
fn read_streams(
    pipeline: &Pipeline<'_>,
    dir: &std::path::Path,
    ledger: &Ledger,
    options: &VerifyOptions,
    printed: &BTreeSet<String>,
    report: &mut VerifyReport,
) -> Result<()> {
    use crate::deliver::{PrintOptions, PrintSpool};
    if !dir.is_dir() {
        return Err(ErrorKind::Config {
            what: "the print spool".to_owned(),
            message: format!("{}: no such folder", dir.display()),
        }
        .into());
    }
    let print = options
        .print_options
        .clone()
        .unwrap_or_else(|| PrintOptions::for_design(pipeline.design()).job(&options.message.run));
    let streams = PrintSpool::verify_released(dir, &print, ledger).map_err(ledger_error)?;
    let mut in_streams = BTreeSet::new();
    for s in streams {
        in_streams.extend(s.keys.iter().cloned());
        report.streams.push(StreamCheck {
            file: s.file,
            pages: s.pages,
            envelopes: s.envelopes,
            ledger_checked: s.ledger_checked,
            problem: s.problem,
        });
    }
    report.not_in_stream = printed.difference(&in_streams).cloned().collect();
    report.streams_read = true;
    Ok(())
}

/// Without the print spool, no stream can be read back: said in the
/// report, and every letter delivered as print is in no stream read.
#[cfg(not(feature = "print-spool"))]
fn read_streams(
    _: &Pipeline<'_>,
    dir: &std::path::Path,
    _: &Ledger,
    _: &VerifyOptions,
    _: &BTreeSet<String>,
    _: &mut VerifyReport,
) -> Result<()> {
    Err(ErrorKind::Config {
        what: "the print spool".to_owned(),
        message: format!(
            "{}: this vellum is built without the `print-spool` feature and cannot read print \
             streams back",
            dir.display()
        ),
    }
    .into())
}

/// Re-renders and checks records until the input ends.
fn worker(
    pipeline: &Pipeline<'_>,
    ledger: &Ledger,
    message: &MessageOptions,
    items: &Mutex<Receiver<(usize, Item)>>,
    stop: &AtomicBool,
    done: SyncSender<Result<Checked>>,
) {
    loop {
        let next = items.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((index, item)) = next else { return };
        if stop.load(Ordering::Relaxed) {
            continue;
        }
        let checked = match item {
            Ok(record) => check(pipeline, ledger, message, record),
            Err(e) => Ok(Checked {
                failure: Some(VerifyFailure {
                    source: e.place,
                    record: None,
                    stage: Stage::Read.name().to_owned(),
                }),
                ..Checked::default()
            }),
        };
        let checked = checked.map(|c| Checked { index, ..c });
        if done.send(checked).is_err() {
            return;
        }
    }
}

/// One record re-rendered as the run rendered it (`Run`'s `prepare`), each
/// message looked up in the ledger.
fn check(
    pipeline: &Pipeline<'_>,
    ledger: &Ledger,
    message: &MessageOptions,
    record: Record,
) -> Result<Checked> {
    let design = pipeline.design();
    let id = design.record_id(&record.value);
    let mut c = Checked::default();
    let communication = match pipeline.document(&record.value) {
        Ok(doc) => pipeline
            .communication(&doc, false, message)
            .map_err(|_| Stage::Render),
        Err(f) => Err(f.stage),
    };
    let comm = match communication {
        Ok(comm) => comm,
        Err(stage) => {
            // The key the run would have given it: design/version/record/run.
            let key = [design.id(), &design.manifest().version, &id, &message.run]
                .map(key_part)
                .join("/");
            if let Some(channel) = ledger.delivered_channel(&key).map_err(ledger_error)? {
                c.mismatches.push(Mismatch {
                    record: id.clone(),
                    source: record.source.clone(),
                    channel,
                    key: format!("{key}/{}", channel.name()),
                    kind: MismatchKind::NotRendered,
                });
            }
            c.failure = Some(VerifyFailure {
                source: record.source,
                record: Some(id),
                stage: stage.name().to_owned(),
            });
            return Ok(c);
        }
    };
    for m in &comm.messages {
        c.messages += 1;
        let status = ledger.status(&m.key).map_err(ledger_error)?;
        if m.channel == Channel::Print
            && status.as_ref().is_some_and(|s| s.state == State::Delivered)
        {
            c.printed.push(m.key.clone());
        }
        match status {
            Some(s) if s.state == State::Delivered => match s.content_hash {
                None => c.no_hash += 1,
                Some(h) if h == m.content_hash() => c.matches += 1,
                Some(_) => {
                    c.differs += 1;
                    c.mismatches
                        .push(mismatch(&comm, m.channel, &record, MismatchKind::Differs));
                }
            },
            _ => c.not_delivered += 1,
        }
    }
    if let Some(channel) = ledger.delivered_channel(&comm.key).map_err(ledger_error)?
        && comm.message(channel).is_none()
    {
        c.mismatches
            .push(mismatch(&comm, channel, &record, MismatchKind::NotRendered));
    }
    Ok(c)
}

fn mismatch(
    comm: &Communication,
    channel: Channel,
    record: &Record,
    kind: MismatchKind,
) -> Mismatch {
    Mismatch {
        record: comm.record.clone(),
        source: record.source.clone(),
        channel,
        key: format!("{}/{}", comm.key, channel.name()),
        kind,
    }
}

fn ledger_error(e: crate::model::DeliveryError) -> Error {
    ErrorKind::Config {
        what: "the ledger".to_owned(),
        message: e.message().to_owned(),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> VerifyReport {
        VerifyReport {
            design: "bill".into(),
            version: "3".into(),
            run_key: "2026-12".into(),
            records: 2,
            messages: 4,
            matches: 2,
            not_delivered: 2,
            ..VerifyReport::default()
        }
    }

    #[test]
    fn verified_only_when_every_delivered_message_matches() {
        let ok = report();
        assert!(ok.is_verified());
        assert!(
            ok.to_string()
                .ends_with("all 2 delivered messages match what was sent")
        );
        let nothing = VerifyReport {
            matches: 0,
            not_delivered: 4,
            ..report()
        };
        assert!(!nothing.is_verified());
        assert!(
            nothing
                .to_string()
                .contains("NOT VERIFIED: nothing in the ledger")
        );
        let old = VerifyReport {
            no_hash: 1,
            ..report()
        };
        assert!(!old.is_verified());
        assert!(
            old.to_string()
                .contains("1 of 3 delivered messages have no recorded hash")
        );
        let bad = VerifyReport {
            differs: 1,
            mismatches: vec![Mismatch {
                record: "C1".into(),
                source: "in.jsonl:7".into(),
                channel: Channel::Email,
                key: "bill/3/C1/2026-12/email".into(),
                kind: MismatchKind::Differs,
            }],
            ..report()
        };
        assert!(!bad.is_verified());
        let text = bad.to_string();
        assert!(
            text.contains("DIFFERS in.jsonl:7 C1 email: bill/3/C1/2026-12/email"),
            "{text}"
        );
        assert!(text.contains("MISMATCH: 1 of 3"), "{text}");
    }
}
