//! The blocks of `/data.json` as Rust types: what the print frame receives,
//! built from the Document's [`Block`]s and borrowing their text.
//!
//! The frame reads keys by name; the JSON has them in name order (the order
//! it had when it was built as a `serde_json` map), so the fields of every
//! type here are declared in name order, the block's `type` and the span's
//! `kind` among them, and enums are `untagged`: serde's own tag would come
//! first.
//!
//! What print makes of the Document's blocks:
//! - `only` sections for print are spliced in, others dropped;
//! - at the document's own level, the first address, the first reference
//!   rows and the first remittance slip are lifted out (see [`Lifted`]) for
//!   their fixed places on the page; a remittance slip holding a Swiss
//!   QR-bill is that bill's payment part and receipt (`qrbill`), which the
//!   frame places at the foot of the last page;
//! - consecutive signatures become one row of signatures (`signatures`);
//! - tables and rows carry width bounds of their cells (see `measure`), QR
//!   codes their SVG, images their path in the Typst world;
//! - spans that are one plain text are that text (see [`Spans`]).

use serde::{Serialize, Serializer};

use super::measure::Faces;
use super::qr;
use super::world::Engine;
use crate::model::{Align, Bar, Block, Channel, Column, Span, Tone};

/// The `type` of a block in `/data.json`.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Type {
    Address,
    Button,
    Chart,
    Heading,
    Image,
    List,
    Notice,
    Paragraph,
    Qr,
    Remittance,
    Rows,
    Rule,
    Signature,
    Signatures,
    Small,
    Table,
}

/// A block as the frame reads it (`data.blocks`, `data.remittance`, the
/// `blocks` of a notice, small print or slip).
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum PrintBlock<'a> {
    Heading {
        content: Spans<'a>,
        level: u8,
        r#type: Type,
    },
    Paragraph {
        content: Spans<'a>,
        r#type: Type,
    },
    List {
        items: Cells<'a>,
        ordered: bool,
        r#type: Type,
    },
    Rule {
        r#type: Type,
    },
    Image {
        alt: &'a str,
        /// The file in the Typst world: `/brand/...` or `/design/...`.
        path: String,
        src: &'a str,
        r#type: Type,
    },
    /// A notice, small print, or a remittance slip that is not lifted out.
    Boxed {
        blocks: Vec<PrintBlock<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tone: Option<Tone>,
        r#type: Type,
    },
    Table {
        #[serde(skip_serializing_if = "Option::is_none")]
        cap: Option<f64>,
        columns: Columns<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fit: Option<Vec<Fit>>,
        footer: Grid<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        footer_fit: Option<Vec<Fit>>,
        rows: Grid<'a>,
        r#type: Type,
    },
    Rows {
        #[serde(skip_serializing_if = "Option::is_none")]
        cap: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fit: Option<Vec<Fit>>,
        references: bool,
        rows: Pairs<'a>,
        r#type: Type,
    },
    Address {
        lines: &'a [String],
        r#type: Type,
    },
    Button {
        href: &'a str,
        text: &'a str,
        r#type: Type,
    },
    Chart {
        bars: Bars<'a>,
        title: &'a str,
        r#type: Type,
        unit: &'a str,
    },
    Qr {
        caption: &'a str,
        kind: &'a str,
        payload: &'a str,
        svg: String,
        r#type: Type,
    },
    /// Consecutive signatures, side by side.
    Signatures {
        items: Vec<Signature<'a>>,
        r#type: Type,
    },
}

/// One signature of a [`PrintBlock::Signatures`] row.
#[derive(Serialize)]
pub(crate) struct Signature<'a> {
    name: &'a str,
    party: &'a str,
    place: &'a str,
    title: &'a str,
    r#type: Type,
}

/// Per row, the width bound of each cell in em; `None` (`null`) when a cell
/// has none or no cell has text (an empty row is lower than a line), and the
/// frame measures the row.
pub(crate) type Fit = Option<Vec<f64>>;

/// What the frame places by itself rather than in the flow of blocks.
#[derive(Default)]
pub(crate) struct Lifted<'a> {
    /// The address lines (`data.address`).
    pub(crate) address: Option<&'a [String]>,
    /// The reference rows (`data.references`).
    pub(crate) references: Option<Pairs<'a>>,
    /// The remittance slip's blocks (`data.remittance`).
    pub(crate) remittance: Option<Vec<PrintBlock<'a>>>,
    /// The payload of the Swiss QR-bill (`data.qrbill`).
    pub(crate) qrbill: Option<&'a str>,
}

/// Turns the Document's blocks into print blocks.
pub(crate) struct Builder<'a> {
    pub(crate) engine: &'a Engine,
    /// The print font's faces, for width bounds.
    pub(crate) faces: Option<&'a Faces>,
    pub(crate) lifted: Lifted<'a>,
}

