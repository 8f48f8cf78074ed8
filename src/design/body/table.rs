//! `::: table for=LIST`: a header row, an alignment row, a row template
//! repeated per entry of the list, and footer rows.

use std::ops::Range;

use super::components::Head;
use super::inline::split_cells;
use super::{Block, BodyParser, Cursor, Inline, TableSpec};
use crate::design::fields::Kind;
use crate::design::template::{Scope, SrcMap, resolve_field};
use crate::model::{Align, Diagnostic};

/// A table row: its source and its cells' ranges in it.
type Row = (SrcMap, Vec<Range<usize>>);

impl BodyParser<'_, '_> {
    pub(super) fn table(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let lines = self.lines(cur, head);
        self.check_attrs(head, &["for"], false);
        let place = &head.place;
        let Some(list) = head.args.get("for") else {
            self.diags.push(
                Diagnostic::new(place.clone(), "`::: table` needs for=LIST")
                    .hint("e.g. ::: table for=items"),
            );
            return None;
        };
        let list_ref = resolve_field(self.scope, &list, place, &mut self.diags, true);
        if let Some(l) = &list_ref
            && l.ty.kind != Kind::List
        {
            self.diags.push(Diagnostic::new(
                place.clone(),
                format!("`{list}` is declared {}, not list", l.ty.kind.name()),
            ));
            return None;
        }
        let rows = self.table_rows(cur, &lines);
        if rows.len() < 3 {
            self.diags.push(
                Diagnostic::new(
                    place.clone(),
                    "a table needs a header row, an alignment row and a row template",
                )
                .hint("see templates/README.md, `::: table`"),
            );
            return None;
        }
        let aligns = self.table_aligns(&rows)?;
        let (hmap, hcells) = &rows[0];
        let columns = hcells
            .iter()
            .zip(aligns)
            .map(|(c, a)| (self.inline(hmap, c.clone()), a))
            .collect();
        let row = self.row_template(&list, &rows[2]);
        let footer = rows[3..]
            .iter()
            .map(|(m, cells)| cells.iter().map(|c| self.inline(m, c.clone())).collect())
            .collect();
        Some(Block::Table(Box::new(TableSpec {
            list: list_ref?,
            columns,
            row,
            footer,
        })))
    }

    /// The rows of a table, split into cells; lines that are not rows are
    /// reported and left out.
    fn table_rows(&mut self, cur: &Cursor<'_>, lines: &[(usize, &str)]) -> Vec<Row> {
        let mut rows = Vec::new();
        for (i, l) in lines {
            let map = cur.line_map(*i, l);
            if !map.src().starts_with('|') {
                self.diags
                    .push(Diagnostic::new(map.place(0), "table rows start with `|`"));
                continue;
            }
            let cells = split_cells(map.src());
            rows.push((map, cells));
        }
        rows
    }

    /// The alignment of each column, from the second row; `None` when a row
    /// has a different number of cells than the header or the second row
    /// is not an alignment row (every such row reported).
    fn table_aligns(&mut self, rows: &[Row]) -> Option<Vec<Align>> {
        let n = rows[0].1.len();
        let mut ok = true;
        for (map, cells) in rows {
            if cells.len() != n {
                self.diags.push(Diagnostic::new(
                    map.place(0),
                    format!("this row has {} cells, the header has {n}", cells.len()),
                ));
                ok = false;
            }
        }
        let (amap, acells) = &rows[1];
        let mut aligns = Vec::new();
        for c in acells {
            let s = amap.src()[c.clone()].trim();
            let dash = s.trim_matches(':');
            if dash.is_empty() || !dash.bytes().all(|b| b == b'-') {
                self.diags.push(Diagnostic::new(
                    amap.place(c.start),
                    "the second row of a table sets alignment: `---`, `---:` or `:---:`",
                ));
                ok = false;
                break;
            }
            aligns.push(match (s.starts_with(':'), s.ends_with(':')) {
                (true, true) => Align::Center,
                (false, true) => Align::Right,
                _ => Align::Left,
            });
        }
        ok.then_some(aligns)
    }

    /// The cells of the row template, parsed with the fields of an entry of
    /// `list` in scope.
    fn row_template(&mut self, list: &str, (map, cells): &Row) -> Vec<Vec<Inline>> {
        let row_scope = Scope {
            fields: self.scope.fields,
            messages: self.scope.messages,
            row: Some(list),
        };
        let mut p = BodyParser {
            variants: self.variants,
            ..BodyParser::new(&row_scope, self.folders)
        };
        let row = cells.iter().map(|c| p.inline(map, c.clone())).collect();
        self.diags.append(&mut p.diags);
        row
    }
}
