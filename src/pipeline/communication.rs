//! A composed document made into the messages of a communication: what each
//! channel of the plan needs is rendered once (the PDF serves the letter and
//! the email attachment) and handed to the message builder.

use super::Pipeline;
use crate::error::Result;
use crate::message::{Communication, MessageOptions};
use crate::model::{Channel, Document};
use crate::render::{self, Pdf, PdfOptions, PdfStandard, PrintChunk};

impl Pipeline<'_> {
    /// Renders what the document's channel plan needs (email with the PDF
    /// when the design attaches it, SMS, print PDF) and, with `archive`, a
    /// PDF/A-3b copy, then builds the messages. A channel that fails to
    /// render is a problem of that channel, so the dispatcher falls back
    /// past it.
    pub fn communication(
        &self,
        doc: &Document,
        archive: bool,
        options: &MessageOptions,
    ) -> Result<Communication> {
        self.communication_for(doc, &doc.plan, archive, options)
    }

    /// As [`Pipeline::communication`], for the given channels instead of the
    /// document's plan (a resend on one channel, a test send): they become
    /// the communication's plan, in the order given.
    pub fn communication_for(
        &self,
        doc: &Document,
        channels: &[Channel],
        archive: bool,
        options: &MessageOptions,
    ) -> Result<Communication> {
        self.build(doc, channels, archive, options, None)
    }

    /// Whether the document's letter can go into a print chunk: its plan
    /// reaches print before any channel it has an address for, so print is
    /// what the dispatcher tries first and the letter needs no PDF of its
    /// own (no email to attach one to, no fallback that could want it).
    pub fn prints_first(&self, doc: &Document) -> bool {
        for channel in &doc.plan {
            match channel {
                Channel::Print => return true,
                Channel::Email if has(doc.email.as_deref()) => return false,
                Channel::Sms if has(doc.phone.as_deref()) => return false,
                _ => {}
            }
        }
        false
    }

    /// As [`Pipeline::communication`], with the letter taken from a print
    /// chunk (letter `index` of `chunk`, see [`Pipeline::print_chunk`])
    /// instead of rendered on its own.
    pub fn communication_in_chunk(
        &self,
        doc: &Document,
        chunk: &PrintChunk,
        index: usize,
        options: &MessageOptions,
    ) -> Result<Communication> {
        self.build(doc, &doc.plan, false, options, Some((chunk, index)))
    }

    fn build(
        &self,
        doc: &Document,
        channels: &[Channel],
        archive: bool,
        options: &MessageOptions,
        chunk: Option<(&PrintChunk, usize)>,
    ) -> Result<Communication> {
        let design = self.design;
        let attach = design.manifest().attach_pdf && has(doc.email.as_deref());
        let mut b = Communication::builder(design, doc, options).plan(channels);
        let needs_pdf = (channels.contains(&Channel::Print) && chunk.is_none())
            || (channels.contains(&Channel::Email) && attach);
        let pdf: Option<Result<Pdf>> = needs_pdf.then(|| self.pdf(doc, &PdfOptions::default()));
        for &channel in channels {
            match channel {
                Channel::Email => match (render::email(design, doc), &pdf) {
                    (Ok(e), Some(Ok(p))) if attach => b = b.email(&e, Some(p)),
                    (Ok(_), Some(Err(err))) if attach => {
                        b = b.problem(Channel::Email, format!("attachment: {err}"))
                    }
                    (Ok(e), _) => b = b.email(&e, None),
                    (Err(err), _) => b = b.problem(Channel::Email, err.to_string()),
                },
                Channel::Sms => match render::sms(design, doc) {
                    Ok(s) => b = b.sms(&s),
                    Err(err) => b = b.problem(Channel::Sms, err.to_string()),
                },
                Channel::Print => match (chunk, &pdf) {
                    (Some((chunk, i)), _) => b = b.letter_in_chunk(chunk, i),
                    (None, Some(Ok(p))) => b = b.letter(p),
                    (None, Some(Err(err))) => b = b.problem(Channel::Print, err.to_string()),
                    (None, None) => {}
                },
            }
        }
        if archive {
            let options = PdfOptions {
                standard: PdfStandard::PdfA3b,
                png_dpi: None,
            };
            b = b.archive(&self.pdf(doc, &options)?);
        }
        Ok(b.build())
    }
}

/// An address or number on record (not blank).
fn has(contact: Option<&str>) -> bool {
    contact.is_some_and(|s| !s.trim().is_empty())
}
