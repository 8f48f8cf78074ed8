//! Email: HTML that email clients render (table layout, inline CSS, 600 px,
//! no scripts, alt text on images, dark-mode aware) and the text/plain part,
//! both from the same Document.

use std::fmt::Write as _;

use serde::Serialize;

use crate::design::Design;
use crate::design::shell::{Brand, ShellPart};
use crate::error::{Error, Result};
use crate::escape::push_html;
use crate::model::Channel;
use crate::model::{Align, Bar, Block, Column, Document, Span, Tone, flatten_for};

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email {
    /// Subject line (one line, no control characters).
    pub subject: String,
    /// Preheader: the preview text inbox lists show after the subject.
    pub preheader: String,
    /// The HTML part.
    pub html: String,
    /// The text/plain part.
    pub text: String,
}

/// Options for email rendering.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EmailOptions {
    /// Serve images from here instead of the brand's `asset_base_url`
    /// (the preview points it at a local folder).
    pub asset_base_url: Option<String>,
}

/// Renders the email of a composed document.
pub fn email(design: &Design, doc: &Document) -> Result<Email> {
    email_with(design, doc, &EmailOptions::default())
}

/// Renders the email with options.
pub fn email_with(design: &Design, doc: &Document, options: &EmailOptions) -> Result<Email> {
    if !design.manifest.channels.contains(&Channel::Email) {
        return Err(Error::render(
            &doc.record,
            Channel::Email,
            "the design does not send email",
        ));
    }
    let li = design
        .manifest
        .locales
        .iter()
        .position(|l| *l == doc.locale)
        .unwrap_or(0);
    let base = options
        .asset_base_url
        .as_deref()
        .unwrap_or(&design.brand.asset_base_url)
        .trim_end_matches('/');
    let mut content = String::with_capacity(8 * 1024);
    let mut w = HtmlWriter {
        out: &mut content,
        brand: &design.brand,
        base,
    };
    for b in flatten_for(&doc.blocks, Channel::Email) {
        w.block(b);
    }
    let mut html = String::with_capacity(content.len() + 8 * 1024);
    for part in &design.shell.per_locale[li] {
        match part {
            ShellPart::Static(s) => html.push_str(s),
            ShellPart::Subject => push_html(&mut html, &doc.subject),
            ShellPart::Preheader => push_html(&mut html, &doc.preheader),
            ShellPart::Content => html.push_str(&content),
            ShellPart::AssetBase => push_html(&mut html, base),
        }
    }
    let text = super::text::render(doc, &design.brand, shell_footer_text(design, li));
    Ok(Email {
        subject: doc.subject.clone(),
        preheader: doc.preheader.clone(),
        html,
        text,
    })
}

fn shell_footer_text(design: &Design, _li: usize) -> String {
    let b = &design.brand;
    format!(
        "{}\n{}\n{}\n{}",
        b.legal_name,
        b.address.join(", "),
        b.website,
        b.preferences_url
    )
}

struct HtmlWriter<'a> {
    out: &'a mut String,
    brand: &'a Brand,
    base: &'a str,
}

