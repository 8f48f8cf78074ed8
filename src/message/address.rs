//! The address a message goes to, as the ledger keeps it: a hash, never the
//! address (see [`crate::model::address_hash`]).

use super::{Body, Message};
use crate::model::{Channel, address_hash};

impl Message {
    /// The [`address_hash`] of the address this message goes to: the email
    /// envelope recipient, the phone number, the letter's postal code (the
    /// one part of a postal address the design names); `None` for an
    /// archive copy, or a letter without a postal code.
    pub fn address_hash(&self) -> Option<String> {
        match &self.body {
            Body::Email(e) => Some(address_hash(Channel::Email, &e.envelope_to)),
            Body::Sms(s) => Some(address_hash(Channel::Sms, &s.to)),
            Body::Letter(l) => l
                .postal_code
                .as_deref()
                .map(|p| address_hash(Channel::Print, p)),
            Body::Archive(_) => None,
        }
    }
}
