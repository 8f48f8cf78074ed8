#![allow(dead_code)] // shared by a bench and an example; each uses part of it
//! The peers' bill data (`/work/shared/peers/data/bills*.json`) mapped into
//! vellum's bill schema (`templates/bill/design.toml` [fields]), shared by
//! `benches/pdf.rs` and `examples/peers.rs`.
//!
//! Money there is integer cents: here decimal strings in major units. The
//! billing `period` is text ("1 Oct 2024 – 31 Oct 2024"): parsed into start
//! and end dates. What the peers' data lacks (email, IBAN, links) is fixed.

use serde_json::{Value, json};

/// Where the peers' data lives, overridable with `VELLUM_PEERS_DATA`.
pub fn data_dir() -> std::path::PathBuf {
    std::env::var_os("VELLUM_PEERS_DATA")
        .map(Into::into)
        .unwrap_or_else(|| "/work/shared/peers/data".into())
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn month(name: &str) -> Option<u32> {
    let m = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    m.iter()
        .position(|x| name.to_ascii_lowercase().starts_with(x))
        .map(|i| i as u32 + 1)
}

/// "1 Oct 2024" -> "2024-10-01".
fn date(text: &str) -> Option<String> {
    let mut it = text.split_whitespace();
    let d: u32 = it.next()?.parse().ok()?;
    let m = month(it.next()?)?;
    let y: i32 = it.next()?.parse().ok()?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// One peers customer as a vellum bill record.
pub fn record(c: &Value) -> Value {
    let s = |k: &str| c[k].as_str().unwrap_or("").to_owned();
    let cents = |v: &Value, k: &str| v[k].as_i64().unwrap_or(0);
    let name = s("name");
    let addr: Vec<String> = c["address"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    // "Cardiff CF10 1EP": UK postcodes are the last two words.
    let locality = addr
        .get(addr.len().saturating_sub(2))
        .cloned()
        .unwrap_or_default();
    let words: Vec<&str> = locality.split_whitespace().collect();
    let (city, postal) = if words.len() > 2 {
        (
            words[..words.len() - 2].join(" "),
            words[words.len() - 2..].join(" "),
        )
    } else {
        (locality.clone(), String::new())
    };
    let period = s("period");
    let (start, end) = period
        .split_once('–')
        .or_else(|| period.split_once(" - "))
        .unwrap_or((&period, &period));
    let start = date(start.trim()).unwrap_or_else(|| s("bill_date"));
    let end = date(end.trim()).unwrap_or_else(|| s("bill_date"));
    let items: Vec<Value> = c["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            json!({
                "description": format!("{} ({})", i["desc"].as_str().unwrap_or(""), i["period"].as_str().unwrap_or("")),
                "quantity": i["qty"],
                "unit": i["unit"],
                "unit_price": money(cents(i, "unit_price_cents")),
                "amount": money(cents(i, "amount_cents")),
            })
        })
        .collect();
    // Twelve months of usage, ending with the billing period's month.
    let (ey, em): (i32, u32) = (
        end[0..4].parse().unwrap_or(2024),
        end[5..7].parse().unwrap_or(1),
    );
    let usage: Vec<Value> = c["usage_kwh"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, kwh)| {
            let back = 11 - i as i32;
            let m0 = ey * 12 + em as i32 - 1 - back;
            json!({ "month": format!("{:04}-{:02}-01", m0 / 12, m0 % 12 + 1), "kwh": kwh })
        })
        .collect();
    let net = cents(c, "subtotal_cents");
    let vat = cents(c, "vat_cents");
    let rate = if net != 0 {
        (vat as f64 * 100.0 / net as f64).round()
    } else {
        0.0
    };
    json!({
        "customer": {
            "id": s("id"),
            "name": name,
            "first_name": name.split_whitespace().next().unwrap_or(""),
            "email": "customer@example.com",
            "locale": "en-GB",
            "address": {
                "line1": addr.first().cloned().unwrap_or_default(),
                "line2": if addr.len() > 3 { Value::from(addr[1].clone()) } else { Value::Null },
                "postal_code": postal,
                "city": city,
                "country": addr.last().cloned().unwrap_or_default(),
            }
        },
        "account": { "number": s("account"), "currency": "GBP", "overdue": false },
        "invoice": { "number": s("invoice_no"), "date": s("bill_date") },
        "period": { "start": start, "end": end },
        "due_date": s("due_date"),
        "items": items,
        "totals": {
            "net": money(net),
            "tax_rate": rate,
            "tax": money(vat),
            "previous_balance": money(cents(c, "previous_balance_cents")),
            "due": money(cents(c, "amount_due_cents")),
        },
        "usage": usage,
        "payment": {
            "beneficiary": "Northwind Energy GmbH",
            "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX",
            "reference": s("invoice_no"),
        },
        "links": { "pay": "https://northwind.example/pay", "account": "https://northwind.example/account" }
    })
}

/// All customers of a peers data file as vellum bill records.
pub fn load(file: &str) -> Vec<Value> {
    let path = data_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let all: Value = serde_json::from_str(&text).expect("peers data is JSON");
    all.as_array()
        .expect("a list of customers")
        .iter()
        .map(record)
        .collect()
}
