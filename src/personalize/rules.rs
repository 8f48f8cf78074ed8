//! Rules: CEL expressions over the customer record, compiled and checked
//! against the declared fields at load time, evaluated per customer.
//!
//! CEL (the Common Expression Language) is small, has no I/O, no loops
//! beyond bounded macros over lists, and is familiar from IAM policies and
//! Kubernetes: a marketer can read `customer.segment == "gold" && totals.due > 100`.

use std::cell::RefCell;

use cel::common::ast::{EntryExpr, Expr, IdedExpr};
use serde_json::Value;

use crate::design::fields::{Fields, Kind, Lookup};
use crate::error::{Diagnostic, FieldProblem, Place};

/// A compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    /// The rule's name (`[rules]` key), or the place of an inline condition.
    pub name: String,
    pub source: String,
    pub place: Place,
    program: cel::Program,
    /// Top-level record keys the rule reads.
    roots: Vec<String>,
}

impl Rule {
    /// Compiles `source`; every field it reads must be declared.
    pub(crate) fn compile(
        name: &str,
        source: &str,
        place: &Place,
        fields: &Fields,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Rule> {
        let program = match cel::Program::compile(source) {
            Ok(p) => p,
            Err(e) => {
                for err in &e.errors {
                    let (line, col) = err.pos;
                    let p = if line <= 1 {
                        place.offset(col.max(0) as usize)
                    } else {
                        place.clone()
                    };
                    diags.push(Diagnostic::new(p, format!("rule `{name}` does not parse: {}", err.msg)).hint("rules are CEL expressions, e.g. account.overdue && totals.due > 100"));
                }
                if e.errors.is_empty() {
                    diags.push(Diagnostic::new(
                        place.clone(),
                        format!("rule `{name}` does not parse"),
                    ));
                }
                return None;
            }
        };
        let mut check = Check {
            fields,
            place,
            name,
            source,
            diags,
            bound: Vec::new(),
            roots: Vec::new(),
            ok: true,
        };
        check.expr(program.expression());
        let ok = check.ok;
        let mut roots = check.roots;
        roots.sort();
        roots.dedup();
        ok.then(|| Rule {
            name: name.to_owned(),
            source: source.to_owned(),
            place: place.clone(),
            program,
            roots,
        })
    }
}

struct Check<'a> {
    fields: &'a Fields,
    place: &'a Place,
    name: &'a str,
    source: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    /// Comprehension variables and the list path they range over.
    bound: Vec<(String, String)>,
    roots: Vec<String>,
    ok: bool,
}

const FUNCTIONS: &[&str] = &[
    "size",
    "has",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "exists",
    "all",
    "exists_one",
    "map",
    "filter",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "max",
    "min",
    "type",
];

