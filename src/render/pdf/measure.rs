//! Text widths known before layout, so that the frame can tell a table row
//! that certainly fits on one line.
//!
//! Typst lays out every cell of an `auto` row twice: once to measure the
//! row's height, once to place it. A row whose height is given is laid out
//! once. The frame can give the height only when it knows that no cell
//! wraps; this module supplies an upper bound of each cell's width from the
//! glyph advances of the fonts Typst will use, without shaping.
//!
//! The bound is safe: kerning and ligatures in the bundled fonts make text
//! narrower, not wider, and a margin covers tabular figures and the odd
//! positive kerning pair. Text the bound cannot vouch for (a link, which the
//! frame prints with its address; a character the font lacks, which falls
//! back to another font with other metrics; a line break) gets no bound, and
//! its row keeps Typst's own measurement.

use typst::layout::Abs;
use typst::text::{FontInstance, FontStretch, FontStyle, FontVariant, FontVariations, FontWeight};

use super::world::FONTS;
use crate::model::Span;

/// Relative margin on the sum of advances.
const SLACK: f64 = 1.08;
/// Absolute margin, in em.
const SLACK_EM: f64 = 0.25;

/// The faces of one family that the frame's inline markup selects.
pub(crate) struct Faces {
    regular: Face,
    bold: Face,
    italic: Face,
    /// Height of a line of text in em, from the baseline to the top of
    /// capitals (Typst's default top edge); the same for every face, or the
    /// family gets no `Faces`.
    pub(crate) cap: f64,
}

impl Faces {
    /// The faces of `family` as Typst selects them for plain, `strong` (700)
    /// and `emph` (italic) text; `None` when the family is not bundled or its
    /// faces differ in cap height.
    pub(crate) fn load(family: &str) -> Option<Faces> {
        let family = family.to_lowercase();
        let family = family.as_str();
        let face = |style, weight| {
            let variant = FontVariant::new(style, weight, FontStretch::NORMAL);
            let i = FONTS.book.select(family, variant)?;
            let font = FONTS.fonts.get(i)?.clone();
            Some(Face::new(font.instantiate(
                variant,
                Abs::pt(10.0),
                &FontVariations::default(),
            )))
        };
        let regular = face(FontStyle::Normal, FontWeight::REGULAR)?;
        let bold = face(FontStyle::Normal, FontWeight::BOLD)?;
        let italic = face(FontStyle::Italic, FontWeight::REGULAR)?;
        let cap = regular.font.metrics().cap_height.get();
        let same = |f: &Face| (f.font.metrics().cap_height.get() - cap).abs() < 1e-9;
        (same(&bold) && same(&italic)).then_some(Faces {
            regular,
            bold,
            italic,
            cap,
        })
    }

    /// An upper bound of the width of spans in em, or `None` when there is
    /// none.
    pub(crate) fn width(&self, spans: &[Span]) -> Option<f64> {
        let mut em = 0.0;
        self.add(spans, &self.regular, &mut em)?;
        Some(em * SLACK + SLACK_EM)
    }

    fn add(&self, spans: &[Span], face: &Face, em: &mut f64) -> Option<()> {
        for s in spans {
            match s {
                Span::Text { text } => *em += face.advance(text)?,
                Span::Strong { content } => self.add(content, &self.bold, em)?,
                Span::Em { content } => self.add(content, &self.italic, em)?,
                Span::Link { .. } => return None,
            }
        }
        Some(())
    }
}

/// One face, with the widest of its figures: tables set figures tabular,
/// and a tabular figure is not the default glyph's width.
struct Face {
    font: FontInstance,
    figure: f64,
}

impl Face {
    fn new(font: FontInstance) -> Face {
        let ttf = font.ttf();
        let figure = ('0'..='9')
            .filter_map(|c| ttf.glyph_hor_advance(ttf.glyph_index(c)?))
            .max()
            .map_or(font.units_per_em(), f64::from);
        Face { font, figure }
    }

