//! Type-checking a value's CEL expression at load time, and compiling it
//! into [`Vx`], the typed tree the evaluator walks per record.
//!
//! Every field is read with its declared type: `number` fields are doubles,
//! `integer` fields ints, `money` fields exact amounts in minor units of the
//! record's currency, `string`, `url` and `date` fields strings. As in CEL,
//! ints and doubles do not mix in arithmetic (`x * 100` on a double is an
//! error at load; write `100.0`); they do compare.

use cel::common::ast::{CallExpr, ComprehensionExpr, Expr, IdedExpr, LiteralValue};

use super::Ty;
use super::eval::{Conv, Func, Op, Vx};
use crate::design::fields::{FieldType, Fields, Kind, Lookup};
use crate::model::{Diagnostic, Place};

/// The functions a value may call.
pub(super) const FUNCTIONS: &str = "size, double, int, string, max, min, contains, startsWith, endsWith, has, and the macros exists, all, exists_one, map, filter";

/// What checking one value's expression sees.
pub(super) struct Checker<'a> {
    pub fields: &'a Fields,
    /// The values compiled so far (those this one may read): name and type.
    pub values: &'a [(String, Ty)],
    /// The value being checked, for messages.
    pub name: &'a str,
    /// The place of byte `offset` of the expression.
    pub at: &'a dyn Fn(usize) -> Place,
    pub source_info: &'a cel::common::ast::SourceInfo,
    pub diags: Vec<Diagnostic>,
    /// Comprehension variables, innermost last, with their types.
    bound: Vec<(String, Ty)>,
}

type Typed = Option<(Vx, Ty)>;

