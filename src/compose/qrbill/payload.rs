//! The payload of a Swiss QR-bill (Swiss Payment Standards, Implementation
//! Guidelines QR-bill v2.3, section 4): the `SPC` text the Swiss QR code
//! holds, with every element's length and character set checked.

use super::reference::{RefKind, is_qrr, is_scor, mod97};

/// A party with a structured address (address type `S`, the only one v2.3
/// allows): name, street, building number, postal code, town, country.
#[derive(Debug, Clone, Default)]
pub(crate) struct Party {
    pub name: String,
    pub street: String,
    pub building: String,
    pub postal_code: String,
    pub town: String,
    pub country: String,
}

/// What a QR-bill says, as plain text: spaces in the IBAN and the reference
/// already removed.
#[derive(Debug, Clone)]
pub(crate) struct SwissBill {
    pub iban: String,
    pub creditor: Party,
    /// The amount in hundredths.
    pub minor: Option<i64>,
    pub currency: String,
    pub debtor: Option<Party>,
    pub reference: String,
    pub message: String,
}

/// What is wrong with a bill: the slot of the `::: qr` block (`name`,
/// `debtor-town`, ...) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub slot: &'static str,
    pub message: String,
}

fn problem(slot: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        slot,
        message: message.into(),
    }
}

/// The party slots, creditor first, then the ultimate debtor.
const CREDITOR: [&str; 6] = [
    "name",
    "street",
    "building",
    "postal-code",
    "town",
    "country",
];
const DEBTOR: [&str; 6] = [
    "debtor-name",
    "debtor-street",
    "debtor-building",
    "debtor-postal-code",
    "debtor-town",
    "debtor-country",
];

/// The `SPC` payload, elements separated by LF, without the optional
/// billing information and alternative procedures; and the reference kind.
pub(crate) fn spc_payload(b: &SwissBill) -> Result<(String, RefKind), Problem> {
    let qr_iban = check_iban(&b.iban)?;
    let kind = reference_kind(qr_iban, &b.reference)?;
    let amount = amount(b.minor)?;
    if b.currency != "CHF" && b.currency != "EUR" {
        return Err(problem(
            "amount",
            format!(
                "a Swiss QR-bill is in CHF or EUR, this record is in {}",
                b.currency
            ),
        ));
    }
    check_text("message", &b.message, 140)?;
    let mut lines: Vec<&str> = vec!["SPC", "0200", "1", &b.iban];
    let creditor = party(&b.creditor, &CREDITOR)?;
    lines.extend(creditor.iter().map(String::as_str));
    lines.extend([""; 7]); // the ultimate creditor: reserved, always empty
    lines.extend([amount.as_str(), b.currency.as_str()]);
    let debtor = match &b.debtor {
        Some(d) => party(d, &DEBTOR)?,
        None => vec![String::new(); 7],
    };
    lines.extend(debtor.iter().map(String::as_str));
    lines.extend([kind.code(), b.reference.as_str(), b.message.as_str(), "EPD"]);
    Ok((lines.join("\n"), kind))
}

/// Checks a CH or LI IBAN; returns whether it is a QR-IBAN (its institution
/// id, the 5th to 9th character, in 30000-31999).
fn check_iban(iban: &str) -> Result<bool, Problem> {
    if !(iban.starts_with("CH") || iban.starts_with("LI")) {
        return Err(problem(
            "iban",
            format!("a Swiss QR-bill needs a CH or LI IBAN, not `{iban}`"),
        ));
    }
    let valid = iban.len() == 21
        && iban
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && mod97(iban[4..].chars().chain(iban[..4].chars())) == Some(1);
    if !valid {
        return Err(problem("iban", format!("`{iban}` is not a valid IBAN")));
    }
    let iid: u32 = iban[4..9].parse().unwrap_or(0);
    Ok((30000..=31999).contains(&iid))
}

/// The reference type the IBAN and reference call for: a QR-IBAN takes a QR
/// reference only; an ordinary IBAN a creditor reference or none.
fn reference_kind(qr_iban: bool, r: &str) -> Result<RefKind, Problem> {
    let bad = |m: String| Err(problem("reference", m));
    if qr_iban {
        if is_qrr(r) {
            return Ok(RefKind::Qrr);
        }
        return bad(format!(
            "a QR-IBAN needs a QR reference (27 digits, the last a check digit), not `{r}`"
        ));
    }
    if r.is_empty() {
        Ok(RefKind::Non)
    } else if r.starts_with("RF") {
        if is_scor(r) {
            Ok(RefKind::Scor)
        } else {
            bad(format!("`{r}` is not a valid ISO 11649 creditor reference"))
        }
    } else if r.len() == 27 && r.bytes().all(|c| c.is_ascii_digit()) {
        bad(format!(
            "the QR reference `{r}` needs a QR-IBAN, the IBAN is an ordinary one"
        ))
    } else {
        bad(format!(
            "with an ordinary IBAN the reference must be an ISO 11649 creditor reference (RF...) or empty, not `{r}`"
        ))
    }
}

/// The amount element: 0.01 to 999999999.99, two decimals, a point.
fn amount(minor: Option<i64>) -> Result<String, Problem> {
    match minor {
        Some(m) if (1..=99_999_999_999).contains(&m) => Ok(format!("{}.{:02}", m / 100, m % 100)),
        Some(m) => Err(problem(
            "amount",
            format!(
                "the amount {}{}.{:02} is outside 0.01 to 999999999.99",
                if m < 0 { "-" } else { "" },
                m.unsigned_abs() / 100,
                m.unsigned_abs() % 100
            ),
        )),
        None => Err(problem("amount", "no amount")),
    }
}

