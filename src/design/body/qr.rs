//! `::: qr kind=url` (a QR code of a URL) and `::: qr kind=epc` (an
//! EPC/GiroCode SEPA payment).

use super::components::Head;
use super::slots::SlotSpec;
use super::{Block, BodyParser, Cursor, QrSpec};
use crate::design::fields::Kind;
use crate::model::Diagnostic;

const URL: SlotSpec = SlotSpec {
    allowed: &["data", "caption"],
    required: &["data"],
    attrs: &["kind"],
};

const EPC: SlotSpec = SlotSpec {
    allowed: &["name", "iban", "bic", "amount", "reference", "caption"],
    required: &["name", "iban", "amount", "reference"],
    attrs: &["kind"],
};

impl BodyParser<'_, '_> {
    pub(super) fn qr(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        let kind = head.args.get("kind");
        let (spec, epc) = match kind.as_deref() {
            Some("epc") => (&EPC, true),
            Some("url") => (&URL, false),
            other => {
                self.diags.push(Diagnostic::new(
                    head.place.clone(),
                    format!(
                        "`::: qr` needs kind=url or kind=epc{}",
                        other.map(|o| format!(", not `{o}`")).unwrap_or_default()
                    ),
                ));
                return None;
            }
        };
        let mut slots = self.slots(cur, head, spec, &lines);
        let qr = if epc {
            let amount = self.single_field(slots.take("amount"), "amount", &[Kind::Money])?;
            QrSpec::Epc {
                name: slots.text("name")?,
                iban: slots.text("iban")?,
                bic: slots.text("bic"),
                amount,
                reference: slots.text("reference")?,
                caption: slots.text("caption"),
            }
        } else {
            QrSpec::Url {
                data: slots.text("data")?,
                caption: slots.text("caption"),
            }
        };
        Some(Block::Qr(Box::new(qr)))
    }
}
