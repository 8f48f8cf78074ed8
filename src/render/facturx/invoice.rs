//! The invoice, typed: what the CII XML says, built from the design's term
//! map and the record's values ([`InvoiceData`]), with the EN 16931 rules
//! that tie the bill's amounts together checked (BR-CO-10, -16, -17).

use serde_json::Value;

use super::decimal::Decimal;
use crate::design::Design;
use crate::design::fields::money_minor;
use crate::design::invoice::{InvoiceMap, Source, Term, term_of};
use crate::locale::currency_digits;
use crate::model::{Date, Document, InvoiceData};

/// A party (seller or buyer).
#[derive(Debug)]
pub(crate) struct Party {
    pub id: Option<String>,
    pub name: String,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
    pub country: String,
    pub vat_id: Option<String>,
}

/// One invoice line.
#[derive(Debug)]
pub(crate) struct Line {
    pub name: String,
    pub quantity: Decimal,
    pub unit: String,
    pub price: Decimal,
    pub amount: Decimal,
}

/// How to pay: a credit transfer to an account.
#[derive(Debug)]
pub(crate) struct Payment {
    pub means: String,
    pub iban: Option<String>,
    pub account_name: Option<String>,
    pub bic: Option<String>,
}

/// The header's sums.
#[derive(Debug)]
pub(crate) struct Totals {
    pub lines: Decimal,
    pub tax: Decimal,
    pub grand: Decimal,
    pub prepaid: Option<Decimal>,
    pub due: Decimal,
}

/// An EN 16931 invoice with one VAT category and rate.
#[derive(Debug)]
pub(crate) struct Invoice {
    pub number: String,
    /// `YYYYMMDD` (CII date format 102), as every date here.
    pub issue_date: String,
    pub type_code: String,
    pub currency: String,
    pub buyer_reference: Option<String>,
    pub seller: Party,
    pub buyer: Party,
    pub period: Option<(String, String)>,
    pub due_date: Option<String>,
    pub remittance: Option<String>,
    pub payment: Option<Payment>,
    pub vat_category: String,
    pub vat_rate: Decimal,
    pub lines: Vec<Line>,
    pub totals: Totals,
}

/// The invoice of a composed document; an error names the term and the
/// field (`BT-1 invoice number: field invoice.number is missing`) or the
/// rule the amounts break.
pub(crate) fn invoice(design: &Design, doc: &Document) -> Result<Invoice, String> {
    let map = design.invoice.as_ref().ok_or_else(|| {
        format!(
            "the design `{}` is not an e-invoice: it has no invoice.toml",
            design.id()
        )
    })?;
    let empty = InvoiceData::default();
    let data = doc.invoice.as_ref().unwrap_or(&empty);
    let head = Reader::header(map, data);
    let currency = head.code("BT-5")?;
    let digits = currency_digits(&currency);
    let head = Reader { digits, ..head };
    let lines = data
        .lines
        .iter()
        .enumerate()
        .map(|(i, values)| line(&Reader::line(map, values, i, digits)))
        .collect::<Result<Vec<_>, _>>()?;
    if lines.is_empty() {
        return Err(
            "BG-25 invoice line: the invoice has no lines (at least one is mandatory)".into(),
        );
    }
    let invoice = Invoice {
        number: head.text("BT-1")?,
        issue_date: head.date("BT-2")?,
        type_code: head.opt_code("BT-3")?.unwrap_or_else(|| "380".into()),
        currency,
        buyer_reference: head.opt_text("BT-10")?,
        seller: seller(&head)?,
        buyer: buyer(&head)?,
        period: match (head.opt_date("BT-73")?, head.opt_date("BT-74")?) {
            (Some(start), Some(end)) => Some((start, end)),
            _ => None,
        },
        due_date: head.opt_date("BT-9")?,
        remittance: head.opt_text("BT-83")?,
        payment: payment(&head)?,
        vat_category: head.opt_code("BT-118")?.unwrap_or_else(|| "S".into()),
        vat_rate: head.decimal("BT-119")?,
        totals: totals(&head, &lines)?,
        lines,
    };
    Ok(invoice)
}

fn seller(r: &Reader<'_>) -> Result<Party, String> {
    Ok(Party {
        id: r.opt_text("BT-29")?,
        name: r.text("BT-27")?,
        line1: r.opt_text("BT-35")?,
        line2: r.opt_text("BT-36")?,
        city: r.opt_text("BT-37")?,
        postcode: r.opt_text("BT-38")?,
        country: r.code("BT-40")?,
        vat_id: Some(r.text("BT-31")?),
    })
}

