//! Evaluating a compiled template for one document: the record (and the
//! table row), the locale and the currency in, plain text out. Whatever the
//! data holds stays text; control and bidi characters are cleaned with a
//! warning.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Call, Expr, FieldRef, Helper, Part, Template};
use crate::design::fields::{FieldType, Kind, money_minor};
use crate::design::messages::Localized;
use crate::locale::{DateStyle, currency_digits};
use crate::model::{Date, FieldProblem};

impl Template {
    /// Evaluates the template, appending text to `out`.
    pub(crate) fn render(&self, env: &mut Env<'_>, out: &mut String) -> Result<(), FieldProblem> {
        render_parts(&self.parts, env, out)
    }

    /// Evaluates the template into a new string.
    pub(crate) fn to_text(&self, env: &mut Env<'_>) -> Result<String, FieldProblem> {
        let mut s = String::new();
        self.render(env, &mut s)?;
        Ok(s)
    }
}

/// Everything evaluation needs for one document.
pub(crate) struct Env<'a> {
    pub root: &'a Value,
    pub row: Option<(&'a Value, usize)>,
    pub loc: &'a Localized,
    pub currency: &'a str,
    /// The record's computed values (a JSON object; `Null` for a design
    /// without values).
    pub values: &'a Value,
    /// Warnings for the record (e.g. removed bidi controls), never data itself.
    pub warnings: &'a mut Vec<String>,
}

impl<'a> Env<'a> {
    /// Looks `f` up: a computed value among the record's values (absent
    /// when it could not be computed), any other field in the record or
    /// `row`.
    pub(crate) fn field(
        &self,
        f: &FieldRef,
        row: Option<&'a Value>,
    ) -> Result<Option<&'a Value>, FieldProblem> {
        if f.computed {
            let name = f.segs.last().map_or("", |s| &**s);
            return Ok(self.values.get(name).filter(|v| !v.is_null()));
        }
        f.get(self.root, row)
    }
}

/// A value an expression produced.
enum Out<'v> {
    Json(&'v Value, Option<FieldType>, &'v str),
    Text(String),
    Missing,
}

fn render_parts(parts: &[Part], env: &mut Env<'_>, out: &mut String) -> Result<(), FieldProblem> {
    for p in parts {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Expr(e) => {
                let v = eval(e, env)?;
                write_out(v, env, out)?;
            }
            Part::Cond(c) => {
                let truthy = match eval(&c.expr, env)? {
                    Out::Json(v, ..) => is_truthy(v),
                    Out::Text(s) => !s.is_empty(),
                    Out::Missing => false,
                };
                render_parts(
                    if truthy != c.negate {
                        &c.then
                    } else {
                        &c.otherwise
                    },
                    env,
                    out,
                )?;
            }
        }
    }
    Ok(())
}

/// Truthiness as sections use it: present, not false, not 0, not empty.
pub(crate) fn is_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

impl FieldRef {
    /// Looks the field up in the record (or row). A missing required field is an error.
    /// A computed value is never read from a record (whatever it holds
    /// under `values`): [`Env::field`] reads it.
    pub(crate) fn get<'v>(
        &self,
        root: &'v Value,
        row: Option<&'v Value>,
    ) -> Result<Option<&'v Value>, FieldProblem> {
        if self.computed {
            return Ok(None);
        }
        let mut cur = if self.in_row {
            row.unwrap_or(root)
        } else {
            root
        };
        for s in self.segs.iter() {
            match cur.get(&**s) {
                Some(v) => cur = v,
                None => return self.missing(),
            }
        }
        if cur.is_null() {
            self.missing()
        } else {
            Ok(Some(cur))
        }
    }

    fn missing<'v>(&self) -> Result<Option<&'v Value>, FieldProblem> {
        if self.ty.optional {
            Ok(None)
        } else {
            Err(FieldProblem {
                path: self.full.to_string(),
                message: "missing field".to_owned(),
            })
        }
    }
}

fn eval<'o, 'a: 'o>(e: &'o Expr, env: &mut Env<'a>) -> Result<Out<'o>, FieldProblem> {
    Ok(match e {
        Expr::Lit(v) => Out::Json(v, None, ""),
        Expr::Index => Out::Text(env.row.map_or(0, |r| r.1 + 1).to_string()),
        Expr::Field(f) => match env.field(f, env.row.map(|r| r.0))? {
            Some(v) => Out::Json(v, Some(f.ty), &f.full),
            None => Out::Missing,
        },
        Expr::Call(c) => Out::Text(call(c, env)?),
    })
}

fn bad(path: &str, msg: &str) -> FieldProblem {
    FieldProblem {
        path: path.to_owned(),
        message: msg.to_owned(),
    }
}

