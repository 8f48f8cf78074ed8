//! QR codes as small SVG images: one path of dark runs, no text, no fonts.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white margin around the code (the quiet zone the standard asks for).
const QUIET: usize = 4;

/// The SVG of a QR code for `payload`. EPC (GiroCode) payloads use error
/// correction level M, as EPC069-12 requires; URLs use M too, which survives
/// a fold or a coffee stain.
pub(crate) fn svg(payload: &str) -> Result<String, String> {
    let (w, path) = modules(payload, QUIET)?;
    let size = w + 2 * QUIET;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{size}\" height=\"{size}\" shape-rendering=\"crispEdges\"><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// The SVG of a Swiss QR code (Implementation Guidelines QR-bill v2.3,
/// 5.2): error correction level M, no quiet zone (the payment part leaves
/// 5 mm around it), and the Swiss cross in the middle, 7 mm of the code's
/// 46 mm: a black square in a white border with a white cross whose arms
/// are 7 parts long and 6 wide, as on the flag.
pub(crate) fn swiss_svg(payload: &str) -> Result<String, String> {
    let (w, path) = modules(payload, 0)?;
    let wf = w as f64;
    let unit = wf / 46.0; // modules per mm
    let c = wf / 2.0;
    let square = |mm: f64, fill: &str| {
        let s = mm * unit;
        format!(
            "<rect x=\"{:.3}\" y=\"{:.3}\" width=\"{s:.3}\" height=\"{s:.3}\" fill=\"{fill}\"/>",
            c - s / 2.0,
            c - s / 2.0
        )
    };
    let (long, wide) = (6.0 * 20.0 / 32.0 * unit, 6.0 * 6.0 / 32.0 * unit);
    let bar = |bw: f64, bh: f64| {
        format!(
            "<rect x=\"{:.3}\" y=\"{:.3}\" width=\"{bw:.3}\" height=\"{bh:.3}\" fill=\"#fff\"/>",
            c - bw / 2.0,
            c - bh / 2.0
        )
    };
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {w}\" width=\"{w}\" height=\"{w}\"><path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"{path}\"/>{}{}{}{}</svg>",
        square(7.0, "#fff"),
        square(6.0, "#000"),
        bar(wide, long),
        bar(long, wide),
    ))
}

/// The width in modules of the code of `payload` (level M) and the path of
/// its dark modules, shifted by `margin`.
fn modules(payload: &str, margin: usize) -> Result<(usize, String), String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code of {} bytes: {e}", payload.len()))?;
    let w = code.width();
    let colors = code.to_colors();
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
                    start + margin,
                    y + margin,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    Ok((w, path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_has_modules() {
        let s = super::svg("https://example.com").unwrap();
        assert!(s.starts_with("<svg") && s.contains("M4 4h7v1h-7z"), "{s}");
    }

    #[test]
    fn swiss_svg_has_no_quiet_zone_and_a_cross() {
        let s = super::swiss_svg("SPC\n0200\n1").unwrap();
        assert!(s.contains("M0 0h7v1h-7z"), "{s}");
        assert_eq!(s.matches("<rect").count(), 4, "{s}");
    }
}
