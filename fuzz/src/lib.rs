//! Shared harness code for vellum's fuzz targets.
//!
//! Each fuzz process copies the shipped `templates/bill`, `templates/brand`
//! and `templates/offers` ONCE into a directory unique to the process (under
//! /dev/shm when it exists, else the system temp dir), so the design's
//! relative `../brand` and `../offers` resolve; a target then rewrites only
//! the one file it fuzzes per iteration. The directory is removed at exit.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use vellum::model::Date;
use vellum::{ComposeOptions, Design};

/// The shipped templates of the main crate.
pub fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates")
}

/// The per-process copy of the shipped design folders.
pub struct Sandbox {
    /// The sandbox root: holds `bill/`, `brand/`, `offers/`.
    pub root: PathBuf,
    /// `root/bill`.
    pub bill: PathBuf,
}

static SANDBOX: OnceLock<Sandbox> = OnceLock::new();

extern "C" fn remove_sandbox() {
    if let Some(s) = SANDBOX.get() {
        let _ = std::fs::remove_dir_all(&s.root);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("harness: mkdir {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("harness: read {}: {e}", from.display())) {
        let entry = entry.expect("harness: dir entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("harness: file type").is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst)
                .unwrap_or_else(|e| panic!("harness: copy {}: {e}", src.display()));
        }
    }
}

/// The sandbox of this process, created on first use.
pub fn sandbox() -> &'static Sandbox {
    SANDBOX.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let root = base.join(format!("vellum-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let t = templates();
        for name in ["bill", "brand", "offers"] {
            copy_dir(&t.join(name), &root.join(name));
        }
        // SAFETY: registering a plain extern "C" fn without captured state.
        unsafe {
            libc::atexit(remove_sandbox);
        }
        Sandbox {
            bill: root.join("bill"),
            root,
        }
    })
}

/// Overwrites `rel` (relative to the bill design folder) with `text`.
pub fn write_bill_file(rel: &str, text: &str) -> PathBuf {
    let path = sandbox().bill.join(rel);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("harness: write {}: {e}", path.display()));
    path
}

/// Loads the sandbox's bill design. An `Err` must carry diagnostics.
pub fn load_bill() -> Option<Design> {
    load(&sandbox().bill)
}

/// Loads a design; checks that a failure has at least one diagnostic with a place.
pub fn load(dir: &Path) -> Option<Design> {
    match Design::load(dir) {
        Ok(d) => Some(d),
        Err(e) => {
            if verbose() {
                eprintln!("load: {e}");
            }
            let diags = e.diagnostics();
            assert!(!diags.is_empty(), "Design::load failed without diagnostics: {e}");
            for d in diags {
                assert!(d.place.line >= 1 && d.place.column >= 1, "diagnostic without a place: {d:?}");
            }
            let _ = e.to_string();
            None
        }
    }
}

/// The shipped bill sample records (name, value), read once.
pub fn bill_samples() -> &'static [(String, Value)] {
    static SAMPLES: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = templates().join("bill/samples");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("harness: samples")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("harness: sample");
                let v: Value = serde_json::from_str(&text).expect("harness: sample JSON");
                (p.file_name().unwrap().to_string_lossy().into_owned(), v)
            })
            .collect()
    })
}

/// Fixed options, so runs are reproducible (no system clock).
pub fn options() -> ComposeOptions {
    ComposeOptions::today(Date::parse("2026-11-02").expect("harness: date"))
}

/// The pristine bill design, loaded once from the shipped templates.
///
/// Per thread (libFuzzer runs the target on one thread): without the `sync`
/// feature of icu_provider, which only the Typst build enables, a `Design`
/// is neither `Send` nor `Sync`, so it cannot live in a `static`.
pub fn shipped_bill() -> &'static Design {
    thread_local! {
        static BILL: &'static Design = Box::leak(Box::new(
            Design::load(templates().join("bill"))
                .unwrap_or_else(|e| panic!("harness: the shipped bill design does not load: {e}")),
        ));
    }
    BILL.with(|d| *d)
}

/// Whether `VELLUM_FUZZ_ALLOW_KNOWN` is set: then the targets step around
/// library bugs already reported (each saved in fuzz/regressions/, which
/// run.sh replays without it), so fuzzing goes on past them. Remove a case
/// here once its bug is fixed.
pub fn allow_known() -> bool {
    static V: OnceLock<bool> = OnceLock::new();
    *V.get_or_init(|| std::env::var_os("VELLUM_FUZZ_ALLOW_KNOWN").is_some())
}

/// Whether `VELLUM_FUZZ_VERBOSE` is set: then errors are printed (to see
/// why inputs are rejected when replaying them).
pub fn verbose() -> bool {
    static V: OnceLock<bool> = OnceLock::new();
    *V.get_or_init(|| std::env::var_os("VELLUM_FUZZ_VERBOSE").is_some())
}

fn note<T>(what: &str, r: vellum::Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            if verbose() {
                eprintln!("{what}: {e}");
            }
            None
        }
    }
}

/// Runs one record through decide, compose, email and SMS; returns the email
/// HTML when it rendered.
pub fn run_record(design: &Design, record: &Value) -> Option<String> {
    let opts = options();
    note("decide", vellum::decide(design, record, &opts));
    let doc = note("compose", vellum::compose(design, record, &opts))?;
    note("sms", vellum::render::sms(design, &doc));
    let email = note("email", vellum::render::email(design, &doc))?;
    Some(email.html)
}

/// Whether any string (or key) in `v` satisfies `f`.
pub fn any_string(v: &Value, f: &impl Fn(&str) -> bool) -> bool {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().any(|x| any_string(x, f)),
        Value::Object(o) => o.iter().any(|(k, x)| f(k) || any_string(x, f)),
        _ => false,
    }
}

/// `s` as a TOML basic string (quoted, escaped).
pub fn toml_basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