impl<'a> Builder<'a> {
    /// The print blocks of the document's own level, lifting out what
    /// [`Lifted`] holds.
    pub(crate) fn document(&mut self, blocks: &'a [Block]) -> Result<Vec<PrintBlock<'a>>, String> {
        let mut out = Vec::with_capacity(blocks.len());
        self.fill(&mut out, blocks, true)?;
        Ok(out)
    }

    /// The print blocks inside a notice, small print or slip: nothing is
    /// lifted out of them.
    fn nested(&mut self, blocks: &'a [Block]) -> Result<Vec<PrintBlock<'a>>, String> {
        let mut out = Vec::with_capacity(blocks.len());
        self.fill(&mut out, blocks, false)?;
        Ok(out)
    }

    /// Appends the print blocks of `blocks` to `out`. A signature joins the
    /// row of signatures before it only when that row was started at this
    /// level: an `only` section's signatures start a row of their own
    /// (and signatures after the section join its last row).
    fn fill(
        &mut self,
        out: &mut Vec<PrintBlock<'a>>,
        blocks: &'a [Block],
        top: bool,
    ) -> Result<(), String> {
        let floor = out.len();
        for b in blocks {
            if !(top && self.lift(b)?) {
                self.block(out, floor, b, top)?;
            }
        }
        Ok(())
    }

    /// Lifts `b` out when it is the first of its kind the frame places by
    /// itself; returns whether it did.
    fn lift(&mut self, b: &'a Block) -> Result<bool, String> {
        let lifted = &mut self.lifted;
        match b {
            Block::Address { lines } if lifted.address.is_none() => lifted.address = Some(lines),
            Block::Rows {
                references: true,
                rows,
            } if lifted.references.is_none() => lifted.references = Some(Pairs(rows)),
            Block::Remittance { blocks } if lifted.qrbill.is_none() && swiss(blocks).is_some() => {
                lifted.qrbill = swiss(blocks);
            }
            Block::Remittance { blocks } if lifted.remittance.is_none() => {
                let slip = self.nested(blocks)?;
                self.lifted.remittance = Some(slip);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Appends the print form of one block: for an `only` section for
    /// print, its blocks; for a signature, the signature to its row.
    fn block(
        &mut self,
        out: &mut Vec<PrintBlock<'a>>,
        floor: usize,
        b: &'a Block,
        top: bool,
    ) -> Result<(), String> {
        let block = match b {
            Block::Only { channels, blocks } => {
                if channels.contains(&Channel::Print) {
                    self.fill(out, blocks, top)?;
                }
                return Ok(());
            }
            Block::Signature {
                party,
                name,
                title,
                place,
            } => {
                sign(out, floor, Signature::new(party, name, title, place));
                return Ok(());
            }
            Block::Heading { level, content } => PrintBlock::Heading {
                content: Spans(content),
                level: *level,
                r#type: Type::Heading,
            },
            Block::Paragraph { content } => PrintBlock::Paragraph {
                content: Spans(content),
                r#type: Type::Paragraph,
            },
            Block::List { ordered, items } => PrintBlock::List {
                items: Cells(items),
                ordered: *ordered,
                r#type: Type::List,
            },
            Block::Rule => PrintBlock::Rule { r#type: Type::Rule },
            Block::Image { src, alt } => self.image(src, alt)?,
            Block::Notice { tone, blocks } => self.boxed(Type::Notice, Some(*tone), blocks)?,
            Block::Small { blocks } => self.boxed(Type::Small, None, blocks)?,
            Block::Remittance { blocks } => self.boxed(Type::Remittance, None, blocks)?,
            Block::Table {
                columns,
                rows,
                footer,
            } => self.table(columns, rows, footer),
            Block::Rows { references, rows } => self.rows(*references, rows),
            Block::Address { lines } => PrintBlock::Address {
                lines,
                r#type: Type::Address,
            },
            Block::Button { text, href } => PrintBlock::Button {
                href,
                text,
                r#type: Type::Button,
            },
            Block::Chart { title, unit, bars } => PrintBlock::Chart {
                bars: Bars(bars),
                title,
                r#type: Type::Chart,
                unit,
            },
            Block::Qr { kind, payload, .. } if kind == "swiss" => {
                if self.lifted.qrbill.is_some() {
                    return Err("a document can hold one Swiss QR-bill, this one holds more".into());
                }
                self.lifted.qrbill = Some(payload);
                return Ok(());
            }
            Block::Qr {
                kind,
                payload,
                caption,
            } => qr(kind, payload, caption)?,
        };
        out.push(block);
        Ok(())
    }

    fn boxed(
        &mut self,
        r#type: Type,
        tone: Option<Tone>,
        blocks: &'a [Block],
    ) -> Result<PrintBlock<'a>, String> {
        Ok(PrintBlock::Boxed {
            blocks: self.nested(blocks)?,
            tone,
            r#type,
        })
    }

    fn image(&self, src: &'a str, alt: &'a str) -> Result<PrintBlock<'a>, String> {
        let path = match src.strip_prefix("brand:") {
            Some(f) => format!("/brand/{f}"),
            None => format!("/design/{src}"),
        };
        if !self.engine.has_file(&path) {
            return Err(format!(
                "image `{src}` is not in the design or brand folder"
            ));
        }
        Ok(PrintBlock::Image {
            alt,
            path,
            src,
            r#type: Type::Image,
        })
    }

    /// Width bounds per cell, in em, so the frame can give rows that
    /// certainly fit on one line their height (see `measure`).
    fn table(
        &self,
        columns: &'a [Column],
        rows: &'a [Vec<Vec<Span>>],
        footer: &'a [Vec<Vec<Span>>],
    ) -> PrintBlock<'a> {
        let fits = |rows: &[Vec<Vec<Span>>]| {
            self.faces.map(|faces| {
                rows.iter()
                    .map(|row| fit(faces, row.iter().map(Vec::as_slice)))
                    .collect()
            })
        };
        PrintBlock::Table {
            cap: self.faces.map(|f| f.cap),
            columns: Columns(columns),
            fit: fits(rows),
            footer: Grid(footer),
            footer_fit: fits(footer),
            rows: Grid(rows),
            r#type: Type::Table,
        }
    }

    fn rows(&self, references: bool, rows: &'a [(Vec<Span>, Vec<Span>)]) -> PrintBlock<'a> {
        let fits = self.faces.map(|faces| {
            rows.iter()
                .map(|(label, value)| fit(faces, [label.as_slice(), value.as_slice()].into_iter()))
                .collect()
        });
        PrintBlock::Rows {
            cap: self.faces.map(|f| f.cap),
            fit: fits,
            references,
            rows: Pairs(rows),
            r#type: Type::Rows,
        }
    }
}

/// The payload of the Swiss QR-bill among a slip's blocks.
fn swiss(blocks: &[Block]) -> Option<&str> {
    blocks.iter().find_map(|b| match b {
        Block::Qr { kind, payload, .. } if kind == "swiss" => Some(payload.as_str()),
        _ => None,
    })
}

fn qr<'a>(kind: &'a str, payload: &'a str, caption: &'a str) -> Result<PrintBlock<'a>, String> {
    Ok(PrintBlock::Qr {
        caption,
        kind,
        payload,
        svg: qr::svg(payload)?,
        r#type: Type::Qr,
    })
}

impl<'a> Signature<'a> {
    fn new(party: &'a str, name: &'a str, title: &'a str, place: &'a str) -> Signature<'a> {
        Signature {
            name,
            party,
            place,
            title,
            r#type: Type::Signature,
        }
    }
}

/// Appends a signature to the row of signatures that `out` ends with, when
/// that row is at `floor` or after it, or starts a row.
fn sign<'a>(out: &mut Vec<PrintBlock<'a>>, floor: usize, s: Signature<'a>) {
    if out.len() > floor
        && let Some(PrintBlock::Signatures { items, .. }) = out.last_mut()
    {
        items.push(s);
        return;
    }
    out.push(PrintBlock::Signatures {
        items: vec![s],
        r#type: Type::Signatures,
    });
}

