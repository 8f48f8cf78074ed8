//! The print stream: many customers' letters typeset in one compile.
//!
//! The frame's `letter` takes `(chunk: (data, ...))` as well as one letter's
//! data (`templates/brand/print/lib.typ`): every letter starts on a new page
//! and restarts the page counter, which is how the letters are found again
//! in the layout. Fonts, the parsed frame and what every letter shares (the
//! letterhead, the footer, headings, small print) are laid out once per
//! chunk instead of once per customer.

use std::sync::atomic::Ordering;

use typst::foundations::{Bytes, Content, Smart};
use typst::layout::{Abs, Frame, Sides};
use typst::model::Document as _;
use typst_layout::{Page, PagedDocument};

use super::world::DocWorld;
use super::{PrintEngine, Problem, compile, document_date, export, view};
use crate::error::{Error, Result};
use crate::model::digest::sha256_hex;
use crate::model::{Channel, Document};
use crate::render::{ChunkLetter, PdfStandard, PrintChunk};

const NO_CHUNKS: &str =
    "the print frame does not take chunks (it does not end in the brand's `letter`)";

impl PrintEngine {
    /// Typesets `docs`, all on one paper, as one PDF in one compile, each
    /// letter on a new page, and with `duplex` on a new sheet (a blank back
    /// after a letter with an odd page count). The same documents give the
    /// same bytes.
    ///
    /// Fails as a whole when any letter would fail alone (then render them
    /// one by one to learn which and why), when the papers differ, and when
    /// the design's own print frame does not lay out chunks (it does not
    /// end in the brand's `letter`).
    pub fn render_chunk(&self, docs: &[&Document], duplex: bool) -> Result<PrintChunk> {
        let first = docs
            .first()
            .ok_or_else(|| chunk_error("", "an empty chunk"))?;
        let fail = |message: String| chunk_error(&first.record, &message);
        if self.no_chunks.load(Ordering::Relaxed) {
            return Err(fail(NO_CHUNKS.to_owned()));
        }
        if let Some(d) = docs.iter().find(|d| d.paper != first.paper) {
            return Err(fail(format!(
                "record {} is on another paper than record {}",
                d.record, first.record
            )));
        }
        let today = document_date(&first.date_iso).ok_or_else(|| {
            fail(format!(
                "the document date {:?} is not a date",
                first.date_iso
            ))
        })?;
        let mut hashes = Vec::with_capacity(docs.len());
        let mut letters = Vec::with_capacity(docs.len());
        for doc in docs {
            let data = view::data(&self.engine, doc).map_err(&fail)?;
            hashes.push(sha256_hex(&data));
            letters.push(data);
        }
        let world = DocWorld {
            engine: &self.engine,
            data: Bytes::new(view::chunk_data(&self.engine, &letters, &first.design)),
            today,
            attachment: None,
        };
        let result = self.typeset_chunk(&world, docs, hashes, duplex);
        typst::comemo::evict(super::MEMO_MAX_AGE);
        result.map_err(|p| fail(p.message))
    }

    fn typeset_chunk(
        &self,
        world: &DocWorld<'_>,
        docs: &[&Document],
        hashes: Vec<String>,
        duplex: bool,
    ) -> std::result::Result<PrintChunk, Problem> {
        let paged = compile(world)?;
        let starts: Vec<usize> = (0..paged.pages().len())
            .filter(|&i| paged.pages()[i].number == 1)
            .collect();
        if starts.len() != docs.len() || starts.first() != Some(&0) {
            self.no_chunks.store(true, Ordering::Relaxed);
            return Err(format!(
                "the print frame laid out {} letters for {} customers: {NO_CHUNKS}",
                starts.len(),
                docs.len()
            )
            .into());
        }
        let (paged, letters) = self.sheets(paged, &starts, hashes, duplex)?;
        let ids: Vec<&str> = docs.iter().map(|d| d.record.as_str()).collect();
        let ident = format!(
            "vellum/chunk/{}/{}/{}",
            docs[0].design,
            docs[0].version,
            &sha256_hex(ids.join("\n").as_bytes())[..32]
        );
        let bytes = export(world, &paged, ident.clone(), PdfStandard::Tagged)?;
        // Named by what went in (hashing the PDF would cost a million
        // instructions per letter): the letters' data, their order, the paper
        // and the sheets.
        let mut name = format!("{:?}/{duplex}/{ident}", docs[0].paper);
        for l in &letters {
            name.push('/');
            name.push_str(&l.content_hash);
        }
        Ok(PrintChunk {
            id: sha256_hex(name.as_bytes())[..24].to_owned(),
            bytes: bytes.into(),
            paper: docs[0].paper,
            letters,
        })
    }

    /// Each letter's pages, checked against the design's page limit, with a
    /// blank back after an odd letter when printing on both sides.
    fn sheets(
        &self,
        paged: PagedDocument,
        starts: &[usize],
        hashes: Vec<String>,
        duplex: bool,
    ) -> std::result::Result<(PagedDocument, Vec<ChunkLetter>), Problem> {
        let total = paged.pages().len();
        let mut pages: Vec<Page> = Vec::with_capacity(total + starts.len());
        let mut letters = Vec::with_capacity(starts.len());
        for (i, hash) in hashes.into_iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(total);
            let own = &paged.pages()[starts[i]..end];
            if own.len() > self.max_pages as usize {
                return Err(format!(
                    "letter {} has {} pages, more than the design's max_pages = {}",
                    i + 1,
                    own.len(),
                    self.max_pages
                )
                .into());
            }
            let first_page = pages.len() + 1;
            pages.extend(own.iter().cloned());
            if duplex && own.len() % 2 == 1 {
                pages.push(blank(&own[own.len() - 1]));
            }
            letters.push(ChunkLetter {
                first_page,
                pages: own.len(),
                last_page: pages.len(),
                content_hash: hash,
            });
        }
        if pages.len() == total {
            return Ok((paged, letters));
        }
        let info = paged.info().clone();
        Ok((
            PagedDocument::new(pages.into_iter().collect(), info),
            letters,
        ))
    }
}

/// An empty page the size of `like`: the back of a letter's last sheet.
fn blank(like: &Page) -> Page {
    Page {
        frame: Frame::hard(like.frame.size()),
        bleed: Sides::splat(Abs::zero()),
        fill: Smart::Auto,
        numbering: None,
        supplement: Content::empty(),
        number: 0,
    }
}

fn chunk_error(record: &str, message: &str) -> Error {
    Error::render(record, Channel::Print, format!("print chunk: {message}"))
}
