//! A design-level `print.typ` (overriding the brand's) written into a copy of
//! templates/bill from the input (lossy UTF-8), then `Design::load`, which
//! (feature `frame-check`) parses it with typst-syntax. Properties: no panic;
//! the design loads exactly when typst-syntax finds no error in the frame, and
//! every error is reported in `bill/print.typ` at a line inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    vellum_fuzz::write_bill_file("print.typ", &text);
    let result = vellum::Design::load(&vellum_fuzz::sandbox().bill);
    let source = typst_syntax::Source::detached(text.as_ref());
    let has_errors = !source.root().errors_and_warnings().0.is_empty();
    match result {
        Ok(_) => assert!(!has_errors, "the design loaded, but its print.typ has syntax errors"),
        Err(e) => {
            let diags = e.diagnostics();
            assert!(has_errors, "print.typ parses, yet the design fails: {e}");
            assert!(!diags.is_empty(), "Err without diagnostics: {e}");
            // An upper bound of Typst's line count (it also breaks lines at
            // \r, VT, FF, NEL, LS and PS).
            let breaks = ['\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'];
            let lines = 1 + text.chars().filter(|c| breaks.contains(c)).count() as u32;
            for d in diags {
                assert!(
                    d.place.file.ends_with("bill/print.typ"),
                    "a diagnostic outside the fuzzed frame: {d:?}"
                );
                assert!(
                    d.place.line >= 1 && d.place.line <= lines && d.place.column >= 1,
                    "diagnostic at line {} of a {lines}-line file: {d:?}",
                    d.place.line
                );
            }
        }
    }
});
