//! Locale messages: the design's and the brand's Fluent files, checked at load
//! time and compiled into one bundle per locale.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use fluent_syntax::ast;

use fluent_bundle::FluentArgs;

use super::loader::Loader;
use crate::locale::Formats;
use crate::model::{Diagnostic, Place};

/// What one message needs: the variables it reads, and where it is defined.
#[derive(Debug, Clone)]
struct MessageInfo {
    vars: Vec<String>,
}

#[derive(Debug)]
struct LocaleIndex {
    tag: String,
    file: String,
    ids: HashMap<String, MessageInfo>,
}

/// The messages of every locale of a design (and its brand).
#[derive(Debug, Default)]
pub(crate) struct Messages {
    locales: Vec<LocaleIndex>,
}

pub(crate) type Bundle = FluentBundle<Arc<FluentResource>>;

/// One Fluent file, read and parsed; problems go to `diags`.
fn load_ftl(
    loader: &dyn Loader,
    path: &Path,
    shown: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Arc<FluentResource>, HashMap<String, MessageInfo>)> {
    let text = match loader.read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::new(
                Place::new(shown, 1, 1),
                format!("cannot read locale file: {e}"),
            ));
            return None;
        }
    };
    let res = match FluentResource::try_new(text.clone()) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                let (line, col) = line_col(&text, e.pos.start);
                diags.push(Diagnostic::new(
                    Place::new(shown, line, col),
                    format!("fluent syntax error: {}", e.kind),
                ));
            }
            r
        }
    };
    let mut ids = HashMap::new();
    for entry in res.entries() {
        if let ast::Entry::Message(m) = entry {
            let mut vars = Vec::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            for a in &m.attributes {
                pattern_vars(&a.value, &mut vars);
            }
            vars.sort();
            vars.dedup();
            ids.insert(m.id.name.to_owned(), MessageInfo { vars });
        }
    }
    Some((Arc::new(res), ids))
}

fn pattern_vars(p: &ast::Pattern<&str>, out: &mut Vec<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expr_vars(expression, out);
        }
    }
}

fn expr_vars(e: &ast::Expression<&str>, out: &mut Vec<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut Vec<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => out.push(id.name.to_owned()),
        ast::InlineExpression::Placeable { expression } => expr_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
        }
        _ => {}
    }
}

