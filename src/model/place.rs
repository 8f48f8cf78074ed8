//! Places and problems: where a design problem is, and what is wrong with
//! a record's field.

use std::fmt;

/// A position in a design file. Lines and columns count from 1; columns count
/// characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Place {
    /// The file, as the design was given to `Design::load` plus the file name.
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
