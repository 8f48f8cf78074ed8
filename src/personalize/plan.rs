//! The channel plan: which channels to try for a customer, in order, and
//! why every channel of the design was kept or dropped.

use crate::model::{Channel, ChannelDecision};

/// What the channel plan needs to know about a customer.
pub(crate) struct Reach<'a> {
    pub design_channels: &'a [Channel],
    pub preferred: Option<&'a str>,
    pub has_email: bool,
    pub has_phone: bool,
    pub has_address: bool,
    /// Consent per channel: `None` when the record says nothing.
    pub consent: [Option<bool>; 3],
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
        } else {
            match c {
                Channel::Email if !reach.has_email => (false, "no email address".to_owned()),
                Channel::Sms if !reach.has_phone => (false, "no phone number".to_owned()),
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
