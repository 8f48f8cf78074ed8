//! The text/plain part of an email, from the same Document as the HTML:
//! headings underlined, links kept as `text (url)`, tables as aligned columns.

use crate::design::shell::Brand;
use crate::model::Channel;
use crate::model::{Align, Block, Column, Document, Span, flatten_for};

const WIDTH: usize = 72;

pub(crate) fn render(doc: &Document, brand: &Brand, footer: String) -> String {
    let mut out = String::with_capacity(4096);
    blocks(&doc.blocks, &mut out, brand);
    out.push_str("-- \n");
    out.push_str(&footer);
    out.push('\n');
    out
}

fn blocks(bs: &[Block], out: &mut String, brand: &Brand) {
    for b in flatten_for(bs, Channel::Email) {
        block(b, out, brand);
    }
}

/// Plain text of spans: links as `text (url)`, or the URL when it is the text.
pub(crate) fn plain(spans: &[Span], out: &mut String) {
    for s in spans {
        match s {
            Span::Text { text } => out.push_str(text),
            Span::Strong { content } | Span::Em { content } => plain(content, out),
            Span::Link { href, content } => {
                let mut label = String::new();
                plain(content, &mut label);
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

fn text_of(spans: &[Span]) -> String {
    let mut s = String::new();
    plain(spans, &mut s);
    s
}

fn width(s: &str) -> usize {
    // East Asian wide characters take two columns in a monospace reader.
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Greedy word wrap at WIDTH columns, with a prefix for every line.
fn wrap(text: &str, first: &str, rest: &str, out: &mut String) {
    let mut line = String::from(first);
    let mut col = width(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        let w = width(word);
        if !empty && col + 1 + w > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(rest);
            col = width(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
            col += 1;
        }
        line.push_str(word);
        col += w;
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn pad(s: &str, w: usize, align: Align) -> String {
    let fill = w.saturating_sub(width(s));
    match align {
        Align::Right => format!("{}{s}", " ".repeat(fill)),
        Align::Center => format!("{}{s}{}", " ".repeat(fill / 2), " ".repeat(fill - fill / 2)),
        Align::Left => format!("{s}{}", " ".repeat(fill)),
    }
}

fn block(b: &Block, out: &mut String, brand: &Brand) {
    match b {
        Block::Heading { level, content } => {
            let t = text_of(content);
            out.push_str(&t);
            out.push('\n');
            let ch = if *level == 1 { "=" } else { "-" };
            out.push_str(&ch.repeat(width(&t).min(WIDTH)));
            out.push_str("\n\n");
        }
        Block::Paragraph { content } => {
            wrap(&text_of(content), "", "", out);
            out.push('\n');
        }
        Block::List { ordered, items } => {
            for (i, item) in items.iter().enumerate() {
                let marker = if *ordered {
                    format!("{}. ", i + 1)
                } else {
                    "- ".to_owned()
                };
                let indent = " ".repeat(marker.len());
                wrap(&text_of(item), &marker, &indent, out);
            }
            out.push('\n');
        }
        Block::Rule => out.push_str(&format!("{}\n\n", "-".repeat(WIDTH))),
        Block::Image { alt, .. } => {
            out.push_str(&format!("[{alt}]\n\n"));
        }
        Block::Notice { blocks: inner, .. } => {
            let mut s = String::new();
            blocks(inner, &mut s, brand);
            for line in s.trim_end().lines() {
                out.push_str(if line.is_empty() { ">" } else { "> " });
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Small { blocks: inner } => blocks(inner, out, brand),
        Block::Table {
            columns,
            rows,
            footer,
        } => table(columns, rows, footer, out),
        Block::Rows { rows, .. } => {
            let labels: Vec<String> = rows.iter().map(|(l, _)| text_of(l)).collect();
            let w = labels.iter().map(|l| width(l)).max().unwrap_or(0).min(32);
            for (label, (_, v)) in labels.iter().zip(rows) {
                out.push_str(&pad(&format!("{label}:"), w + 1, Align::Left));
                out.push(' ');
                out.push_str(&text_of(v));
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Button { text, href } => {
            out.push_str(&format!("{text}: {href}\n\n"));
        }
        Block::Chart { title, unit, bars } => {
            if !title.is_empty() {
                out.push_str(title);
                if !unit.is_empty() {
                    out.push_str(&format!(" ({unit})"));
                }
                out.push('\n');
            }
            let max = bars.iter().map(|b| b.value).fold(0.0f64, f64::max);
            let lw = bars.iter().map(|b| width(&b.label)).max().unwrap_or(0);
            let vw = bars.iter().map(|b| width(&b.display)).max().unwrap_or(0);
            for b in bars {
                let n = if max > 0.0 {
                    ((b.value.max(0.0) / max) * 30.0).round() as usize
                } else {
                    0
                };
                out.push_str(&format!(
                    "{}  {}  {}\n",
                    pad(&b.label, lw, Align::Left),
                    pad(&b.display, vw, Align::Right),
                    "#".repeat(n)
                ));
            }
            out.push('\n');
        }
        Block::Qr {
            kind,
            payload,
            caption,
        } => {
            if kind == "url" {
                if caption.is_empty() {
                    out.push_str(&format!("{payload}\n\n"));
                } else {
                    out.push_str(&format!("{caption} ({payload})\n\n"));
                }
            }
        }
        Block::Signature {
            party, name, title, ..
        } => {
            if !party.is_empty() {
                out.push_str(&format!("{party}\n"));
            }
            out.push_str(&format!("{name}\n"));
            if !title.is_empty() {
                out.push_str(&format!("{title}\n"));
            }
            out.push('\n');
        }
        Block::Address { .. } | Block::Remittance { .. } | Block::Only { .. } => {}
    }
}

fn table(columns: &[Column], rows: &[Vec<Vec<Span>>], footer: &[Vec<Vec<Span>>], out: &mut String) {
    let header: Vec<String> = columns.iter().map(|c| text_of(&c.header)).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| text_of(c)).collect())
        .collect();
    let foot: Vec<Vec<String>> = footer
        .iter()
        .map(|r| r.iter().map(|c| text_of(c)).collect())
        .collect();
    let n = columns.len();
    let mut w = vec![0usize; n];
    for r in std::iter::once(&header).chain(&body) {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(width(c));
        }
    }
    // Footer labels may span the empty cells before their value.
    for r in &foot {
        for (i, c) in r.iter().enumerate().take(n) {
            if i > 0 {
                w[i] = w[i].max(width(c));
            }
        }
    }
    let total: usize = w.iter().sum::<usize>() + 2 * n.saturating_sub(1);
    let row = |cells: &[String], out: &mut String| {
        let mut line = String::new();
        for (i, c) in cells.iter().enumerate().take(n) {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(&pad(c, w[i], columns[i].align));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    if total <= WIDTH {
        row(&header, out);
        out.push_str(&"-".repeat(total));
        out.push('\n');
        for r in &body {
            row(r, out);
        }
    } else {
        // Too wide for a text mail: one entry per paragraph.
        for r in &body {
            let mut first = true;
            for (i, c) in r.iter().enumerate() {
                if c.is_empty() {
                    continue;
                }
                if first {
                    out.push_str(&format!("- {c}\n"));
                    first = false;
                } else {
                    out.push_str(&format!(
                        "  {}: {c}\n",
                        header.get(i).map_or("", String::as_str)
                    ));
                }
            }
        }
    }
    if !foot.is_empty() {
        out.push_str(&"-".repeat(total.min(WIDTH)));
        out.push('\n');
        for r in &foot {
            let cells: Vec<&String> = r.iter().filter(|c| !c.is_empty()).collect();
            if let [label @ .., value] = cells.as_slice() {
                let label = label
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let lw = total
                    .min(WIDTH)
                    .saturating_sub(width(value) + 1)
                    .max(width(&label));
                out.push_str(&format!("{} {value}\n", pad(&label, lw, Align::Left)));
            }
        }
    }
    out.push('\n');
}
