//! Exact decimals for the invoice's amounts, quantities, prices and rates:
//! an integer and a scale, never a float, so `0.1 + 0.2` is `0.3` and a
//! total is the sum of its lines to the cent.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;

/// `units / 10^scale`, exactly.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decimal {
    units: i128,
    scale: u8,
}

/// Most decimals kept; more is not a quantity or price a bill has.
const MAX_SCALE: u8 = 12;

impl Decimal {
    /// The amount `minor` in minor units of a currency with `digits` decimals.
    pub(crate) fn minor(minor: i64, digits: u8) -> Decimal {
        Decimal {
            units: minor.into(),
            scale: digits,
        }
    }

    /// A record's number (`1120`, `0.11`) or decimal string (`"0.1125"`),
    /// exactly as written; `None` for anything else.
    pub(crate) fn parse(v: &Value) -> Option<Decimal> {
        match v {
            Value::Number(n) => Decimal::parse_str(&n.to_string()),
            Value::String(s) => Decimal::parse_str(s.trim()),
            _ => None,
        }
    }

    fn parse_str(s: &str) -> Option<Decimal> {
        let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || int.len() > 18 || frac.len() > MAX_SCALE as usize {
            return None;
        }
        if !digits(int) || !digits(frac) {
            return None;
        }
        let units: i128 = format!("{int}{frac}").parse().ok()?;
        Some(Decimal {
            units: if neg { -units } else { units },
            scale: frac.len() as u8,
        })
    }

    /// Whole number `n`.
    pub(crate) fn int(n: i64) -> Decimal {
        Decimal::minor(n, 0)
    }

    fn at(self, scale: u8) -> i128 {
        self.units * 10i128.pow(u32::from(scale.saturating_sub(self.scale)))
    }

    /// The sum, exact.
    pub(crate) fn add(self, other: Decimal) -> Decimal {
        let scale = self.scale.max(other.scale);
        Decimal {
            units: self.at(scale) + other.at(scale),
            scale,
        }
    }

    /// The product, exact.
    pub(crate) fn mul(self, other: Decimal) -> Decimal {
        Decimal {
            units: self.units * other.units,
            scale: self.scale + other.scale,
        }
        .trimmed()
    }

    /// The sign turned.
    pub(crate) fn neg(self) -> Decimal {
        Decimal {
            units: -self.units,
            scale: self.scale,
        }
    }

    /// Whether below zero.
    pub(crate) fn is_negative(self) -> bool {
        self.units < 0
    }

    /// Rounded to `scale` decimals, halves away from zero (as the bill
    /// rounds money and as EN 16931 rounds VAT); padded when it has fewer.
    pub(crate) fn round(self, scale: u8) -> Decimal {
        if self.scale <= scale {
            return Decimal {
                units: self.at(scale),
                scale,
            };
        }
        let div = 10i128.pow(u32::from(self.scale - scale));
        let (q, r) = (self.units / div, self.units % div);
        let units = if r.abs() * 2 >= div {
            q + self.units.signum()
        } else {
            q
        };
        Decimal { units, scale }
    }

    /// Without trailing zero decimals (so products stay small).
    fn trimmed(mut self) -> Decimal {
        while self.scale > 0 && self.units % 10 == 0 {
            self.units /= 10;
            self.scale -= 1;
        }
        self
    }

    /// `percent` % of this amount, rounded to `scale` decimals.
    pub(crate) fn percent(self, percent: Decimal, scale: u8) -> Decimal {
        let hundredth = Decimal {
            units: percent.units,
            scale: percent.scale + 2,
        };
        self.mul(hundredth).round(scale)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.at(scale).cmp(&other.at(scale))
    }
}

impl fmt::Display for Decimal {
    /// `-12.50`: every decimal of the scale, `.` as the separator (XML).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let abs = self.units.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let div = 10u128.pow(u32::from(self.scale));
        let width = usize::from(self.scale);
        write!(f, "{sign}{}.{:0width$}", abs / div, abs % div)
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;
    use serde_json::json;

    fn d(s: &str) -> Decimal {
        Decimal::parse(&json!(s)).unwrap()
    }

    #[test]
    fn exact_sums_and_display() {
        assert_eq!(d("0.1").add(d("0.2")), d("0.3"));
        assert_eq!(d("0.1").add(d("0.2")).to_string(), "0.3");
        assert_eq!(Decimal::minor(-1250, 2).to_string(), "-12.50");
        assert_eq!(Decimal::minor(-5, 2).to_string(), "-0.05");
        assert_eq!(Decimal::parse(&json!(1120)).unwrap().to_string(), "1120");
        assert_eq!(Decimal::parse(&json!(0.11)).unwrap().to_string(), "0.11");
        assert_eq!(d("19").round(2).to_string(), "19.00");
    }

    #[test]
    fn vat_rounds_half_away_from_zero() {
        // EN 16931 BR-CO-17: basis × rate / 100, rounded to 2 decimals.
        assert_eq!(d("90.64").percent(d("19"), 2), d("17.22"));
        assert_eq!(d("82.45").percent(d("5"), 2), d("4.12"));
        assert_eq!(d("150.04").percent(d("13"), 2), d("19.51"));
        assert_eq!(d("0.10").percent(d("5"), 2), d("0.01"));
        assert_eq!(d("-0.10").percent(d("5"), 2), d("-0.01"));
        assert_eq!(d("1879.00").percent(d("19"), 2).to_string(), "357.01");
        assert_eq!(d("100").percent(d("7.7"), 2).to_string(), "7.70");
    }

    #[test]
    fn refuses_what_is_not_a_decimal() {
        for bad in ["", "-", "1e5", "1.2.3", "abc", " ", "1,5", "+1"] {
            assert!(Decimal::parse(&json!(bad)).is_none(), "{bad:?}");
        }
        assert!(Decimal::parse(&json!(true)).is_none());
        assert!(Decimal::parse(&json!("0.0000000000001")).is_none());
    }
}
