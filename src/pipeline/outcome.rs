//! What the pipeline made of one record: the document, each channel's
//! rendering or its typed failure, and the time each stage took.

use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::model::{Channel, Document, FieldProblem};
use crate::render::{Email, Pdf, Sms};

/// The stage of the pipeline a failure happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Stage {
    /// Reading the record (batch input).
    Read,
    /// Checking the record against the design's declared fields.
    Validate,
    /// Rules, variants, offers, locale and channel plan.
    Personalize,
    /// Building the Document.
    Compose,
    /// Rendering a channel.
    Render,
    /// Handing a message to a backend.
    Deliver,
}

impl Stage {
    /// The stage's name as reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Validate => "validate",
            Stage::Personalize => "personalize",
            Stage::Compose => "compose",
            Stage::Render => "render",
            Stage::Deliver => "deliver",
        }
    }
}

/// Why a record, or one channel of it, failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The stage.
    pub stage: Stage,
    /// The channel, for a rendering or delivery failure.
    pub channel: Option<Channel>,
    /// The record's fields that are wrong, when the record is at fault.
    pub problems: Vec<FieldProblem>,
    /// The whole message, as the error displays it.
    pub message: String,
}

impl Failure {
    /// A failure of `stage` from an error.
    pub fn new(stage: Stage, channel: Option<Channel>, error: &Error) -> Failure {
        let problems = match error.kind() {
            ErrorKind::Record { problems, .. } => problems.clone(),
            _ => Vec::new(),
        };
        Failure {
            stage,
            channel,
            problems,
            message: error.to_string(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.stage.name())?;
        if let Some(c) = self.channel {
            write!(f, " {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One channel's rendering, or why it failed.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Rendering {
    /// The email.
    Email(Email),
    /// The SMS.
    Sms(Sms),
    /// The print PDF.
    Pdf(Pdf),
    /// The channel could not be rendered.
    Failed(Failure),
}

impl Rendering {
    /// The failure, when rendering failed.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Rendering::Failed(f) => Some(f),
            _ => None,
        }
    }
}

/// Microseconds each stage took for one record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Timings {
    /// Validate and personalize.
    pub decide_us: u64,
    /// Compose.
    pub compose_us: u64,
    /// Render, per channel.
    pub render_us: Vec<(Channel, u64)>,
    /// The whole record.
    pub total_us: u64,
}

/// What the pipeline made of one record.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The record's id.
    pub record: String,
    /// The failure that stopped the record before any channel, if one did.
    pub failure: Option<Failure>,
    /// The composed document (with its decisions), when composing worked.
    pub document: Option<Document>,
    /// Each channel rendered, in the order rendered.
    pub channels: Vec<Rendering>,
    /// Time per stage.
    pub timings: Timings,
}

impl Outcome {
    pub(super) fn new(record: String) -> Outcome {
        Outcome {
            record,
            failure: None,
            document: None,
            channels: Vec::new(),
            timings: Timings::default(),
        }
    }

    /// Whether every stage and every channel worked.
    pub fn is_ok(&self) -> bool {
        self.failures().next().is_none()
    }

    /// Every failure: the record's, then each channel's.
    pub fn failures(&self) -> impl Iterator<Item = &Failure> {
        self.failure
            .iter()
            .chain(self.channels.iter().filter_map(Rendering::failure))
    }

    /// The email, when it was rendered.
    pub fn email(&self) -> Option<&Email> {
        self.channels.iter().find_map(|r| match r {
            Rendering::Email(e) => Some(e),
            _ => None,
        })
    }

    /// The SMS, when it was rendered.
    pub fn sms(&self) -> Option<&Sms> {
        self.channels.iter().find_map(|r| match r {
            Rendering::Sms(s) => Some(s),
            _ => None,
        })
    }

    /// The PDF, when it was rendered.
    pub fn pdf(&self) -> Option<&Pdf> {
        self.channels.iter().find_map(|r| match r {
            Rendering::Pdf(p) => Some(p),
            _ => None,
        })
    }
}
