//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use vellum::model::Date;
use vellum::{ComposeOptions, Design};

pub const DESIGNS: [&str; 4] = ["bill", "contract", "quote", "welcome"];

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn design(name: &str) -> Design {
    Design::load(root().join("templates").join(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// The pinned clock of every golden test.
pub fn options() -> ComposeOptions {
    ComposeOptions::today(Date::parse("2026-11-20").unwrap())
}

/// `(file stem, record)` for every sample of a design, in name order.
pub fn samples(name: &str) -> Vec<(String, Value)> {
    let dir = root().join("templates").join(name).join("samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (stem, v)
        })
        .collect()
}

/// Sets every value at a declared path (through lists: every entry).
/// Returns how many values were set.
pub fn set_path(v: &mut Value, path: &str, new: &Value) -> usize {
    fn walk(v: &mut Value, segs: &[&str], new: &Value) -> usize {
        match v {
            Value::Array(items) => items.iter_mut().map(|i| walk(i, segs, new)).sum(),
            Value::Object(m) => {
                let Some((first, rest)) = segs.split_first() else {
                    return 0;
                };
                if rest.is_empty() {
                    m.insert(first.to_string(), new.clone());
                    1
                } else {
                    match m.get_mut(*first) {
                        Some(child) => walk(child, rest, new),
                        None => 0,
                    }
                }
            }
            _ => 0,
        }
    }
    let segs: Vec<&str> = path.split('.').collect();
    walk(v, &segs, new)
}

/// Removes the value at a path (first match through lists).
pub fn remove_path(v: &mut Value, path: &str) -> bool {
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = v;
    for (i, s) in segs.iter().enumerate() {
        if let Value::Array(items) = cur {
            match items.first_mut() {
                Some(first) => cur = first,
                None => return false,
            }
        }
        let Value::Object(m) = cur else { return false };
        if i + 1 == segs.len() {
            return m.remove(*s).is_some();
        }
        match m.get_mut(*s) {
            Some(c) => cur = c,
            None => return false,
        }
    }
    false
}

pub fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

/// Copies the folder `from` to `to`, recursively (a test's own copy of
/// the templates, to edit).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
