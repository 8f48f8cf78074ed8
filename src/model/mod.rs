//! The shared vocabulary of every stage: channels, places and problems,
//! dates, the composed [`Document`] and the [`Decisions`] behind it, and the
//! outcome of a delivery. The lowest layer: it imports no other module of
//! the crate, so every stage can name these types without depending on
//! another stage.

mod channel;
mod date;
mod decisions;
mod delivery;
pub(crate) mod digest;
mod document;
mod invoice;
mod place;
mod standing;

pub use self::channel::Channel;
pub use self::date::Date;
pub use self::decisions::{
    ChannelDecision, Decisions, LocaleDecision, OfferConsidered, OfferDecision, RuleOutcome,
    VariantChoice,
};
pub use self::delivery::{DeliveryError, ErrorClass, Receipt};
pub(crate) use self::document::flatten_for;
pub use self::document::{Align, Bar, Block, Column, Document, Paper, Span, Tone};
pub use self::invoice::InvoiceData;
pub use self::place::{Diagnostic, FieldProblem, Place};
pub use self::standing::{Preference, Scope, Standing, address_hash};
