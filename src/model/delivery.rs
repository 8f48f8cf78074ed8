//! Delivery outcomes: the receipt of a delivered message, and the error
//! that says whether trying again can help.

use std::fmt;

use super::Channel;

/// Whether a delivery failure may go away by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorClass {
    /// Try again later: a 4xx SMTP reply, HTTP 429 or 5xx, a dropped connection, a timeout.
    Transient,
    /// Trying again will not help: a 5xx SMTP reply, an invalid address, a
    /// message the backend cannot carry. The dispatcher moves to the next channel.
    Permanent,
}

/// A delivery failure. Its message never contains the customer's address or
/// content (invariant 7: personal data stays out of logs), only the record id,
/// the channel, the backend and what the server said.
#[derive(Debug, Clone)]
pub struct DeliveryError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    class: ErrorClass,
    record: Option<String>,
    channel: Option<Channel>,
    backend: Option<String>,
    message: String,
}

impl DeliveryError {
    /// A failure that may go away when tried again.
    pub fn transient(message: impl Into<String>) -> DeliveryError {
        DeliveryError::new(ErrorClass::Transient, message)
    }

    /// A failure that will not go away by trying again.
    pub fn permanent(message: impl Into<String>) -> DeliveryError {
        DeliveryError::new(ErrorClass::Permanent, message)
    }

    /// A failure of the given class.
    pub fn new(class: ErrorClass, message: impl Into<String>) -> DeliveryError {
        DeliveryError(Box::new(Inner {
            class,
            record: None,
            channel: None,
            backend: None,
            message: message.into(),
        }))
    }

    /// Adds the record, channel and backend the failure belongs to (the
    /// dispatcher does this for every error a backend returns).
    pub fn at(mut self, record: &str, channel: Channel, backend: &str) -> DeliveryError {
        self.0.record.get_or_insert_with(|| record.to_owned());
        self.0.channel.get_or_insert(channel);
        self.0.backend.get_or_insert_with(|| backend.to_owned());
        self
    }

    /// True when trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        self.0.class == ErrorClass::Transient
    }

    /// True when trying again cannot succeed.
    pub fn is_permanent(&self) -> bool {
        self.0.class == ErrorClass::Permanent
    }

    /// Transient or permanent.
    pub fn class(&self) -> ErrorClass {
        self.0.class
    }

    /// What went wrong, without the place.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The record, when known.
    pub fn record(&self) -> Option<&str> {
        self.0.record.as_deref()
    }

    /// The channel, when known.
    pub fn channel(&self) -> Option<Channel> {
        self.0.channel
    }

    /// The backend, when known.
    pub fn backend(&self) -> Option<&str> {
        self.0.backend.as_deref()
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = &self.0.record {
            write!(f, "record {r}: ")?;
        }
        match (&self.0.channel, &self.0.backend) {
            (Some(c), Some(b)) => write!(f, "{c} via {b}: ")?,
            (Some(c), None) => write!(f, "{c}: ")?,
            (None, Some(b)) => write!(f, "{b}: ")?,
            (None, None) => {}
        }
        let class = match self.0.class {
            ErrorClass::Transient => "transient",
            ErrorClass::Permanent => "permanent",
        };
        write!(f, "{} ({class})", self.0.message)
    }
}

impl std::error::Error for DeliveryError {}

/// What a backend hands back for a delivered message: who took it and how
/// to find it there (a server's queue id, a gateway's message id, a file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    /// The backend.
    pub backend: String,
    /// The id or place the backend gave the message.
    pub id: String,
}

impl Receipt {
    /// A receipt from `backend` with `id`.
    pub fn new(backend: &str, id: &str) -> Receipt {
        Receipt {
            backend: backend.to_owned(),
            id: id.to_owned(),
        }
    }
}
