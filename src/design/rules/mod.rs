//! Rules: CEL expressions over the customer record, compiled and checked
//! against the declared fields at load time, evaluated per customer.
//!
//! CEL (the Common Expression Language) is small, has no I/O, no loops
//! beyond bounded macros over lists, and is familiar from IAM policies and
//! Kubernetes: a marketer can read `customer.segment == "gold" && totals.due > 100`.

mod fast;

use std::cell::RefCell;

use std::collections::HashMap;

use cel::common::ast::{CallExpr, ComprehensionExpr, EntryExpr, Expr, IdedExpr};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString,
};
use cel::common::value::Val;
use serde_json::Value;

use super::fields::{Fields, Kind, Lookup};
use crate::model::{Diagnostic, FieldProblem, Place};

/// A compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    /// The rule's name (`[rules]` key), or the place of an inline condition.
    pub name: String,
    pub source: String,
    pub place: Place,
    program: cel::Program,
    /// The record paths the rule reads (list levels transparent:
    /// `usage.months[0].kwh` is `usage.months.kwh`), and whether it reads
    /// the whole value there or only its shape (a list a macro ranges over,
    /// whose elements are read field by field).
    paths: Vec<(String, bool)>,
    /// The same expression for the direct evaluator, when it covers it.
    fast: Option<fast::Fx>,
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
            paths: Vec::new(),
            ok: true,
        };
        check.expr(program.expression());
        let ok = check.ok;
        let mut paths = check.paths;
        paths.sort();
        paths.dedup();
        ok.then(|| Rule {
            name: name.to_owned(),
            source: source.to_owned(),
            place: place.clone(),
            fast: fast::compile(program.expression()),
            program,
            paths,
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
    paths: Vec<(String, bool)>,
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
        self.reference_as(path, true);
    }

    fn reference_as(&mut self, path: &str, whole: bool) {
        match self.fields.lookup(path) {
            Lookup::Field(_) | Lookup::Group => self.paths.push((path.to_owned(), whole)),
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

    /// The index expressions inside a path (`tiers[customer.tier].rate`
    /// reads `customer.tier` too): checked and recorded like any other.
    fn indexes(&mut self, e: &IdedExpr) {
        match &e.expr {
            Expr::Select(s) => self.indexes(&s.operand),
            Expr::Call(c) if c.func_name == "_[_]" && c.args.len() == 2 => {
                self.indexes(&c.args[0]);
                self.expr(&c.args[1]);
            }
            _ => {}
        }
    }

    /// Whether a path reaches its value through a list element (an index or
    /// a comprehension variable): then "the list" and "an element" share
    /// one path, and only reading it whole is safe.
    fn through_element(&self, e: &IdedExpr) -> bool {
        match &e.expr {
            Expr::Ident(name) => self.bound.iter().any(|(v, _)| v == name),
            Expr::Select(s) => self.through_element(&s.operand),
            Expr::Call(c) if c.func_name == "_[_]" => true,
            _ => false,
        }
    }

    fn expr(&mut self, e: &IdedExpr) {
        match &e.expr {
            Expr::Ident(_) | Expr::Select(_) => {
                if let Some(p) = self.path(e) {
                    self.reference(&p);
                    self.indexes(e);
                } else if let Expr::Select(s) = &e.expr {
                    self.expr(&s.operand);
                }
            }
            Expr::Call(c) => self.call(e, c),
            Expr::Comprehension(c) => self.comprehension(c),
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

    /// A call `e`: an index into a path, an operator or a named function.
    fn call(&mut self, e: &IdedExpr, c: &CallExpr) {
        if c.func_name == "_[_]"
            && let Some(p) = self.path(e)
        {
            self.reference(&p);
            self.indexes(e);
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

    /// A macro (`exists`, `all`, `map`...) over a list or a map.
    fn comprehension(&mut self, c: &ComprehensionExpr) {
        let list = self.path(&c.iter_range);
        match &list {
            // The macro reads the list's elements through its
            // variable: what it reads of them is recorded there
            // (a bare `u` reads the whole element).
            Some(l) => {
                let whole = self.through_element(&c.iter_range);
                self.reference_as(&l.clone(), whole);
                self.indexes(&c.iter_range);
            }
            None => self.expr(&c.iter_range),
        }
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
}

thread_local! {
    /// CEL's standard functions, registered once per thread: building a
    /// context costs tens of microseconds, a child scope about one.
    static BASE: RefCell<Option<cel::Context<'static, 'static>>> = const { RefCell::new(None) };
}

/// A rule of a design (named, an inline condition of the body, or an
/// offer's eligibility), by its place among the design's rules: what the
/// body's conditions and the offers hold, and what [`Fired`] answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RuleId(usize);

impl RuleId {
    /// Appends `rule` to the rules being collected for a design, and
    /// returns its id.
    pub(crate) fn push(rules: &mut Vec<Rule>, rule: Rule) -> RuleId {
        rules.push(rule);
        RuleId(rules.len() - 1)
    }

    /// The first rule called `name` among `rules`.
    pub(crate) fn named(rules: &[Rule], name: &str) -> Option<RuleId> {
        rules.iter().position(|r| r.name == name).map(RuleId)
    }

    /// The index of the rule in the design's rules, and so in any vector
    /// with one entry per rule.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

/// A design's rules (named rules, inline conditions, offer eligibility), with
/// what they read of a record.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    rules: Vec<Rule>,
    need: Need,
    /// Per rule, the first rule with the same expression: an offer's
    /// eligibility is often a named rule's condition again, and is
    /// evaluated once.
    same_as: Vec<RuleId>,
}

impl Rules {
    pub(crate) fn new(rules: Vec<Rule>) -> Rules {
        let mut need = Need::default();
        for (path, whole) in rules.iter().flat_map(|r| &r.paths) {
            need.add(path, *whole);
        }
        let same_as = (0..rules.len())
            .map(|i| {
                let src = rules[i].source.trim();
                RuleId((0..i).find(|&j| rules[j].source.trim() == src).unwrap_or(i))
            })
            .collect();
        Rules {
            rules,
            need,
            same_as,
        }
    }
}

impl std::ops::Deref for Rules {
    type Target = [Rule];
    fn deref(&self) -> &[Rule] {
        &self.rules
    }
}

impl std::ops::Index<RuleId> for Rules {
    type Output = Rule;
    fn index(&self, id: RuleId) -> &Rule {
        &self.rules[id.0]
    }
}

/// Which rules fired for one record: one answer per rule of the design,
/// read by [`RuleId`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Fired(Vec<bool>);

impl Fired {
    /// Whether rule `id` fired (false for a rule this record was not
    /// evaluated for).
    pub(crate) fn fired(&self, id: RuleId) -> bool {
        self.0.get(id.0).copied().unwrap_or(false)
    }

    /// The answers in the order of the design's rules.
    pub(crate) fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        self.0.iter().copied()
    }
}

/// The part of a record the rules read, as a tree of field names. Only that
/// part is converted to CEL values per customer, so 40 line items or a long
/// address that no rule looks at cost nothing. Absent fields stay absent, so
/// `has(...)` answers as on the whole record.
#[derive(Debug, Default)]
struct Need {
    /// The whole value is read (compared, passed to a function).
    whole: bool,
    /// A macro ranges over the value: a list keeps its length (elements
    /// are read field by field), a map keeps everything (it ranges over
    /// the keys).
    ranged: bool,
    fields: Vec<(String, Need)>,
}

impl Need {
    fn add(&mut self, path: &str, whole: bool) {
        let mut node = self;
        for part in path.split('.') {
            if node.whole {
                return;
            }
            let i = match node.fields.iter().position(|(k, _)| k == part) {
                Some(i) => i,
                None => {
                    node.fields.push((part.to_owned(), Need::default()));
                    node.fields.len() - 1
                }
            };
            node = &mut node.fields[i].1;
        }
        if whole {
            node.whole = true;
            node.fields.clear();
        } else {
            node.ranged = true;
        }
    }

    /// The part of `v` that is read, as a CEL value (built directly as
    /// CEL's runtime values: going through `cel::Value` converts twice).
    fn to_cel(&self, v: &Value) -> Box<dyn Val> {
        self.convert(v, self.ranged)
    }

    /// `ranged`: a macro ranges over `v` itself (not over the list `v` is
    /// an element of).
    fn convert(&self, v: &Value, ranged: bool) -> Box<dyn Val> {
        if self.whole {
            return json_to_cel(v);
        }
        match v {
            Value::Object(_) if ranged => json_to_cel(v),
            Value::Object(m) => {
                let map: HashMap<CelMapKey<'static>, Box<dyn Val>> = self
                    .fields
                    .iter()
                    .filter_map(|(k, need)| {
                        Some((CelMapKey::from(k.clone()), need.to_cel(m.get(k)?)))
                    })
                    .collect();
                Box::new(CelMap::from(map))
            }
            // Paths pass through lists: each element keeps what is read of it.
            Value::Array(a) => Box::new(CelList::from(
                a.iter().map(|x| self.convert(x, false)).collect::<Vec<_>>(),
            )),
            other => json_to_cel(other),
        }
    }
}

/// Evaluates `rules` for one record, in order. A rule that fails or does not
/// give true/false is a problem of the record, with the rule's name.
///
/// Each rule goes to the direct evaluator first; what it leaves open
/// (errors included) is evaluated by `cel`, whose context is built only then.
///
/// `values` are the record's computed values (a JSON object, or `Null`),
/// which rules read as `values.<name>`; the record's own `values`, if it
/// has one, is never read.
pub(crate) fn evaluate(
    rules: &Rules,
    record: &Value,
    values: &Value,
) -> Result<Fired, FieldProblem> {
    let roots = fast::Roots { record, values };
    let mut results: Vec<Option<bool>> = Vec::with_capacity(rules.len());
    let mut open = false;
    for (i, r) in rules.iter().enumerate() {
        let first = rules.same_as[i].index();
        let answer = if first < i {
            results[first]
        } else {
            r.fast.as_ref().and_then(|f| f.eval_bool(roots))
        };
        open |= answer.is_none();
        results.push(answer);
    }
    if open {
        with_cel(rules, roots, &mut results)?;
    }
    Ok(Fired(
        results.into_iter().map(|r| r.unwrap_or(false)).collect(),
    ))
}

/// Evaluates with `cel` the rules the direct evaluator left open.
fn with_cel(
    rules: &Rules,
    roots: fast::Roots<'_>,
    results: &mut [Option<bool>],
) -> Result<(), FieldProblem> {
    BASE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let base = slot.get_or_insert_with(cel::Context::default);
        let mut ctx = base.new_inner_scope();
        for (root, need) in &rules.need.fields {
            let v = roots.root(root).unwrap_or(&Value::Null);
            ctx.add_variable_as_val(root.clone(), need.to_cel(v));
        }
        for (i, r) in rules.iter().enumerate() {
            if results[i].is_some() {
                continue;
            }
            let first = rules.same_as[i].index();
            if first < i {
                results[i] = results[first];
                continue;
            }
            results[i] = Some(match r.program.execute(&ctx) {
                Ok(cel::Value::Bool(b)) => b,
                Ok(other) => {
                    return Err(FieldProblem {
                        path: format!("rule {}", r.name),
                        message: format!("gave {other:?}, not true or false ({})", r.place),
                    });
                }
                Err(e) => {
                    return Err(FieldProblem {
                        path: format!("rule {}", r.name),
                        message: format!("{e} ({}); use has(...) for optional fields", r.place),
                    });
                }
            });
        }
        Ok(())
    })
}

pub(crate) fn json_to_cel(v: &Value) -> Box<dyn Val> {
    match v {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Box::new(CelInt::from(i)),
            None => Box::new(CelDouble::from(n.as_f64().unwrap_or(0.0))),
        },
        // Money may come as a decimal string; numbers compare with numbers.
        Value::String(s) => Box::new(CelString::from(s.clone())),
        Value::Array(a) => Box::new(CelList::from(a.iter().map(json_to_cel).collect::<Vec<_>>())),
        Value::Object(m) => {
            let map: HashMap<CelMapKey<'static>, Box<dyn Val>> = m
                .iter()
                .map(|(k, v)| (CelMapKey::from(k.clone()), json_to_cel(v)))
                .collect();
            Box::new(CelMap::from(map))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::fields::FieldType;
    use serde_json::json;

    #[test]
    fn only_what_the_rules_read_is_converted() {
        let mut need = Need::default();
        for p in [
            "customer.segment",
            "usage.months.kwh",
            "customer.email",
            "totals",
        ] {
            need.add(p, true);
        }
        // A deeper path under a whole value changes nothing, nor does the
        // shape of what is read anyway.
        need.add("totals.due", true);
        need.add("usage.months", false);
        need.add("totals", false);
        let record = json!({
            "customer": {"segment": "gold", "name": "Zoë", "address": {"city": "Lyon"}},
            "usage": {"months": [{"kwh": 1, "label": "Jan"}, {"kwh": 2, "label": "Feb"}], "unit": "kWh"},
            "totals": {"due": 10, "tax": 2},
            "items": [{"amount": 1}, {"amount": 2}],
        });
        let pruned = json!({
            "customer": {"segment": "gold"},
            "usage": {"months": [{"kwh": 1}, {"kwh": 2}]},
            "totals": {"due": 10, "tax": 2},
        });
        let value = |v: Box<dyn Val>| cel::Value::try_from(v.as_ref()).unwrap();
        for (root, n) in &need.fields {
            assert_eq!(
                value(n.to_cel(&record[root.as_str()])),
                value(json_to_cel(&pruned[root.as_str()])),
                "{root}"
            );
        }
        assert_eq!(need.fields.len(), 3, "items is never read");
        // `customer.email` is absent in the record and stays absent (has() is false).
        let cel::Value::Map(m) = value(need.fields[0].1.to_cel(&record["customer"])) else {
            panic!("customer is a map");
        };
        assert_eq!(m.map.len(), 1);
        // A list a macro ranges over keeps its length, not its content; a
        // map keeps its keys (and so everything).
        let mut shape = Need::default();
        shape.add("usage.months", false);
        shape.add("customer.address", false);
        assert_eq!(
            value(shape.fields[0].1.to_cel(&record["usage"])),
            value(json_to_cel(&json!({"months": [{}, {}]})))
        );
        assert_eq!(
            value(shape.fields[1].1.to_cel(&record["customer"])),
            value(json_to_cel(&json!({"address": {"city": "Lyon"}})))
        );
    }

    /// Rules evaluated on the pruned record agree with the same rules on
    /// the whole record, including the shapes that are easy to get wrong:
    /// indexes inside paths, a comprehension variable named like a record
    /// key, ranging over a map's keys and over an element's keys.
    #[test]
    fn pruned_evaluation_agrees_with_the_whole_record() {
        let mut fields = Fields::default();
        for (path, ty) in [
            ("customer.tiers", "list"),
            ("items", "list"),
            ("usage", "list"),
            ("customer.email", "string?"),
            ("customer.tier", "integer"),
            ("customer.tiers.rate", "number"),
            ("customer.consent.email", "bool"),
            ("customer.consent.sms", "bool"),
            ("customer.name", "string"),
            ("items.amount", "number"),
            ("items.month", "integer"),
            ("items.discount", "number?"),
            ("usage.kwh", "integer"),
        ] {
            fields.insert(path.to_owned(), FieldType::parse(ty).unwrap());
        }
        fields.finish();
        let sources = [
            "customer.tiers[customer.tier].rate > 0.1",
            "items.exists(i, usage[i.month].kwh > 100)",
            "items.exists(items, items.amount > 0)",
            "items.exists(items, has(items.discount))",
            "customer.consent.exists(k, true)",
            "items.exists(i, i.exists(k, true))",
            "size(items[0].map(k, 1)) > 1",
            "usage.exists(u, u.kwh >= 300)",
            "has(customer.email)",
        ];
        let place = Place::new("design.toml", 1, 1);
        let mut diags = Vec::new();
        let rules: Vec<Rule> = sources
            .iter()
            .map(|src| Rule::compile(src, src, &place, &fields, &mut diags).expect(src))
            .collect();
        assert!(diags.is_empty(), "{diags:?}");
        let record = json!({
            "customer": {"tier": 1, "tiers": [{"rate": 0.05}, {"rate": 0.2}],
                         "consent": {"email": true, "sms": false}, "name": "Zoë"},
            "items": [{"amount": 3, "month": 0, "discount": 1}, {"amount": 0, "month": 1}],
            "usage": [{"kwh": 90}, {"kwh": 320}],
        });
        let rules = Rules::new(rules);
        let pruned = evaluate(&rules, &record, &Value::Null).unwrap();
        let whole: Vec<bool> = {
            let base = cel::Context::default();
            let mut ctx = base.new_inner_scope();
            for (k, v) in record.as_object().unwrap() {
                ctx.add_variable_as_val(k.clone(), json_to_cel(v));
            }
            rules
                .iter()
                .map(|r| match r.program.execute(&ctx) {
                    Ok(cel::Value::Bool(b)) => b,
                    other => panic!("{}: {other:?}", r.source),
                })
                .collect()
        };
        let pruned: Vec<bool> = pruned.iter().collect();
        assert_eq!(pruned, whole);
        assert_eq!(
            pruned,
            [true, true, true, true, true, true, true, true, false]
        );
    }

    /// On every shipped design and sample, the direct evaluator answers
    /// every rule, and as cel does on the pruned record.
    #[test]
    fn shipped_rules_need_no_cel() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut checked = 0;
        for design in ["bill", "contract", "quote", "welcome"] {
            let d = crate::Design::load(format!("{root}/{design}")).unwrap();
            let rules = &d.rules;
            for entry in std::fs::read_dir(format!("{root}/{design}/samples")).unwrap() {
                let path = entry.unwrap().path();
                let record: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let currency = record["account"]["currency"].as_str().unwrap_or("EUR");
                let values = d.values.evaluate(&record, currency).0;
                let roots = fast::Roots {
                    record: &record,
                    values: &values,
                };
                let mut by_cel = vec![None; rules.len()];
                with_cel(rules, roots, &mut by_cel).unwrap();
                for (r, cel) in rules.iter().zip(by_cel) {
                    let fast = r.fast.as_ref().and_then(|f| f.eval_bool(roots));
                    assert_eq!(fast, cel, "{design} {path:?} rule {}", r.name);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 18, "only {checked} rule answers checked");
    }
}
