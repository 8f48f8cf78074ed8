//! `locales/en-US.ftl` of a copy of templates/bill replaced by the input (lossy UTF-8),
//! then `Design::load`: any input is a design or an `Err` with
//! diagnostics, never a panic. A design that loads renders the samples.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    vellum_fuzz::write_bill_file("locales/en-US.ftl", &text);
    if let Some(design) = vellum_fuzz::load_bill() {
        for (_, record) in vellum_fuzz::bill_samples() {
            let _ = vellum_fuzz::run_record(&design, record);
        }
    }
});
