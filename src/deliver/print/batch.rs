//! One stream (batch file): its letters' pages assembled in layout order
//! with blank backs, job and separator sheets and marks, written to
//! `quarantine/` for the read-back.

use std::path::PathBuf;

use lopdf::{Document, ObjectId};

use super::envelopes::{LetterPages, Slot, lay_out};
use super::merge::StreamBuilder;
use super::spool::{Letter, Staged, StagedChunk};
use super::{PrintSpool, SpoolSummary, io, marks, sheets};
use crate::deliver::{DeliveryError, write_atomic};
use crate::message::sha256_hex;
use crate::model::Date;

/// A stream written to quarantine.
pub(super) struct Written {
    pub file: String,
    pub quarantined: PathBuf,
}

/// A letter's pages in the builder: `None` for a blank back to add.
struct Source<'a> {
    meta: &'a Staged,
    pages: Vec<Option<ObjectId>>,
}

impl PrintSpool {
    /// Single letters (one PDF each) as the stream `file`.
    pub(super) fn write_batch(
        &self,
        file: &str,
        chunk: &[Letter],
        summary: &mut SpoolSummary,
    ) -> Result<Written, DeliveryError> {
        let mut b = StreamBuilder::new();
        let mut sources = Vec::new();
        for (meta, pdf, _) in chunk {
            let bytes = std::fs::read(pdf).map_err(io)?;
            let doc = Document::load_mem(&bytes).map_err(|e| {
                DeliveryError::permanent(format!("print spool: record {}: {e}", meta.customer))
            })?;
            let mut pages: Vec<Option<ObjectId>> =
                b.absorb(doc).map_err(io)?.into_iter().map(Some).collect();
            if self.options.duplex && pages.len() % 2 == 1 {
                pages.push(None);
            }
            sources.push(Source { meta, pages });
        }
        self.produce(file, b, sources, summary)
    }

    /// A staged chunk file as the stream `file`, with only the pages of
    /// its delivered letters.
    pub(super) fn write_chunk(
        &self,
        file: &str,
        letters: &[(StagedChunk, Letter)],
        summary: &mut SpoolSummary,
    ) -> Result<Written, DeliveryError> {
        let source = &letters[0].1.1;
        let bytes = std::fs::read(source).map_err(|e| {
            io(format!(
                "the chunk `{}` of delivered letters: {e}",
                source.display()
            ))
        })?;
        let mut b = StreamBuilder::new();
        let ids = b
            .absorb(Document::load_mem(&bytes).map_err(io)?)
            .map_err(io)?;
        let mut sources = Vec::new();
        for (c, (meta, _, _)) in letters {
            let pages = ids
                .get(c.first_page.saturating_sub(1)..c.last_page)
                .ok_or_else(|| {
                    io(format!(
                        "the chunk `{}` has {} pages, its letter for customer {} pages {} to {}",
                        source.display(),
                        ids.len(),
                        meta.customer,
                        c.first_page,
                        c.last_page
                    ))
                })?;
            let pages = pages.iter().copied().map(Some).collect();
            sources.push(Source { meta, pages });
        }
        self.produce(file, b, sources, summary)
    }

