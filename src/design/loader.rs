//! Where a design's files come from. Every file of a design, its brand and
//! its offer library is read through one [`Loader`], in the spirit of
//! Typst's `World`: a folder on disk ([`FileLoader`], what [`Design::load`]
//! uses) or files held in memory ([`MemoryLoader`]: a design from a
//! database, an editor's unsaved buffer, a test without a temporary folder).
//!
//! [`Design::load`]: crate::Design::load

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A source of design files. Paths are the ones the design names, joined
/// to the folder it was loaded from (`templates/bill/../brand/brand.toml`);
/// a loader resolves them as it sees fit.
pub trait Loader: Send + Sync + std::fmt::Debug {
    /// The bytes of a file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// The entries of a folder: name and whether it is a folder itself.
    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>>;

    /// Whether `path` is a file.
    fn is_file(&self, path: &Path) -> bool;

    /// The text of a UTF-8 file.
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        String::from_utf8(self.read(path)?)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8"))
    }
}

/// Design files from the file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileLoader;

impl Loader for FileLoader {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            // A link to a folder is not entered (a link loop would never end);
            // a link to a file reads as the file.
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            out.push((e.file_name().to_string_lossy().into_owned(), is_dir));
        }
        out.sort();
        Ok(out)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Design files held in memory, by path. `..` in a path is resolved
/// lexically, so `bill/../brand/brand.toml` finds `brand/brand.toml`.
///
/// ```
/// use vellum::{Design, MemoryLoader};
///
/// let mut files = MemoryLoader::from_dir("templates")?; // or insert each file
/// let body = files.get("templates/welcome/body.md").unwrap().to_vec();
/// files.insert("templates/welcome/body.md", [body, b"\nThank you!\n".to_vec()].concat());
/// let design = Design::load_with("templates/welcome", files)?;
/// assert_eq!(design.id(), "welcome");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryLoader {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryLoader {
    /// An empty set of files.
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Every file under `dir` on disk, read now, under its path as given
    /// (`templates/bill/design.toml` for `dir` = `templates`).
    pub fn from_dir(dir: impl AsRef<Path>) -> io::Result<MemoryLoader> {
        let mut loader = MemoryLoader::new();
        let mut stack = vec![dir.as_ref().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for (name, is_dir) in FileLoader.list(&dir)? {
                let path = dir.join(name);
                if is_dir {
                    stack.push(path);
                } else {
                    let bytes = std::fs::read(&path)?;
                    loader.insert(path, bytes);
                }
            }
        }
        Ok(loader)
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(normal(path.as_ref()), bytes.into());
        self
    }

    /// A file's bytes.
    pub fn get(&self, path: impl AsRef<Path>) -> Option<&[u8]> {
        self.files.get(&normal(path.as_ref())).map(Vec::as_slice)
    }
}

impl Loader for MemoryLoader {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.get(path)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<(String, bool)>> {
        let dir = normal(dir);
        let mut out: Vec<(String, bool)> = Vec::new();
        for path in self.files.keys() {
            let Ok(rest) = path.strip_prefix(&dir) else {
                continue;
            };
            let mut parts = rest.components();
            let Some(first) = parts.next() else { continue };
            let entry = (
                first.as_os_str().to_string_lossy().into_owned(),
                parts.next().is_some(),
            );
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
        if out.is_empty() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such folder"));
        }
        out.sort();
        Ok(out)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normal(path))
    }
}

/// How deep [`walk`] goes into a design's or brand's folders.
const MAX_DEPTH: usize = 8;
/// How many files [`walk`] visits before it gives up: a design or brand
/// folder holds dozens, not thousands.
const MAX_FILES: usize = 10_000;

/// Visits every file under `dir` through `loader`, with its path and its
/// path relative to `dir` (`print/lib.typ`), skipping hidden entries and
/// `samples` (the sample customers are not a frame's business). Fails when
/// a folder cannot be listed or the tree is deeper or larger than a design
/// folder can be (a brand set to `/`).
pub(crate) fn walk(
    loader: &dyn Loader,
    dir: &Path,
    visit: &mut dyn FnMut(&Path, &str) -> Result<(), String>,
) -> Result<(), String> {
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0)];
    let mut files = 0;
    while let Some((dir, rel, depth)) = stack.pop() {
        let entries = loader
            .list(&dir)
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        for (name, is_dir) in entries {
            if name.starts_with('.') || name == "samples" {
                continue;
            }
            let path = dir.join(&name);
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if is_dir {
                if depth + 1 >= MAX_DEPTH {
                    return Err(format!(
                        "`{}` is nested more than {MAX_DEPTH} folders deep",
                        path.display()
                    ));
                }
                stack.push((path, rel, depth + 1));
                continue;
            }
            files += 1;
            if files > MAX_FILES {
                return Err(format!(
                    "`{}` holds more than {MAX_FILES} files: is it really a design or brand folder?",
                    dir.display()
                ));
            }
            visit(&path, &rel)?;
        }
    }
    Ok(())
}

/// `a/b/../c` -> `a/c`, lexically.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_paths_resolve_parent_folders() {
        let mut m = MemoryLoader::new();
        m.insert("t/brand/brand.toml", "x");
        m.insert("t/bill/design.toml", "y");
        assert!(m.is_file(Path::new("t/bill/../brand/brand.toml")));
        assert_eq!(
            m.list(Path::new("t")).unwrap(),
            [("bill".to_owned(), true), ("brand".to_owned(), true)]
        );
        assert!(m.read(Path::new("t/none")).is_err());
    }
}