fn call(c: &Call, env: &mut Env<'_>) -> Result<String, FieldProblem> {
    if let Helper::T(id) = &c.helper {
        let mut args = fluent_bundle::FluentArgs::with_capacity(c.hash.len());
        for (k, e) in &c.hash {
            let v = match eval(e, env)? {
                Out::Json(Value::Number(n), ty, _)
                    if !matches!(ty.map(|t| t.kind), Some(Kind::Money)) =>
                {
                    fluent_bundle::FluentValue::from(n.as_f64().unwrap_or(0.0))
                }
                other => {
                    let mut s = String::new();
                    write_out(other, env, &mut s)?;
                    fluent_bundle::FluentValue::from(s)
                }
            };
            args.set(&**k, v);
        }
        return Ok(env.loc.message(id, &args));
    }
    let arg = eval(&c.args[0], env)?;
    let (v, ty, path) = match arg {
        Out::Missing => return Ok(String::new()),
        Out::Text(s) => {
            return Ok(match c.helper {
                Helper::Upper => s.to_uppercase(),
                Helper::Lower => s.to_lowercase(),
                _ => s,
            });
        }
        Out::Json(v, ty, path) => (v, ty, path),
    };
    Ok(match &c.helper {
        Helper::T(_) => unreachable!("handled above"),
        Helper::Money => {
            let minor = money_minor(v, currency_digits(env.currency))
                .ok_or_else(|| bad(path, "expected an amount"))?;
            env.loc.formats.money(minor, env.currency)
        }
        Helper::Number(decimals) => {
            let f = match (v, ty.map(|t| t.kind)) {
                (_, Some(Kind::Money)) => {
                    let minor = money_minor(v, 2).ok_or_else(|| bad(path, "expected an amount"))?;
                    return Ok(env
                        .loc
                        .formats
                        .number(minor as f64 / 100.0, Some(decimals.unwrap_or(2))));
                }
                (Value::Number(n), _) => n.as_f64().unwrap_or(0.0),
                (Value::String(s), _) => s
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| bad(path, "expected a number"))?,
                _ => return Err(bad(path, "expected a number")),
            };
            env.loc.formats.number(f, *decimals)
        }
        Helper::Date(style) => {
            let d = v
                .as_str()
                .and_then(Date::parse)
                .ok_or_else(|| bad(path, "expected a date YYYY-MM-DD"))?;
            env.loc.formats.date(d, *style)
        }
        Helper::Upper | Helper::Lower => {
            let mut s = String::new();
            write_out(Out::Json(v, ty, path), env, &mut s)?;
            if matches!(c.helper, Helper::Upper) {
                s.to_uppercase()
            } else {
                s.to_lowercase()
            }
        }
    })
}

/// Writes a value as text, formatted by its declared type.
fn write_out(v: Out<'_>, env: &mut Env<'_>, out: &mut String) -> Result<(), FieldProblem> {
    match v {
        Out::Missing => {}
        Out::Text(s) => out.push_str(&s),
        Out::Json(v, ty, path) => match (v, ty.map(|t| t.kind)) {
            (_, Some(Kind::Money)) => {
                let minor = money_minor(v, currency_digits(env.currency))
                    .ok_or_else(|| bad(path, "expected an amount"))?;
                out.push_str(&env.loc.formats.money(minor, env.currency));
            }
            (Value::String(s), Some(Kind::Date)) => match Date::parse(s) {
                Some(d) => out.push_str(&env.loc.formats.date(d, DateStyle::Long)),
                None => return Err(bad(path, "expected a date YYYY-MM-DD")),
            },
            (Value::String(s), _) => push_clean(out, s, env.warnings, path),
            (Value::Number(n), Some(Kind::Integer)) => {
                let _ = write!(out, "{n}");
            }
            (Value::Number(n), _) => {
                out.push_str(&env.loc.formats.number(n.as_f64().unwrap_or(0.0), None))
            }
            (Value::Bool(b), _) => out.push_str(if *b { "true" } else { "false" }),
            (Value::Null, _) => {}
            (Value::Array(_) | Value::Object(_), _) => {
                return Err(bad(path, "expected a single value, found a list or record"));
            }
        },
    }
    Ok(())
}

/// Appends customer text, made safe to show: control characters (line breaks,
/// tabs, NUL) become one space, and bidirectional embedding/override/isolate
/// controls are removed with a warning, so data cannot reorder the text
/// around it.
pub(crate) fn push_clean(out: &mut String, s: &str, warnings: &mut Vec<String>, path: &str) {
    if !s.chars().any(needs_cleaning) {
        out.push_str(s);
        return;
    }
    let mut removed = 0;
    let mut last_space = false;
    for c in s.chars() {
        if is_bidi_control(c) {
            removed += 1;
        } else if c.is_control() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        } else {
            out.push(c);
        }
        last_space = false;
    }
    if removed > 0 {
        warnings.push(format!(
            "{path}: removed {removed} bidirectional control character{}",
            if removed == 1 { "" } else { "s" }
        ));
    }
}

fn needs_cleaning(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
