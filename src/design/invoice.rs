//! `invoice.toml`: the design as an e-invoice (Factur-X 1.0 / ZUGFeRD 2.3,
//! profile EN 16931). Each entry of `[terms]` maps an EN 16931 business term
//! (`BT-1`, ...) to a declared record field or to a constant; `[codes.*]`
//! tables translate a record's words into the code lists the standard wants
//! (units of measure, countries).
//!
//! ```toml
//! format = "factur-x"           # the only one so far
//! embed = true                  # the letter's own PDF, its email attachment and
//!                               # the archive copy become Factur-X (PDF/A-3b)
//! [terms]
//! BT-1 = "invoice.number"                        # a field
//! BT-27 = { value = "Northwind Energy GmbH" }    # a constant
//! BT-113 = { field = "totals.previous_balance", negate = true }
//! BT-130 = { field = "items.unit", codes = "units" }
//! [codes.units]                 # UN/ECE Recommendation 20
//! kWh = "KWH"
//! ```
//!
//! Everything is checked when the design loads, with its place in
//! `invoice.toml`; whether a record has every mandatory term is checked when
//! its invoice is built.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::fields::{Fields, Kind};
use super::loader::Loader;
use super::messages::{Messages, line_col};
use super::template::{FieldRef, Scope, resolve_field};
use crate::model::{Diagnostic, Place};

/// What a term holds, and so which field types may feed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermKind {
    /// Free text (names, addresses, references).
    Text,
    /// A date (ISO `YYYY-MM-DD` in the record).
    Date,
    /// An amount of money, exact.
    Amount,
    /// A number (quantity, percentage), exact.
    Decimal,
    /// A code from a code list (currency, country, unit).
    Code,
}

/// An EN 16931 business term vellum's invoice knows.
#[derive(Debug)]
pub(crate) struct Term {
    pub id: &'static str,
    pub name: &'static str,
    /// A term of each invoice line (read from each entry of the list).
    pub line: bool,
    /// Mandatory in EN 16931 (or in vellum's invoice, where a rule makes it so).
    pub mandatory: bool,
    pub kind: TermKind,
}

const fn term(
    id: &'static str,
    name: &'static str,
    line: bool,
    mandatory: bool,
    kind: TermKind,
) -> Term {
    Term {
        id,
        name,
        line,
        mandatory,
        kind,
    }
}

use TermKind::{Amount, Code, Date, Decimal, Text};

/// The terms, in the order of EN 16931. The seller's VAT identifier is
/// mandatory because every line is standard rated (BR-S-02); the buyer's
/// country because BR-11 wants it.
pub(crate) const TERMS: &[Term] = &[
    term("BT-1", "invoice number", false, true, Text),
    term("BT-2", "invoice issue date", false, true, Date),
    term("BT-3", "invoice type code", false, false, Code),
    term("BT-5", "invoice currency code", false, true, Code),
    term("BT-9", "payment due date", false, false, Date),
    term("BT-10", "buyer reference", false, false, Text),
    term("BT-27", "seller name", false, true, Text),
    term("BT-29", "seller identifier", false, false, Text),
    term("BT-31", "seller VAT identifier", false, true, Text),
    term("BT-35", "seller address line 1", false, false, Text),
    term("BT-36", "seller address line 2", false, false, Text),
    term("BT-37", "seller city", false, false, Text),
    term("BT-38", "seller post code", false, false, Text),
    term("BT-40", "seller country code", false, true, Code),
    term("BT-44", "buyer name", false, true, Text),
    term("BT-46", "buyer identifier", false, false, Text),
    term("BT-50", "buyer address line 1", false, false, Text),
    term("BT-51", "buyer address line 2", false, false, Text),
    term("BT-52", "buyer city", false, false, Text),
    term("BT-53", "buyer post code", false, false, Text),
    term("BT-55", "buyer country code", false, true, Code),
    term("BT-73", "invoicing period start date", false, false, Date),
    term("BT-74", "invoicing period end date", false, false, Date),
    term("BT-81", "payment means type code", false, false, Code),
    term("BT-83", "remittance information", false, false, Text),
    term("BT-84", "payment account identifier", false, false, Text),
    term("BT-85", "payment account name", false, false, Text),
    term(
        "BT-86",
        "payment service provider identifier",
        false,
        false,
        Text,
    ),
    term(
        "BT-106",
        "sum of invoice line net amount",
        false,
        true,
        Amount,
    ),
    term("BT-110", "invoice total VAT amount", false, true, Amount),
    term("BT-113", "paid amount", false, false, Amount),
    term("BT-115", "amount due for payment", false, true, Amount),
    term("BT-118", "VAT category code", false, false, Code),
    term("BT-119", "VAT category rate", false, true, Decimal),
    term("BT-129", "invoiced quantity", true, true, Decimal),
    term(
        "BT-130",
        "invoiced quantity unit of measure code",
        true,
        true,
        Code,
    ),
    term("BT-131", "invoice line net amount", true, true, Amount),
    term("BT-146", "item net price", true, true, Amount),
    term("BT-153", "item name", true, true, Text),
];

