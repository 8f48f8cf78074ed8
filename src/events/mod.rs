//! What comes back from communications: SMTP bounces (RFC 3464 DSNs), SMS
//! delivery receipts and replies, one-click unsubscribes (RFC 8058), print
//! returns. Parsed into [`Event`]s, then recorded in the ledger against the
//! message each answers, updating the customer's standing preferences
//! ([`crate::model::Standing`]) that later runs' channel plans read.
//!
//! Everything here is outside input: hostile until checked. A parser
//! rejects what it cannot read with an [`EventError`] naming the place;
//! nothing is recorded from input that fails.
//!
//! The parsers, one per source: [`parse_dsn`], [`parse_sms_line`],
//! [`parse_request`] (with the unsubscribe token verified by the operator's
//! [`UnsubscribeKey`]), [`parse_returns`]; [`read`] and [`read_each`] take
//! a file or a directory of them.

mod dsn;
mod event;
mod ingest;
mod oneclick;
mod quote;
mod read;
mod returns;
mod sms;

pub use self::dsn::parse_dsn;
pub use self::event::{Event, EventError, EventKind, Subject};
pub use self::ingest::{Ingested, Rejected, ingest};
pub use self::oneclick::{MAX_REQUEST, parse_request};
pub use self::read::{FileEvents, read, read_each, read_file};
pub use self::returns::parse_returns;
pub use self::sms::{STOP_WORDS, is_stop, parse_sms_line};
pub use crate::message::{Claims, KeyError, TokenError, UnsubscribeKey, sign, verify};
