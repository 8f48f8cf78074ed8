//! A design's content hash: one SHA-256 over every file that shapes what
//! customers get (the design folder, its brand, and its offer library when
//! it has offer slots), so a shared run can refuse a worker whose copy of
//! the design differs, and an approval can name exactly what it approved.
//!
//! Files are taken in name order with their paths relative to their folder
//! (`design/body.md`, `brand/print/lib.typ`), so the hash does not depend
//! on where the folders are. Left out: the design's `samples/` (preview
//! data, never sent) and `approval.toml` (the approval itself).

use std::path::Path;

use sha2::{Digest, Sha256};

use super::loader::Loader;
use crate::model::digest::hex;

/// Not part of the content, at the top of a design folder.
const NOT_CONTENT: &[&str] = &["samples", "approval.toml"];

/// The hash of the files under each `(folder, label)`.
pub(crate) fn content_hash(loader: &dyn Loader, folders: &[(&Path, &str)]) -> String {
    let mut h = Sha256::new();
    for (dir, label) in folders {
        add_folder(loader, dir, label, true, &mut h);
    }
    hex(&h.finalize())
}

fn add_folder(loader: &dyn Loader, dir: &Path, shown: &str, top: bool, h: &mut Sha256) {
    // A folder that cannot be listed adds nothing: loading the design has
    // already reported any file it needed from it.
    let Ok(entries) = loader.list(dir) else {
        return;
    };
    for (name, is_dir) in entries {
        if top && NOT_CONTENT.contains(&name.as_str()) || name.starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        let shown = format!("{shown}/{name}");
        if is_dir {
            add_folder(loader, &path, &shown, false, h);
        } else if let Ok(bytes) = loader.read(&path) {
            h.update(shown.as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Design, MemoryLoader};

    fn hash_with(path: &str, bytes: &[u8]) -> String {
        let mut files = MemoryLoader::from_dir("templates").expect("templates");
        files.insert(path, bytes.to_vec());
        let design = Design::load_with("templates/welcome", files).expect("welcome loads");
        design.content_hash().to_owned()
    }

    #[test]
    fn content_changes_the_hash_and_samples_do_not() {
        let files = MemoryLoader::from_dir("templates").expect("templates");
        let body = files
            .get("templates/welcome/body.md")
            .expect("body")
            .to_vec();
        let base = hash_with("templates/welcome/body.md", &body);
        assert_eq!(base.len(), 64);
        let edited = hash_with(
            "templates/welcome/body.md",
            &[&body[..], b"\nHi\n"].concat(),
        );
        assert_ne!(base, edited, "an edited body must change the hash");
        let brand = hash_with("templates/brand/print/extra.typ", b"// new");
        assert_ne!(base, brand, "a brand file must count");
        let sample = hash_with("templates/welcome/samples/zz.json", b"{}");
        assert_eq!(base, sample, "samples are not content");
    }
}
