//! Computed values: the manifest's `[values]`, CEL expressions over the
//! record's declared fields (and other values) giving a number, a string or
//! money, type-checked and compiled at load, evaluated once per record.
//!
//! Placeholders read them as `{{values.name}}`, rules and conditions as
//! `values.name`. A value that cannot be computed for a record (an optional
//! field left out, a division by zero, ...) is *absent*: it writes nothing,
//! `::: if values.name` is false and `has(values.name)` is false in rules.

mod check;
mod eval;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use self::check::Checker;
pub(crate) use self::eval::Absent;
use self::eval::{Ctx, Vx};
use super::fields::{FieldType, Fields, Kind};
use crate::locale::currency_digits;
use crate::model::{Diagnostic, Place};

/// The root under which placeholders and rules find the values.
pub(crate) const ROOT: &str = "values";

/// The type of an expression while it is checked.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ty {
    Int,
    Double,
    Money,
    Str,
    Bool,
    Date,
    Null,
    /// The element type of `[]`: goes with anything.
    Any,
    List(Box<Ty>),
    /// A record (or list entry) by its declared path, `""` for the root.
    Record(String),
    /// The `values` root.
    Values,
}

impl Ty {
    fn name(&self) -> &'static str {
        match self {
            Ty::Int => "an int",
            Ty::Double => "a double",
            Ty::Money => "money",
            Ty::Str => "a string",
            Ty::Bool => "a bool",
            Ty::Date => "a date",
            Ty::Null => "null",
            Ty::Any => "anything",
            Ty::List(_) => "a list",
            Ty::Record(_) => "a record",
            Ty::Values => "`values`",
        }
    }

    /// The declared kind of a value of this type, if a value may have it.
    fn kind(&self) -> Option<Kind> {
        match self {
            Ty::Int | Ty::Double => Some(Kind::Number),
            Ty::Money => Some(Kind::Money),
            Ty::Str => Some(Kind::String),
            _ => None,
        }
    }
}

