//! Payment QR codes: the EPC069-12 (GiroCode) payload of a SEPA credit
//! transfer, with its checks.

/// The EPC069-12 (GiroCode) payload of a SEPA credit transfer.
pub(super) fn epc_payload(
    currency: &str,
    minor: Option<i64>,
    name: &str,
    iban: &str,
    bic: &str,
    reference: &str,
) -> Result<String, String> {
    if currency != "EUR" {
        return Err(format!(
            "EPC payments are in EUR, this record is in {currency}"
        ));
    }
    let minor = minor.ok_or("no amount")?;
    if minor <= 0 || minor > 99_999_999_999 {
        return Err("the amount must be between 0.01 and 999999999.99".into());
    }
    if !iban_ok(iban) {
        return Err("the IBAN is not valid".into());
    }
    if name.is_empty() || name.chars().count() > 70 {
        return Err("the beneficiary name must have 1 to 70 characters".into());
    }
    if reference.chars().count() > 140 {
        return Err("the reference is longer than 140 characters".into());
    }
    let clean = |s: &str| {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
    };
    Ok(format!(
        "BCD\n002\n1\nSCT\n{}\n{}\n{}\nEUR{}.{:02}\n\n\n{}",
        clean(bic),
        clean(name),
        iban,
        minor / 100,
        minor % 100,
        clean(reference)
    ))
}

/// IBAN check digits (ISO 13616, mod 97).
fn iban_ok(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_check() {
        assert!(iban_ok("DE89370400440532013000"));
        assert!(!iban_ok("DE89370400440532013001"));
    }
}
