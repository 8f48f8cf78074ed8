//! The ledger: a durable record of every delivery attempt, in an embedded
//! SQLite database (a file; no server; [`Ledger::open`]) or, when workers
//! on several machines share one run, in PostgreSQL ([`Ledger::connect`],
//! feature `postgres`). Both keep the same records with the same meaning.
//!
//! Each attempt is written **before** the backend is called (state
//! `in_flight`) and again after (delivered, failed, ...). A rerun consults
//! the ledger: a message already delivered is never sent again; a message
//! still `in_flight` was interrupted between "recorded" and "confirmed", so
//! it is sent again with the same `Message-ID` and counted as possibly
//! duplicated. That is the one window no sender can close: lost = 0,
//! duplicates ≤ messages in flight at the crash.
//!
//! The ledger holds ids, outcomes and content hashes, never addresses or
//! content: each message's [`content_hash`](crate::deliver::Message::content_hash)
//! (a SHA-256 of what the customer gets) is stored with every attempt, so a
//! re-render can later be checked against what was sent
//! ([`crate::batch::verify`]) without the ledger keeping a copy.

mod answers;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
mod sqlite;
mod sqlite_answers;

use std::borrow::Cow;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

pub(crate) use self::answers::EventRecord;
pub use self::answers::{Answered, Lookup, Response};
use crate::message::Message;
use crate::model::Channel;
use crate::model::{DeliveryError, Receipt, Standing};

/// The state of a message in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Handed to a backend; no outcome recorded yet.
    InFlight,
    /// Delivered.
    Delivered,
    /// The last attempt failed transiently; it may be tried again.
    Failed,
    /// Failed permanently or ran out of retries on this channel.
    Rejected,
    /// Held back (consent, quiet hours, frequency cap).
    Held,
    /// Delivered, then bounced or returned (an event said so): a later run
    /// of the same key plans its communication again.
    Bounced,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::InFlight => "in_flight",
            State::Delivered => "delivered",
            State::Failed => "failed",
            State::Rejected => "rejected",
            State::Held => "held",
            State::Bounced => "bounced",
        }
    }
    /// The state of a message not sent: held back, or rejected.
    fn of_skip(outcome: &str) -> State {
        if outcome == "held" {
            State::Held
        } else {
            State::Rejected
        }
    }
    fn parse(s: &str) -> State {
        match s {
            "delivered" => State::Delivered,
            "failed" => State::Failed,
            "rejected" => State::Rejected,
            "held" => State::Held,
            "bounced" => State::Bounced,
            _ => State::InFlight,
        }
    }
}

/// One recorded attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// Idempotency key of the message.
    pub key: String,
    /// When (milliseconds since the Unix epoch).
    pub at_ms: i64,
    /// The backend (`-` for a hold decided before any backend).
    pub backend: String,
    /// `in_flight` (never confirmed: interrupted), `delivered`, `transient`,
    /// `permanent` or `held`.
    pub outcome: String,
    /// The receipt id, when delivered.
    pub receipt: Option<String>,
    /// Why it failed or was held.
    pub reason: Option<String>,
}

/// A message's line in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryStatus {
    /// State.
    pub state: State,
    /// Attempts made.
    pub attempts: u32,
    /// Was resent after an interrupted attempt: the receiver may have it twice
    /// (with the same Message-ID).
    pub possibly_duplicated: bool,
    /// Receipt id of the delivery.
    pub receipt: Option<String>,
    /// Hex SHA-256 of the content last handed to a backend
    /// ([`Message::content_hash`]); `None` for a message recorded by a
    /// vellum before the ledger kept hashes, or never sent.
    pub content_hash: Option<String>,
}

