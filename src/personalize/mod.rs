//! Personalization: what this customer gets. For now, the locale: the
//! customer's preference, matched exactly, then by language, then the design's
//! default (with a warning).

use fluent_bundle::FluentArgs;

use crate::design::messages::Bundle;
use crate::locale::Formats;

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

/// Picks the locale for a customer's preference among the design's locales:
/// exact tag, then same language, then the default (index 0 of `tags` is not
/// assumed: `default` is given). Returns the index and, when the preference
/// could not be met, a warning.
pub(crate) fn choose_locale(
    tags: &[String],
    default: usize,
    wanted: Option<&str>,
) -> (usize, Option<String>) {
    let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
        return (default, None);
    };
    let norm = wanted.replace('_', "-");
    if let Some(i) = tags.iter().position(|t| t.eq_ignore_ascii_case(&norm)) {
        return (i, None);
    }
    let lang = norm.split('-').next().unwrap_or("").to_ascii_lowercase();
    if let Some(i) = tags.iter().position(|t| {
        t.split('-')
            .next()
            .is_some_and(|l| l.eq_ignore_ascii_case(&lang))
    }) {
        return (i, None);
    }
    let shown: String = wanted
        .chars()
        .filter(|c| !c.is_control())
        .take(35)
        .collect();
    (
        default,
        Some(format!(
            "locale {shown:?} is not offered by this design; using {}",
            tags[default]
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_fallback() {
        let tags: Vec<String> = ["en-US", "de-DE", "fr-FR"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(choose_locale(&tags, 0, Some("fr-CA")), (2, None));
        assert_eq!(choose_locale(&tags, 0, Some("de_de")), (1, None));
        assert_eq!(choose_locale(&tags, 0, None), (0, None));
        let (i, w) = choose_locale(&tags, 0, Some("pt-BR"));
        assert_eq!(i, 0);
        assert!(w.unwrap().contains("pt-BR"));
    }
}
