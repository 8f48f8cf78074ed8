//! The `[print]` table of `design.toml`: paper, page limit, and how the
//! print shop produces the letters (sides, envelopes, weight classes,
//! presort, inserter marks, job and separator sheets).
//!
//! ```toml
//! [print]
//! max_pages = 6
//! sides = "duplex"                      # or "simplex" (default duplex)
//! blank_back_text = "This page is intentionally left blank"
//! max_sheets_per_envelope = 6           # default: no limit
//! envelope_overflow = "split"           # or "error" (default)
//! grams_per_sheet = 5.0                 # 80 g/m² A4 (default)
//! envelope_grams = 5.0                  # a DL/C5 window envelope (default)
//! weight_classes = { standard = 20, compact = 50, large = 500, maxi = 1000 }
//! presort_digits = 2                    # postal code prefix of the presort key
//! job_sheet = true                      # a job sheet opens each stream
//! separators = true                     # a separator sheet between presort groups
//!
//! [print.marks]                         # inserter marks on every sheet's front
//! zone = [12, 110, 12, 90]              # clear zone: x, y from the top left, width, height (mm)
//! omr = ["benchmark", "seq1", "seq2", "seq4", "collate", "parity", "safety"]
//! ```
//!
//! Every value is checked when the design loads; a wrong one is reported
//! with its place in `design.toml`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::model::{Diagnostic, Paper, Place};

/// The `[print]` table as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct PrintToml {
    pub paper: Option<Paper>,
    pub max_pages: Option<u32>,
    sides: Option<Sides>,
    blank_back_text: Option<Spanned<String>>,
    max_sheets_per_envelope: Option<Spanned<u32>>,
    envelope_overflow: Option<Overflow>,
    grams_per_sheet: Option<Spanned<f64>>,
    envelope_grams: Option<Spanned<f64>>,
    weight_classes: Option<Spanned<BTreeMap<String, u32>>>,
    presort_digits: Option<Spanned<u32>>,
    #[serde(default)]
    job_sheet: bool,
    #[serde(default)]
    separators: bool,
    marks: Option<MarksToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarksToml {
    zone: Spanned<[f64; 4]>,
    omr: Option<Spanned<Vec<Spanned<String>>>>,
    omr_pitch: Option<Spanned<f64>>,
    omr_length: Option<Spanned<f64>>,
    omr_thickness: Option<Spanned<f64>>,
    datamatrix_module: Option<Spanned<f64>>,
}

/// Printed on one side of the sheet or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Sides {
    /// One page per sheet.
    Simplex,
    /// Two pages per sheet; every customer starts on a front side.
    #[default]
    Duplex,
}

/// What the spool does with a letter of more sheets than an envelope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Overflow {
    /// The letter is refused (the spool does not close) with its customer named.
    #[default]
    Error,
    /// The letter goes into several envelopes of at most the limit each.
    Split,
}

/// One mark of the OMR map, read by the inserter's scanning head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OmrMark {
    /// Always printed: tells the reader that a mark column starts here.
    Benchmark,
    /// Always printed, last: the column ends here (a sheet read skewed or
    /// short misses it and is diverted).
    Safety,
    /// End of collation: printed on the last sheet of an envelope.
    Collate,
    /// Even parity: printed when the other marks drawn are an odd number.
    Parity,
    /// A bit of the sheet's sequence number in the stream, modulo 8
    /// (`seq1`, `seq2`, `seq4`): consecutive sheets must count up by one.
    Seq(u8),
}

/// Where and how the inserter marks are drawn (millimetres, from the
/// page's top left corner).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarkLayout {
    /// The clear zone: x, y, width, height. The OMR column runs down from its
    /// top left corner; the DataMatrix sits in its bottom left corner.
    pub zone: [f64; 4],
    /// The OMR marks from top to bottom.
    pub omr: Vec<OmrMark>,
    /// Distance between two OMR marks (default 4.233 mm, 1/6 in).
    pub omr_pitch: f64,
    /// Length of an OMR mark (default 8 mm).
    pub omr_length: f64,
    /// Thickness of an OMR mark (default 0.5 mm).
    pub omr_thickness: f64,
    /// Side of one DataMatrix module (default 0.5 mm).
    pub datamatrix_module: f64,
}

/// The default OMR map, top to bottom.
pub const DEFAULT_OMR: [OmrMark; 7] = [
    OmrMark::Benchmark,
    OmrMark::Seq(1),
    OmrMark::Seq(2),
    OmrMark::Seq(4),
    OmrMark::Collate,
    OmrMark::Parity,
    OmrMark::Safety,
];

