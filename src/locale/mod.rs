//! Locale data: numbers, money and dates formatted the way each locale writes
//! them. Numbers use ICU4X (`icu_decimal`, CLDR data compiled in); currency
//! placement and month names come from the small tables below, which cover the
//! locales vellum ships designs for.

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale as IcuLocale;

/// How one locale writes numbers, money and dates. Built once per design and
/// locale; formatting allocates only the output string.
pub(crate) struct Formats {
    tag: String,
    decimal: DecimalFormatter,
    table: &'static Table,
}

/// Per-language conventions that CLDR's decimal data does not cover.
struct Table {
    /// Currency symbol goes after the number (de, fr) rather than before it.
    symbol_after: bool,
    months: [&'static str; 12],
    months_short: [&'static str; 12],
    date_long: fn(&Table, Date) -> String,
    date_short: fn(Date) -> String,
    month_year: fn(&Table, Date) -> String,
}

/// A calendar date, as validated from an ISO `YYYY-MM-DD` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` and checks the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }
}

static EN_US: Table = Table {
    symbol_after: false,
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    date_long: |t, d| format!("{} {}, {}", t.months[d.month as usize - 1], d.day, d.year),
    date_short: |d| format!("{}/{}/{}", d.month, d.day, d.year),
    month_year: |t, d| format!("{} {}", t.months_short[d.month as usize - 1], d.year),
};

static EN_GB: Table = Table {
    date_long: |t, d| format!("{} {} {}", d.day, t.months[d.month as usize - 1], d.year),
    date_short: |d| format!("{:02}/{:02}/{}", d.day, d.month, d.year),
    ..EN_US
};

static DE: Table = Table {
    symbol_after: true,
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    months_short: [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
        "Dez.",
    ],
    date_long: |t, d| format!("{}. {} {}", d.day, t.months[d.month as usize - 1], d.year),
    date_short: |d| format!("{:02}.{:02}.{}", d.day, d.month, d.year),
    month_year: |t, d| format!("{} {}", t.months_short[d.month as usize - 1], d.year),
};

static FR: Table = Table {
    symbol_after: true,
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    months_short: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
    date_long: |t, d| {
        let day = if d.day == 1 {
            "1er".to_owned()
        } else {
            d.day.to_string()
        };
        format!("{day} {} {}", t.months[d.month as usize - 1], d.year)
    },
    date_short: |d| format!("{:02}/{:02}/{}", d.day, d.month, d.year),
    month_year: |t, d| format!("{} {}", t.months_short[d.month as usize - 1], d.year),
};

static ZH: Table = Table {
    symbol_after: false,
    months: [
        "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
    ],
    months_short: [
        "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
    ],
    date_long: |_, d| format!("{}年{}月{}日", d.year, d.month, d.day),
    date_short: |d| format!("{}/{}/{}", d.year, d.month, d.day),
    month_year: |_, d| format!("{}年{}月", d.year, d.month),
};

/// The locales vellum has formatting tables for. Designs may only list these.
pub const SUPPORTED_LOCALES: [&str; 5] = ["en-US", "en-GB", "de-DE", "fr-FR", "zh-CN"];

/// Date styles of the `date` helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateStyle {
    Long,
    Short,
    Month,
}

impl DateStyle {
    pub(crate) fn parse(s: &str) -> Option<DateStyle> {
        match s {
            "long" => Some(DateStyle::Long),
            "short" => Some(DateStyle::Short),
            "month" => Some(DateStyle::Month),
            _ => None,
        }
    }
}

impl Formats {
    /// Formats for a supported locale tag; `None` for any other.
    pub(crate) fn new(tag: &str) -> Option<Formats> {
        let table = match tag {
            "en-US" => &EN_US,
            "en-GB" => &EN_GB,
            "de-DE" => &DE,
            "fr-FR" => &FR,
            "zh-CN" => &ZH,
            _ => return None,
        };
        let locale: IcuLocale = tag.parse().ok()?;
        let decimal = DecimalFormatter::try_new(locale.into(), Default::default()).ok()?;
        Some(Formats {
            tag: tag.to_owned(),
            decimal,
            table,
        })
    }

    /// The locale tag, e.g. `de-DE`.
    pub(crate) fn tag(&self) -> &str {
        &self.tag
    }