/// The seven address elements of a party (type `S`), checked.
fn party(p: &Party, slots: &[&'static str; 6]) -> Result<Vec<String>, Problem> {
    let fields = [
        &p.name,
        &p.street,
        &p.building,
        &p.postal_code,
        &p.town,
        &p.country,
    ];
    let max = [70, 70, 16, 16, 35];
    for (i, f) in fields[..5].iter().enumerate() {
        check_text(slots[i], f, max[i])?;
    }
    for i in [0, 3, 4, 5] {
        if fields[i].is_empty() {
            return Err(problem(slots[i], "is empty; a Swiss QR-bill needs it"));
        }
    }
    let c = &p.country;
    if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(problem(
            slots[5],
            format!("`{c}` is not a two-letter ISO 3166 country code"),
        ));
    }
    let mut out = vec!["S".to_owned()];
    out.extend(fields.iter().map(|f| (*f).clone()));
    Ok(out)
}

/// Checks an element's length (in characters) and character set.
pub(crate) fn check_text(slot: &'static str, s: &str, max: usize) -> Result<(), Problem> {
    let n = s.chars().count();
    if n > max {
        return Err(problem(
            slot,
            format!("has {n} characters, a Swiss QR-bill allows {max}"),
        ));
    }
    if let Some(c) = s.chars().find(|c| !is_allowed(*c)) {
        return Err(problem(
            slot,
            format!(
                "contains {:?} (U+{:04X}), which the Swiss QR-bill's character set does not allow",
                c, c as u32
            ),
        ));
    }
    Ok(())
}

/// The Latin character set of the Swiss Payment Standards (Implementation
/// Guidelines QR-bill v2.3, 4.1.1): Basic Latin, Latin-1 Supplement and
/// Latin Extended-A without control characters, Ș ș Ț ț, and €.
fn is_allowed(c: char) -> bool {
    matches!(c as u32, 0x20..=0x7E | 0xA0..=0x17F | 0x218..=0x21B | 0x20AC)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn bill() -> SwissBill {
        SwissBill {
            iban: "CH4431999123000889012".into(),
            creditor: Party {
                name: "Robert Schneider AG".into(),
                street: "Rue du Lac".into(),
                building: "1268".into(),
                postal_code: "2501".into(),
                town: "Biel".into(),
                country: "CH".into(),
            },
            minor: Some(194_950),
            currency: "CHF".into(),
            debtor: Some(Party {
                name: "Pia-Maria Rutschmann-Schnyder".into(),
                street: "Grosse Marktgasse".into(),
                building: "28".into(),
                postal_code: "9400".into(),
                town: "Rorschach".into(),
                country: "CH".into(),
            }),
            reference: "210000000003139471430009017".into(),
            message: "Order of 15 June 2020".into(),
        }
    }

    /// The Implementation Guidelines' first example, element by element.
    #[test]
    fn the_guidelines_example_payload() {
        let (p, kind) = spc_payload(&bill()).unwrap();
        assert_eq!(kind, RefKind::Qrr);
        let want = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.50\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nOrder of 15 June 2020\nEPD";
        assert_eq!(p, want);
        assert_eq!(p.lines().count(), 31);
    }

    fn slot_of(f: impl FnOnce(&mut SwissBill)) -> Problem {
        let mut b = bill();
        f(&mut b);
        spc_payload(&b).unwrap_err()
    }

    #[test]
    fn hostile_bills_name_the_slot() {
        let p = slot_of(|b| b.creditor.name = "N".repeat(71));
        assert_eq!(p.slot, "name");
        assert!(p.message.contains("71 characters"), "{p:?}");
        let p = slot_of(|b| b.debtor.as_mut().unwrap().town = "Zürich\u{7}".into());
        assert_eq!(p.slot, "debtor-town");
        assert!(p.message.contains("U+0007"), "{p:?}");
        assert_eq!(slot_of(|b| b.message = "Ünïcödé ✓".into()).slot, "message");
        let p = slot_of(|b| b.iban = "DE89370400440532013000".into());
        assert_eq!(p.slot, "iban");
        assert!(p.message.contains("CH or LI"), "{p:?}");
        assert_eq!(
            slot_of(|b| b.iban = "CH4431999123000889013".into()).slot,
            "iban"
        );
        let p = slot_of(|b| b.reference = "RF18539007547034".into());
        assert_eq!(p.slot, "reference");
        assert!(p.message.contains("QR-IBAN needs a QR reference"), "{p:?}");
        let p = slot_of(|b| b.minor = Some(100_000_000_000));
        assert_eq!(p.slot, "amount");
        assert!(p.message.contains("1000000000.00"), "{p:?}");
        assert_eq!(
            slot_of(|b| b.creditor.country = "Schweiz".into()).slot,
            "country"
        );
        assert_eq!(slot_of(|b| b.creditor.town = String::new()).slot, "town");
        assert_eq!(slot_of(|b| b.currency = "USD".into()).slot, "amount");
    }

    /// An ordinary IBAN takes a creditor reference or none, never a QR reference.
    #[test]
    fn ordinary_iban_references() {
        let mut b = bill();
        b.iban = "CH5800791123000889012".into();
        b.reference = "RF18539007547034".into();
        let (p, kind) = spc_payload(&b).unwrap();
        assert_eq!(kind, RefKind::Scor);
        assert!(p.contains("\nSCOR\nRF18539007547034\n"), "{p}");
        b.reference = String::new();
        assert_eq!(spc_payload(&b).unwrap().1, RefKind::Non);
        b.reference = "210000000003139471430009017".into();
        assert_eq!(spc_payload(&b).unwrap_err().slot, "reference");
        b.debtor = None;
        b.reference = String::new();
        let (p, _) = spc_payload(&b).unwrap();
        assert!(p.contains("\nCHF\n\n\n\n\n\n\n\nNON\n\n"), "{p}");
    }
}
