//! The ledger: a durable record of every delivery attempt, in an embedded
//! SQLite database (a file; no server).
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

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::message::Message;
use crate::model::Channel;
use crate::model::{DeliveryError, Receipt};

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
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::InFlight => "in_flight",
            State::Delivered => "delivered",
            State::Failed => "failed",
            State::Rejected => "rejected",
            State::Held => "held",
        }
    }
    fn parse(s: &str) -> State {
        match s {
            "delivered" => State::Delivered,
            "failed" => State::Failed,
            "rejected" => State::Rejected,
            "held" => State::Held,
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

/// The delivery ledger (SQLite). Shared between threads; each call is one
/// short transaction.
#[derive(Debug)]
pub struct Ledger {
    conn: Mutex<Connection>,
}

fn db_err(e: rusqlite::Error) -> DeliveryError {
    // The ledger must work for anything to be sent; callers stop on this.
    DeliveryError::transient(format!("ledger: {e}"))
}

pub(crate) fn now_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as i64
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages (
    key TEXT PRIMARY KEY,
    communication TEXT NOT NULL,
    customer TEXT NOT NULL,
    design TEXT NOT NULL,
    version TEXT NOT NULL,
    run TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    marketing INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    possibly_duplicated INTEGER NOT NULL DEFAULT 0,
    receipt TEXT,
    reason TEXT,
    updated_ms INTEGER NOT NULL,
    content_hash TEXT
);
CREATE INDEX IF NOT EXISTS messages_comm ON messages(communication);
CREATE INDEX IF NOT EXISTS messages_customer ON messages(customer, state, updated_ms);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    backend TEXT NOT NULL,
    outcome TEXT NOT NULL,
    receipt TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS attempts_key ON attempts(key);
CREATE TABLE IF NOT EXISTS communications (
    key TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    updated_ms INTEGER NOT NULL
);
";

/// Adds `messages.content_hash` to a ledger made before it existed; its
/// rows keep `NULL` there ("no hash recorded"). In one immediate
/// transaction, so two processes opening the same old file do not both add
/// it.
fn add_content_hash(conn: &Connection) -> rusqlite::Result<()> {
    let has = |conn: &Connection| -> rusqlite::Result<bool> {
        let mut st = conn
            .prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = 'content_hash'")?;
        st.exists([])
    };
    if has(conn)? {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let added = has(conn).and_then(|has| {
        if !has {
            conn.execute_batch("ALTER TABLE messages ADD COLUMN content_hash TEXT")?;
        }
        Ok(())
    });
    match added {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Ledger {
    /// Opens (or creates) the ledger file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Ledger, DeliveryError> {
        Ledger::open_with(path, &LedgerOptions::default())
    }

    /// Opens (or creates) the ledger file with options.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: &LedgerOptions,
    ) -> Result<Ledger, DeliveryError> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|e| {
            DeliveryError::permanent(format!("cannot open the ledger `{}`: {e}", path.display()))
        })?;
        Ledger::init(conn, options)
    }

    /// A ledger in memory: for tests and previews; forgets everything on drop.
    pub fn in_memory() -> Result<Ledger, DeliveryError> {
        let conn = Connection::open_in_memory().map_err(db_err)?;
        Ledger::init(conn, &LedgerOptions::default())
    }

    fn init(conn: Connection, options: &LedgerOptions) -> Result<Ledger, DeliveryError> {
        conn.busy_timeout(Duration::from_secs(30)).map_err(db_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(
            None,
            "synchronous",
            if options.durable { "FULL" } else { "NORMAL" },
        )
        .map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        add_content_hash(&conn).map_err(db_err)?;
        Ok(Ledger {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an attempt of `message` on `backend` as in flight, unless the
    /// message was already delivered. Committed before it returns.
    pub(crate) fn begin(
        &self,
        message: &Message,
        backend: &str,
        now: SystemTime,
    ) -> Result<Begin, DeliveryError> {
        // Hashed before the lock: an email with a PDF is a few hundred KB.
        let hash = message.content_hash();
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_err)?;
        let state: Option<String> = tx
            .prepare_cached("SELECT state FROM messages WHERE key = ?1")
            .map_err(db_err)?
            .query_row([&message.key], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        let ms = now_ms(now);
        let resent = match state.as_deref() {
            Some("delivered") => return Ok(Begin::AlreadyDelivered),
            Some(s) => {
                let resent = s == "in_flight";
                tx.prepare_cached(
                    "UPDATE messages SET state = 'in_flight', attempts = attempts + 1,
                     possibly_duplicated = possibly_duplicated OR ?2, updated_ms = ?3,
                     content_hash = ?4 WHERE key = ?1",
                )
                .map_err(db_err)?
                .execute(params![message.key, resent, ms, hash])
                .map_err(db_err)?;
                resent
            }
            None => {
                tx.prepare_cached("INSERT INTO messages (key, communication, customer, design, version, run, channel,
                     message_id, marketing, state, attempts, updated_ms, content_hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'in_flight', 1, ?10, ?11)").map_err(db_err)?.execute(params![
                        message.key,
                        message.communication,
                        message.record,
                        message.design,
                        message.version,
                        message.run,
                        message.channel.name(),
                        message.message_id,
                        message.marketing,
                        ms,
                        hash
                    ])
                .map_err(db_err)?;
                false
            }
        };
        tx.prepare_cached(
            "INSERT INTO attempts (key, at_ms, backend, outcome) VALUES (?1, ?2, ?3, 'in_flight')",
        )
        .map_err(db_err)?
        .execute(params![message.key, ms, backend])
        .map_err(db_err)?;
        let attempt = tx.last_insert_rowid();
        tx.commit().map_err(db_err)?;
        Ok(Begin::Send { attempt, resent })
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
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_err)?;
        let ms = now_ms(now);
        let (outcome, state, receipt, reason) = match result {
            Ok(r) => ("delivered", State::Delivered, Some(r.id.clone()), None),
            Err(e) => {
                let state = if e.is_permanent() || final_on_channel {
                    State::Rejected
                } else {
                    State::Failed
                };
                let outcome = if e.is_transient() {
                    "transient"
                } else {
                    "permanent"
                };
                (outcome, state, None, Some(e.message().to_owned()))
            }
        };
        tx.prepare_cached(
            "UPDATE attempts SET outcome = ?2, receipt = ?3, reason = ?4 WHERE id = ?1",
        )
        .map_err(db_err)?
        .execute(params![attempt, outcome, receipt, reason])
        .map_err(db_err)?;
        tx.prepare_cached("UPDATE messages SET state = ?2, receipt = coalesce(?3, receipt), reason = ?4, updated_ms = ?5
             WHERE key = ?1").map_err(db_err)?.execute(params![key, state.as_str(), receipt, reason, ms])
        .map_err(db_err)?;
        tx.commit().map_err(db_err)
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
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_err)?;
        let ms = now_ms(now);
        if let Some(m) = message {
            let state = if outcome == "held" {
                State::Held
            } else {
                State::Rejected
            };
            tx.prepare_cached(
                "INSERT INTO messages (key, communication, customer, design, version, run, channel,
                 message_id, marketing, state, attempts, reason, updated_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12)
                 ON CONFLICT(key) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                 updated_ms = excluded.updated_ms WHERE messages.state != 'delivered'",
            )
            .map_err(db_err)?
            .execute(params![
                m.key,
                m.communication,
                m.record,
                m.design,
                m.version,
                m.run,
                m.channel.name(),
                m.message_id,
                m.marketing,
                state.as_str(),
                reason,
                ms
            ])
            .map_err(db_err)?;
        }
        tx.prepare_cached("INSERT INTO attempts (key, at_ms, backend, outcome, reason) VALUES (?1, ?2, '-', ?3, ?4)").map_err(db_err)?.execute(params![key, ms, outcome, reason])
        .map_err(db_err)?;
        tx.commit().map_err(db_err)
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
        self.conn()
            .prepare_cached("INSERT INTO communications (key, customer, state, reason, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(key) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                 updated_ms = excluded.updated_ms").map_err(db_err)?.execute(params![key, customer, state, reason, now_ms(now)])
            .map_err(db_err)?;
        Ok(())
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
        self.conn()
            .prepare_cached(
                "INSERT INTO communications (key, customer, state, reason, updated_ms)
                 VALUES (?1, ?2, 'delivered', NULL, ?3) ON CONFLICT(key) DO NOTHING",
            )
            .map_err(db_err)?
            .execute(params![key, customer, now_ms(now)])
            .map_err(db_err)?;
        Ok(())
    }

    /// The channel a communication was delivered on, if any.
    pub fn delivered_channel(&self, communication: &str) -> Result<Option<Channel>, DeliveryError> {
        let ch: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT channel FROM messages WHERE communication = ?1 AND state = 'delivered'
                 AND key NOT LIKE '%/archive' LIMIT 1",
            )
            .map_err(db_err)?
            .query_row([communication], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        Ok(ch.and_then(|c| Channel::parse(&c)))
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
        let n: i64 = self
            .conn()
            .prepare_cached(
                "SELECT count(DISTINCT communication) FROM messages WHERE customer = ?1
                 AND state = 'delivered' AND updated_ms >= ?2 AND communication != ?3
                 AND key NOT LIKE '%/archive' AND (marketing = 1 OR ?4 = 0)",
            )
            .map_err(db_err)?
            .query_row(
                params![customer, now_ms(since), except, marketing_only],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        Ok(n as u32)
    }

    /// The status of a message.
    pub fn status(&self, key: &str) -> Result<Option<DeliveryStatus>, DeliveryError> {
        self.conn()
            .prepare_cached(
                "SELECT state, attempts, possibly_duplicated, receipt, content_hash
                 FROM messages WHERE key = ?1",
            )
            .map_err(db_err)?
            .query_row([key], |r| {
                Ok(DeliveryStatus {
                    state: State::parse(&r.get::<_, String>(0)?),
                    attempts: r.get(1)?,
                    possibly_duplicated: r.get(2)?,
                    receipt: r.get(3)?,
                    content_hash: r.get(4)?,
                })
            })
            .optional()
            .map_err(db_err)
    }

    /// Every attempt recorded for a message, oldest first.
    pub fn attempts(&self, key: &str) -> Result<Vec<Attempt>, DeliveryError> {
        let conn = self.conn();
        let mut st = conn
            .prepare("SELECT key, at_ms, backend, outcome, receipt, reason FROM attempts WHERE key = ?1 ORDER BY id")
            .map_err(db_err)?;
        let rows = st
            .query_map([key], |r| {
                Ok(Attempt {
                    key: r.get(0)?,
                    at_ms: r.get(1)?,
                    backend: r.get(2)?,
                    outcome: r.get(3)?,
                    receipt: r.get(4)?,
                    reason: r.get(5)?,
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }

    /// Counts over the ledger.
    pub fn summary(&self) -> Result<Summary, DeliveryError> {
        let conn = self.conn();
        let count = |sql: &str| -> Result<u64, DeliveryError> {
            conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(db_err)
        };
        Ok(Summary {
            delivered: count("SELECT count(*) FROM messages WHERE state = 'delivered'")?,
            in_flight: count("SELECT count(*) FROM messages WHERE state = 'in_flight'")?,
            failed: count("SELECT count(*) FROM messages WHERE state = 'failed'")?,
            rejected: count("SELECT count(*) FROM messages WHERE state = 'rejected'")?,
            held: count("SELECT count(*) FROM messages WHERE state = 'held'")?,
            possibly_duplicated: count(
                "SELECT count(*) FROM messages WHERE state = 'delivered' AND possibly_duplicated",
            )?,
            attempts: count("SELECT count(*) FROM attempts WHERE backend != '-'")?,
            transient_failures: count("SELECT count(*) FROM attempts WHERE outcome = 'transient'")?,
            undeliverable: count(
                "SELECT count(*) FROM communications WHERE state = 'undeliverable'",
            )?,
        })
    }
}
