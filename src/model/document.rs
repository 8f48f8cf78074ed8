//! The Document: one customer's communication, composed and resolved into
//! channel-neutral blocks. Every text leaf is plain text; renderers escape it
//! for their medium.

use serde::Serialize;

use super::{Channel, Decisions};

/// Paper size for print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Left (the default).
    Left,
    /// Centred.
    Center,
    /// Right (numbers, amounts).
    Right,
}

/// The tone of a notice box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    /// Neutral information.
    Info,
    /// Something needs the reader's attention.
    Warning,
    /// Good news.
    Success,
}

/// Inline text: plain text, emphasis and links. Text is never markup.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Span {
    /// Plain text.
    Text {
        /// The text, exactly as it is to be shown.
        text: String,
    },
    /// Strong emphasis.
    Strong {
        /// What is emphasized.
        content: Vec<Span>,
    },
    /// Emphasis.
    Em {
        /// What is emphasized.
        content: Vec<Span>,
    },
    /// A link with a checked https, http, mailto or tel URL.
    Link {
        /// The URL.
        href: String,
        /// The link text.
        content: Vec<Span>,
    },
}

impl Span {
    /// The plain text of `spans`, as a reader without markup sees it: the
    /// text of emphasis kept, a link written `text (url)`, or just the URL
    /// when the link text is the URL. `mailto:` and `tel:` are left off the
    /// URL shown. The one flattening of spans every channel uses.
    ///
    /// ```
    /// use vellum::model::Span;
    ///
    /// let t = |s: &str| Span::Text { text: s.to_owned() };
    /// let link = |href: &str, s: &str| Span::Link { href: href.to_owned(), content: vec![t(s)] };
    /// let spans = [
    ///     t("Call "),
    ///     link("tel:+4930123", "+4930123"),
    ///     t(" or "),
    ///     Span::Strong { content: vec![link("https://example.com/help", "get help")] },
    /// ];
    /// assert_eq!(
    ///     Span::plain_text(&spans),
    ///     "Call +4930123 or get help (https://example.com/help)"
    /// );
    /// ```
    pub fn plain_text(spans: &[Span]) -> String {
        let mut out = String::new();
        Span::push_plain(spans, &mut out);
        out
    }

    /// Appends the plain text of `spans` (see [`Span::plain_text`]) to `out`.
    pub fn push_plain(spans: &[Span], out: &mut String) {
        for s in spans {
            match s {
                Span::Text { text } => out.push_str(text),
                Span::Strong { content } | Span::Em { content } => Span::push_plain(content, out),
                Span::Link { href, content } => {
                    let label = Span::plain_text(content);
                    let bare = href
                        .strip_prefix("mailto:")
                        .or_else(|| href.strip_prefix("tel:"))
                        .unwrap_or(href);
                    if label.trim() == href || label.trim() == bare {
                        out.push_str(bare);
                    } else {
                        out.push_str(&label);
                        out.push_str(" (");
                        out.push_str(bare);
                        out.push(')');
                    }
                }
            }
        }
    }
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Header cell.
    pub header: Vec<Span>,
    /// Alignment.
    pub align: Align,
}

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// Label under the bar.
    pub label: String,
    /// The value.
    pub value: f64,
    /// The value as the locale writes it.
    pub display: String,
}

