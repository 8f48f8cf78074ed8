//! Errors are values with a place: a design problem names file, line and
//! column; a record problem names the record and the field path.

use std::fmt;
use std::path::PathBuf;

use crate::model::{Channel, Diagnostic, FieldProblem};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A design has problems; all of them are listed.
    #[error("design `{design}` has {} problem{}:\n{}", .diagnostics.len(), plural(.diagnostics.len()), list(.diagnostics))]
    Design {
        /// The design folder as given.
        design: String,
        /// Every problem found, in file order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A customer record does not fit the design's declared fields.
    #[error("record {record}: {}", list_inline(.problems))]
    Record {
        /// The record's id (or its position when it has none).
        record: String,
        /// Every problem found in the record.
        problems: Vec<FieldProblem>,
    },
    /// A channel could not be rendered for a record.
    #[error("record {record}: {channel}: {message}")]
    Render {
        /// The record's id.
        record: String,
        /// The channel that failed.
        channel: Channel,
        /// What went wrong.
        message: String,
        /// Typst's problems in the print frame, with their places (empty
        /// for other failures).
        diagnostics: Vec<Diagnostic>,
    },
    /// Reading a file failed.
    #[error("cannot read `{}`: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Input data (a JSON or JSONL file) could not be parsed.
    #[error("{place}: {message}")]
    Input {
        /// File and line of the bad input.
        place: String,
        /// What is wrong.
        message: String,
    },
    /// A shared run cannot go on: the coordinating database cannot be
    /// reached, or this worker does not fit the run (another design
    /// version, another input).
    #[error("run `{run}`: {message}")]
    Shared {
        /// The run key.
        run: String,
        /// What is wrong.
        message: String,
    },
    /// A setting given to vellum (a key, an address, a URL) is unusable.
    #[error("{what}: {message}")]
    Config {
        /// The setting.
        what: String,
        /// What is wrong with it.
        message: String,
    },
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|d| format!("  {}", d.to_string().replace('\n', "\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn list_inline<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The error type of vellum: small to move around, with its [`ErrorKind`] inside.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// The problems with their places: a design's, or Typst's in the print
    /// frame when a PDF failed.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &*self.0 {
            ErrorKind::Design { diagnostics, .. } | ErrorKind::Render { diagnostics, .. } => {
                diagnostics
            }
            _ => &[],
        }
    }

    pub(crate) fn render(record: &str, channel: Channel, message: impl Into<String>) -> Error {
        Error::render_with(record, channel, message.into(), Vec::new())
    }

    pub(crate) fn render_with(
        record: &str,
        channel: Channel,
        message: String,
        diagnostics: Vec<Diagnostic>,
    ) -> Error {
        ErrorKind::Render {
            record: record.to_owned(),
            channel,
            message,
            diagnostics,
        }
        .into()
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        ErrorKind::Io {
            path: path.into(),
            source,
        }
        .into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

/// `Result` with vellum's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
