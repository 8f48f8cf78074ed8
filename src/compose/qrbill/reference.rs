//! The references of a Swiss QR-bill: the QR reference (QRR, 27 digits with
//! a modulo 10 recursive check digit) and the ISO 11649 creditor reference
//! (SCOR, `RF` + two check digits + up to 21 characters, modulo 97).

/// The kind of reference a QR-bill carries (its `Tp` element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// QR reference: only with a QR-IBAN.
    Qrr,
    /// ISO 11649 creditor reference: only with an ordinary IBAN.
    Scor,
    /// No reference: only with an ordinary IBAN.
    Non,
}

impl RefKind {
    /// The code written in the payload.
    pub(crate) fn code(self) -> &'static str {
        match self {
            RefKind::Qrr => "QRR",
            RefKind::Scor => "SCOR",
            RefKind::Non => "NON",
        }
    }
}

/// The modulo 10 recursive check digit of a string of digits (the table of
/// the Swiss Implementation Guidelines, appendix B).
pub(crate) fn mod10_check(digits: &str) -> Option<u8> {
    const TABLE: [u8; 10] = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];
    let mut carry = 0u8;
    for c in digits.chars() {
        let d = c.to_digit(10)? as u8;
        carry = TABLE[usize::from((carry + d) % 10)];
    }
    Some((10 - carry) % 10)
}

/// The QR reference (QRR) of a number: its digits padded to 26 with
/// leading zeros, then the check digit. `None` for 0 (a QR reference may not
/// be all zeros).
pub fn qr_reference(number: u64) -> Option<String> {
    let digits = format!("{number:026}");
    let check = mod10_check(&digits).filter(|_| number > 0)?;
    Some(format!("{digits}{check}"))
}

/// Whether `r` (spaces removed) is a valid QR reference: 27 digits, not all
/// zero, the last one the check digit of the others.
pub(crate) fn is_qrr(r: &str) -> bool {
    r.len() == 27
        && r.bytes().all(|b| b.is_ascii_digit())
        && r.bytes().any(|b| b != b'0')
        && mod10_check(&r[..26]) == Some(r.as_bytes()[26] - b'0')
}

/// Whether `r` (spaces removed, upper case) is a valid ISO 11649 creditor
/// reference: `RF`, two check digits, 1 to 21 letters or digits, and the
/// whole modulo 97 equal to 1 with the first four characters moved to the end.
pub(crate) fn is_scor(r: &str) -> bool {
    let ok_len = (5..=25).contains(&r.len());
    ok_len
        && r.starts_with("RF")
        && r[2..4].bytes().all(|b| b.is_ascii_digit())
        && r[4..].bytes().all(|b| b.is_ascii_alphanumeric())
        && mod97(r[4..].chars().chain(r[..4].chars())) == Some(1)
}

/// The remainder modulo 97 of the number written by `chars`, letters
/// counting A = 10 .. Z = 35 (ISO 7064, as IBANs and ISO 11649 use it).
pub(crate) fn mod97(chars: impl Iterator<Item = char>) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in chars {
        let v = c.to_digit(36)?;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The QR reference of the Implementation Guidelines' example bills
    /// (21 00000 00003 13947 14300 09017) and of the check digit table's
    /// worked example.
    #[test]
    fn qr_reference_check_digit_matches_the_standard() {
        assert_eq!(mod10_check("21000000000313947143000901"), Some(7));
        assert!(is_qrr("210000000003139471430009017"));
        assert!(!is_qrr("210000000003139471430009016"));
        assert!(!is_qrr("21000000000313947143000901"));
        assert!(!is_qrr("000000000000000000000000000"));
        assert!(!is_qrr("21000000000313947143000901A"));
    }

    #[test]
    fn qr_references_of_numbers_are_valid() {
        for n in [1, 13, 999_999, u64::MAX] {
            let r = qr_reference(n).unwrap();
            assert!(is_qrr(&r), "{n}: {r}");
        }
        assert_eq!(qr_reference(0), None);
    }

    /// ISO 11649's own example, RF18 5390 0754 7034 (also the
    /// Guidelines' example of a creditor reference).
    #[test]
    fn creditor_reference_check_digits_match_iso_11649() {
        assert!(is_scor("RF18539007547034"));
        assert!(!is_scor("RF19539007547034"));
        assert!(!is_scor("RF18"));
        assert!(!is_scor("XX18539007547034"));
        assert!(!is_scor("RF18539007547034000000000000"));
    }
}
