//! Loading a design, step by step: the manifest and what it declares
//! (channels, locales, fields, rules, variants, recipient, currency, texts),
//! then the brand, messages, body, offers, email shell and print frame. Each
//! step reports its problems into the one list of diagnostics; the order of
//! the steps is the order of problems that share a place.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use super::body::{Block, BodyParser, Folders};
use super::fields::{self, FieldType, Fields, Kind};
use super::loader::Loader;
use super::messages::{Messages, line_col};
use super::rules::{self, Rule};
use super::shell::{Brand, Shell};
use super::template::{FieldRef, Scope, SrcMap, Template, resolve_field};
use super::values::{self, Values};
use super::{Design, Manifest, ManifestToml, Recipient, VariantGroup, normalize, offers, shown};
use crate::locale::{SUPPORTED_LOCALES, is_currency_code};
use crate::model::{Channel, Diagnostic, Place};

type Diags = Vec<Diagnostic>;

/// The manifest's text, for places of what it declares.
struct ManifestFile {
    file: String,
    text: String,
}

impl ManifestFile {
    /// The place of a span.
    fn at(&self, span: Range<usize>) -> Place {
        let (l, c) = line_col(&self.text, span.start);
        Place::new(&self.file, l, c)
    }

    /// The place of the first character inside a TOML string value.
    fn string_start(&self, span: Range<usize>) -> Place {
        let raw = &self.text[span.clone()];
        let skip = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
            3
        } else {
            1
        };
        self.at(span.start + skip..span.end)
    }

    /// The manifest's first line: problems of the manifest as a whole.
    fn top(&self) -> Place {
        Place::new(&self.file, 1, 1)
    }
}

impl values::At for ManifestFile {
    fn at(&self, span: Range<usize>, offset: usize) -> Place {
        values::place_in(&self.file, &self.text, span, offset)
    }
}

/// A folder the design refers to, with the name messages show for it.
struct Folder {
    dir: PathBuf,
    shown: String,
}

impl Folder {
    /// `rel` (e.g. `../brand`) from the design folder.
    fn of(dir: &Path, dshown: &str, rel: &str) -> Folder {
        Folder {
            dir: dir.join(rel),
            shown: normalize(&shown(&Path::new(dshown).join(rel))),
        }
    }
}

/// Loads a design; `None` (with diagnostics) when it cannot be built.
// About 100 lines on purpose: it names every step once, in order, and the
// order is what keeps problems that share a place in a stable order.
pub(super) fn load(
    loader: &Arc<dyn Loader>,
    dir: &Path,
    dshown: &str,
    diags: &mut Diags,
) -> Option<Design> {
    let files: &dyn Loader = &**loader;
    let (m, mf) = read_manifest(files, dir, dshown, diags)?;
    let id = check_id(&m, &mf, diags);
    let channels = channels(&m, &mf, diags);
    let locales = locales(&m, &mf, diags);
    let mut fields = declared_fields(&m, &mf, diags);
    // Values before rules and texts: both may read them.
    let values = Values::load(&m.values, &mut fields, &mf, diags);
    let fields = fields;
    let brand = Folder::of(dir, dshown, m.brand.as_deref().unwrap_or("../brand"));
    let brand_toml = Brand::load(files, &brand.dir, &brand.shown, diags);
    let library = m.offers.library.as_deref().unwrap_or("../offers");
    let offer_lib = Folder::of(dir, dshown, library);
    let (messages, localized) = Messages::load(
        files,
        (dir, dshown),
        (&brand.dir, &brand.shown),
        &[(offer_lib.dir.as_path(), offer_lib.shown.as_str())],
        &locales,
        diags,
    );
    // Named rules, then variants: the body may refer to both.
    let named = named_rules(&m, &mf, &fields, diags);
    let variants = variant_groups(&m, &mf, diags);
    let scope = Scope {
        fields: &fields,
        messages: &messages,
        row: None,
    };
    let recipient = recipient(&m, &mf, &scope, &channels, diags);
    let (currency, currency_field) = currency(&m, &mf, &scope, diags);
    let texts = texts(&m, &mf, &scope, &channels, diags);
    let folders = Folders {
        loader: files,
        design: dir,
        design_shown: dshown,
        brand: &brand.dir,
        brand_shown: &brand.shown,
    };
    let body = body(files, &folders, &scope, named, &variants, &offer_lib, diags);
    if channels.contains(&Channel::Print) && body.addresses == 0 {
        diags.push(
            Diagnostic::new(
                Place::new(&format!("{dshown}/body.md"), 1, 1),
                "the design prints but has no `::: address`",
            )
            .hint("print needs the recipient's address for the envelope window"),
        );
    }
    let shell = Shell::load(
        files,
        &brand.dir,
        &brand.shown,
        &brand_toml,
        &localized,
        diags,
    );
    let invoice = super::invoice::load(files, dir, dshown, &fields, &messages, diags);
    #[cfg(feature = "frame-check")]
    if channels.contains(&Channel::Print) {
        super::frame::check(files, (dir, dshown), (&brand.dir, &brand.shown), diags);
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
        print: super::print::production(&m.print, &|s| mf.at(s), diags),
    };
    let mut folders = vec![(dir, "design"), (brand.dir.as_path(), "brand")];
    if !body.slots.is_empty() {
        folders.push((offer_lib.dir.as_path(), "offers"));
    }
    // Only for a design that loaded: a refused brand folder (`/`) is not walked.
    if !diags.is_empty() {
        return None;
    }
    let content = match super::hash::content(files, &folders) {
        Ok(c) => c,
        Err(message) => {
            diags.push(Diagnostic::new(
                Place::new(&format!("{dshown}/design.toml"), 1, 1),
                message,
            ));
            return None;
        }
    };
    Some(Design {
        manifest,
        approval: super::approval::read(files, dir, dshown, &content, diags)?,
        content,
        dir: dir.to_owned(),
        brand_dir: brand.dir,
        body: body.blocks,
        subject: texts.subject.unwrap_or_else(|| Template::literal("")),
        preheader: texts.preheader.unwrap_or_else(|| Template::literal("")),
        sms: texts.sms,
        fields,
        localized,
        recipient: recipient?,
        currency,
        currency_field,
        brand: brand_toml?,
        shell: shell?,
        rules: rules::Rules::new(body.rules),
        values,
        variants,
        offers: body.offers,
        slots: body.slots,
        loader: loader.clone(),
        invoice,
    })
}

