//! The channel plan: which channels to try for a customer, in order, and
//! why every channel of the design was kept or dropped.

use crate::model::{Channel, ChannelDecision, Standing};

/// What the channel plan needs to know about a customer.
pub(crate) struct Reach<'a> {
    pub design_channels: &'a [Channel],
    pub preferred: Option<&'a str>,
    /// The email address, when the record has one (not blank).
    pub email: Option<&'a str>,
    /// The phone number, when the record has one.
    pub phone: Option<&'a str>,
    pub has_address: bool,
    /// The postal code, which stands for the postal address in standing
    /// preferences (a returned envelope).
    pub postal_code: Option<&'a str>,
    /// Consent per channel: `None` when the record says nothing.
    pub consent: [Option<bool>; 3],
    /// What came back from earlier communications, merged over the
    /// record's own fields: a withdrawal or an undeliverable address drops
    /// the channel, with the preference's reason.
    pub standing: &'a Standing,
}

impl Reach<'_> {
    /// Why the customer's standing preferences drop `c`, if they do.
    fn standing_drops(&self, c: Channel) -> Option<String> {
        if let Some(p) = self.standing.withdrawn(c) {
            return Some(p.reason());
        }
        let address = match c {
            Channel::Email => self.email,
            Channel::Sms => self.phone,
            Channel::Print => self.postal_code,
        }?;
        self.standing.undeliverable(c, address).map(|p| p.reason())
    }
}

/// The ordered channel plan and the reason for every channel.
pub(crate) fn channel_plan(reach: &Reach<'_>) -> (Vec<Channel>, Vec<ChannelDecision>) {
    let preferred = reach.preferred.and_then(|p| {
        Channel::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(p.trim()))
    });
    let mut order: Vec<Channel> = reach.design_channels.to_vec();
    if let Some(p) = preferred
        && let Some(i) = order.iter().position(|c| *c == p)
    {
        order.remove(i);
        order.insert(0, p);
    }
    let mut plan = Vec::new();
    let mut decisions = Vec::new();
    for c in order {
        let idx = match c {
            Channel::Email => 0,
            Channel::Sms => 1,
            Channel::Print => 2,
        };
        let (kept, reason) = if reach.consent[idx] == Some(false) {
            (false, format!("the customer has not consented to {c}"))
        } else if let Some(why) = reach.standing_drops(c) {
            (false, why)
        } else {
            match c {
                Channel::Email if reach.email.is_none() => (false, "no email address".to_owned()),
                Channel::Sms if reach.phone.is_none() => (false, "no phone number".to_owned()),
                Channel::Print if !reach.has_address => (false, "no postal address".to_owned()),
                _ if Some(c) == preferred => (true, "the customer's preferred channel".to_owned()),
                _ if plan.is_empty() => (
                    true,
                    "first channel of the design with contact data".to_owned(),
                ),
                _ => (true, "fallback".to_owned()),
            }
        };
        if kept {
            plan.push(c);
        }
        decisions.push(ChannelDecision {
            channel: c,
            kept,
            reason,
        });
    }
    if let Some(p) = reach.preferred
        && preferred.is_none()
        && !p.trim().is_empty()
    {
        decisions.push(ChannelDecision {
            channel: reach
                .design_channels
                .first()
                .copied()
                .unwrap_or(Channel::Email),
            kept: !plan.is_empty(),
            reason: format!(
                "preferred channel {:?} is unknown and was ignored",
                p.chars()
                    .filter(|c| !c.is_control())
                    .take(20)
                    .collect::<String>()
            ),
        });
    }
    (plan, decisions)
}
