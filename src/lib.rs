//! # vellum
//!
//! Customer communications management: design a communication once, and every
//! customer gets it, personalized, on the channel they prefer: a print-ready
//! PDF, an email (HTML with a text part), an SMS.
//!
//! ## The pipeline
//!
//! ```text
//! customer record (serde_json::Value)
//!   -> validate      against the design's declared fields (every problem, with its path)
//!   -> personalize   rules, variants, offers, locale, channel plan  -> Decisions
//!   -> compose       Design + record + Decisions -> Document (channel-neutral blocks)
//!   -> render        Document -> email HTML + text | SMS | PDF (feature `print`)
//!   -> message       the envelope per channel, with its idempotency key
//!   -> deliver       backends, retries, fallback, recorded in the ledger
//! ```
//!
//! [`Pipeline`] runs one record through validate..render and returns an
//! [`Outcome`]; each stage also has its own entry point: [`decide`],
//! [`compose`], [`render::email`], [`render::sms`], `render::PrintEngine`.
//!
//! ## Layers
//!
//! Modules form layers, and a module imports only from layers below its own
//! (`.ci/layers.py` checks this on every CI run and fails on an import that
//! goes up):
//!
//! ```text
//! batch                          records from files (JSON, JSON Lines, CSV); runs on
//!                                one machine or shared by several (PostgreSQL)
//!   pipeline                     one record through every stage; the outcome
//!     events                     what comes back (bounces, receipts, replies,
//!                                unsubscribes, returns) parsed and recorded
//!     deliver                    backends, dispatcher (retries, fallback, respect)
//!       ledger                   durable record of every attempt (SQLite, PostgreSQL)
//!         message                envelopes, idempotency keys, MIME
//!           render               email, text, SMS, PDF (Typst): pure functions
//!             compose            Design + record + decisions -> Document
//!               personalize      rules evaluated -> Decisions; the channel plan
//!                 design         loading and checking: manifest, fields, templates,
//!                                rules, messages, body, brand, email shell, print frame
//!                   locale       numbers, money, dates per locale
//!                     escape     escaping per medium
//!                       error    Error, ErrorKind
//!                         model  Channel, Place, Diagnostic, Date, Document, Decisions,
//!                                DeliveryError, Receipt: the shared vocabulary
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
//! use vellum::{ComposeOptions, Design, compose, model::Date, render};
//!
//! let design = Design::load("templates/bill")?;
//! let record: serde_json::Value =
//!     serde_json::from_str(&std::fs::read_to_string("templates/bill/samples/C1001.json")?)?;
//! let options = ComposeOptions::today(Date::parse("2026-11-02").unwrap());
//!
//! let doc = compose(&design, &record, &options)?;
//! let email = render::email(&design, &doc)?;
//! let sms = render::sms(&design, &doc)?;
//! assert!(email.html.contains("<table"));
//! assert!(sms.segments >= 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Customer data is never markup: whatever a record holds is written as text,
//! escaped for the medium at the last step.
//!
//! ## Features
//!
//! - `print` (default): the PDF channel, Typst embedded. Without it vellum
//!   renders email and SMS only and compiles no Typst.
//! - `smtp`, `tls`, `dkim`, `sms-http`, `print-spool`: delivery backends
//!   (see [`deliver`]).
#![deny(missing_docs)]

pub mod batch;
mod compose;
pub mod deliver;
mod design;
mod error;
mod escape;
pub mod events;
mod ledger;
mod locale;
mod message;
pub mod model;
mod personalize;
mod pipeline;
pub mod render;

pub use self::compose::{compose, compose_for, qr_reference};
pub use self::design::shell::{Brand, Colors};
pub use self::design::{
    Approval, ApprovalRecord, ApprovalState, Change, ChangedFile, Design, FieldType, FileLoader,
    Kind, Loader, Manifest, MemoryLoader, approve,
};
pub use self::error::{Error, ErrorKind, Result};
pub use self::locale::SUPPORTED_LOCALES;
pub use self::personalize::{
    ComposeOptions, Coverage, Covered, Facet, SampleCase, coverage, decide, decision_outcomes,
};
pub use self::pipeline::{
    Channels, Failure, Outcome, Pipeline, PipelineOptions, Rendering, Stage, Timings,
};
