//! Evaluating a compiled value for one record.
//!
//! The tree was type-checked at load, so evaluation only meets what data can
//! cause: an optional field the record leaves out, an earlier value that is
//! absent, a division by zero, an index past the end of a list, an overflow.
//! Each makes the value [`Absent`], with the reason; none is a panic or a
//! guessed number.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use super::Ty;
use crate::design::fields::money_minor;

/// A compiled, typed expression.
#[derive(Debug)]
pub(super) enum Vx {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(Box<str>),
    /// The record itself (the root of its fields).
    Record,
    /// A value computed before this one, by its place in evaluation order.
    Value(usize),
    HasValue(usize),
    /// A comprehension variable, by depth from the innermost binding.
    Var(usize),
    /// A field of a record: the field's name, how to read it, its declared path.
    Select(Box<Vx>, Box<str>, Conv, Box<str>),
    Has(Box<Vx>, Box<str>),
    Index(Box<Vx>, Box<Vx>),
    In(Box<Vx>, Box<Vx>),
    List(Vec<Vx>),
    Not(Box<Vx>),
    Neg(Box<Vx>),
    And(Box<Vx>, Box<Vx>),
    Or(Box<Vx>, Box<Vx>),
    Cond(Box<Vx>, Box<Vx>, Box<Vx>),
    Bin(Op, Box<Vx>, Box<Vx>),
    Call(Func, Vec<Vx>),
    /// A macro: range, accumulator init, loop condition, step, result.
    Fold(Box<[Vx; 5]>),
}

/// How a declared field's JSON is read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Conv {
    Double,
    Int,
    Money,
    Str,
    Bool,
    /// A record or a list of records, read in place.
    Json,
}

/// The functions of values.
#[derive(Debug, Clone, Copy)]
pub(super) enum Func {
    Size,
    Double,
    Int,
    String,
    Max,
    Min,
    Contains,
    StartsWith,
    EndsWith,
}

/// The binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

const INT_DOUBLE: &str = "CEL does not mix int and double in arithmetic: write 100.0 for a double, or convert with double(x) or int(x)";

impl Op {
    pub(super) fn of(name: &str) -> Option<Op> {
        Some(match name {
            "_+_" => Op::Add,
            "_-_" => Op::Sub,
            "_*_" => Op::Mul,
            "_/_" => Op::Div,
            "_%_" => Op::Rem,
            "_==_" => Op::Eq,
            "_!=_" => Op::Ne,
            "_<_" => Op::Lt,
            "_<=_" => Op::Le,
            "_>_" => Op::Gt,
            "_>=_" => Op::Ge,
            _ => return None,
        })
    }

