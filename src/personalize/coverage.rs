//! Coverage: which of a design's decision outcomes a set of sample
//! customers shows, and a small set of samples that shows them all.
//!
//! The outcomes come from the design, not from the samples: every rule true
//! and false, every variant of every group, every offer of every slot and
//! the slot left empty, every locale, every channel as the first of the
//! plan. Each sample is decided once as it is and once per other locale of
//! the design (forced on a copy of the record through the design's
//! recipient locale field); a greedy pick then keeps the fewest samples
//! that show every outcome some sample reaches. What no sample reaches is
//! listed with the reasons the decisions gave, so an approver sees what the
//! proof cannot show.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::decide::{ComposeOptions, decide};
use crate::design::Design;
use crate::model::{Channel, Decisions};

/// One thing a design can decide for a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Facet {
    /// A rule fired or did not. `also` names the other rules with the same
    /// expression (they always agree, so they are one outcome).
    Rule {
        /// The rule's name (or the place of an inline condition).
        name: String,
        /// Its CEL expression.
        expression: String,
        /// Rules with the same expression.
        also: Vec<String>,
        /// Fired or not.
        fired: bool,
    },
    /// A variant of a group is shown.
    Variant {
        /// The variant group.
        group: String,
        /// The variant.
        variant: String,
    },
    /// An offer fills a slot, or (`offer: None`) the slot stays empty.
    Offer {
        /// The slot.
        slot: String,
        /// The offer, or `None` for no offer.
        offer: Option<String>,
    },
    /// The communication is in this locale.
    Locale {
        /// The locale tag.
        locale: String,
    },
    /// This channel is tried first.
    FirstChannel {
        /// The channel.
        channel: Channel,
    },
}

impl Facet {
    /// Whether `d` shows this outcome.
    pub fn shown_by(&self, d: &Decisions) -> bool {
        match self {
            Facet::Rule {
                name,
                expression,
                fired,
                ..
            } => d
                .rules
                .iter()
                .any(|r| &r.name == name && &r.expression == expression && r.fired == *fired),
            Facet::Variant { group, variant } => d
                .variants
                .iter()
                .any(|v| &v.group == group && &v.chosen == variant),
            Facet::Offer { slot, offer } => d
                .offers
                .iter()
                .any(|o| &o.slot == slot && &o.chosen == offer),
            Facet::Locale { locale } => &d.locale.chosen == locale,
            Facet::FirstChannel { channel } => d.plan.first() == Some(channel),
        }
    }
}

impl fmt::Display for Facet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Facet::Rule {
                name, also, fired, ..
            } => {
                let state = if *fired { "fires" } else { "does not fire" };
                write!(f, "rule {name} {state}")?;
                if !also.is_empty() {
                    write!(f, " (same as {})", also.join(", "))?;
                }
                Ok(())
            }
            Facet::Variant { group, variant } => write!(f, "variant {group} = {variant}"),
            Facet::Offer {
                slot,
                offer: Some(o),
            } => write!(f, "offer {o} in slot {slot}"),
            Facet::Offer { slot, offer: None } => write!(f, "no offer in slot {slot}"),
            Facet::Locale { locale } => write!(f, "locale {locale}"),
            Facet::FirstChannel { channel } => write!(f, "{channel} first in the channel plan"),
        }
    }
}

/// A sample decided in one locale.
#[derive(Debug, Clone, Serialize)]
pub struct SampleCase {
    /// Index of the sample among those given.
    pub sample: usize,
    /// The customer's id.
    pub id: String,
    /// The locale the communication is in.
    pub locale: String,
    /// Whether the locale was forced on a copy of the sample (otherwise the
    /// sample is as given).
    pub forced: bool,
    /// The record decided (the sample, or its copy with the locale forced).
    pub record: Value,
    /// What was decided.
    pub decisions: Decisions,
}

