//! # vellum
//!
//! Customer communications management: design a communication once, and every
//! customer gets it, personalized, on the channel they prefer: a print-ready
//! PDF, an email (HTML with a text part), an SMS.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! customer record (serde_json::Value)
//!   -> validate      against the design's declared fields (every problem, with its path)
//!   -> personalize   locale (preference, language match, default)
//!   -> compose       Design + record + locale -> Document (channel-neutral blocks)
//!   -> render        Document -> email HTML + text | SMS
//! ```
//!
//! A design is a folder of text files (see `templates/README.md`): a manifest,
//! a Markdown-like body with `{{placeholders}}` and components, Fluent locale
//! files and sample customers. [`Design::load`] checks all of it at once and
//! reports every problem with file, line and column.
//!
//! ## Quick start
//!
//! ```
//! use vellum::{ComposeOptions, Date, Design};
//!
//! let design = Design::load("templates/bill")?;
//! let record: serde_json::Value =
//!     serde_json::from_str(&std::fs::read_to_string("templates/bill/samples/C1001.json")?)?;
//! let options = ComposeOptions { today: Date::parse("2026-11-02") };
//!
//! let doc = design.compose(&record, &options)?;
//! let email = design.render_email(&doc)?;
//! let sms = design.render_sms(&doc)?;
//! assert!(email.html.contains("<table"));
//! assert!(sms.segments >= 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Customer data is never markup: whatever a record holds is written as text,
//! escaped for the medium at the last step.
#![deny(missing_docs)]

mod batch;
mod compose;
pub mod deliver;
mod design;
mod error;
mod ledger;
mod locale;
mod message;
mod personalize;
mod render;

pub use self::batch::{Record, read_records};
pub use self::compose::{Bar, Block, Column, ComposeOptions, Document, Span};
#[cfg(feature = "dkim")]
pub use self::deliver::Dkim;
pub use self::deliver::{
    Communication, DeliveryError, Dispatcher, Ledger, Message, MessageOptions, Transport,
};
pub use self::design::shell::{Brand, Colors};
pub use self::design::{Align, Design, FieldType, Kind, Manifest, Paper, Status, Tone};
pub use self::error::{Channel, Diagnostic, Error, ErrorKind, FieldProblem, Place, Result};
pub use self::locale::{Date, SUPPORTED_LOCALES};
pub use self::personalize::{
    ChannelDecision, Decisions, LocaleDecision, OfferConsidered, OfferDecision, RuleOutcome,
    VariantChoice,
};
pub use self::render::{
    Email, EmailOptions, Pdf, PdfOptions, PdfStandard, Sms, SmsEncoding, sms_segments,
};
