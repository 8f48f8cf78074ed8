//! The body of a design: Markdown-like blocks and `:::` components, parsed
//! once at load time into a tree whose text leaves are compiled templates.
//!
//! This file holds the tree and the block-level syntax (headings, lists,
//! paragraphs, images, fragments); [`components`] names the components and
//! hands each to its parser in a file of its own; [`inline`] parses the
//! markup inside a line.

mod address;
mod chart;
mod components;
mod condition;
mod inline;
mod offer;
mod qr;
mod rows;
mod sections;
mod slots;
mod table;
mod variant;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::VariantGroup;
use super::rules::{Rule, RuleId};
use super::template::{FieldRef, Scope, SrcMap, Template};
use crate::model::{Align, Channel, Diagnostic, Place, Tone};

/// Inline content of a design: text with placeholders, emphasis and links.
#[derive(Debug, Clone)]
pub(crate) enum Inline {
    Text(Template),
    Strong(Vec<Inline>),
    Em(Vec<Inline>),
    Link { label: Vec<Inline>, href: Template },
}

#[derive(Debug, Clone)]
pub(crate) struct TableSpec {
    pub list: FieldRef,
    pub columns: Vec<(Vec<Inline>, Align)>,
    pub row: Vec<Vec<Inline>>,
    pub footer: Vec<Vec<Vec<Inline>>>,
}

#[derive(Debug, Clone)]
pub(crate) struct ChartSpec {
    pub list: FieldRef,
    pub unit: String,
    pub title: Option<Template>,
    pub label: Template,
    pub value: FieldRef,
}

#[derive(Debug, Clone)]
pub(crate) enum QrSpec {
    Url {
        data: Template,
        caption: Option<Template>,
    },
    Epc {
        name: Template,
        iban: Template,
        bic: Option<Template>,
        amount: FieldRef,
        reference: Template,
        caption: Option<Template>,
    },
    /// A Swiss QR-bill.
    Swiss(Box<SwissSpec>),
    /// A Swiss QR-bill when the record is in CHF, else the EPC payment.
    Auto {
        epc: Box<QrSpec>,
        swiss: Box<SwissSpec>,
    },
}

/// A Swiss QR-bill's slots: the text slots given (see `qr::SWISS_TEXT`),
/// by name, and the amount.
#[derive(Debug, Clone)]
pub(crate) struct SwissSpec {
    pub text: Vec<(&'static str, Template)>,
    pub amount: FieldRef,
}

/// What a `::: if` tests.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    /// A field's truthiness.
    Field(FieldRef),
    /// A rule (named, or an inline CEL expression) of the design's rules.
    Rule(RuleId),
}

#[derive(Debug, Clone)]
pub(crate) enum Block {
    Variant {
        group: usize,
        value: String,
        blocks: Vec<Block>,
    },
    Offer {
        slot: String,
    },
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Rule,
    Image {
        src: String,
        alt: String,
    },
    If {
        cond: Cond,
        negate: bool,
        then: Vec<Block>,
        otherwise: Vec<Block>,
    },
    Only {
        channels: Vec<Channel>,
        blocks: Vec<Block>,
    },
    Notice {
        tone: Tone,
        blocks: Vec<Block>,
    },
    Small(Vec<Block>),
    Remittance(Vec<Block>),
    Table(Box<TableSpec>),
    Rows {
        references: bool,
        rows: Vec<(Vec<Inline>, Vec<Inline>)>,
    },
    Address(Vec<Template>),
    Button {
        text: Template,
        href: Template,
    },
    Chart(Box<ChartSpec>),
    Qr(Box<QrSpec>),
    Signature {
        party: Option<Template>,
        name: Template,
        title: Option<Template>,
        place: Option<Template>,
    },
}

/// Where `{{> name}}` and images look for files.
pub(crate) struct Folders<'a> {
    pub loader: &'a dyn super::loader::Loader,
    pub design: &'a Path,
    pub design_shown: &'a str,
    pub brand: &'a Path,
    pub brand_shown: &'a str,
}

pub(crate) struct BodyParser<'a, 'b> {
    scope: &'a Scope<'b>,
    folders: &'a Folders<'a>,
    pub diags: Vec<Diagnostic>,
    fragments: HashMap<String, Vec<Block>>,
    stack: Vec<String>,
    pub addresses: usize,
    /// Named rules on the way in; inline conditions are added.
    pub rules: Vec<Rule>,
    pub variants: &'a [VariantGroup],
    /// Offer slots the body declares.
    pub slots: Vec<String>,
}

struct Cursor<'t> {
    lines: Vec<&'t str>,
    i: usize,
    file: String,
}

