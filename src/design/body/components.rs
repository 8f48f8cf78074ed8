//! The components of a body, `::: name attributes` up to a line `:::`:
//! their one name table (parsing, the list in hints, "did you mean"), the
//! opening line, what a component holds (blocks, or lines of its own) and
//! the dispatch to each component's parser.

use super::{Block, BodyParser, Cursor, End};
use crate::design::fields::edit_distance;
use crate::model::{Diagnostic, Place};

/// A component, as named after `:::`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Component {
    If,
    Unless,
    Else,
    Variant,
    Offer,
    Only,
    Notice,
    Small,
    Remittance,
    Table,
    Summary,
    References,
    Address,
    Button,
    Chart,
    Qr,
    Signature,
}

/// Every component by its name, in [`Component`] order (so that
/// [`Component::name`] can index it) and in the order hints list them: the
/// one place the names are spelled.
const COMPONENTS: [(&str, Component); 17] = [
    ("if", Component::If),
    ("unless", Component::Unless),
    ("else", Component::Else),
    ("variant", Component::Variant),
    ("offer", Component::Offer),
    ("only", Component::Only),
    ("notice", Component::Notice),
    ("small", Component::Small),
    ("remittance", Component::Remittance),
    ("table", Component::Table),
    ("summary", Component::Summary),
    ("references", Component::References),
    ("address", Component::Address),
    ("button", Component::Button),
    ("chart", Component::Chart),
    ("qr", Component::Qr),
    ("signature", Component::Signature),
];

// The table is in enum order: checked when the crate compiles.
const _: () = {
    let mut i = 0;
    while i < COMPONENTS.len() {
        assert!(COMPONENTS[i].1 as usize == i);
        i += 1;
    }
};

impl Component {
    /// The component called `name` (exactly: names are lowercase).
    fn parse(name: &str) -> Option<Component> {
        COMPONENTS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    /// The name written after `:::`.
    pub(super) fn name(self) -> &'static str {
        COMPONENTS[self as usize].0
    }

    /// Whether a `::: else` may split its blocks.
    fn has_else(self) -> bool {
        matches!(self, Component::If | Component::Unless)
    }
}

/// The hint listing every component.
fn known() -> String {
    let names: Vec<&str> = COMPONENTS.iter().map(|(n, _)| *n).collect();
    format!("components: {}", names.join(", "))
}

/// The hint for an unknown component: the closest name when one is close
/// (at most two edits, and at most half the name), then every name.
fn unknown_hint(name: &str) -> String {
    let closest = COMPONENTS
        .iter()
        .map(|(n, _)| (edit_distance(n, name), *n))
        .filter(|(d, n)| *d <= 2 && 2 * d <= n.len())
        .min_by_key(|(d, _)| *d);
    match closest {
        Some((_, n)) => format!("did you mean `{n}`? {}", known()),
        None => known(),
    }
}

/// The opening line of a component, `::: name attributes`.
pub(super) struct Head<'r> {
    pub(super) place: Place,
    /// The name as written.
    pub(super) name: String,
    pub(super) args: Args,
    /// The line after `:::`.
    pub(super) rest: &'r str,
}

/// The attributes of an opening line: `name=value` and bare words.
#[derive(Debug, Default)]
pub(super) struct Args {
    pub(super) bare: Vec<String>,
    pub(super) named: Vec<(String, String)>,
}

impl Args {
    /// The value of attribute `key`.
    pub(super) fn get(&self, key: &str) -> Option<String> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// A component's lines of its own (up to its `:::`): line index and text.
pub(super) type Lines<'t> = Vec<(usize, &'t str)>;