/// One entry of `[values]`: an expression, or `{ cel = "...", type = "..." }`.
#[derive(Debug)]
pub(super) struct ValueToml {
    cel: String,
    /// Where the expression is, in the table form (a bare string is where
    /// the entry is).
    cel_span: Option<std::ops::Range<usize>>,
    ty: Option<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueTable {
    cel: toml::Spanned<String>,
    #[serde(rename = "type")]
    ty: Option<toml::Spanned<String>>,
}

impl<'de> Deserialize<'de> for ValueToml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ValueToml;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a CEL expression, or a table { cel = \"...\", type = \"number\" }")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ValueToml, E> {
                Ok(ValueToml {
                    cel: s.to_owned(),
                    cel_span: None,
                    ty: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ValueToml, A::Error> {
                let t = ValueTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(ValueToml {
                    cel_span: Some(t.cel.span()),
                    cel: t.cel.into_inner(),
                    ty: t.ty,
                })
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A compiled value.
#[derive(Debug)]
struct Computed {
    name: String,
    kind: Kind,
    node: Vx,
}

/// A design's values, in evaluation order (every value after those it reads).
#[derive(Debug, Default)]
pub(crate) struct Values {
    list: Vec<Computed>,
}

/// Where the manifest's text maps expression offsets to places.
pub(super) trait At {
    /// The place of byte `offset` of the TOML string at `span`.
    fn at(&self, span: std::ops::Range<usize>, offset: usize) -> Place;
}

/// The place of byte `offset` of the TOML string at `span` of `text`
/// (exact for literal strings, which have no escapes).
pub(super) fn place_in(
    file: &str,
    text: &str,
    span: std::ops::Range<usize>,
    offset: usize,
) -> Place {
    let raw = text.get(span.clone()).unwrap_or("");
    let mut skip = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else {
        usize::from(raw.starts_with('\'') || raw.starts_with('"'))
    };
    // A newline right after the opening quotes is not part of the string.
    if skip == 3 && raw[3..].starts_with('\n') {
        skip += 1;
    }
    let mut at = (span.start + skip + offset).min(span.end.max(span.start));
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let (line, col) = super::messages::line_col(text, at);
    Place::new(file, line, col)
}

impl Values {
    /// Compiles `[values]` against the declared fields, and declares each
    /// value as `values.<name>` (optional: it may be absent) in `fields`.
    pub(super) fn load(
        entries: &BTreeMap<String, toml::Spanned<ValueToml>>,
        fields: &mut Fields,
        at: &dyn At,
        diags: &mut Vec<Diagnostic>,
    ) -> Values {
        let mut parsed = Vec::new();
        for (name, entry) in entries {
            let v = entry.get_ref();
            let span = v.cel_span.clone().unwrap_or_else(|| entry.span());
            let place = at.at(span.clone(), 0);
            if !is_name(name) {
                diags.push(
                    Diagnostic::new(
                        place,
                        format!("value name `{name}` must be letters, digits and _"),
                    )
                    .hint("values are read as values.<name>, so the name is a CEL identifier"),
                );
                continue;
            }
            match cel::Program::compile(&v.cel) {
                Ok(p) => parsed.push((name.as_str(), v, span, p)),
                Err(e) => {
                    let msg = e
                        .errors
                        .first()
                        .map_or(String::new(), |x| format!(": {}", x.msg));
                    diags.push(
                        Diagnostic::new(place, format!("value `{name}` does not parse{msg}"))
                            .hint("values are CEL expressions, e.g. totals.net - totals.tax"),
                    );
                }
            }
        }
        let order = order(&parsed, at, diags);
        let mut known: Vec<(String, Ty)> = Vec::new();
        let mut list = Vec::new();
        for i in order {
            let (name, v, span, program) = &parsed[i];
            let place_of = |offset: usize| at.at(span.clone(), offset);
            let mut cx = Checker::new(fields, &known, name, &place_of, program.source_info());
            let compiled = cx.expr(program.expression());
            diags.append(&mut cx.diags);
            let Some((node, ty)) = compiled else { continue };
            let Some(kind) = result_kind(name, v, &ty, &place_of(0), at, diags) else {
                continue;
            };
            known.push((name.to_string(), ty));
            list.push(Computed {
                name: name.to_string(),
                kind,
                node,
            });
        }
        for c in &list {
            fields.insert_computed(
                format!("{ROOT}.{}", c.name),
                FieldType {
                    kind: c.kind,
                    optional: true,
                },
            );
        }
        Values { list }
    }

    /// Whether the design has no values.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Computes every value for `record` (validated against the declared
    /// fields): a JSON object of the values that could be computed (money
    /// as a decimal string in major units of `currency`), and why each
    /// other one is absent.
    pub(crate) fn evaluate(
        &self,
        record: &Value,
        currency: &str,
    ) -> (Value, Vec<(String, Absent)>) {
        let digits = currency_digits(currency);
        let mut done: Vec<(&str, Result<eval::V<'_>, Absent>)> =
            Vec::with_capacity(self.list.len());
        let mut scope = Vec::new();
        for c in &self.list {
            let result = {
                let cx = Ctx {
                    record,
                    digits,
                    done: &done,
                };
                c.node.eval(&cx, &mut scope)
            };
            let result = match result {
                Ok(eval::V::Null) => Err(Absent::Null),
                other => other,
            };
            done.push((&c.name, result));
        }
        let mut out = serde_json::Map::new();
        let mut absent = Vec::new();
        for (name, r) in done {
            match r.map(|v| eval::to_json(&v, digits)) {
                Ok(Some(json)) => {
                    out.insert(name.to_owned(), json);
                }
                Ok(None) => absent.push((name.to_owned(), Absent::Overflow)),
                Err(why) => absent.push((name.to_owned(), why)),
            }
        }
        (Value::Object(out), absent)
    }
}

fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The kind a value is declared (or inferred) to have, checked against the
/// type of its expression.
fn result_kind(
    name: &str,
    v: &ValueToml,
    ty: &Ty,
    place: &Place,
    at: &dyn At,
    diags: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let inferred = ty.kind();
    let Some(declared) = &v.ty else {
        if inferred.is_none() {
            diags.push(
                Diagnostic::new(
                    place.clone(),
                    format!(
                        "value `{name}` gives {}, not a number, string or money",
                        ty.name()
                    ),
                )
                .hint("a value is a number, a string or money; a condition is a rule of [rules]"),
            );
        }
        return inferred;
    };
    let tplace = at.at(declared.span(), 0);
    let want = match declared.get_ref().as_str() {
        "number" => Kind::Number,
        "string" => Kind::String,
        "money" => Kind::Money,
        other => {
            diags.push(
                Diagnostic::new(tplace, format!("unknown type {other:?} for value `{name}`"))
                    .hint("a value's type is number, string or money"),
            );
            return None;
        }
    };
    if inferred != Some(want) {
        diags.push(Diagnostic::new(
            place.clone(),
            format!(
                "value `{name}` is declared {} but its expression gives {}",
                want.name(),
                ty.name()
            ),
        ));
        return None;
    }
    Some(want)
}

/// A value's name, entry, the span of its expression, and the expression parsed.
type Parsed<'a> = (&'a str, &'a ValueToml, std::ops::Range<usize>, cel::Program);

/// The order to compute values in: each after the values it reads. A
/// value in a cycle is reported (and left out).
fn order(parsed: &[Parsed<'_>], at: &dyn At, diags: &mut Vec<Diagnostic>) -> Vec<usize> {
    let deps: Vec<Vec<usize>> = parsed
        .iter()
        .map(|(_, _, _, p)| {
            let mut names = Vec::new();
            reads(p.expression(), &mut names);
            names
                .iter()
                .filter_map(|n| parsed.iter().position(|(m, ..)| m == n))
                .collect()
        })
        .collect();
    // 0 unvisited, 1 on the path, 2 done, 3 in (or after) a cycle.
    let mut state = vec![0u8; parsed.len()];
    let mut out = Vec::new();
    fn visit(
        i: usize,
        deps: &[Vec<usize>],
        state: &mut [u8],
        path: &mut Vec<usize>,
        out: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        match state[i] {
            2 => return None,
            3 => return Some(Vec::new()),
            1 => {
                let from = path.iter().position(|&p| p == i).unwrap_or(0);
                return Some(path[from..].to_vec());
            }
            _ => {}
        }
        state[i] = 1;
        path.push(i);
        for &d in &deps[i] {
            if let Some(cycle) = visit(d, deps, state, path, out) {
                path.pop();
                state[i] = 3;
                return Some(cycle);
            }
        }
        path.pop();
        state[i] = 2;
        out.push(i);
        None
    }
    for i in 0..parsed.len() {
        if let Some(cycle) = visit(i, &deps, &mut state, &mut Vec::new(), &mut out)
            && !cycle.is_empty()
        {
            let (name, _, span, _) = &parsed[cycle[0]];
            let mut names: Vec<&str> = cycle.iter().map(|&c| parsed[c].0).collect();
            names.push(name);
            diags.push(
                Diagnostic::new(
                    at.at(span.clone(), 0),
                    format!("value `{name}` depends on itself: {}", names.join(" -> ")),
                )
                .hint("a value may read other values, but not in a circle"),
            );
        }
    }
    out
}

/// The names of the values an expression reads (`values.name`).
fn reads(e: &cel::common::ast::IdedExpr, out: &mut Vec<String>) {
    use cel::common::ast::Expr;
    match &e.expr {
        Expr::Select(s) => {
            if matches!(&s.operand.expr, Expr::Ident(r) if r == ROOT) {
                out.push(s.field.clone());
            }
            reads(&s.operand, out);
        }
        Expr::Call(c) => {
            c.target.iter().for_each(|t| reads(t, out));
            c.args.iter().for_each(|a| reads(a, out));
        }
        Expr::List(l) => l.elements.iter().for_each(|x| reads(x, out)),
        Expr::Comprehension(c) => {
            for x in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                reads(x, out);
            }
        }
        _ => {}
    }
}