/// How the print shop produces this design's letters: the `[print]` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrintProduction {
    /// Simplex or duplex.
    pub sides: Sides,
    /// Text on the blank back of a letter with an odd page count (duplex).
    pub blank_back_text: Option<String>,
    /// Most sheets in one envelope.
    pub max_sheets_per_envelope: Option<u32>,
    /// A letter over that limit: an error or several envelopes.
    pub envelope_overflow: Overflow,
    /// Weight of one sheet, grams.
    pub grams_per_sheet: f64,
    /// Weight of the empty envelope, grams.
    pub envelope_grams: f64,
    /// Weight classes by their upper limit in grams, lightest first.
    pub weight_classes: Vec<(String, u32)>,
    /// Digits of the postal code that make the presort key.
    pub presort_digits: u32,
    /// A job sheet opens each stream.
    pub job_sheet: bool,
    /// A separator sheet between presort groups.
    pub separators: bool,
    /// Inserter marks, when the design asks for them.
    pub marks: Option<MarkLayout>,
}

impl Default for PrintProduction {
    fn default() -> PrintProduction {
        PrintProduction {
            sides: Sides::Duplex,
            blank_back_text: None,
            max_sheets_per_envelope: None,
            envelope_overflow: Overflow::Error,
            grams_per_sheet: 5.0,
            envelope_grams: 5.0,
            weight_classes: default_classes(),
            presort_digits: 2,
            job_sheet: false,
            separators: false,
            marks: None,
        }
    }
}

/// Deutsche Post's letter classes by weight (Standard-, Kompakt-, Groß-,
/// Maxibrief), a reasonable default elsewhere too.
fn default_classes() -> Vec<(String, u32)> {
    [
        ("standard", 20),
        ("compact", 50),
        ("large", 500),
        ("maxi", 1000),
    ]
    .into_iter()
    .map(|(n, g)| (n.to_owned(), g))
    .collect()
}

impl PrintProduction {
    /// The weight class of an envelope of `sheets` sheets, `None` when it is
    /// heavier than every class.
    pub fn weight_class(&self, sheets: usize) -> Option<&str> {
        let grams = self.envelope_grams + self.grams_per_sheet * sheets as f64;
        self.weight_classes
            .iter()
            .find(|(_, max)| grams <= f64::from(*max))
            .map(|(n, _)| n.as_str())
    }
}

/// The production settings of a `[print]` table; problems go to `diags`
/// with their place (`at` turns a span of design.toml into one).
pub(super) fn production(
    t: &PrintToml,
    at: &dyn Fn(Range<usize>) -> Place,
    diags: &mut Vec<Diagnostic>,
) -> PrintProduction {
    check(t, at, diags);
    let d = PrintProduction::default();
    let mut classes: Vec<(String, u32)> = match &t.weight_classes {
        Some(c) => c.get_ref().iter().map(|(n, g)| (n.clone(), *g)).collect(),
        None => d.weight_classes,
    };
    classes.sort_by_key(|(_, g)| *g);
    PrintProduction {
        sides: t.sides.unwrap_or_default(),
        blank_back_text: t.blank_back_text.as_ref().map(|s| s.get_ref().clone()),
        max_sheets_per_envelope: t.max_sheets_per_envelope.as_ref().map(|n| *n.get_ref()),
        envelope_overflow: t.envelope_overflow.unwrap_or_default(),
        grams_per_sheet: t
            .grams_per_sheet
            .as_ref()
            .map_or(d.grams_per_sheet, |g| *g.get_ref()),
        envelope_grams: t
            .envelope_grams
            .as_ref()
            .map_or(d.envelope_grams, |g| *g.get_ref()),
        weight_classes: classes,
        presort_digits: t
            .presort_digits
            .as_ref()
            .map_or(d.presort_digits, |p| *p.get_ref()),
        job_sheet: t.job_sheet,
        separators: t.separators,
        marks: t.marks.as_ref().map(|m| marks(m, at, diags)),
    }
}

