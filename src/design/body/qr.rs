//! `::: qr kind=url` (a QR code of a URL), `::: qr kind=epc` (an
//! EPC/GiroCode SEPA payment), `::: qr kind=swiss` (a Swiss QR-bill) and
//! `::: qr kind=auto` (a Swiss QR-bill for a record in CHF, else EPC).

use super::components::Head;
use super::slots::{SlotSpec, Slots};
use super::{Block, BodyParser, Cursor, QrSpec, SwissSpec};
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

/// The Swiss QR-bill's text slots, then `extra`: written once for
/// [`SWISS_TEXT`] and the slot lists of `kind=swiss` and `kind=auto`.
macro_rules! swiss_slots {
    ($($extra:literal),*) => {
        &[
            "name", "street", "building", "postal-code", "town", "country",
            "debtor-name", "debtor-street", "debtor-building", "debtor-postal-code",
            "debtor-town", "debtor-country", "reference", "message", "iban",
            $($extra),*
        ]
    };
}

/// The slots of a Swiss QR-bill besides `iban` and `amount`: the creditor
/// (`name` ... `country`), the ultimate debtor (`debtor-*`), the reference
/// and the unstructured message.
pub(crate) const SWISS_TEXT: &[&str] = swiss_slots!();

const SWISS: SlotSpec = SlotSpec {
    allowed: swiss_slots!("amount", "caption"),
    required: &["name", "iban", "amount", "postal-code", "town", "country"],
    attrs: &["kind"],
};

const AUTO: SlotSpec = SlotSpec {
    allowed: swiss_slots!("bic", "amount", "caption"),
    required: &[
        "name",
        "iban",
        "amount",
        "reference",
        "postal-code",
        "town",
        "country",
    ],
    attrs: &["kind"],
};

impl BodyParser<'_, '_> {
    pub(super) fn qr(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        let kind = head.args.get("kind");
        let spec = match kind.as_deref() {
            Some("epc") => &EPC,
            Some("url") => &URL,
            Some("swiss") => &SWISS,
            Some("auto") => &AUTO,
            other => {
                self.diags.push(Diagnostic::new(
                    head.place.clone(),
                    format!(
                        "`::: qr` needs kind=url, epc, swiss or auto{}",
                        other.map(|o| format!(", not `{o}`")).unwrap_or_default()
                    ),
                ));
                return None;
            }
        };
        let mut slots = self.slots(cur, head, spec, &lines);
        let qr = match kind.as_deref() {
            Some("epc") => self.epc(&mut slots)?,
            Some("swiss") => QrSpec::Swiss(Box::new(self.swiss(&mut slots)?)),
            Some("auto") => {
                let swiss = self.swiss(&mut slots)?;
                QrSpec::Auto {
                    epc: Box::new(self.epc(&mut slots)?),
                    swiss: Box::new(swiss),
                }
            }
            _ => QrSpec::Url {
                data: slots.text("data")?,
                caption: slots.text("caption"),
            },
        };
        Some(Block::Qr(Box::new(qr)))
    }

    fn epc(&mut self, slots: &mut Slots) -> Option<QrSpec> {
        let amount = self.single_field(slots.take("amount"), "amount", &[Kind::Money])?;
        Some(QrSpec::Epc {
            name: slots.text("name")?,
            iban: slots.text("iban")?,
            bic: slots.text("bic"),
            amount,
            reference: slots.text("reference")?,
            caption: slots.text("caption"),
        })
    }

    /// The Swiss QR-bill's slots, leaving them in `slots` for an EPC
    /// payment made of the same block.
    fn swiss(&mut self, slots: &mut Slots) -> Option<SwissSpec> {
        let amount = self.single_field(slots.peek("amount"), "amount", &[Kind::Money])?;
        let text = SWISS_TEXT
            .iter()
            .filter_map(|s| slots.peek(s).map(|(t, _)| (*s, t)))
            .collect();
        Some(SwissSpec { text, amount })
    }
}
