//! What comes back from communications: SMTP bounces (RFC 3464 DSNs), SMS
//! delivery receipts and replies, one-click unsubscribes (RFC 8058), print
//! returns. Parsed into [`Event`]s, then recorded in the ledger against the
//! message each answers, updating the customer's standing preferences
//! ([`crate::model::Standing`]) that later runs' channel plans read.
//!
//! Everything here is outside input: hostile until checked. A parser
//! rejects what it cannot read with an [`EventError`] naming the place;
//! nothing is recorded from input that fails.

mod event;
mod ingest;

pub use self::event::{Event, EventError, EventKind, Subject};
pub use self::ingest::{Ingested, Rejected, ingest};