/// A block of a composed document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Block {
    /// A heading, level 1–3.
    Heading {
        /// Level.
        level: u8,
        /// Text.
        content: Vec<Span>,
    },
    /// A paragraph.
    Paragraph {
        /// Text.
        content: Vec<Span>,
    },
    /// A bullet or numbered list.
    List {
        /// Numbered.
        ordered: bool,
        /// Items.
        items: Vec<Vec<Span>>,
    },
    /// A horizontal rule.
    Rule,
    /// An image from the design or brand folder.
    Image {
        /// `brand:file` or a file of the design.
        src: String,
        /// Alternative text.
        alt: String,
    },
    /// Blocks for some channels only.
    Only {
        /// The channels.
        channels: Vec<Channel>,
        /// The blocks.
        blocks: Vec<Block>,
    },
    /// A highlighted box.
    Notice {
        /// Tone.
        tone: Tone,
        /// Content.
        blocks: Vec<Block>,
    },
    /// Small print.
    Small {
        /// Content.
        blocks: Vec<Block>,
    },
    /// A remittance slip (print only).
    Remittance {
        /// Content.
        blocks: Vec<Block>,
    },
    /// A table with header, rows from data and footer rows.
    Table {
        /// Columns.
        columns: Vec<Column>,
        /// Body rows: cells of spans.
        rows: Vec<Vec<Vec<Span>>>,
        /// Footer rows (totals).
        footer: Vec<Vec<Vec<Span>>>,
    },
    /// Key/value rows: a summary, or the document's references.
    Rows {
        /// Reference numbers (placed beside the address in print).
        references: bool,
        /// `(label, value)` rows.
        rows: Vec<(Vec<Span>, Vec<Span>)>,
    },
    /// The recipient's postal address.
    Address {
        /// Lines, empty ones removed.
        lines: Vec<String>,
    },
    /// A call-to-action button.
    Button {
        /// Label.
        text: String,
        /// Target.
        href: String,
    },
    /// A bar chart.
    Chart {
        /// Title.
        title: String,
        /// Unit of the values.
        unit: String,
        /// Bars.
        bars: Vec<Bar>,
    },
    /// A QR code.
    Qr {
        /// `url`, `epc` (a GiroCode payment) or `swiss` (a Swiss QR-bill's
        /// `SPC` payload; print lays out its payment part and receipt).
        kind: String,
        /// The encoded text.
        payload: String,
        /// Caption.
        caption: String,
    },
    /// A signature block.
    Signature {
        /// The party signing (e.g. "The customer").
        party: String,
        /// Name.
        name: String,
        /// Title or role.
        title: String,
        /// Place and date line.
        place: String,
    },
}

/// A composed communication for one customer: everything every channel needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Design id.
    pub design: String,
    /// Design version.
    pub version: String,
    /// The record's id.
    pub record: String,
    /// Locale used.
    pub locale: String,
    /// The document date, formatted for the locale.
    pub date: String,
    /// The document date, ISO.
    pub date_iso: String,
    /// Paper size for print.
    pub paper: Paper,
    /// Currency of the money amounts.
    pub currency: String,
    /// Email subject.
    pub subject: String,
    /// Email preheader.
    pub preheader: String,
    /// SMS text, when the design has one.
    pub sms: Option<String>,
    /// Recipient name, when known.
    pub name: Option<String>,
    /// Email address, when the record has one.
    pub email: Option<String>,
    /// Phone number, when the record has one.
    pub phone: Option<String>,
    /// Postal code of the address, when the design names its field
    /// (`[recipient] postal_code`): print spools presort by it.
    pub postal_code: Option<String>,
    /// The content.
    pub blocks: Vec<Block>,
    /// Things the reader of a report should know (locale fallback, removed
    /// control characters, links left out). Never customer data.
    pub warnings: Vec<String>,
    /// The channels to try for this customer, in order (see [`Decisions`]).
    pub plan: Vec<Channel>,
    /// Why this customer gets what they get.
    pub decisions: Decisions,
    /// The record's e-invoice values, when the design is also an e-invoice
    /// (`invoice.toml`).
    /// Raw record values, so left out of the document's JSON (whose text
    /// is all cleaned); the invoice renderer cleans what it writes.
    #[serde(skip)]
    pub invoice: Option<super::InvoiceData>,
}

impl Document {
    /// The blocks a channel shows: `only` sections of other channels removed.
    pub fn blocks_for(&self, channel: Channel) -> impl Iterator<Item = &Block> {
        flatten_for(&self.blocks, channel)
    }
}

/// Iterates blocks for a channel, entering `only` sections that include it.
pub(crate) fn flatten_for(blocks: &[Block], channel: Channel) -> impl Iterator<Item = &Block> {
    let mut stack: Vec<std::slice::Iter<'_, Block>> = vec![blocks.iter()];
    std::iter::from_fn(move || {
        loop {
            let it = stack.last_mut()?;
            match it.next() {
                None => {
                    stack.pop();
                }
                Some(Block::Only { channels, blocks }) => {
                    if channels.contains(&channel) {
                        stack.push(blocks.iter());
                    }
                }
                Some(b) => return Some(b),
            }
        }
    })
}
