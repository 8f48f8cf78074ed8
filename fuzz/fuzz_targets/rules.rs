//! A personalization rule from outside: the input (lossy UTF-8) becomes the
//! CEL expression of the bill design's `overdue` rule (which the body uses in
//! `::: if overdue`), written as a TOML basic string, then `Design::load`;
//! a design that loads decides and composes every bill sample.
//!
//! Properties: no panic; the rewritten manifest is valid TOML holding the
//! input exactly (a harness self-check); a load failure has diagnostics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// The shipped design.toml split around the value of `overdue = ...`.
fn manifest_parts() -> &'static (String, String) {
    static PARTS: OnceLock<(String, String)> = OnceLock::new();
    PARTS.get_or_init(|| {
        let text = std::fs::read_to_string(vellum_fuzz::templates().join("bill/design.toml"))
            .expect("harness: design.toml");
        let start = text.find("\noverdue = ").expect("harness: no `overdue` rule") + "\noverdue = ".len();
        let end = start + text[start..].find('\n').expect("harness: rule line");
        (text[..start].to_owned(), text[end..].to_owned())
    })
}

fuzz_target!(|data: &[u8]| {
    let expr = String::from_utf8_lossy(data);
    let (before, after) = manifest_parts();
    let manifest = format!("{before}{}{after}", vellum_fuzz::toml_basic_string(&expr));

    // Harness self-check: the rule is exactly the input.
    let table: toml::Table = toml::from_str(&manifest).expect("harness: the manifest is not TOML");
    assert_eq!(
        table["rules"]["overdue"].as_str(),
        Some(expr.as_ref()),
        "harness: the rule was escaped wrongly"
    );

    vellum_fuzz::write_bill_file("design.toml", &manifest);
    let Some(design) = vellum_fuzz::load_bill() else {
        return;
    };
    let opts = vellum_fuzz::options();
    for (_, record) in vellum_fuzz::bill_samples() {
        let decided = vellum::decide(&design, record, &opts);
        let composed = vellum::compose(&design, record, &opts);
        if let Ok(doc) = composed {
            let _ = vellum::render::email(&design, &doc);
        }
        if let Err(e) = decided {
            let _ = e.to_string();
        }
    }
});
