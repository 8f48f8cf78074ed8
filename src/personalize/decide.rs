//! The decision for one record: validation and the inputs every later stage
//! shares, prepared once, then rules, variants, channel plan and offers.

use serde_json::Value;

use super::plan::{Reach, channel_plan};
use super::{bucket, choose_locale};
use crate::design::Design;
use crate::design::offers::Offer;
use crate::design::rules::{Fired, evaluate};
use crate::design::template::FieldRef;
use crate::error::{Error, ErrorKind, Result};
use crate::locale::is_currency_code;
use crate::model::{
    Channel, Date, Decisions, FieldProblem, LocaleDecision, OfferConsidered, OfferDecision,
    RuleOutcome, Standing, VariantChoice,
};

/// Options for deciding and composing documents.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ComposeOptions {
    /// The date of the documents ("today"). `None` reads the system clock;
    /// tests and reruns pin it so output is reproducible.
    pub today: Option<Date>,
}

impl ComposeOptions {
    /// Options with the document date pinned to `today`.
    pub fn today(today: Date) -> ComposeOptions {
        ComposeOptions { today: Some(today) }
    }
}

/// What deciding and composing both need about one record, worked out once:
/// the record checked against the declared fields, its id, currency, locale
/// and the document date.
#[derive(Debug)]
pub(crate) struct Prepared<'r> {
    pub(crate) record: &'r Value,
    pub(crate) id: String,
    pub(crate) currency: String,
    /// The locale wanted by the record, if it names one.
    pub(crate) wanted: Option<&'r str>,
    /// Index of the chosen locale in the design's locales.
    pub(crate) locale: usize,
    /// Why the wanted locale could not be given, if it could not.
    pub(crate) locale_warning: Option<String>,
    pub(crate) today: Date,
    /// What came back from earlier communications (the ledger's), merged
    /// over the record's own fields by the channel plan and the offers.
    pub(crate) standing: Standing,
    /// The design's computed values for this record (a JSON object of
    /// those that could be computed; `Null` when the design has none).
    pub(crate) values: Value,
}

/// What personalization decided for one record, in the form composition reads.
#[derive(Debug, Default)]
pub(crate) struct Decided {
    /// Which of the design's rules fired.
    pub(crate) rules: Fired,
    /// Chosen variant per group.
    pub(crate) variants: Vec<String>,
    /// Chosen offer per slot: id, URL and the channels it may appear in.
    pub(crate) offers: Vec<(String, Option<ChosenOffer>)>,
}

/// An offer chosen for a slot, as composition shows it.
#[derive(Debug)]
pub(crate) struct ChosenOffer {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) channels: Vec<Channel>,
}

/// Evaluates personalization for one record without composing it: which
/// rules fire, the variants, the offers (and why others were not chosen),
/// the locale and the channel plan. The record is validated first.
pub fn decide(design: &Design, record: &Value, options: &ComposeOptions) -> Result<Decisions> {
    let prepared = prepare(design, record, options)?;
    Ok(decide_prepared(design, &prepared)?.1)
}

/// Validates a record and works out what every later stage shares.
pub(crate) fn prepare<'r>(
    design: &Design,
    record: &'r Value,
    options: &ComposeOptions,
) -> Result<Prepared<'r>> {
    let id = design.record_id(record);
    if !record.is_object() {
        return Err(record_error(&id, "(record)", "expected a JSON object"));
    }
    let currency = currency(design, record, &id)?;
    let problems = design.fields.check(record, &currency);
    if !problems.is_empty() {
        return Err(ErrorKind::Record {
            record: id,
            problems,
        }
        .into());
    }
    let wanted = design
        .recipient
        .locale
        .as_ref()
        .and_then(|f| f.get(record, None).ok().flatten())
        .and_then(Value::as_str);
    let (locale, locale_warning) = choose_locale(&design.manifest.locales, 0, wanted);
    // Computed once here, read by the rules and every template.
    let values = if design.values.is_empty() {
        Value::Null
    } else {
        design.values.evaluate(record, &currency).0
    };
    Ok(Prepared {
        values,
        record,
        id,
        currency,
        wanted,
        locale,
        locale_warning,
        today: options.today.unwrap_or_else(Date::today_utc),
        standing: Standing::none(),
    })
}

