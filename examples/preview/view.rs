//! One preview: everything the page shows for one record of one design
//! (every channel, the explanation, the design's locales and fields), and
//! the cache of recent previews that the page's images, checks and test
//! sends refer to by number.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use vellum::{Channels, ComposeOptions, Design, Outcome, Pipeline, PipelineOptions, decide};

/// Previews kept for the page to fetch their pages, checks and sends.
const KEPT: usize = 24;
/// The resolution of the page images.
const DPI: &str = "80";

/// What a preview rendered, kept for the requests that follow it.
pub struct Rendered {
    /// The design folder.
    pub dir: PathBuf,
    /// The record as rendered (with the chosen locale).
    pub record: Value,
    /// The letter's pages as PNGs.
    pub pages: Vec<Vec<u8>>,
    /// The email's HTML, when there is an email.
    pub html: Option<String>,
}

/// Recent previews by number.
#[derive(Default)]
pub struct Cache {
    next: u64,
    entries: BTreeMap<u64, Arc<Rendered>>,
}

impl Cache {
    fn insert(&mut self, r: Rendered) -> u64 {
        self.next += 1;
        self.entries.insert(self.next, Arc::new(r));
        while self.entries.len() > KEPT {
            self.entries.pop_first();
        }
        self.next
    }

    /// A kept preview.
    pub fn get(&self, id: u64) -> Option<Arc<Rendered>> {
        self.entries.get(&id).cloned()
    }
}

/// The preview of `record` (in `locale`, when given) for the design in
/// `dir`; a design error or a panic becomes `error`, never a dropped answer.
pub fn preview(
    dir: &Path,
    record: &Value,
    locale: Option<&str>,
    cache: &Mutex<Cache>,
    version: u64,
) -> Value {
    let run = || render(dir, record, locale, cache);
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(mut v) => {
            v["version"] = json!(version);
            v
        }
        Err(_) => json!({
            "version": version,
            "error": "vellum failed while rendering this record (an internal error; \
                      the server's log has the details). Other records and designs still work.",
        }),
    }
}

fn render(dir: &Path, record: &Value, locale: Option<&str>, cache: &Mutex<Cache>) -> Value {
    let design = match Design::load(dir) {
        Ok(d) => d,
        Err(e) => return json!({ "error": e.to_string() }),
    };
    let mut record = record.clone();
    let locale_path = recipient_locale(dir);
    if let (Some(l), Some(path)) = (locale, &locale_path) {
        set_path(&mut record, path, json!(l));
    }
    let mut out = describe(&design, locale_path.is_some());
    out["explain"] = match decide(&design, &record, &ComposeOptions::default()) {
        Ok(d) => json!(d.to_string()),
        Err(e) => json!(format!("no decision: {e}")),
    };
    let options = PipelineOptions::default()
        .channels(Channels::Design)
        .asset_base_url(format!("/assets/{}", design.id()))
        .png_dpi(80.0);
    let pipeline = match Pipeline::new(&design, options) {
        Ok(p) => p,
        Err(e) => {
            out["error"] = json!(e.to_string());
            return out;
        }
    };
    let outcome = pipeline.run(&record);
    channels(&outcome, &mut out);
    let Letter { pages, text, note } = outcome.pdf().map(letter).unwrap_or_default();
    let page_count = pages.len();
    let id = lock(cache).insert(Rendered {
        dir: dir.to_path_buf(),
        record: record.clone(),
        pages,
        html: outcome.email().map(|m| m.html.clone()),
    });
    out["id"] = json!(id);
    if let Some(pdf) = outcome.pdf() {
        let pngs: Vec<String> = (1..=page_count)
            .map(|n| format!("/api/png/{id}/{n}"))
            .collect();
        out["pdf"] = json!({ "pages": pdf.pages, "pngs": pngs, "text": text, "note": note });
    }
    out
}

/// What the page needs to know about the design itself.
fn describe(design: &Design, locale_switch: bool) -> Value {
    let fields: Vec<Value> = design
        .fields()
        .map(|(path, ty)| json!({ "path": path, "kind": ty.kind.name(), "optional": ty.optional }))
        .collect();
    json!({
        "design": design.id(),
        "name": design.manifest().name,
        "locales": design.manifest().locales,
        "locale_switch": locale_switch,
        "fields": fields,
        "approval": { "text": design.approval().to_string(), "state": design.approval() },
        "sender": brand_name(design.brand_dir()),
    })
}

