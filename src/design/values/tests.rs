//! Values: load-time errors with their places, and evaluation, absent data
//! included.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Absent, At, ValueToml, Values, place_in};
use crate::design::fields::{FieldType, Fields, Kind};
use crate::model::Diagnostic;

#[derive(serde::Deserialize)]
struct Manifest {
    values: BTreeMap<String, toml::Spanned<ValueToml>>,
}

struct Text(String);

impl At for Text {
    fn at(&self, span: std::ops::Range<usize>, offset: usize) -> crate::model::Place {
        place_in("design.toml", &self.0, span, offset)
    }
}

const FIELDS: &[(&str, &str)] = &[
    ("customer.name", "string"),
    ("customer.tier", "integer"),
    ("usage", "list"),
    ("usage.kwh", "number"),
    ("usage_last_year", "number?"),
    ("totals.due", "money"),
    ("totals.tax", "money"),
    ("totals.discount", "money?"),
    ("due_date", "date"),
    ("account.overdue", "bool"),
];

/// Loads `[values]` from `toml` (which starts with `[values]`).
fn load(toml: &str) -> (Values, Fields, Vec<Diagnostic>) {
    let mut fields = Fields::default();
    for (p, t) in FIELDS {
        fields.insert((*p).to_owned(), FieldType::parse(t).unwrap());
    }
    fields.finish();
    let m: Manifest = toml::from_str(toml).unwrap();
    let mut diags = Vec::new();
    let values = Values::load(&m.values, &mut fields, &Text(toml.to_owned()), &mut diags);
    (values, fields, diags)
}

/// The one diagnostic of `toml`, as `line:column: message`.
fn problem(toml: &str) -> String {
    let (_, _, diags) = load(toml);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    format!("{}:{}: {}", d.place.line, d.place.column, d.message)
}

#[test]
fn errors_are_found_at_load_with_their_place() {
    // An undeclared field: where it is read.
    assert_eq!(
        problem("[values]\nx = 'usage_last_yaer * 2.0'\n"),
        "2:6: value `x`: unknown field `usage_last_yaer`"
    );
    // int and double do not mix in arithmetic: at the operator.
    assert_eq!(
        problem("[values]\npct = 'usage_last_year * 100'\n"),
        "2:24: value `pct`: `*` on a double and an int"
    );
    // The declared type is not what the expression gives.
    assert_eq!(
        problem("[values]\nd = { cel = 'totals.due / totals.tax', type = \"money\" }\n"),
        "2:14: value `d` is declared money but its expression gives a double"
    );
    assert_eq!(
        problem("[values]\nd = { cel = 'customer.name', type = \"date\" }\n"),
        "2:38: unknown type \"date\" for value `d`"
    );
    // A condition is a rule, not a value.
    assert_eq!(
        problem("[values]\nb = 'account.overdue'\n"),
        "2:6: value `b` gives a bool, not a number, string or money"
    );
    // Money does not compare with a bare number, nor add one.
    assert_eq!(
        problem("[values]\nm = 'totals.due + 1.5'\n"),
        "2:17: value `m`: `+` on money and a double"
    );
    // An unknown function, an unknown value, a syntax error.
    assert_eq!(
        problem("[values]\nr = 'round(usage_last_year)'\n"),
        "2:11: value `r`: no `round` for (a double)"
    );
    assert_eq!(
        problem("[values]\nr = 'values.nope + 1'\n"),
        "2:12: value `r`: unknown value `values.nope`"
    );
    assert!(
        problem("[values]\nr = 'usage_last_year +'\n").starts_with("2:6: value `r` does not parse"),
    );
    // A field of a list entry, read through its list.
    assert_eq!(
        problem("[values]\nk = 'usage[0].kwhh'\n"),
        "2:14: value `k`: unknown field `usage.kwhh`"
    );
    // Branches of one type; string() of a double is a formatting mistake.
    assert_eq!(
        problem("[values]\nt = 'account.overdue ? \"late\" : 1'\n"),
        "2:22: value `t`: the branches of `?:` are a string and an int"
    );
    assert!(
        problem("[values]\nt = 'string(usage_last_year)'\n")
            .starts_with("2:12: value `t`: string() of a double")
    );
}

#[test]
fn a_place_counts_lines_of_a_multi_line_expression() {
    let toml = "[values]\nx = '''\ncustomer.tier > 1\n  ? usage_last_yer\n  : 0.0'''\n";
    assert_eq!(
        problem(toml),
        "4:5: value `x`: unknown field `usage_last_yer`"
    );
}

#[test]
fn cycles_are_reported_and_the_rest_still_loads() {
    let (values, fields, diags) =
        load("[values]\na = 'values.b + 1'\nb = 'values.a + 1'\nc = 'customer.tier * 2'\n");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].message, "value `a` depends on itself: a -> b -> a");
    assert_eq!((diags[0].place.line, diags[0].place.column), (2, 6));
    assert_eq!(values.list.len(), 1);
    assert_eq!(fields.get("values.c").map(|t| t.kind), Some(Kind::Number));
    assert!(fields.get("values.a").is_none());
}

#[test]
fn values_are_declared_optional_and_are_not_record_fields() {
    let (_, fields, diags) =
        load("[values]\nname = 'customer.name + \"!\"'\nm = 'totals.due - totals.tax'\n");
    assert!(diags.is_empty(), "{diags:#?}");
    let t = fields.get("values.m").unwrap();
    assert_eq!((t.kind, t.optional), (Kind::Money, true));
    assert_eq!(fields.get("values.name").unwrap().kind, Kind::String);
    assert!(fields.iter().all(|(p, _)| !p.starts_with("values")));
    // A record is not checked for them.
    let record = json!({"customer": {"name": "A", "tier": 1}, "usage": [], "totals": {"due": 1, "tax": 0},
                        "due_date": "2026-01-01", "account": {"overdue": false}});
    assert!(fields.check(&record, "EUR").is_empty());
}

