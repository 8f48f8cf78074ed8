//! Designs: loading, checking and holding a design compiled for rendering.
//!
//! [`Design::load`] reads a design folder (see `templates/README.md`), checks
//! everything at once and reports every problem with its place.

pub(crate) mod body;
pub(crate) mod fields;
pub(crate) mod loader;
#[cfg(feature = "frame-check")]
mod frame;
pub(crate) mod messages;
pub(crate) mod offers;
pub(crate) mod rules;
pub(crate) mod shell;
pub(crate) mod template;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use self::body::{Block, BodyParser, Folders};
use self::fields::Fields;
pub use self::loader::{FileLoader, Loader, MemoryLoader};
pub use self::fields::{FieldType, Kind};
use self::messages::{Localized, Messages, line_col};
use self::shell::{Brand, Shell};
use self::template::{FieldRef, Scope, SrcMap, Template, resolve_field};
use crate::error::{ErrorKind, Result};
use crate::locale::SUPPORTED_LOCALES;
use crate::model::Paper;
use crate::model::{Channel, Diagnostic, Place};

/// Approval status of a design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    /// Being written.
    Draft,
    /// Waiting for approval.
    Review,
    /// Approved for sending.
    Approved,
    /// No longer sent.
    Retired,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    id: Spanned<String>,
    version: String,
    name: Option<String>,
    status: Approval,
    stage: Option<String>,
    channels: Vec<Spanned<String>>,
    default_locale: Spanned<String>,
    locales: Spanned<Vec<Spanned<String>>>,
    currency: Option<Spanned<String>>,
    currency_field: Option<Spanned<String>>,
    brand: Option<String>,
    subject: Option<Spanned<String>>,
    preheader: Option<Spanned<String>>,
    recipient: RecipientToml,
    sms: Option<SmsToml>,
    #[serde(default)]
    email: EmailToml,
    #[serde(default)]
    print: PrintToml,
    fields: Spanned<std::collections::BTreeMap<String, Spanned<String>>>,
    #[serde(default)]
    rules: std::collections::BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    variants: std::collections::BTreeMap<String, Spanned<std::collections::BTreeMap<String, u32>>>,
    #[serde(default)]
    offers: OffersToml,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecipientToml {
    id: Spanned<String>,
    name: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
    postal_code: Option<Spanned<String>>,
    locale: Option<Spanned<String>>,
    preferred_channel: Option<Spanned<String>>,
    consent: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OffersToml {
    library: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmsToml {
    text: Spanned<String>,
    max_segments: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EmailToml {
    #[serde(default)]
    attach_pdf: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PrintToml {
    paper: Option<Paper>,
    max_pages: Option<u32>,
}

/// What the manifest says about a design, for people and reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Manifest {
    /// The design's id.
    pub id: String,
    /// Its version, part of every idempotency key.
    pub version: String,
    /// A name for people.
    pub name: String,
    /// Approval status.
    pub status: Approval,
    /// Journey stage (onboarding, billing, ...).
    pub stage: String,
    /// Channels the design renders to.
    pub channels: Vec<Channel>,
    /// Locales, the default first.
    pub locales: Vec<String>,
    /// Largest SMS, in segments.
    pub max_sms_segments: u32,
    /// Attach the PDF to emails.
    pub attach_pdf: bool,
    /// Paper, when the design fixes it (otherwise Letter for en-US, A4 otherwise).
    pub paper: Option<Paper>,
    /// Most pages a printed document may have.
    pub max_pages: u32,
}

/// Where each channel finds its address in a record.
#[derive(Debug)]
pub(crate) struct Recipient {
    pub id: FieldRef,
    pub name: Option<FieldRef>,
    pub email: Option<FieldRef>,
    pub phone: Option<FieldRef>,
    /// Postal code, for presorting in the print manifest.
    pub postal_code: Option<FieldRef>,
    pub locale: Option<FieldRef>,
    pub preferred_channel: Option<FieldRef>,
    /// A record with bools `email`, `sms`, `print`, `marketing`.
    pub consent: Option<String>,
}

/// A variant group: names and weights (percent of customers).
#[derive(Debug)]
pub(crate) struct VariantGroup {
    pub name: String,
    pub variants: Vec<(String, u32)>,
}

/// A design, loaded and checked: parse once, render many. `Send + Sync`, so
/// one `Design` serves every thread of a batch.
#[derive(Debug)]
pub struct Design {
    pub(crate) manifest: Manifest,
    pub(crate) dir: PathBuf,
    pub(crate) brand_dir: PathBuf,
    pub(crate) body: Vec<Block>,
    pub(crate) subject: Template,
    pub(crate) preheader: Template,
    pub(crate) sms: Option<Template>,
    pub(crate) fields: Fields,
    pub(crate) localized: Vec<Localized>,
    pub(crate) recipient: Recipient,
    pub(crate) currency: String,
    pub(crate) currency_field: Option<FieldRef>,
    pub(crate) brand: Brand,
    pub(crate) shell: Shell,
    /// Named rules, inline body conditions and offer eligibility rules.
    pub(crate) rules: rules::Rules,
    pub(crate) variants: Vec<VariantGroup>,
    pub(crate) offers: Vec<offers::Offer>,
    /// Offer slots of the body.
    pub(crate) slots: Vec<String>,
    /// Where the design's files came from (the print engine reads the
    /// frame's files through it too).
    pub(crate) loader: Arc<dyn Loader>,
}

fn shown(p: &Path) -> String {
    p.to_string_lossy()
        .replace('\\', "/")
        .trim_end_matches('/')
        .to_owned()
}

impl Design {
    /// Loads the design in folder `dir`, with its brand (by default `../brand`).
    /// Every problem found is returned at once in [`ErrorKind::Design`].
    pub fn load(dir: impl AsRef<Path>) -> Result<Design> {
        Design::load_with(dir, FileLoader)
    }

    /// Loads the design in folder `dir` with its files read through
    /// `loader` (files in memory, a database...), as [`Design::load`] does
    /// from disk.
    pub fn load_with(dir: impl AsRef<Path>, loader: impl Loader + 'static) -> Result<Design> {
        let dir = dir.as_ref();
        let dshown = shown(dir);
        let mut diags = Vec::new();
        let loader: Arc<dyn Loader> = Arc::new(loader);
        let design = load_inner(&loader, dir, &dshown, &mut diags);
        diags.sort_by(|a, b| {
            (&a.place.file, a.place.line, a.place.column).cmp(&(
                &b.place.file,
                b.place.line,
                b.place.column,
            ))
        });
        match design {
            Some(d) if diags.is_empty() => Ok(d),
            _ => {
                if diags.is_empty() {
                    diags.push(Diagnostic::new(
                        Place::new(&format!("{dshown}/design.toml"), 1, 1),
                        "the design could not be loaded",
                    ));
                }
                Err(ErrorKind::Design {
                    design: dshown,
                    diagnostics: diags,
                }
                .into())
            }
        }
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The design's id.
    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    /// The design folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The brand folder.
    pub fn brand_dir(&self) -> &Path {
        &self.brand_dir
    }

    /// Where the design's files come from.
    pub fn loader(&self) -> &dyn Loader {
        &*self.loader
    }

    /// The declared type of a field path, e.g. `items.amount`.
    pub fn field(&self, path: &str) -> Option<FieldType> {
        self.fields.get(path)
    }

    /// Every declared field: its path (list entries continue the list's path,
    /// `items.amount`) and type, parents before children.
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldType)> {
        self.fields.iter()
    }

    /// The id of a record as reports name it: the `[recipient] id` field, or
    /// `(no id)` when it is missing.
    pub fn record_id(&self, record: &serde_json::Value) -> String {
        use serde_json::Value;
        match self.recipient.id.get(record, None) {
            Ok(Some(Value::String(s))) => s.chars().filter(|c| !c.is_control()).take(64).collect(),
            Ok(Some(Value::Number(n))) => n.to_string(),
            _ => "(no id)".to_owned(),
        }
    }
}

fn place_of_span(file: &str, text: &str, span: std::ops::Range<usize>) -> Place {
    let (l, c) = line_col(text, span.start);
    Place::new(file, l, c)
}

/// The place of the first character inside a TOML string value.
fn string_start(file: &str, text: &str, span: std::ops::Range<usize>) -> Place {
    let raw = &text[span.clone()];
    let skip = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else {
        1
    };
    place_of_span(file, text, span.start + skip..span.end)
}

fn load_inner(
    loader: &Arc<dyn Loader>,
    dir: &Path,
    dshown: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Design> {
    let files: &dyn Loader = &**loader;
    let mfile = format!("{dshown}/design.toml");
    let text = match files.read_to_string(&dir.join("design.toml")) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    Place::new(&mfile, 1, 1),
                    format!("cannot read design.toml: {e}"),
                )
                .hint("a design is a folder with design.toml and body.md"),
            );
            return None;
        }
    };
    let m: ManifestToml = match toml::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            let place = e.span().map_or(Place::new(&mfile, 1, 1), |s| {
                place_of_span(&mfile, &text, s)
            });
            diags.push(Diagnostic::new(place, e.message().trim().to_owned()));
            return None;
        }
    };
    let at = |s: std::ops::Range<usize>| place_of_span(&mfile, &text, s);

    let id = m.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        diags.push(
            Diagnostic::new(at(m.id.span()), format!("invalid design id {id:?}"))
                .hint("use letters, digits and '-'"),
        );
    }
    let mut channels = Vec::new();
    for c in &m.channels {
        match Channel::parse(c.get_ref()) {
            Some(ch) if !channels.contains(&ch) => channels.push(ch),
            Some(_) => {}
            None => diags.push(
                Diagnostic::new(at(c.span()), format!("unknown channel {:?}", c.get_ref()))
                    .hint("channels are email, sms, print"),
            ),
        }
    }
    // Locales: the default first, each supported.
    let mut locales: Vec<String> = Vec::new();
    for l in m.locales.get_ref() {
        if !SUPPORTED_LOCALES.contains(&l.get_ref().as_str()) {
            diags.push(
                Diagnostic::new(
                    at(l.span()),
                    format!("unsupported locale {:?}", l.get_ref()),
                )
                .hint(format!("supported: {}", SUPPORTED_LOCALES.join(", "))),
            );
        } else if !locales.contains(l.get_ref()) {
            locales.push(l.get_ref().clone());
        }
    }
    let default = m.default_locale.get_ref().clone();
    match locales.iter().position(|l| *l == default) {
        Some(i) => {
            let d = locales.remove(i);
            locales.insert(0, d);
        }
        None => diags.push(Diagnostic::new(
            at(m.default_locale.span()),
            format!("default locale {default:?} is not in `locales`"),
        )),
    }

    // Fields.
    let mut fields = Fields::default();
    for (path, ty) in m.fields.get_ref() {
        let ok_path = !path.is_empty()
            && path.split('.').all(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            });
        if !ok_path {
            diags.push(
                Diagnostic::new(at(ty.span()), format!("invalid field path {path:?}"))
                    .hint("paths are names joined by dots: customer.address.city"),
            );
            continue;
        }
        match fields::FieldType::parse(ty.get_ref()) {
            Some(t) => fields.insert(path.clone(), t),
            None => diags.push(
                Diagnostic::new(at(ty.span()), format!("unknown field type {:?} for `{path}`", ty.get_ref()))
                    .hint("types: string, number, integer, money, date, bool, url, list (add ? for optional)"),
            ),
        }
    }
    fields.finish();

    // Brand.
    let brand_rel = m.brand.clone().unwrap_or_else(|| "../brand".to_owned());
    let brand_dir = dir.join(&brand_rel);
    let bshown = shown(&Path::new(dshown).join(&brand_rel));
    let bshown = normalize(&bshown);
    let brand = Brand::load(files, &brand_dir, &bshown, diags);

    let offers_rel = m
        .offers
        .library
        .clone()
        .unwrap_or_else(|| "../offers".to_owned());
    let offers_dir = dir.join(&offers_rel);
    let offers_shown = normalize(&shown(&Path::new(dshown).join(&offers_rel)));
    let (messages, localized) = Messages::load(
        files,
        dir,
        dshown,
        &brand_dir,
        &bshown,
        &[(offers_dir.as_path(), offers_shown.as_str())],
        &locales,
        diags,
    );
    // Named rules, then variants: the body may refer to both.
    let mut rules = Vec::new();
    for (name, src) in &m.rules {
        let place = string_start(&mfile, &text, src.span());
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            diags.push(Diagnostic::new(
                place.clone(),
                format!("rule name `{name}` must be letters, digits and _"),
            ));
        }
        if fields.lookup(name).is_known() {
            diags.push(
                Diagnostic::new(
                    place.clone(),
                    format!("rule `{name}` has the name of a field"),
                )
                .hint("give rules names that are not field names"),
            );
        }
        if let Some(r) = rules::Rule::compile(name, src.get_ref(), &place, &fields, diags) {
            rules.push(r);
        }
    }
    let mut variants = Vec::new();
    for (name, weights) in &m.variants {
        let total: u32 = weights.get_ref().values().sum();
        if total != 100 {
            diags.push(Diagnostic::new(
                at(weights.span()),
                format!("the weights of variant group `{name}` add up to {total}, not 100"),
            ));
        }
        variants.push(VariantGroup {
            name: name.clone(),
            variants: weights
                .get_ref()
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        });
    }
    let scope = Scope {
        fields: &fields,
        messages: &messages,
        row: None,
    };

    let field_attr = |s: &Spanned<String>, diags: &mut Vec<Diagnostic>| {
        resolve_field(&scope, s.get_ref(), &at(s.span()), diags, false)
    };
    let rid = field_attr(&m.recipient.id, diags);
    let opt = |s: &Option<Spanned<String>>, diags: &mut Vec<Diagnostic>| {
        s.as_ref().and_then(|s| field_attr(s, diags))
    };
    let recipient_name = opt(&m.recipient.name, diags);
    let email = opt(&m.recipient.email, diags);
    let phone = opt(&m.recipient.phone, diags);
    let postal_code = opt(&m.recipient.postal_code, diags);
    let locale_field = opt(&m.recipient.locale, diags);
    let preferred_channel = opt(&m.recipient.preferred_channel, diags);
    let consent = m.recipient.consent.as_ref().map(|c| c.get_ref().clone());
    if let Some(c) = &m.recipient.consent {
        for ch in ["email", "sms", "print", "marketing"] {
            if let Some(t) = fields.get(&format!("{}.{ch}", c.get_ref()))
                && t.kind != Kind::Bool
            {
                diags.push(Diagnostic::new(
                    at(c.span()),
                    format!("consent field `{}.{ch}` must be a bool", c.get_ref()),
                ));
            }
        }
        if !matches!(fields.lookup(c.get_ref()), fields::Lookup::Group) {
            diags.push(Diagnostic::new(at(c.span()), format!("consent `{}` must be a record of bools (email, sms, print, marketing) declared in [fields]", c.get_ref())));
        }
    }
    if channels.contains(&Channel::Email) && m.recipient.email.is_none() {
        diags.push(Diagnostic::new(
            Place::new(&mfile, 1, 1),
            "the design sends email but [recipient] has no `email` field",
        ));
    }
    if channels.contains(&Channel::Sms) && m.recipient.phone.is_none() {
        diags.push(Diagnostic::new(
            Place::new(&mfile, 1, 1),
            "the design sends SMS but [recipient] has no `phone` field",
        ));
    }

    let currency = m
        .currency
        .as_ref()
        .map(|c| c.get_ref().clone())
        .unwrap_or_else(|| "EUR".to_owned());
    if let Some(c) = &m.currency
        && !crate::locale::is_currency_code(c.get_ref())
    {
        diags.push(
            Diagnostic::new(
                at(c.span()),
                format!("{:?} is not an ISO 4217 currency code", c.get_ref()),
            )
            .hint("e.g. EUR, USD, GBP, CNY"),
        );
    }
    let currency_field = opt(&m.currency_field, diags);
    if let Some(f) = &currency_field
        && f.ty.kind != Kind::String
    {
        diags.push(Diagnostic::new(
            Place::new(&mfile, 1, 1),
            format!("currency_field `{}` must be a string field", f.full),
        ));
    }

    let compile_str =
        |s: &Option<Spanned<String>>, diags: &mut Vec<Diagnostic>| -> Option<Template> {
            let s = s.as_ref()?;
            let map = SrcMap::single(s.get_ref(), &string_start(&mfile, &text, s.span()));
            Some(Template::compile(&map, 0..map.src().len(), &scope, diags))
        };
    let subject = compile_str(&m.subject, diags);
    if channels.contains(&Channel::Email) && subject.is_none() {
        diags.push(Diagnostic::new(
            Place::new(&mfile, 1, 1),
            "the design sends email but has no `subject`",
        ));
    }
    let preheader = compile_str(&m.preheader, diags);
    let sms = compile_str(&m.sms.as_ref().map(|s| s.text.clone()), diags);
    if channels.contains(&Channel::Sms) && sms.is_none() {
        diags.push(Diagnostic::new(
            Place::new(&mfile, 1, 1),
            "the design sends SMS but has no [sms] text",
        ));
    }

    // Body.
    let bfile = format!("{dshown}/body.md");
    let body_text = match files.read_to_string(&dir.join("body.md")) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::new(
                Place::new(&bfile, 1, 1),
                format!("cannot read body.md: {e}"),
            ));
            String::new()
        }
    };
    let folders = Folders {
        loader: files,
        design: dir,
        design_shown: dshown,
        brand: &brand_dir,
        brand_shown: &bshown,
    };
    let mut parser = BodyParser::new(&scope, &folders);
    parser.rules = rules;
    parser.variants = &variants;
    let body = parser.parse_file(&body_text, &bfile);
    let mut rules = std::mem::take(&mut parser.rules);
    let slots = std::mem::take(&mut parser.slots);
    let offers = offers::load(
        files,
        &offers_dir,
        &offers_shown,
        &slots,
        &fields,
        &mut rules,
        diags,
    );
    let mut slots = slots;
    slots.dedup();
    for o in &offers {
        for part in ["title", "text", "cta"] {
            let id = format!("offer-{}-{part}", o.id);
            if !messages.has_everywhere(&id) {
                diags.push(
                    Diagnostic::new(
                        Place::new(&format!("{offers_shown}/offers.toml"), 1, 1),
                        format!(
                            "offer `{}` has no message `{id}` in every locale of the design",
                            o.id
                        ),
                    )
                    .hint(format!("add it to {offers_shown}/locales/<locale>.ftl")),
                );
            }
        }
    }
    diags.append(&mut parser.diags);
    if channels.contains(&Channel::Print) && parser.addresses == 0 {
        diags.push(
            Diagnostic::new(
                Place::new(&bfile, 1, 1),
                "the design prints but has no `::: address`",
            )
            .hint("print needs the recipient's address for the envelope window"),
        );
    }

    let shell = Shell::load(files, &brand_dir, &bshown, &brand, &localized, diags);
    #[cfg(feature = "frame-check")]
    if channels.contains(&Channel::Print) {
        frame::check(files, (dir, dshown), (&brand_dir, &bshown), diags);
    }

    let manifest = Manifest {
        id,
        version: m.version,
        name: m.name.unwrap_or_default(),
        status: m.status,
        stage: m.stage.unwrap_or_default(),
        channels,
        locales,
        max_sms_segments: m.sms.as_ref().and_then(|s| s.max_segments).unwrap_or(3),
        attach_pdf: m.email.attach_pdf,
        paper: m.print.paper,
        max_pages: m.print.max_pages.unwrap_or(20),
    };
    Some(Design {
        manifest,
        dir: dir.to_owned(),
        brand_dir,
        body,
        subject: subject.unwrap_or_else(|| Template::literal("")),
        preheader: preheader.unwrap_or_else(|| Template::literal("")),
        sms,
        fields,
        localized,
        recipient: Recipient {
            id: rid?,
            name: recipient_name,
            email,
            phone,
            postal_code,
            locale: locale_field,
            preferred_channel,
            consent,
        },
        currency,
        currency_field,
        brand: brand?,
        shell: shell?,
        rules: rules::Rules::new(rules),
        variants,
        offers,
        slots,
        loader: loader.clone(),
    })
}

/// `templates/bill/../brand` -> `templates/brand`, for messages.
fn normalize(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            ".." if out.last().is_some_and(|l| *l != ".." && !l.is_empty()) => {
                out.pop();
            }
            "." => {}
            s => out.push(s),
        }
    }
    if out.is_empty() {
        ".".to_owned()
    } else {
        out.join("/")
    }
}