/// The outcome's channels, the recipient and the failures, into `out`.
fn channels(outcome: &Outcome, out: &mut Value) {
    out["record"] = json!(outcome.record);
    let failures: Vec<String> = outcome.failures().map(ToString::to_string).collect();
    out["failures"] = json!(failures);
    if let Some(doc) = &outcome.document {
        out["to"] = json!({ "name": doc.name, "email": doc.email, "phone": doc.phone });
        out["locale"] = json!(doc.locale);
    }
    if let Some(m) = outcome.email() {
        out["email"] = json!({
            "subject": m.subject,
            "preheader": m.preheader,
            "html": m.html,
            "text": m.text,
        });
    }
    if let Some(s) = outcome.sms() {
        out["sms"] = json!({
            "text": s.text,
            "encoding": s.encoding,
            "characters": s.text.chars().count(),
            "units": s.units,
            "segments": s.segments,
        });
    }
}

/// The letter as the page shows it.
#[derive(Default)]
struct Letter {
    /// Every page as a PNG.
    pages: Vec<Vec<u8>>,
    /// Its text (poppler's `pdftotext`), for search and screen readers.
    text: Option<String>,
    /// Why something is missing, when it is.
    note: Option<String>,
}

/// Every page of the letter as a PNG and its text (poppler's `pdftoppm` and
/// `pdftotext`); without them, the first page vellum rendered, and a note
/// saying why only that one.
fn letter(pdf: &vellum::render::Pdf) -> Letter {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let tmp = std::env::temp_dir().join(format!("vellum-preview-{}-{n}", std::process::id()));
    let result = std::fs::create_dir_all(&tmp)
        .map_err(|e| format!("{}: {e}", tmp.display()))
        .and_then(|()| rasterize(&tmp, &pdf.bytes));
    let _ = std::fs::remove_dir_all(&tmp);
    let first = || pdf.png_first_page.clone().into_iter().collect::<Vec<_>>();
    match result {
        Ok((pages, text)) if !pages.is_empty() => Letter {
            pages,
            text: Some(text),
            note: None,
        },
        Ok(_) => Letter {
            pages: first(),
            text: None,
            note: Some("pdftoppm rendered no pages; page 1 only".into()),
        },
        Err(why) => Letter {
            pages: first(),
            text: None,
            note: Some(format!("{why}; showing page 1 only")),
        },
    }
}

fn rasterize(tmp: &Path, pdf: &[u8]) -> Result<(Vec<Vec<u8>>, String), String> {
    let input = tmp.join("letter.pdf");
    std::fs::write(&input, pdf).map_err(|e| format!("{}: {e}", input.display()))?;
    let missing = |_| "poppler's pdftoppm is not installed (apt-get install poppler-utils)";
    let status = Command::new("pdftoppm")
        .args(["-r", DPI, "-png"])
        .arg(&input)
        .arg(tmp.join("page"))
        .status()
        .map_err(missing)?;
    if !status.success() {
        return Err(format!("pdftoppm failed ({status})"));
    }
    let text = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&input)
        .arg("-")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(tmp)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    // page-1.png ... page-10.png: by length, then by name.
    files.sort_by_key(|p| (p.as_os_str().len(), p.clone()));
    let pages = files
        .iter()
        .map(|p| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    Ok((pages, text))
}

/// The dotted path of the recipient's locale in a record (`[recipient]
/// locale` of design.toml), if the design has one.
fn recipient_locale(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("design.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table
        .get("recipient")?
        .get("locale")?
        .as_str()
        .map(str::to_owned)
}

/// Sets `record.<path>` to `value`, making the records on the way.
fn set_path(record: &mut Value, path: &str, value: Value) {
    let mut at = record;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !at.is_object() {
            *at = json!({});
        }
        let Some(map) = at.as_object_mut() else {
            return;
        };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), value);
            return;
        }
        at = map.entry(part.to_owned()).or_insert_with(|| json!({}));
    }
}

/// The sender name: the brand's `name`.
pub fn brand_name(brand: &Path) -> Option<String> {
    let text = std::fs::read_to_string(brand.join("brand.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table.get("name")?.as_str().map(str::to_owned)
}

/// The lock, also after a panic elsewhere (the cache stays consistent:
/// every change is one insert).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