pub(crate) fn line_col(text: &str, byte: usize) -> (u32, u32) {
    let before = &text[..byte.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

impl Messages {
    /// Loads `locales/<tag>.ftl` of the design and of the brand for every
    /// locale, returning the index for checks and a [`Localized`] per locale.
    /// `design`, `brand` and each of `extra` are a folder and its name in
    /// messages.
    pub(crate) fn load(
        loader: &dyn Loader,
        (design_dir, design_shown): (&Path, &str),
        (brand_dir, brand_shown): (&Path, &str),
        extra: &[(&Path, &str)],
        tags: &[String],
        diags: &mut Vec<Diagnostic>,
    ) -> (Messages, Vec<Localized>) {
        let mut messages = Messages::default();
        let mut localized = Vec::new();
        for tag in tags {
            let file = format!("{design_shown}/locales/{tag}.ftl");
            let brand_file = format!("{brand_shown}/locales/{tag}.ftl");
            let design = load_ftl(
                loader,
                &design_dir.join("locales").join(format!("{tag}.ftl")),
                &file,
                diags,
            );
            let brand_path = brand_dir.join("locales").join(format!("{tag}.ftl"));
            let brand = if loader.is_file(&brand_path) {
                load_ftl(loader, &brand_path, &brand_file, diags)
            } else {
                None
            };
            let Ok(langid) = tag.parse::<unic_langid::LanguageIdentifier>() else {
                continue;
            };
            let mut bundle: Bundle = FluentBundle::new_concurrent(vec![langid]);
            // Placeholders must not gain U+2068/U+2069 isolation marks: they
            // would end up in SMS and email text.
            bundle.set_use_isolating(false);
            let mut ids = HashMap::new();
            if let Some((res, design_ids)) = design {
                let _ = bundle.add_resource(res);
                ids.extend(design_ids);
            }
            if let Some((res, brand_ids)) = brand {
                // Added second: where an id exists in both, the design's wins
                // (fluent ignores the later entry and reports it, which we expect).
                let _ = bundle.add_resource(res);
                for (k, v) in brand_ids {
                    ids.entry(k).or_insert(v);
                }
            }
            // Further libraries (the offers), after the design and the brand.
            for (dir, shown) in extra {
                let path = dir.join("locales").join(format!("{tag}.ftl"));
                if !loader.is_file(&path) {
                    continue;
                }
                if let Some((res, lib_ids)) =
                    load_ftl(loader, &path, &format!("{shown}/locales/{tag}.ftl"), diags)
                {
                    let _ = bundle.add_resource(res);
                    for (k, v) in lib_ids {
                        ids.entry(k).or_insert(v);
                    }
                }
            }
            if let Some(formats) = Formats::new(tag) {
                localized.push(Localized::new(formats, bundle));
            }
            messages.locales.push(LocaleIndex {
                tag: tag.clone(),
                file,
                ids,
            });
        }
        (messages, localized)
    }

    /// Whether message `id` exists in every locale.
    pub(crate) fn has_everywhere(&self, id: &str) -> bool {
        self.locales.iter().all(|l| l.ids.contains_key(id))
    }

    /// Checks a `{{t "id" ...}}` at `place`: the message exists in every
    /// locale and gets every variable it reads.
    pub(crate) fn check_use(
        &self,
        id: &str,
        passed: &[&str],
        place: &Place,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut missing_in = Vec::new();
        let mut reported_vars: Vec<&str> = Vec::new();
        for loc in &self.locales {
            match loc.ids.get(id) {
                None => missing_in.push(loc.file.as_str()),
                Some(info) => {
                    for v in &info.vars {
                        if !passed.contains(&v.as_str()) && !reported_vars.contains(&v.as_str()) {
                            reported_vars.push(v);
                            diags.push(
                                Diagnostic::new(
                                    place.clone(),
                                    format!(
                                        "message `{id}` reads `${v}` (in {}), but it is not passed",
                                        loc.file
                                    ),
                                )
                                .hint(format!("write {{{{t \"{id}\" {v}=...}}}}")),
                            );
                        }
                    }
                }
            }
        }
        if !missing_in.is_empty() {
            let tags: Vec<&str> = self
                .locales
                .iter()
                .filter(|l| !l.ids.contains_key(id))
                .map(|l| l.tag.as_str())
                .collect();
            let d = Diagnostic::new(
                place.clone(),
                format!("message `{id}` is missing in {}", missing_in.join(", ")),
            )
            .hint(format!(
                "add `{id} = ...` to the locale file of {} (or to the brand's)",
                tags.join(", ")
            ));
            diags.push(d);
        }
    }
}

/// Everything locale-specific a design needs to compose one document:
/// formats and the compiled messages. Built once per design and locale.
pub struct Localized {
    pub(crate) formats: Formats,
    bundle: Bundle,
}

impl std::fmt::Debug for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localized")
            .field("locale", &self.formats.tag())
            .finish_non_exhaustive()
    }
}

impl Localized {
    pub(crate) fn new(formats: Formats, bundle: Bundle) -> Localized {
        Localized { formats, bundle }
    }

    /// The locale tag, e.g. `fr-FR`.
    pub fn tag(&self) -> &str {
        self.formats.tag()
    }

    /// Formats message `id`. Load-time checks guarantee it exists and gets its
    /// variables; should that ever fail, the id is shown rather than nothing.
    pub(crate) fn message(&self, id: &str, args: &FluentArgs<'_>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("[{id}]");
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(args), &mut errors)
            .into_owned()
    }
}
