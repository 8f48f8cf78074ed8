//! The peers' own one-page Typst bill (`../shared/peers/templates/bill.typ`),
//! compiled the way vellum compiles, with none of vellum's work around it: a
//! yardstick for vellum's print channel, run in the peers' harness as the
//! engine `typst-embedded` (`benches/peers/run.sh`).
//!
//! Embedded Typst 0.15, fonts and the template parsed once, the customer as
//! one virtual JSON file (not `sys.inputs`, which would change the library's
//! hash for every customer), the memo cache evicted as vellum evicts it, a
//! tagged PDF. This separates what embedding Typst buys (against the peers'
//! Typst-from-Python runner, `typst-py`, which compiles the same template)
//! from what vellum's frame buys (its bill lays out more: two pages with
//! letterhead, window, chart and payment slip).
//!
//! ```sh
//! cargo run --release --example peers_typst -- --data bills.json --n 200 --warmup 5 --out /tmp/out --result /tmp/r.json
//! ```
//!
//! `--template` defaults to the peers' `templates/bill.typ`; the template
//! asks for DejaVu Sans (Debian's fonts-dejavu-core).

#[path = "../benches/peers/bill_data.rs"]
mod bill_data;
#[path = "../benches/peers/runner.rs"]
mod runner;

use std::path::PathBuf;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The template reads its customer from this file (`sys.inputs.file`).
const DATA: &str = "/customer.json";
/// The system fonts the peers' template asks for (Debian's fonts-dejavu-core).
const FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";

struct Embedded {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for Embedded {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2024, 11, 26)
    }
}

fn id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("path")).intern()
}

fn main() {
    let t0 = std::time::Instant::now();
    let mut args = std::env::args().skip(1);
    let (mut template, mut data, mut n, mut warmup, mut out, mut result) =
        (None, None, 200usize, 5usize, None, None);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--template" => template = Some(PathBuf::from(val())),
            "--data" => data = Some(PathBuf::from(val())),
            "--n" => n = val().parse().expect("--n N"),
            "--warmup" => warmup = val().parse().expect("--warmup K"),
            "--out" => out = Some(PathBuf::from(val())),
            "--result" => result = Some(PathBuf::from(val())),
            other => panic!("unknown argument {other:?}"),
        }
    }
    let template = template.unwrap_or_else(|| bill_data::data_dir().join("../templates/bill.typ"));
    let data = data.expect("--data FILE");
    let data = if data.exists() {
        data
    } else {
        bill_data::data_dir().join(data)
    };
    let out = out.expect("--out DIR");
    std::fs::create_dir_all(&out).expect("create --out");
    let text = std::fs::read_to_string(&data).unwrap_or_else(|e| panic!("{}: {e}", data.display()));
    let customers: Vec<serde_json::Value> = serde_json::from_str(&text).expect("a JSON list");

    let mut fonts = Vec::new();
    for name in [
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
    ] {
        let path = format!("{FONT_DIR}/{name}");
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (apt-get install fonts-dejavu-core)"));
        fonts.extend(Font::iter(Bytes::new(bytes)));
    }
    let source = std::fs::read_to_string(&template)
        .unwrap_or_else(|e| panic!("{}: {e}", template.display()));
    let mut inputs = typst::foundations::Dict::new();
    inputs.insert("file".into(), DATA.into_value());
    let mut world = Embedded {
        library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(id("/bill.typ"), source),
        data_id: id(DATA),
        data: Bytes::new(Vec::new()),
    };
    let options = typst_pdf::PdfOptions {
        tagged: true,
        ..Default::default()
    };
    let setup = t0.elapsed().as_secs_f64();

    let mut batch = runner::Batch::start();
    for i in 0..n {
        batch.time(|| {
            let customer = &customers[i % customers.len()];
            world.data = Bytes::new(serde_json::to_vec(customer).expect("JSON"));
            let doc = typst::compile::<PagedDocument>(&world)
                .output
                .unwrap_or_else(|e| panic!("{e:?}"));
            let pdf = typst_pdf::pdf(&doc, &options).unwrap_or_else(|e| panic!("{e:?}"));
            typst::comemo::evict(5);
            let name = format!("{}.pdf", customer["id"].as_str().unwrap_or("x"));
            std::fs::write(out.join(name), &pdf).expect("write");
            doc.pages().len()
        });
    }
    let version = "0.15 (embedded as vellum embeds it)";
    batch.finish("typst-embedded", version, warmup, setup, result.as_deref());
}