    pub(super) fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Rem => "%",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// The type of `a op b`, or a hint why there is none.
    pub(super) fn result(self, a: &Ty, b: &Ty) -> Result<Ty, &'static str> {
        use Ty::*;
        let num = |t: &Ty| matches!(t, Int | Double);
        match self {
            Op::Eq | Op::Ne => match super::check::unify(a, b) {
                Some(_) => Ok(Bool),
                None if num(a) && num(b) => Ok(Bool),
                None => Err("compare values of one type"),
            },
            Op::Lt | Op::Le | Op::Gt | Op::Ge => match (a, b) {
                (x, y) if num(x) && num(y) => Ok(Bool),
                (Money, Money) | (Str, Str) | (Date, Date | Str) | (Str, Date) | (Bool, Bool) => {
                    Ok(Bool)
                }
                (Money, _) | (_, Money) => {
                    Err("compare money with money, or convert it: double(totals.due) > 100.0")
                }
                _ => Err("order numbers, money, strings or dates of one type"),
            },
            Op::Add => match (a, b) {
                (Int, Int) | (Double, Double) | (Money, Money) | (Str, Str) => Ok(a.clone()),
                (List(_), List(_)) => {
                    super::check::unify(a, b).ok_or("the lists hold different types")
                }
                (Int, Double) | (Double, Int) => Err(INT_DOUBLE),
                _ => Err("add numbers of one type, money to money or strings to strings"),
            },
            Op::Sub => match (a, b) {
                (Int, Int) | (Double, Double) | (Money, Money) => Ok(a.clone()),
                (Int, Double) | (Double, Int) => Err(INT_DOUBLE),
                _ => Err("subtract numbers of one type or money from money"),
            },
            Op::Mul => match (a, b) {
                (Int, Int) | (Double, Double) => Ok(a.clone()),
                (Money, Int | Double) | (Int | Double, Money) => Ok(Money),
                (Int, Double) | (Double, Int) => Err(INT_DOUBLE),
                _ => Err("multiply numbers, or money by a number"),
            },
            Op::Div => match (a, b) {
                (Int, Int) | (Double, Double) => Ok(a.clone()),
                (Money, Int | Double) => Ok(Money),
                (Money, Money) => Ok(Double),
                (Int, Double) | (Double, Int) => Err(INT_DOUBLE),
                _ => Err("divide numbers, money by a number, or money by money (a ratio)"),
            },
            Op::Rem => match (a, b) {
                (Int, Int) => Ok(Int),
                _ => Err("% takes two ints"),
            },
        }
    }
}

/// Why a value could not be computed for a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Absent {
    /// An optional field the record leaves out (or null).
    Field(String),
    /// A value it reads is absent.
    Value(String),
    /// The expression gave `null`.
    Null,
    DivisionByZero,
    /// An index past the end of a list (or negative).
    Index,
    /// A result too large for its type (or not a finite number).
    Overflow,
}

