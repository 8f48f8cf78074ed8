//! The brand: theme and contact details (`brand.toml`), and the email shell
//! (`email-shell.html`) with its brand placeholders resolved once per locale.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::loader::Loader;
use super::messages::Localized;
use super::messages::line_col;
use crate::escape::html;
use crate::model::{Diagnostic, Place};

/// Brand colours, as CSS colours.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    /// Buttons, headings accents, chart bars.
    pub primary: String,
    /// Text on the primary colour.
    #[serde(default = "white")]
    pub on_primary: String,
    /// Body text.
    pub text: String,
    /// Secondary text (labels, small print).
    pub muted: String,
    /// Page background around the email card.
    pub background: String,
    /// The card behind the content.
    pub surface: String,
    /// Lines and table rules.
    pub border: String,
    /// Warning notices: accent and background.
    pub warning: String,
    /// Background of warning notices.
    pub warning_bg: String,
    /// Info notices background.
    pub info_bg: String,
    /// Success notices: accent.
    pub success: String,
    /// Background of success notices.
    pub success_bg: String,
}

fn white() -> String {
    "#FFFFFF".to_owned()
}

/// The company behind the communications.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// Trading name.
    pub name: String,
    /// Legal name, for footers and letterheads.
    pub legal_name: String,
    /// Postal address lines.
    pub address: Vec<String>,
    /// Website URL.
    pub website: String,
    /// Support email address.
    pub support_email: String,
    /// Support phone number.
    pub support_phone: String,
    /// Logo file in the brand folder (print).
    pub logo: String,
    /// Logo for email, a file in the brand folder served under `asset_base_url`.
    pub email_logo: Option<String>,
    /// Where email images are served from (`https://.../assets`).
    pub asset_base_url: String,
    /// The preference centre, also the unsubscribe page.
    pub preferences_url: String,
    /// Colours.
    pub colors: Colors,
    /// Font stacks: `email` (CSS font-family) and `print` (Typst font names).
    pub fonts: BTreeMap<String, String>,
    /// Register and VAT numbers etc. for the print footer.
    #[serde(default)]
    pub legal: Vec<String>,
}

impl Brand {
    pub(crate) fn load(
        loader: &dyn Loader,
        dir: &Path,
        shown: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Brand> {
        let file = format!("{shown}/brand.toml");
        let text = match loader.read_to_string(&dir.join("brand.toml")) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    Diagnostic::new(
                        Place::new(&file, 1, 1),
                        format!("cannot read brand.toml: {e}"),
                    )
                    .hint("set `brand = \"path\"` in design.toml if the brand folder is elsewhere"),
                );
                return None;
            }
        };
        match toml::from_str::<Brand>(&text) {
            Ok(b) => {
                if !loader.is_file(&dir.join(&b.logo)) {
                    diags.push(Diagnostic::new(
                        Place::new(&file, 1, 1),
                        format!("logo file `{}` not found in the brand folder", b.logo),
                    ));
                }
                Some(b)
            }
            Err(e) => {
                let (l, c) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
                diags.push(Diagnostic::new(
                    Place::new(&file, l, c),
                    e.message().trim().to_owned(),
                ));
                None
            }
        }
    }

    /// The email font stack.
    pub fn email_font(&self) -> &str {
        self.fonts
            .get("email")
            .map_or("Helvetica, Arial, sans-serif", String::as_str)
    }
}

/// A piece of the email shell.
#[derive(Debug, Clone)]
pub(crate) enum ShellPart {
    Static(String),
    Subject,
    Preheader,
    Content,
    AssetBase,
}

/// The email shell, resolved for each locale of the design.
#[derive(Debug)]
pub(crate) struct Shell {
    /// Parts per locale, in the design's locale order.
    pub per_locale: Vec<Vec<ShellPart>>,
}

