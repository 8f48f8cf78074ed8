//! The body of a design: Markdown-like blocks and `:::` components, parsed
//! once at load time into a tree whose text leaves are compiled templates.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::VariantGroup;
use super::rules::Rule;
use super::template::{FieldRef, Scope, SrcMap, Template, resolve_field};
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
}

/// What a `::: if` tests.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    /// A field's truthiness.
    Field(FieldRef),
    /// A rule (named, or an inline CEL expression), by index in the design's rules.
    Rule(usize),
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
}

enum End {
    Close,
    Else(Place),
    Eof,
}

const CONTAINERS: [&str; 8] = [
    "variant",
    "if",
    "unless",
    "only",
    "notice",
    "small",
    "remittance",
    "else",
];

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
            // A paragraph: lines up to a blank line or another block.
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
            out.push(Block::Paragraph(content));
        }
        (out, End::Eof)
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

    fn component(
        &mut self,
        cur: &mut Cursor<'_>,
        idx: usize,
        indent: usize,
        rest: &str,
    ) -> Option<Block> {
        let place = cur.place(idx, indent);
        let (name, args) = parse_args(rest);
        let Some(name) = name else {
            self.diags
                .push(Diagnostic::new(place, "`:::` needs a component name").hint(KNOWN));
            return None;
        };
        let body_line = idx + 1;
        let attr = |args: &Args, key: &str| {
            args.named
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let check_attrs = |this: &mut Self, allowed: &[&str], bare: bool| {
            for (k, _) in &args.named {
                if !allowed.contains(&k.as_str()) {
                    let hint = if allowed.is_empty() {
                        "it takes no attributes".to_owned()
                    } else {
                        format!("attributes of `{name}`: {}", allowed.join(", "))
                    };
                    this.diags.push(
                        Diagnostic::new(
                            place.clone(),
                            format!("unknown attribute `{k}` for `::: {name}`"),
                        )
                        .hint(hint),
                    );
                }
            }
            if !bare && !args.bare.is_empty() {
                this.diags.push(Diagnostic::new(
                    place.clone(),
                    format!("unexpected `{}` after `::: {name}`", args.bare.join(" ")),
                ));
            }
        };
        if CONTAINERS.contains(&name.as_str()) {
            let (then, end) = self.blocks(cur);
            let mut otherwise = Vec::new();
            match end {
                End::Close => {}
                End::Eof => self.unclosed(&place, &name),
                End::Else(p) => {
                    if name != "if" && name != "unless" {
                        self.diags.push(
                            Diagnostic::new(p, format!("`::: else` inside `::: {name}`"))
                                .hint("only ::: if and ::: unless have an else"),
                        );
                    }
                    let (o, end2) = self.blocks(cur);
                    otherwise = o;
                    match end2 {
                        End::Close => {}
                        End::Eof => self.unclosed(&place, &name),
                        End::Else(p2) => {
                            self.diags.push(Diagnostic::new(p2, "a second `::: else`"))
                        }
                    }
                }
            }
            return match name.as_str() {
                "if" | "unless" => {
                    // The condition is a rule name, a field, or a CEL expression.
                    let src = rest.trim().strip_prefix(name.as_str()).unwrap_or("").trim();
                    let cond_place = place.offset(4 + name.len());
                    if src.is_empty() {
                        self.diags.push(Diagnostic::new(
                            place,
                            format!("`::: {name}` needs a condition: a field, a rule name or an expression"),
                        ));
                        return None;
                    }
                    let is_path = src
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-');
                    let cond = if let Some(i) = self.rules.iter().position(|r| r.name == src) {
                        Cond::Rule(i)
                    } else if is_path {
                        Cond::Field(resolve_field(
                            self.scope,
                            src,
                            &cond_place,
                            &mut self.diags,
                            true,
                        )?)
                    } else {
                        let rule_name = format!(
                            "{}:{}",
                            cond_place.file.rsplit('/').next().unwrap_or(""),
                            cond_place.line
                        );
                        let rule = Rule::compile(
                            &rule_name,
                            src,
                            &cond_place,
                            self.scope.fields,
                            &mut self.diags,
                        )?;
                        self.rules.push(rule);
                        Cond::Rule(self.rules.len() - 1)
                    };
                    Some(Block::If {
                        cond,
                        negate: name == "unless",
                        then,
                        otherwise,
                    })
                }
                "variant" => {
                    let [(group, value)] = args.named.as_slice() else {
                        self.diags.push(Diagnostic::new(
                            place,
                            "write `::: variant GROUP=NAME`, e.g. `::: variant greeting=friendly`",
                        ));
                        return None;
                    };
                    let Some(gi) = self.variants.iter().position(|g| g.name == *group) else {
                        self.diags.push(
                            Diagnostic::new(place, format!("unknown variant group `{group}`"))
                                .hint("declare it in design.toml: [variants.NAME] a = 50, b = 50"),
                        );
                        return None;
                    };
                    if !self.variants[gi].variants.iter().any(|(v, _)| v == value) {
                        let known: Vec<&str> = self.variants[gi]
                            .variants
                            .iter()
                            .map(|(v, _)| v.as_str())
                            .collect();
                        self.diags.push(
                            Diagnostic::new(
                                place,
                                format!("variant group `{group}` has no variant `{value}`"),
                            )
                            .hint(format!("variants: {}", known.join(", "))),
                        );
                        return None;
                    }
                    Some(Block::Variant {
                        group: gi,
                        value: value.clone(),
                        blocks: then,
                    })
                }
                "only" => {
                    check_attrs(self, &[], true);
                    let mut channels = Vec::new();
                    for c in &args.bare {
                        match Channel::parse(c) {
                            Some(ch) => channels.push(ch),
                            None => self.diags.push(
                                Diagnostic::new(place.clone(), format!("unknown channel `{c}`"))
                                    .hint("channels are print, email, sms"),
                            ),
                        }
                    }
                    if channels.is_empty() {
                        self.diags.push(Diagnostic::new(
                            place.clone(),
                            "`::: only` needs channels, e.g. `::: only print`",
                        ));
                    }
                    Some(Block::Only {
                        channels,
                        blocks: then,
                    })
                }
                "notice" => {
                    check_attrs(self, &["tone"], false);
                    let tone = match attr(&args, "tone").as_deref() {
                        None | Some("info") => Tone::Info,
                        Some("warning") => Tone::Warning,
                        Some("success") => Tone::Success,
                        Some(other) => {
                            self.diags.push(
                                Diagnostic::new(place, format!("unknown tone `{other}`"))
                                    .hint("tones are info, warning, success"),
                            );
                            Tone::Info
                        }
                    };
                    Some(Block::Notice { tone, blocks: then })
                }
                "small" => {
                    check_attrs(self, &[], false);
                    Some(Block::Small(then))
                }
                "remittance" => {
                    check_attrs(self, &[], false);
                    Some(Block::Remittance(then))
                }
                _ => {
                    self.diags
                        .push(Diagnostic::new(place, "`::: else` must follow `::: if`"));
                    None
                }
            };
        }
        // Leaf components: their lines up to the closing `:::`.
        let mut lines: Vec<(usize, &str)> = Vec::new();
        let mut closed = false;
        while let Some(l) = cur.peek() {
            cur.i += 1;
            if l.trim() == ":::" {
                closed = true;
                break;
            }
            if l.trim_start().starts_with(":::") {
                self.diags.push(
                    Diagnostic::new(
                        cur.place(cur.i - 1, 0),
                        format!("`::: {name}` cannot contain other components"),
                    )
                    .hint("close it with `:::` first"),
                );
            }
            if !l.trim().is_empty() {
                lines.push((cur.i - 1, l));
            }
        }
        if !closed {
            self.unclosed(&place, &name);
        }
        let _ = body_line;
        match name.as_str() {
            "table" => {
                check_attrs(self, &["for"], false);
                self.table(cur, &place, attr(&args, "for"), &lines)
            }
            "summary" | "references" => {
                check_attrs(self, &[], false);
                let mut rows = Vec::new();
                for (i, l) in &lines {
                    let map =
                        SrcMap::single(l.trim(), &cur.place(*i, l.len() - l.trim_start().len()));
                    let cells = split_cells(map.src());
                    if cells.len() != 2 {
                        self.diags
                            .push(Diagnostic::new(map.place(0), "a row is `label | value`"));
                        continue;
                    }
                    rows.push((
                        self.inline(&map, cells[0].clone()),
                        self.inline(&map, cells[1].clone()),
                    ));
                }
                Some(Block::Rows {
                    references: name == "references",
                    rows,
                })
            }
            "address" => {
                check_attrs(self, &[], false);
                self.addresses += 1;
                if self.addresses == 2 {
                    self.diags.push(
                        Diagnostic::new(place.clone(), "a second `::: address`")
                            .hint("a letter has one recipient address"),
                    );
                }
                let mut out = Vec::new();
                for (i, l) in &lines {
                    let map =
                        SrcMap::single(l.trim(), &cur.place(*i, l.len() - l.trim_start().len()));
                    out.push(Template::compile(
                        &map,
                        0..map.src().len(),
                        self.scope,
                        &mut self.diags,
                    ));
                }
                Some(Block::Address(out))
            }
            "offer" => {
                check_attrs(self, &["slot"], false);
                let Some(slot) = attr(&args, "slot") else {
                    self.diags
                        .push(Diagnostic::new(place, "`::: offer` needs slot=NAME"));
                    return None;
                };
                if !lines.is_empty() {
                    self.diags.push(Diagnostic::new(place.clone(), "`::: offer` has no content of its own").hint("offers come from the offer library; close the slot with `:::` on the next line"));
                }
                self.slots.push(slot.clone());
                Some(Block::Offer { slot })
            }
            "button" | "signature" | "qr" | "chart" => {
                self.slots(cur, &place, &name, &args, &lines)
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(place, format!("unknown component `{name}`")).hint(KNOWN),
                );
                None
            }
        }
    }

    fn unclosed(&mut self, place: &Place, name: &str) {
        self.diags.push(
            Diagnostic::new(place.clone(), format!("`::: {name}` is never closed"))
                .hint("end it with a line `:::`"),
        );
    }

    fn slots(
        &mut self,
        cur: &Cursor<'_>,
        place: &Place,
        name: &str,
        args: &Args,
        lines: &[(usize, &str)],
    ) -> Option<Block> {
        let get = |k: &str| {
            args.named
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        let (allowed, required, attrs): (&[&str], &[&str], &[&str]) = match name {
            "button" => (&["text", "href"], &["text", "href"], &[]),
            "signature" => (&["party", "name", "title", "place"], &["name"], &[]),
            "chart" => (
                &["title", "label", "value"],
                &["label", "value"],
                &["for", "unit"],
            ),
            _ => match get("kind").as_deref() {
                Some("epc") => (
                    &["name", "iban", "bic", "amount", "reference", "caption"],
                    &["name", "iban", "amount", "reference"],
                    &["kind"],
                ),
                Some("url") => (&["data", "caption"], &["data"], &["kind"]),
                other => {
                    self.diags.push(Diagnostic::new(
                        place.clone(),
                        format!(
                            "`::: qr` needs kind=url or kind=epc{}",
                            other.map(|o| format!(", not `{o}`")).unwrap_or_default()
                        ),
                    ));
                    return None;
                }
            },
        };
        for (k, _) in &args.named {
            if !attrs.contains(&k.as_str()) {
                self.diags.push(Diagnostic::new(
                    place.clone(),
                    format!("unknown attribute `{k}` for `::: {name}`"),
                ));
            }
        }
        let row = if name == "chart" {
            let list = get("for");
            let Some(list) = list else {
                self.diags
                    .push(Diagnostic::new(place.clone(), "`::: chart` needs for=LIST"));
                return None;
            };
            Some(list)
        } else {
            None
        };
        let list_ref = match &row {
            Some(l) => Some(resolve_field(self.scope, l, place, &mut self.diags, true)?),
            None => None,
        };
        let mut found: HashMap<&str, (Template, Place)> = HashMap::new();
        for (i, l) in lines {
            let map = SrcMap::single(l.trim(), &cur.place(*i, l.len() - l.trim_start().len()));
            let cells = split_cells(map.src());
            if cells.len() != 2 {
                self.diags.push(
                    Diagnostic::new(
                        map.place(0),
                        format!("a line of `::: {name}` is `slot | value`"),
                    )
                    .hint(format!("slots: {}", allowed.join(", "))),
                );
                continue;
            }
            let key = map.src()[cells[0].clone()].trim();
            let Some(k) = allowed.iter().find(|a| **a == key) else {
                self.diags.push(
                    Diagnostic::new(
                        map.place(cells[0].start),
                        format!("unknown slot `{key}` for `::: {name}`"),
                    )
                    .hint(format!("slots: {}", allowed.join(", "))),
                );
                continue;
            };
            let in_row = name == "chart" && (*k == "label" || *k == "value");
            let sub;
            let scope = if in_row {
                sub = Scope {
                    fields: self.scope.fields,
                    messages: self.scope.messages,
                    row: row.as_deref(),
                };
                &sub
            } else {
                self.scope
            };
            let t = Template::compile(&map, cells[1].clone(), scope, &mut self.diags);
            if found.insert(k, (t, map.place(cells[1].start))).is_some() {
                self.diags.push(Diagnostic::new(
                    map.place(0),
                    format!("slot `{key}` given twice"),
                ));
            }
        }
        for r in required {
            if !found.contains_key(r) {
                self.diags.push(Diagnostic::new(
                    place.clone(),
                    format!("`::: {name}` needs a `{r} | ...` line"),
                ));
            }
        }
        let mut take = |k: &str| found.remove(k);
        let single = |this: &mut Self,
                      slot: Option<(Template, Place)>,
                      what: &str,
                      kinds: &[super::fields::Kind]|
         -> Option<FieldRef> {
            let (t, p) = slot?;
            match t.single_field() {
                Some(f) if kinds.contains(&f.ty.kind) => Some(f.clone()),
                _ => {
                    this.diags.push(Diagnostic::new(
                        p,
                        format!(
                            "`{what}` must be a single {} field, e.g. {{{{kwh}}}}",
                            kinds[0].name()
                        ),
                    ));
                    None
                }
            }
        };
        use super::fields::Kind;
        Some(match name {
            "button" => Block::Button {
                text: take("text")?.0,
                href: take("href")?.0,
            },
            "signature" => Block::Signature {
                name: take("name")?.0,
                party: take("party").map(|s| s.0),
                title: take("title").map(|s| s.0),
                place: take("place").map(|s| s.0),
            },
            "chart" => {
                let value = single(
                    self,
                    take("value"),
                    "value",
                    &[Kind::Number, Kind::Integer, Kind::Money],
                )?;
                Block::Chart(Box::new(ChartSpec {
                    list: list_ref?,
                    unit: get("unit").unwrap_or_default(),
                    title: take("title").map(|s| s.0),
                    label: take("label")?.0,
                    value,
                }))
            }
            _ if get("kind").as_deref() == Some("epc") => {
                let amount = single(self, take("amount"), "amount", &[Kind::Money])?;
                Block::Qr(Box::new(QrSpec::Epc {
                    name: take("name")?.0,
                    iban: take("iban")?.0,
                    bic: take("bic").map(|s| s.0),
                    amount,
                    reference: take("reference")?.0,
                    caption: take("caption").map(|s| s.0),
                }))
            }
            _ => Block::Qr(Box::new(QrSpec::Url {
                data: take("data")?.0,
                caption: take("caption").map(|s| s.0),
            })),
        })
    }

    fn table(
        &mut self,
        cur: &Cursor<'_>,
        place: &Place,
        list: Option<String>,
        lines: &[(usize, &str)],
    ) -> Option<Block> {
        let Some(list) = list else {
            self.diags.push(
                Diagnostic::new(place.clone(), "`::: table` needs for=LIST")
                    .hint("e.g. ::: table for=items"),
            );
            return None;
        };
        let list_ref = resolve_field(self.scope, &list, place, &mut self.diags, true);
        if let Some(l) = &list_ref
            && l.ty.kind != super::fields::Kind::List
        {
            self.diags.push(Diagnostic::new(
                place.clone(),
                format!("`{list}` is declared {}, not list", l.ty.kind.name()),
            ));
            return None;
        }
        let row_scope = Scope {
            fields: self.scope.fields,
            messages: self.scope.messages,
            row: Some(&list),
        };
        let mut rows: Vec<(SrcMap, Vec<Range<usize>>)> = Vec::new();
        for (i, l) in lines {
            let lt = l.trim();
            let map = SrcMap::single(lt, &cur.place(*i, l.len() - l.trim_start().len()));
            if !lt.starts_with('|') {
                self.diags
                    .push(Diagnostic::new(map.place(0), "table rows start with `|`"));
                continue;
            }
            let cells = split_cells(map.src());
            rows.push((map, cells));
        }
        if rows.len() < 3 {
            self.diags.push(
                Diagnostic::new(
                    place.clone(),
                    "a table needs a header row, an alignment row and a row template",
                )
                .hint("see templates/README.md, `::: table`"),
            );
            return None;
        }
        let n = rows[0].1.len();
        let mut ok = true;
        for (map, cells) in &rows {
            if cells.len() != n {
                self.diags.push(Diagnostic::new(
                    map.place(0),
                    format!("this row has {} cells, the header has {n}", cells.len()),
                ));
                ok = false;
            }
        }
        let (amap, acells) = &rows[1];
        let mut aligns = Vec::new();
        for c in acells {
            let s = amap.src()[c.clone()].trim();
            let dash = s.trim_matches(':');
            if dash.is_empty() || !dash.bytes().all(|b| b == b'-') {
                self.diags.push(Diagnostic::new(
                    amap.place(c.start),
                    "the second row of a table sets alignment: `---`, `---:` or `:---:`",
                ));
                ok = false;
                break;
            }
            aligns.push(match (s.starts_with(':'), s.ends_with(':')) {
                (true, true) => Align::Center,
                (false, true) => Align::Right,
                _ => Align::Left,
            });
        }
        if !ok {
            return None;
        }
        let (hmap, hcells) = &rows[0];
        let columns = hcells
            .iter()
            .zip(aligns)
            .map(|(c, a)| (self.inline(hmap, c.clone()), a))
            .collect();
        let (rmap, rcells) = &rows[2];
        let saved = self.scope;
        let row: Vec<Vec<Inline>> = {
            let mut p = BodyParser {
                scope: &row_scope,
                folders: self.folders,
                diags: Vec::new(),
                fragments: HashMap::new(),
                stack: Vec::new(),
                addresses: 0,
                rules: Vec::new(),
                variants: self.variants,
                slots: Vec::new(),
            };
            let r = rcells.iter().map(|c| p.inline(rmap, c.clone())).collect();
            self.diags.append(&mut p.diags);
            r
        };
        let _ = saved;
        let footer = rows[3..]
            .iter()
            .map(|(m, cells)| cells.iter().map(|c| self.inline(m, c.clone())).collect())
            .collect();
        Some(Block::Table(Box::new(TableSpec {
            list: list_ref?,
            columns,
            row,
            footer,
        })))
    }

    /// Parses inline markup in `map.src()[range]`.
    pub(crate) fn inline(&mut self, map: &SrcMap, range: Range<usize>) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        let src = map.src();
        let b = src.as_bytes();
        let end = range.end;
        let mut i = range.start;
        let mut text_start = i;
        while i < end {
            if src[i..end].starts_with("{{") {
                i = find_close(src, i, end);
                continue;
            }
            match b[i] {
                b'\\' if i + 1 < end && b"*[]|\\_`".contains(&b[i + 1]) => {
                    self.flush(map, text_start..i, &mut out);
                    push_text(&mut out, Template::literal(&src[i + 1..i + 2]));
                    i += 2;
                    text_start = i;
                    continue;
                }
                b'*' if src[i..end].starts_with("**") => {
                    if let Some(close) = find(src, i + 2, end, "**").filter(|c| *c > i + 2) {
                        self.flush(map, text_start..i, &mut out);
                        let inner = self.inline(map, i + 2..close);
                        out.push(Inline::Strong(inner));
                        i = close + 2;
                        text_start = i;
                        continue;
                    }
                }
                b'*' => {
                    if let Some(close) = find(src, i + 1, end, "*").filter(|c| *c > i + 1) {
                        self.flush(map, text_start..i, &mut out);
                        let inner = self.inline(map, i + 1..close);
                        out.push(Inline::Em(inner));
                        i = close + 1;
                        text_start = i;
                        continue;
                    }
                }
                b'[' => {
                    if let Some(mid) = find(src, i + 1, end, "](")
                        && let Some(close) = find(src, mid + 2, end, ")")
                    {
                        self.flush(map, text_start..i, &mut out);
                        let label = self.inline(map, i + 1..mid);
                        let href =
                            Template::compile(map, mid + 2..close, self.scope, &mut self.diags);
                        out.push(Inline::Link { label, href });
                        i = close + 1;
                        text_start = i;
                        continue;
                    }
                }
                _ => {}
            }
            i += src[i..].chars().next().map_or(1, char::len_utf8);
        }
        self.flush(map, text_start..end, &mut out);
        out
    }

    fn flush(&mut self, map: &SrcMap, range: Range<usize>, out: &mut Vec<Inline>) {
        if range.is_empty() {
            return;
        }
        let t = Template::compile(map, range, self.scope, &mut self.diags);
        push_text(out, t);
    }
}