/// Counts over the whole ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Messages delivered.
    pub delivered: u64,
    /// Messages still in flight (interrupted and not yet rerun).
    pub in_flight: u64,
    /// Messages whose last attempt failed transiently.
    pub failed: u64,
    /// Messages rejected on their channel.
    pub rejected: u64,
    /// Messages held back.
    pub held: u64,
    /// Delivered messages that were resent after an interruption.
    pub possibly_duplicated: u64,
    /// Attempts recorded.
    pub attempts: u64,
    /// Attempts that failed transiently (retried).
    pub transient_failures: u64,
    /// Communications reported undeliverable.
    pub undeliverable: u64,
    /// Messages delivered and then bounced or returned.
    pub bounced: u64,
}

/// What [`Ledger::begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Begin {
    /// Recorded as in flight: send it. `resent` when a previous attempt was
    /// interrupted (possible duplicate).
    Send { attempt: i64, resent: bool },
    /// Already delivered: do not send.
    AlreadyDelivered,
}

/// Options for opening a ledger.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LedgerOptions {
    /// Sync every commit to disk (`synchronous=FULL`): an attempt recorded
    /// survives a power cut, not only a process crash. On by default; off
    /// trades that for throughput (WAL with `synchronous=NORMAL` still
    /// survives a killed process).
    pub durable: bool,
}

impl Default for LedgerOptions {
    fn default() -> LedgerOptions {
        LedgerOptions { durable: true }
    }
}

/// When and on which channel a communication was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivered {
    /// The channel that took it.
    pub channel: Channel,
    /// When its delivery was recorded.
    pub at: SystemTime,
}

impl Delivered {
    fn parse(channel: &str, at_ms: i64) -> Option<Delivered> {
        Some(Delivered {
            channel: Channel::parse(channel)?,
            at: UNIX_EPOCH + Duration::from_millis(at_ms.max(0) as u64),
        })
    }
}

/// An attempt's outcome as the ledger writes it.
struct Finished {
    outcome: &'static str,
    state: State,
    receipt: Option<String>,
    reason: Option<String>,
}

impl Finished {
    fn of(result: &Result<Receipt, DeliveryError>, final_on_channel: bool) -> Finished {
        match result {
            Ok(r) => Finished {
                outcome: "delivered",
                state: State::Delivered,
                receipt: Some(text(&r.id).into_owned()),
                reason: None,
            },
            Err(e) => Finished {
                outcome: if e.is_transient() {
                    "transient"
                } else {
                    "permanent"
                },
                state: if e.is_permanent() || final_on_channel {
                    State::Rejected
                } else {
                    State::Failed
                },
                receipt: None,
                reason: Some(text(e.message()).into_owned()),
            },
        }
    }
}

/// Text as the ledger keeps it: NUL (which PostgreSQL's `text` cannot
/// hold) as U+FFFD. Applied to what comes from outside vellum, a backend's
/// error or receipt id, before either store sees it, so both record the
/// same: a gateway answering with a NUL is recorded, not a ledger error
/// that leaves a delivered message in flight, to be sent again.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(s)
    }
}

pub(crate) fn now_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as i64
}

