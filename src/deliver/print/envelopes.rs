//! Laying letters out in a stream: the job sheet first, a separator sheet
//! where the presort key changes, each letter starting on a front side
//! (duplex), envelopes limited by sheet count, weight classes.

use super::{Envelope, PrintOptions};
use crate::deliver::DeliveryError;
use crate::design::print::Overflow;

/// One letter as it enters the layout: its customer, key, postal code,
/// own pages (blank backs not counted) and pages in the stream (with the
/// blank back a duplex letter of odd page count gets).
pub(super) struct LetterPages<'a> {
    pub customer: &'a str,
    pub key: &'a str,
    pub postal_code: Option<&'a str>,
    pub pages: usize,
    pub total: usize,
    /// The content digest of each of its `total` pages, when staged with them.
    pub digests: Vec<String>,
    /// Its content hash as staged (the ledger's), when staged with it.
    pub content_hash: Option<&'a str>,
}

/// One physical page of the stream, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// The job sheet's front (`0`) or back.
    Job(usize),
    /// Separator `n`'s front (`0`) or back.
    Separator(usize, usize),
    /// Page `page` (from 0, blank backs included) of letter `letter`.
    Letter { letter: usize, page: usize },
}

/// A stream laid out: its pages, its envelopes, and the presort key each
/// separator announces.
pub(super) struct Layout {
    pub slots: Vec<Slot>,
    pub envelopes: Vec<Envelope>,
    pub separators: Vec<String>,
}

/// The presort key of a postal code: its first `digits` characters.
pub(super) fn presort_key(postal_code: Option<&str>, digits: u32) -> String {
    postal_code
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(digits as usize)
        .collect()
}

/// Lays out `letters` (in presort order) as batch `file`, its envelopes
/// numbered from `first_envelope`.
pub(super) fn lay_out(
    letters: &[LetterPages<'_>],
    file: &str,
    first_envelope: usize,
    options: &PrintOptions,
) -> Result<Layout, DeliveryError> {
    let p = &options.production;
    let pps = options.pages_per_sheet();
    let mut out = Layout {
        slots: Vec::new(),
        envelopes: Vec::new(),
        separators: Vec::new(),
    };
    if p.job_sheet {
        out.slots.extend((0..pps).map(Slot::Job));
    }
    let mut last_key: Option<String> = None;
    for (i, l) in letters.iter().enumerate() {
        let key = presort_key(l.postal_code, p.presort_digits);
        if p.separators && last_key.as_ref().is_some_and(|k| *k != key) {
            let n = out.separators.len();
            out.slots.extend((0..pps).map(|s| Slot::Separator(n, s)));
            out.separators.push(key.clone());
        }
        let sheets = l.total.div_ceil(pps);
        let per = envelope_sheets(l, sheets, options)?;
        let parts = sheets.div_ceil(per);
        for part in 0..parts {
            let first = part * per * pps;
            let last = ((part + 1) * per * pps).min(l.total);
            let sheet0 = out.slots.len() / pps;
            let page0 = out.slots.len();
            out.slots
                .extend((first..last).map(|page| Slot::Letter { letter: i, page }));
            let env_sheets = (last - first).div_ceil(pps);
            out.envelopes.push(Envelope {
                envelope: first_envelope + out.envelopes.len(),
                file: file.to_owned(),
                customer: l.customer.to_owned(),
                pages: l.pages.min(last) - first.min(l.pages),
                sheets: env_sheets,
                postal_code: l.postal_code.map(str::to_owned),
                first_page: page0 + 1,
                last_page: out.slots.len(),
                key: l.key.to_owned(),
                presort_key: key.clone(),
                weight_class: p.weight_class(env_sheets).unwrap_or("oversize").to_owned(),
                first_sheet: sheet0 + 1,
                last_sheet: sheet0 + env_sheets,
                letter_page: first + 1,
                part: (parts > 1).then(|| format!("{}/{parts}", part + 1)),
                digests: l
                    .digests
                    .get(first..last)
                    .map(<[String]>::to_vec)
                    .unwrap_or_default(),
                content_hash: l.content_hash.map(str::to_owned),
            });
            // A simplex stream, or a letter split at a sheet: the next
            // envelope starts on a new sheet either way.
        }
        last_key = Some(key);
    }
    Ok(out)
}

/// Sheets per envelope for a letter of `sheets` sheets: all of them, or the
/// design's limit when it splits; a letter over the limit is an error
/// unless the design splits.
fn envelope_sheets(
    l: &LetterPages<'_>,
    sheets: usize,
    options: &PrintOptions,
) -> Result<usize, DeliveryError> {
    let p = &options.production;
    match p.max_sheets_per_envelope {
        Some(max) if sheets > max as usize => match p.envelope_overflow {
            Overflow::Split => Ok(max as usize),
            Overflow::Error => Err(DeliveryError::permanent(format!(
                "print spool: the letter for customer {} has {sheets} sheets, more than the \
                 design's max_sheets_per_envelope = {max} (set envelope_overflow = \"split\" \
                 to put it into several envelopes)",
                l.customer
            ))),
        },
        _ => Ok(sheets.max(1)),
    }
}
