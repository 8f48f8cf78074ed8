//! The ledger in PostgreSQL: the SQLite ledger's records and meaning, for
//! workers on several machines. A message's line is locked (`FOR UPDATE`)
//! while its attempt is recorded, so two workers never both begin the same
//! message unseen.
//!
//! PostgreSQL's `text` cannot hold NUL, which SQLite's can: every string
//! bound here goes through [`text`] (NUL as U+FFFD), so no value that SQLite
//! records (a design name, a run key, a backend's name) is a ledger error
//! here, and a lookup finds what was written with the same value.

mod answers;
mod migrate;
mod pool;

use std::time::SystemTime;

use postgres::Transaction;

pub(crate) use self::pool::{Conn, Pool};
use super::{
    Answered, Attempt, Begin, Delivered, DeliveryStatus, EventRecord, Finished, Lookup, Response,
    State, Store, Summary, now_ms, text,
};
use crate::message::Message;
use crate::model::{DeliveryError, Receipt, Standing};

/// The ledger's tables in one database.
#[derive(Debug)]
pub(super) struct Postgres {
    pool: Pool,
}

impl Postgres {
    /// Connects and migrates.
    pub(super) fn connect(url: &str) -> Result<Postgres, DeliveryError> {
        Ok(Postgres {
            pool: Pool::connect(url)?,
        })
    }
}

const INSERT_MESSAGE: &str = "INSERT INTO vellum_messages (key, communication, customer, design,
     version, run, channel, message_id, marketing, state, attempts, reason, updated_ms, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (key) DO NOTHING";

/// Inserts `m`'s line in `state`; false when another worker got there first.
#[allow(clippy::too_many_arguments)]
fn insert_message(
    tx: &mut Transaction<'_>,
    st: &postgres::Statement,
    m: &Message,
    state: State,
    attempts: i32,
    reason: Option<&str>,
    ms: i64,
    hash: Option<&str>,
) -> Result<bool, postgres::Error> {
    let n = tx.execute(
        st,
        &[
            &text(&m.key),
            &text(&m.communication),
            &text(&m.record),
            &text(&m.design),
            &text(&m.version),
            &text(&m.run),
            &m.channel.name(),
            &text(&m.message_id),
            &m.marketing,
            &state.as_str(),
            &attempts,
            &reason.map(text),
            &ms,
            &hash,
        ],
    )?;
    Ok(n == 1)
}

/// [`Store::begin`] in one round trip (`vellum_begin`, migration 3).
fn begin_in(
    c: &mut Conn,
    m: &Message,
    (hash, address): (&str, Option<&str>),
    backend: &str,
    ms: i64,
) -> Result<Begin, postgres::Error> {
    let st = c.prepare(
        "SELECT delivered, attempt, resent FROM vellum_begin($1, $2, $3, $4, $5, $6, $7, $8, $9,
         $10, $11, $12, $13)",
    )?;
    let row = c.client.query_one(
        &st,
        &[
            &text(&m.key),
            &text(&m.communication),
            &text(&m.record),
            &text(&m.design),
            &text(&m.version),
            &text(&m.run),
            &m.channel.name(),
            &text(&m.message_id),
            &m.marketing,
            &text(backend),
            &ms,
            &hash,
            &address,
        ],
    )?;
    Ok(if row.get(0) {
        Begin::AlreadyDelivered
    } else {
        Begin::Send {
            attempt: row.get(1),
            resent: row.get(2),
        }
    })
}

impl Store for Postgres {
    fn begin(
        &self,
        message: &Message,
        hash: &str,
        address: Option<&str>,
        backend: &str,
        now: SystemTime,
    ) -> Result<Begin, DeliveryError> {
        let ms = now_ms(now);
        self.pool.with("ledger", |c| {
            begin_in(c, message, (hash, address), backend, ms)
        })
    }

