//! `::: address`: the recipient's postal address, one template per line;
//! a letter has one.

use super::components::Head;
use super::{Block, BodyParser, Cursor};
use crate::design::template::Template;
use crate::model::Diagnostic;

impl BodyParser<'_, '_> {
    pub(super) fn address(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        self.check_attrs(head, &[], false);
        self.addresses += 1;
        if self.addresses == 2 {
            self.diags.push(
                Diagnostic::new(head.place.clone(), "a second `::: address`")
                    .hint("a letter has one recipient address"),
            );
        }
        let mut out = Vec::new();
        for (i, l) in &lines {
            let map = cur.line_map(*i, l);
            out.push(Template::compile(
                &map,
                0..map.src().len(),
                self.scope,
                &mut self.diags,
            ));
        }
        Some(Block::Address(out))
    }
}
