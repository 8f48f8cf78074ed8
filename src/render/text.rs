//! The text/plain part of an email, from the same Document as the HTML:
//! headings underlined, links kept as `text (url)`, tables as aligned columns.

use crate::design::shell::Brand;
use crate::model::Channel;
use crate::model::{Align, Bar, Block, Column, Document, Span, flatten_for};

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
        Block::Heading { level, content } => heading(*level, content, out),
        Block::Paragraph { content } => {
            wrap(&Span::plain_text(content), "", "", out);
            out.push('\n');
        }
        Block::List { ordered, items } => list(*ordered, items, out),
        Block::Rule => out.push_str(&format!("{}\n\n", "-".repeat(WIDTH))),
        Block::Image { alt, .. } => {
            out.push_str(&format!("[{alt}]\n\n"));
        }
        Block::Notice { blocks: inner, .. } => notice(inner, out, brand),
        Block::Small { blocks: inner } => blocks(inner, out, brand),
        Block::Table {
            columns,
            rows,
            footer,
        } => table(columns, rows, footer, out),
        Block::Rows { rows, .. } => key_values(rows, out),
        Block::Button { text, href } => {
            out.push_str(&format!("{text}: {href}\n\n"));
        }
        Block::Chart { title, unit, bars } => chart(title, unit, bars, out),
        Block::Qr {
            kind,
            payload,
            caption,
        } => qr(kind, payload, caption, out),
        Block::Signature {
            party, name, title, ..
        } => signature(party, name, title, out),
        Block::Address { .. } | Block::Remittance { .. } | Block::Only { .. } => {}
    }
}

fn heading(level: u8, content: &[Span], out: &mut String) {
    let t = Span::plain_text(content);
    out.push_str(&t);
    out.push('\n');
    let ch = if level == 1 { "=" } else { "-" };
    out.push_str(&ch.repeat(width(&t).min(WIDTH)));
    out.push_str("\n\n");
}

fn list(ordered: bool, items: &[Vec<Span>], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        let marker = if ordered {
            format!("{}. ", i + 1)
        } else {
            "- ".to_owned()
        };
        let indent = " ".repeat(marker.len());
        wrap(&Span::plain_text(item), &marker, &indent, out);
    }
    out.push('\n');
}

fn notice(inner: &[Block], out: &mut String, brand: &Brand) {
    let mut s = String::new();
    blocks(inner, &mut s, brand);
    for line in s.trim_end().lines() {
        out.push_str(if line.is_empty() { ">" } else { "> " });
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
}

fn key_values(rows: &[(Vec<Span>, Vec<Span>)], out: &mut String) {
    let labels: Vec<String> = rows.iter().map(|(l, _)| Span::plain_text(l)).collect();
    let w = labels.iter().map(|l| width(l)).max().unwrap_or(0).min(32);
    for (label, (_, v)) in labels.iter().zip(rows) {
        out.push_str(&pad(&format!("{label}:"), w + 1, Align::Left));
        out.push(' ');
        out.push_str(&Span::plain_text(v));
        out.push('\n');
    }
    out.push('\n');
}

fn chart(title: &str, unit: &str, bars: &[Bar], out: &mut String) {
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

fn qr(kind: &str, payload: &str, caption: &str, out: &mut String) {
    if kind == "url" {
        if caption.is_empty() {
            out.push_str(&format!("{payload}\n\n"));
        } else {
            out.push_str(&format!("{caption} ({payload})\n\n"));
        }
    }
}

fn signature(party: &str, name: &str, title: &str, out: &mut String) {
    if !party.is_empty() {
        out.push_str(&format!("{party}\n"));
    }
    out.push_str(&format!("{name}\n"));
    if !title.is_empty() {
        out.push_str(&format!("{title}\n"));
    }
    out.push('\n');
}

fn cells(rows: &[Vec<Vec<Span>>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| Span::plain_text(c)).collect())
        .collect()
}

fn table(columns: &[Column], rows: &[Vec<Vec<Span>>], footer: &[Vec<Vec<Span>>], out: &mut String) {
    let header: Vec<String> = columns
        .iter()
        .map(|c| Span::plain_text(&c.header))
        .collect();
    let body = cells(rows);
    let foot = cells(footer);
    let w = column_widths(&header, &body, &foot);
    let n = columns.len();
    let total: usize = w.iter().sum::<usize>() + 2 * n.saturating_sub(1);
    if total <= WIDTH {
        let aligns: Vec<Align> = columns.iter().map(|c| c.align).collect();
        table_row(&header, &w, &aligns, out);
        out.push_str(&"-".repeat(total));
        out.push('\n');
        for r in &body {
            table_row(r, &w, &aligns, out);
        }
    } else {
        table_entries(&header, &body, out);
    }
    if !foot.is_empty() {
        table_footer(&foot, total, out);
    }
    out.push('\n');
}

/// The width of each column: its widest cell.
fn column_widths(header: &[String], body: &[Vec<String>], foot: &[Vec<String>]) -> Vec<usize> {
    let n = header.len();
    let mut w = vec![0usize; n];
    for r in std::iter::once(header).chain(body.iter().map(Vec::as_slice)) {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(width(c));
        }
    }
    // Footer labels may span the empty cells before their value.
    for r in foot {
        for (i, c) in r.iter().enumerate().take(n) {
            if i > 0 {
                w[i] = w[i].max(width(c));
            }
        }
    }
    w
}

/// One line of aligned columns.
fn table_row(cells: &[String], w: &[usize], aligns: &[Align], out: &mut String) {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate().take(w.len()) {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(&pad(c, w[i], aligns[i]));
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// A table too wide for a text mail: one entry per paragraph.
fn table_entries(header: &[String], body: &[Vec<String>], out: &mut String) {
    for r in body {
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

/// Footer rows: the label, then the value at the right edge of the table.
fn table_footer(foot: &[Vec<String>], total: usize, out: &mut String) {
    out.push_str(&"-".repeat(total.min(WIDTH)));
    out.push('\n');
    for r in foot {
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
