//! Standing preferences: what came back from earlier communications and
//! holds for later ones. A hard bounce marks an address undeliverable, an
//! SMS "STOP" withdraws SMS consent, a one-click unsubscribe withdraws
//! marketing on a channel. The ledger keeps them; the next run's channel
//! plan reads them, merged over the record's own fields, and says why.

use serde::{Deserialize, Serialize};

use super::digest::sha256_hex;
use super::{Channel, Date};

/// What a standing preference withholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every communication on the channel (an SMS "STOP").
    All,
    /// Marketing content on the channel (an unsubscribe).
    Marketing,
    /// The address on the channel is undeliverable (a hard bounce, a
    /// returned envelope); a different address is not.
    Undeliverable,
}

impl Scope {
    /// The scope's name as the ledger and tokens write it.
    pub fn name(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Marketing => "marketing",
            Scope::Undeliverable => "undeliverable",
        }
    }

    /// The scope named `s`, if any.
    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::All, Scope::Marketing, Scope::Undeliverable]
            .into_iter()
            .find(|c| c.name() == s)
    }
}

/// One standing preference of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    /// The channel it is about.
    pub channel: Channel,
    /// What it withholds.
    pub scope: Scope,
    /// For [`Scope::Undeliverable`]: the [`address_hash`] of the address
    /// found undeliverable.
    pub address: Option<String>,
    /// The day it was recorded.
    pub on: Date,
    /// How, as people read it: `one-click`, `SMS reply "STOP"`,
    /// `hard bounce 5.1.1`, `returned envelope: moved`.
    pub how: String,
}

impl Preference {
    /// The reason the channel plan gives, e.g. "unsubscribed on 2026-12-03
    /// by one-click".
    pub fn reason(&self) -> String {
        let what = match self.scope {
            Scope::All => format!("{} consent withdrawn", self.channel),
            Scope::Marketing => "unsubscribed".to_owned(),
            Scope::Undeliverable => format!("{} address undeliverable", self.channel),
        };
        format!("{what} on {} by {}", self.on, self.how)
    }
}

/// A customer's standing preferences, as the ledger has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// Newest last.
    pub preferences: Vec<Preference>,
}

impl Standing {
    /// Nothing on record.
    pub fn none() -> Standing {
        Standing::default()
    }

    /// Whether nothing is on record.
    pub fn is_empty(&self) -> bool {
        self.preferences.is_empty()
    }

    /// The preference that withholds every communication on `channel`.
    pub fn withdrawn(&self, channel: Channel) -> Option<&Preference> {
        self.find(channel, Scope::All)
    }

    /// The preference that withholds marketing on `channel` (an
    /// unsubscribe, or a withdrawal of the whole channel).
    pub fn marketing_withdrawn(&self, channel: Channel) -> Option<&Preference> {
        self.find(channel, Scope::Marketing)
            .or_else(|| self.withdrawn(channel))
    }

    /// The preference that marks `address` (the raw address; hashed here)
    /// undeliverable on `channel`.
    pub fn undeliverable(&self, channel: Channel, address: &str) -> Option<&Preference> {
        let hash = address_hash(channel, address);
        self.preferences.iter().rev().find(|p| {
            p.channel == channel
                && p.scope == Scope::Undeliverable
                && p.address.as_deref() == Some(hash.as_str())
        })
    }

    fn find(&self, channel: Channel, scope: Scope) -> Option<&Preference> {
        self.preferences
            .iter()
            .rev()
            .find(|p| p.channel == channel && p.scope == scope)
    }
}

/// A short hash of an address as the ledger keeps it (never the address):
/// email lowercased and trimmed, phone numbers by their digits and `+`,
/// postal addresses with whitespace collapsed and lowercased.
pub fn address_hash(channel: Channel, address: &str) -> String {
    let norm: String = match channel {
        Channel::Email => address.trim().to_lowercase(),
        Channel::Sms => address
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect(),
        Channel::Print => address
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    };
    sha256_hex(format!("{channel}:{norm}").as_bytes())[..24].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pref(channel: Channel, scope: Scope, address: Option<&str>) -> Preference {
        Preference {
            channel,
            scope,
            address: address.map(|a| address_hash(channel, a)),
            on: Date::parse("2026-12-03").unwrap(),
            how: "one-click".into(),
        }
    }

    #[test]
    fn an_undeliverable_address_is_that_address_only() {
        let s = Standing {
            preferences: vec![pref(
                Channel::Email,
                Scope::Undeliverable,
                Some("Ana@Example.com "),
            )],
        };
        assert!(s.undeliverable(Channel::Email, "ana@example.com").is_some());
        assert!(s.undeliverable(Channel::Email, "ana@new.example").is_none());
        assert!(s.withdrawn(Channel::Email).is_none());
    }

    #[test]
    fn stop_withdraws_marketing_too() {
        let s = Standing {
            preferences: vec![pref(Channel::Sms, Scope::All, None)],
        };
        assert!(s.marketing_withdrawn(Channel::Sms).is_some());
        assert!(s.marketing_withdrawn(Channel::Email).is_none());
        assert_eq!(
            s.preferences[0].reason(),
            "sms consent withdrawn on 2026-12-03 by one-click"
        );
    }
}
