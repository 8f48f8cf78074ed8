//! `::: offer slot=NAME`: a slot the offer library fills per customer; it
//! has no content of its own.

use super::components::Head;
use super::{Block, BodyParser, Cursor};
use crate::model::Diagnostic;

impl BodyParser<'_, '_> {
    pub(super) fn offer(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        self.check_attrs(head, &["slot"], false);
        let Some(slot) = head.args.get("slot") else {
            self.diags.push(Diagnostic::new(
                head.place.clone(),
                "`::: offer` needs slot=NAME",
            ));
            return None;
        };
        if !lines.is_empty() {
            self.diags.push(
                Diagnostic::new(head.place.clone(), "`::: offer` has no content of its own").hint(
                    "offers come from the offer library; close the slot with `:::` on the next line",
                ),
            );
        }
        self.slots.push(slot.clone());
        Some(Block::Offer { slot })
    }
}
