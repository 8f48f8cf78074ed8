//! QR codes as small SVG images: one path of dark runs, no text, no fonts.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white margin around the code (the quiet zone the standard asks for).
const QUIET: usize = 4;

/// The SVG of a QR code for `payload`. EPC (GiroCode) payloads use error
/// correction level M, as EPC069-12 requires; URLs use M too, which survives
/// a fold or a coffee stain.
pub(crate) fn svg(payload: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code of {} bytes: {e}", payload.len()))?;
    let w = code.width();
    let colors = code.to_colors();
    let size = w + 2 * QUIET;
    let mut path = String::with_capacity(w * w);
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == Color::Dark {
                let start = x;
                while x < w && colors[y * w + x] == Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{size}\" height=\"{size}\" shape-rendering=\"crispEdges\"><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_has_modules() {
        let s = super::svg("https://example.com").unwrap();
        assert!(s.starts_with("<svg") && s.contains("M4 4h7v1h-7z"), "{s}");
    }
}
