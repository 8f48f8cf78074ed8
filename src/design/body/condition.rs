//! `::: if CONDITION` and `::: unless CONDITION`, with an optional
//! `::: else`: the condition is a rule name, a field, or a CEL expression
//! (compiled as a rule of its own).

use super::components::{Component, Head};
use super::{Block, BodyParser, Cond, Cursor};
use crate::design::rules::{Rule, RuleId};
use crate::design::template::resolve_field;
use crate::model::{Diagnostic, Place};

impl BodyParser<'_, '_> {
    /// `c` is [`Component::If`] or [`Component::Unless`].
    pub(super) fn condition(
        &mut self,
        cur: &mut Cursor<'_>,
        head: &Head<'_>,
        c: Component,
    ) -> Option<Block> {
        let (then, otherwise) = self.section(cur, head, c);
        let name = c.name();
        let src = head.rest.trim().strip_prefix(name).unwrap_or("").trim();
        let cond_place = head.place.offset(4 + name.len());
        if src.is_empty() {
            self.diags.push(Diagnostic::new(
                head.place.clone(),
                format!("`::: {name}` needs a condition: a field, a rule name or an expression"),
            ));
            return None;
        }
        let cond = self.cond(src, &cond_place)?;
        Some(Block::If {
            cond,
            negate: c == Component::Unless,
            then,
            otherwise,
        })
    }

    /// The condition `src` (at `place`): a named rule, else a field path,
    /// else an inline rule added to the design's rules.
    fn cond(&mut self, src: &str, place: &Place) -> Option<Cond> {
        if let Some(id) = RuleId::named(&self.rules, src) {
            return Some(Cond::Rule(id));
        }
        let is_path = src
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-');
        if is_path {
            let field = resolve_field(self.scope, src, place, &mut self.diags, true)?;
            return Some(Cond::Field(field));
        }
        let rule_name = format!(
            "{}:{}",
            place.file.rsplit('/').next().unwrap_or(""),
            place.line
        );
        let rule = Rule::compile(&rule_name, src, place, self.scope.fields, &mut self.diags)?;
        Some(Cond::Rule(RuleId::push(&mut self.rules, rule)))
    }
}