impl BodyParser<'_, '_> {
    /// The component whose opening line is line `idx` (`rest` after its
    /// `:::`, which stands at column `indent`), up to its closing `:::`.
    pub(super) fn component(
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
                .push(Diagnostic::new(place, "`:::` needs a component name").hint(known()));
            return None;
        };
        let head = Head {
            place,
            name,
            args,
            rest,
        };
        let Some(c) = Component::parse(&head.name) else {
            // Skipped like a component of lines, up to its `:::`.
            self.lines(cur, &head);
            let hint = unknown_hint(&head.name);
            self.diags.push(
                Diagnostic::new(head.place, format!("unknown component `{}`", head.name))
                    .hint(hint),
            );
            return None;
        };
        match c {
            Component::If | Component::Unless => self.condition(cur, &head, c),
            Component::Else => self.stray_else(cur, &head),
            Component::Variant => self.variant(cur, &head),
            Component::Only => self.only(cur, &head),
            Component::Notice => self.notice(cur, &head),
            Component::Small | Component::Remittance => self.small_print(cur, &head, c),
            Component::Table => self.table(cur, &head),
            Component::Summary | Component::References => self.rows(cur, &head, c),
            Component::Address => self.address(cur, &head),
            Component::Offer => self.offer(cur, &head),
            Component::Button => self.button(cur, &head),
            Component::Signature => self.signature(cur, &head),
            Component::Chart => self.chart(cur, &head),
            Component::Qr => self.qr(cur, &head),
        }
    }

    /// The blocks of component `c`, which holds blocks: up to its `:::`,
    /// and (second) those after its `::: else`.
    pub(super) fn section(
        &mut self,
        cur: &mut Cursor<'_>,
        head: &Head<'_>,
        c: Component,
    ) -> (Vec<Block>, Vec<Block>) {
        let (then, end) = self.blocks(cur);
        let mut otherwise = Vec::new();
        match end {
            End::Close => {}
            End::Eof => self.unclosed(&head.place, &head.name),
            End::Else(p) => {
                if !c.has_else() {
                    self.diags.push(
                        Diagnostic::new(p, format!("`::: else` inside `::: {}`", head.name))
                            .hint("only ::: if and ::: unless have an else"),
                    );
                }
                let (o, end2) = self.blocks(cur);
                otherwise = o;
                match end2 {
                    End::Close => {}
                    End::Eof => self.unclosed(&head.place, &head.name),
                    End::Else(p2) => self.diags.push(Diagnostic::new(p2, "a second `::: else`")),
                }
            }
        }
        (then, otherwise)
    }

    /// The lines of a component that holds lines of its own (not blocks),
    /// up to its `:::`; blank lines are left out.
    pub(super) fn lines<'t>(&mut self, cur: &mut Cursor<'t>, head: &Head<'_>) -> Lines<'t> {
        let mut lines = Vec::new();
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
                        format!("`::: {}` cannot contain other components", head.name),
                    )
                    .hint("close it with `:::` first"),
                );
            }
            if !l.trim().is_empty() {
                lines.push((cur.i - 1, l));
            }
        }
        if !closed {
            self.unclosed(&head.place, &head.name);
        }
        lines
    }

    /// Reports attributes other than `allowed`, and bare words unless
    /// `bare` allows them.
    pub(super) fn check_attrs(&mut self, head: &Head<'_>, allowed: &[&str], bare: bool) {
        let name = &head.name;
        for (k, _) in &head.args.named {
            if !allowed.contains(&k.as_str()) {
                let hint = if allowed.is_empty() {
                    "it takes no attributes".to_owned()
                } else {
                    format!("attributes of `{name}`: {}", allowed.join(", "))
                };
                self.diags.push(
                    Diagnostic::new(
                        head.place.clone(),
                        format!("unknown attribute `{k}` for `::: {name}`"),
                    )
                    .hint(hint),
                );
            }
        }
        if !bare && !head.args.bare.is_empty() {
            self.diags.push(Diagnostic::new(
                head.place.clone(),
                format!(
                    "unexpected `{}` after `::: {name}`",
                    head.args.bare.join(" ")
                ),
            ));
        }
    }

    fn unclosed(&mut self, place: &Place, name: &str) {
        self.diags.push(
            Diagnostic::new(place.clone(), format!("`::: {name}` is never closed"))
                .hint("end it with a line `:::`"),
        );
    }
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
    fn names_parse_back() {
        for (name, c) in COMPONENTS {
            assert_eq!(Component::parse(name), Some(c));
            assert_eq!(c.name(), name);
        }
        assert_eq!(Component::parse("Table"), None);
    }

    #[test]
    fn unknown_names_get_the_closest_component() {
        let list = known();
        assert_eq!(
            list,
            "components: if, unless, else, variant, offer, only, notice, small, remittance, table, summary, references, address, button, chart, qr, signature"
        );
        for (typo, meant) in [
            ("tabel", "table"),
            ("Table", "table"),
            ("buton", "button"),
            ("signatur", "signature"),
            ("remitance", "remittance"),
            ("iff", "if"),
            ("qrr", "qr"),
            ("q", "qr"),
        ] {
            assert_eq!(
                unknown_hint(typo),
                format!("did you mean `{meant}`? {list}"),
                "{typo}"
            );
        }
        for far in ["foo", "paragraph", "ok", "list"] {
            assert_eq!(unknown_hint(far), list, "{far}");
        }
    }
}
