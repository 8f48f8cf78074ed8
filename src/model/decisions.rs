//! Decisions: why this customer gets what they get.

use serde::Serialize;

use super::Channel;

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
