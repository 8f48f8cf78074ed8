//! What came back, as the ledger records it: events against the messages
//! they answer, the standing preferences they leave, and the counts of the
//! response report. The events layer parses outside input; this is where
//! it is kept, with the same meaning in SQLite and PostgreSQL.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Channel, Preference, Scope};

/// How an event finds the message it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// By `Message-ID` (with its angle brackets).
    MessageId(&'a str),
    /// By idempotency key.
    Key(&'a str),
    /// By the receipt a backend gave when it took the message.
    Receipt(&'a str),
    /// By the hash part of the `Message-ID` (32 hex digits), as an
    /// unsubscribe token carries it.
    MessageHash(&'a str),
    /// The latest message sent on `channel` to the address with this
    /// [`crate::model::address_hash`] (an inbound SMS names only its number).
    Address(Channel, &'a str),
}

/// The message an event answers, as the ledger knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answered {
    /// Its idempotency key.
    pub key: String,
    /// Its communication's key.
    pub communication: String,
    /// The customer.
    pub customer: String,
    /// The design.
    pub design: String,
    /// The run.
    pub run: String,
    /// The channel it went out on.
    pub channel: Channel,
    /// The hash of the address it went to, when the ledger has one.
    pub address: Option<String>,
}

/// An event to record, matched to its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRecord<'a> {
    /// The event's stable id (replays share it).
    pub id: &'a str,
    /// `delivered`, `bounced`, `replied`, `unsubscribed`, `returned`.
    pub kind: &'a str,
    /// When it happened (ms since the epoch).
    pub at_ms: i64,
    /// The message it answers.
    pub message: &'a Answered,
    /// What people read about it: `hard 5.1.1`, `stop`, `email marketing`
    /// (never the customer's text or address).
    pub detail: String,
    /// Where it came from (`file:line`).
    pub source: &'a str,
    /// The standing preference it leaves, if any.
    pub preference: Option<Preference>,
    /// It ends the message's delivery (a hard bounce, a returned
    /// envelope): the message and its communication are marked bounced, so
    /// the next run of the same key plans the communication again (its
    /// fallback, the bounced address being undeliverable).
    pub bounced: bool,
}

/// One line of the response report: what came back for a run and design.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The run key.
    pub run: String,
    /// The design.
    pub design: String,
    /// Messages delivered (the ledger's own record of handing them over).
    pub sent: u64,
    /// Delivery confirmed by the receiving side (SMS delivery receipts).
    pub delivered: u64,
    /// Bounces, hard and soft.
    pub bounced: u64,
    /// Of them, hard: the address is marked undeliverable.
    pub hard_bounced: u64,
    /// Unsubscribes (one-click) and SMS stop replies.
    pub unsubscribed: u64,
    /// Replies (an SMS stop reply counts here too).
    pub replied: u64,
    /// Envelopes returned by the post.
    pub returned: u64,
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sent, {} delivery confirmed, {} bounced ({} hard), {} returned, \
             {} unsubscribed, {} replied",
            self.sent,
            self.delivered,
            self.bounced,
            self.hard_bounced,
            self.returned,
            self.unsubscribed,
            self.replied
        )
    }
}

impl Response {
    /// Whether anything came back.
    pub fn has_events(&self) -> bool {
        self.delivered + self.bounced + self.returned + self.unsubscribed + self.replied > 0
    }

    /// Adds `n` events of `kind` (as [`EventRecord::kind`] names them),
    /// with `detail`.
    pub(crate) fn add(&mut self, kind: &str, detail: &str, n: u64) {
        match kind {
            "delivered" => self.delivered += n,
            "bounced" => {
                self.bounced += n;
                if detail.starts_with("hard") {
                    self.hard_bounced += n;
                }
            }
            "replied" => {
                self.replied += n;
                if detail == "stop" {
                    self.unsubscribed += n;
                }
            }
            "unsubscribed" => self.unsubscribed += n,
            "returned" => self.returned += n,
            _ => {}
        }
    }
}

/// The response report being added up, by run then design.
pub(crate) type Responses = BTreeMap<(String, String), Response>;

/// The line of `run` and `design` in `out`, made empty when it has none.
pub(crate) fn entry<'m>(out: &'m mut Responses, run: &str, design: &str) -> &'m mut Response {
    out.entry((run.to_owned(), design.to_owned()))
        .or_insert_with(|| Response {
            run: run.to_owned(),
            design: design.to_owned(),
            ..Response::default()
        })
}

/// A preference read back from its columns; `None` for a row this vellum
/// cannot read (a channel or scope a newer vellum wrote), which is skipped.
pub(crate) fn preference(
    channel: &str,
    scope: &str,
    address: Option<String>,
    on: &str,
    how: String,
) -> Option<Preference> {
    Some(Preference {
        channel: Channel::parse(channel)?,
        scope: Scope::parse(scope)?,
        address,
        on: crate::model::Date::parse(on)?,
        how,
    })
}