impl<'t> Cursor<'t> {
    fn place(&self, line_idx: usize, col: usize) -> Place {
        Place::new(&self.file, line_idx as u32 + 1, col as u32 + 1)
    }
    fn peek(&self) -> Option<&'t str> {
        self.lines.get(self.i).copied()
    }
    /// Line `line_idx` (its text `line`), trimmed, mapped to its place.
    fn line_map(&self, line_idx: usize, line: &str) -> SrcMap {
        let indent = line.len() - line.trim_start().len();
        SrcMap::single(line.trim(), &self.place(line_idx, indent))
    }
}

/// How a run of blocks ended.
enum End {
    Close,
    Else(Place),
    Eof,
}

impl<'a, 'b> BodyParser<'a, 'b> {
    pub(crate) fn new(scope: &'a Scope<'b>, folders: &'a Folders<'a>) -> Self {
        BodyParser {
            scope,
            folders,
            diags: Vec::new(),
            fragments: HashMap::new(),
            stack: Vec::new(),
            addresses: 0,
            rules: Vec::new(),
            variants: &[],
            slots: Vec::new(),
        }
    }

    /// Parses a whole file of blocks.
    pub(crate) fn parse_file(&mut self, text: &str, shown: &str) -> Vec<Block> {
        let mut cur = Cursor {
            lines: text.lines().collect(),
            i: 0,
            file: shown.to_owned(),
        };
        let (blocks, end) = self.blocks(&mut cur);
        match end {
            End::Eof => {}
            End::Close => {
                let p = cur.place(cur.i - 1, 0);
                self.diags.push(
                    Diagnostic::new(p, "`:::` closes nothing")
                        .hint("every `:::` closes a component opened above it"),
                );
            }
            End::Else(p) => self
                .diags
                .push(Diagnostic::new(p, "`::: else` outside `::: if`")),
        }
        blocks
    }

    /// Blocks up to a `:::`, a `::: else` or the end of the file.
    fn blocks(&mut self, cur: &mut Cursor<'_>) -> (Vec<Block>, End) {
        let mut out = Vec::new();
        while let Some(line) = cur.peek() {
            let idx = cur.i;
            let t = line.trim_end();
            let trimmed = t.trim_start();
            let indent = t.len() - trimmed.len();
            if trimmed.is_empty() {
                cur.i += 1;
                continue;
            }
            if trimmed == ":::" {
                cur.i += 1;
                return (out, End::Close);
            }
            if let Some(rest) = trimmed.strip_prefix(":::") {
                let rest_trim = rest.trim();
                if rest_trim == "else" {
                    cur.i += 1;
                    return (out, End::Else(cur.place(idx, indent)));
                }
                cur.i += 1;
                if let Some(b) = self.component(cur, idx, indent, rest) {
                    out.push(b);
                }
                continue;
            }
            if let Some(name) = trimmed
                .strip_prefix("{{>")
                .and_then(|r| r.strip_suffix("}}"))
            {
                cur.i += 1;
                let place = cur.place(idx, indent);
                out.extend(self.fragment(name.trim(), &place));
                continue;
            }
            if let Some((level, text_start)) = heading(trimmed) {
                cur.i += 1;
                let place = cur.place(idx, indent + text_start);
                let map = SrcMap::single(&trimmed[text_start..], &place);
                let content = self.inline(&map, 0..map.src().len());
                out.push(Block::Heading { level, content });
                continue;
            }
            if trimmed.len() >= 3 && trimmed.bytes().all(|b| b == b'-') {
                cur.i += 1;
                out.push(Block::Rule);
                continue;
            }
            if trimmed.starts_with("![") {
                cur.i += 1;
                self.image(trimmed, cur.place(idx, indent), &mut out);
                continue;
            }
            if trimmed.starts_with('|') {
                cur.i += 1;
                self.diags.push(
                    Diagnostic::new(cur.place(idx, indent), "table row outside a table")
                        .hint("put table rows between `::: table for=LIST` and `:::`"),
                );
                continue;
            }
            if list_marker(trimmed).is_some() {
                out.push(self.list(cur));
                continue;
            }
            out.push(self.paragraph(cur));
        }
        (out, End::Eof)
    }

    /// A paragraph: lines up to a blank line or another block.
    fn paragraph(&mut self, cur: &mut Cursor<'_>) -> Block {
        let mut lines = Vec::new();
        while let Some(l) = cur.peek() {
            let lt = l.trim();
            if lt.is_empty()
                || (!lines.is_empty()
                    && (lt.starts_with(":::")
                        || heading(lt).is_some()
                        || list_marker(lt).is_some()
                        || lt.starts_with('|')
                        || lt.starts_with("{{>")))
            {
                break;
            }
            let ind = l.len() - l.trim_start().len();
            lines.push((lt, cur.place(cur.i, ind)));
            cur.i += 1;
        }
        let map = SrcMap::lines(lines.iter().map(|(t, p)| (*t, p.clone())));
        let content = self.inline(&map, 0..map.src().len());
        Block::Paragraph(content)
    }

