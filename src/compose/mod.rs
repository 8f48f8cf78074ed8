//! Composition: design + customer record + decisions -> [`Document`], a resolved,
//! channel-neutral tree of semantic blocks. Conditions are decided, placeholders
//! filled, money and dates formatted; every text leaf is plain text that the
//! renderers escape for their medium.

mod blocks;
mod invoice;
mod payment;
mod qrbill;

pub use self::qrbill::qr_reference;

use std::borrow::Cow;

use serde_json::Value;

use self::blocks::compose_blocks;
use crate::design::Design;
use crate::design::template::{Env, FieldRef, push_clean};
use crate::error::{Error, ErrorKind, Result};
use crate::locale::DateStyle;
use crate::model::{Channel, Decisions, Document, FieldProblem, Paper};
use crate::personalize::{ComposeOptions, Decided, Prepared, decide_prepared, prepare};

/// Composes the document for one customer record. A record that does not
/// fit the declared fields fails with every problem listed.
pub fn compose(design: &Design, record: &Value, options: &ComposeOptions) -> Result<Document> {
    compose_for(design, record, options, &[])
}

/// Composes only what `channels` need (all when empty): an SMS-only send
/// validates the record and fills the SMS text, and skips the body,
/// subject and preheader. The record is validated in full either way.
pub fn compose_for(
    design: &Design,
    record: &Value,
    options: &ComposeOptions,
    channels: &[Channel],
) -> Result<Document> {
    let prepared = prepare(design, record, options)?;
    let (decided, decisions) = decide_prepared(design, &prepared)?;
    compose_decided(design, &prepared, &decided, decisions, channels)
}

/// Composes a record already prepared and decided.
pub(crate) fn compose_decided(
    design: &Design,
    p: &Prepared<'_>,
    decided: &Decided,
    decisions: Decisions,
    channels: &[Channel],
) -> Result<Document> {
    let wants = |c: Channel| channels.is_empty() || channels.contains(&c);
    let loc = &design.localized[p.locale];
    let mut warnings: Vec<String> = p.locale_warning.iter().cloned().collect();
    let mut env = Env {
        root: p.record,
        row: None,
        loc,
        currency: &p.currency,
        values: &p.values,
        warnings: &mut warnings,
    };
    let fail = |problem: FieldProblem| -> Error {
        ErrorKind::Record {
            record: p.id.clone(),
            problems: vec![problem],
        }
        .into()
    };
    let (subject, preheader) = if wants(Channel::Email) {
        (
            collapse(&design.subject.to_text(&mut env).map_err(fail)?),
            collapse(&design.preheader.to_text(&mut env).map_err(fail)?),
        )
    } else {
        (String::new(), String::new())
    };
    let sms = match &design.sms {
        Some(t) if wants(Channel::Sms) => {
            Some(t.to_text(&mut env).map_err(fail)?.trim().to_owned())
        }
        _ => None,
    };
    let r = &design.recipient;
    let name = contact(&r.name, &mut env);
    let email = contact(&r.email, &mut env);
    let phone = contact(&r.phone, &mut env);
    let postal_code = contact(&r.postal_code, &mut env);
    let blocks = if wants(Channel::Email) || wants(Channel::Print) {
        let mut cx = Cx { env, decided };
        compose_blocks(&design.body, &mut cx).map_err(fail)?
    } else {
        Vec::new()
    };
    let today = p.today;
    Ok(Document {
        design: design.manifest.id.clone(),
        version: design.manifest.version.clone(),
        record: p.id.clone(),
        locale: loc.tag().to_owned(),
        date: loc.formats.date(today, DateStyle::Long),
        date_iso: format!("{:04}-{:02}-{:02}", today.year, today.month, today.day),
        paper: design.manifest.paper.unwrap_or(if loc.tag() == "en-US" {
            Paper::Letter
        } else {
            Paper::A4
        }),
        currency: p.currency.clone(),
        subject,
        preheader,
        sms,
        name,
        email,
        phone,
        postal_code,
        blocks,
        warnings,
        plan: decisions.plan.clone(),
        decisions,
        invoice: design.invoice.as_ref().map(|m| invoice::data(m, p.record)),
    })
}

/// A contact field as text. A phone number or postal code may also be
/// declared as a whole number (a US ZIP, a German PLZ).
fn contact(f: &Option<FieldRef>, env: &mut Env<'_>) -> Option<String> {
    let f = f.as_ref()?;
    let v = f.get(env.root, None).ok().flatten()?;
    let v = match v.as_u64() {
        Some(n) => Cow::Owned(n.to_string()),
        None => Cow::Borrowed(v.as_str()?),
    };
    let mut s = String::new();
    push_clean(&mut s, &v, env.warnings, &f.full);
    let s = s.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// What composing the body reads: the template environment and the
/// decisions for the record.
struct Cx<'a> {
    env: Env<'a>,
    decided: &'a Decided,
}

/// Collapses runs of whitespace (subjects and preheaders are one line).
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