/// The checks of the production values that have no table of their own.
fn check(t: &PrintToml, at: &dyn Fn(Range<usize>) -> Place, diags: &mut Vec<Diagnostic>) {
    let mut bad = |span: Range<usize>, msg: String, hint: &str| {
        diags.push(Diagnostic::new(at(span), msg).hint(hint));
    };
    if let Some(n) = &t.max_sheets_per_envelope
        && *n.get_ref() == 0
    {
        bad(
            n.span(),
            "max_sheets_per_envelope must be at least 1".into(),
            "e.g. 6",
        );
    }
    for g in [&t.grams_per_sheet, &t.envelope_grams]
        .into_iter()
        .flatten()
    {
        if !(g.get_ref().is_finite() && *g.get_ref() > 0.0 && *g.get_ref() < 1000.0) {
            bad(
                g.span(),
                format!("{} grams is not a weight", g.get_ref()),
                "e.g. 5.0",
            );
        }
    }
    if let Some(c) = &t.weight_classes
        && c.get_ref().is_empty()
    {
        bad(
            c.span(),
            "weight_classes is empty".into(),
            "e.g. { standard = 20, large = 500 }",
        );
    }
    if let Some(b) = &t.blank_back_text
        && b.get_ref()
            .chars()
            .any(|c| u32::from(c) > 255 || c.is_control())
    {
        bad(
            b.span(),
            format!(
                "blank_back_text {:?} is not Latin-1 text on one line",
                b.get_ref()
            ),
            "the blank back is set in PDF's built-in Helvetica, which has Latin-1 only",
        );
    }
    if let Some(p) = &t.presort_digits
        && !(1..=10).contains(p.get_ref())
    {
        bad(
            p.span(),
            format!("presort_digits = {} is not 1 to 10", p.get_ref()),
            "e.g. 2",
        );
    }
}

/// The `[print.marks]` table.
fn marks(
    m: &MarksToml,
    at: &dyn Fn(Range<usize>) -> Place,
    diags: &mut Vec<Diagnostic>,
) -> MarkLayout {
    let zone = *m.zone.get_ref();
    // A4 is the larger page in both directions but height (Letter is 279 mm).
    let on_page = zone.iter().all(|v| v.is_finite() && *v >= 0.0)
        && zone[2] > 0.0
        && zone[3] > 0.0
        && zone[0] + zone[2] <= 216.0
        && zone[1] + zone[3] <= 297.0;
    if !on_page {
        diags.push(
            Diagnostic::new(
                at(m.zone.span()),
                format!("the mark zone {zone:?} is not on the page"),
            )
            .hint("x, y from the top left corner, width, height in mm, e.g. [12, 110, 12, 90]"),
        );
    }
    let omr = match &m.omr {
        Some(list) => omr_map(list, at, diags),
        None => DEFAULT_OMR.to_vec(),
    };
    let size = |v: &Option<Spanned<f64>>, default: f64, diags: &mut Vec<Diagnostic>| match v {
        Some(s) if !(s.get_ref().is_finite() && *s.get_ref() > 0.0 && *s.get_ref() <= 50.0) => {
            diags.push(Diagnostic::new(
                at(s.span()),
                format!("{} mm is not a mark size", s.get_ref()),
            ));
            default
        }
        Some(s) => *s.get_ref(),
        None => default,
    };
    let layout = MarkLayout {
        zone,
        omr_pitch: size(&m.omr_pitch, 25.4 / 6.0, diags),
        omr_length: size(&m.omr_length, 8.0, diags),
        omr_thickness: size(&m.omr_thickness, 0.5, diags),
        datamatrix_module: size(&m.datamatrix_module, 0.5, diags),
        omr,
    };
    if on_page && layout.omr_pitch * layout.omr.len() as f64 > zone[3] {
        diags.push(Diagnostic::new(
            at(m.zone.span()),
            format!(
                "the mark zone is {} mm high, the OMR column needs {:.1} mm",
                zone[3],
                layout.omr_pitch * layout.omr.len() as f64
            ),
        ));
    }
    layout
}

/// The `omr` list: known names, each once.
fn omr_map(
    list: &Spanned<Vec<Spanned<String>>>,
    at: &dyn Fn(Range<usize>) -> Place,
    diags: &mut Vec<Diagnostic>,
) -> Vec<OmrMark> {
    let mut out = Vec::new();
    for name in list.get_ref() {
        let mark = match name.get_ref().as_str() {
            "benchmark" => OmrMark::Benchmark,
            "safety" => OmrMark::Safety,
            "collate" => OmrMark::Collate,
            "parity" => OmrMark::Parity,
            "seq1" => OmrMark::Seq(1),
            "seq2" => OmrMark::Seq(2),
            "seq4" => OmrMark::Seq(4),
            other => {
                diags.push(
                    Diagnostic::new(at(name.span()), format!("unknown OMR mark {other:?}"))
                        .hint("benchmark, safety, collate, parity, seq1, seq2, seq4"),
                );
                continue;
            }
        };
        if out.contains(&mark) {
            diags.push(Diagnostic::new(
                at(name.span()),
                format!("OMR mark {:?} twice", name.get_ref()),
            ));
        }
        out.push(mark);
    }
    if out.first() != Some(&OmrMark::Benchmark) {
        diags.push(
            Diagnostic::new(at(list.span()), "the OMR map must start with \"benchmark\"")
                .hint("the reader finds the column by its first mark, which is always printed"),
        );
    }
    out
}
