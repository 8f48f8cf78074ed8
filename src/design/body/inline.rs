//! Inline markup inside a line or paragraph: `**strong**`, `*em*`,
//! `[links](url)`, escapes and `{{placeholders}}`; and table cells split on
//! `|`.

use std::ops::Range;

use super::{BodyParser, Inline};
use crate::design::template::{SrcMap, Template};

impl BodyParser<'_, '_> {
    /// Parses inline markup in `map.src()[range]`.
    pub(crate) fn inline(&mut self, map: &SrcMap, range: Range<usize>) -> Vec<Inline> {
        let mut out: Vec<Inline> = Vec::new();
        let src = map.src();
        let b = src.as_bytes();
        let end = range.end;
        let mut i = range.start;
        let mut text_start = i;
        while i < end {
            if src[i..end].starts_with("{{") {
                i = find_close(src, i, end);
                continue;
            }
            match b[i] {
                b'\\' if i + 1 < end && b"*[]|\\_`".contains(&b[i + 1]) => {
                    self.flush(map, text_start..i, &mut out);
                    push_text(&mut out, Template::literal(&src[i + 1..i + 2]));
                    i += 2;
                    text_start = i;
                    continue;
                }
                b'*' if src[i..end].starts_with("**") => {
                    if let Some(close) = find(src, i + 2, end, "**").filter(|c| *c > i + 2) {
                        self.flush(map, text_start..i, &mut out);
                        let inner = self.inline(map, i + 2..close);
                        out.push(Inline::Strong(inner));
                        i = close + 2;
                        text_start = i;
                        continue;
                    }
                }
                b'*' => {
                    if let Some(close) = find(src, i + 1, end, "*").filter(|c| *c > i + 1) {
                        self.flush(map, text_start..i, &mut out);
                        let inner = self.inline(map, i + 1..close);
                        out.push(Inline::Em(inner));
                        i = close + 1;
                        text_start = i;
                        continue;
                    }
                }
                b'[' => {
                    if let Some(mid) = find(src, i + 1, end, "](")
                        && let Some(close) = find(src, mid + 2, end, ")")
                    {
                        self.flush(map, text_start..i, &mut out);
                        let label = self.inline(map, i + 1..mid);
                        let href =
                            Template::compile(map, mid + 2..close, self.scope, &mut self.diags);
                        out.push(Inline::Link { label, href });
                        i = close + 1;
                        text_start = i;
                        continue;
                    }
                }
                _ => {}
            }
            i += src[i..].chars().next().map_or(1, char::len_utf8);
        }
        self.flush(map, text_start..end, &mut out);
        out
    }

    fn flush(&mut self, map: &SrcMap, range: Range<usize>, out: &mut Vec<Inline>) {
        if range.is_empty() {
            return;
        }
        let t = Template::compile(map, range, self.scope, &mut self.diags);
        push_text(out, t);
    }
}

fn push_text(out: &mut Vec<Inline>, t: Template) {
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.extend(t);
    } else {
        out.push(Inline::Text(t));
    }
}

/// The end of the placeholder starting at `i` (just past its `}}`).
fn find_close(src: &str, i: usize, end: usize) -> usize {
    match src[i + 2..end].find("}}") {
        Some(j) => {
            let mut k = i + 2 + j + 2;
            while k < end && src.as_bytes()[k] == b'}' {
                k += 1;
            }
            k
        }
        None => end,
    }
}

/// Finds `pat` in `src[from..end]`, skipping placeholders and escapes.
fn find(src: &str, from: usize, end: usize, pat: &str) -> Option<usize> {
    let mut i = from;
    while i < end {
        if src[i..end].starts_with("{{") {
            i = find_close(src, i, end);
            continue;
        }
        if src.as_bytes()[i] == b'\\' {
            i += 2;
            continue;
        }
        if src[i..end].starts_with(pat) {
            if pat == "*" && src[i..end].starts_with("**") {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += src[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Splits a row on `|` outside placeholders and escapes; a leading and a
/// trailing pipe are dropped. Returns trimmed byte ranges.
pub(super) fn split_cells(src: &str) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < src.len() {
        if src[i..].starts_with("{{") {
            i = find_close(src, i, src.len());
            continue;
        }
        match src.as_bytes()[i] {
            b'\\' => i += 2,
            b'|' => {
                cuts.push(i);
                i += 1;
            }
            _ => i += src[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    let mut bounds = vec![0];
    for c in cuts {
        bounds.push(c);
        bounds.push(c + 1);
    }
    bounds.push(src.len());
    let mut cells: Vec<Range<usize>> = bounds.chunks(2).map(|p| p[0]..p[1]).collect();
    if src.trim_start().starts_with('|')
        && cells
            .first()
            .is_some_and(|c| src[c.clone()].trim().is_empty())
    {
        cells.remove(0);
    }
    if src.trim_end().ends_with('|')
        && !src.trim_end().ends_with("\\|")
        && cells
            .last()
            .is_some_and(|c| src[c.clone()].trim().is_empty())
    {
        cells.pop();
    }
    cells
        .into_iter()
        .map(|r| {
            let s = &src[r.clone()];
            let start = r.start + (s.len() - s.trim_start().len());
            let end = r.end - (s.len() - s.trim_end().len());
            start..end.max(start)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        let s = "| a | {{x | y}} | b\\|c |";
        let cells: Vec<&str> = split_cells(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(cells, ["a", "{{x | y}}", "b\\|c"]);
        let s = "label | value";
        let cells: Vec<&str> = split_cells(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(cells, ["label", "value"]);
    }
}
