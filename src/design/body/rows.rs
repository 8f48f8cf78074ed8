//! `::: summary` and `::: references`: key/value rows, `label | value`.

use super::components::{Component, Head};
use super::inline::split_cells;
use super::{Block, BodyParser, Cursor};
use crate::model::Diagnostic;

impl BodyParser<'_, '_> {
    /// `c` is [`Component::Summary`] or [`Component::References`].
    pub(super) fn rows(
        &mut self,
        cur: &mut Cursor<'_>,
        head: &Head<'_>,
        c: Component,
    ) -> Option<Block> {
        let lines = self.lines(cur, head);
        self.check_attrs(head, &[], false);
        let mut rows = Vec::new();
        for (i, l) in &lines {
            let map = cur.line_map(*i, l);
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
            references: c == Component::References,
            rows,
        })
    }
}