impl<'a> Checker<'a> {
    pub(super) fn new(
        fields: &'a Fields,
        values: &'a [(String, Ty)],
        name: &'a str,
        at: &'a dyn Fn(usize) -> Place,
        source_info: &'a cel::common::ast::SourceInfo,
    ) -> Checker<'a> {
        Checker {
            fields,
            values,
            name,
            at,
            source_info,
            diags: Vec::new(),
            bound: Vec::new(),
        }
    }

    fn place(&self, e: &IdedExpr) -> Place {
        let offset = self.source_info.offset_for(e.id).map_or(0, |(s, _)| s);
        (self.at)(offset as usize)
    }

    fn fail(&mut self, e: &IdedExpr, msg: String, hint: Option<&str>) -> Typed {
        let mut d = Diagnostic::new(self.place(e), format!("value `{}`: {msg}", self.name));
        d.hint = hint.map(str::to_owned);
        self.diags.push(d);
        None
    }

    /// Compiles `e`, or `None` after reporting why it cannot be.
    pub(super) fn expr(&mut self, e: &IdedExpr) -> Typed {
        match &e.expr {
            Expr::Literal(l) => self.literal(e, l),
            Expr::Ident(name) => self.ident(e, name),
            Expr::Select(s) if s.test => self.has(e, &s.operand, &s.field),
            Expr::Select(s) => {
                let (x, ty) = self.expr(&s.operand)?;
                self.select(e, x, ty, &s.field)
            }
            Expr::List(l) if l.optional_indices.is_empty() => {
                let mut items = Vec::new();
                let mut elem = Ty::Any;
                for el in &l.elements {
                    let (x, t) = self.expr(el)?;
                    elem = self.unify(el, &elem, &t, "list elements")?;
                    items.push(x);
                }
                Some((Vx::List(items), Ty::List(Box::new(elem))))
            }
            Expr::Call(c) => self.call(e, c),
            Expr::Comprehension(c) => self.comprehension(c),
            _ => self.fail(
                e,
                "map and message literals are not supported in values".to_owned(),
                None,
            ),
        }
    }

    fn literal(&mut self, e: &IdedExpr, l: &LiteralValue) -> Typed {
        Some(match l {
            LiteralValue::Null => (Vx::Null, Ty::Null),
            LiteralValue::Boolean(b) => (Vx::Bool(*b.inner()), Ty::Bool),
            LiteralValue::Int(i) => (Vx::Int(*i.inner()), Ty::Int),
            LiteralValue::Double(d) => (Vx::Double(*d.inner()), Ty::Double),
            LiteralValue::String(s) => (Vx::Str(s.inner().into()), Ty::Str),
            LiteralValue::UInt(_) | LiteralValue::Bytes(_) => {
                return self.fail(
                    e,
                    "unsigned and bytes literals are not supported".to_owned(),
                    None,
                );
            }
        })
    }

    fn ident(&mut self, e: &IdedExpr, name: &str) -> Typed {
        if let Some(depth) = self.bound.iter().rev().position(|(v, _)| v == name) {
            let ty = self.bound[self.bound.len() - 1 - depth].1.clone();
            return Some((Vx::Var(depth), ty));
        }
        if name == "values" {
            return Some((Vx::Null, Ty::Values));
        }
        self.select(e, Vx::Record, Ty::Record(String::new()), name)
    }

    /// `x.field`: a declared field of a record, or a value of `values`.
    fn select(&mut self, e: &IdedExpr, x: Vx, ty: Ty, field: &str) -> Typed {
        match ty {
            Ty::Values => match self.values.iter().position(|(n, _)| n == field) {
                Some(i) => Some((Vx::Value(i), self.values[i].1.clone())),
                None => self.fail(
                    e,
                    format!("unknown value `values.{field}`"),
                    Some("a value may read the values declared before it in [values]"),
                ),
            },
            Ty::Record(prefix) => {
                let path = join(&prefix, field);
                match self.fields.lookup(&path) {
                    Lookup::Field(ft) => {
                        let (conv, ty) = field_type(&path, ft);
                        Some((Vx::Select(Box::new(x), field.into(), conv, path.into()), ty))
                    }
                    Lookup::Group => Some((
                        Vx::Select(Box::new(x), field.into(), Conv::Json, path.clone().into()),
                        Ty::Record(path),
                    )),
                    Lookup::Unknown => {
                        let hint = match self.fields.suggest(&path) {
                            Some(s) => format!(
                                "did you mean `{s}`? Values may only read fields declared in [fields]"
                            ),
                            None => "values may only read fields declared in [fields]".to_owned(),
                        };
                        self.fail(e, format!("unknown field `{path}`"), Some(&hint))
                    }
                }
            }
            other => self.fail(
                e,
                format!("`.{field}` on {}, which has no fields", other.name()),
                None,
            ),
        }
    }

    /// `has(x.field)`: whether the record (or the values) hold it.
    fn has(&mut self, e: &IdedExpr, operand: &IdedExpr, field: &str) -> Typed {
        let (x, ty) = self.expr(operand)?;
        match ty {
            Ty::Values => match self.values.iter().position(|(n, _)| n == field) {
                Some(i) => Some((Vx::HasValue(i), Ty::Bool)),
                None => self.fail(e, format!("unknown value `values.{field}`"), None),
            },
            Ty::Record(prefix) => {
                let path = join(&prefix, field);
                if !self.fields.lookup(&path).is_known() {
                    return self.fail(
                        e,
                        format!("unknown field `{path}`"),
                        Some("values may only read fields declared in [fields]"),
                    );
                }
                Some((Vx::Has(Box::new(x), field.into()), Ty::Bool))
            }
            other => self.fail(e, format!("has() of a field of {}", other.name()), None),
        }
    }

    /// The common type of two branches (or list elements).
    fn unify(&mut self, e: &IdedExpr, a: &Ty, b: &Ty, what: &str) -> Option<Ty> {
        match unify(a, b) {
            Some(t) => Some(t),
            None => {
                self.fail(
                    e,
                    format!("{what} are {} and {}", a.name(), b.name()),
                    Some("give them one type; null stands for `absent`"),
                );
                None
            }
        }
    }

    fn call(&mut self, e: &IdedExpr, c: &CallExpr) -> Typed {
        let name = c.func_name.as_str();
        if let Some(op) = Op::of(name) {
            let [a, b] = c.args.as_slice() else {
                return self.fail(e, format!("`{name}` takes two operands"), None);
            };
            let (xa, ta) = self.expr(a)?;
            let (xb, tb) = self.expr(b)?;
            return self.binary(e, op, (xa, ta), (xb, tb));
        }
        let mut args = Vec::new();
        if let Some(t) = &c.target {
            args.push(self.expr(t)?);
        }
        for a in &c.args {
            args.push(self.expr(a)?);
        }
        match (name, args.as_mut_slice()) {
            ("_&&_" | "_||_", [(_, ta), (_, tb)]) if *ta == Ty::Bool && *tb == Ty::Bool => {
                let mut it = args.into_iter().map(|(x, _)| Box::new(x));
                let (a, b) = (it.next()?, it.next()?);
                Some((
                    if name == "_&&_" {
                        Vx::And(a, b)
                    } else {
                        Vx::Or(a, b)
                    },
                    Ty::Bool,
                ))
            }
            ("!_" | "@not_strictly_false", [(_, Ty::Bool)]) => {
                let (x, _) = args.pop()?;
                let node = if name == "!_" {
                    Vx::Not(Box::new(x))
                } else {
                    x
                };
                Some((node, Ty::Bool))
            }
            ("-_", [(_, t @ (Ty::Int | Ty::Double | Ty::Money))]) => {
                let t = t.clone();
                let (x, _) = args.pop()?;
                Some((Vx::Neg(Box::new(x)), t))
            }
            ("_?_:_", [(_, Ty::Bool), (_, t1), (_, t2)]) => {
                let (t1, t2) = (t1.clone(), t2.clone());
                let ty = self.unify(e, &t1, &t2, "the branches of `?:`")?;
                let mut it = args.into_iter().map(|(x, _)| Box::new(x));
                let (c, a, b) = (it.next()?, it.next()?, it.next()?);
                Some((Vx::Cond(c, a, b), ty))
            }
            ("_[_]", [(_, Ty::List(elem)), (_, Ty::Int)]) => {
                let elem = (**elem).clone();
                let mut it = args.into_iter().map(|(x, _)| Box::new(x));
                let (l, i) = (it.next()?, it.next()?);
                Some((Vx::Index(l, i), elem))
            }
            ("@in", [(_, _), (_, Ty::List(_))]) => {
                let mut it = args.into_iter().map(|(x, _)| Box::new(x));
                let (x, l) = (it.next()?, it.next()?);
                Some((Vx::In(x, l), Ty::Bool))
            }
            _ => self.function(e, name, args),
        }
    }

    /// A named function, with its arguments compiled (a method's target first).
    fn function(&mut self, e: &IdedExpr, name: &str, args: Vec<(Vx, Ty)>) -> Typed {
        let tys: Vec<&Ty> = args.iter().map(|(_, t)| t).collect();
        let (func, ty) = match (name, tys.as_slice()) {
            ("size", [Ty::Str | Ty::List(_)]) => (Func::Size, Ty::Int),
            ("double", [Ty::Int | Ty::Double | Ty::Money]) => (Func::Double, Ty::Double),
            ("int", [Ty::Int | Ty::Double]) => (Func::Int, Ty::Int),
            ("string", [Ty::Str | Ty::Int]) => (Func::String, Ty::Str),
            ("string", [_]) => {
                return self.fail(
                    e,
                    format!("string() of {}", tys[0].name()),
                    Some("format numbers and money in the placeholder: {{number values.x}}, {{money values.x}}"),
                );
            }
            ("max" | "min", [first, rest @ ..])
                if matches!(first, Ty::Int | Ty::Double | Ty::Money)
                    && rest.iter().all(|t| t == first)
                    && !rest.is_empty() =>
            {
                let f = if name == "max" { Func::Max } else { Func::Min };
                (f, (*first).clone())
            }
            ("contains", [Ty::Str, Ty::Str]) => (Func::Contains, Ty::Bool),
            ("startsWith", [Ty::Str, Ty::Str]) => (Func::StartsWith, Ty::Bool),
            ("endsWith", [Ty::Str, Ty::Str]) => (Func::EndsWith, Ty::Bool),
            _ => {
                let given: Vec<&str> = tys.iter().map(|t| t.name()).collect();
                return self.fail(
                    e,
                    format!("no `{}` for ({})", shown(name), given.join(", ")),
                    Some(&format!("values may use the operators and {FUNCTIONS}")),
                );
            }
        };
        Some((
            Vx::Call(func, args.into_iter().map(|(x, _)| x).collect()),
            ty,
        ))
    }

    /// An arithmetic or comparison operator.
    fn binary(&mut self, e: &IdedExpr, op: Op, a: (Vx, Ty), b: (Vx, Ty)) -> Typed {
        let (ta, tb) = (&a.1, &b.1);
        let ty = match op.result(ta, tb) {
            Ok(t) => t,
            Err(hint) => {
                return self.fail(
                    e,
                    format!("`{}` on {} and {}", op.symbol(), ta.name(), tb.name()),
                    Some(hint),
                );
            }
        };
        Some((Vx::Bin(op, Box::new(a.0), Box::new(b.0)), ty))
    }

    /// A macro (`exists`, `map`, ...) over a list.
    fn comprehension(&mut self, c: &ComprehensionExpr) -> Typed {
        if c.iter_var2.is_some() {
            return self.fail(
                &c.iter_range,
                "two-variable macros are not supported".to_owned(),
                None,
            );
        }
        let (range, rty) = self.expr(&c.iter_range)?;
        let Ty::List(elem) = rty else {
            return self.fail(
                &c.iter_range,
                format!("a macro ranges over a list, not over {}", rty.name()),
                None,
            );
        };
        let (init, mut accu) = self.expr(&c.accu_init)?;
        // The accumulator's type may only be known after a step (`map`
        // starts from `[]`): check the step once quietly to learn it.
        let n = self.diags.len();
        if let Some(step) = self.in_loop(c, &elem, &accu, |cx| cx.expr(&c.loop_step)) {
            accu = unify(&accu, &step.1).unwrap_or(accu);
        }
        self.diags.truncate(n);
        let (cond, step, result) = self
            .in_loop(c, &elem, &accu, |cx| {
                let cond = cx.expr(&c.loop_cond);
                let step = cx.expr(&c.loop_step);
                Some((cond?, step?))
            })
            .and_then(|(cond, step)| {
                let result = self.in_loop(c, &elem, &accu, |cx| cx.expr(&c.result))?;
                Some((cond, step, result))
            })?;
        if unify(&accu, &step.1).is_none() {
            return self.fail(
                &c.loop_step,
                "the macro's steps change type".to_owned(),
                None,
            );
        }
        Some((
            Vx::Fold(Box::new([range, init, cond.0, step.0, result.0])),
            result.1,
        ))
    }

    /// Runs `f` with the macro's accumulator and variable bound (cel binds
    /// the accumulator, then each element in a scope inside it).
    fn in_loop<T>(
        &mut self,
        c: &ComprehensionExpr,
        elem: &Ty,
        accu: &Ty,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let n = self.bound.len();
        self.bound.push((c.accu_var.clone(), accu.clone()));
        self.bound.push((c.iter_var.clone(), elem.clone()));
        let out = f(self);
        self.bound.truncate(n);
        out
    }
}