    fn finish(
        &self,
        key: &str,
        attempt: i64,
        result: &Result<Receipt, DeliveryError>,
        final_on_channel: bool,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        let f = Finished::of(result, final_on_channel);
        let ms = now_ms(now);
        self.pool.with("ledger", |c| {
            // One round trip: `vellum_finish` (migration 3).
            let st = c.prepare("SELECT vellum_finish($1, $2, $3, $4, $5, $6, $7)")?;
            c.client
                .execute(
                    &st,
                    &[
                        &attempt,
                        &text(key),
                        &f.outcome,
                        &f.state.as_str(),
                        &f.receipt,
                        &f.reason,
                        &ms,
                    ],
                )
                .map(drop)
        })
    }

    fn record_skip(
        &self,
        message: Option<&Message>,
        key: &str,
        outcome: &str,
        reason: &str,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        let ms = now_ms(now);
        self.pool.with("ledger", |c| {
            let insert = c.prepare(INSERT_MESSAGE)?;
            let update = c.prepare(
                "UPDATE vellum_messages SET state = $2, reason = $3, updated_ms = $4
                 WHERE key = $1 AND state <> 'delivered'",
            )?;
            let attempt = c.prepare(
                "INSERT INTO vellum_attempts (key, at_ms, backend, outcome, reason)
                 VALUES ($1, $2, '-', $3, $4)",
            )?;
            let mut tx = c.client.transaction()?;
            if let Some(m) = message {
                let state = State::of_skip(outcome);
                if !insert_message(&mut tx, &insert, m, state, 0, Some(reason), ms, None)? {
                    let (key, reason) = (text(&m.key), text(reason));
                    tx.execute(&update, &[&key, &state.as_str(), &reason, &ms])?;
                }
            }
            tx.execute(&attempt, &[&text(key), &ms, &outcome, &text(reason)])?;
            tx.commit()
        })
    }

    fn record_communication(
        &self,
        key: &str,
        customer: &str,
        state: &str,
        reason: Option<&str>,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        let ms = now_ms(now);
        self.pool.with("ledger", |c| {
            let st = c.prepare(
                "INSERT INTO vellum_communications (key, customer, state, reason, updated_ms)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET
                 state = excluded.state, reason = excluded.reason, updated_ms = excluded.updated_ms",
            )?;
            let (key, customer) = (text(key), text(customer));
            c.client
                .execute(&st, &[&key, &customer, &state, &reason.map(text), &ms])
                .map(drop)
        })
    }

    fn ensure_delivered(
        &self,
        key: &str,
        customer: &str,
        now: SystemTime,
    ) -> Result<(), DeliveryError> {
        let ms = now_ms(now);
        self.pool.with("ledger", |c| {
            let st = c.prepare(
                "INSERT INTO vellum_communications (key, customer, state, reason, updated_ms)
                 VALUES ($1, $2, 'delivered', NULL, $3) ON CONFLICT (key) DO NOTHING",
            )?;
            c.client
                .execute(&st, &[&text(key), &text(customer), &ms])
                .map(drop)
        })
    }

    fn delivered(&self, communication: &str) -> Result<Option<Delivered>, DeliveryError> {
        let row = self.pool.with("ledger", |c| {
            let st = c.prepare(
                "SELECT channel, updated_ms FROM vellum_messages WHERE communication = $1
                 AND state = 'delivered' AND key NOT LIKE '%/archive' LIMIT 1",
            )?;
            c.client.query_opt(&st, &[&text(communication)])
        })?;
        Ok(row.and_then(|r| Delivered::parse(r.get(0), r.get(1))))
    }

    fn delivered_since(
        &self,
        customer: &str,
        since: SystemTime,
        except: &str,
        marketing_only: bool,
    ) -> Result<u32, DeliveryError> {
        let since = now_ms(since);
        let n: i64 = self.pool.with("ledger", |c| {
            let st = c.prepare(
                "SELECT count(DISTINCT communication) FROM vellum_messages WHERE customer = $1
                 AND state = 'delivered' AND updated_ms >= $2 AND communication <> $3
                 AND key NOT LIKE '%/archive' AND (marketing OR NOT $4)",
            )?;
            let (customer, except) = (text(customer), text(except));
            Ok(c.client
                .query_one(&st, &[&customer, &since, &except, &marketing_only])?
                .get(0))
        })?;
        Ok(n as u32)
    }