impl Check<'_> {
    /// The dotted path of a select chain rooted at an identifier, through
    /// list indexing (`usage[11].kwh` is `usage.kwh`).
    fn path(&self, e: &IdedExpr) -> Option<String> {
        match &e.expr {
            Expr::Ident(name) => match self.bound.iter().rev().find(|(v, _)| v == name) {
                // A comprehension's accumulator (or a variable over something
                // that is not a declared list) is not a field.
                Some((_, list)) if list.is_empty() => None,
                Some((_, list)) => Some(list.clone()),
                None => Some(name.clone()),
            },
            Expr::Select(s) => Some(format!("{}.{}", self.path(&s.operand)?, s.field)),
            Expr::Call(c) if c.func_name == "_[_]" && c.args.len() == 2 => self.path(&c.args[0]),
            _ => None,
        }
    }

    fn fail(&mut self, msg: String, hint: Option<String>) {
        let mut d = Diagnostic::new(self.place.clone(), format!("rule `{}`: {msg}", self.name));
        d.hint = hint;
        self.diags.push(d);
        self.ok = false;
    }

    fn reference(&mut self, path: &str) {
        let root = path.split('.').next().unwrap_or(path).to_owned();
        if self.bound.iter().any(|(v, _)| *v == root) {
            return;
        }
        match self.fields.lookup(path) {
            Lookup::Field(_) | Lookup::Group => self.roots.push(root),
            Lookup::Unknown => {
                let hint = match self.fields.suggest(path) {
                    Some(s) => format!(
                        "did you mean `{s}`? Rules may only read fields declared in [fields]"
                    ),
                    None => "rules may only read fields declared in [fields]".to_owned(),
                };
                self.fail(
                    format!("unknown field `{path}` in {:?}", self.source),
                    Some(hint),
                );
            }
        }
    }

    fn expr(&mut self, e: &IdedExpr) {
        match &e.expr {
            Expr::Ident(_) | Expr::Select(_) => {
                if let Some(p) = self.path(e) {
                    self.reference(&p);
                } else if let Expr::Select(s) = &e.expr {
                    self.expr(&s.operand);
                }
            }
            Expr::Call(c) => {
                if c.func_name == "_[_]"
                    && let Some(p) = self.path(e)
                {
                    self.reference(&p);
                    for a in &c.args[1..] {
                        self.expr(a);
                    }
                    return;
                }
                // Operators are `_+_`, `!_`, `@in`...: only named functions are checked.
                if c.func_name.starts_with(|ch: char| ch.is_ascii_alphabetic())
                    && !FUNCTIONS.contains(&c.func_name.as_str())
                {
                    self.fail(
                        format!("unknown function `{}`", c.func_name),
                        Some(format!("functions: {}", FUNCTIONS.join(", "))),
                    );
                }
                if let Some(t) = &c.target {
                    self.expr(t);
                }
                for a in &c.args {
                    self.expr(a);
                }
            }
            Expr::Comprehension(c) => {
                self.expr(&c.iter_range);
                let list = self.path(&c.iter_range);
                if let Some(l) = &list
                    && self.fields.get(l).is_some_and(|t| t.kind != Kind::List)
                {
                    self.fail(format!("`{l}` is not a list"), None);
                }
                let n = self.bound.len();
                self.bound
                    .push((c.iter_var.clone(), list.clone().unwrap_or_default()));
                if let Some(v2) = &c.iter_var2 {
                    self.bound.push((v2.clone(), list.unwrap_or_default()));
                }
                self.bound.push((c.accu_var.clone(), String::new()));
                for part in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                    self.expr(part);
                }
                self.bound.truncate(n);
            }
            Expr::List(l) => {
                for el in &l.elements {
                    self.expr(el);
                }
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        self.expr(&me.key);
                        self.expr(&me.value);
                    }
                }
            }
            Expr::Struct(_) => self.fail("message literals are not supported".to_owned(), None),
            _ => {}
        }
    }
}

thread_local! {
    /// CEL's standard functions, registered once per thread: building a
    /// context costs tens of microseconds, a child scope about one.
    static BASE: RefCell<Option<cel::Context<'static, 'static>>> = const { RefCell::new(None) };
}

/// Evaluates `rules` for one record, in order. A rule that fails or does not
/// give true/false is a problem of the record, with the rule's name.
pub(crate) fn evaluate(rules: &[Rule], record: &Value) -> Result<Vec<bool>, FieldProblem> {
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    BASE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let base = slot.get_or_insert_with(cel::Context::default);
        let mut ctx = base.new_inner_scope();
        let mut added: Vec<&str> = Vec::new();
        for rule in rules {
            for root in &rule.roots {
                if added.contains(&root.as_str()) {
                    continue;
                }
                added.push(root);
                let v = record.get(root).unwrap_or(&Value::Null);
                ctx.add_variable_from_value(root.clone(), json_to_cel(v));
            }
        }
        rules
            .iter()
            .map(|r| match r.program.execute(&ctx) {
                Ok(cel::Value::Bool(b)) => Ok(b),
                Ok(other) => Err(FieldProblem {
                    path: format!("rule {}", r.name),
                    message: format!("gave {other:?}, not true or false ({})", r.place),
                }),
                Err(e) => Err(FieldProblem {
                    path: format!("rule {}", r.name),
                    message: format!("{e} ({}); use has(...) for optional fields", r.place),
                }),
            })
            .collect()
    })
}

fn json_to_cel(v: &Value) -> cel::Value {
    match v {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => cel::Value::Int(i),
            None => cel::Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        // Money may come as a decimal string; numbers compare with numbers.
        Value::String(s) => cel::Value::String(s.clone().into()),
        Value::Array(a) => cel::Value::List(a.iter().map(json_to_cel).collect::<Vec<_>>().into()),
        Value::Object(m) => {
            let map: std::collections::HashMap<cel::objects::Key, cel::Value> = m
                .iter()
                .map(|(k, v)| (cel::objects::Key::String(k.clone().into()), json_to_cel(v)))
                .collect();
            cel::Value::Map(cel::objects::Map { map: map.into() })
        }
    }
}