/// An operator as written (`_&&_` is `&&`), a function as named.
fn shown(name: &str) -> &str {
    match name {
        "_&&_" => "&&",
        "_||_" => "||",
        "!_" => "!",
        "-_" => "-",
        "_?_:_" => "?:",
        "_[_]" => "[]",
        "@in" => "in",
        other => other,
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

/// How a declared field is read, and its type in an expression.
fn field_type(path: &str, ft: FieldType) -> (Conv, Ty) {
    match ft.kind {
        Kind::Number => (Conv::Double, Ty::Double),
        Kind::Integer => (Conv::Int, Ty::Int),
        Kind::Money => (Conv::Money, Ty::Money),
        Kind::String | Kind::Url => (Conv::Str, Ty::Str),
        Kind::Date => (Conv::Str, Ty::Date),
        Kind::Bool => (Conv::Bool, Ty::Bool),
        Kind::List => (Conv::Json, Ty::List(Box::new(Ty::Record(path.to_owned())))),
    }
}

/// The common type of `a` and `b`: `null` and the element of `[]` go with
/// anything.
pub(super) fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        (Ty::Null | Ty::Any, t) | (t, Ty::Null | Ty::Any) => Some(t.clone()),
        (Ty::Date, Ty::Str) | (Ty::Str, Ty::Date) => Some(Ty::Str),
        (Ty::List(x), Ty::List(y)) => Some(Ty::List(Box::new(unify(x, y)?))),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}
