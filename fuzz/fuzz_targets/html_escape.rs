//! Customer text in the email HTML. The input (lossy UTF-8) is put into the
//! string fields of bill sample C1001 (name, first name, address, city, an
//! item description) and, in a second record, appended to its pay link
//! (`links.pay`, a URL field); each record's email is rendered and compared
//! with the same record where the input's `<`, `>`, `"` and `'` are
//! replaced by `x`.
//!
//! Property: no panic; when both render, the HTML has exactly as many `<`,
//! `>`, `"` and `'` as the baseline: the input never adds markup or closes
//! an attribute.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SPECIAL: [char; 4] = ['<', '>', '"', '\''];

fn with_text(base: &Value, text: &str) -> Value {
    let mut r = base.clone();
    for path in [
        "/customer/name",
        "/customer/first_name",
        "/customer/address/line1",
        "/customer/address/city",
        "/items/0/description",
    ] {
        *r.pointer_mut(path).expect("harness: field") = Value::String(text.to_owned());
    }
    r
}

fn with_link(base: &Value, text: &str) -> Value {
    let mut r = base.clone();
    *r.pointer_mut("/links/pay").expect("harness: links.pay") =
        Value::String(format!("https://pay.example/{text}"));
    r
}

fn counts(html: &str) -> [usize; 4] {
    SPECIAL.map(|c| html.matches(c).count())
}

fn compare(record: &Value, baseline: &Value, what: &str) {
    let design = vellum_fuzz::shipped_bill();
    let (Some(html), Some(base_html)) = (
        vellum_fuzz::run_record(design, record),
        vellum_fuzz::run_record(design, baseline),
    ) else {
        return;
    };
    let (got, want) = (counts(&html), counts(&base_html));
    for i in 0..SPECIAL.len() {
        assert_eq!(
            got[i], want[i],
            "{what}: {:?} appears {} times in the HTML, {} without the input's specials",
            SPECIAL[i], got[i], want[i]
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let harmless: String = text.chars().map(|c| if SPECIAL.contains(&c) { 'x' } else { c }).collect();
    let base = vellum_fuzz::bill_samples()
        .iter()
        .find(|(name, _)| name == "C1001.json")
        .map(|(_, v)| v)
        .expect("harness: C1001.json");
    compare(&with_text(base, &text), &with_text(base, &harmless), "string fields");
    compare(&with_link(base, &text), &with_link(base, &harmless), "links.pay");
});