/// One outcome and which chosen case shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Covered {
    /// The outcome.
    pub facet: Facet,
    /// Index into [`Coverage::chosen`] of the first case that shows it;
    /// `None` when no sample reaches it.
    pub by: Option<usize>,
    /// For an outcome no sample reaches: why, as the decisions said it
    /// (e.g. an offer `expired`), distinct reasons in order of appearance.
    pub why_not: Vec<String>,
}

/// What a set of samples shows of a design's outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Every outcome of the design, in the order of the design.
    pub outcomes: Vec<Covered>,
    /// The samples chosen, in the order they were picked (each adds an
    /// outcome the ones before did not show).
    pub chosen: Vec<SampleCase>,
    /// Samples that could not be decided: index and the error.
    pub rejected: Vec<(usize, String)>,
}

impl Coverage {
    /// How many outcomes some chosen case shows.
    pub fn covered(&self) -> usize {
        self.outcomes.iter().filter(|c| c.by.is_some()).count()
    }

    /// The outcomes no sample reaches.
    pub fn uncovered(&self) -> impl Iterator<Item = &Covered> {
        self.outcomes.iter().filter(|c| c.by.is_none())
    }
}

/// Every decision outcome of `design` (see the module docs).
pub fn decision_outcomes(design: &Design) -> Vec<Facet> {
    let mut out = rule_facets(design);
    for g in &design.variants {
        out.extend(g.variants.iter().map(|(v, _)| Facet::Variant {
            group: g.name.clone(),
            variant: v.clone(),
        }));
    }
    for slot in &design.slots {
        let offers = design.offers.iter().filter(|o| o.slots.contains(slot));
        out.extend(
            offers
                .map(|o| Some(o.id.clone()))
                .chain([None])
                .map(|offer| Facet::Offer {
                    slot: slot.clone(),
                    offer,
                }),
        );
    }
    out.extend(
        design
            .manifest
            .locales
            .iter()
            .map(|l| Facet::Locale { locale: l.clone() }),
    );
    out.extend(
        design
            .manifest
            .channels
            .iter()
            .map(|&channel| Facet::FirstChannel { channel }),
    );
    out
}

/// Each distinct rule expression, fired and not fired.
fn rule_facets(design: &Design) -> Vec<Facet> {
    let rules: &[crate::design::rules::Rule] = &design.rules;
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let src = r.source.trim();
        if rules[..i].iter().any(|p| p.source.trim() == src) {
            continue;
        }
        let also: Vec<String> = rules[i + 1..]
            .iter()
            .filter(|o| o.source.trim() == src)
            .map(|o| o.name.clone())
            .collect();
        out.extend([true, false].map(|fired| Facet::Rule {
            name: r.name.clone(),
            expression: r.source.clone(),
            also: also.clone(),
            fired,
        }));
    }
    out
}

/// Decides every sample in every locale of the design and picks, greedily,
/// the fewest cases that show every outcome reached.
///
/// A sample that cannot be decided (it does not match the design's fields)
/// is listed in [`Coverage::rejected`] and shows nothing.
pub fn coverage(design: &Design, samples: &[Value], options: &ComposeOptions) -> Coverage {
    let facets = decision_outcomes(design);
    let mut cases = Vec::new();
    let mut rejected = Vec::new();
    for (i, sample) in samples.iter().enumerate() {
        match candidates(design, i, sample, options) {
            Ok(c) => cases.extend(c),
            Err(e) => rejected.push((i, e)),
        }
    }
    let shows: Vec<Vec<bool>> = cases
        .iter()
        .map(|c| facets.iter().map(|f| f.shown_by(&c.decisions)).collect())
        .collect();
    let picked = pick(&shows, &cases);
    let outcomes = facets
        .into_iter()
        .enumerate()
        .map(|(fi, facet)| {
            let by = picked.iter().position(|&ci| shows[ci][fi]);
            let why_not = match by {
                Some(_) => Vec::new(),
                None => why_not(&facet, &cases),
            };
            Covered { facet, by, why_not }
        })
        .collect();
    let chosen = picked.into_iter().map(|i| cases[i].clone()).collect();
    Coverage {
        outcomes,
        chosen,
        rejected,
    }
}