fn buyer(r: &Reader<'_>) -> Result<Party, String> {
    Ok(Party {
        id: r.opt_text("BT-46")?,
        name: r.text("BT-44")?,
        line1: r.opt_text("BT-50")?,
        line2: r.opt_text("BT-51")?,
        city: r.opt_text("BT-52")?,
        postcode: r.opt_text("BT-53")?,
        country: r.code("BT-55")?,
        vat_id: None,
    })
}

fn payment(r: &Reader<'_>) -> Result<Option<Payment>, String> {
    let Some(means) = r.opt_code("BT-81")? else {
        return Ok(None);
    };
    let iban = r.opt_text("BT-84")?.map(|s| s.replace(' ', ""));
    if means == "58" && iban.is_none() {
        // BR-61: a SEPA credit transfer needs the account.
        return Err(r.missing(term_of("BT-84").expect("a known term")));
    }
    Ok(Some(Payment {
        means,
        iban,
        account_name: r.opt_text("BT-85")?,
        bic: r.opt_text("BT-86")?,
    }))
}

/// One line; a negative price (a credit) is written as a negative quantity
/// of a positive price (BR-27: the net price is never negative).
fn line(r: &Reader<'_>) -> Result<Line, String> {
    let mut quantity = r.decimal("BT-129")?;
    let mut price = r.price("BT-146")?;
    if price.is_negative() {
        price = price.neg();
        quantity = quantity.neg();
    }
    Ok(Line {
        name: r.text("BT-153")?,
        quantity,
        unit: r.code("BT-130")?,
        price,
        amount: r.amount("BT-131")?,
    })
}

/// The header's sums, checked against the lines and each other.
fn totals(r: &Reader<'_>, lines: &[Line]) -> Result<Totals, String> {
    let sum = lines
        .iter()
        .fold(Decimal::minor(0, r.digits), |s, l| s.add(l.amount));
    let net = r.amount("BT-106")?;
    if sum != net {
        return Err(format!(
            "BR-CO-10: the lines' net amounts add up to {sum}, but BT-106 ({}) is {net}",
            r.field_name("BT-106")
        ));
    }
    let rate = r.decimal("BT-119")?;
    let tax = r.amount("BT-110")?;
    let expected = net.percent(rate, r.digits);
    if tax != expected {
        return Err(format!(
            "BR-CO-17: VAT of {net} at {rate}% is {expected}, but BT-110 ({}) is {tax}",
            r.field_name("BT-110")
        ));
    }
    let grand = net.add(tax);
    let prepaid = r.opt_amount("BT-113")?;
    let due = r.amount("BT-115")?;
    let expected = grand.add(prepaid.unwrap_or(Decimal::int(0)).neg());
    if due != expected {
        return Err(format!(
            "BR-CO-16: the amount due should be {grand} less {} paid = {expected}, but BT-115 ({}) is {due}",
            prepaid.unwrap_or(Decimal::minor(0, r.digits)),
            r.field_name("BT-115")
        ));
    }
    Ok(Totals {
        lines: net,
        tax,
        grand,
        prepaid,
        due,
    })
}

/// Reads the terms of the header, or of one line, typed.
struct Reader<'a> {
    map: &'a InvoiceMap,
    values: &'a std::collections::BTreeMap<String, Value>,
    /// Which line, from 1 (none for the header), for messages.
    line: Option<usize>,
    /// The currency's decimals, for amounts.
    digits: u8,
}

