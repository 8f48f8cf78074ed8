//! One thing that came back from a communication: a bounce, a delivery
//! receipt, a reply, an unsubscribe, a returned envelope. Parsers turn
//! outside input into these; ingest records them against the message they
//! answer.

use std::fmt;

use serde::Serialize;

use crate::model::{Channel, Scope};

/// An event, parsed from outside input and not yet matched to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// A stable id: the same input gives the same id, so ingesting a file
    /// twice (or a replayed request) records nothing the second time.
    /// A SHA-256 (hex) of the source's own identity of the event.
    pub id: String,
    /// When it happened, milliseconds since the Unix epoch, as the source
    /// says (a DSN's `Arrival-Date`, a receipt's timestamp); `None` when it
    /// says nothing (ingest then uses the clock).
    pub at_ms: Option<i64>,
    /// The message it answers.
    pub subject: Subject,
    /// What happened.
    pub kind: EventKind,
    /// Where it came from, for errors and the ledger: `file:line`, or
    /// `file` for a whole-file event.
    pub source: String,
}

/// How an event names the message it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum Subject {
    /// An email's `Message-ID` (with the angle brackets).
    MessageId(String),
    /// vellum's idempotency key (a print shop's returns list, an SMS
    /// gateway given it as the client reference).
    Key(String),
    /// The id a backend returned when it took the message (the SMS
    /// gateway's message id), as the ledger recorded it as the receipt.
    Receipt(String),
    /// A verified unsubscribe token: the message it was issued in, by the
    /// hash part of its `Message-ID`.
    Token {
        /// The first 32 hex digits of the message's `Message-ID`.
        message: String,
    },
    /// An inbound SMS from a phone number, answering the latest SMS sent to
    /// it: the [`crate::model::address_hash`] of the number.
    Sender(String),
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The receiving side confirmed delivery (an SMS delivery receipt).
    Delivered,
    /// The message did not reach the recipient.
    Bounce {
        /// Permanent (5.x.x, an SMS `undeliverable`): the address is
        /// marked undeliverable. A soft bounce is recorded, nothing more.
        hard: bool,
        /// The status, e.g. `5.1.1`, or the gateway's error code.
        status: String,
        /// The remote server's words, if given (`smtp; 550 5.1.1 ...`).
        diagnostic: Option<String>,
        /// The recipient as the report gives it.
        recipient: Option<String>,
    },
    /// The customer replied (an inbound SMS).
    Reply {
        /// What they wrote (kept in the ledger only as its stop/other
        /// meaning; the text is not stored).
        text: String,
        /// The reply is a stop word in one of the shipped locales.
        stop: bool,
    },
    /// A one-click unsubscribe (RFC 8058) with a verified token.
    Unsubscribe {
        /// The channel unsubscribed from.
        channel: Channel,
        /// What is withdrawn.
        scope: Scope,
    },
    /// The print shop returned an envelope as undeliverable.
    Returned {
        /// The return reason as the shop's list gives it (`moved`,
        /// `unknown address`, ...).
        reason: String,
    },
}

impl EventKind {
    /// The kind's name, as reports count it: `delivered`, `bounced`,
    /// `replied`, `unsubscribed`, `returned`.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Delivered => "delivered",
            EventKind::Bounce { .. } => "bounced",
            EventKind::Reply { .. } => "replied",
            EventKind::Unsubscribe { .. } => "unsubscribed",
            EventKind::Returned { .. } => "returned",
        }
    }
}

/// Input that is not an event vellum can take, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    /// Where: `file:line`, or `file`.
    pub source: String,
    /// What is wrong, quoting the offending input (shortened).
    pub message: String,
}

impl EventError {
    /// An error at `source`.
    pub fn new(source: impl Into<String>, message: impl Into<String>) -> EventError {
        EventError {
            source: source.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for EventError {}
