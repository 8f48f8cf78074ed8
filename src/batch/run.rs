//! A billing cycle: records streamed from a [`Source`], rendered on every
//! core, delivered concurrently through a [`Dispatcher`], every record
//! accounted for in a [`RunReport`] and every failure in the error file.
//!
//! ```text
//! reader --(bounded)--> render workers (one per core) --(bounded)--> senders --> collector
//! ```
//!
//! The queues are bounded, so a slow backend slows the run down instead of
//! filling memory; the collector (the calling thread) counts, writes the
//! error file and prints progress.

use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;

use super::failed::{ErrorFile, FailedRecord, OnlyFailed};
use super::report::RunReport;
use super::source::{Item, Record, Source};
use super::watch::Watch;
use crate::deliver::{Audience, Communication, Dispatcher, MessageOptions, Outcome, PrintChunking};
use crate::error::Result;
use crate::model::{Channel, Document, Paper, Standing};
use crate::pipeline::{Failure, Pipeline, Stage};

/// Options of a run.
#[non_exhaustive]
pub struct RunOptions {
    /// Render workers; 0 means one per core.
    pub workers: usize,
    /// Deliveries in flight at once (the bound on possibly duplicated
    /// messages after a crash).
    pub send_concurrency: usize,
    /// Read at most this many records.
    pub limit: Option<usize>,
    /// Render everything, deliver nothing.
    pub dry_run: bool,
    /// How a dry run chunks print (it has no print backend to ask): as the
    /// production spool would, so its cost is the production cost. `None`
    /// renders every letter alone.
    pub dry_run_chunks: Option<PrintChunking>,
    /// Write one JSON line per failed record here.
    pub error_file: Option<PathBuf>,
    /// Run only the records an earlier run's error file names.
    pub only: Option<OnlyFailed>,
    /// Told of the counts as records finish (a progress bar, log lines).
    pub watch: Option<Box<dyn Watch>>,
    /// The number of records, when the caller knows it, for the watcher's
    /// rate and ETA.
    pub expected: Option<u64>,
    /// The messages' sender, run key and signing.
    pub message: MessageOptions,
    /// A record the ledger has as delivered at or after this time was
    /// delivered by this same run, by a worker that stopped before it could
    /// report it (a shared run's chunk taken over): it counts as delivered
    /// (and `resumed`), not skipped, so the run's totals are those of a run
    /// that never stopped.
    pub resumed_since: Option<std::time::SystemTime>,
}

impl RunOptions {
    /// Options for run `run_key` sending as `from_name <from_address>`.
    pub fn new(run_key: &str, from_name: &str, from_address: &str) -> RunOptions {
        RunOptions {
            workers: 0,
            send_concurrency: 4,
            limit: None,
            dry_run: false,
            dry_run_chunks: None,
            error_file: None,
            only: None,
            watch: None,
            expected: None,
            message: MessageOptions::new(run_key, from_name, from_address),
            resumed_since: None,
        }
    }
}

/// A run of one design over a source of records.
pub struct Run<'a> {
    pipeline: &'a Pipeline<'a>,
    dispatcher: Option<&'a Dispatcher>,
    options: RunOptions,
    /// Taken out of the options: only the collecting thread calls it.
    watch: Mutex<Option<Box<dyn Watch>>>,
}

/// What one record came to.
enum Done {
    Delivered {
        channel: Channel,
        possibly_duplicated: bool,
        fell_back: bool,
    },
    /// The ledger has it delivered, on `channel` at `at`.
    Skipped {
        channel: Channel,
        at: std::time::SystemTime,
    },
    Held,
    Rendered,
    /// A print chunk of this many letters was typeset (not a record).
    Chunk(usize),
    Failed(Box<FailedRecord>),
    /// Not one of the records asked for (`only`): not part of the run.
    NotSelected,
}

/// A composed record on its way to a sender.
struct ToSend {
    communication: Communication,
    audience: Audience,
    source: String,
}

/// What a worker made of a record.
enum Prepared {
    /// Its messages, ready to send.
    Send(ToSend),
    /// A print-first document, waiting for its print chunk.
    Chunk(Pending),
}