    /// A number with the locale's grouping and decimal separator. `decimals`
    /// fixes the digits after the separator; `None` keeps the value's own (up to 6).
    pub(crate) fn number(&self, value: f64, decimals: Option<u8>) -> String {
        if !value.is_finite() {
            return value.to_string();
        }
        let mut d = match decimals {
            Some(n) => {
                let mut d = Decimal::try_from_f64(value, fixed_decimal::FloatPrecision::RoundTrip)
                    .unwrap_or_else(|_| Decimal::from(0));
                d.round(-(n as i16));
                d.pad_end(-(n as i16));
                d
            }
            None => {
                let mut d = Decimal::try_from_f64(value, fixed_decimal::FloatPrecision::RoundTrip)
                    .unwrap_or_else(|_| Decimal::from(0));
                d.round(-6);
                d.absolute.trim_end();
                d
            }
        };
        if d.absolute.is_zero() {
            d.sign = fixed_decimal::Sign::None;
        }
        self.decimal.format(&d).to_string()
    }

    /// An amount of money in minor units (cents) of `currency`.
    pub(crate) fn money(&self, minor: i64, currency: &str) -> String {
        let digits = currency_digits(currency);
        let mut d = Decimal::from(minor.unsigned_abs());
        d.multiply_pow10(-(digits as i16));
        d.pad_end(-(digits as i16));
        let number = self.decimal.format(&d).to_string();
        let sign = if minor < 0 { "-" } else { "" };
        let symbol = currency_symbol(&self.tag, currency);
        let alphabetic = symbol.chars().all(|c| c.is_ascii_alphabetic());
        if self.table.symbol_after {
            format!("{sign}{number}\u{a0}{symbol}")
        } else if alphabetic {
            format!("{sign}{symbol}\u{a0}{number}")
        } else {
            format!("{sign}{symbol}{number}")
        }
    }

    pub(crate) fn date(&self, date: Date, style: DateStyle) -> String {
        match style {
            DateStyle::Long => (self.table.date_long)(self.table, date),
            DateStyle::Short => (self.table.date_short)(date),
            DateStyle::Month => (self.table.month_year)(self.table, date),
        }
    }
}

/// Digits after the decimal separator for an ISO 4217 currency.
pub(crate) fn currency_digits(code: &str) -> u8 {
    match code {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

fn currency_symbol(tag: &str, code: &str) -> String {
    let lang = tag.split('-').next().unwrap_or("");
    let s = match (code, tag, lang) {
        ("EUR", _, _) => "€",
        ("GBP", _, _) => "£",
        ("USD", "en-US", _) => "$",
        ("USD", _, "en") => "US$",
        ("USD", _, "de" | "fr") => "$",
        ("USD", _, "zh") => "US$",
        ("CNY", _, "zh") => "¥",
        ("CNY", _, _) => "CN¥",
        ("JPY", _, "zh") => "JP¥",
        ("JPY", _, _) => "¥",
        ("CHF", _, _) => "CHF",
        _ => return code.to_owned(),
    };
    s.to_owned()
}

/// Whether `code` looks like an ISO 4217 currency code.
pub(crate) fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Today's date in UTC from the system clock (the default clock).
pub(crate) fn today_utc() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_per_locale() {
        let amount = 123456;
        assert_eq!(
            Formats::new("en-US").unwrap().money(amount, "USD"),
            "$1,234.56"
        );
        assert_eq!(
            Formats::new("de-DE").unwrap().money(amount, "EUR"),
            "1.234,56\u{a0}€"
        );
        assert_eq!(
            Formats::new("fr-FR").unwrap().money(amount, "EUR"),
            "1\u{202f}234,56\u{a0}€"
        );
        assert_eq!(
            Formats::new("zh-CN").unwrap().money(amount, "CNY"),
            "¥1,234.56"
        );
        assert_eq!(Formats::new("en-GB").unwrap().money(-5, "GBP"), "-£0.05");
        assert_eq!(
            Formats::new("en-US").unwrap().money(100, "CHF"),
            "CHF\u{a0}1.00"
        );
    }

    #[test]
    fn numbers_and_dates() {
        let de = Formats::new("de-DE").unwrap();
        assert_eq!(de.number(1234567.5, Some(2)), "1.234.567,50");
        assert_eq!(de.number(352.0, None), "352");
        assert_eq!(de.number(-0.0001, Some(2)), "0,00");
        let d = Date::parse("2026-03-01").unwrap();
        assert_eq!(de.date(d, DateStyle::Long), "1. März 2026");
        assert_eq!(
            Formats::new("fr-FR").unwrap().date(d, DateStyle::Long),
            "1er mars 2026"
        );
        assert_eq!(
            Formats::new("zh-CN").unwrap().date(d, DateStyle::Long),
            "2026年3月1日"
        );
        assert_eq!(
            Formats::new("en-US").unwrap().date(d, DateStyle::Short),
            "3/1/2026"
        );
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
    }
}