impl HtmlWriter<'_> {
    fn spans(&mut self, spans: &[Span]) {
        for s in spans {
            match s {
                Span::Text { text } => push_html(self.out, text),
                Span::Strong { content } => {
                    self.out.push_str("<strong style=\"font-weight:700;\">");
                    self.spans(content);
                    self.out.push_str("</strong>");
                }
                Span::Em { content } => {
                    self.out.push_str("<em>");
                    self.spans(content);
                    self.out.push_str("</em>");
                }
                Span::Link { href, content } => {
                    self.out.push_str("<a href=\"");
                    push_html(self.out, href);
                    let _ = write!(
                        self.out,
                        "\" class=\"vl-link\" style=\"color:{};text-decoration:underline;\">",
                        self.brand.colors.primary
                    );
                    self.spans(content);
                    self.out.push_str("</a>");
                }
            }
        }
    }

    /// Spans that must not wrap (`unbroken`): spaces become no-break spaces
    /// and a word joiner follows each hyphen, slash and dash, instead of
    /// `white-space:nowrap`, which Outlook ignores.
    fn spans_unbroken(&mut self, spans: &[Span], unbroken: bool) {
        if !unbroken {
            return self.spans(spans);
        }
        let start = self.out.len();
        self.spans(spans);
        let tail = self.out.split_off(start);
        // Only text between tags changes; attribute values stay as written.
        let mut in_tag = false;
        for ch in tail.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ => {}
            }
            if !in_tag && ch == ' ' {
                self.out.push('\u{a0}');
                continue;
            }
            self.out.push(ch);
            if !in_tag && matches!(ch, '-' | '/' | '\u{2013}' | '\u{2014}') {
                self.out.push('\u{2060}');
            }
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading { level, content } => self.heading(*level, content),
            Block::Paragraph { content } => self.paragraph(content),
            Block::List { ordered, items } => self.list(*ordered, items),
            Block::Rule => self.rule(),
            Block::Image { src, alt } => self.image(src, alt),
            Block::Notice { tone, blocks } => self.notice(*tone, blocks),
            Block::Small { blocks } => self.small(blocks),
            Block::Table {
                columns,
                rows,
                footer,
            } => self.table(columns, rows, footer),
            Block::Rows { references, rows } => self.rows(*references, rows),
            Block::Button { text, href } => self.button(text, href),
            Block::Chart { title, unit, bars } => self.chart(title, unit, bars),
            Block::Qr {
                kind,
                payload,
                caption,
            } => self.qr(kind, payload, caption),
            Block::Signature {
                party, name, title, ..
            } => self.signature(party, name, title),
            // Print only: the envelope window and the payment slip.
            Block::Address { .. } | Block::Remittance { .. } | Block::Only { .. } => {}
        }
    }

    fn heading(&mut self, level: u8, content: &[Span]) {
        let c = &self.brand.colors;
        let (size, line, margin) = match level {
            1 => (26, 34, "0 0 16px"),
            2 => (19, 26, "28px 0 10px"),
            _ => (16, 24, "20px 0 8px"),
        };
        let _ = write!(
            self.out,
            "<h{level} class=\"vl-text\" style=\"margin:{margin};font-size:{size}px;line-height:{line}px;font-weight:700;color:{};\">",
            c.text
        );
        self.spans(content);
        let _ = writeln!(self.out, "</h{level}>");
    }

    fn paragraph(&mut self, content: &[Span]) {
        let c = &self.brand.colors;
        let _ = write!(
            self.out,
            "<p class=\"vl-text\" style=\"margin:0 0 16px;font-size:16px;line-height:24px;color:{};\">",
            c.text
        );
        self.spans(content);
        self.out.push_str("</p>\n");
    }

    fn list(&mut self, ordered: bool, items: &[Vec<Span>]) {
        let c = &self.brand.colors;
        let tag = if ordered { "ol" } else { "ul" };
        let _ = write!(
            self.out,
            "<{tag} class=\"vl-text\" style=\"margin:0 0 16px;padding:0 0 0 24px;color:{};\">",
            c.text
        );
        for i in items {
            self.out
                .push_str("<li style=\"margin:0 0 8px;font-size:16px;line-height:24px;\">");
            self.spans(i);
            self.out.push_str("</li>");
        }
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn rule(&mut self) {
        let c = &self.brand.colors;
        let _ = writeln!(
            self.out,
            "<hr class=\"vl-border\" style=\"border:0;border-top:1px solid {};margin:24px 0;\">",
            c.border
        );
    }

    fn image(&mut self, src: &str, alt: &str) {
        let file = src.strip_prefix("brand:").unwrap_or(src);
        self.out.push_str("<img src=\"");
        push_html(self.out, &format!("{}/{}", self.base, file));
        self.out.push_str("\" alt=\"");
        push_html(self.out, alt);
        self.out.push_str("\" width=\"536\" style=\"display:block;width:100%;max-width:536px;height:auto;border:0;margin:0 0 16px;\">\n");
    }

    fn notice(&mut self, tone: Tone, blocks: &[Block]) {
        let c = &self.brand.colors;
        let (accent, bg, class) = match tone {
            Tone::Warning => (&c.warning, &c.warning_bg, "vl-warn"),
            Tone::Success => (&c.success, &c.success_bg, "vl-ok"),
            Tone::Info => (&c.primary, &c.info_bg, "vl-info"),
        };
        let _ = write!(
            self.out,
            "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 20px;border-collapse:separate;\"><tr><td class=\"{class}\" style=\"background:{bg};border-left:4px solid {accent};border-radius:4px;padding:14px 18px 0;\">"
        );
        for b in flatten_for(blocks, Channel::Email) {
            self.block(b);
        }
        self.out.push_str("</td></tr></table>\n");
    }

    fn small(&mut self, blocks: &[Block]) {
        let c = &self.brand.colors;
        let _ = write!(
            self.out,
            "<div class=\"vl-muted\" style=\"margin:24px 0 0;color:{};\">",
            c.muted
        );
        let mut inner = String::new();
        let mut w = HtmlWriter {
            out: &mut inner,
            brand: self.brand,
            base: self.base,
        };
        for b in flatten_for(blocks, Channel::Email) {
            w.block(b);
        }
        // Small print: the same blocks, smaller and muted.
        let inner = inner
            .replace(
                "font-size:16px;line-height:24px;",
                "font-size:12px;line-height:18px;",
            )
            .replace(
                &format!("color:{};", c.text),
                &format!("color:{};", c.muted),
            )
            .replace("class=\"vl-text\"", "class=\"vl-muted\"");
        self.out.push_str(&inner);
        self.out.push_str("</div>\n");
    }

    fn rows(&mut self, references: bool, rows: &[(Vec<Span>, Vec<Span>)]) {
        let c = &self.brand.colors;
        let (size, pad) = if references {
            (13, "12px 16px")
        } else {
            (15, "16px 20px")
        };
        let _ = write!(
            self.out,
            "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 20px;border-collapse:separate;\"><tr><td class=\"vl-soft\" style=\"background:{};border:1px solid {};border-radius:8px;padding:{pad};\"><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\">",
            c.background, c.border
        );
        for (label, value) in rows {
            let _ = write!(
                self.out,
                "<tr><td class=\"vl-muted\" valign=\"top\" style=\"padding:5px 12px 5px 0;font-size:{size}px;line-height:20px;color:{};\">",
                c.muted
            );
            self.spans(label);
            let _ = write!(
                self.out,
                "</td><td class=\"vl-text\" align=\"right\" valign=\"top\" style=\"padding:5px 0;font-size:{size}px;line-height:20px;color:{};text-align:right;\">",
                c.text
            );
            self.spans(value);
            self.out.push_str("</td></tr>");
        }
        self.out.push_str("</table></td></tr></table>\n");
    }

    fn button(&mut self, text: &str, href: &str) {
        let c = &self.brand.colors;
        let _ = write!(
            self.out,
            "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:8px 0 24px;\"><tr><td align=\"center\" bgcolor=\"{p}\" style=\"border-radius:6px;background:{p};\"><a href=\"",
            p = c.primary
        );
        push_html(self.out, href);
        let _ = write!(
            self.out,
            "\" style=\"display:inline-block;padding:14px 28px;font-size:16px;line-height:20px;font-weight:700;color:{};text-decoration:none;\">",
            c.on_primary
        );
        push_html(self.out, text);
        self.out.push_str("</a></td></tr></table>\n");
    }

    fn qr(&mut self, kind: &str, payload: &str, caption: &str) {
        let c = &self.brand.colors;
        // Nobody scans a QR code on the screen they read it on: email links instead.
        if kind == "url" {
            let _ = write!(
                self.out,
                "<p class=\"vl-text\" style=\"margin:0 0 16px;font-size:16px;line-height:24px;color:{};\"><a href=\"",
                c.text
            );
            push_html(self.out, payload);
            let _ = write!(
                self.out,
                "\" class=\"vl-link\" style=\"color:{};text-decoration:underline;\">",
                c.primary
            );
            push_html(self.out, if caption.is_empty() { payload } else { caption });
            self.out.push_str("</a></p>\n");
        }
    }

    fn signature(&mut self, party: &str, name: &str, title: &str) {
        let c = &self.brand.colors;
        let _ = write!(
            self.out,
            "<p class=\"vl-text\" style=\"margin:0 0 16px;font-size:15px;line-height:22px;color:{};\">",
            c.text
        );
        if !party.is_empty() {
            let _ = write!(
                self.out,
                "<span class=\"vl-muted\" style=\"font-size:12px;color:{};text-transform:uppercase;letter-spacing:0.5px;\">",
                c.muted
            );
            push_html(self.out, party);
            self.out.push_str("</span><br>");
        }
        self.out.push_str("<strong>");
        push_html(self.out, name);
        self.out.push_str("</strong>");
        if !title.is_empty() {
            self.out.push_str("<br>");
            push_html(self.out, title);
        }
        self.out.push_str("</p>\n");
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<Vec<Span>>], footer: &[Vec<Vec<Span>>]) {
        self.out.push_str("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 24px;border-collapse:collapse;\">\n<tr>");
        self.table_header(columns);
        self.out.push_str("</tr>\n");
        for row in rows {
            self.out.push_str("<tr>");
            self.table_cells(columns, row);
            self.out.push_str("</tr>\n");
        }
        for (ri, row) in footer.iter().enumerate() {
            self.out.push_str("<tr>");
            self.table_footer_cells(columns, row, ri + 1 == footer.len());
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</table>\n");
    }

    fn table_header(&mut self, columns: &[Column]) {
        let c = &self.brand.colors;
        let n = columns.len();
        for (i, col) in columns.iter().enumerate() {
            let pad = if i + 1 == n {
                "8px 0 8px 8px"
            } else if i == 0 {
                "8px 8px 8px 0"
            } else {
                "8px"
            };
            let _ = write!(
                self.out,
                "<th class=\"vl-muted vl-border vl-th\" align=\"{a}\" style=\"padding:{pad};font-size:12px;line-height:16px;font-weight:600;text-transform:uppercase;letter-spacing:0.4px;color:{};border-bottom:2px solid {};text-align:{a};\">",
                c.muted,
                c.border,
                a = align_name(col.align)
            );
            self.spans(&col.header);
            self.out.push_str("</th>");
        }
    }

    fn table_cells(&mut self, columns: &[Column], row: &[Vec<Span>]) {
        let c = &self.brand.colors;
        let n = columns.len();
        for (i, cell) in row.iter().enumerate() {
            let a = columns.get(i).map_or("left", |c| align_name(c.align));
            let pad = if i + 1 == n {
                "10px 0 10px 8px"
            } else if i == 0 {
                "10px 8px 10px 0"
            } else {
                "10px 8px"
            };
            let _ = write!(
                self.out,
                "<td class=\"vl-text vl-border vl-cell\" align=\"{a}\" valign=\"top\" style=\"padding:{pad};font-size:14px;line-height:20px;color:{};border-bottom:1px solid {};text-align:{a};\">",
                c.text, c.border
            );
            // Amounts and quantities stay on one line.
            self.spans_unbroken(cell, a == "right");
            self.out.push_str("</td>");
        }
    }

    /// A footer row; `last` is the total, larger and with a rule above.
    fn table_footer_cells(&mut self, columns: &[Column], row: &[Vec<Span>], last: bool) {
        let c = &self.brand.colors;
        let (size, border) = if last {
            (16, format!("border-top:2px solid {};", c.border))
        } else {
            (14, String::new())
        };
        let vpad = if last { "12px 0 6px" } else { "6px 0" };
        // A footer label spans the empty cells after it, so a long label
        // ("Zu zahlender Gesamtbetrag") does not widen the first column.
        let mut i = 0;
        while i < row.len() {
            let mut span = 1;
            while i + span < row.len() && row[i + span].is_empty() && i + span + 1 < row.len() {
                span += 1;
            }
            let a = columns
                .get(i + span - 1)
                .map_or("left", |c| align_name(c.align));
            let a = if span > 1 { "left" } else { a };
            let is_value = i + span == row.len();
            let pad_r = if is_value { "0" } else { "8px" };
            let colspan = if span > 1 {
                format!(" colspan=\"{span}\"")
            } else {
                String::new()
            };
            let _ = write!(
                self.out,
                "<td{colspan} class=\"vl-text vl-border vl-cell\" align=\"{a}\" style=\"padding:{vpad};padding-right:{pad_r};font-size:{size}px;line-height:20px;color:{};{border}text-align:{a};\">",
                c.text
            );
            self.spans_unbroken(&row[i], is_value);
            self.out.push_str("</td>");
            i += span;
        }
    }

    fn chart(&mut self, title: &str, unit: &str, bars: &[Bar]) {
        let c = &self.brand.colors;
        if bars.is_empty() {
            return;
        }
        if !title.is_empty() {
            let _ = write!(
                self.out,
                "<p class=\"vl-text\" style=\"margin:8px 0 12px;font-size:15px;line-height:22px;font-weight:700;color:{};\">",
                c.text
            );
            push_html(self.out, title);
            if !unit.is_empty() {
                let _ = write!(
                    self.out,
                    " <span class=\"vl-muted\" style=\"font-weight:400;color:{};\">(",
                    c.muted
                );
                push_html(self.out, unit);
                self.out.push_str(")</span>");
            }
            self.out.push_str("</p>\n");
        }
        let max = bars.iter().map(|b| b.value).fold(0.0f64, f64::max);
        let width = 100 / bars.len().max(1);
        self.out.push_str("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 24px;table-layout:fixed;\"><tr>");
        for (i, b) in bars.iter().enumerate() {
            let h = if max > 0.0 {
                ((b.value.max(0.0) / max) * 96.0).round() as u32
            } else {
                0
            }
            .max(2);
            // The latest bar is the current period: full colour; earlier ones
            // lighter: the primary blended onto the card beforehand (many
            // clients drop `opacity`), the dark-mode shade from the shell's CSS.
            let (fill, class) = if i + 1 == bars.len() {
                (c.primary.clone(), "")
            } else {
                (
                    blend(&c.primary, &c.surface, 0.55),
                    " class=\"vl-bar-past\"",
                )
            };
            let _ = write!(
                self.out,
                "<td valign=\"bottom\" width=\"{width}%\" style=\"padding:0 2px;\"><div class=\"vl-muted\" style=\"font-size:10px;line-height:14px;color:{};text-align:center;\">",
                c.muted
            );
            push_html(self.out, &b.display);
            let _ = write!(
                self.out,
                "</div><table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td{class} height=\"{h}\" bgcolor=\"{fill}\" style=\"height:{h}px;line-height:{h}px;font-size:1px;background:{fill};\">&nbsp;</td></tr></table></td>"
            );
        }
        self.out.push_str("</tr><tr>");
        for b in bars {
            let _ = write!(
                self.out,
                "<td class=\"vl-muted\" valign=\"top\" style=\"padding:4px 1px 0;font-size:10px;line-height:13px;color:{};text-align:center;border-top:1px solid {};\">",
                c.muted, c.border
            );
            push_html(self.out, &b.label);
            self.out.push_str("</td>");
        }
        self.out.push_str("</tr></table>\n");
    }
}