    /// Lays the letters out, adds sheets, blank backs and marks, and writes
    /// the stream to quarantine.
    fn produce(
        &self,
        file: &str,
        mut b: StreamBuilder,
        sources: Vec<Source<'_>>,
        summary: &mut SpoolSummary,
    ) -> Result<Written, DeliveryError> {
        let letters: Vec<LetterPages<'_>> = sources
            .iter()
            .map(|s| LetterPages {
                customer: &s.meta.customer,
                key: &s.meta.key,
                postal_code: s.meta.postal_code.as_deref(),
                pages: s.meta.pages,
                total: s.pages.len(),
                digests: digests(s),
                content_hash: s.meta.content_hash.as_deref(),
            })
            .collect();
        let layout = lay_out(&letters, file, summary.envelopes.len() + 1, &self.options)?;
        let like = sources
            .iter()
            .flat_map(|s| &s.pages)
            .flatten()
            .next()
            .copied();
        let sheet_pages = self.sheet_pages(&mut b, file, like, &layout)?;
        let text = self.options.production.blank_back_text.as_deref();
        for slot in &layout.slots {
            match *slot {
                Slot::Job(0) => b.push(sheet_pages[0]),
                Slot::Separator(n, 0) => {
                    b.push(sheet_pages[usize::from(self.options.production.job_sheet) + n]);
                }
                Slot::Job(_) | Slot::Separator(..) => {
                    b.push_blank(like);
                }
                Slot::Letter { letter, page } => {
                    let s = &sources[letter];
                    let id = match s.pages[page] {
                        Some(id) => {
                            b.push(id);
                            id
                        }
                        None => b.push_blank(like),
                    };
                    if let Some(t) = text
                        && page >= s.meta.pages
                    {
                        marks::blank_text(&mut b, id, t).map_err(io)?;
                    }
                }
            }
        }
        self.draw_marks(&mut b, &layout.envelopes)?;
        let mut doc = b.finish();
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).map_err(io)?;
        let quarantined = self.quarantine().join(file);
        write_atomic(&quarantined, &bytes).map_err(io)?;
        summary.envelopes.extend(layout.envelopes);
        Ok(Written {
            file: file.to_owned(),
            quarantined,
        })
    }

    /// The job sheet and separator sheets of a stream (printpdf), absorbed
    /// into `b`: the job sheet first, then one page per separator.
    fn sheet_pages(
        &self,
        b: &mut StreamBuilder,
        file: &str,
        like: Option<ObjectId>,
        layout: &super::envelopes::Layout,
    ) -> Result<Vec<ObjectId>, DeliveryError> {
        let p = &self.options.production;
        if !p.job_sheet && layout.separators.is_empty() {
            return Ok(Vec::new());
        }
        let size = like
            .and_then(|id| b.page(id).ok()?.get(b"MediaBox").ok().cloned())
            .and_then(|m| {
                let a = m.as_array().ok()?;
                let n = |i: usize| {
                    a.get(i)?
                        .as_float()
                        .ok()
                        .or_else(|| a.get(i)?.as_i64().ok().map(|v| v as f32))
                };
                Some(((n(2)? - n(0)?) * 25.4 / 72.0, (n(3)? - n(1)?) * 25.4 / 72.0))
            })
            .unwrap_or((210.0, 297.0));
        let date = self.options.date.clone().unwrap_or_else(|| {
            let d = Date::today_utc();
            format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
        });
        let job = sheets::JobFacts {
            job: &self.options.job,
            design: self.options.design.as_ref(),
            date,
            file,
            envelopes: &layout.envelopes,
            sheets: layout.slots.len().div_ceil(self.options.pages_per_sheet()),
            pages: layout.slots.len(),
            duplex: self.options.duplex,
        };
        let pdf = sheets::sheets(
            p.job_sheet.then_some(&job),
            &layout.separators,
            &layout.envelopes,
            size,
        );
        let doc = Document::load_mem(&pdf).map_err(|e| io(format!("the job sheet: {e}")))?;
        b.absorb(doc).map_err(io)
    }

    /// The marks on the front of every envelope sheet, when the design
    /// asks for them.
    fn draw_marks(
        &self,
        b: &mut StreamBuilder,
        envelopes: &[super::Envelope],
    ) -> Result<(), DeliveryError> {
        let Some(layout) = &self.options.production.marks else {
            return Ok(());
        };
        let pps = self.options.pages_per_sheet();
        let mut seq = 0;
        for e in envelopes {
            for sheet in 1..=e.sheets {
                seq += 1;
                let page = b.pages()[e.first_page - 1 + (sheet - 1) * pps];
                let text = marks::payload(&self.options.job, e.envelope, sheet, e.sheets);
                let bits = marks::omr_bits(layout, seq, sheet == e.sheets);
                marks::draw(b, page, layout, &text, &bits).map_err(|m| {
                    DeliveryError::permanent(format!("print spool: envelope {}: {m}", e.envelope))
                })?;
            }
        }
        Ok(())
    }
}

/// The digests of a letter's pages in the stream: as staged, and the
/// digest of nothing for a blank back the spool adds; none when the letter
/// was staged without them.
fn digests(s: &Source<'_>) -> Vec<String> {
    if s.meta.digests.is_empty() {
        return Vec::new();
    }
    let blank = sha256_hex(b"")[..16].to_owned();
    let mut d = s.meta.digests.clone();
    d.resize(s.pages.len(), blank);
    d
}
