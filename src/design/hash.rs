//! A design's content hash: one SHA-256 over every file that shapes what
//! customers get (the design folder, its brand, and its offer library when
//! it has offer slots), so a shared run can refuse a worker whose copy of
//! the design differs, and an approval can name exactly what it approved.
//!
//! Files are taken in name order with their paths relative to their folder
//! (`design/body.md`, `brand/print/lib.typ`), so the hash does not depend
//! on where the folders are. Left out: `samples/` folders (preview data,
//! never sent) and the design's `approval.toml` (the approval itself).

use std::path::Path;

use sha2::{Digest, Sha256};

use super::loader::{Loader, walk};
use crate::model::digest::hex;

/// The hash of the files under each `(folder, label)`, walked as the frame
/// check walks them (hidden entries and `samples` left out, and a tree
/// deeper or larger than a design folder refused: a brand set to `/`).
pub(crate) fn content_hash(
    loader: &dyn Loader,
    folders: &[(&Path, &str)],
) -> Result<String, String> {
    let mut h = Sha256::new();
    for (dir, label) in folders {
        walk(loader, dir, &mut |path, rel| {
            if rel == "approval.toml" {
                return Ok(());
            }
            let bytes = loader
                .read(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            h.update(format!("{label}/{rel}").as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
            Ok(())
        })?;
    }
    Ok(hex(&h.finalize()))
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