/// The term with this id.
pub(crate) fn term_of(id: &str) -> Option<&'static Term> {
    TERMS.iter().find(|t| t.id == id)
}

/// Where a term's value comes from.
#[derive(Debug)]
pub(crate) enum Source {
    /// A record field; a line term's field is read from each list entry.
    Field {
        field: FieldRef,
        /// The record's words to the code list's codes.
        codes: Option<BTreeMap<String, String>>,
        /// The amount with its sign turned (a previous balance owed is a
        /// negative amount paid).
        negate: bool,
    },
    /// The same for every invoice.
    Value(String),
}

/// The design's invoice: every term it maps, checked.
#[derive(Debug)]
pub(crate) struct InvoiceMap {
    /// Whether the design's own PDFs are Factur-X.
    pub embed: bool,
    /// The list whose entries are the invoice lines (e.g. `items`).
    pub lines: Option<String>,
    pub terms: BTreeMap<&'static str, Source>,
}

impl InvoiceMap {
    /// Where the term comes from, when the design maps it.
    pub(crate) fn source(&self, id: &str) -> Option<&Source> {
        self.terms.get(id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvoiceToml {
    format: Spanned<String>,
    #[serde(default)]
    embed: bool,
    terms: Spanned<BTreeMap<Spanned<String>, Spanned<TermToml>>>,
    #[serde(default)]
    codes: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TermToml {
    Field(String),
    Table(TermTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TermTable {
    field: Option<String>,
    value: Option<String>,
    codes: Option<String>,
    #[serde(default)]
    negate: bool,
}

/// `invoice.toml` as read, for places.
struct File<'a> {
    name: String,
    text: &'a str,
}

impl File<'_> {
    fn at(&self, span: Range<usize>) -> Place {
        let (l, c) = line_col(self.text, span.start);
        Place::new(&self.name, l, c)
    }
}

/// Loads the design's `invoice.toml`, if it has one.
pub(crate) fn load(
    loader: &dyn Loader,
    dir: &Path,
    dshown: &str,
    fields: &Fields,
    messages: &Messages,
    diags: &mut Vec<Diagnostic>,
) -> Option<InvoiceMap> {
    let name = format!("{dshown}/invoice.toml");
    let text = match loader.read_to_string(&dir.join("invoice.toml")) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            let message = format!("cannot read invoice.toml: {e}");
            diags.push(Diagnostic::new(Place::new(&name, 1, 1), message));
            return None;
        }
    };
    let file = File { name, text: &text };
    let toml: InvoiceToml = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            let place = e
                .span()
                .map_or(Place::new(&file.name, 1, 1), |s| file.at(s));
            diags.push(Diagnostic::new(place, e.message().trim().to_owned()));
            return None;
        }
    };
    if toml.format.get_ref() != "factur-x" {
        let message = format!("unknown e-invoice format {:?}", toml.format.get_ref());
        diags.push(Diagnostic::new(file.at(toml.format.span()), message).hint("known: factur-x"));
    }
    let cx = Cx {
        file: &file,
        fields,
        messages,
        codes: &toml.codes,
    };
    let map = cx.terms(&toml, diags);
    cx.check_mandatory(&map, toml.terms.span(), diags);
    Some(map)
}

struct Cx<'a> {
    file: &'a File<'a>,
    fields: &'a Fields,
    messages: &'a Messages,
    codes: &'a BTreeMap<String, BTreeMap<String, String>>,
}

