//! Swiss QR-bills (Swiss Payment Standards, Implementation Guidelines
//! QR-bill v2.3): a `::: qr kind=swiss` block, or `kind=auto` for a record in
//! CHF, composed into the payload of the Swiss QR code.
//!
//! The `qrbill` crate (0.2.3) was not used: it targets an older edition of
//! the standard (combined addresses), keeps amounts as `f64`, draws its own
//! SVG with text in it, and pulls in old versions of qrcode, chrono and
//! regex. The encoder here follows the Guidelines element by element; the
//! print frame lays out the payment part and receipt, and
//! `render::pdf::qr` draws the code with the Swiss cross.

mod payload;
mod reference;

pub use reference::qr_reference;

use crate::design::body::SwissSpec;
use crate::design::fields::money_minor;
use crate::design::template::Env;
use crate::model::{Block, FieldProblem};

use payload::{Party, SwissBill, spc_payload};

/// The `::: qr` block of a Swiss QR-bill (`kind` `swiss`), or a problem
/// naming the field (or the slot, when it is not a single field) and why:
/// a bill that breaks the standard fails the record, it is never printed.
pub(crate) fn swiss_block(spec: &SwissSpec, env: &mut Env<'_>) -> Result<Block, FieldProblem> {
    let bill = swiss_bill(spec, env)?;
    match spc_payload(&bill) {
        Ok((payload, _)) => Ok(Block::Qr {
            kind: "swiss".into(),
            payload,
            caption: String::new(),
        }),
        Err(p) => Err(FieldProblem {
            path: path_of(spec, p.slot),
            message: format!("Swiss QR-bill: {}", p.message),
        }),
    }
}

/// The bill's values, read from the record.
fn swiss_bill(spec: &SwissSpec, env: &mut Env<'_>) -> Result<SwissBill, FieldProblem> {
    let mut get = |slot: &str| -> Result<String, FieldProblem> {
        match spec.text.iter().find(|(s, _)| *s == slot) {
            Some((_, t)) => Ok(t.to_text(env)?.trim().to_owned()),
            None => Ok(String::new()),
        }
    };
    let mut party = |prefix: &str| -> Result<Party, FieldProblem> {
        let mut f = |s: &str| get(&format!("{prefix}{s}"));
        Ok(Party {
            name: f("name")?,
            street: f("street")?,
            building: f("building")?,
            postal_code: f("postal-code")?,
            town: f("town")?,
            country: f("country")?.to_uppercase(),
        })
    };
    let creditor = party("")?;
    let debtor = party("debtor-")?;
    let compact = |s: String| s.replace(' ', "").to_uppercase();
    let iban = compact(get("iban")?);
    let reference = compact(get("reference")?);
    let message = get("message")?;
    let minor = env
        .field(&spec.amount, None)?
        .and_then(|v| money_minor(v, 2));
    let given = [
        &debtor.name,
        &debtor.street,
        &debtor.postal_code,
        &debtor.town,
    ];
    Ok(SwissBill {
        iban,
        creditor,
        minor,
        currency: env.currency.to_owned(),
        debtor: given.iter().any(|s| !s.is_empty()).then_some(debtor),
        reference,
        message,
    })
}

/// The field a slot is bound to; for a slot of text and placeholders, the
/// fields it reads and the slot: `invoice.number (::: qr message)`.
fn path_of(spec: &SwissSpec, slot: &str) -> String {
    if slot == "amount" {
        return spec.amount.full.to_string();
    }
    let t = spec.text.iter().find(|(s, _)| *s == slot).map(|(_, t)| t);
    if let Some(f) = t.and_then(|t| t.single_field()) {
        return f.full.to_string();
    }
    let fields = t.map(|t| t.field_paths().join(", ")).unwrap_or_default();
    if fields.is_empty() {
        format!("::: qr {slot}")
    } else {
        format!("{fields} (::: qr {slot})")
    }
}
