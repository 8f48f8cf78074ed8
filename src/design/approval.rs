//! Approval bound to content. Approving a design writes `approval.toml` in
//! its folder: who approved it, when, and the hash of every file that
//! shapes what customers get (the design folder, its brand, its offer
//! library; see `hash.rs`). When the design loads, those hashes are
//! compared with the files as they are now: the design is approved,
//! changed since its approval (with the files that changed), or a draft.
//! Production runs send only approved designs.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Design;
use super::hash::Content;
use super::loader::Loader;
use super::messages::line_col;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Date, Diagnostic, Place};

/// The approval file in a design folder.
pub(crate) const FILE: &str = "approval.toml";

/// Who approved a design, when, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRecord {
    /// The approver, as they gave their name.
    pub by: String,
    /// When, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// The content hash approved ([`Design::content_hash`] then).
    pub content_hash: String,
}

/// A design's approval against its files as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ApprovalState {
    /// Never approved: there is no `approval.toml`.
    Draft,
    /// Approved, and not changed since.
    Approved(ApprovalRecord),
    /// Approved once, changed since.
    Changed {
        /// The approval.
        approval: ApprovalRecord,
        /// What changed since, in path order.
        files: Vec<ChangedFile>,
    },
}

/// A file changed since a design's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedFile {
    /// Its path under its folder's label (`design/body.md`).
    pub path: String,
    /// How.
    pub change: Change,
}

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// New since the approval.
    Added,
    /// Gone since.
    Removed,
    /// Edited since.
    Modified,
}

impl ApprovalState {
    /// Approved and unchanged.
    pub fn is_approved(&self) -> bool {
        matches!(self, ApprovalState::Approved(_))
    }
}

impl std::fmt::Display for ApprovalState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalState::Draft => f.write_str("a draft (never approved)"),
            ApprovalState::Approved(a) => write!(f, "approved by {} at {}", a.by, a.at),
            ApprovalState::Changed { approval, files } => {
                let list: Vec<String> = files
                    .iter()
                    .take(10)
                    .map(|c| format!("{} {:?}", c.path, c.change).to_lowercase())
                    .collect();
                write!(
                    f,
                    "changed since its approval by {} at {} ({}{})",
                    approval.by,
                    approval.at,
                    list.join(", "),
                    if files.len() > 10 { ", ..." } else { "" }
                )
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalToml {
    approved_by: String,
    approved_at: String,
    content_hash: String,
    files: BTreeMap<String, String>,
}

/// The design's approval state; `None` (with a diagnostic) when its
/// `approval.toml` is not one vellum wrote.
pub(super) fn read(
    loader: &dyn Loader,
    dir: &Path,
    dshown: &str,
    content: &Content,
    diags: &mut Vec<Diagnostic>,
) -> Option<ApprovalState> {
    let path = dir.join(FILE);
    if !loader.is_file(&path) {
        return Some(ApprovalState::Draft);
    }
    let shown = format!("{dshown}/{FILE}");
    let text = match loader.read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::new(
                Place::new(&shown, 1, 1),
                format!("cannot read: {e}"),
            ));
            return None;
        }
    };
    let file: ApprovalToml = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
            diags.push(Diagnostic::new(
                Place::new(&shown, line, col),
                format!(
                    "not an approval file vellum wrote ({}); approve the design again",
                    e.message()
                ),
            ));
            return None;
        }
    };
    let approval = ApprovalRecord {
        by: file.approved_by,
        at: file.approved_at,
        content_hash: file.content_hash,
    };
    let files = changes(&file.files, &content.files);
    Some(
        if files.is_empty() && approval.content_hash == content.hash {
            ApprovalState::Approved(approval)
        } else {
            ApprovalState::Changed { approval, files }
        },
    )
}

/// The files that differ between `then` and `now`, in path order.
fn changes(then: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<ChangedFile> {
    let mut paths: Vec<&String> = then.keys().chain(now.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|p| {
            let change = match (then.get(p), now.get(p)) {
                (Some(a), Some(b)) if a == b => return None,
                (Some(_), Some(_)) => Change::Modified,
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
            };
            Some(ChangedFile {
                path: p.clone(),
                change,
            })
        })
        .collect()
}

/// Approves `design` as it was loaded: writes its `approval.toml` (in the
/// design folder on disk) naming `by`, `at` and every content file's hash.
pub fn approve(design: &Design, by: &str, at: SystemTime) -> Result<ApprovalRecord> {
    let by = by.trim();
    if by.is_empty() || by.chars().count() > 200 || by.chars().any(char::is_control) {
        return Err(ErrorKind::Config {
            what: "approver".to_owned(),
            message: "give a name of 1 to 200 characters, without control characters".to_owned(),
        }
        .into());
    }
    let record = ApprovalRecord {
        by: by.to_owned(),
        at: Date::utc_timestamp(at),
        content_hash: design.content_hash().to_owned(),
    };
    let mut text = format!(
        "# Written by `vellum approve`: who approved this design, when, and the\n\
         # hash of every file approved. Edit a file and the design is changed\n\
         # since its approval; production runs refuse it until approved again.\n\
         approved_by = {}\napproved_at = {}\ncontent_hash = {}\n\n[files]\n",
        quoted(&record.by),
        quoted(&record.at),
        quoted(&record.content_hash)
    );
    for (path, hash) in design.content_files() {
        text.push_str(&format!("{} = {}\n", quoted(path), quoted(hash)));
    }
    let path = design.dir().join(FILE);
    let tmp = design.dir().join(format!(".{FILE}.tmp"));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| Error::io(&path, e))?;
    Ok(record)
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
