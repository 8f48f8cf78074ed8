//! A small sandboxed Typst world for the proof's own pages: one program
//! (`proof.typ`, built in) and one data file, `/proof.json`. Customer data
//! reaches Typst only as JSON values, never as markup, so nothing a record
//! holds can change the page. Fonts: the ones vellum embeds in its PDFs
//! (Inter, Noto Sans SC) and typst's DejaVu Sans Mono.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The program that lays out the cover and the per-sample pages.
const PROGRAM: &str = include_str!("proof.typ");

static FONT_FILES: [&[u8]; 6] = [
    include_bytes!("../../../fonts/Inter-Regular.otf"),
    include_bytes!("../../../fonts/Inter-Italic.otf"),
    include_bytes!("../../../fonts/Inter-SemiBold.otf"),
    include_bytes!("../../../fonts/Inter-Bold.otf"),
    include_bytes!("../../../fonts/NotoSansSC-Regular-subset.otf"),
    include_bytes!("../../../fonts/NotoSansSC-Bold-subset.otf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data: FileId,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let mut fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|d| Font::iter(Bytes::new(*d)))
        .collect();
    fonts.extend(typst_assets::fonts().flat_map(|d| Font::iter(Bytes::new(d))));
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(id("/proof.typ"), PROGRAM.to_owned()),
        data: id("/proof.json"),
    }
});

fn id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed valid path"),
    )
    .intern()
}

struct ProofWorld {
    data: Bytes,
    today: Option<Datetime>,
}

impl World for ProofWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }
    fn main(&self) -> FileId {
        SHARED.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == SHARED.main.id() {
            Ok(SHARED.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == SHARED.data {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Compiles the proof program with `data` as `/proof.json` into a PDF and
/// its page count.
pub fn pdf(data: &serde_json::Value) -> Result<(Vec<u8>, usize), String> {
    let world = ProofWorld {
        data: Bytes::new(serde_json::to_vec(data).map_err(|e| e.to_string())?),
        today: Datetime::from_ymd(2000, 1, 1),
    };
    let doc = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| {
            let list: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            format!("the proof's own pages did not compile: {}", list.join("; "))
        })?;
    let pages = doc.pages().len();
    let bytes = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        format!("the proof's own pages did not export: {}", list.join("; "))
    })?;
    typst::comemo::evict(0);
    Ok((bytes, pages))
}
