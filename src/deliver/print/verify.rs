//! Reading back the streams a spool released, after the run: what
//! `vellum verify` does for print, with the manifests and the ledger the
//! run left.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Envelope, PrintOptions, PrintSpool, ReadBack, io, ledger, read_back};
use crate::deliver::DeliveryError;
use crate::ledger::Ledger;
use crate::message::key_part;

impl PrintSpool {
    /// Reads back every stream of the job `options.job` (a run's key) that
    /// the spool in `dir` released, and the spools in its subfolders (a
    /// shared run's, one per worker): each against its manifest
    /// (`manifest-*.json`), as [`read_back`] does, and its envelopes
    /// against `ledger` (a letter it has as delivered or in flight, with
    /// the content hash the letter was staged with).
    ///
    /// One [`ReadBack`] per stream, its [`problem`](ReadBack::problem) set
    /// when it fails, naming the envelope and why; a batch file no
    /// manifest names is a stream with a problem too. The error is for a
    /// folder that cannot be listed.
    pub fn verify_released(
        dir: &Path,
        options: &PrintOptions,
        ledger: &Ledger,
    ) -> Result<Vec<ReadBack>, DeliveryError> {
        let mut out = Vec::new();
        for spool in spool_folders(dir)? {
            out.extend(verify_folder(dir, &spool, options, ledger)?);
        }
        Ok(out)
    }
}

/// `dir` and its subfolders that hold manifests or batch files.
fn spool_folders(dir: &Path) -> Result<Vec<PathBuf>, DeliveryError> {
    let mut folders = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).map_err(|e| io(format!("{}: {e}", dir.display())))? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() && !["staging", "quarantine"].iter().any(|s| path.ends_with(s)) {
            folders.push(path);
        }
    }
    folders.sort();
    Ok(folders)
}

/// The streams of one spool folder.
fn verify_folder(
    root: &Path,
    dir: &Path,
    options: &PrintOptions,
    ledger: &Ledger,
) -> Result<Vec<ReadBack>, DeliveryError> {
    let shown = |file: &str| {
        let path = dir.join(file);
        path.strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string()
    };
    let (manifests, batches) = listed(dir)?;
    let suffix = format!("/{}/print", key_part(&options.job));
    let mut out = Vec::new();
    let mut named = BTreeSet::new();
    for manifest in manifests {
        let envelopes = match read_manifest(&manifest) {
            Ok(e) => e,
            Err(why) => {
                out.push(failed(shown(&file_name(&manifest)), why));
                continue;
            }
        };
        for (file, group) in by_file(envelopes) {
            named.insert(file.clone());
            if !group.iter().all(|e| e.key.ends_with(&suffix)) {
                continue;
            }
            out.push(verify_stream(
                dir,
                &file,
                &group,
                options,
                ledger,
                shown(&file),
            ));
        }
    }
    for b in batches.iter().filter(|b| !named.contains(*b)) {
        out.push(failed(
            shown(b),
            "a batch file in the spool folder that no manifest names".to_owned(),
        ));
    }
    Ok(out)
}

/// One stream read back against its manifest lines and the ledger.
fn verify_stream(
    dir: &Path,
    file: &str,
    envelopes: &[Envelope],
    options: &PrintOptions,
    ledger: &Ledger,
    shown: String,
) -> ReadBack {
    let keys = envelopes.iter().map(|e| e.key.clone()).collect();
    if file.is_empty() || file.contains(['/', '\\']) || file.starts_with('.') {
        let mut r = failed(shown, format!("the manifest names the file {file:?}"));
        r.keys = keys;
        return r;
    }
    let checked = read_back(&dir.join(file), envelopes, options).and_then(|mut r| {
        r.ledger_checked = ledger::check_envelopes(ledger, envelopes, None)?;
        Ok(r)
    });
    match checked {
        Ok(r) => ReadBack { file: shown, ..r },
        Err(why) => ReadBack {
            envelopes: envelopes.len(),
            keys,
            ..failed(shown, why)
        },
    }
}

fn failed(file: String, why: String) -> ReadBack {
    ReadBack {
        file,
        problem: Some(why),
        ..ReadBack::default()
    }
}

/// The folder's manifests (`manifest-*.json`) and batch files, each sorted.
fn listed(dir: &Path) -> Result<(Vec<PathBuf>, BTreeSet<String>), DeliveryError> {
    let mut manifests = Vec::new();
    let mut batches = BTreeSet::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(format!("{}: {e}", dir.display())))? {
        let path = entry.map_err(io)?.path();
        let name = file_name(&path);
        if name.starts_with("manifest-") && name.ends_with(".json") {
            manifests.push(path);
        } else if name.starts_with("batch-") && name.ends_with(".pdf") {
            batches.insert(name);
        }
    }
    manifests.sort();
    Ok((manifests, batches))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read_manifest(path: &Path) -> Result<Vec<Envelope>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the manifest: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "the manifest is not a list of envelopes: {e} (line {}, column {})",
            e.line(),
            e.column()
        )
    })
}

/// The envelopes grouped by stream, in the manifest's order.
fn by_file(envelopes: Vec<Envelope>) -> Vec<(String, Vec<Envelope>)> {
    let mut groups: Vec<(String, Vec<Envelope>)> = Vec::new();
    for e in envelopes {
        match groups.iter_mut().find(|(f, _)| *f == e.file) {
            Some((_, g)) => g.push(e),
            None => groups.push((e.file.clone(), vec![e])),
        }
    }
    groups
}
