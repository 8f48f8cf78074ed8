//! Batch files: staged letters merged, or a staged chunk file taken over.

use lopdf::Document;

use super::merge::{merge, pages_only};
use super::spool::{Letter, StagedChunk};
use super::{PrintSpool, SpoolSummary, io};
use crate::deliver::{DeliveryError, write_atomic};

impl PrintSpool {
    /// Merges one batch of staged letters into `file` and lists its envelopes.
    pub(super) fn write_batch(
        &self,
        file: &str,
        chunk: &[Letter],
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let mut docs = Vec::new();
        for (meta, pdf, _) in chunk {
            let bytes = std::fs::read(pdf).map_err(io)?;
            let doc = Document::load_mem(&bytes).map_err(|e| {
                DeliveryError::permanent(format!("print spool: record {}: {e}", meta.customer))
            })?;
            docs.push(doc);
        }
        let (mut merged, counts) = merge(docs, self.options.duplex).map_err(io)?;
        let mut bytes = Vec::new();
        merged.save_to(&mut bytes).map_err(io)?;
        let path = self.dir.join(file);
        write_atomic(&path, &bytes).map_err(io)?;
        let letters = chunk
            .iter()
            .zip(counts)
            .map(|((meta, _, _), (pages, total))| (meta, pages, total));
        self.list_envelopes(file, letters, summary);
        summary.batches.push(path);
        Ok(())
    }

    /// A staged chunk file as the batch `file`: as it is when every letter
    /// in it was delivered, else with only the delivered letters' pages.
    pub(super) fn write_chunk(
        &self,
        file: &str,
        letters: &[(StagedChunk, Letter)],
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let source = &letters[0].1.1;
        let path = self.dir.join(file);
        let used: usize = letters
            .iter()
            .map(|(c, _)| c.last_page + 1 - c.first_page)
            .sum();
        if used == letters[0].0.chunk_pages {
            std::fs::rename(source, &path).map_err(io)?;
        } else {
            let keep: Vec<(usize, usize)> = letters
                .iter()
                .map(|(c, _)| (c.first_page, c.last_page))
                .collect();
            write_atomic(&path, &pages_only(source, &keep)?).map_err(io)?;
        }
        let pages = letters
            .iter()
            .map(|(c, (meta, _, _))| (meta, meta.pages, c.last_page + 1 - c.first_page));
        self.list_envelopes(file, pages, summary);
        summary.batches.push(path);
        Ok(())
    }
}