impl Cx<'_> {
    /// Every `[terms]` entry resolved; the lines' list found from the line terms.
    fn terms(&self, toml: &InvoiceToml, diags: &mut Vec<Diagnostic>) -> InvoiceMap {
        let mut map = InvoiceMap {
            embed: toml.embed,
            lines: None,
            terms: BTreeMap::new(),
        };
        for (key, entry) in toml.terms.get_ref() {
            let place = self.file.at(key.span());
            let Some(term) = term_of(key.get_ref()) else {
                let message = format!("unknown term `{}`", key.get_ref());
                let hint = "vellum's EN 16931 invoice knows: ".to_owned()
                    + &TERMS.iter().map(|t| t.id).collect::<Vec<_>>().join(", ");
                diags.push(Diagnostic::new(place, message).hint(hint));
                continue;
            };
            let place = self.file.at(entry.span());
            if let Some(source) = self.source(term, entry.get_ref(), &place, &mut map.lines, diags)
            {
                map.terms.insert(term.id, source);
            }
        }
        map
    }

    /// One term's source, checked against the declared fields.
    fn source(
        &self,
        term: &Term,
        entry: &TermToml,
        place: &Place,
        lines: &mut Option<String>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Source> {
        let t = match entry {
            TermToml::Field(f) => TermTable {
                field: Some(f.clone()),
                value: None,
                codes: None,
                negate: false,
            },
            TermToml::Table(t) => TermTable {
                field: t.field.clone(),
                value: t.value.clone(),
                codes: t.codes.clone(),
                negate: t.negate,
            },
        };
        let what = format!("{} {}", term.id, term.name);
        match (t.field, t.value) {
            (None, Some(v)) if t.codes.is_none() && !t.negate => Some(Source::Value(v)),
            (Some(f), None) => {
                let field = self.field(term, &f, place, lines, diags)?;
                let codes = match t.codes {
                    Some(name) => Some(self.code_list(&name, place, diags)?),
                    None => None,
                };
                if t.negate && term.kind != TermKind::Amount {
                    diags.push(Diagnostic::new(
                        place.clone(),
                        format!("{what}: `negate` is only for amounts"),
                    ));
                }
                Some(Source::Field {
                    field,
                    codes,
                    negate: t.negate,
                })
            }
            _ => {
                let message = format!("{what}: give either a field or `{{ value = \"...\" }}`");
                diags.push(Diagnostic::new(place.clone(), message).hint(
                    "a constant takes no `codes` or `negate`; a field takes both, a constant neither",
                ));
                None
            }
        }
    }

    /// A term's field: declared, of a type that fits, and for a line term
    /// in the one list of invoice lines.
    fn field(
        &self,
        term: &Term,
        path: &str,
        place: &Place,
        lines: &mut Option<String>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<FieldRef> {
        let what = format!("{} {}", term.id, term.name);
        let list = self.fields.enclosing_list(path);
        let row = match (term.line, list) {
            (true, Some(list)) => {
                if let Some(other) = lines.as_deref().filter(|l| *l != list) {
                    let message = format!(
                        "{what}: `{path}` is not in `{other}`, the list of the other line terms"
                    );
                    diags.push(Diagnostic::new(place.clone(), message));
                    return None;
                }
                *lines = Some(list.to_owned());
                Some(list)
            }
            (true, None) if self.fields.get(path).is_some() => {
                let message = format!("{what}: `{path}` is not a field of a list entry");
                diags.push(Diagnostic::new(place.clone(), message).hint(
                    "line terms come from a list of invoice lines, e.g. `items.description`",
                ));
                return None;
            }
            (false, Some(list)) => {
                let message = format!("{what}: `{path}` belongs to an entry of `{list}`");
                diags.push(
                    Diagnostic::new(place.clone(), message)
                        .hint("this term is one per invoice, not one per line"),
                );
                return None;
            }
            _ => None,
        };
        let scope = Scope {
            fields: self.fields,
            messages: self.messages,
            row,
        };
        let raw = row.map_or(path, |l| &path[l.len() + 1..]);
        let field = resolve_field(&scope, raw, place, diags, false)?;
        if !fits(term.kind, field.ty.kind) {
            let message = format!(
                "{what}: `{path}` is a {}, not {}",
                field.ty.kind.name(),
                wants(term.kind)
            );
            diags.push(Diagnostic::new(place.clone(), message));
            return None;
        }
        Some(field)
    }

    fn code_list(
        &self,
        name: &str,
        place: &Place,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<BTreeMap<String, String>> {
        let found = self.codes.get(name).cloned();
        if found.is_none() {
            let message = format!("no code list `[codes.{name}]` in invoice.toml");
            diags.push(Diagnostic::new(place.clone(), message));
        }
        found
    }

    /// Every mandatory term mapped; the list of lines named by them.
    fn check_mandatory(&self, map: &InvoiceMap, span: Range<usize>, diags: &mut Vec<Diagnostic>) {
        let place = self.file.at(span);
        for t in TERMS.iter().filter(|t| t.mandatory) {
            if !map.terms.contains_key(t.id) {
                let message = format!("mandatory term {} {} is not mapped", t.id, t.name);
                let hint = format!(
                    "add `{} = \"<field>\"` or `{} = {{ value = \"...\" }}` to [terms]",
                    t.id, t.id
                );
                diags.push(Diagnostic::new(place.clone(), message).hint(hint));
            }
        }
    }
}

/// Whether a field of type `field` can feed a term of kind `term`.
fn fits(term: TermKind, field: Kind) -> bool {
    match term {
        TermKind::Text | TermKind::Code => {
            matches!(field, Kind::String | Kind::Number | Kind::Integer)
        }
        TermKind::Date => field == Kind::Date,
        TermKind::Amount => field == Kind::Money,
        TermKind::Decimal => matches!(field, Kind::Number | Kind::Integer | Kind::Money),
    }
}

fn wants(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Text => "text",
        TermKind::Code => "a code",
        TermKind::Date => "a date",
        TermKind::Amount => "an amount (declare it `money`)",
        TermKind::Decimal => "a number",
    }
}