/// Where a ledger keeps its records: an SQLite file or a PostgreSQL
/// database, with the same statements' meaning.
trait Store: std::fmt::Debug + Send + Sync {
    /// Records an attempt as in flight unless already delivered.
    fn begin(
        &self,
        message: &Message,
        hash: &str,
        address: Option<&str>,
        backend: &str,
        now: SystemTime,
    ) -> Result<Begin, DeliveryError>;
    /// Records an attempt's outcome.
    fn finish(
        &self,
        key: &str,
        attempt: i64,
        result: &Result<Receipt, DeliveryError>,
        final_on_channel: bool,
        now: SystemTime,
    ) -> Result<(), DeliveryError>;
    /// Records a message not sent.
    fn record_skip(
        &self,
        message: Option<&Message>,
        key: &str,
        outcome: &str,
        reason: &str,
        now: SystemTime,
    ) -> Result<(), DeliveryError>;
    /// Records a communication's end state.
    fn record_communication(
        &self,
        key: &str,
        customer: &str,
        state: &str,
        reason: Option<&str>,
        now: SystemTime,
    ) -> Result<(), DeliveryError>;
    /// Records a communication as delivered when it has no line.
    fn ensure_delivered(
        &self,
        key: &str,
        customer: &str,
        now: SystemTime,
    ) -> Result<(), DeliveryError>;
    /// When and where a communication was delivered.
    fn delivered(&self, communication: &str) -> Result<Option<Delivered>, DeliveryError>;
    /// Communications delivered to a customer since a time.
    fn delivered_since(
        &self,
        customer: &str,
        since: SystemTime,
        except: &str,
        marketing_only: bool,
    ) -> Result<u32, DeliveryError>;
    /// A message's line.
    fn status(&self, key: &str) -> Result<Option<DeliveryStatus>, DeliveryError>;
    /// A message's attempts, oldest first.
    fn attempts(&self, key: &str) -> Result<Vec<Attempt>, DeliveryError>;
    /// Counts over the ledger.
    fn summary(&self) -> Result<Summary, DeliveryError>;
    /// The message an event answers.
    fn answered(&self, lookup: Lookup<'_>) -> Result<Option<Answered>, DeliveryError>;
    /// Records an event, its preference and bounce; false for a replay.
    fn record_event(&self, event: &EventRecord<'_>, now: SystemTime)
    -> Result<bool, DeliveryError>;
    /// A customer's standing preferences.
    fn standing(&self, customer: &str) -> Result<Standing, DeliveryError>;
    /// The response report.
    fn responses(&self) -> Result<Vec<Response>, DeliveryError>;
    /// The keys of the messages delivered (bounced or returned since, too)
    /// with a receipt id that starts with `prefix`, in key order.
    fn delivered_with_receipt(&self, prefix: &str) -> Result<Vec<String>, DeliveryError>;
}

/// The delivery ledger. Shared between threads; each call is one short
/// transaction, committed before it returns.
#[derive(Debug)]
pub struct Ledger {
    store: Box<dyn Store>,
}

impl Ledger {
    /// Opens (or creates) the SQLite ledger file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Ledger, DeliveryError> {
        Ledger::open_with(path, &LedgerOptions::default())
    }

    /// Opens (or creates) the SQLite ledger file with options.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: &LedgerOptions,
    ) -> Result<Ledger, DeliveryError> {
        let store = sqlite::Sqlite::open(path.as_ref(), options)?;
        Ok(Ledger {
            store: Box::new(store),
        })
    }

    /// A ledger in memory: for tests and previews; forgets everything on drop.
    pub fn in_memory() -> Result<Ledger, DeliveryError> {
        Ok(Ledger {
            store: Box::new(sqlite::Sqlite::in_memory()?),
        })
    }

    /// Connects to the ledger in the PostgreSQL database at `url`
    /// (`postgres://user:password@host:port/database`), applying vellum's
    /// migrations first. Several processes, on several machines, may share
    /// it. A URL without a password takes the `PGPASSWORD` environment
    /// variable's, as libpq does. Errors never show the password.
    #[cfg(feature = "postgres")]
    pub fn connect(url: &str) -> Result<Ledger, DeliveryError> {
        Ok(Ledger {
            store: Box::new(postgres::Postgres::connect(url)?),
        })
    }

    /// Records an attempt of `message` on `backend` as in flight, unless the
    /// message was already delivered. Committed before it returns.
    pub(crate) fn begin(
        &self,
        message: &Message,
        backend: &str,
        now: SystemTime,
    ) -> Result<Begin, DeliveryError> {
        // An email with a PDF is a few hundred KB: hashed before any lock.
        let hash = message.content_hash();
        let address = message.address_hash();
        self.store
            .begin(message, &hash, address.as_deref(), backend, now)
    }

    /// Records the outcome of an attempt begun with [`Ledger::begin`].
    pub(crate) fn finish(
        &self,
        key: &str,
        attempt: i64,
        result: &Result<Receipt, DeliveryError>,
        final_on_channel: bool,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        self.store
            .finish(key, attempt, result, final_on_channel, now)
    }

