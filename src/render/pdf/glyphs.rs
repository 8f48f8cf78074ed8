//! Characters the fonts cannot show. Typst lays them out as glyph 0 (the
//! "notdef" box) without a word; a customer letter must never carry them.

use std::collections::BTreeSet;

use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

/// The characters laid out as glyph 0 anywhere in the document.
pub(crate) fn missing(doc: &PagedDocument) -> BTreeSet<char> {
    let mut out = BTreeSet::new();
    for page in doc.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

fn walk(frame: &Frame, out: &mut BTreeSet<char>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => walk(&g.frame, out),
            FrameItem::Text(t) => {
                for g in t.glyphs.iter().filter(|g| g.id == 0) {
                    let chars = t.text.get(g.range()).unwrap_or("");
                    out.extend(
                        chars
                            .chars()
                            .filter(|c| !c.is_whitespace() && !c.is_control()),
                    );
                }
            }
            _ => {}
        }
    }
}

/// `'☃' (U+2603), '𝄞' (U+1D11E)`, at most ten.
pub(crate) fn describe(chars: &BTreeSet<char>) -> String {
    let mut s: Vec<String> = chars
        .iter()
        .take(10)
        .map(|c| format!("{c:?} (U+{:04X})", *c as u32))
        .collect();
    if chars.len() > 10 {
        s.push(format!("and {} more", chars.len() - 10));
    }
    s.join(", ")
}
