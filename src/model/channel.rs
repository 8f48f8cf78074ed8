//! The channels a communication goes out on.

use std::fmt;

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
