//! Print: a composed Document typeset as a PDF by Typst, embedded as a library.
//!
//! The brand's print frame (`templates/brand/print.typ`, or a design's own
//! `print.typ`) is a Typst program that reads the Document as data from the
//! fixed virtual file `/data.json`. Fonts, the standard library and the parsed
//! frame are loaded once per design ([`world::Engine`]) and shared by every
//! document and thread; per document only the data changes. The Typst world
//! is a sandbox: the brand and design folders and the bundled fonts, nothing
//! else, and the document's date as the only clock, so the same input gives
//! byte-identical PDF bytes.

mod blocks;
mod chunk;
mod glyphs;
mod measure;
mod qr;
mod qrbill;
mod view;
pub(crate) mod world;

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::{World, WorldExt};
use typst_layout::PagedDocument;

use self::world::{DocWorld, Engine};
use super::{Pdf, PdfOptions, PdfStandard};
use crate::design::Design;
use crate::error::{Error, ErrorKind, Result};
use crate::model::digest::sha256_hex;
use crate::model::{Channel, Diagnostic, Document, Place};

/// How many documents a memoized layout result survives without being used.
/// Typst's memo cache is global and grows by megabytes per distinct document
/// unless evicted; what the print frame lays out the same way for every
/// customer (the letterhead, the footer, headings, labels, small print) is
/// used by every document and stays, the rest goes after a few documents.
///
/// Measured with callgrind (instruction counts, noise-free) on the peers'
/// one-page bills: 159 M instructions per bill when everything is dropped
/// after each document, 96 M at age 1, 94 M at age 3, 91 M at age 10. The
/// frame makes this possible by keeping the customer out of every set rule
/// above the body (`templates/brand/print/lib.typ`): a style chain that
/// differs per customer misses the cache everywhere below it. Memory stays
/// flat (see `examples/peers.rs --rss`).
const MEMO_MAX_AGE: usize = 5;

/// The print channel of one design: the bundled fonts, the design's and
/// brand's files and the parsed print frame, loaded once and shared by every
/// document and thread (`Send + Sync`). Build it once per design with
/// [`PrintEngine::new`]; per document only the data changes.
#[derive(Debug)]
pub struct PrintEngine {
    engine: Engine,
    max_pages: u32,
    /// The frame was seen not to lay out print chunks (a design's own
    /// frame that does not end in the brand's `letter`): chunks are refused
    /// at once from then on instead of compiled and thrown away.
    no_chunks: std::sync::atomic::AtomicBool,
}