/// Reads and parses `design.toml`.
fn read_manifest(
    files: &dyn Loader,
    dir: &Path,
    dshown: &str,
    diags: &mut Diags,
) -> Option<(ManifestToml, ManifestFile)> {
    let file = format!("{dshown}/design.toml");
    let text = match files.read_to_string(&dir.join("design.toml")) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    Place::new(&file, 1, 1),
                    format!("cannot read design.toml: {e}"),
                )
                .hint("a design is a folder with design.toml and body.md"),
            );
            return None;
        }
    };
    let mf = ManifestFile { file, text };
    match toml::from_str(&mf.text) {
        Ok(m) => Some((m, mf)),
        Err(e) => {
            let place = e.span().map_or(mf.top(), |s| mf.at(s));
            diags.push(Diagnostic::new(place, e.message().trim().to_owned()));
            None
        }
    }
}

fn check_id(m: &ManifestToml, mf: &ManifestFile, diags: &mut Diags) -> String {
    let id = m.id.get_ref().clone();
    let valid = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if id.is_empty() || !valid {
        diags.push(
            Diagnostic::new(mf.at(m.id.span()), format!("invalid design id {id:?}"))
                .hint("use letters, digits and '-'"),
        );
    }
    id
}

fn channels(m: &ManifestToml, mf: &ManifestFile, diags: &mut Diags) -> Vec<Channel> {
    let mut channels = Vec::new();
    for c in &m.channels {
        match Channel::parse(c.get_ref()) {
            Some(ch) if !channels.contains(&ch) => channels.push(ch),
            Some(_) => {}
            None => diags.push(
                Diagnostic::new(
                    mf.at(c.span()),
                    format!("unknown channel {:?}", c.get_ref()),
                )
                .hint("channels are email, sms, print"),
            ),
        }
    }
    channels
}

/// The design's locales, the default first, each supported.
fn locales(m: &ManifestToml, mf: &ManifestFile, diags: &mut Diags) -> Vec<String> {
    let mut locales: Vec<String> = Vec::new();
    for l in m.locales.get_ref() {
        if !SUPPORTED_LOCALES.contains(&l.get_ref().as_str()) {
            diags.push(
                Diagnostic::new(
                    mf.at(l.span()),
                    format!("unsupported locale {:?}", l.get_ref()),
                )
                .hint(format!("supported: {}", SUPPORTED_LOCALES.join(", "))),
            );
        } else if !locales.contains(l.get_ref()) {
            locales.push(l.get_ref().clone());
        }
    }
    let default = m.default_locale.get_ref();
    match locales.iter().position(|l| l == default) {
        Some(i) => {
            let d = locales.remove(i);
            locales.insert(0, d);
        }
        None => diags.push(Diagnostic::new(
            mf.at(m.default_locale.span()),
            format!("default locale {default:?} is not in `locales`"),
        )),
    }
    locales
}