/// The record's currency: its `currency_field` when the design names one and
/// the record fills it, otherwise the design's.
fn currency(design: &Design, record: &Value, id: &str) -> Result<String> {
    let Some(f) = &design.currency_field else {
        return Ok(design.currency.clone());
    };
    match f.get(record, None) {
        Ok(Some(Value::String(c))) if is_currency_code(c) => Ok(c.clone()),
        Ok(Some(Value::String(c))) => Err(record_error(
            id,
            &f.full,
            &format!(
                "{:?} is not an ISO 4217 currency code",
                c.chars().take(10).collect::<String>()
            ),
        )),
        _ => Ok(design.currency.clone()),
    }
}

/// A record error with one problem.
pub(crate) fn record_error(id: &str, path: &str, message: &str) -> Error {
    ErrorKind::Record {
        record: id.to_owned(),
        problems: vec![FieldProblem {
            path: path.to_owned(),
            message: message.to_owned(),
        }],
    }
    .into()
}

/// Every decision for a prepared record.
pub(crate) fn decide_prepared(design: &Design, p: &Prepared<'_>) -> Result<(Decided, Decisions)> {
    let results = evaluate(&design.rules, p.record, &p.values).map_err(|problem| -> Error {
        ErrorKind::Record {
            record: p.id.clone(),
            problems: vec![problem],
        }
        .into()
    })?;
    let rules = design
        .rules
        .iter()
        .zip(results.iter())
        .map(|(r, fired)| RuleOutcome {
            name: r.name.clone(),
            expression: r.source.clone(),
            fired,
        })
        .collect();
    let variants = variants(design, &p.id);
    let (plan, channels) = channel_plan(&reach(design, p.record, &p.standing));
    let marketing_ok = consent(design, p.record, "marketing") == Some(true);
    let slots = Slots {
        design,
        results: &results,
        plan: &plan,
        today: p.today,
        marketing_ok,
        standing: &p.standing,
    };
    let (offers, chosen_offers): (Vec<_>, Vec<_>) =
        design.slots.iter().map(|slot| slots.decide(slot)).unzip();
    let marketing = offers.iter().any(|o: &OfferDecision| {
        o.chosen
            .as_ref()
            .is_some_and(|id| design.offers.iter().any(|x| &x.id == id && x.marketing))
    });
    let decided = Decided {
        rules: results,
        variants: variants.iter().map(|v| v.chosen.clone()).collect(),
        offers: chosen_offers,
    };
    let decisions = Decisions {
        locale: locale_decision(design, p),
        rules,
        variants,
        offers,
        plan,
        channels,
        marketing,
    };
    Ok((decided, decisions))
}

/// The variant of each group for this customer, by a stable bucket.
fn variants(design: &Design, id: &str) -> Vec<VariantChoice> {
    design
        .variants
        .iter()
        .map(|g| {
            let b = bucket(&g.name, id);
            let mut acc = 0;
            let chosen = g.variants.iter().find(|(_, w)| {
                acc += w;
                b < acc
            });
            VariantChoice {
                group: g.name.clone(),
                chosen: chosen
                    .or(g.variants.last())
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default(),
                bucket: b,
            }
        })
        .collect()
}

/// The record's consent flag for `channel` (`email`, `sms`, `print`,
/// `marketing`): `None` when the record says nothing.
fn consent(design: &Design, record: &Value, channel: &str) -> Option<bool> {
    let c = design.recipient.consent.as_ref()?;
    format!("{c}.{channel}")
        .split('.')
        .try_fold(record, |cur, seg| cur.get(seg))?
        .as_bool()
}

/// What the channel plan needs to know about the record.
fn reach<'a>(design: &'a Design, record: &'a Value, standing: &'a Standing) -> Reach<'a> {
    let present = |f: &Option<FieldRef>| {
        f.as_ref()
            .and_then(|f| f.get(record, None).ok().flatten())
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    let r = &design.recipient;
    Reach {
        design_channels: &design.manifest.channels,
        preferred: r
            .preferred_channel
            .as_ref()
            .and_then(|f| f.get(record, None).ok().flatten())
            .and_then(Value::as_str),
        email: present(&r.email),
        phone: present(&r.phone),
        has_address: design.manifest.channels.contains(&Channel::Print),
        postal_code: present(&r.postal_code),
        consent: [
            consent(design, record, "email"),
            consent(design, record, "sms"),
            consent(design, record, "print"),
        ],
        standing,
    }
}

/// What choosing the offer of a slot looks at.
struct Slots<'a> {
    design: &'a Design,
    results: &'a Fired,
    plan: &'a [Channel],
    today: Date,
    marketing_ok: bool,
    standing: &'a Standing,
}

