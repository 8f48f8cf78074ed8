//! The SQLite statements for what came back: finding the message an event
//! answers, recording the event with the preference it leaves, a
//! customer's standing, the response report.

use rusqlite::{Connection, OptionalExtension, params};

use super::answers::{Answered, EventRecord, Lookup, Response, Responses, entry, preference};
use crate::model::{Channel, Standing};

const ANSWERED: &str =
    "SELECT key, communication, customer, design, run, channel, address_hash FROM messages";

/// The message `lookup` names, if the ledger has it (never an archive copy).
pub(super) fn answered(
    conn: &Connection,
    lookup: Lookup<'_>,
) -> rusqlite::Result<Option<Answered>> {
    let (filter, a, b): (&str, String, String) = match lookup {
        Lookup::MessageId(id) => ("message_id = ?1 AND ?2 = ''", id.into(), String::new()),
        Lookup::Key(k) => ("key = ?1 AND ?2 = ''", k.into(), String::new()),
        Lookup::Receipt(r) => ("receipt = ?1 AND ?2 = ''", r.into(), String::new()),
        Lookup::MessageHash(h) => {
            if h.len() != 32 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Ok(None);
            }
            // `<hash@domain>` sorts between these two: the index serves it.
            let lo = format!("<{}@", h.to_ascii_lowercase());
            let hi = format!("{lo}\u{10FFFF}");
            ("message_id >= ?1 AND message_id < ?2", lo, hi)
        }
        Lookup::Address(channel, hash) => (
            "address_hash = ?1 AND channel = ?2 AND state IN ('delivered', 'bounced')",
            hash.into(),
            channel.name().into(),
        ),
    };
    conn.prepare_cached(&format!(
        "{ANSWERED} WHERE {filter} AND key NOT LIKE '%/archive' ORDER BY updated_ms DESC LIMIT 1"
    ))?
    .query_row(params![a, b], row)
    .optional()
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Answered> {
    let channel: String = r.get(5)?;
    Ok(Answered {
        key: r.get(0)?,
        communication: r.get(1)?,
        customer: r.get(2)?,
        design: r.get(3)?,
        run: r.get(4)?,
        channel: Channel::parse(&channel).unwrap_or(Channel::Email),
        address: r.get(6)?,
    })
}

/// Records `e` unless an event with its id is recorded: false for a replay
/// (nothing changes). The preference and the bounce in the same
/// transaction as the event.
pub(super) fn record_event(
    conn: &mut Connection,
    e: &EventRecord<'_>,
    now_ms: i64,
) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    let m = e.message;
    let n = tx
        .prepare_cached(
            "INSERT INTO events (id, kind, key, customer, design, run, channel, at_ms, detail,
             source, recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(id) DO NOTHING",
        )?
        .execute(params![
            e.id,
            e.kind,
            m.key,
            m.customer,
            m.design,
            m.run,
            m.channel.name(),
            e.at_ms,
            e.detail,
            e.source,
            now_ms
        ])?;
    if n == 0 {
        return Ok(false);
    }
    if let Some(p) = &e.preference {
        tx.prepare_cached(
            "INSERT INTO preferences (customer, channel, scope, address, on_day, how, event,
             recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            m.customer,
            p.channel.name(),
            p.scope.name(),
            p.address,
            p.on.to_string(),
            p.how,
            e.id,
            now_ms
        ])?;
    }
    if e.bounced {
        bounce(&tx, m, &e.detail, now_ms)?;
    }
    tx.commit()?;
    Ok(true)
}

/// Marks a delivered message and its communication bounced.
fn bounce(
    tx: &rusqlite::Transaction<'_>,
    m: &Answered,
    why: &str,
    now_ms: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE messages SET state = 'bounced', reason = ?2, updated_ms = ?3
         WHERE key = ?1 AND state = 'delivered'",
    )?
    .execute(params![m.key, why, now_ms])?;
    tx.prepare_cached(
        "UPDATE communications SET state = 'bounced', reason = ?2, updated_ms = ?3
         WHERE key = ?1 AND state = 'delivered'",
    )?
    .execute(params![m.communication, why, now_ms])?;
    Ok(())
}

/// A customer's standing preferences, oldest first.
pub(super) fn standing(conn: &Connection, customer: &str) -> rusqlite::Result<Standing> {
    let mut st = conn.prepare_cached(
        "SELECT channel, scope, address, on_day, how FROM preferences WHERE customer = ?1
         ORDER BY id",
    )?;
    let rows = st.query_map([customer], |r| {
        Ok(preference(
            &r.get::<_, String>(0)?,
            &r.get::<_, String>(1)?,
            r.get(2)?,
            &r.get::<_, String>(3)?,
            r.get(4)?,
        ))
    })?;
    let mut preferences = Vec::new();
    for p in rows {
        preferences.extend(p?);
    }
    Ok(Standing { preferences })
}

/// The response report: per run and design, what was sent and what came
/// back, by run then design.
pub(super) fn responses(conn: &Connection) -> rusqlite::Result<Vec<Response>> {
    let mut out = Responses::new();
    let mut sent = conn.prepare(
        "SELECT run, design, count(*) FROM messages WHERE state IN ('delivered', 'bounced')
         AND key NOT LIKE '%/archive' GROUP BY run, design",
    )?;
    for r in sent.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?)))? {
        let (run, design, n): (String, String, i64) = r?;
        entry(&mut out, &run, &design).sent += n as u64;
    }
    let mut events = conn.prepare(
        "SELECT run, design, kind, CASE WHEN detail LIKE 'hard%' THEN 'hard' ELSE detail END,
         count(*) FROM events GROUP BY 1, 2, 3, 4",
    )?;
    for r in events.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })? {
        let (run, design, kind, detail, n) = r?;
        entry(&mut out, &run, &design).add(&kind, &detail, n as u64);
    }
    Ok(out.into_values().collect())
}
