//! Live reload: a version number that moves when any file under the
//! templates folder is added, removed or saved (modification time and size,
//! polled), so the page knows to fetch its preview again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How often the watcher looks at the templates' files.
const POLL: Duration = Duration::from_millis(100);

/// Bumps `version` whenever the files under `dir` change; runs forever.
pub fn watch(dir: &Path, version: &AtomicU64) {
    let mut last = fingerprint(dir);
    loop {
        std::thread::sleep(POLL);
        let now = fingerprint(dir);
        if now != last {
            last = now;
            version.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn fingerprint(dir: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                if depth < 8 {
                    stack.push((e.path(), depth + 1));
                }
            } else if out.len() < 20_000 {
                out.push((e.path(), meta.modified().ok(), meta.len()));
            }
        }
    }
    out.sort();
    out
}
