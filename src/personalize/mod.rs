//! Personalization: what this customer gets. Rules (CEL) are evaluated per
//! customer into [`Decisions`]: which rules fired, which variant and offer were
//! chosen and why others were not, the locale, and the channel plan with the
//! reason for every channel kept or dropped. Composition and delivery read it;
//! the preview explains it.

mod fast;
pub(crate) mod offers;
pub(crate) mod rules;

use fluent_bundle::FluentArgs;
use serde::Serialize;

use crate::error::Channel;

use crate::design::messages::Bundle;
use crate::locale::Formats;

/// Everything locale-specific a design needs to compose one document:
/// formats and the compiled messages. Built once per design and locale.
pub struct Localized {
    pub(crate) formats: Formats,
    bundle: Bundle,
}

impl std::fmt::Debug for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localized")
            .field("locale", &self.formats.tag())
            .finish_non_exhaustive()
    }
}

impl Localized {
    pub(crate) fn new(formats: Formats, bundle: Bundle) -> Localized {
        Localized { formats, bundle }
    }

    /// The locale tag, e.g. `fr-FR`.
    pub fn tag(&self) -> &str {
        self.formats.tag()
    }

    /// Formats message `id`. Load-time checks guarantee it exists and gets its
    /// variables; should that ever fail, the id is shown rather than nothing.
    pub(crate) fn message(&self, id: &str, args: &FluentArgs<'_>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("[{id}]");
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(args), &mut errors)
            .into_owned()
    }
}

/// Picks the locale for a customer's preference among the design's locales:
/// exact tag, then same language, then the default (index 0 of `tags` is not
/// assumed: `default` is given). Returns the index and, when the preference
/// could not be met, a warning.
pub(crate) fn choose_locale(
    tags: &[String],
    default: usize,
    wanted: Option<&str>,
) -> (usize, Option<String>) {
    let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
        return (default, None);
    };
    let norm = wanted.replace('_', "-");
    if let Some(i) = tags.iter().position(|t| t.eq_ignore_ascii_case(&norm)) {
        return (i, None);
    }
    let lang = norm.split('-').next().unwrap_or("").to_ascii_lowercase();
    if let Some(i) = tags.iter().position(|t| {
        t.split('-')
            .next()
            .is_some_and(|l| l.eq_ignore_ascii_case(&lang))
    }) {
        return (i, None);
    }
    let shown: String = wanted
        .chars()
        .filter(|c| !c.is_control())
        .take(35)
        .collect();
    (
        default,
        Some(format!(
            "locale {shown:?} is not offered by this design; using {}",
            tags[default]
        )),
    )
}

/// Why this customer gets what they get.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Decisions {
    /// The locale chosen and why.
    pub locale: LocaleDecision,
    /// Every rule of the design (named rules and inline conditions) and its result.
    pub rules: Vec<RuleOutcome>,
    /// The variant chosen for each of the design's variant groups.
    pub variants: Vec<VariantChoice>,
    /// For each offer slot: the offer chosen and why the others were not.
    pub offers: Vec<OfferDecision>,
    /// The channels to try, in order.
    pub plan: Vec<Channel>,
    /// Every channel of the design, kept or dropped, with the reason.
    pub channels: Vec<ChannelDecision>,
    /// Whether marketing content (an offer) is part of this communication.
    pub marketing: bool,
}

/// The locale decision.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LocaleDecision {
    /// What the customer asked for, if anything.
    pub wanted: Option<String>,
    /// What the design gives them.
    pub chosen: String,
    /// Why.
    pub reason: String,
}

/// A rule and its result for this customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOutcome {
    /// The rule's name, or the place of an inline condition.
    pub name: String,
    /// The CEL expression.
    pub expression: String,
    /// Whether it fired.
    pub fired: bool,
}

/// The variant of a group this customer sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantChoice {
    /// The variant group.
    pub group: String,
    /// The variant chosen.
    pub chosen: String,
    /// The customer's bucket (0–99), from a hash of group and customer id, so reruns agree.
    pub bucket: u32,
}

/// The offer decision for one slot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferDecision {
    /// The slot.
    pub slot: String,
    /// The offer shown, if any.
    pub chosen: Option<String>,
    /// Every offer for the slot, highest priority first, with why it was or was not chosen.
    pub considered: Vec<OfferConsidered>,
}

/// One offer considered for a slot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferConsidered {
    /// Offer id.
    pub offer: String,
    /// Its priority.
    pub priority: i64,
    /// `chosen`, or why not.
    pub reason: String,
}

/// A channel of the design, kept in the plan or dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelDecision {
    /// The channel.
    pub channel: Channel,
    /// Whether it is in the plan.
    pub kept: bool,
    /// Why.
    pub reason: String,
}

/// A stable bucket 0..100 for a customer in a variant group (FNV-1a), the same
/// on every machine and every run.
pub(crate) fn bucket(group: &str, customer: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group.bytes().chain([0u8]).chain(customer.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 100) as u32
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn buckets_are_stable_and_spread() {
        assert_eq!(
            super::bucket("greeting", "C1001"),
            super::bucket("greeting", "C1001")
        );
        let mut counts = [0u32; 2];
        for i in 0..10_000 {
            counts[(super::bucket("greeting", &format!("C{i:05}")) < 50) as usize] += 1;
        }
        assert!(counts[0] > 4_700 && counts[1] > 4_700, "{counts:?}");
    }

    #[test]
    fn phone_only_plans_sms_first() {
        use super::*;
        let reach = Reach {
            design_channels: &[Channel::Email, Channel::Sms, Channel::Print],
            preferred: None,
            has_email: false,
            has_phone: true,
            has_address: true,
            consent: [None; 3],
        };
        let (plan, why) = channel_plan(&reach);
        assert_eq!(plan, [Channel::Sms, Channel::Print]);
        assert_eq!(why[0].reason, "no email address");
    }

    use super::*;

    #[test]
    fn locale_fallback() {
        let tags: Vec<String> = ["en-US", "de-DE", "fr-FR"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(choose_locale(&tags, 0, Some("fr-CA")), (2, None));
        assert_eq!(choose_locale(&tags, 0, Some("de_de")), (1, None));
        assert_eq!(choose_locale(&tags, 0, None), (0, None));
        let (i, w) = choose_locale(&tags, 0, Some("pt-BR"));
        assert_eq!(i, 0);
        assert!(w.unwrap().contains("pt-BR"));
    }
}
