//! `design.toml` of a copy of templates/bill replaced by the input (lossy UTF-8),
//! then `Design::load`: any input is a design or an `Err` with
//! diagnostics, never a panic. A design that loads renders the samples.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Known (regressions/design_toml-1.bin): with `brand` pointing elsewhere,
/// e.g. `brand = "/"`, the frame check walks that whole tree following
/// symlinks (/proc/self/root loops): `Design::load` never returns.
fn walks_outside(text: &str) -> bool {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    table.get("brand").is_some_and(|b| b.as_str() != Some("../brand"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if vellum_fuzz::allow_known() && walks_outside(&text) {
        return;
    }
    vellum_fuzz::write_bill_file("design.toml", &text);
    if let Some(design) = vellum_fuzz::load_bill() {
        for (_, record) in vellum_fuzz::bill_samples() {
            let _ = vellum_fuzz::run_record(&design, record);
        }
    }
});
