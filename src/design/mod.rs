//! Designs: loading, checking and holding a design compiled for rendering.
//!
//! [`Design::load`] reads a design folder (see `templates/README.md`), checks
//! everything at once and reports every problem with its place.

mod approval;
pub(crate) mod body;
pub(crate) mod fields;
#[cfg(feature = "frame-check")]
mod frame;
mod hash;
pub(crate) mod invoice;
mod load;
pub(crate) mod loader;
pub(crate) mod messages;
pub(crate) mod offers;
pub(crate) mod print;
pub(crate) mod rules;
pub(crate) mod shell;
pub(crate) mod template;
pub(crate) mod values;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

pub use self::approval::{ApprovalRecord, ApprovalState, Change, ChangedFile, approve};
use self::body::Block;
use self::fields::Fields;
pub use self::fields::{FieldType, Kind};
#[cfg(feature = "print")]
pub(crate) use self::loader::walk;
pub use self::loader::{FileLoader, Loader, MemoryLoader};
use self::messages::Localized;
pub use self::print::PrintProduction;
use self::print::PrintToml;
use self::shell::{Brand, Shell};
use self::template::{FieldRef, Template};
use crate::error::{ErrorKind, Result};
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
    values: std::collections::BTreeMap<String, Spanned<values::ValueToml>>,
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
    /// How the print shop produces the letters (the rest of `[print]`).
    pub print: PrintProduction,
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

// A batch shares one Design between its threads: keep it Send + Sync in every
// feature set (the ICU formatters are only with icu_provider's `sync`).
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Design>();
};

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
    /// The computed values of `[values]`, in evaluation order.
    pub(crate) values: values::Values,
    pub(crate) variants: Vec<VariantGroup>,
    pub(crate) offers: Vec<offers::Offer>,
    /// Offer slots of the body.
    pub(crate) slots: Vec<String>,
    /// Where the design's files came from (the print engine reads the
    /// frame's files through it too).
    pub(crate) loader: Arc<dyn Loader>,
    /// The design's, brand's (and offer library's) files, hashed.
    pub(crate) content: hash::Content,
    /// Its approval, against that content.
    pub(crate) approval: ApprovalState,
    /// The design as an e-invoice (`invoice.toml`), when it is one.
    pub(crate) invoice: Option<invoice::InvoiceMap>,
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
        let design = load::load(&loader, dir, &dshown, &mut diags);
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

    /// The hex SHA-256 of every file that shapes what customers get: the
    /// design folder (but its `samples/`), its brand, and its offer library
    /// when it has offer slots. Two copies of a design with the same hash
    /// send the same communications; a shared run refuses workers whose
    /// hash differs from the run's.
    pub fn content_hash(&self) -> &str {
        &self.content.hash
    }

    /// Each content file's SHA-256, by its path under its folder's label
    /// (`design/body.md`, `brand/email/shell.html`, `offers/offers.toml`).
    pub fn content_files(&self) -> &std::collections::BTreeMap<String, String> {
        &self.content.files
    }

    /// Whether the design is approved as it is now: approved (its
    /// `approval.toml` names this very content), changed since its
    /// approval (and which files), or a draft (never approved).
    pub fn approval(&self) -> &ApprovalState {
        &self.approval
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
