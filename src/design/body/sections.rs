//! Components that set their blocks apart: `::: only CHANNEL...`,
//! `::: notice tone=...`, `::: small`, `::: remittance`; and a `::: else`
//! with words after it, which follows no `::: if`.

use super::components::{Component, Head};
use super::{Block, BodyParser, Cursor};
use crate::model::{Channel, Diagnostic, Tone};

impl BodyParser<'_, '_> {
    /// `::: only print email`: blocks for some channels only.
    pub(super) fn only(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let (blocks, _) = self.section(cur, head, Component::Only);
        self.check_attrs(head, &[], true);
        let mut channels = Vec::new();
        for c in &head.args.bare {
            match Channel::parse(c) {
                Some(ch) => channels.push(ch),
                None => self.diags.push(
                    Diagnostic::new(head.place.clone(), format!("unknown channel `{c}`"))
                        .hint("channels are print, email, sms"),
                ),
            }
        }
        if channels.is_empty() {
            self.diags.push(Diagnostic::new(
                head.place.clone(),
                "`::: only` needs channels, e.g. `::: only print`",
            ));
        }
        Some(Block::Only { channels, blocks })
    }

    /// `::: notice tone=info|warning|success`: a highlighted box.
    pub(super) fn notice(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        let (blocks, _) = self.section(cur, head, Component::Notice);
        self.check_attrs(head, &["tone"], false);
        let tone = match head.args.get("tone").as_deref() {
            None | Some("info") => Tone::Info,
            Some("warning") => Tone::Warning,
            Some("success") => Tone::Success,
            Some(other) => {
                self.diags.push(
                    Diagnostic::new(head.place.clone(), format!("unknown tone `{other}`"))
                        .hint("tones are info, warning, success"),
                );
                Tone::Info
            }
        };
        Some(Block::Notice { tone, blocks })
    }

    /// `::: small` (small print) or `::: remittance` (a remittance slip):
    /// `c` is one of them.
    pub(super) fn small_print(
        &mut self,
        cur: &mut Cursor<'_>,
        head: &Head<'_>,
        c: Component,
    ) -> Option<Block> {
        let (blocks, _) = self.section(cur, head, c);
        self.check_attrs(head, &[], false);
        Some(match c {
            Component::Remittance => Block::Remittance(blocks),
            _ => Block::Small(blocks),
        })
    }

    /// `::: else` with more on its line: parsed as a section and reported.
    pub(super) fn stray_else(&mut self, cur: &mut Cursor<'_>, head: &Head<'_>) -> Option<Block> {
        self.section(cur, head, Component::Else);
        self.diags.push(Diagnostic::new(
            head.place.clone(),
            "`::: else` must follow `::: if`",
        ));
        None
    }
}