impl<'a> Reader<'a> {
    fn header(map: &'a InvoiceMap, data: &'a InvoiceData) -> Reader<'a> {
        Reader {
            map,
            values: &data.terms,
            line: None,
            digits: 2,
        }
    }

    fn line(
        map: &'a InvoiceMap,
        values: &'a std::collections::BTreeMap<String, Value>,
        index: usize,
        digits: u8,
    ) -> Reader<'a> {
        Reader {
            map,
            values,
            line: Some(index + 1),
            digits,
        }
    }

    /// The field a term comes from, as messages name it.
    fn field_name(&self, id: &str) -> String {
        match self.map.source(id) {
            Some(Source::Field { field, .. }) => format!("field {}", field.full),
            _ => "a constant".to_owned(),
        }
    }

    fn missing(&self, t: &Term) -> String {
        let at = self
            .line
            .map_or(String::new(), |n| format!(" (invoice line {n})"));
        match self.map.source(t.id) {
            Some(Source::Field { field, .. }) => {
                format!("{} {}: field {} is missing{at}", t.id, t.name, field.full)
            }
            _ => format!("{} {}: not mapped in invoice.toml{at}", t.id, t.name),
        }
    }

    fn bad(&self, t: &Term, v: &Value, wants: &str) -> String {
        let at = self
            .line
            .map_or(String::new(), |n| format!(" (invoice line {n})"));
        format!(
            "{} {}: {} holds {v}, not {wants}{at}",
            t.id,
            t.name,
            self.field_name(t.id)
        )
    }

    /// The term's raw value (a constant as a string), or `None` when the
    /// design does not map it or the record lacks it.
    fn raw(&self, t: &Term) -> Option<Value> {
        match self.map.source(t.id)? {
            Source::Value(v) => Some(Value::String(v.clone())),
            Source::Field { .. } => self.values.get(t.id).cloned(),
        }
    }

    fn required<T>(
        &self,
        id: &str,
        get: impl Fn(&Term) -> Result<Option<T>, String>,
    ) -> Result<T, String> {
        let t = term_of(id).expect("a known term");
        get(t)?.ok_or_else(|| self.missing(t))
    }

    fn opt_text(&self, id: &str) -> Result<Option<String>, String> {
        let t = term_of(id).expect("a known term");
        Ok(match self.raw(t) {
            None => None,
            Some(Value::String(s)) => Some(clean(&s)).filter(|s| !s.trim().is_empty()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(v) => return Err(self.bad(t, &v, "text")),
        })
    }

    fn text(&self, id: &str) -> Result<String, String> {
        self.required(id, |t| self.opt_text(t.id))
    }

    /// A code: through the design's code list when it names one.
    fn opt_code(&self, id: &str) -> Result<Option<String>, String> {
        let t = term_of(id).expect("a known term");
        let Some(text) = self.opt_text(id)? else {
            return Ok(None);
        };
        let Some(Source::Field {
            codes: Some(codes),
            field,
            ..
        }) = self.map.source(id)
        else {
            return Ok(Some(text.trim().to_owned()));
        };
        match codes.get(text.trim()) {
            Some(code) => Ok(Some(code.clone())),
            None => Err(format!(
                "{} {}: field {} holds {:?}, which the code list of invoice.toml does not have",
                t.id, t.name, field.full, text
            )),
        }
    }

    fn code(&self, id: &str) -> Result<String, String> {
        self.required(id, |t| self.opt_code(t.id))
    }

    fn opt_date(&self, id: &str) -> Result<Option<String>, String> {
        let t = term_of(id).expect("a known term");
        match self.raw(t) {
            None => Ok(None),
            Some(Value::String(s)) if Date::parse(&s).is_some() => Ok(Some(s.replace('-', ""))),
            Some(v) => Err(self.bad(t, &v, "a date (YYYY-MM-DD)")),
        }
    }

    fn date(&self, id: &str) -> Result<String, String> {
        self.required(id, |t| self.opt_date(t.id))
    }

    /// An amount as the bill shows it: vellum's money, rounded to the
    /// currency's decimals; negated when the design says so.
    fn opt_amount(&self, id: &str) -> Result<Option<Decimal>, String> {
        let t = term_of(id).expect("a known term");
        let Some(v) = self.raw(t) else {
            return Ok(None);
        };
        let minor = money_minor(&v, self.digits).ok_or_else(|| self.bad(t, &v, "an amount"))?;
        let amount = Decimal::minor(minor, self.digits);
        let negate = matches!(
            self.map.source(id),
            Some(Source::Field { negate: true, .. })
        );
        Ok(Some(if negate { amount.neg() } else { amount }))
    }

    fn amount(&self, id: &str) -> Result<Decimal, String> {
        self.required(id, |t| self.opt_amount(t.id))
    }

    /// A price: exact, with at least the currency's decimals.
    fn price(&self, id: &str) -> Result<Decimal, String> {
        let d = self.decimal(id)?;
        Ok(d.add(Decimal::minor(0, self.digits)))
    }

    /// A number, exact.
    fn decimal(&self, id: &str) -> Result<Decimal, String> {
        self.required(id, |t| match self.raw(t) {
            None => Ok(None),
            Some(v) => Decimal::parse(&v)
                .map(Some)
                .ok_or_else(|| self.bad(t, &v, "a number")),
        })
    }
}

/// Text as XML 1.0 can hold it: the control characters it cannot carry
/// (even escaped) removed, and the bidirectional controls, as every other
/// channel removes them. Markup characters stay; the writer escapes them.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|&c| c != '\u{FFFE}' && c != '\u{FFFF}')
        .filter(|&c| !is_bidi_control(c))
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