impl Slots<'_> {
    /// The highest-priority eligible offer of `slot`, and why every other
    /// offer of the slot was not chosen.
    fn decide(&self, slot: &String) -> (OfferDecision, (String, Option<ChosenOffer>)) {
        let mut considered = Vec::new();
        let mut chosen: Option<&Offer> = None;
        for o in self.design.offers.iter().filter(|o| o.slots.contains(slot)) {
            let reason = match chosen {
                Some(_) => "a higher-priority offer was chosen".to_owned(),
                None => match self.ineligible(o) {
                    Some(why) => why,
                    None => {
                        chosen = Some(o);
                        "chosen: highest-priority eligible offer".to_owned()
                    }
                },
            };
            considered.push(OfferConsidered {
                offer: o.id.clone(),
                priority: o.priority,
                reason,
            });
        }
        let decision = OfferDecision {
            slot: slot.clone(),
            chosen: chosen.map(|o| o.id.clone()),
            considered,
        };
        let shown = chosen.map(|o| ChosenOffer {
            id: o.id.clone(),
            url: o.url.clone(),
            channels: self.shown_on(o),
        });
        (decision, (slot.clone(), shown))
    }

    /// Why an offer cannot be shown to this customer, or `None` if it can.
    fn ineligible(&self, o: &Offer) -> Option<String> {
        if o.valid_from.is_some_and(|d| self.today < d) {
            Some("not valid yet".to_owned())
        } else if o.valid_until.is_some_and(|d| self.today > d) {
            Some("expired".to_owned())
        } else if o.marketing && !self.marketing_ok {
            Some("marketing offer: the customer has not consented to marketing".to_owned())
        } else if let Some(why) = self.unsubscribed_everywhere(o) {
            Some(format!("marketing offer: {why}"))
        } else if let Some(rule) = o.rule
            && !self.results.fired(rule)
        {
            Some(format!(
                "its rule did not fire: {}",
                self.design.rules[rule].source
            ))
        } else if !o.channels.is_empty() && !o.channels.iter().any(|c| self.plan.contains(c)) {
            Some("none of its channels is in the customer's plan".to_owned())
        } else {
            None
        }
    }
}

impl Slots<'_> {
    /// The channels of the plan a chosen offer appears on: its own (all
    /// when it names none), less those the customer unsubscribed from when
    /// it is marketing. Empty means "every channel", as the design says it.
    fn shown_on(&self, o: &Offer) -> Vec<Channel> {
        if !o.marketing || self.standing.is_empty() {
            return o.channels.clone();
        }
        let own: &[Channel] = if o.channels.is_empty() {
            &Channel::ALL
        } else {
            &o.channels
        };
        let kept: Vec<Channel> = own
            .iter()
            .copied()
            .filter(|c| self.standing.marketing_withdrawn(*c).is_none())
            .collect();
        if kept.len() == own.len() {
            o.channels.clone()
        } else {
            kept
        }
    }

    /// For a marketing offer: why no channel of the plan it could appear
    /// on may carry marketing (the customer unsubscribed on each), if so.
    fn unsubscribed_everywhere(&self, o: &Offer) -> Option<String> {
        if !o.marketing || self.standing.is_empty() {
            return None;
        }
        let mut why = None;
        for c in self
            .plan
            .iter()
            .filter(|c| o.channels.is_empty() || o.channels.contains(c))
        {
            match self.standing.marketing_withdrawn(*c) {
                Some(p) => why = why.or_else(|| Some(p.reason())),
                None => return None,
            }
        }
        why
    }
}

/// The locale given and why.
fn locale_decision(design: &Design, p: &Prepared<'_>) -> LocaleDecision {
    let chosen = design.manifest.locales[p.locale].clone();
    let reason = match (&p.locale_warning, p.wanted) {
        (Some(w), _) => w.clone(),
        (None, None) => "no preference: the design's default".to_owned(),
        (None, Some(w))
            if w.eq_ignore_ascii_case(&chosen)
                || w.replace('_', "-").eq_ignore_ascii_case(&chosen) =>
        {
            "the customer's preference".to_owned()
        }
        (None, Some(_)) => "closest offered locale of the same language".to_owned(),
    };
    LocaleDecision {
        wanted: p
            .wanted
            .map(|w| w.chars().filter(|c| !c.is_control()).take(35).collect()),
        chosen,
        reason,
    }
}
