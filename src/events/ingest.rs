//! Events recorded in the ledger against the messages they answer, each
//! with the standing preference it leaves: a hard bounce marks the address
//! undeliverable (and the message bounced, so the next run of its key falls
//! back), an SMS stop reply withdraws SMS, a one-click unsubscribe withdraws
//! marketing on its channel, a returned envelope marks the postal address
//! undeliverable.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::{Event, EventError, EventKind, Subject};
use crate::ledger::{Answered, EventRecord, Ledger, Lookup};
use crate::message::clean_line;
use crate::model::{Channel, Date, DeliveryError, Preference, Scope};

/// What ingesting a set of events came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ingested {
    /// Events recorded, by kind (`bounced`, `replied`, ...).
    pub recorded: BTreeMap<String, u64>,
    /// Events already recorded (the same input again, a replayed request):
    /// nothing changed.
    pub replayed: u64,
    /// Standing preferences the recorded events left.
    pub preferences: u64,
    /// Messages marked bounced (their communications plan again).
    pub bounced: u64,
    /// Events that answer no message the ledger has: not recorded.
    pub rejected: Vec<Rejected>,
}

/// An event not recorded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// Where it came from.
    pub source: String,
    /// Why.
    pub message: String,
}

impl Ingested {
    /// Events recorded, all kinds.
    pub fn total(&self) -> u64 {
        self.recorded.values().sum()
    }

    fn reject(&mut self, e: EventError) {
        self.rejected.push(Rejected {
            source: e.source,
            message: e.message,
        });
    }
}

/// Records `events` in `ledger`, each in its own transaction with what it
/// changes. An event for a message the ledger does not know is rejected
/// (in [`Ingested::rejected`]) and changes nothing; a replay changes
/// nothing. Fails only when the ledger does: then the events before the
/// failing one are recorded and the rest are not (ingesting the same input
/// again records exactly the rest).
pub fn ingest(
    ledger: &Ledger,
    events: &[Event],
    now: SystemTime,
) -> Result<Ingested, DeliveryError> {
    let mut out = Ingested::default();
    for e in events {
        let Some(message) = ledger.answered(lookup(&e.subject))? else {
            out.reject(unknown(e));
            continue;
        };
        let record = record_of(e, &message, now);
        if ledger.record_event(&record, now)? {
            *out.recorded.entry(e.kind.name().to_owned()).or_default() += 1;
            out.preferences += u64::from(record.preference.is_some());
            out.bounced += u64::from(record.bounced);
        } else {
            out.replayed += 1;
        }
    }
    Ok(out)
}

fn lookup(subject: &Subject) -> Lookup<'_> {
    match subject {
        Subject::MessageId(id) => Lookup::MessageId(id),
        Subject::Key(k) => Lookup::Key(k),
        Subject::Receipt(r) => Lookup::Receipt(r),
        Subject::Token { message } => Lookup::MessageHash(message),
        Subject::Sender(hash) => Lookup::Address(Channel::Sms, hash),
    }
}

fn unknown(e: &Event) -> EventError {
    let what = match &e.subject {
        Subject::MessageId(id) => format!("Message-ID {}", shown(id)),
        Subject::Key(k) => format!("idempotency key {}", shown(k)),
        Subject::Receipt(r) => format!("receipt {}", shown(r)),
        Subject::Token { .. } => "the unsubscribe token's message".to_owned(),
        Subject::Sender(_) => "the reply's phone number (no SMS was sent to it)".to_owned(),
    };
    EventError::new(
        e.source.clone(),
        format!(
            "{} event for a message the ledger does not have: {what}; not recorded",
            e.kind.name()
        ),
    )
}

/// Outside text, as an error quotes it: one line, at most 80 characters.
fn shown(s: &str) -> String {
    format!("{:?}", clean_line(s).chars().take(80).collect::<String>())
}

/// The ledger's record of `e` against `m`: its detail, the preference it
/// leaves, and whether it ends the message's delivery.
fn record_of<'a>(e: &'a Event, m: &'a Answered, now: SystemTime) -> EventRecord<'a> {
    let at_ms = e.at_ms.unwrap_or_else(|| crate::ledger::now_ms(now));
    let on = Date::of_utc(UNIX_EPOCH + Duration::from_millis(at_ms.max(0) as u64));
    let pref = |channel, scope, address: Option<String>, how: String| {
        Some(Preference {
            channel,
            scope,
            address,
            on,
            how,
        })
    };
    let (detail, preference, bounced) = match &e.kind {
        EventKind::Delivered => ("confirmed".to_owned(), None, false),
        EventKind::Bounce {
            hard: false,
            status,
            ..
        } => (format!("soft {}", short(status)), None, false),
        EventKind::Bounce {
            hard: true,
            status,
            recipient,
            ..
        } => {
            let address = recipient
                .as_deref()
                .map(|r| crate::model::address_hash(m.channel, r))
                .or_else(|| m.address.clone());
            let how = format!("hard bounce {}", short(status));
            (
                format!("hard {}", short(status)),
                pref(m.channel, Scope::Undeliverable, address, how),
                true,
            )
        }
        EventKind::Reply { stop: true, text } => {
            let how = format!("SMS reply {}", shown(text.trim()));
            (
                "stop".to_owned(),
                pref(Channel::Sms, Scope::All, None, how),
                false,
            )
        }
        EventKind::Reply { stop: false, .. } => ("other".to_owned(), None, false),
        EventKind::Unsubscribe { channel, scope } => (
            format!("{channel} {}", scope.name()),
            pref(*channel, *scope, None, "one-click".to_owned()),
            false,
        ),
        EventKind::Returned { reason } => {
            let how = format!("returned envelope: {}", short(reason));
            (
                short(reason),
                pref(Channel::Print, Scope::Undeliverable, m.address.clone(), how),
                true,
            )
        }
    };
    EventRecord {
        id: &e.id,
        kind: e.kind.name(),
        at_ms,
        message: m,
        detail,
        source: &e.source,
        preference,
        bounced,
    }
}

/// A status or reason from outside: one line, at most 60 characters.
fn short(s: &str) -> String {
    clean_line(s).chars().take(60).collect()
}
