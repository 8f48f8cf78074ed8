//! Text templates: handlebars placeholders inside one run of design text.
//!
//! The handlebars crate parses the placeholder syntax (and reports syntax
//! errors with line and column); vellum compiles its template tree into a small
//! closed instruction list checked against the declared fields, the known
//! helpers and the locale messages. Evaluating it (`eval.rs`) writes plain
//! text: whatever the data holds stays text.

use handlebars::template::{Parameter, TemplateElement};
use serde_json::Value;

mod eval;

pub(crate) use self::eval::{Env, is_truthy, push_clean};
use super::fields::{FieldType, Fields, Kind, Lookup};
use super::messages::Messages;
use crate::locale::DateStyle;
use crate::model::{Diagnostic, Place};

/// A compiled run of text with placeholders.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Lit(Box<str>),
    Expr(Expr),
    Cond(Box<Cond>),
}

#[derive(Debug, Clone)]
struct Cond {
    expr: Expr,
    negate: bool,
    then: Vec<Part>,
    otherwise: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Expr {
    Field(FieldRef),
    Lit(Value),
    Call(Box<Call>),
    Index,
}

/// A reference to a declared field, resolved at load time.
#[derive(Debug, Clone)]
pub(crate) struct FieldRef {
    /// Relative to the current table row rather than the record.
    in_row: bool,
    segs: Box<[Box<str>]>,
    /// A computed value (`values.<name>`), read from the record's values,
    /// never from the record.
    pub(crate) computed: bool,
    /// The declared path, e.g. `items.amount`.
    pub(crate) full: Box<str>,
    pub(crate) ty: FieldType,
}

#[derive(Debug, Clone)]
struct Call {
    helper: Helper,
    args: Vec<Expr>,
    hash: Vec<(Box<str>, Expr)>,
}

#[derive(Debug, Clone)]
enum Helper {
    T(Box<str>),
    Money,
    Number(Option<u8>),
    Date(DateStyle),
    Upper,
    Lower,
}

/// The helpers, by the name templates call them: the one table of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HelperName {
    T,
    Money,
    Number,
    Date,
    Upper,
    Lower,
}

const HELPER_TABLE: [(&str, HelperName); 6] = [
    ("t", HelperName::T),
    ("money", HelperName::Money),
    ("number", HelperName::Number),
    ("date", HelperName::Date),
    ("upper", HelperName::Upper),
    ("lower", HelperName::Lower),
];

impl HelperName {
    fn parse(name: &str) -> Option<HelperName> {
        HELPER_TABLE
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, h)| *h)
    }
}

/// The hint listing every helper.
fn helpers_hint() -> String {
    let names: Vec<&str> = HELPER_TABLE.iter().map(|(n, _)| *n).collect();
    format!("{} (and the blocks #if, #unless)", names.join(", "))
}

fn literal(p: &Parameter) -> Option<Value> {
    match p {
        Parameter::Literal(v) => Some(v.clone()),
        _ => None,
    }
}

/// What a compiled template may refer to.
pub(crate) struct Scope<'a> {
    pub fields: &'a Fields,
    pub messages: &'a Messages,
    /// Inside a table row or chart entry: the list path.
    pub row: Option<&'a str>,
}

/// Maps byte offsets of a run of design text back to file positions.
#[derive(Debug, Clone)]
pub(crate) struct SrcMap {
    file: String,
    /// (byte offset in the joined source, line, column of that byte)
    segs: Vec<(usize, u32, u32)>,
    src: String,
}

impl SrcMap {
    /// One run of text starting at `place`.
    pub(crate) fn single(text: &str, place: &Place) -> SrcMap {
        SrcMap {
            file: place.file.clone(),
            segs: vec![(0, place.line, place.column)],
            src: text.to_owned(),
        }
    }

    /// Lines joined by `\n`, each with its own starting place.
    pub(crate) fn lines<'s>(parts: impl IntoIterator<Item = (&'s str, Place)>) -> SrcMap {
        let mut map = SrcMap {
            file: String::new(),
            segs: Vec::new(),
            src: String::new(),
        };
        for (text, place) in parts {
            if !map.src.is_empty() {
                map.src.push('\n');
            }
            map.file = place.file.clone();
            map.segs.push((map.src.len(), place.line, place.column));
            map.src.push_str(text);
        }
        map
    }

    pub(crate) fn src(&self) -> &str {
        &self.src
    }

    pub(crate) fn place(&self, offset: usize) -> Place {
        let i = self
            .segs
            .partition_point(|s| s.0 <= offset)
            .saturating_sub(1);
        let (start, line, col) = self.segs.get(i).copied().unwrap_or((0, 1, 1));
        let chars = self
            .src
            .get(start..offset.min(self.src.len()))
            .map_or(0, |s| s.chars().count());
        Place::new(&self.file, line, col + chars as u32)
    }
}

