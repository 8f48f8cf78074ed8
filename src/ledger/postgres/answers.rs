//! The PostgreSQL statements for what came back, with the meaning of the
//! SQLite ones (`ledger/sqlite_answers.rs`): the message an event answers,
//! the event with the preference it leaves, a customer's standing, the
//! response report.

use super::{Conn, text};
use crate::ledger::answers::{
    Answered, EventRecord, Lookup, Response, Responses, entry, preference,
};
use crate::model::{Channel, Standing};

const BY_MESSAGE_ID: &str =
    "SELECT key, communication, customer, design, run, channel, address_hash
     FROM vellum_messages WHERE message_id = $1 AND $2 = '' AND key NOT LIKE '%/archive'
     ORDER BY updated_ms DESC LIMIT 1";
const BY_KEY: &str = "SELECT key, communication, customer, design, run, channel, address_hash
     FROM vellum_messages WHERE key = $1 AND $2 = '' AND key NOT LIKE '%/archive'
     ORDER BY updated_ms DESC LIMIT 1";
const BY_RECEIPT: &str = "SELECT key, communication, customer, design, run, channel, address_hash
     FROM vellum_messages WHERE receipt = $1 AND $2 = '' AND key NOT LIKE '%/archive'
     ORDER BY updated_ms DESC LIMIT 1";
const BY_HASH: &str = "SELECT key, communication, customer, design, run, channel, address_hash
     FROM vellum_messages WHERE starts_with(message_id, $1) AND $2 = ''
     AND key NOT LIKE '%/archive' ORDER BY updated_ms DESC LIMIT 1";
const BY_ADDRESS: &str = "SELECT key, communication, customer, design, run, channel, address_hash
     FROM vellum_messages WHERE address_hash = $1 AND channel = $2
     AND state IN ('delivered', 'bounced') AND key NOT LIKE '%/archive'
     ORDER BY updated_ms DESC LIMIT 1";

/// The message `lookup` names, if the ledger has it (never an archive copy).
pub(super) fn answered(
    c: &mut Conn,
    lookup: Lookup<'_>,
) -> Result<Option<Answered>, postgres::Error> {
    let (sql, a, b): (&'static str, String, String) = match lookup {
        Lookup::MessageId(id) => (BY_MESSAGE_ID, text(id).into(), String::new()),
        Lookup::Key(k) => (BY_KEY, text(k).into(), String::new()),
        Lookup::Receipt(r) => (BY_RECEIPT, text(r).into(), String::new()),
        Lookup::MessageHash(h) => {
            if h.len() != 32 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Ok(None);
            }
            // A prefix, not a range: the database's collation may not
            // order `<` and `@` by bytes. (A scan: unsubscribes are few.)
            (
                BY_HASH,
                format!("<{}@", h.to_ascii_lowercase()),
                String::new(),
            )
        }
        Lookup::Address(channel, hash) => (BY_ADDRESS, text(hash).into(), channel.name().into()),
    };
    let st = c.prepare(sql)?;
    let row = c.client.query_opt(&st, &[&a, &b])?;
    Ok(row.map(|r| Answered {
        key: r.get(0),
        communication: r.get(1),
        customer: r.get(2),
        design: r.get(3),
        run: r.get(4),
        channel: Channel::parse(r.get(5)).unwrap_or(Channel::Email),
        address: r.get(6),
    }))
}

/// Records `e` unless an event with its id is recorded: false for a replay.
pub(super) fn record_event(
    c: &mut Conn,
    e: &EventRecord<'_>,
    now_ms: i64,
) -> Result<bool, postgres::Error> {
    let insert = c.prepare(
        "INSERT INTO vellum_events (id, kind, key, customer, design, run, channel, at_ms, detail,
         source, recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO NOTHING",
    )?;
    let pref = c.prepare(
        "INSERT INTO vellum_preferences (customer, channel, scope, address, on_day, how, event,
         recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )?;
    let bounce_message = c.prepare(
        "UPDATE vellum_messages SET state = 'bounced', reason = $2, updated_ms = $3
         WHERE key = $1 AND state = 'delivered'",
    )?;
    let bounce_communication = c.prepare(
        "UPDATE vellum_communications SET state = 'bounced', reason = $2, updated_ms = $3
         WHERE key = $1 AND state = 'delivered'",
    )?;
    let m = e.message;
    let mut tx = c.client.transaction()?;
    let n = tx.execute(
        &insert,
        &[
            &text(e.id),
            &text(e.kind),
            &text(&m.key),
            &text(&m.customer),
            &text(&m.design),
            &text(&m.run),
            &m.channel.name(),
            &e.at_ms,
            &text(&e.detail),
            &text(e.source),
            &now_ms,
        ],
    )?;
    if n == 0 {
        return Ok(false);
    }
    if let Some(p) = &e.preference {
        tx.execute(
            &pref,
            &[
                &text(&m.customer),
                &p.channel.name(),
                &p.scope.name(),
                &p.address.as_deref().map(text),
                &p.on.to_string(),
                &text(&p.how),
                &text(e.id),
                &now_ms,
            ],
        )?;
    }
    if e.bounced {
        let why = text(&e.detail);
        tx.execute(&bounce_message, &[&text(&m.key), &why, &now_ms])?;
        tx.execute(
            &bounce_communication,
            &[&text(&m.communication), &why, &now_ms],
        )?;
    }
    tx.commit()?;
    Ok(true)
}

/// A customer's standing preferences, oldest first.
pub(super) fn standing(c: &mut Conn, customer: &str) -> Result<Standing, postgres::Error> {
    let st = c.prepare(
        "SELECT channel, scope, address, on_day, how FROM vellum_preferences
         WHERE customer = $1 ORDER BY id",
    )?;
    let rows = c.client.query(&st, &[&text(customer)])?;
    Ok(Standing {
        preferences: rows
            .iter()
            .filter_map(|r| preference(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect(),
    })
}

/// The response report, by run then design.
pub(super) fn responses(c: &mut Conn) -> Result<Vec<Response>, postgres::Error> {
    let mut out = Responses::new();
    let sent = c.client.query(
        "SELECT run, design, count(*) FROM vellum_messages
         WHERE state IN ('delivered', 'bounced') AND key NOT LIKE '%/archive' GROUP BY run, design",
        &[],
    )?;
    for r in &sent {
        entry(&mut out, r.get(0), r.get(1)).sent += r.get::<_, i64>(2) as u64;
    }
    let events = c.client.query(
        "SELECT run, design, kind, CASE WHEN detail LIKE 'hard%' THEN 'hard' ELSE detail END,
         count(*) FROM vellum_events GROUP BY 1, 2, 3, 4",
        &[],
    )?;
    for r in &events {
        entry(&mut out, r.get(0), r.get(1)).add(r.get(2), r.get(3), r.get::<_, i64>(4) as u64);
    }
    Ok(out.into_values().collect())
}