    /// The sum of advances of `text` in em.
    fn advance(&self, text: &str) -> Option<f64> {
        let ttf = self.font.ttf();
        let mut units = 0.0;
        for c in text.chars() {
            if c.is_control() {
                return None;
            }
            let glyph = ttf.glyph_index(c)?;
            let w = f64::from(ttf.glyph_hor_advance(glyph)?);
            units += if c.is_ascii_digit() {
                w.max(self.figure)
            } else {
                w
            };
        }
        Some(units / self.font.units_per_em())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Faces;
    use crate::model::Span;

    fn text(t: &str) -> Vec<Span> {
        vec![Span::Text { text: t.into() }]
    }

    /// `text` inside `kind` (`text`, `strong` or `em`).
    fn styled(kind: &str, t: &str) -> Vec<Span> {
        match kind {
            "strong" => vec![Span::Strong { content: text(t) }],
            "em" => vec![Span::Em { content: text(t) }],
            _ => text(t),
        }
    }

    #[test]
    fn bounds_the_bundled_family() {
        let f = Faces::load("Inter").expect("Inter is bundled");
        assert!((0.6..0.8).contains(&f.cap), "cap height {}", f.cap);
        let w = f.width(&text("Standing charge")).unwrap();
        // 15 characters of Inter at roughly half an em each.
        assert!((6.0..10.0).contains(&w), "{w}");
        let bold = f.width(&styled("strong", "Standing charge")).unwrap();
        assert!(bold > w, "bold {bold} is wider than regular {w}");
        assert_eq!(f.width(&[]), Some(0.25));
    }

    /// Typst lays each text out (tabular figures, as in the frame's tables)
    /// and asserts that it is no wider than the bound; the same check with
    /// bounds a tenth smaller must fail somewhere, or it proves nothing.
    #[test]
    fn typst_never_lays_out_wider_than_the_bound() {
        let f = Faces::load("Inter").unwrap();
        let texts = [
            "Electricity \u{2013} night rate (Jul 2024)",
            "Standing charge",
            "\u{00a3}1,234,567.89",
            "-\u{20ac}0.05",
            "1111111111",
            "WWWWWWWWWW",
            "AVAVAV To Te Yo LT",
            "fi fl ffi ff\u{2026}",
            "\u{0164}\u{0159}\u{017e}\u{00e9}\u{00e7}\u{00c5}\u{00df}",
            "(A) [B] {C} \"Q\" 'x'",
            "452 kWh \u{00d7} \u{00a3}0.15",
            "  spaced   out  ",
        ];
        let mut cases = Vec::new();
        for t in texts {
            for kind in ["text", "strong", "em"] {
                cases.push((t, kind, f.width(&styled(kind, t)).unwrap()));
            }
        }
        let check = |scale: f64| -> Result<(), String> {
            let data: Vec<_> = cases
                .iter()
                .map(|(t, k, w)| json!({"text": t, "kind": k, "bound": w * scale}))
                .collect();
            let dir = std::env::temp_dir().join(format!("vellum-measure-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("print.typ"),
                r#"#set text(font: "Inter", size: 10pt, number-width: "tabular")
#for c in json("/data.json") {
  let body = if c.kind == "strong" { strong(c.text) } else if c.kind == "em" { emph(c.text) } else { c.text }
  context {
    let w = measure(text(body)).width
    assert(w <= c.bound * 10pt, message: c.text + " (" + c.kind + ") is " + repr(w))
  }
}
"#,
            )
            .unwrap();
            let engine =
                super::super::world::Engine::load(&crate::design::FileLoader, &dir, "t", &dir, "t")
                    .unwrap();
            let world = super::super::world::DocWorld {
                engine: &engine,
                data: typst::foundations::Bytes::new(serde_json::to_vec(&data).unwrap()),
                today: typst::foundations::Datetime::from_ymd(2024, 1, 1).unwrap(),
                attachment: None,
            };
            let out = typst::compile::<typst_layout::PagedDocument>(&world).output;
            let _ = std::fs::remove_dir_all(&dir);
            out.map(|_| ()).map_err(|d| d[0].message.to_string())
        };
        check(1.0).unwrap();
        let smaller = check(0.9).expect_err("a bound 10% smaller still holds: too loose");
        assert!(smaller.contains("assertion failed"), "{smaller}");
    }

    #[test]
    fn no_bound_for_what_it_cannot_vouch_for() {
        let f = Faces::load("inter").unwrap();
        let none = |spans: Vec<Span>| assert_eq!(f.width(&spans), None, "{spans:?}");
        none(text("电费"));
        none(text("two\nlines"));
        none(vec![Span::Link {
            href: "https://x.example".into(),
            content: vec![],
        }]);
        none(vec![Span::Em {
            content: vec![
                Span::Strong { content: text("x") },
                Span::Link {
                    href: "https://x.example".into(),
                    content: text("x"),
                },
            ],
        }]);
        assert!(Faces::load("No Such Family").is_none());
    }
}
