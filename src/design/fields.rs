//! The fields a design declares, and checking customer records against them.

use std::collections::HashMap;

use serde_json::Value;

use crate::locale::currency_digits;
use crate::model::Date;
use crate::model::FieldProblem;

/// The type of a declared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    String,
    /// Any number.
    Number,
    /// A whole number.
    Integer,
    /// An amount in major units (number or decimal string), in the record's currency.
    Money,
    /// An ISO `YYYY-MM-DD` date.
    Date,
    /// `true` or `false`.
    Bool,
    /// An `https:`, `http:`, `mailto:` or `tel:` URL.
    Url,
    /// A list of records.
    List,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "string" | "text" => Kind::String,
            "number" => Kind::Number,
            "integer" => Kind::Integer,
            "money" => Kind::Money,
            "date" => Kind::Date,
            "bool" => Kind::Bool,
            "url" => Kind::Url,
            "list" => Kind::List,
            _ => return None,
        })
    }

    /// The name used in `[fields]`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Money => "money",
            Kind::Date => "date",
            Kind::Bool => "bool",
            Kind::Url => "url",
            Kind::List => "list",
        }
    }
}

/// A declared field: its type and whether a record may leave it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldType {
    /// The type.
    pub kind: Kind,
    /// Whether the field may be missing or null.
    pub optional: bool,
}

impl FieldType {
    /// Parses `money`, `string?` and the like.
    pub(crate) fn parse(s: &str) -> Option<FieldType> {
        let (name, optional) = match s.strip_suffix('?') {
            Some(n) => (n, true),
            None => (s, false),
        };
        Some(FieldType {
            kind: Kind::parse(name.trim())?,
            optional,
        })
    }
}

/// The declared fields of a design, by dotted path (list entries continue the
/// list's path: `items.amount`).
#[derive(Debug, Default)]
pub(crate) struct Fields {
    map: HashMap<String, FieldType>,
    /// Paths sorted, parents before children.
    order: Vec<String>,
    tree: Vec<Node>,
}

/// The result of looking a path up among the declared fields.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lookup {
    Field(FieldType),
    /// A prefix of declared fields: a record, not a value.
    Group,
    Unknown,
}

impl Lookup {
    pub(crate) fn is_known(self) -> bool {
        !matches!(self, Lookup::Unknown)
    }
}

impl Fields {
    pub(crate) fn insert(&mut self, path: String, ty: FieldType) {
        self.order.push(path.clone());
        self.map.insert(path, ty);
    }

    /// Declares a computed value (`values.<name>`): known to lookups, but
    /// not a field of the record (records are not checked for it, and
    /// [`Fields::iter`] does not list it).
    pub(crate) fn insert_computed(&mut self, path: String, ty: FieldType) {
        self.map.insert(path, ty);
    }

    pub(crate) fn finish(&mut self) {
        // A stable, readable order for reports: by path.
        self.order.sort();
        self.tree = build_tree(&self.map, "", false);
    }

    pub(crate) fn lookup(&self, path: &str) -> Lookup {
        if let Some(t) = self.map.get(path) {
            return Lookup::Field(*t);
        }
        let prefix = format!("{path}.");
        if self.map.keys().any(|k| k.starts_with(&prefix)) {
            Lookup::Group
        } else {
            Lookup::Unknown
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, FieldType)> {
        self.order.iter().map(|p| (p.as_str(), self.map[p]))
    }

    pub(crate) fn get(&self, path: &str) -> Option<FieldType> {
        self.map.get(path).copied()
    }

    /// The declared list that contains `path`, if any (`items` for `items.amount`).
    pub(crate) fn enclosing_list<'p>(&self, path: &'p str) -> Option<&'p str> {
        let mut end = path.len();
        while let Some(dot) = path[..end].rfind('.') {
            let parent = &path[..dot];
            if matches!(self.map.get(parent), Some(t) if t.kind == Kind::List) {
                return Some(parent);
            }
            end = dot;
        }
        None
    }

    /// The closest declared path, for "did you mean" hints.
    pub(crate) fn suggest(&self, path: &str) -> Option<&str> {
        self.map
            .keys()
            .map(|k| (edit_distance(k, path), k))
            .filter(|(d, k)| *d <= 3.max(k.len() / 4))
            .min()
            .map(|(_, k)| k.as_str())
    }

    /// Checks a record against every declared field and returns every problem.
    pub(crate) fn check(&self, record: &Value, currency: &str) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        match record {
            Value::Object(obj) => {
                check_nodes(&self.tree, obj, currency, &mut Vec::new(), &mut problems)
            }
            _ => problems.push(problem("(record)", "expected a JSON object")),
        }
        problems
    }
}

/// The declared fields as a tree, built once at load, so that checking a
/// record walks record and schema together without allocating.
#[derive(Debug, Default)]
pub(crate) struct Node {
    name: Box<str>,
    full: Box<str>,
    /// `None` for a group that is only implied by its children (`customer`).
    ty: Option<FieldType>,
    /// A missing value is an error: declared required, or a group holding a
    /// required field (and no optional ancestor).
    required: bool,
    children: Vec<Node>,
}

fn build_tree(map: &HashMap<String, FieldType>, prefix: &str, optional_above: bool) -> Vec<Node> {
    let mut names: Vec<&str> = map
        .keys()
        .filter_map(|k| {
            let rest = if prefix.is_empty() {
                Some(k.as_str())
            } else {
                k.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
            };
            rest.map(|r| r.split('.').next().unwrap_or(r))
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let full = if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            };
            let ty = map.get(&full).copied();
            let optional = optional_above || ty.is_some_and(|t| t.optional);
            let children = build_tree(map, &full, optional);
            let required = match ty {
                Some(t) => !t.optional && !optional_above,
                None => children.iter().any(|c| c.required),
            };
            Node {
                name: name.into(),
                full: full.into(),
                ty,
                required,
                children,
            }
        })
        .collect()
}