/// Greedy set cover: repeatedly the case showing the most outcomes not yet
/// shown; ties go to a sample as given, then to the earlier sample.
fn pick(shows: &[Vec<bool>], cases: &[SampleCase]) -> Vec<usize> {
    let n = shows.first().map_or(0, Vec::len);
    let mut done = vec![false; n];
    let mut picked = Vec::new();
    loop {
        let gain = |ci: usize| (0..n).filter(|&f| !done[f] && shows[ci][f]).count();
        let best = (0..cases.len())
            .map(|ci| (gain(ci), !cases[ci].forced, std::cmp::Reverse(ci)))
            .max();
        match best {
            Some((g, _, std::cmp::Reverse(ci))) if g > 0 => {
                for (f, d) in done.iter_mut().enumerate() {
                    *d |= shows[ci][f];
                }
                picked.push(ci);
            }
            _ => return picked,
        }
    }
}

/// The sample as given, then forced into each other locale of the design
/// (when the design names the record's locale field).
fn candidates(
    design: &Design,
    sample: usize,
    record: &Value,
    options: &ComposeOptions,
) -> Result<Vec<SampleCase>, String> {
    let case = |record: Value, forced: bool| -> Result<SampleCase, String> {
        let decisions = decide(design, &record, options).map_err(|e| e.to_string())?;
        Ok(SampleCase {
            sample,
            id: design.record_id(&record),
            locale: decisions.locale.chosen.clone(),
            forced,
            record,
            decisions,
        })
    };
    let mut out = vec![case(record.clone(), false)?];
    let Some(field) = &design.recipient.locale else {
        return Ok(out);
    };
    for locale in &design.manifest.locales {
        if out.iter().any(|c| &c.locale == locale) {
            continue;
        }
        let mut copy = record.clone();
        if set_path(&mut copy, &field.full, Value::String(locale.clone())) {
            out.push(case(copy, true)?);
        }
    }
    Ok(out)
}

/// Sets the value at a dotted path, creating objects on the way; false when
/// a step is not an object.
fn set_path(record: &mut Value, path: &str, value: Value) -> bool {
    let mut cur = record;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(obj) = cur.as_object_mut() else {
            return false;
        };
        if parts.peek().is_none() {
            obj.insert(part.to_owned(), value);
            return true;
        }
        cur = obj
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    false
}