impl Template {
    /// A template that is only literal text.
    pub(crate) fn literal(s: &str) -> Template {
        Template {
            parts: vec![Part::Lit(s.into())],
        }
    }

    /// Compiles `map.src()[range]`.
    pub(crate) fn compile(
        map: &SrcMap,
        range: std::ops::Range<usize>,
        scope: &Scope<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Template {
        let src = &map.src()[range.clone()];
        let mut cx = Compiler {
            map,
            base: range.start,
            src,
            scope,
            diags,
        };
        if let Some(i) = src.find("{{{") {
            cx.diags.push(
                Diagnostic::new(
                    map.place(range.start + i),
                    "triple braces `{{{` are not allowed",
                )
                .hint("placeholders always output text; write `{{field}}`"),
            );
            return Template { parts: Vec::new() };
        }
        match handlebars::Template::compile(src) {
            Ok(t) => Template {
                parts: cx.elements(&t),
            },
            Err(e) => {
                let (line, col) = e.pos().unwrap_or((1, 1));
                let mut reason = e.reason().to_string();
                let mut hint = None;
                if reason.contains("invalid handlebars syntax") {
                    reason = "invalid placeholder syntax".to_owned();
                }
                if src.contains("{{#") {
                    hint = Some(
                        "an inline {{#if}} must open and close inside one run of text (not across **, * or links); \
                         use `::: if field` for sections"
                            .to_owned(),
                    );
                }
                let mut d =
                    Diagnostic::new(map.place(range.start + offset_of(src, line, col)), reason);
                d.hint = hint;
                cx.diags.push(d);
                Template { parts: Vec::new() }
            }
        }
    }

    /// Appends `other` to this template.
    pub(crate) fn extend(&mut self, other: Template) {
        self.parts.extend(other.parts);
    }

    /// The declared paths of the fields the template reads, in order.
    pub(crate) fn field_paths(&self) -> Vec<&str> {
        fn expr<'t>(e: &'t Expr, out: &mut Vec<&'t str>) {
            match e {
                Expr::Field(f) => out.push(&f.full),
                Expr::Call(c) => {
                    c.args.iter().for_each(|a| expr(a, out));
                    c.hash.iter().for_each(|(_, a)| expr(a, out));
                }
                Expr::Lit(_) | Expr::Index => {}
            }
        }
        fn parts<'t>(ps: &'t [Part], out: &mut Vec<&'t str>) {
            for p in ps {
                match p {
                    Part::Lit(_) => {}
                    Part::Expr(e) => expr(e, out),
                    Part::Cond(c) => {
                        expr(&c.expr, out);
                        parts(&c.then, out);
                        parts(&c.otherwise, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        parts(&self.parts, &mut out);
        out
    }

    /// The field, when the template is exactly one placeholder `{{field}}`.
    pub(crate) fn single_field(&self) -> Option<&FieldRef> {
        match self.parts.as_slice() {
            [Part::Expr(Expr::Field(f))] => Some(f),
            _ => None,
        }
    }
}

/// Byte offset of (line, column), both from 1, in `src`.
fn offset_of(src: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        off += l.len();
    }
    src.len()
}

struct Compiler<'a, 'b> {
    map: &'a SrcMap,
    base: usize,
    src: &'a str,
    scope: &'a Scope<'b>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Compiler<'_, '_> {
    fn place_of(&self, t: &handlebars::Template, i: usize) -> Place {
        match t.mapping.get(i) {
            Some(m) => self.map.place(self.base + offset_of(self.src, m.0, m.1)),
            None => self.map.place(self.base),
        }
    }

    fn elements(&mut self, t: &handlebars::Template) -> Vec<Part> {
        let mut parts = Vec::new();
        for (i, el) in t.elements.iter().enumerate() {
            let place = self.place_of(t, i);
            match el {
                TemplateElement::RawString(s) => parts.push(Part::Lit(s.replace('\n', " ").into())),
                TemplateElement::Comment(_) => {}
                TemplateElement::Expression(h) => {
                    if let Some(e) = self.expression(&h.name, &h.params, &h.hash, &place) {
                        parts.push(Part::Expr(e));
                    }
                }
                TemplateElement::HtmlExpression(_) => self.diags.push(
                    Diagnostic::new(place, "triple braces are not allowed")
                        .hint("placeholders always output text"),
                ),
                TemplateElement::HelperBlock(h) => {
                    let name = param_name(&h.name);
                    let negate = match name.as_deref() {
                        Some("if") => false,
                        Some("unless") => true,
                        other => {
                            self.diags.push(
                                Diagnostic::new(
                                    place,
                                    format!("unknown block `#{}`", other.unwrap_or("?")),
                                )
                                .hint("inline blocks are #if and #unless; use ::: table for lists"),
                            );
                            continue;
                        }
                    };
                    let [param] = h.params.as_slice() else {
                        self.diags
                            .push(Diagnostic::new(place, "`#if` takes exactly one field"));
                        continue;
                    };
                    let Some(expr) = self.param(param, &place, true) else {
                        continue;
                    };
                    let then = h
                        .template
                        .as_ref()
                        .map(|t| self.elements(t))
                        .unwrap_or_default();
                    let otherwise = h
                        .inverse
                        .as_ref()
                        .map(|t| self.elements(t))
                        .unwrap_or_default();
                    parts.push(Part::Cond(Box::new(Cond {
                        expr,
                        negate,
                        then,
                        otherwise,
                    })));
                }
                TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                    self.diags.push(
                        Diagnostic::new(
                            place,
                            "a fragment `{{> name}}` must stand alone on its own line",
                        )
                        .hint("fragments are whole blocks of content"),
                    )
                }
                _ => self.diags.push(Diagnostic::new(
                    place,
                    "decorators `{{* ...}}` are not supported",
                )),
            }
        }
        parts
    }

    fn expression(
        &mut self,
        name: &Parameter,
        params: &[Parameter],
        hash: &std::collections::HashMap<String, Parameter>,
        place: &Place,
    ) -> Option<Expr> {
        if params.is_empty() && hash.is_empty() {
            return self.param(name, place, false);
        }
        let Some(helper_name) = param_name(name) else {
            self.diags
                .push(Diagnostic::new(place.clone(), "expected a helper name"));
            return None;
        };
        let Some(kind) = HelperName::parse(&helper_name) else {
            let mut d = Diagnostic::new(place.clone(), format!("unknown helper `{helper_name}`"));
            d.hint = Some(format!("helpers are {}", helpers_hint()));
            self.diags.push(d);
            return None;
        };
        let helper = match kind {
            HelperName::T => return self.message_call(params, hash, place),
            HelperName::Money => Helper::Money,
            HelperName::Number => Helper::Number(self.decimals(hash, place)),
            HelperName::Date => Helper::Date(self.date_style(hash, place)),
            HelperName::Upper => Helper::Upper,
            HelperName::Lower => Helper::Lower,
        };
        self.check_options(&helper, &helper_name, hash, place);
        if params.len() != 1 {
            self.diags.push(Diagnostic::new(
                place.clone(),
                format!("`{helper_name}` takes exactly one value"),
            ));
            return None;
        }
        let arg = self.param(&params[0], place, false)?;
        self.check_argument(&helper, &helper_name, &arg, place);
        Some(Expr::Call(Box::new(Call {
            helper,
            args: vec![arg],
            hash: Vec::new(),
        })))
    }

    /// `{{t "message-id" name=value ...}}`: a message of the locale files,
    /// checked to exist and to get the variables it uses.
    fn message_call(
        &mut self,
        params: &[Parameter],
        hash: &std::collections::HashMap<String, Parameter>,
        place: &Place,
    ) -> Option<Expr> {
        let Some(Value::String(id)) = params.first().and_then(literal) else {
            self.diags.push(
                Diagnostic::new(place.clone(), "`t` needs a message id in quotes")
                    .hint("write {{t \"message-id\" name=customer.name}}"),
            );
            return None;
        };
        let passed: Vec<&str> = hash.keys().map(String::as_str).collect();
        self.scope
            .messages
            .check_use(&id, &passed, place, self.diags);
        if params.len() > 1 {
            self.diags.push(
                Diagnostic::new(
                    place.clone(),
                    "`t` takes one message id and named arguments",
                )
                .hint("pass values as name=value"),
            );
        }
        let mut hash_sorted: Vec<(&String, &Parameter)> = hash.iter().collect();
        hash_sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut args = Vec::new();
        for (k, v) in hash_sorted {
            if let Some(e) = self.param(v, place, false) {
                args.push((k.as_str().into(), e));
            }
        }
        Some(Expr::Call(Box::new(Call {
            helper: Helper::T(id.into()),
            args: Vec::new(),
            hash: args,
        })))
    }

    /// The `decimals=` option of `number`.
    fn decimals(
        &mut self,
        hash: &std::collections::HashMap<String, Parameter>,
        place: &Place,
    ) -> Option<u8> {
        match hash.get("decimals").and_then(literal) {
            None => None,
            Some(Value::Number(n)) if n.as_u64().is_some_and(|d| d <= 6) => {
                Some(n.as_u64().unwrap_or(0) as u8)
            }
            Some(_) => {
                self.diags.push(Diagnostic::new(
                    place.clone(),
                    "`decimals` must be a number from 0 to 6",
                ));
                None
            }
        }
    }

    /// The `style=` option of `date`.
    fn date_style(
        &mut self,
        hash: &std::collections::HashMap<String, Parameter>,
        place: &Place,
    ) -> DateStyle {
        match hash.get("style").and_then(literal) {
            None => DateStyle::Long,
            Some(Value::String(s)) => DateStyle::parse(&s).unwrap_or_else(|| {
                self.diags.push(
                    Diagnostic::new(place.clone(), format!("unknown date style {s:?}"))
                        .hint("styles are \"long\", \"short\", \"month\" and \"month-short\""),
                );
                DateStyle::Long
            }),
            Some(_) => DateStyle::Long,
        }
    }

    /// Options a helper does not have are errors.
    fn check_options(
        &mut self,
        helper: &Helper,
        name: &str,
        hash: &std::collections::HashMap<String, Parameter>,
        place: &Place,
    ) {
        let allowed: &[&str] = match helper {
            Helper::Number(_) => &["decimals"],
            Helper::Date(_) => &["style"],
            _ => &[],
        };
        for k in hash.keys() {
            if !allowed.contains(&k.as_str()) {
                self.diags.push(Diagnostic::new(
                    place.clone(),
                    format!("`{name}` has no option `{k}`"),
                ));
            }
        }
    }

    /// A helper applied to a field of the wrong type is an error.
    fn check_argument(&mut self, helper: &Helper, name: &str, arg: &Expr, place: &Place) {
        let Expr::Field(f) = arg else {
            return;
        };
        let expected: &[Kind] = match helper {
            Helper::Money => &[Kind::Money],
            Helper::Number(_) => &[Kind::Number, Kind::Integer, Kind::Money],
            Helper::Date(_) => &[Kind::Date],
            _ => &[Kind::String, Kind::Url],
        };
        if !expected.contains(&f.ty.kind) {
            self.diags.push(Diagnostic::new(
                place.clone(),
                format!(
                    "`{name}` needs a {} field, but `{}` is declared {}",
                    expected[0].name(),
                    f.full,
                    f.ty.kind.name()
                ),
            ));
        }
    }

    fn param(&mut self, p: &Parameter, place: &Place, condition: bool) -> Option<Expr> {
        match p {
            Parameter::Literal(v) => Some(Expr::Lit(v.clone())),
            Parameter::Name(n) => self.path(n, place, condition),
            Parameter::Path(path) => {
                let raw = match path {
                    handlebars::Path::Relative((_, raw)) => raw.as_str(),
                    handlebars::Path::Local((_, _, raw)) => raw.as_str(),
                };
                self.path(raw, place, condition)
            }
            Parameter::Subexpression(se) => {
                let name = Parameter::Name(se.name().to_owned());
                let params = se.params().cloned().unwrap_or_default();
                let hash = se.hash().cloned().unwrap_or_default();
                if params.is_empty() && hash.is_empty() {
                    self.diags.push(Diagnostic::new(
                        place.clone(),
                        format!("`({})` calls no helper", se.name()),
                    ));
                    return None;
                }
                self.expression(&name, &params, &hash, place)
            }
            _ => {
                self.diags.push(Diagnostic::new(
                    place.clone(),
                    "unsupported placeholder parameter",
                ));
                None
            }
        }
    }

    fn path(&mut self, raw: &str, place: &Place, condition: bool) -> Option<Expr> {
        resolve_path(self.scope, self.diags, raw, place, condition)
    }
}

/// Resolves a field path written in a design (e.g. a component attribute).
pub(crate) fn resolve_field(
    scope: &Scope<'_>,
    raw: &str,
    place: &Place,
    diags: &mut Vec<Diagnostic>,
    condition: bool,
) -> Option<FieldRef> {
    match resolve_path(scope, diags, raw, place, condition)? {
        Expr::Field(f) => Some(f),
        _ => {
            diags.push(Diagnostic::new(
                place.clone(),
                format!("`{raw}` is not a field"),
            ));
            None
        }
    }
}

// Close to 90 lines: the lookup of a path in the row, the record and the
// messages, with the hint for each way it can miss, read best in one place.
fn resolve_path(
    scope: &Scope<'_>,
    diags: &mut Vec<Diagnostic>,
    raw: &str,
    place: &Place,
    condition: bool,
) -> Option<Expr> {
    if raw == "@index" {
        if scope.row.is_none() {
            diags.push(Diagnostic::new(
                place.clone(),
                "`@index` only exists inside table rows",
            ));
            return None;
        }
        return Some(Expr::Index);
    }
    if HelperName::parse(raw).is_some() {
        diags.push(
            Diagnostic::new(place.clone(), format!("helper `{raw}` needs a value"))
                .hint("e.g. {{money totals.due}}"),
        );
        return None;
    }
    let (in_row, rel) = if let Some(r) = raw.strip_prefix("@root.") {
        (false, r)
    } else if let Some(r) = raw.strip_prefix("../") {
        (false, r)
    } else if raw.starts_with('@') {
        diags.push(
            Diagnostic::new(place.clone(), format!("unknown variable `{raw}`"))
                .hint("known: @root.<path>, @index"),
        );
        return None;
    } else {
        let r = raw.strip_prefix("this.").unwrap_or(raw);
        (scope.row.is_some(), r)
    };
    let full = match (in_row, scope.row) {
        (true, Some(list)) => format!("{list}.{rel}"),
        _ => rel.to_owned(),
    };
    match scope.fields.lookup(&full) {
        Lookup::Field(ty) => {
            if ty.kind == Kind::List && !condition {
                diags.push(
                    Diagnostic::new(
                        place.clone(),
                        format!("`{full}` is a list and cannot be written as text"),
                    )
                    .hint("show lists with ::: table for=..."),
                );
                return None;
            }
            if !in_row && scope.fields.enclosing_list(&full).is_some() {
                diags.push(
                    Diagnostic::new(place.clone(), format!("`{full}` belongs to a list entry"))
                        .hint("use it inside the list's ::: table row"),
                );
                return None;
            }
            let computed =
                !in_row && full.starts_with(&format!("{}.", crate::design::values::ROOT));
            let segs = rel.split('.').map(Into::into).collect();
            Some(Expr::Field(FieldRef {
                in_row,
                computed,
                segs,
                full: full.into(),
                ty,
            }))
        }
        Lookup::Group => {
            diags.push(Diagnostic::new(
                place.clone(),
                format!("`{full}` is a group of fields, not a value"),
            ));
            None
        }
        Lookup::Unknown => {
            let mut d = Diagnostic::new(place.clone(), format!("unknown field `{full}`"));
            let table = if full.starts_with(&format!("{}.", crate::design::values::ROOT)) {
                "[values]"
            } else {
                "[fields]"
            };
            d.hint = Some(match scope.fields.suggest(&full) {
                Some(s) => format!(
                    "did you mean `{s}`? Every field must be declared in {table} of design.toml"
                ),
                None => format!("declare it in {table} of design.toml"),
            });
            diags.push(d);
            None
        }
    }
}

fn param_name(p: &Parameter) -> Option<String> {
    match p {
        Parameter::Name(n) => Some(n.clone()),
        Parameter::Path(handlebars::Path::Relative((_, raw))) => Some(raw.clone()),
        _ => None,
    }
}