/// A composed document whose letter goes into the next print chunk.
struct Pending {
    doc: Document,
    source: String,
}

impl<'a> Run<'a> {
    /// A run through `pipeline`, delivering with `dispatcher` (`None` only
    /// for a dry run).
    pub fn new(
        pipeline: &'a Pipeline<'a>,
        dispatcher: Option<&'a Dispatcher>,
        mut options: RunOptions,
    ) -> Run<'a> {
        Run {
            pipeline,
            dispatcher,
            watch: Mutex::new(options.watch.take()),
            options,
        }
    }

    /// Runs every record of `source`. Fails only when the run cannot start
    /// (the input or the error file cannot be opened); every record's own
    /// failure is in the report and the error file.
    pub fn execute(&self, source: Source) -> Result<RunReport> {
        let start = Instant::now();
        let mut errors = ErrorFile::create(self.options.error_file.as_deref())?;
        let design = self.pipeline.design();
        let mut report = RunReport {
            design: design.id().to_owned(),
            version: design.manifest().version.clone(),
            run_key: self.options.message.run.clone(),
            dry_run: self.options.dry_run || self.dispatcher.is_none(),
            ..RunReport::default()
        };
        let workers = match self.options.workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let (items_tx, items_rx) = sync_channel::<Item>(workers * 16);
        let (send_tx, send_rx) = sync_channel::<ToSend>(self.options.send_concurrency.max(1) * 4);
        let (done_tx, done_rx) = sync_channel::<Done>(256);
        let items_rx = &Mutex::new(items_rx);
        let send_rx = &Mutex::new(send_rx);
        let senders = self.dispatcher.filter(|_| !report.dry_run);
        let read = std::thread::scope(|s| -> Result<()> {
            let reader = s.spawn(move || self.read(source, items_tx));
            for _ in 0..workers {
                let (done, send) = (done_tx.clone(), send_tx.clone());
                s.spawn(move || self.render_worker(items_rx, send, done));
            }
            if let Some(dispatcher) = senders {
                for _ in 0..self.options.send_concurrency.max(1) {
                    let done = done_tx.clone();
                    s.spawn(move || sender(dispatcher, send_rx, done));
                }
            }
            drop((done_tx, send_tx));
            self.collect(&done_rx, &mut report, &mut errors, start);
            reader.join().unwrap_or(Ok(()))
        });
        if let Some(d) = senders {
            report.flush_error = d.flush().err().map(|e| e.message().to_owned());
        }
        if let Some(d) = self.dispatcher {
            report.responses = responses(d, &report);
        }
        report.seconds = start.elapsed().as_secs_f64();
        if let Some(w) = self
            .watch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref_mut()
        {
            w.finish(&report);
        }
        read.map(|()| report)
    }

    /// Feeds the input to the workers, up to the limit.
    fn read(&self, source: Source, items: SyncSender<Item>) -> Result<()> {
        let mut n = 0;
        source.for_each(&mut |item| {
            if self.options.limit.is_some_and(|l| n >= l) || items.send(item).is_err() {
                return ControlFlow::Break(());
            }
            n += 1;
            ControlFlow::Continue(())
        })
    }

    /// Composes and renders records until the input ends; print-first
    /// documents wait in a chunk per paper until it is full or the input
    /// has ended.
    fn render_worker(
        &self,
        items: &Mutex<Receiver<Item>>,
        send: SyncSender<ToSend>,
        done: SyncSender<Done>,
    ) {
        let out = Out { send, done };
        let chunking = self.chunking();
        let mut waiting: Vec<(Paper, Vec<Pending>)> = Vec::new();
        loop {
            let item = items.lock().unwrap_or_else(|e| e.into_inner()).recv();
            let Ok(item) = item else { break };
            let prepared = match item {
                Ok(record) => {
                    let (source, id) = (
                        record.source.clone(),
                        self.pipeline.design().record_id(&record.value),
                    );
                    // A bug must fail its record, not take a worker (and,
                    // with the last one, the whole run) down.
                    std::panic::catch_unwind(AssertUnwindSafe(|| {
                        self.prepare(record, chunking.is_some())
                    }))
                    .unwrap_or_else(|panic| Err(internal_error(source, Some(id), &*panic)))
                }
                Err(e) => Err(Done::Failed(Box::new(FailedRecord {
                    source: e.place,
                    record: None,
                    stage: Stage::Read.name().to_owned(),
                    channel: None,
                    field: None,
                    message: e.message,
                }))),
            };
            let ok = match (prepared, chunking) {
                (Ok(Prepared::Chunk(p)), Some(c)) => {
                    let group = match waiting.iter().position(|(paper, _)| *paper == p.doc.paper) {
                        Some(i) => &mut waiting[i].1,
                        None => {
                            waiting.push((p.doc.paper, Vec::new()));
                            &mut waiting.last_mut().expect("just pushed").1
                        }
                    };
                    group.push(p);
                    group.len() < c.letters.max(1)
                        || self.print_chunk(std::mem::take(group), c, &out)
                }
                (prepared, _) => self.pass(prepared, &out),
            };
            if !ok {
                return;
            }
        }
        for (_, group) in waiting {
            if let (false, Some(c)) = (group.is_empty(), chunking) {
                self.print_chunk(group, c, &out);
            }
        }
    }

    /// How to chunk print: as the print backend asks, or as the options
    /// say for a dry run.
    fn chunking(&self) -> Option<PrintChunking> {
        match self.dispatcher {
            Some(d) if !self.options.dry_run => d.print_chunking(),
            _ => self.options.dry_run_chunks,
        }
    }

    /// Hands a prepared record on: to a sender, or counted as rendered or
    /// failed. False when the run is going down.
    fn pass(&self, prepared: std::result::Result<Prepared, Done>, out: &Out) -> bool {
        match prepared {
            Ok(Prepared::Send(to_send)) if self.dispatcher.is_some() && !self.options.dry_run => {
                out.send.send(to_send).is_ok()
            }
            Ok(_) => out.done.send(Done::Rendered).is_ok(),
            Err(d) => out.done.send(d).is_ok(),
        }
    }

    /// Typesets the letters of `pending` in one compile and hands each
    /// record on with its letter in the chunk. When the chunk fails, each
    /// is rendered alone instead, so a bad letter fails its own record
    /// with its own reason and the others go out.
    fn print_chunk(&self, mut pending: Vec<Pending>, chunking: PrintChunking, out: &Out) -> bool {
        // Postal presort within the chunk; the same letters give the same chunk.
        pending.sort_by(|a, b| {
            (&a.doc.postal_code, &a.doc.record).cmp(&(&b.doc.postal_code, &b.doc.record))
        });
        let docs: Vec<&Document> = pending.iter().map(|p| &p.doc).collect();
        // A panic in the chunk falls back to one compile per letter, where
        // it fails only its own record.
        let chunk = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.pipeline.print_chunk(&docs, chunking.duplex)
        }))
        .ok()
        .and_then(Result::ok);
        if chunk.is_some() && out.done.send(Done::Chunk(pending.len())).is_err() {
            return false;
        }
        let message = &self.options.message;
        for (i, p) in pending.into_iter().enumerate() {
            let (source, id) = (p.source.clone(), p.doc.record.clone());
            let prepared = std::panic::catch_unwind(AssertUnwindSafe(|| {
                let communication = match &chunk {
                    Some(chunk) => self
                        .pipeline
                        .communication_in_chunk(&p.doc, chunk, i, message),
                    None => self.pipeline.communication(&p.doc, false, message),
                };
                self.messages(p.doc, p.source, communication)
                    .map(Prepared::Send)
            }))
            .unwrap_or_else(|panic| Err(internal_error(source, Some(id), &*panic)));
            if !self.pass(prepared, out) {
                return false;
            }
        }
        true
    }

    /// Validates, decides and composes one record, and renders its
    /// messages (or, with `chunks`, leaves a print-first letter to a chunk).
    fn prepare(&self, record: Record, chunks: bool) -> std::result::Result<Prepared, Done> {
        let id = self.pipeline.design().record_id(&record.value);
        if let Some(only) = &self.options.only
            && !only.contains(&id, &record.source)
        {
            return Err(Done::NotSelected);
        }
        let standing = self.standing(&id, &record.source)?;
        let doc = self
            .pipeline
            .document_with(&record.value, &standing)
            .map_err(|f| Done::Failed(Box::new(failed(&record.source, &id, &f))))?;
        if chunks && self.pipeline.prints_first(&doc) {
            return Ok(Prepared::Chunk(Pending {
                doc,
                source: record.source,
            }));
        }
        let communication = self
            .pipeline
            .communication(&doc, false, &self.options.message);
        self.messages(doc, record.source, communication)
            .map(Prepared::Send)
    }

    /// The customer's standing preferences from the ledger (none in a dry
    /// run without one). A ledger that cannot answer fails the record: its
    /// plan could otherwise send where the customer said no.
    fn standing(&self, id: &str, source: &str) -> std::result::Result<Standing, Done> {
        let Some(d) = self.dispatcher else {
            return Ok(Standing::none());
        };
        d.ledger().standing(id).map_err(|e| {
            Done::Failed(Box::new(FailedRecord {
                source: source.to_owned(),
                record: Some(id.to_owned()),
                stage: Stage::Personalize.name().to_owned(),
                channel: None,
                field: None,
                message: format!(
                    "the ledger could not give the standing preferences: {}",
                    e.message()
                ),
            }))
        })
    }

    /// A rendered communication on its way to a sender, or the record's
    /// failure when none of its channels could be rendered.
    fn messages(
        &self,
        doc: Document,
        source: String,
        communication: Result<Communication>,
    ) -> std::result::Result<ToSend, Done> {
        let communication = communication.map_err(|e| {
            Done::Failed(Box::new(failed(
                &source,
                &doc.record,
                &Failure::new(Stage::Render, None, &e),
            )))
        })?;
        if communication.messages.is_empty() {
            let why: Vec<String> = communication
                .problems
                .iter()
                .map(|(c, p)| format!("{c}: {p}"))
                .collect();
            let message = if why.is_empty() {
                unreachable_because(&doc)
            } else {
                why.join("; ")
            };
            return Err(Done::Failed(Box::new(FailedRecord {
                source,
                record: Some(doc.record.clone()),
                stage: Stage::Render.name().to_owned(),
                channel: communication.problems.first().map(|(c, _)| *c),
                field: None,
                message,
            })));
        }
        Ok(ToSend {
            audience: Audience::from_document(&doc),
            communication,
            source,
        })
    }

    /// Counts what each record came to until every worker and sender is done.
    fn collect(
        &self,
        done: &Receiver<Done>,
        report: &mut RunReport,
        errors: &mut ErrorFile,
        start: Instant,
    ) {
        let mut watch = self.watch.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = watch.as_deref_mut() {
            w.start(self.options.expected);
        }
        for d in done {
            match d {
                Done::NotSelected => continue,
                Done::Delivered {
                    channel,
                    possibly_duplicated,
                    fell_back,
                } => {
                    *report.delivered.entry(channel).or_default() += 1;
                    report.possibly_duplicated += usize::from(possibly_duplicated);
                    report.fell_back += usize::from(fell_back);
                }
                Done::Skipped { channel, at } => {
                    if self.options.resumed_since.is_some_and(|since| at >= since) {
                        *report.delivered.entry(channel).or_default() += 1;
                        report.resumed += 1;
                    } else {
                        report.skipped += 1;
                    }
                }
                Done::Held => report.held += 1,
                Done::Rendered => report.rendered += 1,
                Done::Chunk(letters) => {
                    report.print_chunks += 1;
                    report.chunked_letters += letters;
                    continue;
                }
                Done::Failed(f) => {
                    report.fail(stage_of(&f.stage));
                    errors.write(&f);
                }
            }
            report.read += 1;
            report.seconds = start.elapsed().as_secs_f64();
            if let Some(w) = watch.as_deref_mut() {
                w.record(report);
            }
        }
    }
}

