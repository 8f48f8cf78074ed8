//! `::: chart for=LIST unit="..."`: a bar chart, one bar per entry of the
//! list; `label` and `value` are read per entry.

use super::components::Head;
use super::slots::{Row, SlotSpec};
use super::{Block, BodyParser, ChartSpec, Cursor};
use crate::design::fields::Kind;
use crate::design::template::resolve_field;
use crate::model::Diagnostic;

const CHART: SlotSpec = SlotSpec {
    allowed: &["title", "label", "value"],
    required: &["label", "value"],
    attrs: &["for", "unit"],
};

impl BodyParser<'_, '_> {
    pub(super) fn chart(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        self.slot_attrs(head, &CHART);
        let Some(list) = head.args.get("for") else {
            self.diags.push(Diagnostic::new(
                head.place.clone(),
                "`::: chart` needs for=LIST",
            ));
            return None;
        };
        let list_ref = resolve_field(self.scope, &list, &head.place, &mut self.diags, true)?;
        let row = Row {
            list: &list,
            slots: &["label", "value"],
        };
        let mut slots = self.slot_values(cur, head, &CHART, &lines, Some(&row));
        let value = self.single_field(
            slots.take("value"),
            "value",
            &[Kind::Number, Kind::Integer, Kind::Money],
        )?;
        Some(Block::Chart(Box::new(ChartSpec {
            list: list_ref,
            unit: head.args.get("unit").unwrap_or_default(),
            title: slots.text("title"),
            label: slots.text("label")?,
            value,
        })))
    }
}
