//! The payment part and receipt of a Swiss QR-bill as the print frame reads
//! it (`data.qrbill`): the texts of its sections, read back from the `SPC`
//! payload that compose built and checked, formatted as the Implementation
//! Guidelines QR-bill v2.3 (section 3) show them, the headings in the
//! document's language, and the Swiss QR code with its cross as SVG.

use serde::Serialize;

use super::qr;

/// `data.qrbill`. Fields in name order (see `blocks`).
#[derive(Serialize)]
pub(crate) struct QrBill {
    /// IBAN, then the creditor's name and address lines.
    account: Vec<String>,
    /// `1 949.50`, or empty for a bill without an amount.
    amount: String,
    currency: String,
    /// The ultimate debtor's lines; empty: the frame draws a blank box.
    debtor: Vec<String>,
    labels: Labels,
    message: String,
    /// The reference in blocks, or empty.
    reference: String,
    svg: String,
}

/// The headings of the payment part, as the Guidelines word them.
#[derive(Serialize)]
struct Labels {
    acceptance: &'static str,
    account: &'static str,
    additional: &'static str,
    amount: &'static str,
    currency: &'static str,
    payable_by: &'static str,
    payable_by_blank: &'static str,
    payment_part: &'static str,
    receipt: &'static str,
    reference: &'static str,
    separate: &'static str,
}

/// The payment part of `payload` (a Swiss QR-bill's `SPC` text), its
/// headings in `lang` (`de`, `fr`, `it`, else English).
pub(crate) fn payment_part(payload: &str, lang: &str) -> Result<QrBill, String> {
    let e: Vec<&str> = payload.split('\n').collect();
    if e.len() < 31 || e[0] != "SPC" {
        return Err("a Swiss QR-bill block holds no SPC payload".into());
    }
    let mut account = vec![blocks_of(e[3], 4)];
    account.extend(address(&e[5..11]));
    let reference = match e[27] {
        "QRR" => qrr_blocks(e[28]),
        "SCOR" => blocks_of(e[28], 4),
        _ => String::new(),
    };
    Ok(QrBill {
        account,
        amount: amount(e[18]),
        currency: e[19].to_owned(),
        debtor: address(&e[21..27]),
        labels: labels(lang),
        message: e[29].to_owned(),
        reference,
        svg: qr::swiss_svg(payload)?,
    })
}

/// Name, street and building number, postal code and town (with the
/// country code in front when it is not CH or LI); empty for no party.
fn address(e: &[&str]) -> Vec<String> {
    let [name, street, building, postal, town, country] = e else {
        return Vec::new();
    };
    if name.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![(*name).to_owned()];
    let street_line = format!("{street} {building}").trim().to_owned();
    if !street_line.is_empty() {
        lines.push(street_line);
    }
    let place = format!("{postal} {town}");
    lines.push(match *country {
        "CH" | "LI" => place,
        c => format!("{c}-{place}"),
    });
    lines
}

/// An amount with a space between thousands: `1 949.50`.
fn amount(a: &str) -> String {
    let (whole, cents) = a.split_once('.').unwrap_or((a, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if !cents.is_empty() {
        out.push('.');
        out.push_str(cents);
    }
    out
}

/// `s` in blocks of `n` characters from the left.
fn blocks_of(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let blocks: Vec<String> = chars.chunks(n).map(|c| c.iter().collect()).collect();
    blocks.join(" ")
}

/// A QR reference in blocks of five from the right.
fn qrr_blocks(s: &str) -> String {
    let head = s.len() % 5;
    let mut out = s[..head].to_owned();
    for (i, c) in s[head..].chars().enumerate() {
        if i % 5 == 0 && !out.is_empty() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn labels(lang: &str) -> Labels {
    match lang {
        "de" => Labels {
            acceptance: "Annahmestelle",
            account: "Konto / Zahlbar an",
            additional: "Zusätzliche Informationen",
            amount: "Betrag",
            currency: "Währung",
            payable_by: "Zahlbar durch",
            payable_by_blank: "Zahlbar durch (Name/Adresse)",
            payment_part: "Zahlteil",
            receipt: "Empfangsschein",
            reference: "Referenz",
            separate: "Vor der Einzahlung abzutrennen",
        },
        "fr" => Labels {
            acceptance: "Point de dépôt",
            account: "Compte / Payable à",
            additional: "Informations supplémentaires",
            amount: "Montant",
            currency: "Monnaie",
            payable_by: "Payable par",
            payable_by_blank: "Payable par (nom/adresse)",
            payment_part: "Section paiement",
            receipt: "Récépissé",
            reference: "Référence",
            separate: "A détacher avant le versement",
        },
        "it" => Labels {
            acceptance: "Punto di accettazione",
            account: "Conto / Pagabile a",
            additional: "Informazioni supplementari",
            amount: "Importo",
            currency: "Valuta",
            payable_by: "Pagabile da",
            payable_by_blank: "Pagabile da (nome/indirizzo)",
            payment_part: "Sezione pagamento",
            receipt: "Ricevuta",
            reference: "Riferimento",
            separate: "Da staccare prima del versamento",
        },
        _ => Labels {
            acceptance: "Acceptance point",
            account: "Account / Payable to",
            additional: "Additional information",
            amount: "Amount",
            currency: "Currency",
            payable_by: "Payable by",
            payable_by_blank: "Payable by (name/address)",
            payment_part: "Payment part",
            receipt: "Receipt",
            reference: "Reference",
            separate: "Separate before paying in",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.50\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nOrder of 15 June 2020\nEPD";

    /// The sections as the Guidelines' example shows them.
    #[test]
    fn sections_of_the_guidelines_example() {
        let b = payment_part(EXAMPLE, "de").unwrap();
        assert_eq!(
            b.account,
            [
                "CH44 3199 9123 0008 8901 2",
                "Robert Schneider AG",
                "Rue du Lac 1268",
                "2501 Biel"
            ]
        );
        assert_eq!(b.reference, "21 00000 00003 13947 14300 09017");
        assert_eq!(b.amount, "1 949.50");
        assert_eq!(b.debtor[2], "9400 Rorschach");
        assert_eq!(b.labels.payment_part, "Zahlteil");
        assert_eq!(amount("999999999.99"), "999 999 999.99");
        assert_eq!(amount("5.00"), "5.00");
        assert_eq!(labels("zh").receipt, "Receipt");
    }
}