    fn status(&self, key: &str) -> Result<Option<DeliveryStatus>, DeliveryError> {
        let row = self.pool.with("ledger", |c| {
            let st = c.prepare(
                "SELECT state, attempts, possibly_duplicated, receipt, content_hash
                 FROM vellum_messages WHERE key = $1",
            )?;
            c.client.query_opt(&st, &[&text(key)])
        })?;
        Ok(row.map(|r| DeliveryStatus {
            state: State::parse(r.get(0)),
            attempts: r.get::<_, i32>(1).max(0) as u32,
            possibly_duplicated: r.get(2),
            receipt: r.get(3),
            content_hash: r.get(4),
        }))
    }

    fn attempts(&self, key: &str) -> Result<Vec<Attempt>, DeliveryError> {
        let rows = self.pool.with("ledger", |c| {
            let st = c.prepare(
                "SELECT key, at_ms, backend, outcome, receipt, reason FROM vellum_attempts
                 WHERE key = $1 ORDER BY id",
            )?;
            c.client.query(&st, &[&text(key)])
        })?;
        Ok(rows
            .iter()
            .map(|r| Attempt {
                key: r.get(0),
                at_ms: r.get(1),
                backend: r.get(2),
                outcome: r.get(3),
                receipt: r.get(4),
                reason: r.get(5),
            })
            .collect())
    }

    fn summary(&self) -> Result<Summary, DeliveryError> {
        self.pool.with("ledger", |c| {
            let m = c.client.query_one(
                "SELECT count(*) FILTER (WHERE state = 'delivered'),
                        count(*) FILTER (WHERE state = 'in_flight'),
                        count(*) FILTER (WHERE state = 'failed'),
                        count(*) FILTER (WHERE state = 'rejected'),
                        count(*) FILTER (WHERE state = 'held'),
                        count(*) FILTER (WHERE state = 'delivered' AND possibly_duplicated)
                 FROM vellum_messages",
                &[],
            )?;
            let a = c.client.query_one(
                "SELECT count(*) FILTER (WHERE backend <> '-'),
                        count(*) FILTER (WHERE outcome = 'transient') FROM vellum_attempts",
                &[],
            )?;
            let u: i64 = c
                .client
                .query_one(
                    "SELECT count(*) FROM vellum_communications WHERE state = 'undeliverable'",
                    &[],
                )?
                .get(0);
            let b: i64 = c
                .client
                .query_one(
                    "SELECT count(*) FROM vellum_messages WHERE state = 'bounced'",
                    &[],
                )?
                .get(0);
            let n = |row: &postgres::Row, i: usize| row.get::<_, i64>(i) as u64;
            Ok(Summary {
                delivered: n(&m, 0),
                in_flight: n(&m, 1),
                failed: n(&m, 2),
                rejected: n(&m, 3),
                held: n(&m, 4),
                possibly_duplicated: n(&m, 5),
                attempts: n(&a, 0),
                transient_failures: n(&a, 1),
                undeliverable: u as u64,
                bounced: b as u64,
            })
        })
    }

    fn answered(&self, lookup: Lookup<'_>) -> Result<Option<Answered>, DeliveryError> {
        self.pool.with("ledger", |c| answers::answered(c, lookup))
    }

    fn record_event(
        &self,
        event: &EventRecord<'_>,
        now: SystemTime,
    ) -> Result<bool, DeliveryError> {
        let ms = now_ms(now);
        self.pool
            .with("ledger", |c| answers::record_event(c, event, ms))
    }

    fn standing(&self, customer: &str) -> Result<Standing, DeliveryError> {
        self.pool.with("ledger", |c| answers::standing(c, customer))
    }

    fn responses(&self) -> Result<Vec<Response>, DeliveryError> {
        self.pool.with("ledger", answers::responses)
    }

    fn delivered_with_receipt(&self, prefix: &str) -> Result<Vec<String>, DeliveryError> {
        let rows = self.pool.with("ledger", |c| {
            let st = c.prepare(
                "SELECT key FROM vellum_messages WHERE state IN ('delivered', 'bounced')
                 AND substr(receipt, 1, length($1::text)) = $1::text ORDER BY key",
            )?;
            c.client.query(&st, &[&text(prefix)])
        })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