    /// Records a message that was not sent: held back or unbuildable.
    pub(crate) fn record_skip(
        &self,
        message: Option<&Message>,
        key: &str,
        outcome: &str,
        reason: &str,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        self.store
            .record_skip(message, key, outcome, &text(reason), now)
    }

    /// Records the end state of a communication: `delivered`, `held` or
    /// `undeliverable`, with the reason.
    pub(crate) fn record_communication(
        &self,
        key: &str,
        customer: &str,
        state: &str,
        reason: Option<&str>,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        let reason = reason.map(text);
        self.store
            .record_communication(key, customer, state, reason.as_deref(), now)
    }

    /// Records a communication found delivered (by its messages) as
    /// delivered, when it has no line yet: a process killed between its
    /// message's outcome and its own line left none. An existing line is
    /// kept as it is.
    pub(crate) fn ensure_delivered(
        &self,
        key: &str,
        customer: &str,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        self.store.ensure_delivered(key, customer, now)
    }

    /// The channel a communication was delivered on, if any.
    pub fn delivered_channel(&self, communication: &str) -> Result<Option<Channel>, DeliveryError> {
        Ok(self.store.delivered(communication)?.map(|d| d.channel))
    }

    /// When and on which channel a communication was delivered, if it was.
    pub(crate) fn delivered(
        &self,
        communication: &str,
    ) -> Result<Option<Delivered>, DeliveryError> {
        self.store.delivered(communication)
    }

    /// Communications delivered to `customer` since `since`, across channels,
    /// not counting `except` (the frequency cap). `marketing_only` counts only
    /// marketing communications.
    pub fn delivered_since(
        &self,
        customer: &str,
        since: SystemTime,
        except: &str,
        marketing_only: bool,
    ) -> Result<u32, DeliveryError> {
        self.store
            .delivered_since(customer, since, except, marketing_only)
    }

    /// The status of a message.
    pub fn status(&self, key: &str) -> Result<Option<DeliveryStatus>, DeliveryError> {
        self.store.status(key)
    }

    /// Every attempt recorded for a message, oldest first.
    pub fn attempts(&self, key: &str) -> Result<Vec<Attempt>, DeliveryError> {
        self.store.attempts(key)
    }

    /// Counts over the ledger.
    pub fn summary(&self) -> Result<Summary, DeliveryError> {
        self.store.summary()
    }

    /// The message an event answers, if the ledger has it.
    pub fn answered(&self, lookup: Lookup<'_>) -> Result<Option<Answered>, DeliveryError> {
        self.store.answered(lookup)
    }

    /// Records an event against its message, with the preference it leaves
    /// and, for a hard bounce or a returned envelope, the message and its
    /// communication as bounced; all in one transaction. False when an
    /// event with the same id was recorded before (a replay: nothing
    /// changes).
    pub(crate) fn record_event(
        &self,
        event: &EventRecord<'_>,
        now: SystemTime,
    ) -> Result<bool, DeliveryError> {
        self.store.record_event(event, now)
    }

    /// A customer's standing preferences (bounced addresses, withdrawn
    /// consent, unsubscribes), oldest first; empty when nothing came back.
    pub fn standing(&self, customer: &str) -> Result<Standing, DeliveryError> {
        self.store.standing(customer)
    }

    /// The response report: per run and design, messages sent and what
    /// came back (delivered, bounced, unsubscribed, replied, returned).
    pub fn responses(&self) -> Result<Vec<Response>, DeliveryError> {
        self.store.responses()
    }

    /// The keys of the messages delivered with a receipt id starting with
    /// `prefix`, in key order: a backend that puts a batch's mark into its
    /// receipts (the print spool) finds what the ledger says it took.
    pub(crate) fn delivered_with_receipt(
        &self,
        prefix: &str,
    ) -> Result<Vec<String>, DeliveryError> {
        self.store.delivered_with_receipt(prefix)
    }
}
