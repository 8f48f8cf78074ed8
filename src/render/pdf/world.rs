//! The sandboxed Typst world.
//!
//! An [`Engine`] is built once per design: the bundled fonts (shared by every
//! design), the standard library and every file of the brand and design
//! folders that a print frame may use, read into memory and parsed once. Per
//! document a [`DocWorld`] borrows it and adds the one thing that changes: the
//! data file `/data.json`. Nothing else exists for Typst: no host file, no
//! package, no network, no clock but the document's date.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::design::{Loader, walk};

/// The fonts every PDF may use, embedded in the library so that output is
/// the same on every machine (see `fonts/README.md`).
static FONT_FILES: [&[u8]; 6] = [
    include_bytes!("../../../fonts/Inter-Regular.otf"),
    include_bytes!("../../../fonts/Inter-Italic.otf"),
    include_bytes!("../../../fonts/Inter-SemiBold.otf"),
    include_bytes!("../../../fonts/Inter-Bold.otf"),
    include_bytes!("../../../fonts/NotoSansSC-Regular-subset.otf"),
    include_bytes!("../../../fonts/NotoSansSC-Bold-subset.otf"),
];

/// Fonts and their book, parsed once per process and shared by all designs.
pub(crate) struct FontSet {
    pub(crate) book: LazyHash<FontBook>,
    pub(crate) fonts: Vec<Font>,
}

