//! The ledger in an embedded SQLite file (no server): WAL, one short
//! transaction per call, prepared statements cached.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, params};

use super::sqlite_answers;
use super::{
    Answered, Attempt, Begin, Delivered, DeliveryStatus, EventRecord, Finished, LedgerOptions,
    Lookup, Response, State, Store, Summary, now_ms,
};
use crate::message::Message;
use crate::model::{DeliveryError, Receipt, Standing};

/// The ledger in an SQLite file. Shared between threads; each call is one
/// short transaction.
#[derive(Debug)]
pub(super) struct Sqlite {
    conn: Mutex<Connection>,
}

fn db_err(e: rusqlite::Error) -> DeliveryError {
    // The ledger must work for anything to be sent; callers stop on this.
    DeliveryError::transient(format!("ledger: {e}"))
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
CREATE INDEX IF NOT EXISTS messages_message_id ON messages(message_id);
CREATE INDEX IF NOT EXISTS messages_receipt ON messages(receipt);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    customer TEXT NOT NULL,
    design TEXT NOT NULL,
    run TEXT NOT NULL,
    channel TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    detail TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_run ON events(run, design);
CREATE TABLE IF NOT EXISTS preferences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    channel TEXT NOT NULL,
    scope TEXT NOT NULL,
    address TEXT,
    on_day TEXT NOT NULL,
    how TEXT NOT NULL,
    event TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS preferences_customer ON preferences(customer);
";

/// Indexes on columns added after the first schema (made by `add_column`).
const LATER_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS messages_address ON messages(address_hash, channel, updated_ms);
";

/// Adds the text column `column` to `messages` in a ledger made before it
/// existed (`content_hash`, `address_hash`); its rows keep `NULL` there
/// ("not recorded"). In one immediate transaction, so two processes opening
/// the same old file do not both add it.
fn add_column(conn: &Connection, column: &str) -> rusqlite::Result<()> {
    let has = |conn: &Connection| -> rusqlite::Result<bool> {
        let mut st = conn.prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = ?1")?;
        st.exists([column])
    };
    if has(conn)? {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let added = has(conn).and_then(|has| {
        if !has {
            conn.execute_batch(&format!("ALTER TABLE messages ADD COLUMN {column} TEXT"))?;
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

impl Sqlite {
    /// Opens (or creates) the ledger file at `path`.
    pub(super) fn open(path: &Path, options: &LedgerOptions) -> Result<Sqlite, DeliveryError> {
        let conn = Connection::open(path).map_err(|e| {
            DeliveryError::permanent(format!("cannot open the ledger `{}`: {e}", path.display()))
        })?;
        Sqlite::init(conn, options)
    }

    /// A ledger in memory.
    pub(super) fn in_memory() -> Result<Sqlite, DeliveryError> {
        let conn = Connection::open_in_memory().map_err(db_err)?;
        Sqlite::init(conn, &LedgerOptions::default())
    }

    fn init(conn: Connection, options: &LedgerOptions) -> Result<Sqlite, DeliveryError> {
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
        add_column(&conn, "content_hash").map_err(db_err)?;
        add_column(&conn, "address_hash").map_err(db_err)?;
        conn.execute_batch(LATER_INDEXES).map_err(db_err)?;
        Ok(Sqlite {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store for Sqlite {
    /// Records an attempt of `message` on `backend` as in flight, unless the
    /// message was already delivered. Committed before it returns.
    fn begin(
        &self,
        message: &Message,
        hash: &str,
        address: Option<&str>,
        backend: &str,
        now: SystemTime,
    ) -> Result<Begin, DeliveryError> {
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
                     content_hash = ?4, address_hash = ?5 WHERE key = ?1",
                )
                .map_err(db_err)?
                .execute(params![message.key, resent, ms, hash, address])
                .map_err(db_err)?;
                resent
            }
            None => {
                tx.prepare_cached("INSERT INTO messages (key, communication, customer, design, version, run, channel,
                     message_id, marketing, state, attempts, updated_ms, content_hash, address_hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'in_flight', 1, ?10, ?11, ?12)").map_err(db_err)?.execute(params![
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
                        hash,
                        address
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

    /// Records the outcome of an attempt begun with `begin`.
    fn finish(
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
        let Finished {
            outcome,
            state,
            receipt,
            reason,
        } = Finished::of(result, final_on_channel);
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
    fn record_skip(
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
            let state = State::of_skip(outcome);
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
    fn record_communication(
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
    fn ensure_delivered(
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

    fn delivered(&self, communication: &str) -> Result<Option<Delivered>, DeliveryError> {
        let row: Option<(String, i64)> = self
            .conn()
            .prepare_cached(
                "SELECT channel, updated_ms FROM messages WHERE communication = ?1
                 AND state = 'delivered' AND key NOT LIKE '%/archive' LIMIT 1",
            )
            .map_err(db_err)?
            .query_row([communication], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(db_err)?;
        Ok(row.and_then(|(c, at_ms)| Delivered::parse(&c, at_ms)))
    }

    /// Communications delivered to `customer` since `since`, across channels,
    /// not counting `except` (the frequency cap). `marketing_only` counts only
    /// marketing communications.
    fn delivered_since(
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
    fn status(&self, key: &str) -> Result<Option<DeliveryStatus>, DeliveryError> {
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
    fn attempts(&self, key: &str) -> Result<Vec<Attempt>, DeliveryError> {
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
    fn summary(&self) -> Result<Summary, DeliveryError> {
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
            bounced: count("SELECT count(*) FROM messages WHERE state = 'bounced'")?,
        })
    }

    fn answered(&self, lookup: Lookup<'_>) -> Result<Option<Answered>, DeliveryError> {
        sqlite_answers::answered(&self.conn(), lookup).map_err(db_err)
    }

    fn record_event(
        &self,
        event: &EventRecord<'_>,
        now: SystemTime,
    ) -> Result<bool, DeliveryError> {
        sqlite_answers::record_event(&mut self.conn(), event, now_ms(now)).map_err(db_err)
    }

    fn standing(&self, customer: &str) -> Result<Standing, DeliveryError> {
        sqlite_answers::standing(&self.conn(), customer).map_err(db_err)
    }

    fn responses(&self) -> Result<Vec<Response>, DeliveryError> {
        sqlite_answers::responses(&self.conn()).map_err(db_err)
    }

    /// The keys delivered with a receipt id starting with `prefix`.
    fn delivered_with_receipt(&self, prefix: &str) -> Result<Vec<String>, DeliveryError> {
        let conn = self.conn();
        let mut st = conn
            .prepare(
                "SELECT key FROM messages WHERE state IN ('delivered', 'bounced')
                 AND substr(receipt, 1, length(?1)) = ?1 ORDER BY key",
            )
            .map_err(db_err)?;
        let rows = st.query_map([prefix], |r| r.get(0)).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}
