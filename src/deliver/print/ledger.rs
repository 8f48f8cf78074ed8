//! The read-back's check against the ledger: a stream holds exactly the
//! letters the ledger has as taken by the spool, with the content the
//! ledger recorded.
//!
//! When it can hold: the dispatcher begins each letter's attempt in the
//! ledger (state `in_flight`, with the letter's content hash) before it
//! stages the letter, and records `delivered` with the spool's receipt
//! after. A close runs when the run ends, so each of its letters is
//! delivered, or still in flight when the process that staged it died
//! between staging and recording (a shared run's spool closed by another
//! worker). Each receipt starts with the close's mark (see
//! [`PrintSpool::generation`](super::PrintSpool)), so the ledger also
//! tells which letters it has as delivered to this close: each of them
//! must be in a stream.

use std::collections::BTreeSet;

use super::Envelope;
use crate::ledger::{Ledger, State};

/// Checks each envelope against the ledger: its letter is one the ledger
/// has as delivered (or in flight), by this close when `mark` is given,
/// with the content hash the letter was staged with. The number of
/// envelopes checked; the error names the envelope and why.
pub(super) fn check_envelopes(
    ledger: &Ledger,
    envelopes: &[Envelope],
    mark: Option<&str>,
) -> Result<usize, String> {
    for e in envelopes {
        check_one(ledger, e, mark)
            .map_err(|why| format!("envelope {} (customer {}): {why}", e.envelope, e.customer))?;
    }
    Ok(envelopes.len())
}

fn check_one(ledger: &Ledger, e: &Envelope, mark: Option<&str>) -> Result<(), String> {
    let status = ledger
        .status(&e.key)
        .map_err(|err| format!("the ledger cannot be read: {}", err.message()))?
        .ok_or_else(|| format!("the ledger has no message {}: it was never sent", e.key))?;
    match status.state {
        // Bounced: delivered to this spool, returned by the post since.
        State::Delivered | State::InFlight | State::Bounced => {}
        other => {
            return Err(format!(
                "the ledger has {} as {}, not as taken by the print spool",
                e.key,
                serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ));
        }
    }
    // A receipt without a mark is a spool's from before marks.
    if let (Some(mark), State::Delivered | State::Bounced, Some(receipt)) =
        (mark, status.state, &status.receipt)
        && receipt.contains('/')
        && !receipt.starts_with(mark)
    {
        return Err(format!(
            "the ledger has {} as delivered with receipt {receipt}, by another spool or close \
             (this close's receipts start with {mark})",
            e.key
        ));
    }
    if let (Some(want), Some(got)) = (&e.content_hash, &status.content_hash)
        && want != got
    {
        return Err(format!(
            "its letter has content hash {}, the ledger recorded {} for {}",
            short(want),
            short(got),
            e.key
        ));
    }
    Ok(())
}

/// Every letter the ledger has as delivered with a receipt marked `mark`
/// is in one of `envelopes`; the error names the first that is not.
pub(super) fn all_in_streams(
    ledger: &Ledger,
    mark: &str,
    envelopes: &[Envelope],
) -> Result<(), String> {
    let keys = ledger
        .delivered_with_receipt(mark)
        .map_err(|err| format!("the ledger cannot be read: {}", err.message()))?;
    missing(&keys, envelopes)
}

/// The first of `keys` no envelope carries, as an error.
fn missing(keys: &[String], envelopes: &[Envelope]) -> Result<(), String> {
    let have: BTreeSet<&str> = envelopes.iter().map(|e| e.key.as_str()).collect();
    let lost: Vec<&String> = keys.iter().filter(|k| !have.contains(k.as_str())).collect();
    match lost.first() {
        None => Ok(()),
        Some(first) => Err(format!(
            "the ledger has {first} as delivered to the print spool, but no envelope carries it{}",
            if lost.len() > 1 {
                format!(" (and {} more)", lost.len() - 1)
            } else {
                String::new()
            }
        )),
    }
}

/// A hash as the errors show it: its first 16 digits.
fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}