impl PrintEngine {
    /// Loads the print frame of a design that prints. Fails with the
    /// design's diagnostics when the frame or its files cannot be loaded.
    pub fn new(design: &Design) -> Result<PrintEngine> {
        let fail = |message: String| -> Error {
            ErrorKind::Design {
                design: shown(design.dir()),
                diagnostics: vec![Diagnostic::new(
                    Place::new(&format!("{}/print.typ", shown(design.brand_dir())), 1, 1),
                    message,
                )],
            }
            .into()
        };
        if !design.manifest.channels.contains(&Channel::Print) {
            return Err(fail(format!(
                "the design `{}` does not print: add \"print\" to its channels",
                design.id()
            )));
        }
        let brand = shown(design.brand_dir());
        let dir = shown(design.dir());
        let mut engine = Engine::load(
            design.loader(),
            design.brand_dir(),
            &brand,
            design.dir(),
            &dir,
        )
        .map_err(fail)?;
        engine.frame = view::prepare(design).map_err(fail)?;
        Ok(PrintEngine {
            engine,
            max_pages: design.manifest.max_pages,
            no_chunks: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Renders the print PDF of a composed document: tagged, fonts embedded,
    /// on the document's paper (A4 with a DIN 5008 window-envelope layout, or
    /// US Letter for a #10 window envelope).
    pub fn render(&self, doc: &Document) -> Result<Pdf> {
        self.render_with(doc, &PdfOptions::default())
    }

    /// Renders the PDF with options (archive standards, a preview PNG).
    pub fn render_with(&self, doc: &Document, options: &PdfOptions) -> Result<Pdf> {
        self.render_attaching(doc, options, None)
    }

    /// Renders the PDF with `attachment` (an e-invoice's XML) attached as
    /// `factur-x.xml`; see `render::facturx`.
    pub(crate) fn render_attaching(
        &self,
        doc: &Document,
        options: &PdfOptions,
        attachment: Option<Vec<u8>>,
    ) -> Result<Pdf> {
        let fail = |msg: String| Error::render(&doc.record, Channel::Print, msg);
        let engine = &self.engine;
        let data = view::data(engine, doc).map_err(fail)?;
        let today = document_date(&doc.date_iso).ok_or_else(|| {
            fail(format!(
                "the document date {:?} is not a date",
                doc.date_iso
            ))
        })?;
        let content_hash = sha256_hex(&data);
        let world = DocWorld {
            engine,
            data: Bytes::new(data),
            today,
            attachment: attachment.map(Bytes::new),
        };
        let result = typeset(&world, doc, options, self.max_pages).map(|pdf| Pdf {
            content_hash,
            ..pdf
        });
        // The memo cache is global: drop what recent documents did not use.
        typst::comemo::evict(MEMO_MAX_AGE);
        result
            .map_err(|p| Error::render_with(&doc.record, Channel::Print, p.message, p.diagnostics))
    }
}

/// The document's ISO date as Typst's clock.
fn document_date(iso: &str) -> Option<Datetime> {
    let year = iso.get(0..4)?.parse().ok()?;
    let month = iso.get(5..7)?.parse().ok()?;
    let day = iso.get(8..10)?.parse().ok()?;
    Datetime::from_ymd(year, month, day)
}

/// A failed print render: the message, and Typst's problems with their
/// places in the frame.
struct Problem {
    message: String,
    diagnostics: Vec<Diagnostic>,
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem {
            message,
            diagnostics: Vec::new(),
        }
    }
}

fn typeset(
    world: &DocWorld<'_>,
    doc: &Document,
    options: &PdfOptions,
    max_pages: u32,
) -> std::result::Result<Pdf, Problem> {
    let paged = compile(world)?;
    let pages = paged.pages().len();
    if pages > max_pages as usize {
        return Err(format!(
            "the document has {pages} pages, more than the design's max_pages = {max_pages}"
        )
        .into());
    }
    // Stable per design, record and date: the same input gives the same bytes.
    let ident = format!(
        "vellum/{}/{}/{}/{}",
        doc.design, doc.version, doc.record, doc.date_iso
    );
    let bytes = export(world, &paged, ident, options.standard)?;
    let png_first_page = match options.png_dpi {
        Some(dpi) if dpi > 0.0 && dpi <= 1200.0 => {
            let page = &paged.pages()[0];
            let opts = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(f64::from(dpi) / 72.0),
                render_bleed: false,
            };
            let pixmap = typst_render::render(page, &opts);
            Some(
                pixmap
                    .encode_png()
                    .map_err(|e| format!("cannot encode the page PNG: {e}"))?,
            )
        }
        Some(dpi) => return Err(format!("png_dpi {dpi} is out of range (1 to 1200)").into()),
        None => None,
    };
    Ok(Pdf {
        bytes,
        pages,
        paper: doc.paper,
        png_first_page,
        content_hash: String::new(),
    })
}

/// Lays the frame out, and refuses a layout with a character no font has.
fn compile(world: &DocWorld<'_>) -> std::result::Result<PagedDocument, Problem> {
    let compiled = typst::compile::<PagedDocument>(world);
    let paged = compiled
        .output
        .map_err(|diags| describe(world, diags.as_slice()))?;
    let missing = glyphs::missing(&paged);
    if !missing.is_empty() {
        return Err(format!(
            "the fonts have no glyph for {}; the PDF would show empty boxes",
            glyphs::describe(&missing)
        )
        .into());
    }
    Ok(paged)
}

/// The PDF of a layout: tagged, conforming to `standard`, identified by
/// `ident` and dated with the world's clock, so it is byte-reproducible.
fn export(
    world: &DocWorld<'_>,
    paged: &PagedDocument,
    ident: String,
    standard: PdfStandard,
) -> std::result::Result<Vec<u8>, Problem> {
    let standards = match standard {
        PdfStandard::Tagged => vec![],
        PdfStandard::PdfA3b => vec![typst_pdf::PdfStandard::A_3b],
        PdfStandard::PdfA3bUa1 => vec![typst_pdf::PdfStandard::A_3b, typst_pdf::PdfStandard::Ua_1],
    };
    let standards =
        typst_pdf::PdfStandards::new(&standards).map_err(|e| e.message().to_string())?;
    let pdf_options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some(format!("vellum {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(typst_pdf::Timestamp::new_utc(world.today)),
        standards,
        tagged: true,
        ..Default::default()
    };
    typst_pdf::pdf(paged, &pdf_options).map_err(|diags| describe(world, diags.as_slice()))
}

/// Typst's errors as one message, and as diagnostics: each with its place
/// in the frame, hints rewritten for vellum's users (Typst's own mention
/// CLI flags).
fn describe(world: &DocWorld<'_>, diags: &[SourceDiagnostic]) -> Problem {
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    for d in diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .take(5)
    {
        let hints: Vec<String> = d.hints.iter().filter_map(|h| rewrite_hint(&h.v)).collect();
        let message = format!("print frame error: {}", d.message);
        let place = place(world, d.span);
        let mut s = String::new();
        if let Some((file, line_col)) = &place {
            s.push_str(file);
            if let Some((line, col)) = line_col {
                s.push_str(&format!(":{line}:{col}"));
            }
            s.push_str(": ");
            let (line, col) = line_col.unwrap_or((1, 1));
            let mut diag = Diagnostic::new(Place::new(file, line, col), message.clone());
            if let Some(h) = hints.first() {
                diag = diag.hint(h.clone());
            }
            diagnostics.push(diag);
        }
        s.push_str(&message);
        for h in &hints {
            s.push_str(" (hint: ");
            s.push_str(h);
            s.push(')');
        }
        out.push(s);
    }
    if out.is_empty() {
        out.push("print frame error".to_owned());
    }
    Problem {
        message: out.join("; "),
        diagnostics,
    }
}

/// The file (as the user knows it) and, when Typst can tell, the line and
/// column of a span.
fn place(
    world: &DocWorld<'_>,
    span: typst::syntax::DiagSpan,
) -> Option<(String, Option<(u32, u32)>)> {
    let id = span.id()?;
    let vpath = id.get().vpath().get_with_slash().to_owned();
    let shown = world.engine.shown(&vpath);
    let line_col = world.range(span).and_then(|range| {
        let source = world.source(id).ok()?;
        let (line, col) = source.lines().byte_to_line_column(range.start)?;
        Some((line as u32 + 1, col as u32 + 1))
    });
    Some((shown, line_col))
}

/// Typst hints talk to CLI users (`--root`, `--features`, `typst init`).
fn rewrite_hint(hint: &str) -> Option<String> {
    if hint.contains("--root") || hint.contains("root directory") || hint.contains("project root") {
        return Some("the print sandbox serves only the brand folder (/brand/...), the design folder (/design/...) and /data.json".into());
    }
    if hint.contains("--")
        || hint.contains("typst ")
        || hint.contains("CLI")
        || hint.contains("package")
    {
        return None;
    }
    Some(hint.to_owned())
}

/// A folder as messages show it: `templates/bill/../brand` -> `templates/brand`.
fn shown(p: &std::path::Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir
                if out.last().is_some_and(|l| l != ".." && !l.is_empty()) =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => out.push(String::new()),
            c => out.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if out.is_empty() {
        ".".into()
    } else {
        out.join("/")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_paths() {
        assert_eq!(
            super::shown(std::path::Path::new("templates/bill/../brand")),
            "templates/brand"
        );
        assert_eq!(super::shown(std::path::Path::new("/a/b/../c")), "/a/c");
    }

    #[test]
    fn cli_hints_rewritten() {
        assert!(
            super::rewrite_hint("cannot read file outside of project root")
                .unwrap()
                .contains("sandbox")
        );
        assert_eq!(super::rewrite_hint("try `--features html`"), None);
        assert_eq!(
            super::rewrite_hint("check the spelling").as_deref(),
            Some("check the spelling")
        );
    }
}