pub(crate) static FONTS: LazyLock<FontSet> = LazyLock::new(|| {
    let mut fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    // typst-assets: DejaVu Sans Mono and the maths fonts, for frames that use them.
    fonts.extend(typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))));
    FontSet {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The virtual path of the per-document data.
pub(crate) const DATA_PATH: &str = "/data.json";

fn project_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

/// The one file id of the data: never a new path per document, because typst
/// interns file ids forever (at most 65,535).
pub(crate) static DATA_ID: LazyLock<FileId> =
    LazyLock::new(|| project_id(DATA_PATH).expect("a valid virtual path"));

/// The e-invoice XML a Factur-X PDF attaches: one fixed path at the root,
/// so the attachment is named `factur-x.xml` (Typst names it by its path).
pub(crate) const ATTACHMENT_PATH: &str = "/factur-x.xml";
static ATTACHMENT_ID: LazyLock<FileId> =
    LazyLock::new(|| project_id(ATTACHMENT_PATH).expect("a valid virtual path"));
/// The program that lays out the frame and attaches the XML to it.
static ATTACHING_ID: LazyLock<FileId> =
    LazyLock::new(|| project_id("/factur-x.typ").expect("a valid virtual path"));

/// File types a print frame may read from the brand and design folders.
const SERVED: [&str; 8] = ["typ", "svg", "png", "jpg", "jpeg", "gif", "webp", "txt"];
/// Larger files are not served (a frame has no business with them).
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// What one design's print frame may see, loaded once.
pub(crate) struct Engine {
    main: FileId,
    /// The main program's path, for messages.
    pub(crate) main_shown: String,
    files: HashMap<FileId, Bytes>,
    sources: HashMap<FileId, Source>,
    /// Virtual path -> folder on disk, for messages (`/brand` -> `templates/brand`).
    mounts: Vec<(String, String)>,
    /// What the frame's data takes from the design rather than the
    /// customer, prepared once (see `view::prepare`).
    pub(crate) frame: super::view::FrameData,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("main", &self.main_shown)
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Loads the brand folder as `/brand` and the design folder as `/design`;
    /// the main program is the design's own `print.typ` when it has one,
    /// otherwise the brand's.
    pub(crate) fn load(
        loader: &dyn Loader,
        brand_dir: &Path,
        brand_shown: &str,
        design_dir: &Path,
        design_shown: &str,
    ) -> Result<Engine, String> {
        let mut engine = Engine {
            main: *DATA_ID,
            main_shown: String::new(),
            files: HashMap::new(),
            sources: HashMap::new(),
            mounts: Vec::new(),
            frame: Default::default(),
        };
        engine.mount(loader, brand_dir, "/brand", brand_shown)?;
        engine.mount(loader, design_dir, "/design", design_shown)?;
        let main = ["/design/print.typ", "/brand/print.typ"]
            .into_iter()
            .find_map(|p| {
                project_id(p)
                    .filter(|id| engine.sources.contains_key(id))
                    .map(|id| (p, id))
            });
        let Some((path, id)) = main else {
            return Err(format!(
                "no print frame: neither `{design_shown}/print.typ` nor `{brand_shown}/print.typ` exists"
            ));
        };
        engine.main = id;
        engine.main_shown = engine.shown(path);
        engine.add_attaching(path);
        // Warm the fonts now, not in the first customer's render.
        LazyLock::force(&FONTS);
        Ok(engine)
    }

    fn mount(
        &mut self,
        loader: &dyn Loader,
        dir: &Path,
        at: &str,
        shown: &str,
    ) -> Result<(), String> {
        self.mounts.push((at.to_owned(), shown.to_owned()));
        walk(loader, dir, &mut |path, rel| {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if !SERVED.contains(&ext.as_str()) {
                return Ok(());
            }
            let Some(id) = project_id(&format!("{at}/{rel}")) else {
                return Ok(());
            };
            let bytes = loader
                .read(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            if bytes.len() as u64 > MAX_FILE {
                return Ok(());
            }
            self.add(id, &ext, bytes, path)
        })
    }

    /// The frame with the e-invoice attached (`pdf.attach`, relationship
    /// `alternative`, as Factur-X wants), parsed once: it includes the main
    /// program, so the pages are the frame's own.
    fn add_attaching(&mut self, main: &str) {
        let text = format!(
            "#include \"{main}\"\n#pdf.attach(\"{ATTACHMENT_PATH}\", relationship: \"alternative\", mime-type: \"text/xml\", description: \"Factur-X/ZUGFeRD invoice (EN 16931)\")\n"
        );
        self.sources
            .insert(*ATTACHING_ID, Source::new(*ATTACHING_ID, text));
    }

    /// Adds one file: a Typst source is parsed once, here.
    fn add(&mut self, id: FileId, ext: &str, bytes: Vec<u8>, path: &Path) -> Result<(), String> {
        if ext == "typ" {
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("`{}` is not UTF-8", path.display()))?;
            let source = Source::new(id, text);
            self.files.insert(id, Bytes::from_string(source.clone()));
            self.sources.insert(id, source);
        } else {
            self.files.insert(id, Bytes::new(bytes));
        }
        Ok(())
    }

    /// A virtual path as the user knows it: `/brand/print.typ` -> `templates/brand/print.typ`.
    pub(crate) fn shown(&self, vpath: &str) -> String {
        for (at, shown) in &self.mounts {
            if let Some(rest) = vpath.strip_prefix(at.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                return format!("{shown}{rest}");
            }
        }
        vpath.to_owned()
    }

    /// Whether a design or brand file exists under this virtual path.
    pub(crate) fn has_file(&self, vpath: &str) -> bool {
        project_id(vpath).is_some_and(|id| self.files.contains_key(&id))
    }
}

/// The world of one document: the shared engine plus this document's data.
pub(crate) struct DocWorld<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) data: Bytes,
    pub(crate) today: Datetime,
    /// The e-invoice XML to attach, for a Factur-X PDF.
    pub(crate) attachment: Option<Bytes>,
}

impl DocWorld<'_> {
    fn refuse(&self, id: FileId) -> FileError {
        if let VirtualRoot::Package(pkg) = id.get().root() {
            return FileError::Package(PackageError::Other(Some(
                format!("package {pkg} is not available: the print sandbox has no packages and no network; copy the files you need into the brand folder and import them by path").into(),
            )));
        }
        let path = id.get().vpath().get_with_slash();
        FileError::Other(Some(
            format!("file `{path}` is not available: the print sandbox serves only the brand folder (as /brand/...), the design folder (as /design/...) and /data.json").into(),
        ))
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        match self.attachment {
            Some(_) => *ATTACHING_ID,
            None => self.engine.main,
        }
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.engine.sources.get(&id) {
            Some(s) => Ok(s.clone()),
            None if id == *DATA_ID || self.engine.files.contains_key(&id) => {
                Err(FileError::NotSource)
            }
            None => Err(self.refuse(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            return Ok(self.data.clone());
        }
        if let Some(xml) = self.attachment.as_ref().filter(|_| id == *ATTACHMENT_ID) {
            return Ok(xml.clone());
        }
        self.engine
            .files
            .get(&id)
            .cloned()
            .ok_or_else(|| self.refuse(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
