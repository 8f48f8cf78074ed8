//! The dispatcher: ledger, retries, fallback, respect.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::{Body, DeliveryError, Receipt, Transport};
use crate::ledger::{Begin, Ledger};
use crate::message::{Communication, Message};
use crate::model::Channel;

/// Retries of transient failures: exponential backoff with jitter.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per channel, the first included (at least 1).
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub initial_delay: Duration,
    /// Longest delay.
    pub max_delay: Duration,
    /// Factor between delays.
    pub multiplier: f64,
    /// Randomize each delay to between half and all of it, so many failed
    /// messages do not retry in lockstep.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            multiplier: 2.0,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The delay after failed attempt `n` (1-based).
    pub fn delay(&self, n: u32) -> Duration {
        let base =
            self.initial_delay.as_secs_f64() * self.multiplier.powi(n.saturating_sub(1) as i32);
        let base = base.min(self.max_delay.as_secs_f64());
        let f = if self.jitter {
            0.5 + fastrand::f64() * 0.5
        } else {
            1.0
        };
        Duration::from_secs_f64(base * f)
    }
}

/// Quiet hours for SMS in the customer's local time, e.g. 21:00 to 08:00.
#[derive(Debug, Clone, Copy)]
pub struct QuietHours {
    /// Start, minutes after local midnight.
    pub start_minute: u16,
    /// End, minutes after local midnight (may be before the start: overnight).
    pub end_minute: u16,
}

impl QuietHours {
    /// Quiet from `start_hour`:00 to `end_hour`:00 local time.
    pub fn hours(start_hour: u16, end_hour: u16) -> QuietHours {
        QuietHours {
            start_minute: start_hour * 60,
            end_minute: end_hour * 60,
        }
    }

    fn contains(&self, minute: u16) -> bool {
        if self.start_minute <= self.end_minute {
            (self.start_minute..self.end_minute).contains(&minute)
        } else {
            minute >= self.start_minute || minute < self.end_minute
        }
    }
}

/// At most `max` communications per customer within `period`, across channels.
#[derive(Debug, Clone, Copy)]
pub struct FrequencyCap {
    /// Most communications.
    pub max: u32,
    /// The window.
    pub period: Duration,
    /// Count and cap only marketing communications (bills always go out).
    pub marketing_only: bool,
}

/// What the dispatcher respects.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Respect {
    /// No SMS in these local hours.
    pub sms_quiet_hours: Option<QuietHours>,
    /// The frequency cap.
    pub frequency_cap: Option<FrequencyCap>,
}

/// What the dispatcher needs to know about the customer for one communication.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    /// Channels on which the customer consented to marketing.
    pub marketing_consent: Vec<Channel>,
    /// The customer's UTC offset in minutes (for quiet hours); `None` means UTC.
    pub utc_offset_minutes: Option<i32>,
}

impl Audience {
    /// The audience as personalization decided it: marketing content is only
    /// composed into a document when the customer gave marketing consent, so
    /// a document with an offer may use every channel of its plan for it.
    pub fn from_document(doc: &crate::model::Document) -> Audience {
        Audience {
            marketing_consent: if doc.decisions.marketing {
                doc.plan.clone()
            } else {
                Vec::new()
            },
            utc_offset_minutes: None,
        }
    }
}

/// One attempt, as reported for an undeliverable communication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptReport {
    /// Channel.
    pub channel: Channel,
    /// Backend (`-` when no backend was tried).
    pub backend: String,
    /// Why it failed.
    pub reason: String,
    /// Transient or permanent.
    pub transient: bool,
}

/// The end of one communication's delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Delivered on `channel`.
    Delivered {
        /// The channel that took it.
        channel: Channel,
        /// The backend's receipt.
        receipt: Receipt,
        /// Attempts made in this call, all channels.
        attempts: u32,
        /// Sent again after an interrupted attempt: may have arrived twice.
        possibly_duplicated: bool,
        /// Channels tried before it, with their failures.
        failed_before: Vec<AttemptReport>,
    },
    /// The ledger says it was delivered before; nothing sent.
    AlreadyDelivered {
        /// The channel it was delivered on.
        channel: Channel,
        /// When its delivery was recorded.
        at: SystemTime,
    },
    /// Held back; recorded with the reasons. Send again later (quiet hours) or never.
    Held {
        /// Why, per channel considered.
        reasons: Vec<String>,
    },
    /// No channel of the plan could deliver it: every attempt's reason.
    Undeliverable {
        /// Every attempt.
        attempts: Vec<AttemptReport>,
    },
}