impl std::fmt::Display for Absent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Absent::Field(p) => write!(f, "the record has no `{p}`"),
            Absent::Value(n) => write!(f, "`values.{n}` is absent"),
            Absent::Null => write!(f, "the expression gave null"),
            Absent::DivisionByZero => write!(f, "division by zero"),
            Absent::Index => write!(f, "index out of range"),
            Absent::Overflow => write!(f, "the result is out of range"),
        }
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    /// An amount in minor units of the record's currency.
    Money(i64),
    Str(Cow<'a, str>),
    /// A record or list of records of the customer record, in place.
    Json(&'a Value),
    List(Vec<V<'a>>),
}

type R<'a> = Result<V<'a>, Absent>;

/// What evaluation reads.
pub(super) struct Ctx<'a, 'c> {
    pub record: &'a Value,
    /// Digits of the record's currency's minor unit.
    pub digits: u8,
    /// The values computed so far (absent ones with their name).
    pub done: &'c [(&'a str, Result<V<'a>, Absent>)],
}

impl Vx {
    // Over 60 lines on purpose: one arm per node kind, as `check` builds them.
    pub(super) fn eval<'a>(&'a self, cx: &Ctx<'a, '_>, scope: &mut Vec<V<'a>>) -> R<'a> {
        Ok(match self {
            Vx::Null => V::Null,
            Vx::Bool(b) => V::Bool(*b),
            Vx::Int(i) => V::Int(*i),
            Vx::Double(d) => V::Double(*d),
            Vx::Str(s) => V::Str(Cow::Borrowed(s)),
            Vx::Record => V::Json(cx.record),
            Vx::Value(i) => match &cx.done[*i] {
                (_, Ok(v)) => v.clone(),
                (name, Err(_)) => return Err(Absent::Value((*name).to_owned())),
            },
            Vx::HasValue(i) => V::Bool(cx.done[*i].1.is_ok()),
            Vx::Var(depth) => scope[scope.len() - 1 - depth].clone(),
            Vx::Select(x, field, conv, path) => match x.eval(cx, scope)? {
                V::Json(Value::Object(m)) => match m.get(&**field) {
                    None | Some(Value::Null) => return Err(Absent::Field(path.to_string())),
                    Some(v) => read(v, *conv, cx.digits).ok_or(Absent::Field(path.to_string()))?,
                },
                _ => return Err(Absent::Field(path.to_string())),
            },
            Vx::Has(x, field) => V::Bool(match x.eval(cx, scope) {
                Ok(V::Json(Value::Object(m))) => m.get(&**field).is_some_and(|v| !v.is_null()),
                _ => false,
            }),
            Vx::Index(l, i) => {
                let (l, i) = (l.eval(cx, scope)?, i.eval(cx, scope)?);
                let V::Int(i) = i else {
                    return Err(Absent::Index);
                };
                let i = usize::try_from(i).map_err(|_| Absent::Index)?;
                match l {
                    V::Json(Value::Array(a)) => V::Json(a.get(i).ok_or(Absent::Index)?),
                    V::List(mut l) if i < l.len() => l.swap_remove(i),
                    _ => return Err(Absent::Index),
                }
            }
            Vx::In(x, l) => {
                let x = x.eval(cx, scope)?;
                match l.eval(cx, scope)? {
                    V::List(items) => V::Bool(items.iter().any(|i| equal(i, &x))),
                    // Records are never equal to a scalar.
                    _ => V::Bool(false),
                }
            }
            Vx::List(xs) => V::List(
                xs.iter()
                    .map(|x| x.eval(cx, scope))
                    .collect::<Result<_, _>>()?,
            ),
            Vx::Not(x) => V::Bool(!truth(x.eval(cx, scope)?)),
            Vx::Neg(x) => match x.eval(cx, scope)? {
                V::Int(i) => V::Int(i.checked_neg().ok_or(Absent::Overflow)?),
                V::Money(m) => V::Money(m.checked_neg().ok_or(Absent::Overflow)?),
                V::Double(d) => V::Double(-d),
                _ => return Err(Absent::Overflow),
            },
            // cel's commutative logic: `false && absent` is false.
            Vx::And(a, b) => match a.eval(cx, scope).map(truth) {
                Ok(false) => V::Bool(false),
                Ok(true) => V::Bool(truth(b.eval(cx, scope)?)),
                Err(e) => match b.eval(cx, scope).map(truth) {
                    Ok(false) => V::Bool(false),
                    _ => return Err(e),
                },
            },
            Vx::Or(a, b) => match a.eval(cx, scope).map(truth) {
                Ok(true) => V::Bool(true),
                Ok(false) => V::Bool(truth(b.eval(cx, scope)?)),
                Err(e) => match b.eval(cx, scope).map(truth) {
                    Ok(true) => V::Bool(true),
                    _ => return Err(e),
                },
            },
            Vx::Cond(c, a, b) => match truth(c.eval(cx, scope)?) {
                true => a.eval(cx, scope)?,
                false => b.eval(cx, scope)?,
            },
            Vx::Bin(op, a, b) => binary(*op, a.eval(cx, scope)?, b.eval(cx, scope)?)?,
            Vx::Call(f, args) => {
                let args = args
                    .iter()
                    .map(|x| x.eval(cx, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                call(*f, args, cx.digits)?
            }
            Vx::Fold(parts) => fold(parts, cx, scope)?,
        })
    }
}

fn truth(v: V<'_>) -> bool {
    matches!(v, V::Bool(true))
}

/// A macro: `accu = init; for x in range { if !cond break; accu = step }; result`.
fn fold<'a>(parts: &'a [Vx; 5], cx: &Ctx<'a, '_>, scope: &mut Vec<V<'a>>) -> R<'a> {
    let [range, init, cond, step, result] = parts;
    let items: Vec<V<'a>> = match range.eval(cx, scope)? {
        V::Json(Value::Array(a)) => a.iter().map(V::Json).collect(),
        V::List(l) => l,
        _ => return Err(Absent::Index),
    };
    let init = init.eval(cx, scope)?;
    let n = scope.len();
    scope.push(init);
    scope.push(V::Null);
    let out = (|| {
        for item in items {
            if !truth(cond.eval(cx, scope)?) {
                break;
            }
            scope[n + 1] = item;
            scope[n] = step.eval(cx, scope)?;
        }
        result.eval(cx, scope)
    })();
    scope.truncate(n);
    out
}

/// A field's JSON as its declared type (the record was validated, so this
/// fails only on data the validation let through as absent).
fn read(v: &Value, conv: Conv, digits: u8) -> Option<V<'_>> {
    Some(match conv {
        Conv::Double => V::Double(v.as_f64().filter(|d| d.is_finite())?),
        Conv::Int => V::Int(v.as_i64()?),
        Conv::Money => V::Money(money_minor(v, digits)?),
        Conv::Str => V::Str(Cow::Borrowed(v.as_str()?)),
        Conv::Bool => V::Bool(v.as_bool()?),
        Conv::Json => V::Json(v),
    })
}

fn equal(a: &V<'_>, b: &V<'_>) -> bool {
    match (a, b) {
        (V::Int(x), V::Double(y)) | (V::Double(y), V::Int(x)) => (*x as f64) == *y,
        (V::Json(x), V::Json(y)) => x == y,
        _ => a == b,
    }
}

fn order(a: &V<'_>, b: &V<'_>) -> Option<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) | (V::Money(x), V::Money(y)) => Some(x.cmp(y)),
        (V::Int(x), V::Double(y)) => (*x as f64).partial_cmp(y),
        (V::Double(x), V::Int(y)) => x.partial_cmp(&(*y as f64)),
        (V::Double(x), V::Double(y)) => x.partial_cmp(y),
        (V::Str(x), V::Str(y)) => Some(x.cmp(y)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// A finite double, or absent.
fn finite<'a>(d: f64) -> R<'a> {
    if d.is_finite() {
        Ok(V::Double(d))
    } else {
        Err(Absent::Overflow)
    }
}

/// An amount from a double of minor units, rounded half away from zero.
fn money<'a>(minor: f64) -> R<'a> {
    let r = minor.round();
    if r.is_finite() && r.abs() < 9e15 {
        Ok(V::Money(r as i64))
    } else {
        Err(Absent::Overflow)
    }
}

fn binary<'a>(op: Op, a: V<'a>, b: V<'a>) -> R<'a> {
    let ord = || order(&a, &b).ok_or(Absent::Overflow);
    Ok(match op {
        Op::Eq => V::Bool(equal(&a, &b)),
        Op::Ne => V::Bool(!equal(&a, &b)),
        Op::Lt => V::Bool(ord()? == Ordering::Less),
        Op::Le => V::Bool(ord()? != Ordering::Greater),
        Op::Gt => V::Bool(ord()? == Ordering::Greater),
        Op::Ge => V::Bool(ord()? != Ordering::Less),
        _ => return arithmetic(op, a, b),
    })
}

fn arithmetic<'a>(op: Op, a: V<'a>, b: V<'a>) -> R<'a> {
    let ov = Absent::Overflow;
    Ok(match (a, b) {
        (V::Int(x), V::Int(y)) => V::Int(match op {
            Op::Add => x.checked_add(y).ok_or(ov)?,
            Op::Sub => x.checked_sub(y).ok_or(ov)?,
            Op::Mul => x.checked_mul(y).ok_or(ov)?,
            Op::Div if y == 0 => return Err(Absent::DivisionByZero),
            Op::Div => x.checked_div(y).ok_or(ov)?,
            Op::Rem if y == 0 => return Err(Absent::DivisionByZero),
            _ => x.checked_rem(y).ok_or(ov)?,
        }),
        (V::Double(x), V::Double(y)) => match op {
            Op::Add => finite(x + y)?,
            Op::Sub => finite(x - y)?,
            Op::Mul => finite(x * y)?,
            _ if y == 0.0 => return Err(Absent::DivisionByZero),
            _ => finite(x / y)?,
        },
        (V::Money(x), V::Money(y)) => match op {
            Op::Add => V::Money(x.checked_add(y).ok_or(ov)?),
            Op::Sub => V::Money(x.checked_sub(y).ok_or(ov)?),
            _ if y == 0 => return Err(Absent::DivisionByZero),
            _ => finite(x as f64 / y as f64)?,
        },
        (V::Money(m), n) | (n, V::Money(m)) if op == Op::Mul => money(m as f64 * number(&n))?,
        (V::Money(m), n) => {
            let n = number(&n);
            if n == 0.0 {
                return Err(Absent::DivisionByZero);
            }
            money(m as f64 / n)?
        }
        (V::Str(x), V::Str(y)) => V::Str(Cow::Owned(x.into_owned() + &y)),
        (V::List(mut x), V::List(y)) => {
            x.extend(y);
            V::List(x)
        }
        _ => return Err(ov),
    })
}

fn number(v: &V<'_>) -> f64 {
    match v {
        V::Int(i) => *i as f64,
        V::Double(d) => *d,
        _ => f64::NAN,
    }
}

fn call<'a>(f: Func, mut args: Vec<V<'a>>, digits: u8) -> R<'a> {
    let first = args.first().cloned().unwrap_or(V::Null);
    Ok(match (f, first) {
        (Func::Size, V::Str(s)) => V::Int(s.chars().count() as i64),
        (Func::Size, V::Json(Value::Array(a))) => V::Int(a.len() as i64),
        (Func::Size, V::List(l)) => V::Int(l.len() as i64),
        (Func::Double, V::Money(m)) => finite(m as f64 / 10f64.powi(digits as i32))?,
        (Func::Double, v) => finite(number(&v))?,
        (Func::Int, V::Int(i)) => V::Int(i),
        (Func::Int, V::Double(d)) if d.abs() < 9.2e18 => V::Int(d.trunc() as i64),
        (Func::String, V::Int(i)) => V::Str(Cow::Owned(i.to_string())),
        (Func::String, s @ V::Str(_)) => s,
        (Func::Max | Func::Min, _) => {
            let want = if matches!(f, Func::Max) {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            let mut best = args.swap_remove(0);
            for v in args {
                if order(&v, &best) == Some(want) {
                    best = v;
                }
            }
            best
        }
        (Func::Contains | Func::StartsWith | Func::EndsWith, V::Str(t)) => {
            let V::Str(a) = &args[1] else {
                return Err(Absent::Overflow);
            };
            V::Bool(match f {
                Func::Contains => t.contains(a.as_ref()),
                Func::StartsWith => t.starts_with(a.as_ref()),
                _ => t.ends_with(a.as_ref()),
            })
        }
        _ => return Err(Absent::Overflow),
    })
}

/// A result as JSON, as placeholders and rules read it: money as a decimal
/// string in major units (`"12.34"`).
pub(super) fn to_json(v: &V<'_>, digits: u8) -> Option<Value> {
    Some(match v {
        V::Int(i) => Value::from(*i),
        V::Double(d) => Value::from(serde_json::Number::from_f64(*d)?),
        V::Money(m) => Value::String(decimal(*m, digits)),
        V::Str(s) => Value::String(s.to_string()),
        _ => return None,
    })
}

/// `-1234` with 2 digits is `"-12.34"`.
fn decimal(minor: i64, digits: u8) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if digits == 0 {
        return format!("{sign}{abs}");
    }
    let unit = 10u64.pow(digits as u32);
    format!(
        "{sign}{}.{:0w$}",
        abs / unit,
        abs % unit,
        w = digits as usize
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals() {
        assert_eq!(super::decimal(-1234, 2), "-12.34");
        assert_eq!(super::decimal(5, 2), "0.05");
        assert_eq!(super::decimal(7, 0), "7");
        assert_eq!(super::decimal(-1, 3), "-0.001");
    }
}
