//! Locale data: numbers, money and dates formatted the way each locale writes
//! them. Numbers and dates use ICU4X with CLDR data compiled in (`icu_decimal`,
//! `icu_datetime`); where the currency symbol goes and which symbol a locale
//! uses come from the small table below (ICU4X's currency formatting is still
//! in `icu_experimental`).

use icu_calendar::Gregorian;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale as IcuLocale;

use crate::model::Date;

/// How one locale writes numbers, money and dates. Built once per design and
/// locale; formatting allocates only the output string.
pub(crate) struct Formats {
    tag: String,
    decimal: DecimalFormatter,
    table: &'static Table,
    date_long: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMD>,
    date_short: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMD>,
    month_year: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YM>,
    month_short: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::M>,
    /// Formatted dates: a billing run prints the same few dates (period,
    /// due date, twelve month labels) for every customer, and formatting one
    /// costs microseconds.
    dates: std::sync::Mutex<std::collections::HashMap<(Date, DateStyle), String>>,
}

/// Entries kept in [`Formats::dates`] before it starts over.
const DATE_CACHE_MAX: usize = 4096;

/// Per-locale conventions vellum takes from its own table: where the
/// currency symbol goes.
struct Table {
    /// Currency symbol goes after the number (de, fr) rather than before it.
    symbol_after: bool,
}

static EN_US: Table = Table {
    symbol_after: false,
};
static EN_GB: Table = Table {
    symbol_after: false,
};
static DE: Table = Table { symbol_after: true };
static FR: Table = Table { symbol_after: true };
static ZH: Table = Table {
    symbol_after: false,
};

/// The locales vellum has formatting tables for. Designs may only list these.
pub const SUPPORTED_LOCALES: [&str; 5] = ["en-US", "en-GB", "de-DE", "fr-FR", "zh-CN"];

/// Date styles of the `date` helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DateStyle {
    Long,
    Short,
    Month,
    /// The month alone, abbreviated: chart labels (`Sep`, `Sept.`, `9月`).
    MonthShort,
}

impl DateStyle {
    pub(crate) fn parse(s: &str) -> Option<DateStyle> {
        match s {
            "long" => Some(DateStyle::Long),
            "short" => Some(DateStyle::Short),
            "month" => Some(DateStyle::Month),
            "month-short" => Some(DateStyle::MonthShort),
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
        let decimal = DecimalFormatter::try_new((&locale).into(), Default::default()).ok()?;
        let date_long =
            FixedCalendarDateTimeFormatter::try_new((&locale).into(), fieldsets::YMD::long())
                .ok()?;
        let date_short =
            FixedCalendarDateTimeFormatter::try_new((&locale).into(), fieldsets::YMD::short())
                .ok()?;
        // Month labels (charts): CLDR's medium year-month where it names the
        // month ("Mar 2026", "2026年3月"), the long one where medium is numeric
        // ("03/2026" in German becomes "März 2026").
        let medium =
            FixedCalendarDateTimeFormatter::try_new((&locale).into(), fieldsets::YM::medium())
                .ok()?;
        let probe = icu_calendar::Date::try_new_gregorian(2026, 3, 1).ok()?;
        let named = medium
            .format(&probe)
            .to_string()
            .chars()
            .any(|c| c.is_alphabetic());
        let month_year = if named {
            medium
        } else {
            FixedCalendarDateTimeFormatter::try_new((&locale).into(), fieldsets::YM::long()).ok()?
        };
        let month_short =
            FixedCalendarDateTimeFormatter::try_new((&locale).into(), fieldsets::M::medium())
                .ok()?;
        Some(Formats {
            tag: tag.to_owned(),
            decimal,
            table,
            date_long,
            date_short,
            month_year,
            month_short,
            dates: Default::default(),
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
        let key = (date, style);
        if let Some(s) = self.dates.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return s;
        }
        let s = self.format_date(date, style);
        if let Ok(mut m) = self.dates.lock() {
            if m.len() >= DATE_CACHE_MAX {
                m.clear();
            }
            m.insert(key, s.clone());
        }
        s
    }

    fn format_date(&self, date: Date, style: DateStyle) -> String {
        // Dates are validated at the door, so this cannot fail; should it,
        // the ISO form is still a correct date.
        let Ok(d) = icu_calendar::Date::try_new_gregorian(date.year, date.month, date.day) else {
            return format!("{:04}-{:02}-{:02}", date.year, date.month, date.day);
        };
        match style {
            DateStyle::Long => self.date_long.format(&d).to_string(),
            DateStyle::Short => self.date_short.format(&d).to_string(),
            DateStyle::Month => self.month_year.format(&d).to_string(),
            DateStyle::MonthShort => self.month_short.format(&d).to_string(),
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
            "1 mars 2026"
        );
        assert_eq!(
            Formats::new("zh-CN").unwrap().date(d, DateStyle::Long),
            "2026年3月1日"
        );
        assert_eq!(
            Formats::new("en-US").unwrap().date(d, DateStyle::Short),
            "3/1/26"
        );
        assert_eq!(
            Formats::new("en-GB").unwrap().date(d, DateStyle::Long),
            "1 March 2026"
        );
        let sep = Date::parse("2026-09-01").unwrap();
        let short: Vec<String> = SUPPORTED_LOCALES
            .iter()
            .map(|t| Formats::new(t).unwrap().date(sep, DateStyle::MonthShort))
            .collect();
        assert_eq!(short, ["Sep", "Sept", "Sep", "sept.", "9月"]);
        assert_eq!(
            Formats::new("de-DE").unwrap().date(d, DateStyle::Month),
            "März 2026"
        );
        assert_eq!(
            Formats::new("zh-CN").unwrap().date(d, DateStyle::Month),
            "2026年3月"
        );
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
    }
}