impl Shell {
    pub(crate) fn load(
        loader: &dyn Loader,
        dir: &Path,
        shown: &str,
        brand: &Option<Brand>,
        localized: &[Localized],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Shell> {
        let file = format!("{shown}/email-shell.html");
        let text = match loader.read_to_string(&dir.join("email-shell.html")) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::new(
                    Place::new(&file, 1, 1),
                    format!("cannot read email-shell.html: {e}"),
                ));
                return None;
            }
        };
        let brand = brand.as_ref()?;
        let mut per_locale = Vec::new();
        let mut content_count = 0;
        for (li, loc) in localized.iter().enumerate() {
            let mut parts = Vec::new();
            let mut rest = text.as_str();
            let mut offset = 0;
            while let Some(start) = rest.find("{{") {
                let Some(len) = rest[start..].find("}}") else {
                    break;
                };
                push_static(&mut parts, &rest[..start]);
                let inner = rest[start + 2..start + len].trim();
                let place = || {
                    let (l, c) = line_col(&text, offset + start);
                    Place::new(&file, l, c)
                };
                match shell_slot(inner, brand, loc) {
                    Ok(p) => {
                        if matches!(p, ShellPart::Content) && li == 0 {
                            content_count += 1;
                        }
                        match p {
                            ShellPart::Static(s) => push_static(&mut parts, &s),
                            p => parts.push(p),
                        }
                    }
                    Err(msg) => {
                        if li == 0 {
                            diags.push(Diagnostic::new(place(), msg));
                        }
                    }
                }
                offset += start + len + 2;
                rest = &rest[start + len + 2..];
            }
            push_static(&mut parts, rest);
            per_locale.push(parts);
        }
        if content_count != 1 && !localized.is_empty() {
            diags.push(Diagnostic::new(
                Place::new(&file, 1, 1),
                "the email shell needs exactly one `{{content}}`",
            ));
        }
        Some(Shell { per_locale })
    }
}

fn push_static(parts: &mut Vec<ShellPart>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(ShellPart::Static(prev)) = parts.last_mut() {
        prev.push_str(s);
    } else {
        parts.push(ShellPart::Static(s.to_owned()));
    }
}

fn shell_slot(inner: &str, brand: &Brand, loc: &Localized) -> Result<ShellPart, String> {
    let c = &brand.colors;
    let value = match inner {
        "content" => return Ok(ShellPart::Content),
        "subject" => return Ok(ShellPart::Subject),
        "preheader" => return Ok(ShellPart::Preheader),
        "asset_base_url" => return Ok(ShellPart::AssetBase),
        "lang" => loc.tag().to_owned(),
        "brand.name" => brand.name.clone(),
        "brand.legal_name" => brand.legal_name.clone(),
        "brand.address" => brand.address.join(" · "),
        "brand.website" => brand.website.clone(),
        "brand.website_host" => brand
            .website
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned(),
        "brand.support_email" => brand.support_email.clone(),
        "brand.support_phone" => brand.support_phone.clone(),
        "brand.preferences_url" => brand.preferences_url.clone(),
        "brand.email_logo" => brand.email_logo.clone().unwrap_or_default(),
        "font" => brand.email_font().to_owned(),
        "color.primary" => c.primary.clone(),
        "color.on_primary" => c.on_primary.clone(),
        "color.text" => c.text.clone(),
        "color.muted" => c.muted.clone(),
        "color.background" => c.background.clone(),
        "color.surface" => c.surface.clone(),
        "color.border" => c.border.clone(),
        other => {
            if let Some(id) = other.strip_prefix("t ").map(|s| s.trim().trim_matches('"')) {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("company", brand.name.clone());
                args.set("phone", brand.support_phone.clone());
                args.set("email", brand.support_email.clone());
                let msg = loc.message(id, &args);
                if msg.starts_with('[') && msg.ends_with(']') {
                    return Err(format!(
                        "message `{id}` is missing in the {} locale files",
                        loc.tag()
                    ));
                }
                msg
            } else {
                return Err(format!(
                    "unknown placeholder `{{{{{other}}}}}` in the email shell"
                ));
            }
        }
    };
    Ok(ShellPart::Static(html(&value)))
}
