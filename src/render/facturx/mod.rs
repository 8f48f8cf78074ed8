//! Factur-X 1.0 / ZUGFeRD 2.3, profile EN 16931: the bill as an e-invoice
//! (feature `factur-x`). A design that has an `invoice.toml` maps EN 16931
//! terms to its record fields; [`factur_x_xml`] builds the UN/CEFACT Cross
//! Industry Invoice XML from a composed document, and
//! [`PrintEngine::render_factur_x`] makes the PDF/A-3b that carries it:
//! the normal letter, with `factur-x.xml` attached by Typst's `pdf.attach`
//! (relationship `Alternative`) and the Factur-X XMP metadata added after
//! export.
//!
//! ```
//! use vellum::{ComposeOptions, Design, compose, model::Date, render};
//!
//! let design = Design::load("templates/bill")?;
//! let record: serde_json::Value =
//!     serde_json::from_str(&std::fs::read_to_string("templates/bill/samples/C1003.json")?)?;
//! let doc = compose(&design, &record, &ComposeOptions::today(Date::parse("2026-12-15").unwrap()))?;
//! let xml = render::factur_x_xml(&design, &doc)?;
//! assert!(xml.contains("<ram:DuePayableAmount>195.49</ram:DuePayableAmount>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cii;
mod decimal;
mod invoice;
mod xmp;

use super::{Pdf, PdfOptions, PdfStandard, PrintEngine};
use crate::design::Design;
use crate::error::{Error, Result};
use crate::model::{Channel, Document};

/// The attachment's name, as Factur-X requires it.
pub const FACTUR_X_FILE: &str = "factur-x.xml";

/// The CII XML (Factur-X, profile EN 16931) of a composed document of a
/// design that is an e-invoice (has an `invoice.toml`). Fails, naming the
/// term and the field, when the record lacks a mandatory term
/// (`BT-1 invoice number: field invoice.number is missing`) or its amounts
/// break an EN 16931 rule (the lines do not add up to the net total, the
/// VAT is not the rate of the basis, the amount due is not the total less
/// what was paid).
pub fn factur_x_xml(design: &Design, doc: &Document) -> Result<String> {
    let fail = |message: String| Error::render(&doc.record, Channel::Print, message);
    let invoice = invoice::invoice(design, doc).map_err(fail)?;
    cii::xml(&invoice).map_err(fail)
}

/// Whether the design's own PDFs (the letter rendered alone, the email
/// attachment, the archive copy) are Factur-X: its `invoice.toml` says
/// `embed = true`.
pub fn embeds_factur_x(design: &Design) -> bool {
    design.invoice.as_ref().is_some_and(|m| m.embed)
}

impl PrintEngine {
    /// Renders the Factur-X PDF of a document: the letter as
    /// [`PrintEngine::render_with`] makes it, as PDF/A-3b (with PDF/UA-1
    /// when `options` asks for it), with `xml` (see [`factur_x_xml`])
    /// attached as `factur-x.xml` and the Factur-X XMP metadata
    /// (`fx:DocumentType` INVOICE, `fx:ConformanceLevel` EN 16931, and the
    /// PDF/A extension schema that declares them).
    pub fn render_factur_x(&self, doc: &Document, xml: &str, options: &PdfOptions) -> Result<Pdf> {
        let standard = match options.standard {
            PdfStandard::PdfA3bUa1 => PdfStandard::PdfA3bUa1,
            _ => PdfStandard::PdfA3b,
        };
        let options = PdfOptions {
            standard,
            ..options.clone()
        };
        let pdf = self.render_attaching(doc, &options, Some(xml.as_bytes().to_vec()))?;
        let bytes = xmp::add_factur_x(pdf.bytes, FACTUR_X_FILE, "EN 16931")
            .map_err(|m| Error::render(&doc.record, Channel::Print, m))?;
        Ok(Pdf { bytes, ..pdf })
    }
}