    fn list(&mut self, cur: &mut Cursor<'_>) -> Block {
        let first = cur.peek().unwrap_or("").trim();
        let ordered = list_marker(first).is_some_and(|(o, _)| o);
        let mut items = Vec::new();
        while let Some(l) = cur.peek() {
            let lt = l.trim();
            let ind = l.len() - l.trim_start().len();
            let Some((o, skip)) = list_marker(lt) else {
                break;
            };
            if o != ordered {
                break;
            }
            let mut parts = vec![(
                lt[skip..].trim_start(),
                cur.place(
                    cur.i,
                    ind + skip + (lt[skip..].len() - lt[skip..].trim_start().len()),
                ),
            )];
            cur.i += 1;
            // Indented continuation lines belong to the item.
            while let Some(c) = cur.peek() {
                let ci = c.len() - c.trim_start().len();
                if ci >= 2 && !c.trim().is_empty() && list_marker(c.trim()).is_none() {
                    parts.push((c.trim(), cur.place(cur.i, ci)));
                    cur.i += 1;
                } else {
                    break;
                }
            }
            let map = SrcMap::lines(parts.iter().map(|(t, p)| (*t, p.clone())));
            items.push(self.inline(&map, 0..map.src().len()));
        }
        Block::List { ordered, items }
    }

    fn image(&mut self, line: &str, place: Place, out: &mut Vec<Block>) {
        let parsed = line
            .strip_prefix("![")
            .and_then(|r| r.split_once("]("))
            .and_then(|(alt, r)| r.strip_suffix(')').map(|src| (alt.trim(), src.trim())));
        let Some((alt, src)) = parsed else {
            self.diags.push(Diagnostic::new(
                place,
                "an image is written `![alt text](file)` on its own line",
            ));
            return;
        };
        if alt.is_empty() {
            self.diags.push(
                Diagnostic::new(place.clone(), "image without alt text")
                    .hint("describe the image: ![Our team](team.png)"),
            );
        }
        if alt.contains("{{") || src.contains("{{") {
            self.diags.push(
                Diagnostic::new(place.clone(), "images cannot hold placeholders")
                    .hint("images come from the design or brand folder"),
            );
            return;
        }
        let path = match src.strip_prefix("brand:") {
            Some(f) => self.folders.brand.join(f),
            None => self.folders.design.join(src),
        };
        if src.contains("..") || src.contains("://") || !self.folders.loader.is_file(&path) {
            self.diags.push(
                Diagnostic::new(place, format!("image `{src}` not found")).hint(
                    "images are files in the design folder, or `brand:name` in the brand folder",
                ),
            );
            return;
        }
        out.push(Block::Image {
            src: src.to_owned(),
            alt: alt.to_owned(),
        });
    }

    fn fragment(&mut self, name: &str, place: &Place) -> Vec<Block> {
        if let Some(b) = self.fragments.get(name) {
            return b.clone();
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || name.is_empty()
        {
            self.diags.push(Diagnostic::new(
                place.clone(),
                format!("invalid fragment name `{name}`"),
            ));
            return Vec::new();
        }
        if self.stack.iter().any(|s| s == name) {
            self.diags.push(Diagnostic::new(
                place.clone(),
                format!("fragment `{name}` includes itself"),
            ));
            return Vec::new();
        }
        let candidates: [(PathBuf, String); 2] = [
            (
                self.folders
                    .design
                    .join("fragments")
                    .join(format!("{name}.md")),
                format!("{}/fragments/{name}.md", self.folders.design_shown),
            ),
            (
                self.folders
                    .brand
                    .join("fragments")
                    .join(format!("{name}.md")),
                format!("{}/fragments/{name}.md", self.folders.brand_shown),
            ),
        ];
        for (path, shown) in candidates {
            if let Ok(text) = self.folders.loader.read_to_string(&path) {
                self.stack.push(name.to_owned());
                let blocks = self.parse_file(&text, &shown);
                self.stack.pop();
                self.fragments.insert(name.to_owned(), blocks.clone());
                return blocks;
            }
        }
        self.diags.push(
            Diagnostic::new(place.clone(), format!("fragment `{name}` not found")).hint(format!(
                "create fragments/{name}.md in the design or the brand folder"
            )),
        );
        Vec::new()
    }
}

fn heading(line: &str) -> Option<(u8, usize)> {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    if (1..=3).contains(&hashes) && line.as_bytes().get(hashes) == Some(&b' ') {
        Some((hashes as u8, hashes + 1))
    } else {
        None
    }
}

/// `- item` or `3. item`: (ordered, bytes before the text).
fn list_marker(line: &str) -> Option<(bool, usize)> {
    if line.starts_with("- ") {
        return Some((false, 2));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 4 && line[digits..].starts_with(". ") {
        return Some((true, digits + 2));
    }
    None
}