/// Why no channel of the design reaches a customer: each dropped
/// channel's reason from the plan (no address, no consent, a bounced
/// address, a STOP).
fn unreachable_because(doc: &Document) -> String {
    let why: Vec<String> = doc
        .decisions
        .channels
        .iter()
        .filter(|c| !c.kept)
        .map(|c| format!("{}: {}", c.channel, c.reason))
        .collect();
    if why.is_empty() {
        "no channel of the design reaches this customer".to_owned()
    } else {
        format!(
            "no channel of the design reaches this customer ({})",
            why.join("; ")
        )
    }
}

/// The response report's line for this run and design, if the ledger has
/// one (a ledger that cannot say leaves it out: the run itself is done).
fn responses(d: &Dispatcher, report: &RunReport) -> Option<crate::deliver::Response> {
    let all = d.ledger().responses().ok()?;
    all.into_iter()
        .find(|r| r.run == report.run_key && r.design == report.design)
}

/// Where a worker hands records on.
struct Out {
    send: SyncSender<ToSend>,
    done: SyncSender<Done>,
}

/// Delivers composed records until the workers are done.
fn sender(dispatcher: &Dispatcher, queue: &Mutex<Receiver<ToSend>>, done: SyncSender<Done>) {
    loop {
        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(job) = next else { return };
        let comm = &job.communication;
        // A panic in a backend fails its record instead of the sender.
        let delivered =
            std::panic::catch_unwind(AssertUnwindSafe(|| dispatcher.deliver(comm, &job.audience)));
        let Ok(delivered) = delivered else {
            let d = deliver_failure(
                &job,
                None,
                "internal error in a delivery backend (it panicked); please report it".to_owned(),
            );
            if done.send(d).is_err() {
                return;
            }
            continue;
        };
        let d = match delivered {
            Ok(Outcome::Delivered {
                channel,
                possibly_duplicated,
                failed_before,
                ..
            }) => Done::Delivered {
                channel,
                possibly_duplicated,
                fell_back: !failed_before.is_empty(),
            },
            Ok(Outcome::AlreadyDelivered { channel, at }) => Done::Skipped { channel, at },
            Ok(Outcome::Held { .. }) => Done::Held,
            Ok(Outcome::Undeliverable { attempts }) => {
                let why: Vec<String> = attempts
                    .iter()
                    .map(|a| format!("{}: {}", a.channel, a.reason))
                    .collect();
                deliver_failure(&job, attempts.last().map(|a| a.channel), why.join("; "))
            }
            Err(e) => deliver_failure(&job, None, e.to_string()),
        };
        if done.send(d).is_err() {
            return;
        }
    }
}

