//! Batch runs: a billing cycle's customers streamed from their input,
//! rendered on every core and delivered concurrently, every record
//! accounted for.
//!
//! ```no_run
//! use vellum::batch::{Run, RunOptions, Source};
//! use vellum::deliver::{DirTransport, Dispatcher, Ledger};
//! use vellum::model::Channel;
//! use vellum::{Design, Pipeline, PipelineOptions};
//!
//! let design = Design::load("templates/bill")?;
//! let pipeline = Pipeline::new(&design, PipelineOptions::default())?;
//! let out = std::sync::Arc::new(DirTransport::new("out/cycle")?);
//! let dispatcher = Dispatcher::builder(Ledger::open("out/ledger.sqlite")?)
//!     .transport(Channel::Email, out.clone())
//!     .transport(Channel::Sms, out.clone())
//!     .transport(Channel::Print, out)
//!     .build()?;
//! let mut options = RunOptions::new("2026-12", "Northwind Energy", "billing@northwind.example");
//! options.error_file = Some("out/errors.jsonl".into());
//! let report = Run::new(&pipeline, Some(&dispatcher), options).execute(Source::path("cycle.jsonl"))?;
//! println!("{report}"); // ends with: read N = delivered + skipped + held + failed
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv;
mod failed;
mod report;
mod run;
#[cfg(feature = "postgres")]
mod shared;
mod source;
mod verify;
mod watch;

pub use self::csv::{CsvMapping, MAX_ROWS_PER_RECORD};
pub use self::failed::{FailedRecord, OnlyFailed};
pub use self::report::RunReport;
pub use self::run::{Run, RunOptions};
#[cfg(feature = "postgres")]
pub use self::shared::{
    ChunkDone, RunStatus, SharedInput, SharedOptions, SharedRun, WorkerOutcome, WorkerStatus,
    status,
};
pub use self::source::read_records;
pub use self::source::{Item, ReadError, Record, Source};
pub use self::verify::{
    Mismatch, MismatchKind, VerifyFailure, VerifyOptions, VerifyReport, verify,
};
pub use self::watch::Watch;