/// The width bounds of a row's cells, or `None`.
fn fit<'s>(faces: &Faces, cells: impl Iterator<Item = &'s [Span]> + Clone) -> Fit {
    let widths: Option<Vec<f64>> = cells.clone().map(|c| faces.width(c)).collect();
    widths.filter(|_| !cells.into_iter().all(blank))
}

/// Whether spans show no text.
fn blank(spans: &[Span]) -> bool {
    spans.iter().all(|s| match s {
        Span::Text { text } => text.trim().is_empty(),
        Span::Strong { content } | Span::Em { content } | Span::Link { content, .. } => {
            blank(content)
        }
    })
}

/// Inline text as the frame reads it: spans that are one plain text are
/// that text (a JSON string), at every depth; other spans are an array of
/// [`PrintSpan`]s. The frame's `spans()` takes either, and Typst reads and
/// walks a string for much less than an array holding a dictionary: most
/// spans in a bill (table cells, amounts, labels) are plain text.
#[derive(Clone, Copy)]
pub(crate) struct Spans<'a>(pub(crate) &'a [Span]);

impl Serialize for Spans<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [Span::Text { text }] => s.serialize_str(text),
            spans => s.collect_seq(spans.iter().map(PrintSpan::from)),
        }
    }
}

/// The `kind` of a span.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    Em,
    Link,
    Strong,
    Text,
}