fn declared_fields(m: &ManifestToml, mf: &ManifestFile, diags: &mut Diags) -> Fields {
    let mut fields = Fields::default();
    for (path, ty) in m.fields.get_ref() {
        let ok_path = !path.is_empty()
            && path.split('.').all(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            });
        if path == values::ROOT || path.starts_with(&format!("{}.", values::ROOT)) {
            diags.push(
                Diagnostic::new(mf.at(ty.span()), format!("field path {path:?} uses the reserved name `values`"))
                    .hint("`values.<name>` are the computed values of [values]; rename the record's field"),
            );
            continue;
        }
        if !ok_path {
            diags.push(
                Diagnostic::new(mf.at(ty.span()), format!("invalid field path {path:?}"))
                    .hint("paths are names joined by dots: customer.address.city"),
            );
            continue;
        }
        match FieldType::parse(ty.get_ref()) {
            Some(t) => fields.insert(path.clone(), t),
            None => diags.push(
                Diagnostic::new(mf.at(ty.span()), format!("unknown field type {:?} for `{path}`", ty.get_ref()))
                    .hint("types: string, number, integer, money, date, bool, url, list (add ? for optional)"),
            ),
        }
    }
    fields.finish();
    fields
}

/// The `[rules]` of the manifest, compiled and checked against the fields.
fn named_rules(
    m: &ManifestToml,
    mf: &ManifestFile,
    fields: &Fields,
    diags: &mut Diags,
) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (name, src) in &m.rules {
        let place = mf.string_start(src.span());
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
        if let Some(r) = Rule::compile(name, src.get_ref(), &place, fields, diags) {
            rules.push(r);
        }
    }
    rules
}

fn variant_groups(m: &ManifestToml, mf: &ManifestFile, diags: &mut Diags) -> Vec<VariantGroup> {
    let mut groups = Vec::new();
    for (name, weights) in &m.variants {
        let total: u32 = weights.get_ref().values().sum();
        if total != 100 {
            diags.push(Diagnostic::new(
                mf.at(weights.span()),
                format!("the weights of variant group `{name}` add up to {total}, not 100"),
            ));
        }
        groups.push(VariantGroup {
            name: name.clone(),
            variants: weights
                .get_ref()
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        });
    }
    groups
}

/// A field the manifest names, resolved against the declared fields.
fn field_ref(
    scope: &Scope<'_>,
    mf: &ManifestFile,
    s: &Option<Spanned<String>>,
    diags: &mut Diags,
) -> Option<FieldRef> {
    let s = s.as_ref()?;
    let f = resolve_field(scope, s.get_ref(), &mf.at(s.span()), diags, false)?;
    if f.computed {
        diags.push(Diagnostic::new(
            mf.at(s.span()),
            format!(
                "`{}` is a computed value; name a field of the record here",
                f.full
            ),
        ));
        return None;
    }
    Some(f)
}

/// Where each channel finds its address in a record (`[recipient]`).
fn recipient(
    m: &ManifestToml,
    mf: &ManifestFile,
    scope: &Scope<'_>,
    channels: &[Channel],
    diags: &mut Diags,
) -> Option<Recipient> {
    let r = &m.recipient;
    let id = field_ref(scope, mf, &Some(r.id.clone()), diags);
    let name = field_ref(scope, mf, &r.name, diags);
    let email = field_ref(scope, mf, &r.email, diags);
    let phone = field_ref(scope, mf, &r.phone, diags);
    let postal_code = field_ref(scope, mf, &r.postal_code, diags);
    let locale = field_ref(scope, mf, &r.locale, diags);
    let preferred_channel = field_ref(scope, mf, &r.preferred_channel, diags);
    if let Some(c) = &r.consent {
        check_consent(c, scope.fields, mf, diags);
    }
    if channels.contains(&Channel::Email) && r.email.is_none() {
        diags.push(Diagnostic::new(
            mf.top(),
            "the design sends email but [recipient] has no `email` field",
        ));
    }
    if channels.contains(&Channel::Sms) && r.phone.is_none() {
        diags.push(Diagnostic::new(
            mf.top(),
            "the design sends SMS but [recipient] has no `phone` field",
        ));
    }
    Some(Recipient {
        id: id?,
        name,
        email,
        phone,
        postal_code,
        locale,
        preferred_channel,
        consent: r.consent.as_ref().map(|c| c.get_ref().clone()),
    })
}

/// The consent field must be a record of bools.
fn check_consent(c: &Spanned<String>, fields: &Fields, mf: &ManifestFile, diags: &mut Diags) {
    for ch in ["email", "sms", "print", "marketing"] {
        if let Some(t) = fields.get(&format!("{}.{ch}", c.get_ref()))
            && t.kind != Kind::Bool
        {
            diags.push(Diagnostic::new(
                mf.at(c.span()),
                format!("consent field `{}.{ch}` must be a bool", c.get_ref()),
            ));
        }
    }
    if !matches!(fields.lookup(c.get_ref()), fields::Lookup::Group) {
        diags.push(Diagnostic::new(mf.at(c.span()), format!("consent `{}` must be a record of bools (email, sms, print, marketing) declared in [fields]", c.get_ref())));
    }
}

