//! What the print channel produces and the options it takes. Plain data,
//! present without the `print` feature too, so messages and backends can
//! carry PDFs made elsewhere.

use crate::model::Paper;

/// A PDF standard to conform to, for archive copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PdfStandard {
    /// A tagged (accessible) PDF 1.7, no archival claim. The default.
    #[default]
    Tagged,
    /// PDF/A-3b: self-contained for long-term archiving; allows attachments
    /// such as e-invoice XML.
    PdfA3b,
    /// PDF/A-3b and PDF/UA-1 (universal accessibility) together.
    PdfA3bUa1,
}

/// Options for PDF rendering.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PdfOptions {
    /// The standard to conform to; Typst checks conformance and fails with a
    /// clear message when the document cannot meet it.
    pub standard: PdfStandard,
    /// Also render the first page as a PNG at this resolution (dots per
    /// inch), e.g. for previews. Costs more than the PDF itself.
    pub png_dpi: Option<f32>,
}

impl PdfOptions {
    /// Options for a PDF that conforms to `standard`.
    pub fn standard(standard: PdfStandard) -> PdfOptions {
        PdfOptions {
            standard,
            png_dpi: None,
        }
    }

    /// Also renders the first page as a PNG at `dpi` dots per inch.
    pub fn png(mut self, dpi: f32) -> PdfOptions {
        self.png_dpi = Some(dpi);
        self
    }
}

/// A rendered PDF. Serialized (in reports) as its size, pages and paper.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pdf {
    /// The PDF file.
    #[serde(serialize_with = "byte_count")]
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// The paper the document was laid out for.
    pub paper: Paper,
    /// The first page as a PNG, when [`PdfOptions::png_dpi`] asked for one.
    #[serde(skip)]
    pub png_first_page: Option<Vec<u8>>,
    /// Hex SHA-256 of what the print frame was given (`/data.json`): the
    /// same as the letter's [`ChunkLetter::content_hash`] in a print chunk.
    pub content_hash: String,
}

fn byte_count<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(bytes.len() as u64)
}

/// Many customers' letters typeset in one compile, as one PDF: the print
/// stream of a batch run. Serialized (in reports) without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrintChunk {
    /// The PDF file: the letters one after the other, each starting on a
    /// new sheet when laid out for duplex. Shared by every letter's message.
    #[serde(serialize_with = "byte_count")]
    pub bytes: std::sync::Arc<[u8]>,
    /// The chunk's name (24 hex digits): a hash of its letters' content
    /// hashes, their order, the paper and the sheets, so the same letters
    /// give the same name and the same bytes.
    pub id: String,
    /// The paper every letter of the chunk is laid out for.
    pub paper: Paper,
    /// Each document's place in the PDF, in the order given.
    pub letters: Vec<ChunkLetter>,
}

/// One customer's letter in a [`PrintChunk`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChunkLetter {
    /// First page of the letter in the chunk, from 1.
    pub first_page: usize,
    /// Pages of the letter (without a blank back).
    pub pages: usize,
    /// Last page of the letter in the chunk, a blank back included.
    pub last_page: usize,
    /// Hex SHA-256 of what the print frame was given for this customer
    /// (`/data.json`): the same for a letter typeset alone or in any chunk.
    pub content_hash: String,
}