/// `items.amount` inside entry 3 of `items` is reported as `items[3].amount`.
fn shown_path(full: &str, lists: &[(&str, usize)]) -> String {
    let mut path = full.to_owned();
    for (list, i) in lists.iter().rev() {
        if path.starts_with(list) {
            path = format!("{list}[{i}]{}", &path[list.len()..]);
        }
    }
    path
}

fn check_nodes<'n>(
    nodes: &'n [Node],
    obj: &serde_json::Map<String, Value>,
    currency: &str,
    lists: &mut Vec<(&'n str, usize)>,
    out: &mut Vec<FieldProblem>,
) {
    for node in nodes {
        let v = match obj.get(&*node.name) {
            None | Some(Value::Null) => {
                if node.required {
                    out.push(problem(&shown_path(&node.full, lists), "missing field"));
                }
                continue;
            }
            Some(v) => v,
        };
        match node.ty {
            Some(t) => {
                if let Some(msg) = check_value(t.kind, v, currency) {
                    out.push(problem(&shown_path(&node.full, lists), &msg));
                    continue;
                }
                if t.kind == Kind::List {
                    for (i, entry) in v.as_array().into_iter().flatten().enumerate() {
                        lists.push((&node.full, i));
                        match entry {
                            Value::Object(e) => {
                                check_nodes(&node.children, e, currency, lists, out)
                            }
                            _ => out
                                .push(problem(&shown_path(&node.full, lists), "expected a record")),
                        }
                        lists.pop();
                    }
                }
            }
            None => match v {
                Value::Object(o) => check_nodes(&node.children, o, currency, lists, out),
                _ => out.push(problem(
                    &shown_path(&node.full, lists),
                    &format!("expected a record, found {}", describe(v)),
                )),
            },
        }
    }
}

fn problem(path: &str, message: &str) -> FieldProblem {
    FieldProblem {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

fn describe(v: &Value) -> String {
    let s = match v {
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            return format!("the string {:?}", short);
        }
        Value::Number(n) => return format!("the number {n}"),
        Value::Bool(_) => "a bool",
        Value::Array(_) => "a list",
        Value::Object(_) => "a record",
        Value::Null => "null",
    };
    s.to_owned()
}

fn check_value(kind: Kind, v: &Value, currency: &str) -> Option<String> {
    let ok = match kind {
        Kind::String => v.is_string(),
        Kind::Number => v.is_number(),
        Kind::Integer => v.is_i64() || v.is_u64(),
        Kind::Money => money_minor(v, currency_digits(currency)).is_some(),
        Kind::Date => v.as_str().is_some_and(|s| Date::parse(s).is_some()),
        Kind::Bool => v.is_boolean(),
        Kind::Url => v.as_str().is_some_and(is_safe_url),
        Kind::List => v.is_array(),
    };
    if ok {
        return None;
    }
    let expected = match kind {
        Kind::Money => "an amount (number or decimal string)",
        Kind::Date => "a date `YYYY-MM-DD`",
        Kind::Url => "an https, http, mailto or tel URL",
        Kind::List => "a list",
        Kind::Integer => "a whole number",
        Kind::Number => "a number",
        Kind::Bool => "true or false",
        Kind::String => "a string",
    };
    Some(format!("expected {expected}, found {}", describe(v)))
}

/// An amount in minor units: `12.5` or `"12.50"` with 2 digits is 1250.
pub(crate) fn money_minor(v: &Value, digits: u8) -> Option<i64> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return i.checked_mul(10i64.pow(digits as u32));
            }
            let f = n.as_f64()? * 10f64.powi(digits as i32);
            (f.is_finite() && f.abs() < 9e15).then(|| f.round() as i64)
        }
        Value::String(s) => parse_decimal(s.trim(), digits),
        _ => None,
    }
}

fn parse_decimal(s: &str, digits: u8) -> Option<i64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || int.len() > 15
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut v: i64 = int.parse().ok()?;
    let mut f = frac.bytes();
    for _ in 0..digits {
        v = v * 10 + f.next().map_or(0, |b| (b - b'0') as i64);
    }
    if f.next().is_some_and(|b| b >= b'5') {
        v += 1;
    }
    Some(if neg { -v } else { v })
}

/// Whether a URL may become a link: https, http, mailto or tel, nothing else.
pub(crate) fn is_safe_url(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    let ok_scheme = ["https://", "http://", "mailto:", "tel:"]
        .iter()
        .any(|p| lower.starts_with(p));
    ok_scheme
        && !s
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '<' || c == '>' || c == '"')
}

/// Levenshtein distance, behind every "did you mean" hint.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + (ca != *cb) as usize)
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parsing() {
        assert_eq!(money_minor(&serde_json::json!(12.5), 2), Some(1250));
        assert_eq!(money_minor(&serde_json::json!("-0.125"), 2), Some(-13));
        assert_eq!(money_minor(&serde_json::json!("1e5"), 2), None);
        assert_eq!(money_minor(&serde_json::json!(7), 0), Some(7));
    }

    #[test]
    fn urls() {
        assert!(is_safe_url("https://example.com/pay?x=1"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" JavaScript:alert(1)"));
        assert!(!is_safe_url("https://a.example/\"onmouseover=x"));
    }
}