fn record(last_year: Option<f64>, kwh: &[f64]) -> Value {
    let mut r = json!({
        "customer": {"name": "Zoë", "tier": 2},
        "usage": kwh.iter().map(|k| json!({"kwh": k})).collect::<Vec<_>>(),
        "totals": {"due": "189.31", "tax": 9.61},
        "due_date": "2026-12-30",
        "account": {"overdue": false},
    });
    if let Some(l) = last_year {
        r["usage_last_year"] = json!(l);
    }
    r
}

const BILL: &str = "[values]
now = { cel = 'usage[size(usage) - 1].kwh', type = \"number\" }
pct = { cel = '(values.now - usage_last_year) / usage_last_year * 100.0', type = \"number\" }
size = 'max(values.pct, -values.pct)'
trend = 'values.pct >= 1.0 ? \"up\" : (values.pct <= -1.0 ? \"down\" : \"same\")'
guarded = 'has(totals.discount) ? \"discounted\" : null'
";

#[test]
fn the_change_against_last_year_is_computed() {
    let (values, _, diags) = load(BILL);
    assert!(diags.is_empty(), "{diags:#?}");
    let (v, absent) = values.evaluate(&record(Some(800.0), &[700.0, 1000.0]), "EUR");
    assert_eq!(absent, [("guarded".to_owned(), Absent::Null)]);
    assert_eq!(v["now"], json!(1000.0));
    assert_eq!(v["pct"], json!(25.0));
    assert_eq!(v["size"], json!(25.0));
    assert_eq!(v["trend"], json!("up"));
    assert!(v.get("guarded").is_none());
    let (v, _) = values.evaluate(&record(Some(1000.0), &[900.0]), "EUR");
    assert_eq!(
        (v["pct"].clone(), v["size"].clone()),
        (json!(-10.0), json!(10.0))
    );
    assert_eq!(v["trend"], json!("down"));
}

#[test]
fn values_that_cannot_be_computed_are_absent_with_the_reason() {
    let (values, _, _) = load(BILL);
    // No last-year figure: every value reading it is absent, and the values
    // reading those too; `null` from a guard is absent as well.
    let (v, absent) = values.evaluate(&record(None, &[700.0]), "EUR");
    assert_eq!(v, json!({"now": 700.0}));
    let why: BTreeMap<String, Absent> = absent.into_iter().collect();
    assert_eq!(why["pct"], Absent::Field("usage_last_year".into()));
    assert_eq!(why["size"], Absent::Value("pct".into()));
    assert_eq!(why["trend"], Absent::Value("pct".into()));
    assert_eq!(why["guarded"], Absent::Null);
    // Last year at zero: a division by zero, never an infinite percentage.
    let (v, absent) = values.evaluate(&record(Some(0.0), &[700.0]), "EUR");
    assert!(v.get("pct").is_none());
    assert!(absent.contains(&("pct".to_owned(), Absent::DivisionByZero)));
    // No usage at all: the index is out of range.
    let (v, absent) = values.evaluate(&record(Some(10.0), &[]), "EUR");
    assert_eq!(v, json!({}));
    assert!(absent.contains(&("now".to_owned(), Absent::Index)));
}

#[test]
fn money_is_exact_in_the_records_currency() {
    let (values, _, diags) = load(
        "[values]
net = 'totals.due - totals.tax'
third = 'totals.due / 3'
share = 'totals.tax / totals.due'
off = 'has(totals.discount) ? totals.due - totals.discount : totals.due'
due = 'double(totals.due)'
",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let (v, absent) = values.evaluate(&record(None, &[]), "EUR");
    assert!(absent.is_empty(), "{absent:?}");
    assert_eq!(v["net"], json!("179.70"));
    assert_eq!(v["third"], json!("63.10"));
    assert_eq!(v["off"], json!("189.31"));
    assert_eq!(v["due"], json!(189.31));
    let share = v["share"].as_f64().unwrap();
    assert!((share - 961.0 / 18931.0).abs() < 1e-12, "{share}");
    // Yen have no minor unit: amounts are whole yen.
    let mut r = record(None, &[]);
    r["totals"] = json!({"due": 1000, "tax": 91, "discount": 100});
    let (v, _) = values.evaluate(&r, "JPY");
    assert_eq!(
        (v["net"].clone(), v["third"].clone()),
        (json!("909"), json!("333"))
    );
    assert_eq!(v["off"], json!("900"));
}

#[test]
fn list_macros_and_integers_evaluate_as_in_cel() {
    let (values, _, diags) = load(
        "[values]
peaks = 'size(usage.filter(u, u.kwh > 250.0))'
doubled = 'usage.map(u, u.kwh * 2.0)[1]'
tier = 'customer.tier / 0'
big = 'customer.tier * 4611686018427387904'
label = 'usage.exists(u, u.kwh > 900.0) ? \"heavy\" : \"light\"'
",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let (v, absent) = values.evaluate(&record(None, &[100.0, 300.0, 400.0]), "EUR");
    assert_eq!(v["peaks"], json!(2));
    assert_eq!(v["doubled"], json!(600.0));
    assert_eq!(v["label"], json!("light"));
    let why: BTreeMap<String, Absent> = absent.into_iter().collect();
    assert_eq!(why["tier"], Absent::DivisionByZero);
    assert_eq!(why["big"], Absent::Overflow);
}
