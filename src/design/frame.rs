//! The print frame, checked when the design loads: the design's own
//! `print.typ` or the brand's must exist when the design prints, and every
//! Typst file of the design and brand folders must parse. Syntax errors
//! become diagnostics with file, line and column, like every other design
//! error, instead of failing every PDF later.

use std::path::Path;

use typst_syntax::{DiagSpanKind, Source};

use super::loader::{Loader, walk};
use crate::model::{Diagnostic, Place};

/// Checks the frame of a design that prints.
pub(crate) fn check(
    loader: &dyn Loader,
    design: (&Path, &str),
    brand: (&Path, &str),
    diags: &mut Vec<Diagnostic>,
) {
    let has_frame = [design, brand]
        .iter()
        .any(|(dir, _)| loader.is_file(&dir.join("print.typ")));
    if !has_frame {
        diags.push(
            Diagnostic::new(
                Place::new(&format!("{}/design.toml", design.1), 1, 1),
                format!(
                    "the design prints but has no print frame: neither `{}/print.typ` nor `{}/print.typ` exists",
                    design.1, brand.1
                ),
            )
            .hint("the brand folder's print.typ lays out every design that has none of its own"),
        );
    }
    for (dir, shown) in [design, brand] {
        check_folder(loader, dir, shown, diags);
    }
}

/// Parses every `.typ` file under `dir` (sample customers and hidden files
/// aside, as the print sandbox serves them).
fn check_folder(loader: &dyn Loader, dir: &Path, shown: &str, diags: &mut Vec<Diagnostic>) {
    let walked = walk(loader, dir, &mut |path, rel| {
        if rel.ends_with(".typ") {
            let file = format!("{shown}/{rel}");
            match loader.read_to_string(path) {
                Ok(text) => diags.extend(syntax_errors(&text, &file)),
                Err(err) => diags.push(Diagnostic::new(
                    Place::new(&file, 1, 1),
                    format!("cannot read the print frame file: {err}"),
                )),
            }
        }
        Ok(())
    });
    if let Err(why) = walked {
        diags.push(Diagnostic::new(
            Place::new(&format!("{shown}/print.typ"), 1, 1),
            why,
        ));
    }
}

/// Typst's syntax errors in one file, each with its place.
pub(crate) fn syntax_errors(text: &str, file: &str) -> Vec<Diagnostic> {
    let source = Source::detached(text);
    let (errors, _) = source.root().errors_and_warnings();
    errors
        .into_iter()
        .take(20)
        .map(|e| {
            let start = match e.span.get() {
                DiagSpanKind::Number { num, sub_range, .. } => {
                    source.range(num, sub_range).map_or(0, |r| r.start)
                }
                DiagSpanKind::Range { range, .. } => range.start,
                DiagSpanKind::Detached => 0,
            };
            let (line, column) = source
                .lines()
                .byte_to_line_column(start)
                .map_or((1, 1), |(l, c)| (l as u32 + 1, c as u32 + 1));
            let mut d = Diagnostic::new(
                Place::new(file, line, column),
                format!("print frame: {}", e.message),
            );
            if let Some(h) = e.hints.first() {
                d = d.hint(h.v.to_string());
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_syntax_error_has_its_line_and_column() {
        let d = super::syntax_errors("#let x = 1\n#let y = (1, 2\n", "brand/print.typ");
        assert!(!d.is_empty());
        assert_eq!(d[0].place.file, "brand/print.typ");
        assert_eq!(d[0].place.line, 2, "{d:?}");
        assert!(d[0].message.starts_with("print frame: "), "{d:?}");
        assert!(super::syntax_errors("#let x = 1\n= Title\n", "f.typ").is_empty());
    }
}