/// A communication (which carries its channel plan) with its audience, for
/// [`Dispatcher::deliver_all`].
#[derive(Debug, Clone)]
pub struct Job {
    /// The communication.
    pub communication: Communication,
    /// Consent and time zone.
    pub audience: Audience,
}

/// What a batch delivery did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Delivered now.
    pub delivered: usize,
    /// Delivered before (skipped).
    pub already_delivered: usize,
    /// Delivered now after an interrupted attempt (may be duplicated).
    pub possibly_duplicated: usize,
    /// Held back.
    pub held: usize,
    /// Undeliverable.
    pub undeliverable: usize,
    /// Delivered on a later channel of the plan than the first.
    pub fell_back: usize,
    /// Not finished because the ledger failed (nothing was sent without a record).
    pub errors: usize,
    /// Each communication that was not delivered, and each that fell back:
    /// its record id and outcome (or the ledger error).
    pub details: Vec<(String, String)>,
}

/// Sends communications through the backends, effectively once.
///
/// ```
/// use vellum::deliver::{Audience, Dispatcher, Ledger, MessageOptions, Outcome, StubTransport};
/// use vellum::model::{Channel, Date};
/// use vellum::{Design, Pipeline, PipelineOptions};
///
/// let design = Design::load("templates/welcome")?;
/// let pipeline = Pipeline::new(&design, PipelineOptions::default().today(Date::parse("2026-11-20").unwrap()))?;
/// let record = serde_json::from_str(&std::fs::read_to_string("templates/welcome/samples/C1001.json")?)?;
/// let doc = vellum::compose(&design, &record, &pipeline.options().compose)?;
/// let options = MessageOptions::new("2026-11", "Northwind Energy", "hello@northwind.example");
/// let comm = pipeline.communication_for(&doc, &[Channel::Email, Channel::Sms], false, &options)?;
///
/// let email = std::sync::Arc::new(StubTransport::new_ok());
/// assert_eq!(comm.plan, [Channel::Email, Channel::Sms]);
/// let dispatcher = Dispatcher::builder(Ledger::in_memory()?)
///     .transport(Channel::Email, email.clone())
///     .build()?;
/// let outcome = dispatcher.deliver(&comm, &Audience::default())?;
/// assert!(matches!(outcome, Outcome::Delivered { channel: Channel::Email, .. }));
/// // Again: the ledger knows.
/// let again = dispatcher.deliver(&comm, &Audience::default())?;
/// assert!(matches!(again, Outcome::AlreadyDelivered { .. }));
/// assert_eq!(email.sent().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Dispatcher {
    ledger: Arc<Ledger>,
    transports: HashMap<Channel, Arc<dyn Transport>>,
    archive: Option<Arc<dyn Transport>>,
    retry: RetryPolicy,
    respect: Respect,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field(
                "transports",
                &self
                    .transports
                    .iter()
                    .map(|(c, t)| (*c, t.name().to_owned()))
                    .collect::<Vec<_>>(),
            )
            .field("retry", &self.retry)
            .field("respect", &self.respect)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Dispatcher`].
pub struct DispatcherBuilder {
    inner: Dispatcher,
}

impl std::fmt::Debug for DispatcherBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl DispatcherBuilder {
    /// The backend for a channel.
    pub fn transport(mut self, channel: Channel, transport: impl Transport + 'static) -> Self {
        self.inner.transports.insert(channel, Arc::new(transport));
        self
    }

    /// The archive: every delivered communication with an archive copy is
    /// stored there too.
    pub fn archive(mut self, transport: impl Transport + 'static) -> Self {
        self.inner.archive = Some(Arc::new(transport));
        self
    }

    /// Retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.inner.retry = retry;
        self
    }

    /// Quiet hours and frequency cap.
    pub fn respect(mut self, respect: Respect) -> Self {
        self.inner.respect = respect;
        self
    }

    /// The clock (tests pin it).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.inner.clock = Arc::new(clock);
        self
    }

    /// The dispatcher. Fails when a backend is wired to a channel it does
    /// not carry (an SMTP transport for SMS), so a wiring mistake shows when
    /// the run starts rather than as a failed message per customer.
    pub fn build(self) -> Result<Dispatcher, DeliveryError> {
        let mut wired: Vec<_> = self.inner.transports.iter().collect();
        wired.sort_by_key(|(c, _)| **c);
        for (channel, transport) in wired {
            if !transport.channels().contains(channel) {
                return Err(DeliveryError::permanent(format!(
                    "the {} backend cannot carry {channel}: it carries {}",
                    transport.name(),
                    list(transport.channels())
                )));
            }
        }
        Ok(self.inner)
    }
}

fn list(channels: &[Channel]) -> String {
    let names: Vec<&str> = channels.iter().map(|c| c.name()).collect();
    if names.is_empty() {
        "no channel".to_owned()
    } else {
        names.join(", ")
    }
}

enum ChannelResult {
    Delivered(Receipt, bool),
    AlreadyDelivered,
    Failed,
}

/// What the channels tried so far left: attempts made, failures, and the
/// channels held back (no consent) with their reasons.
#[derive(Default)]
struct Progress {
    attempts: u32,
    failures: Vec<AttemptReport>,
    held: Vec<(Channel, String)>,
}

impl AttemptReport {
    /// A channel that failed before any backend was tried.
    fn unsent(channel: Channel, reason: String) -> AttemptReport {
        AttemptReport {
            channel,
            backend: "-".into(),
            reason,
            transient: false,
        }
    }
}

impl Dispatcher {
    /// A dispatcher recording to `ledger`, with no backends yet.
    pub fn builder(ledger: impl Into<Arc<Ledger>>) -> DispatcherBuilder {
        DispatcherBuilder {
            inner: Dispatcher {
                ledger: ledger.into(),
                transports: HashMap::new(),
                archive: None,
                retry: RetryPolicy::default(),
                respect: Respect::default(),
                clock: Arc::new(SystemTime::now),
            },
        }
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// How the print backend wants print chunks made, when it takes them.
    pub fn print_chunking(&self) -> Option<super::PrintChunking> {
        self.transports
            .get(&Channel::Print)
            .and_then(|t| t.print_chunks())
    }

    /// Flushes every backend (a print spool writes its batch files and
    /// manifests): call once when a run ends. Every backend is flushed even
    /// when one fails; the errors are returned together. A backend wired to
    /// several channels is flushed once per channel, so a flush must be
    /// harmless when there is nothing left to do.
    pub fn flush(&self) -> Result<(), DeliveryError> {
        let mut failed = Vec::new();
        let mut all: Vec<(&str, &Arc<dyn Transport>)> = self
            .transports
            .iter()
            .map(|(c, t)| (c.name(), t))
            .chain(self.archive.iter().map(|t| ("archive", t)))
            .collect();
        all.sort_by_key(|(c, _)| *c);
        for (what, t) in all {
            if let Err(e) = t.flush() {
                failed.push(format!("{what} ({}): {}", t.name(), e.message()));
            }
        }
        if failed.is_empty() {
            Ok(())
        } else {
            Err(DeliveryError::transient(failed.join("; ")))
        }
    }

    /// Delivers one communication along its plan (`comm.plan`: the
    /// customer's channels in order of preference, already filtered by
    /// consent and contact data).
    /// `Err` only when the ledger fails: then nothing more is sent for it.
    pub fn deliver(
        &self,
        comm: &Communication,
        audience: &Audience,
    ) -> Result<Outcome, DeliveryError> {
        let now = (self.clock)();
        if let Some(d) = self.ledger.delivered(&comm.key)? {
            self.ledger.ensure_delivered(&comm.key, &comm.record, now)?;
            self.archive_copy(comm, d.channel)?;
            return Ok(Outcome::AlreadyDelivered {
                channel: d.channel,
                at: d.at,
            });
        }
        if let Some(reason) = self.frequency_capped(comm, now)? {
            self.ledger
                .record_skip(None, &comm.key, "held", &reason, now)?;
            return self.hold(comm, vec![reason], now);
        }
        let mut progress = Progress::default();
        for &channel in &comm.plan {
            if let ControlFlow::Break(outcome) =
                self.try_channel(comm, channel, audience, now, &mut progress)?
            {
                return Ok(outcome);
            }
        }
        self.exhausted(comm, progress)
    }

    /// The frequency cap's reason to hold `comm`, when the customer has had
    /// enough communications in the cap's period.
    fn frequency_capped(
        &self,
        comm: &Communication,
        now: SystemTime,
    ) -> Result<Option<String>, DeliveryError> {
        let Some(cap) = self.respect.frequency_cap else {
            return Ok(None);
        };
        if cap.marketing_only && !comm.marketing {
            return Ok(None);
        }
        let since = now.checked_sub(cap.period).unwrap_or(UNIX_EPOCH);
        let n = self
            .ledger
            .delivered_since(&comm.record, since, &comm.key, cap.marketing_only)?;
        if n < cap.max {
            return Ok(None);
        }
        Ok(Some(format!(
            "frequency cap: {n} communication{} in the last {} h (cap {})",
            if n == 1 { "" } else { "s" },
            cap.period.as_secs() / 3600,
            cap.max
        )))
    }

    /// The quiet hours' reason to hold an SMS at `now` in the customer's
    /// time zone, when it is quiet there.
    fn quiet_hours(&self, audience: &Audience, now: SystemTime) -> Option<String> {
        let q = self.respect.sms_quiet_hours?;
        let offset = i64::from(audience.utc_offset_minutes.unwrap_or(0)) * 60;
        let secs = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs() as i64;
        let minute = ((secs + offset).rem_euclid(86_400) / 60) as u16;
        q.contains(minute).then(|| {
            format!(
                "sms: quiet hours in the customer's time zone ({:02}:{:02} local), send after {:02}:{:02}",
                minute / 60,
                minute % 60,
                q.end_minute / 60,
                q.end_minute % 60
            )
        })
    }

    /// One channel of the plan: skipped (no message, no consent, no
    /// backend), held (quiet hours end the delivery), or sent with retries.
    /// `Break` with the outcome when the communication is done.
    fn try_channel(
        &self,
        comm: &Communication,
        channel: Channel,
        audience: &Audience,
        now: SystemTime,
        progress: &mut Progress,
    ) -> Result<ControlFlow<Outcome>, DeliveryError> {
        let Some(message) = comm.message(channel) else {
            let reason = comm
                .problems
                .iter()
                .find(|(c, _)| *c == channel)
                .map_or("no message was built for this channel", |(_, r)| r.as_str())
                .to_owned();
            let key = format!("{}/{}", comm.key, channel.name());
            self.ledger
                .record_skip(None, &key, "permanent", &reason, now)?;
            progress
                .failures
                .push(AttemptReport::unsent(channel, reason));
            return Ok(ControlFlow::Continue(()));
        };
        if comm.marketing && !audience.marketing_consent.contains(&channel) {
            let reason = format!("{channel}: no marketing consent on this channel");
            self.ledger
                .record_skip(Some(message), &message.key, "held", &reason, now)?;
            progress.held.push((channel, reason));
            return Ok(ControlFlow::Continue(()));
        }
        if channel == Channel::Sms
            && let Some(reason) = self.quiet_hours(audience, now)
        {
            self.ledger
                .record_skip(Some(message), &message.key, "held", &reason, now)?;
            progress.held.push((channel, reason));
            // Held, not failed: a later run sends it. Falling back to
            // a letter because it is night would surprise the customer.
            let reasons = std::mem::take(&mut progress.held)
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            return self.hold(comm, reasons, now).map(ControlFlow::Break);
        }
        let Some(transport) = self.transports.get(&channel) else {
            let reason = format!("no backend configured for {channel}");
            self.ledger
                .record_skip(Some(message), &message.key, "permanent", &reason, now)?;
            progress
                .failures
                .push(AttemptReport::unsent(channel, reason));
            return Ok(ControlFlow::Continue(()));
        };
        self.send_on(comm, transport.as_ref(), message, progress)
    }

    /// Sends `message` through `transport` with retries; on delivery records
    /// the communication as delivered and stores its archive copy.
    fn send_on(
        &self,
        comm: &Communication,
        transport: &dyn Transport,
        message: &Message,
        progress: &mut Progress,
    ) -> Result<ControlFlow<Outcome>, DeliveryError> {
        let channel = message.channel;
        let sent = self.send_with_retries(
            transport,
            message,
            &mut progress.attempts,
            &mut progress.failures,
        )?;
        match sent {
            ChannelResult::Delivered(receipt, possibly_duplicated) => {
                let now = (self.clock)();
                self.ledger.record_communication(
                    &comm.key,
                    &comm.record,
                    "delivered",
                    None,
                    now,
                )?;
                self.archive_copy(comm, channel)?;
                Ok(ControlFlow::Break(Outcome::Delivered {
                    channel,
                    receipt,
                    attempts: progress.attempts,
                    possibly_duplicated,
                    failed_before: std::mem::take(&mut progress.failures),
                }))
            }
            // Delivered by another worker a moment ago.
            ChannelResult::AlreadyDelivered => Ok(ControlFlow::Break(Outcome::AlreadyDelivered {
                channel,
                at: (self.clock)(),
            })),
            ChannelResult::Failed => Ok(ControlFlow::Continue(())),
        }
    }

    /// Records `comm` as held with `reasons`.
    fn hold(
        &self,
        comm: &Communication,
        reasons: Vec<String>,
        now: SystemTime,
    ) -> Result<Outcome, DeliveryError> {
        self.ledger.record_communication(
            &comm.key,
            &comm.record,
            "held",
            Some(&reasons.join("; ")),
            now,
        )?;
        Ok(Outcome::Held { reasons })
    }

    /// The plan ran out without a delivery: held when every channel was only
    /// held back, otherwise undeliverable with every attempt's reason.
    fn exhausted(
        &self,
        comm: &Communication,
        progress: Progress,
    ) -> Result<Outcome, DeliveryError> {
        let now = (self.clock)();
        let Progress {
            mut failures, held, ..
        } = progress;
        if failures.is_empty() && !held.is_empty() {
            return self.hold(comm, held.into_iter().map(|(_, r)| r).collect(), now);
        }
        for (channel, reason) in held {
            failures.push(AttemptReport::unsent(channel, reason));
        }
        if failures.is_empty() {
            let channel = comm.plan.first().copied().unwrap_or(Channel::Email);
            failures.push(AttemptReport::unsent(
                channel,
                "the channel plan is empty".into(),
            ));
        }
        let reason = failures
            .iter()
            .map(|f| format!("{} via {}: {}", f.channel, f.backend, f.reason))
            .collect::<Vec<_>>()
            .join("; ");
        self.ledger.record_communication(
            &comm.key,
            &comm.record,
            "undeliverable",
            Some(&reason),
            now,
        )?;
        Ok(Outcome::Undeliverable { attempts: failures })
    }

    fn send_with_retries(
        &self,
        transport: &dyn Transport,
        message: &Message,
        attempts: &mut u32,
        failures: &mut Vec<AttemptReport>,
    ) -> Result<ChannelResult, DeliveryError> {
        let max = self.retry.max_attempts.max(1);
        let mut dup = false;
        for n in 1..=max {
            let attempt = match self
                .ledger
                .begin(message, transport.name(), (self.clock)())?
            {
                Begin::AlreadyDelivered => return Ok(ChannelResult::AlreadyDelivered),
                Begin::Send { attempt, resent } => {
                    dup |= resent;
                    attempt
                }
            };
            *attempts += 1;
            // A panicking backend must not leave the message unrecorded
            // or take the batch down with it.
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| transport.send(message)))
                    .unwrap_or_else(|_| Err(DeliveryError::permanent("the backend panicked")))
                    .map_err(|e| e.at(&message.record, message.channel, transport.name()));
            let last = n == max;
            self.ledger
                .finish(&message.key, attempt, &result, last, (self.clock)())?;
            match result {
                Ok(receipt) => return Ok(ChannelResult::Delivered(receipt, dup)),
                Err(e) => {
                    let transient = e.is_transient();
                    if !transient || last {
                        failures.push(AttemptReport {
                            channel: message.channel,
                            backend: transport.name().to_owned(),
                            reason: if transient {
                                format!("{} (gave up after {n} attempts)", e.message())
                            } else {
                                e.message().to_owned()
                            },
                            transient,
                        });
                        return Ok(ChannelResult::Failed);
                    }
                    std::thread::sleep(self.retry.delay(n));
                }
            }
        }
        Ok(ChannelResult::Failed)
    }

    /// Stores the archive copy of a delivered communication (idempotent:
    /// its own key in the ledger). A failed archive write is retried like
    /// any message and then reported, but does not undo the delivery.
    fn archive_copy(&self, comm: &Communication, channel: Channel) -> Result<(), DeliveryError> {
        let (Some(archive), Some(copy)) = (&self.archive, &comm.archive) else {
            return Ok(());
        };
        let mut copy = copy.clone();
        if let Body::Archive(a) = &mut copy.body {
            a.delivered_by = Some(channel);
        }
        let mut attempts = 0;
        let mut failures = Vec::new();
        self.send_with_retries(archive.as_ref(), &copy, &mut attempts, &mut failures)?;
        Ok(())
    }

    /// Delivers many communications on `concurrency` threads (at least 1)
    /// and reports what happened to each. Every job ends counted in the
    /// report: delivered, already delivered, held, undeliverable, or an error.
    pub fn deliver_all<I>(&self, jobs: I, concurrency: usize) -> Report
    where
        I: IntoIterator<Item = Job>,
        I::IntoIter: Send,
    {
        // Jobs are pulled one at a time, so a streamed input stays streamed.
        let jobs = Mutex::new(jobs.into_iter());
        let report = Mutex::new(Report::default());
        std::thread::scope(|s| {
            for _ in 0..concurrency.max(1) {
                s.spawn(|| {
                    loop {
                        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some(job) = job else { break };
                        let result = self.deliver(&job.communication, &job.audience);
                        let mut r = report.lock().unwrap_or_else(|e| e.into_inner());
                        r.count(&job, result);
                    }
                });
            }
        });
        report.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Report {
    fn count(&mut self, job: &Job, result: Result<Outcome, DeliveryError>) {
        let record = job.communication.record.clone();
        match result {
            Ok(Outcome::Delivered {
                channel,
                possibly_duplicated,
                failed_before,
                ..
            }) => {
                self.delivered += 1;
                self.possibly_duplicated += usize::from(possibly_duplicated);
                if !failed_before.is_empty() {
                    self.fell_back += 1;
                    let why = failed_before
                        .iter()
                        .map(|f| format!("{}: {}", f.channel, f.reason))
                        .collect::<Vec<_>>();
                    self.details.push((
                        record,
                        format!("delivered by {channel} after {}", why.join("; ")),
                    ));
                }
            }
            Ok(Outcome::AlreadyDelivered { .. }) => self.already_delivered += 1,
            Ok(Outcome::Held { reasons }) => {
                self.held += 1;
                self.details
                    .push((record, format!("held: {}", reasons.join("; "))));
            }
            Ok(Outcome::Undeliverable { attempts }) => {
                self.undeliverable += 1;
                let why = attempts
                    .iter()
                    .map(|f| format!("{} via {}: {}", f.channel, f.backend, f.reason))
                    .collect::<Vec<_>>();
                self.details
                    .push((record, format!("undeliverable: {}", why.join("; "))));
            }
            Err(e) => {
                self.errors += 1;
                self.details.push((record, e.to_string()));
            }
        }
    }
}
