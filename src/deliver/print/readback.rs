//! The read-back before release: the finished stream is loaded again from
//! disk and checked against its manifest, so a stream that does not hold
//! what the manifest says never reaches the print shop.
//!
//! Checked, per envelope: its pages are there; each page's own content
//! (the letter's content streams, without the marks) has the digest the
//! letter had when it was staged, so a page of another customer, a missing
//! or a doubled page is found; on every sheet's front the DataMatrix,
//! rebuilt from the drawn module rectangles and decoded, says this job,
//! envelope and sheet x of y, and the OMR marks read from the drawn bars
//! are the ones the map gives for this sheet. For the stream: its page
//! count, and its embedded files (name and size) against the manifest's,
//! which lists none: the merge keeps no letter's attachments.

use std::path::Path;

use lopdf::{Document, Object, ObjectId};
use serde::Serialize;

use super::merge::{OURS, content_digest, content_streams};
use super::{Envelope, PrintOptions, marks};

/// What a read-back checked.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ReadBack {
    /// The stream's file name.
    pub file: String,
    /// Pages read.
    pub pages: usize,
    /// Envelopes checked.
    pub envelopes: usize,
    /// Pages whose content digest matched the staged letter's.
    pub digests: usize,
    /// Sheets whose DataMatrix and OMR marks were decoded and matched.
    pub marked_sheets: usize,
    /// Embedded files found: name and size in bytes.
    pub embedded_files: Vec<(String, usize)>,
    /// Envelopes checked against the ledger: a letter it has as taken by
    /// the spool, with the same content hash (0 when read back without a
    /// ledger).
    pub ledger_checked: usize,
    /// The idempotency keys of its envelopes' letters, in envelope order
    /// (a split letter's once per envelope).
    pub keys: Vec<String>,
    /// Why the stream failed, when [`PrintSpool::verify_released`]
    /// read it back (a failed read-back before release is an error).
    ///
    /// [`PrintSpool::verify_released`]: super::PrintSpool::verify_released
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Reads the stream at `path` back against `envelopes` (its manifest
/// lines, with their page digests) and the marks `options` draw. The
/// error names the envelope and what is wrong.
pub fn read_back(
    path: &Path,
    envelopes: &[Envelope],
    options: &PrintOptions,
) -> Result<ReadBack, String> {
    let doc = Document::load(path).map_err(|e| format!("cannot read it back: {e}"))?;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut report = ReadBack {
        file: envelopes
            .first()
            .map(|e| e.file.clone())
            .unwrap_or_default(),
        pages: pages.len(),
        keys: envelopes.iter().map(|e| e.key.clone()).collect(),
        ..ReadBack::default()
    };
    let mut seq = 0;
    for e in envelopes {
        let fail =
            |why: String| format!("envelope {} (customer {}): {why}", e.envelope, e.customer);
        if e.last_page > pages.len() {
            return Err(fail(format!(
                "its pages {} to {} are not in a stream of {} pages",
                e.first_page,
                e.last_page,
                pages.len()
            )));
        }
        let own = &pages[e.first_page - 1..e.last_page];
        report.digests += check_digests(&doc, own, e).map_err(fail)?;
        seq += check_marks(&doc, own, e, seq, options).map_err(fail)?;
        report.envelopes += 1;
    }
    report.marked_sheets = if options.production.marks.is_some() {
        seq
    } else {
        0
    };
    let want = envelopes.last().map_or(0, |e| e.last_page);
    if pages.len() != want {
        return Err(format!(
            "the stream has {} pages, its manifest ends on page {want}",
            pages.len()
        ));
    }
    report.embedded_files = embedded_files(&doc);
    if let Some((name, size)) = report.embedded_files.first() {
        return Err(format!(
            "the stream embeds {name:?} ({size} bytes), which its manifest does not list"
        ));
    }
    Ok(report)
}

/// Each page of the envelope against the staged letter's digests; the
/// number of pages checked.
fn check_digests(doc: &Document, own: &[ObjectId], e: &Envelope) -> Result<usize, String> {
    if e.digests.is_empty() {
        return Ok(0);
    }
    if e.digests.len() != own.len() {
        return Err(format!(
            "the manifest has {} page digests for its {} pages",
            e.digests.len(),
            own.len()
        ));
    }
    for (i, (page, want)) in own.iter().zip(&e.digests).enumerate() {
        let n = e.letter_page + i;
        if &content_digest(doc, *page) != want {
            return Err(format!(
                "page {} of the stream is not page {n} of the customer's letter",
                e.first_page + i
            ));
        }
    }
    Ok(own.len())
}

/// The marks on the front of each sheet of the envelope; the number of
/// sheets (the stream's marked sheets before it are `before`).
fn check_marks(
    doc: &Document,
    own: &[ObjectId],
    e: &Envelope,
    before: usize,
    options: &PrintOptions,
) -> Result<usize, String> {
    let Some(layout) = &options.production.marks else {
        return Ok(e.sheets);
    };
    let pps = options.pages_per_sheet();
    for (i, page) in own.iter().enumerate().filter(|(i, _)| i % pps == 1) {
        if has_marks(doc, *page) {
            return Err(format!(
                "page {} is the back of a sheet but carries a front's marks",
                e.first_page + i
            ));
        }
    }
    for sheet in 1..=e.sheets {
        let page = *own
            .get((sheet - 1) * pps)
            .ok_or_else(|| format!("sheet {sheet} of {} is missing", e.sheets))?;
        let streams = content_streams(doc, page);
        let content = streams
            .iter()
            .rev()
            .find(|s| s.dict.get(OURS).is_ok())
            .ok_or_else(|| format!("sheet {sheet} has no marks"))?;
        let bytes = content
            .decompressed_content()
            .unwrap_or_else(|_| content.content.clone());
        let height = doc
            .get_dictionary(page)
            .ok()
            .and_then(|d| d.get(b"MediaBox").ok())
            .ok_or("a page without a MediaBox")
            .and_then(|m| marks::media_height(m).map_err(|_| "a bad MediaBox"))?;
        let read =
            marks::read(&bytes, layout, height).map_err(|m| format!("sheet {sheet}: {m}"))?;
        let text = marks::payload(&options.job, e.envelope, sheet, e.sheets);
        if read.text != text {
            return Err(format!(
                "sheet {sheet}'s DataMatrix says {:?}, the manifest {text:?}",
                read.text
            ));
        }
        let bits = marks::omr_bits(layout, before + sheet, sheet == e.sheets);
        if read.bits != bits {
            return Err(format!(
                "sheet {sheet}'s OMR marks are {}, the map gives {}",
                shown(&read.bits),
                shown(&bits)
            ));
        }
    }
    Ok(e.sheets)
}

/// Whether the page carries a DataMatrix we drew.
fn has_marks(doc: &Document, page: ObjectId) -> bool {
    content_streams(doc, page)
        .iter()
        .filter(|s| s.dict.get(OURS).is_ok())
        .any(|s| {
            let bytes = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            bytes.windows(5).any(|w| w == b"VlmDM")
        })
}

fn shown(bits: &[bool]) -> String {
    bits.iter().map(|b| if *b { '1' } else { '0' }).collect()
}

/// The files the stream embeds (the catalog's `EmbeddedFiles` name tree,
/// first level): name and size.
fn embedded_files(doc: &Document) -> Vec<(String, usize)> {
    fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
        match o {
            Object::Reference(id) => doc.get_object(*id).ok(),
            other => Some(other),
        }
    }
    let get = |o| deref(doc, o);
    let names = doc
        .catalog()
        .ok()
        .and_then(|c| get(c.get(b"Names").ok()?))
        .and_then(|n| get(n.as_dict().ok()?.get(b"EmbeddedFiles").ok()?))
        .and_then(|t| get(t.as_dict().ok()?.get(b"Names").ok()?))
        .and_then(|a| a.as_array().ok());
    let Some(names) = names else {
        return Vec::new();
    };
    names
        .chunks(2)
        .filter_map(|pair| {
            let name = String::from_utf8_lossy(pair.first()?.as_str().ok()?).into_owned();
            let spec = get(pair.get(1)?)?.as_dict().ok()?;
            let ef = get(spec.get(b"EF").ok()?)?.as_dict().ok()?;
            let stream = get(ef.get(b"F").ok()?)?.as_stream().ok()?;
            let size = stream
                .decompressed_content()
                .map_or(stream.content.len(), |c| c.len());
            Some((name, size))
        })
        .collect()
}
