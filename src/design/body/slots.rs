//! Components written as `slot | value` lines: reading and checking the
//! slot lines, and the two simplest such components, `::: button` and
//! `::: signature` (`::: chart` and `::: qr` have files of their own).

use std::collections::HashMap;

use super::components::Head;
use super::inline::split_cells;
use super::{Block, BodyParser, Cursor};
use crate::design::fields::Kind;
use crate::design::template::{FieldRef, Scope, SrcMap, Template};
use crate::model::{Diagnostic, Place};

/// The slots and attributes of a component written in slot lines.
pub(super) struct SlotSpec {
    /// The slots a line may set.
    pub(super) allowed: &'static [&'static str],
    /// The slots that must be set.
    pub(super) required: &'static [&'static str],
    /// The attributes of the opening line.
    pub(super) attrs: &'static [&'static str],
}

/// The slots of a component bound to a list that are compiled per entry
/// (the list's fields in scope), and the list's path.
pub(super) struct Row<'s> {
    pub(super) list: &'s str,
    pub(super) slots: &'static [&'static str],
}

/// The slots given, by name: the compiled value and where it starts.
pub(super) struct Slots(HashMap<&'static str, (Template, Place)>);

impl Slots {
    pub(super) fn take(&mut self, slot: &str) -> Option<(Template, Place)> {
        self.0.remove(slot)
    }

    /// A copy of `slot`, left in place.
    pub(super) fn peek(&self, slot: &str) -> Option<(Template, Place)> {
        self.0.get(slot).cloned()
    }

    /// The template of `slot`, if given.
    pub(super) fn text(&mut self, slot: &str) -> Option<Template> {
        self.take(slot).map(|s| s.0)
    }
}

const BUTTON: SlotSpec = SlotSpec {
    allowed: &["text", "href"],
    required: &["text", "href"],
    attrs: &[],
};

const SIGNATURE: SlotSpec = SlotSpec {
    allowed: &["party", "name", "title", "place"],
    required: &["name"],
    attrs: &[],
};

impl BodyParser<'_, '_> {
    /// `::: button`: a call-to-action button.
    pub(super) fn button(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        let mut slots = self.slots(cur, head, &BUTTON, &lines);
        Some(Block::Button {
            text: slots.text("text")?,
            href: slots.text("href")?,
        })
    }

    /// `::: signature`: a signature block with a line to sign on.
    pub(super) fn signature(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        let mut slots = self.slots(cur, head, &SIGNATURE, &lines);
        Some(Block::Signature {
            name: slots.text("name")?,
            party: slots.text("party"),
            title: slots.text("title"),
            place: slots.text("place"),
        })
    }

    /// The attributes and the slot lines of a component none of whose
    /// slots is per entry, checked.
    pub(super) fn slots(
        &mut self,
        cur: &Cursor<'_>,
        head: &Head<'_>,
        spec: &SlotSpec,
        lines: &[(usize, &str)],
    ) -> Slots {
        self.slot_attrs(head, spec);
        self.slot_values(cur, head, spec, lines, None)
    }

    /// Reports the attributes that `spec` does not name.
    pub(super) fn slot_attrs(&mut self, head: &Head<'_>, spec: &SlotSpec) {
        for (k, _) in &head.args.named {
            if !spec.attrs.contains(&k.as_str()) {
                self.diags.push(Diagnostic::new(
                    head.place.clone(),
                    format!("unknown attribute `{k}` for `::: {}`", head.name),
                ));
            }
        }
    }

    /// The slot lines compiled (the `row` slots in the list's scope), and
    /// every required slot that is missing reported.
    pub(super) fn slot_values(
        &mut self,
        cur: &Cursor<'_>,
        head: &Head<'_>,
        spec: &SlotSpec,
        lines: &[(usize, &str)],
        row: Option<&Row<'_>>,
    ) -> Slots {
        let mut found = HashMap::new();
        for (i, l) in lines {
            self.slot_line(&cur.line_map(*i, l), head, spec, row, &mut found);
        }
        for r in spec.required {
            if !found.contains_key(r) {
                self.diags.push(Diagnostic::new(
                    head.place.clone(),
                    format!("`::: {}` needs a `{r} | ...` line", head.name),
                ));
            }
        }
        Slots(found)
    }

    /// One line `slot | value` into `found`.
    fn slot_line(
        &mut self,
        map: &SrcMap,
        head: &Head<'_>,
        spec: &SlotSpec,
        row: Option<&Row<'_>>,
        found: &mut HashMap<&'static str, (Template, Place)>,
    ) {
        let name = &head.name;
        let cells = split_cells(map.src());
        if cells.len() != 2 {
            self.diags.push(
                Diagnostic::new(
                    map.place(0),
                    format!("a line of `::: {name}` is `slot | value`"),
                )
                .hint(format!("slots: {}", spec.allowed.join(", "))),
            );
            return;
        }
        let key = map.src()[cells[0].clone()].trim();
        let Some(k) = spec.allowed.iter().find(|a| **a == key) else {
            self.diags.push(
                Diagnostic::new(
                    map.place(cells[0].start),
                    format!("unknown slot `{key}` for `::: {name}`"),
                )
                .hint(format!("slots: {}", spec.allowed.join(", "))),
            );
            return;
        };
        let t = match row.filter(|r| r.slots.contains(k)) {
            Some(r) => {
                let scope = Scope {
                    fields: self.scope.fields,
                    messages: self.scope.messages,
                    row: Some(r.list),
                };
                Template::compile(map, cells[1].clone(), &scope, &mut self.diags)
            }
            None => Template::compile(map, cells[1].clone(), self.scope, &mut self.diags),
        };
        if found.insert(*k, (t, map.place(cells[1].start))).is_some() {
            self.diags.push(Diagnostic::new(
                map.place(0),
                format!("slot `{key}` given twice"),
            ));
        }
    }

    /// The field of a slot that must be a single field of one of `kinds`
    /// (`what` names the slot in the message).
    pub(super) fn single_field(
        &mut self,
        slot: Option<(Template, Place)>,
        what: &str,
        kinds: &[Kind],
    ) -> Option<FieldRef> {
        let (t, p) = slot?;
        match t.single_field() {
            Some(f) if kinds.contains(&f.ty.kind) => Some(f.clone()),
            _ => {
                self.diags.push(Diagnostic::new(
                    p,
                    format!(
                        "`{what}` must be a single {} field, e.g. {{{{kwh}}}}",
                        kinds[0].name()
                    ),
                ));
                None
            }
        }
    }
}