fn deliver_failure(job: &ToSend, channel: Option<Channel>, message: String) -> Done {
    Done::Failed(Box::new(FailedRecord {
        source: job.source.clone(),
        record: Some(job.communication.record.clone()),
        stage: Stage::Deliver.name().to_owned(),
        channel,
        field: None,
        message,
    }))
}

/// A record whose processing panicked: a bug in vellum, reported as the
/// record's failure so that it is counted and can be rerun.
fn internal_error(
    source: String,
    record: Option<String>,
    panic: &(dyn std::any::Any + Send),
) -> Done {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned());
    Done::Failed(Box::new(FailedRecord {
        source,
        record,
        stage: Stage::Render.name().to_owned(),
        channel: None,
        field: None,
        message: format!("internal error in vellum ({what}); please report it"),
    }))
}

/// A pipeline failure as a line of the error file.
fn failed(source: &str, id: &str, f: &Failure) -> FailedRecord {
    FailedRecord {
        source: source.to_owned(),
        record: Some(id.to_owned()),
        stage: f.stage.name().to_owned(),
        channel: f.channel,
        field: f.problems.first().map(|p| p.path.clone()),
        message: f.message.clone(),
    }
}

fn stage_of(name: &str) -> Stage {
    [
        Stage::Read,
        Stage::Validate,
        Stage::Personalize,
        Stage::Compose,
        Stage::Render,
        Stage::Deliver,
    ]
    .into_iter()
    .find(|s| s.name() == name)
    .unwrap_or(Stage::Deliver)
}
