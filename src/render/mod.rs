//! Rendering: a composed [`Document`](crate::model::Document) to each
//! channel's output, one function per channel. Renderers are pure: no I/O,
//! no clock, no randomness.
//!
//! ```
//! use vellum::{ComposeOptions, Design, compose, model::Date, render};
//!
//! let design = Design::load("templates/bill")?;
//! let record: serde_json::Value =
//!     serde_json::from_str(&std::fs::read_to_string("templates/bill/samples/C1001.json")?)?;
//! let doc = compose(&design, &record, &ComposeOptions::today(Date::parse("2026-11-02").unwrap()))?;
//! let email = render::email(&design, &doc)?;
//! let sms = render::sms(&design, &doc)?;
//! assert!(email.html.contains("<table") && sms.segments >= 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The print channel (feature `print`, on by default) needs the design's
//! print frame and fonts, loaded once into a [`PrintEngine`].

#[cfg(feature = "factur-x")]
mod facturx;
mod html;
#[cfg(feature = "print")]
mod pdf;
mod pdf_types;
mod sms;
mod text;

#[cfg(feature = "factur-x")]
pub use self::facturx::{FACTUR_X_FILE, embeds_factur_x, factur_x_xml};
pub use self::html::{Email, EmailOptions, email, email_with};
#[cfg(feature = "print")]
pub use self::pdf::PrintEngine;
pub use self::pdf_types::{ChunkLetter, Pdf, PdfOptions, PdfStandard, PrintChunk};
pub use self::sms::{Sms, SmsEncoding, sms, sms_segments};
