//! Delivery: backends behind one small trait, and the [`Dispatcher`] that
//! sends each communication effectively once:
//! ledger first, then the backend, retries with backoff for transient
//! failures, fallback along the customer's channel plan for permanent ones,
//! and a report of what could not be delivered, with every attempt's reason.
//!
//! ## Backends
//!
//! | Backend | Channel | Feature | What it does |
//! |---|---|---|---|
//! | [`SmtpTransport`] | email | `smtp` (`tls`, `dkim`) | lettre's blocking SMTP client with a connection pool, STARTTLS or implicit TLS |
//! | [`SmsHttpTransport`] | sms | `sms-http` | posts to an HTTP gateway (JSON or form), auth header, per-message status |
//! | [`PrintSpool`] | print | `print-spool` | stages each letter durably; [`PrintSpool::close`] writes batch PDFs with duplex blanks and CSV/JSON manifests |
//! | [`ArchiveTransport`] | archive copy | none | PDF/A-3b copy per communication plus a JSON index line with its SHA-256 |
//! | [`DirTransport`] | all | none | writes `.eml`, `.txt` (SMS) and `.pdf` files: the embedded default, no server |
//! | [`StubTransport`] | all | none | records messages in memory, answers as told (tests) |
//!
//! ## Sync, not async
//!
//! The trait is blocking. Rendering is CPU-bound and runs on all cores;
//! delivery is I/O-bound, but its concurrency is small and bounded (a pool of
//! a few SMTP connections, a gateway's rate limit), so a handful of threads
//! ([`Dispatcher::deliver_all`]) saturates it. A blocking trait keeps tokio
//! out of the dependency tree, lets a user write a backend as a plain
//! function, and makes the crash window explicit: a thread records the
//! attempt, sends, records the outcome, in that order. An application that
//! lives in an async runtime calls the dispatcher from `spawn_blocking`.
//!
//! ## Writing a backend
//!
//! ```
//! use vellum::deliver::{Body, Message, Transport};
//! use vellum::model::{Channel, DeliveryError, Receipt};
//!
//! /// Counts SMS segments instead of sending.
//! struct Meter(std::sync::atomic::AtomicU32);
//!
//! impl Transport for Meter {
//!     fn name(&self) -> &str {
//!         "meter"
//!     }
//!     fn channels(&self) -> &[Channel] {
//!         &[Channel::Sms]
//!     }
//!     fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
//!         let Body::Sms(sms) = &message.body else {
//!             return Err(DeliveryError::permanent("meter only takes SMS"));
//!         };
//!         self.0.fetch_add(sms.segments, std::sync::atomic::Ordering::Relaxed);
//!         Ok(Receipt::new("meter", &message.message_id))
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod dir;
mod dispatch;
#[cfg(feature = "print-spool")]
mod print;
#[cfg(feature = "sms-http")]
mod sms_http;
#[cfg(feature = "smtp")]
mod smtp;
mod stub;

pub use self::archive::ArchiveTransport;
pub use self::dir::DirTransport;
pub use self::dispatch::{
    AttemptReport, Audience, Dispatcher, DispatcherBuilder, FrequencyCap, Job, Outcome, QuietHours,
    Report, Respect, RetryPolicy,
};
#[cfg(feature = "print-spool")]
pub use self::print::{Envelope, PrintOptions, PrintSpool, ReadBack, SpoolSummary, read_back};
#[cfg(feature = "sms-http")]
pub use self::sms_http::{SmsFormat, SmsHttpOptions, SmsHttpTransport};
#[cfg(feature = "smtp")]
pub use self::smtp::{SmtpOptions, SmtpTls, SmtpTransport};
pub use self::stub::StubTransport;
#[cfg(feature = "print-spool")]
pub use crate::design::print::{MarkLayout, OmrMark, Overflow, PrintProduction, Sides};
pub use crate::ledger::{
    Answered, Attempt, DeliveryStatus, Ledger, LedgerOptions, Lookup, Response, State, Summary,
};
#[cfg(feature = "dkim")]
pub use crate::message::Dkim;
pub use crate::message::{
    ArchiveBody, Body, Communication, CommunicationBuilder, EmailBody, InChunk, KeyError,
    LetterBody, Message, MessageOptions, Sender, SmsBody, UnsubscribeKey,
};

use crate::model::{Channel, DeliveryError, Receipt};

/// A delivery backend. Blocking, and shared between the dispatcher's threads.
///
/// `send` either delivers the message and returns a [`Receipt`], or returns
/// a [`DeliveryError`] that says whether trying again can help. It must not
/// retry by itself (the dispatcher does, and records every attempt) and must
/// not panic on any message content.
pub trait Transport: Send + Sync {
    /// Short name for the ledger and reports (`smtp`, `dir`, ...).
    fn name(&self) -> &str;

    /// The channels this backend carries. The dispatcher refuses, when it is
    /// built, a backend wired to a channel it does not carry.
    fn channels(&self) -> &[Channel];

    /// Delivers one message.
    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError>;

    /// Finishes what the backend holds back (a print spool writes its batch
    /// files and manifests). Called when a run ends, possibly more than once
    /// (once per channel the backend is wired to): a second flush with
    /// nothing new must do nothing. The default does nothing.
    fn flush(&self) -> Result<(), DeliveryError> {
        Ok(())
    }

    /// Whether this backend takes letters that are pages of a print chunk
    /// ([`LetterBody::in_chunk`]), and how it wants chunks made. A batch
    /// run then typesets print-first customers many to a compile. The
    /// default: one PDF per letter.
    fn print_chunks(&self) -> Option<PrintChunking> {
        None
    }
}

/// How a backend wants print chunks made (see [`Transport::print_chunks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrintChunking {
    /// Letters per chunk (one Typst compile, one batch file).
    pub letters: usize,
    /// Printed on both sides: each letter starts on a new sheet.
    pub duplex: bool,
}

impl PrintChunking {
    /// Chunks of `letters` letters, duplex or not.
    pub fn new(letters: usize, duplex: bool) -> PrintChunking {
        PrintChunking { letters, duplex }
    }
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn channels(&self) -> &[Channel] {
        (**self).channels()
    }
    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        (**self).send(message)
    }
    fn flush(&self) -> Result<(), DeliveryError> {
        (**self).flush()
    }
    fn print_chunks(&self) -> Option<PrintChunking> {
        (**self).print_chunks()
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn channels(&self) -> &[Channel] {
        (**self).channels()
    }
    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        (**self).send(message)
    }
    fn flush(&self) -> Result<(), DeliveryError> {
        (**self).flush()
    }
    fn print_chunks(&self) -> Option<PrintChunking> {
        (**self).print_chunks()
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, synced,
/// so a crash leaves either the whole file or none.
pub(crate) fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// A permanent error for a backend given a letter that is pages of a print
/// chunk: it takes one PDF per letter.
pub(crate) fn no_chunks(backend: &str) -> DeliveryError {
    DeliveryError::permanent(format!(
        "the {backend} backend takes one PDF per letter, not pages of a print chunk"
    ))
}

/// A permanent error for a backend given a body it does not carry.
pub(crate) fn wrong_body(backend: &str, message: &Message) -> DeliveryError {
    DeliveryError::permanent(format!(
        "the {backend} backend cannot carry a {} message",
        message.channel
    ))
}