/// One span of an array of spans.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum PrintSpan<'a> {
    Text {
        kind: Kind,
        text: &'a str,
    },
    /// Strong or emphasized.
    Styled {
        content: Spans<'a>,
        kind: Kind,
    },
    Link {
        content: Spans<'a>,
        href: &'a str,
        kind: Kind,
    },
}

impl<'a> From<&'a Span> for PrintSpan<'a> {
    fn from(s: &'a Span) -> PrintSpan<'a> {
        match s {
            Span::Text { text } => PrintSpan::Text {
                kind: Kind::Text,
                text,
            },
            Span::Strong { content } => PrintSpan::Styled {
                content: Spans(content),
                kind: Kind::Strong,
            },
            Span::Em { content } => PrintSpan::Styled {
                content: Spans(content),
                kind: Kind::Em,
            },
            Span::Link { href, content } => PrintSpan::Link {
                content: Spans(content),
                href,
                kind: Kind::Link,
            },
        }
    }
}

/// Inline texts side by side: a list's items, a table row's cells.
#[derive(Clone, Copy)]
pub(crate) struct Cells<'a>(&'a [Vec<Span>]);

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| Spans(c)))
    }
}

/// Rows of cells: a table's body or footer.
#[derive(Clone, Copy)]
pub(crate) struct Grid<'a>(&'a [Vec<Vec<Span>>]);

impl Serialize for Grid<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|row| Cells(row)))
    }
}

/// `[label, value]` rows: a summary, or the references.
#[derive(Clone, Copy, Default)]
pub(crate) struct Pairs<'a>(&'a [(Vec<Span>, Vec<Span>)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(l, v)| (Spans(l), Spans(v))))
    }
}

/// A table's columns.
#[derive(Clone, Copy)]
pub(crate) struct Columns<'a>(&'a [Column]);

#[derive(Serialize)]
struct PrintColumn<'a> {
    align: Align,
    header: Spans<'a>,
}

impl Serialize for Columns<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| PrintColumn {
            align: c.align,
            header: Spans(&c.header),
        }))
    }
}

/// A chart's bars.
#[derive(Clone, Copy)]
pub(crate) struct Bars<'a>(&'a [Bar]);

#[derive(Serialize)]
struct PrintBar<'a> {
    display: &'a str,
    label: &'a str,
    value: f64,
}

impl Serialize for Bars<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|b| PrintBar {
            display: &b.display,
            label: &b.label,
            value: b.value,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::{Cells, Grid, Pairs, Spans, blank};
    use crate::model::Span;

    fn t(s: &str) -> Span {
        Span::Text { text: s.into() }
    }

    fn json(v: impl serde::Serialize) -> String {
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn blank_spans_show_no_text() {
        let strong = |c| Span::Strong { content: c };
        let em = |c| Span::Em { content: c };
        for spans in [
            vec![t("")],
            vec![t("  ")],
            vec![],
            vec![strong(vec![t(" ")])],
        ] {
            assert!(blank(&spans), "{spans:?}");
        }
        for spans in [vec![t("x")], vec![t(" "), em(vec![t("x")])]] {
            assert!(!blank(&spans), "{spans:?}");
        }
    }

    /// Keys in name order, one plain text as a string at every depth.
    #[test]
    fn one_plain_text_becomes_a_string_and_nothing_else_does() {
        let strong = Span::Strong {
            content: vec![t("Due")],
        };
        let link = Span::Link {
            href: "https://x.example".into(),
            content: vec![t("x")],
        };
        let text = [t("#read(\"/etc/passwd\")")];
        assert_eq!(json(Spans(&text)), r##""#read(\"/etc/passwd\")""##);
        assert_eq!(json(Spans(&[])), "[]");
        let strong_json = r#"[{"content":"Due","kind":"strong"}]"#;
        assert_eq!(json(Spans(std::slice::from_ref(&strong))), strong_json);
        assert_eq!(
            json(Spans(&[t("a"), t("b")])),
            r#"[{"kind":"text","text":"a"},{"kind":"text","text":"b"}]"#
        );
        assert_eq!(
            json(Spans(&[link])),
            r#"[{"content":"x","href":"https://x.example","kind":"link"}]"#
        );
        let cells = vec![vec![t("Standing charge")], vec![]];
        assert_eq!(json(Cells(&cells)), r#"["Standing charge",[]]"#);
        assert_eq!(json(Grid(&[cells])), r#"[["Standing charge",[]]]"#);
        let pairs = [(vec![t("Due")], vec![strong])];
        assert_eq!(json(Pairs(&pairs)), format!(r#"[["Due",{strong_json}]]"#));
    }
}