/// The HTML `align` value of a column alignment.
fn align_name(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Right => "right",
        Align::Center => "center",
    }
}

/// `fg` laid over `bg` with opacity `alpha`, as `#RRGGBB`: what `opacity`
/// would show, for clients that drop it. Colours that are not `#RGB` or
/// `#RRGGBB` give `fg` unchanged.
fn blend(fg: &str, bg: &str, alpha: f64) -> String {
    fn rgb(s: &str) -> Option<[u8; 3]> {
        let h = s.trim().strip_prefix('#')?;
        let h = match h.len() {
            3 => h.chars().flat_map(|c| [c, c]).collect::<String>(),
            6 => h.to_owned(),
            _ => return None,
        };
        let v = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
        Some([v(0)?, v(2)?, v(4)?])
    }
    match (rgb(fg), rgb(bg)) {
        (Some(f), Some(b)) => {
            let mix = |i: usize| {
                (f64::from(f[i]) * alpha + f64::from(b[i]) * (1.0 - alpha)).round() as u8
            };
            format!("#{:02X}{:02X}{:02X}", mix(0), mix(1), mix(2))
        }
        _ => fg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::blend;

    #[test]
    fn blend_matches_opacity_over_the_card() {
        assert_eq!(blend("#0B5FFF", "#FFFFFF", 0.55), "#79A7FF");
        assert_eq!(blend("#000", "#FFF", 1.0), "#000000");
        assert_eq!(blend("red", "#FFFFFF", 0.5), "red");
    }
}