/// The design's currency and the field that may override it per record.
fn currency(
    m: &ManifestToml,
    mf: &ManifestFile,
    scope: &Scope<'_>,
    diags: &mut Diags,
) -> (String, Option<FieldRef>) {
    let currency = m
        .currency
        .as_ref()
        .map(|c| c.get_ref().clone())
        .unwrap_or_else(|| "EUR".to_owned());
    if let Some(c) = &m.currency
        && !is_currency_code(c.get_ref())
    {
        diags.push(
            Diagnostic::new(
                mf.at(c.span()),
                format!("{:?} is not an ISO 4217 currency code", c.get_ref()),
            )
            .hint("e.g. EUR, USD, GBP, CNY"),
        );
    }
    let field = field_ref(scope, mf, &m.currency_field, diags);
    if let Some(f) = &field
        && f.ty.kind != Kind::String
    {
        diags.push(Diagnostic::new(
            mf.top(),
            format!("currency_field `{}` must be a string field", f.full),
        ));
    }
    (currency, field)
}

/// The manifest's templates: subject, preheader and SMS text.
struct Texts {
    subject: Option<Template>,
    preheader: Option<Template>,
    sms: Option<Template>,
}

fn texts(
    m: &ManifestToml,
    mf: &ManifestFile,
    scope: &Scope<'_>,
    channels: &[Channel],
    diags: &mut Diags,
) -> Texts {
    let compile = |s: &Option<Spanned<String>>, diags: &mut Diags| -> Option<Template> {
        let s = s.as_ref()?;
        let map = SrcMap::single(s.get_ref(), &mf.string_start(s.span()));
        Some(Template::compile(&map, 0..map.src().len(), scope, diags))
    };
    let subject = compile(&m.subject, diags);
    if channels.contains(&Channel::Email) && subject.is_none() {
        diags.push(Diagnostic::new(
            mf.top(),
            "the design sends email but has no `subject`",
        ));
    }
    let preheader = compile(&m.preheader, diags);
    let sms = compile(&m.sms.as_ref().map(|s| s.text.clone()), diags);
    if channels.contains(&Channel::Sms) && sms.is_none() {
        diags.push(Diagnostic::new(
            mf.top(),
            "the design sends SMS but has no [sms] text",
        ));
    }
    Texts {
        subject,
        preheader,
        sms,
    }
}

/// The parsed body with what parsing it found: every rule (named, inline
/// conditions, offer eligibility), the offer slots and offers, the number
/// of address blocks.
struct Body {
    blocks: Vec<Block>,
    rules: Vec<Rule>,
    slots: Vec<String>,
    offers: Vec<offers::Offer>,
    addresses: usize,
}

fn body(
    files: &dyn Loader,
    folders: &Folders<'_>,
    scope: &Scope<'_>,
    named: Vec<Rule>,
    variants: &[VariantGroup],
    offer_lib: &Folder,
    diags: &mut Diags,
) -> Body {
    let file = format!("{}/body.md", folders.design_shown);
    let text = match files.read_to_string(&folders.design.join("body.md")) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::new(
                Place::new(&file, 1, 1),
                format!("cannot read body.md: {e}"),
            ));
            String::new()
        }
    };
    let mut parser = BodyParser::new(scope, folders);
    parser.rules = named;
    parser.variants = variants;
    let blocks = parser.parse_file(&text, &file);
    let mut rules = std::mem::take(&mut parser.rules);
    let mut slots = std::mem::take(&mut parser.slots);
    let offers = offers::load(
        files,
        &offer_lib.dir,
        &offer_lib.shown,
        &slots,
        scope.fields,
        &mut rules,
        diags,
    );
    slots.dedup();
    check_offer_messages(&offers, scope.messages, &offer_lib.shown, diags);
    diags.append(&mut parser.diags);
    Body {
        blocks,
        rules,
        slots,
        offers,
        addresses: parser.addresses,
    }
}

/// Every offer needs its title, text and button label in every locale.
fn check_offer_messages(
    offers: &[offers::Offer],
    messages: &Messages,
    shown: &str,
    diags: &mut Diags,
) {
    for o in offers {
        for part in ["title", "text", "cta"] {
            let id = format!("offer-{}-{part}", o.id);
            if !messages.has_everywhere(&id) {
                diags.push(
                    Diagnostic::new(
                        Place::new(&format!("{shown}/offers.toml"), 1, 1),
                        format!(
                            "offer `{}` has no message `{id}` in every locale of the design",
                            o.id
                        ),
                    )
                    .hint(format!("add it to {shown}/locales/<locale>.ftl")),
                );
            }
        }
    }
}