/// Why no case shows `facet`: for an offer, the reasons the decisions gave;
/// otherwise what the samples lack.
fn why_not(facet: &Facet, cases: &[SampleCase]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    match facet {
        Facet::Offer {
            slot,
            offer: Some(id),
        } => {
            for c in cases {
                let considered = c.decisions.offers.iter().filter(|o| &o.slot == slot);
                for o in considered.flat_map(|o| &o.considered) {
                    if &o.offer == id {
                        add(o.reason.clone());
                    }
                }
            }
        }
        Facet::Offer { offer: None, .. } => {
            add("every sample gets an offer in this slot".to_owned())
        }
        Facet::Rule { fired: true, .. } => add("no sample makes the rule fire".to_owned()),
        Facet::Rule { fired: false, .. } => add("the rule fires for every sample".to_owned()),
        Facet::Variant { .. } => add("no sample's id falls in this variant's share".to_owned()),
        Facet::Locale { .. } => {
            add("the design has no recipient locale field to force it with".to_owned())
        }
        Facet::FirstChannel { channel } => {
            for c in cases {
                for d in c
                    .decisions
                    .channels
                    .iter()
                    .filter(|d| d.channel == *channel)
                {
                    if !d.kept {
                        add(d.reason.clone());
                    }
                }
            }
            add(format!(
                "no sample prefers {channel} or lacks the channels before it"
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;

    fn bill() -> Design {
        Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill")).unwrap()
    }

    fn samples() -> Vec<Value> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/bill/samples");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    fn options() -> ComposeOptions {
        ComposeOptions::today(Date::parse("2026-11-02").unwrap())
    }

    #[test]
    fn outcomes_come_from_the_design() {
        let f = decision_outcomes(&bill());
        let labels: Vec<String> = f.iter().map(ToString::to_string).collect();
        for want in [
            "rule overdue fires",
            "rule overdue does not fire",
            "variant greeting = friendly",
            "offer summer-2025 in slot footer",
            "no offer in slot footer",
            "locale zh-CN",
            "print first in the channel plan",
        ] {
            assert!(
                labels.iter().any(|l| l.starts_with(want)),
                "{want}: {labels:?}"
            );
        }
        // The offer rule with the same expression as a named rule is one outcome.
        assert!(!labels.iter().any(|l| l.starts_with("rule offer heat-pump")));
    }

    #[test]
    fn every_chosen_case_adds_something_and_expired_offers_stay_uncovered() {
        let design = bill();
        let cov = coverage(&design, &samples(), &options());
        assert!(cov.rejected.is_empty(), "{:?}", cov.rejected);
        assert!(!cov.chosen.is_empty());
        for (i, _) in cov.chosen.iter().enumerate() {
            assert!(
                cov.outcomes.iter().any(|o| o.by == Some(i)),
                "case {i} adds nothing"
            );
        }
        let summer = cov
            .uncovered()
            .find(|o| o.facet.to_string().starts_with("offer summer-2025"))
            .expect("the expired offer cannot be covered");
        assert_eq!(summer.why_not, ["expired"]);
        // Every locale is reached by forcing it.
        for l in &design.manifest.locales {
            let label = format!("locale {l}");
            let o = cov.outcomes.iter().find(|o| o.facet.to_string() == label);
            assert!(o.is_some_and(|o| o.by.is_some()), "{label}");
        }
        // And the chosen case really shows what it is said to show.
        for o in cov.outcomes.iter().filter(|o| o.by.is_some()) {
            assert!(o.facet.shown_by(&cov.chosen[o.by.unwrap()].decisions));
        }
    }

    #[test]
    fn a_bad_sample_is_rejected_not_fatal() {
        let mut s = samples();
        s.push(serde_json::json!({"customer": {"id": "X"}}));
        let cov = coverage(&bill(), &s, &options());
        assert_eq!(cov.rejected.len(), 1);
        assert_eq!(cov.rejected[0].0, s.len() - 1);
        assert!(!cov.chosen.is_empty());
    }

    #[test]
    fn the_pick_is_greedy_prefers_samples_as_given_and_stops_when_nothing_is_new() {
        let case = |sample: usize, forced: bool| SampleCase {
            sample,
            id: format!("C{sample}"),
            locale: String::new(),
            forced,
            record: Value::Null,
            decisions: Decisions::default(),
        };
        // Outcomes 0..4; outcome 4 is shown by nobody.
        let cases = [
            case(0, true),
            case(0, false),
            case(1, false),
            case(2, false),
        ];
        let shows = [
            vec![true, true, false, false, false],
            vec![true, true, false, false, false],
            vec![false, true, true, false, false],
            vec![false, false, true, true, false],
        ];
        // Cases 1 and 0 tie (2 new each): the sample as given wins; then
        // case 3 (2 new) before case 2 (1 new); then nothing is left.
        assert_eq!(pick(&shows, &cases), [1, 3]);
    }

    #[test]
    fn set_path_creates_and_refuses() {
        let mut v = serde_json::json!({"customer": {"id": "1"}, "n": 3});
        assert!(set_path(&mut v, "customer.locale", "de-DE".into()));
        assert_eq!(v["customer"]["locale"], "de-DE");
        assert!(!set_path(&mut v, "n.x", "y".into()));
    }
}
