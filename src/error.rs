//! Errors are values with a place: a design problem names file, line and
//! column; a record problem names the record and the field path.

use std::fmt;
use std::path::PathBuf;

/// A position in a design file. Lines and columns count from 1; columns count
/// characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Place {
    /// The file, as the design was given to [`Design::load`](crate::Design::load) plus the file name.
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Place {
    pub(crate) fn new(file: &str, line: u32, column: u32) -> Place {
        Place {
            file: file.to_owned(),
            line,
            column,
        }
    }

    /// The place `chars` characters further on the same line.
    pub(crate) fn offset(&self, chars: usize) -> Place {
        Place {
            file: self.file.clone(),
            line: self.line,
            column: self.column + chars as u32,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in a design, with its place and, where one helps, a hint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Where the problem is.
    pub place: Place,
    /// What is wrong, lowercase, quoting the offending input.
    pub message: String,
    /// How to fix it, when vellum can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(place: Place, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            place,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// One problem with one field of a customer record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    /// The field path, e.g. `items[3].amount`.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The channels a design can render to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A print-ready PDF letter.
    Print,
    /// An email: HTML with a plain-text alternative.
    Email,
    /// A short text message.
    Sms,
}

impl Channel {
    /// All channels, in a stable order.
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Print];

    /// The channel's name as written in designs: `print`, `email`, `sms`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Print => "print",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.name() == s)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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

    /// The design problems, when this is a design error.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &*self.0 {
            ErrorKind::Design { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }

    pub(crate) fn render(record: &str, channel: Channel, message: impl Into<String>) -> Error {
        ErrorKind::Render {
            record: record.to_owned(),
            channel,
            message: message.into(),
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
