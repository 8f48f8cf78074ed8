//! A deterministic billing cycle for the bill design: N customers made from
//! the design's own samples (so every locale, currency and size of bill
//! occurs), with a realistic mix of channel preferences, consent, missing
//! contact data, last year's usage for most (not all) customers, and a few
//! bad records (a line that is not JSON, a missing
//! field, a wrong type) that a run must account for.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

const FIRST: [&str; 12] = [
    "Emily", "Oliver", "Sabine", "Lucas", "Mei", "Jonas", "Chloé", "Aarav", "Hannah", "Mateo",
    "Ines", "Wei",
];
const LAST: [&str; 10] = [
    "Carter", "Brown", "Krüger", "Martin", "Zhang", "Schmidt", "Dubois", "Patel", "Novak", "Rossi",
];

/// Writes `count` customers as JSON Lines to `out`; the same seed gives the
/// same bytes.
pub fn write_cycle(samples: &Path, count: usize, seed: u64, out: &Path) -> Result<(), String> {
    let bases = read_samples(samples)?;
    let file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let mut rng = fastrand::Rng::with_seed(seed);
    for i in 0..count {
        let line = customer(&bases, i, &mut rng);
        writeln!(w, "{line}").map_err(|e| format!("{}: {e}", out.display()))?;
    }
    w.flush().map_err(|e| format!("{}: {e}", out.display()))
}

fn read_samples(dir: &Path) -> Result<Vec<Value>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        out.push(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    if out.is_empty() {
        return Err(format!("no sample customers in {}", dir.display()));
    }
    Ok(out)
}

/// Customer `i`: one line of JSON (or, for a few, a line that is not).
fn customer(bases: &[Value], i: usize, rng: &mut fastrand::Rng) -> String {
    // About one record in 400 is bad, in one of three ways.
    if rng.u32(0..400) == 0 {
        return bad(bases, i, rng);
    }
    let mut c = bases[rng.usize(0..bases.len())].clone();
    let id = format!("C{:07}", i + 1);
    let first = FIRST[rng.usize(0..FIRST.len())];
    let last = LAST[rng.usize(0..LAST.len())];
    let cust = &mut c["customer"];
    cust["id"] = json!(id);
    cust["first_name"] = json!(first);
    cust["name"] = json!(format!("{first} {last}"));
    let local: String = first
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    cust["email"] = json!(format!("{local}.{}@example.com", i + 1));
    cust["phone"] = json!(format!("+49 151 {:07}", rng.u32(0..10_000_000)));
    mix_contact(cust, rng);
    c["account"]["number"] = json!(format!("41{:08}", i + 1));
    c["invoice"]["number"] = json!(format!("NWE-26-{:07}", i + 1));
    c["payment"]["reference"] = json!(reference(&c, i + 1));
    last_year(&mut c, i);
    c.to_string()
}

/// Last year's usage in the billed month: within -30%..+35% of this year's
/// for most customers; about one in seven has none (new since then), and
/// the bill then shows no comparison. From its own generator per customer,
/// so the rest of the cycle is what it was before this field existed.
fn last_year(c: &mut Value, i: usize) {
    let mut rng = fastrand::Rng::with_seed(0x1a57_9ea5 ^ i as u64);
    let now = c["usage"]
        .as_array()
        .and_then(|u| u.last())
        .and_then(|m| m["kwh"].as_f64());
    let Some(obj) = c.as_object_mut() else {
        return;
    };
    match now {
        Some(now) if rng.u32(0..7) != 0 => {
            let factor = 1.0 + rng.i32(-26..31) as f64 / 100.0;
            obj.insert("usage_last_year".into(), json!((now / factor).round()));
        }
        _ => {
            obj.remove("usage_last_year");
        }
    }
}

/// The payment reference: a Swiss QR reference for a sample that has one
/// (a CHF bill to a QR-IBAN), else the invoice number.
fn reference(c: &Value, n: usize) -> String {
    let digits = |r: &str| r.bytes().filter(|b| !b.is_ascii_whitespace()).count();
    let qrr = c["payment"]["reference"]
        .as_str()
        .is_some_and(|r| digits(r) == 27 && r.bytes().all(|b| b.is_ascii_digit() || b == b' '));
    match qrr.then(|| vellum::qr_reference(n as u64)).flatten() {
        Some(r) => r,
        None => format!("NWE-26-{n:07}"),
    }
}

/// Preferences, consent and contact data as a real customer base has them.
fn mix_contact(cust: &mut Value, rng: &mut fastrand::Rng) {
    let roll = rng.u32(0..100);
    let obj = cust.as_object_mut().expect("samples are objects");
    match roll {
        0..10 => {
            obj.remove("email");
        }
        10..15 => {
            obj.remove("phone");
        }
        _ => {}
    }
    let preferred = match rng.u32(0..100) {
        0..55 => None,
        55..75 => Some("email"),
        75..90 => Some("sms"),
        _ => Some("print"),
    };
    match preferred {
        Some(p) => obj.insert("preferred_channel".into(), json!(p)),
        None => obj.remove("preferred_channel"),
    };
    obj.insert(
        "consent".into(),
        json!({
            "email": rng.u32(0..100) >= 3,
            "sms": rng.u32(0..100) >= 10,
            "print": true,
            "marketing": rng.bool(),
        }),
    );
}

/// A bad record: not JSON, a required field missing, or a wrong type.
fn bad(bases: &[Value], i: usize, rng: &mut fastrand::Rng) -> String {
    let id = format!("C{:07}", i + 1);
    let mut c = bases[0].clone();
    c["customer"]["id"] = json!(id);
    match rng.u32(0..3) {
        0 => format!("{{\"customer\": {{\"id\": \"{id}\", truncated"),
        1 => {
            if let Some(o) = c["customer"].as_object_mut() {
                o.remove("name");
            }
            c.to_string()
        }
        _ => {
            c["totals"]["due"] = json!("twelve euros");
            c.to_string()
        }
    }
}
