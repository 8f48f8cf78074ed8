//! `::: variant GROUP=NAME`: blocks shown to the customers the variant
//! group assigns NAME.

use super::components::{Component, Head};
use super::{Block, BodyParser, Cursor};
use crate::model::Diagnostic;

impl BodyParser<'_, '_> {
    pub(super) fn variant(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let (blocks, _) = self.section(cur, head, Component::Variant);
        let place = &head.place;
        let [(group, value)] = head.args.named.as_slice() else {
            self.diags.push(Diagnostic::new(
                place.clone(),
                "write `::: variant GROUP=NAME`, e.g. `::: variant greeting=friendly`",
            ));
            return None;
        };
        let Some(gi) = self.variants.iter().position(|g| g.name == *group) else {
            self.diags.push(
                Diagnostic::new(place.clone(), format!("unknown variant group `{group}`"))
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
                    place.clone(),
                    format!("variant group `{group}` has no variant `{value}`"),
                )
                .hint(format!("variants: {}", known.join(", "))),
            );
            return None;
        }
        Some(Block::Variant {
            group: gi,
            value: value.clone(),
            blocks,
        })
    }
}
