//! A design's content hash: one SHA-256 over every file that shapes what
//! customers get (the design folder, its brand, and its offer library when
//! it has offer slots), so a shared run can refuse a worker whose copy of
//! the design differs, and an approval can name exactly what it approved.
//!
//! Each file is hashed with its path relative to its folder
//! (`design/body.md`, `brand/print/lib.typ`), so the hash does not depend
//! on where the folders are, and an approval can say which files changed. Left out: `samples/` folders (preview data,
//! never sent) and the design's `approval.toml` (the approval itself).

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::loader::{Loader, walk};
use crate::model::digest::{hex, sha256_hex};

/// A design's content: each file's hash by its labelled path
/// (`design/body.md`), and one hash over them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Content {
    /// SHA-256 over every `path NUL file-hash` line, in path order.
    pub hash: String,
    /// Each file's SHA-256.
    pub files: BTreeMap<String, String>,
}

/// The content of the files under each `(folder, label)`, walked as the
/// frame check walks them (hidden entries and `samples` left out, and a
/// tree deeper or larger than a design folder refused: a brand set to `/`).
pub(crate) fn content(loader: &dyn Loader, folders: &[(&Path, &str)]) -> Result<Content, String> {
    let mut files = BTreeMap::new();
    for (dir, label) in folders {
        walk(loader, dir, &mut |path, rel| {
            if *label == "design" && rel == super::approval::FILE {
                return Ok(());
            }
            let bytes = loader
                .read(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            files.insert(format!("{label}/{rel}"), sha256_hex(&bytes));
            Ok(())
        })?;
    }
    let mut h = Sha256::new();
    for (path, hash) in &files {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(hash.as_bytes());
        h.update([b'\n']);
    }
    Ok(Content {
        hash: hex(&h.finalize()),
        files,
    })
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