const KNOWN: &str = "components: if, unless, else, variant, offer, only, notice, small, remittance, table, summary, references, address, button, chart, qr, signature";

fn push_text(out: &mut Vec<Inline>, t: Template) {
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.extend(t);
    } else {
        out.push(Inline::Text(t));
    }
}

/// The end of the placeholder starting at `i` (just past its `}}`).
fn find_close(src: &str, i: usize, end: usize) -> usize {
    match src[i + 2..end].find("}}") {
        Some(j) => {
            let mut k = i + 2 + j + 2;
            while k < end && src.as_bytes()[k] == b'}' {
                k += 1;
            }
            k
        }
        None => end,
    }
}

/// Finds `pat` in `src[from..end]`, skipping placeholders and escapes.
fn find(src: &str, from: usize, end: usize, pat: &str) -> Option<usize> {
    let mut i = from;
    while i < end {
        if src[i..end].starts_with("{{") {
            i = find_close(src, i, end);
            continue;
        }
        if src.as_bytes()[i] == b'\\' {
            i += 2;
            continue;
        }
        if src[i..end].starts_with(pat) {
            if pat == "*" && src[i..end].starts_with("**") {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += src[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Splits a row on `|` outside placeholders and escapes; a leading and a
/// trailing pipe are dropped. Returns trimmed byte ranges.
pub(crate) fn split_cells(src: &str) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < src.len() {
        if src[i..].starts_with("{{") {
            i = find_close(src, i, src.len());
            continue;
        }
        match src.as_bytes()[i] {
            b'\\' => i += 2,
            b'|' => {
                cuts.push(i);
                i += 1;
            }
            _ => i += src[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    let mut bounds = vec![0];
    for c in cuts {
        bounds.push(c);
        bounds.push(c + 1);
    }
    bounds.push(src.len());
    let mut cells: Vec<Range<usize>> = bounds.chunks(2).map(|p| p[0]..p[1]).collect();
    if src.trim_start().starts_with('|')
        && cells
            .first()
            .is_some_and(|c| src[c.clone()].trim().is_empty())
    {
        cells.remove(0);
    }
    if src.trim_end().ends_with('|')
        && !src.trim_end().ends_with("\\|")
        && cells
            .last()
            .is_some_and(|c| src[c.clone()].trim().is_empty())
    {
        cells.pop();
    }
    cells
        .into_iter()
        .map(|r| {
            let s = &src[r.clone()];
            let start = r.start + (s.len() - s.trim_start().len());
            let end = r.end - (s.len() - s.trim_end().len());
            start..end.max(start)
        })
        .collect()
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

#[derive(Debug, Default)]
struct Args {
    bare: Vec<String>,
    named: Vec<(String, String)>,
}

/// `table for=items unit="kWh"` -> name and arguments.
fn parse_args(s: &str) -> (Option<String>, Args) {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let mut it = tokens.into_iter();
    let name = it.next();
    let mut args = Args::default();
    for t in it {
        match t.split_once('=') {
            Some((k, v)) => args
                .named
                .push((k.to_owned(), v.trim_matches('"').to_owned())),
            None => args.bare.push(t),
        }
    }
    (name, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        let s = "| a | {{x | y}} | b\\|c |";
        let cells: Vec<&str> = split_cells(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(cells, ["a", "{{x | y}}", "b\\|c"]);
        let s = "label | value";
        let cells: Vec<&str> = split_cells(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(cells, ["label", "value"]);
    }
}
