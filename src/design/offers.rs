//! The offer library (`templates/offers/offers.toml`): offers with slots,
//! priority, validity dates, an eligibility rule and whether they are
//! marketing (shown only with the customer's marketing consent).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::fields::{Fields, is_safe_url};
use super::messages::line_col;
use super::rules::{Rule, RuleId};
use crate::model::{Channel, Date, Diagnostic, Place};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryToml {
    #[serde(default)]
    offer: Vec<OfferToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferToml {
    id: Spanned<String>,
    slots: Vec<String>,
    priority: i64,
    valid_from: Option<Spanned<String>>,
    valid_until: Option<Spanned<String>>,
    marketing: bool,
    rule: Option<Spanned<String>>,
    channels: Option<Vec<Spanned<String>>>,
    url: Spanned<String>,
}

/// An offer, compiled for one design.
#[derive(Debug)]
pub(crate) struct Offer {
    pub id: String,
    pub slots: Vec<String>,
    pub priority: i64,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub marketing: bool,
    /// The eligibility rule.
    pub rule: Option<RuleId>,
    /// Channels the offer may appear in (empty: every channel of the design).
    pub channels: Vec<Channel>,
    pub url: String,
}

/// Loads the offers that can fill one of `slots`, compiling their rules
/// against the design's fields (appended to `rules`).
pub(crate) fn load(
    loader: &dyn super::loader::Loader,
    dir: &Path,
    shown: &str,
    slots: &[String],
    fields: &Fields,
    rules: &mut Vec<Rule>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Offer> {
    if slots.is_empty() {
        return Vec::new();
    }
    let file = format!("{shown}/offers.toml");
    let Some((text, lib)) = read(loader, dir, &file, diags) else {
        return Vec::new();
    };
    let at = |s: std::ops::Range<usize>| {
        let (l, c) = line_col(&text, s.start);
        Place::new(&file, l, c)
    };
    let mut out: Vec<Offer> = lib
        .offer
        .into_iter()
        .filter(|o| o.slots.iter().any(|s| slots.contains(s)))
        .map(|o| compile(o, &at, fields, rules, diags))
        .collect();
    out.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.id.cmp(&b.id)));
    out
}

/// The text of the library and the library parsed, or `None` (with the
/// problem in `diags`).
fn read(
    loader: &dyn super::loader::Loader,
    dir: &Path,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, LibraryToml)> {
    let text = match loader.read_to_string(&dir.join("offers.toml")) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::new(
                Place::new(file, 1, 1),
                format!("the design has offer slots but the offer library cannot be read: {e}"),
            ));
            return None;
        }
    };
    match toml::from_str(&text) {
        Ok(lib) => Some((text, lib)),
        Err(e) => {
            let (l, c) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
            diags.push(Diagnostic::new(
                Place::new(file, l, c),
                e.message().trim().to_owned(),
            ));
            None
        }
    }
}

/// One offer of the library, checked; its rule appended to `rules`. `at`
/// gives the place of a span of the library.
fn compile(
    o: OfferToml,
    at: &dyn Fn(std::ops::Range<usize>) -> Place,
    fields: &Fields,
    rules: &mut Vec<Rule>,
    diags: &mut Vec<Diagnostic>,
) -> Offer {
    let id = o.id.get_ref().clone();
    let date = |d: &Option<Spanned<String>>, diags: &mut Vec<Diagnostic>| -> Option<Date> {
        let d = d.as_ref()?;
        let parsed = Date::parse(d.get_ref());
        if parsed.is_none() {
            diags.push(Diagnostic::new(
                at(d.span()),
                format!("offer `{id}`: {:?} is not a date YYYY-MM-DD", d.get_ref()),
            ));
        }
        parsed
    };
    let valid_from = date(&o.valid_from, diags);
    let valid_until = date(&o.valid_until, diags);
    if !is_safe_url(o.url.get_ref()) {
        diags.push(Diagnostic::new(
            at(o.url.span()),
            format!("offer `{id}`: the url must be https, http, mailto or tel"),
        ));
    }
    let mut channels = Vec::new();
    for c in o.channels.iter().flatten() {
        match Channel::parse(c.get_ref()) {
            Some(ch) => channels.push(ch),
            None => diags.push(Diagnostic::new(
                at(c.span()),
                format!("offer `{id}`: unknown channel {:?}", c.get_ref()),
            )),
        }
    }
    let rule = o.rule.as_ref().and_then(|r| {
        let place = at(r.span()).offset(1);
        let compiled = Rule::compile(&format!("offer {id}"), r.get_ref(), &place, fields, diags)?;
        Some(RuleId::push(rules, compiled))
    });
    Offer {
        id,
        slots: o.slots,
        priority: o.priority,
        valid_from,
        valid_until,
        marketing: o.marketing,
        rule,
        channels,
        url: o.url.into_inner(),
    }
}
