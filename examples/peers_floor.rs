//! The peers' own one-page Typst bill (`../shared/peers/templates/bill.typ`),
//! compiled the way vellum compiles, with none of vellum's work around it: a
//! yardstick for vellum's print channel.
//!
//! Embedded Typst 0.15, fonts and the template parsed once, the customer as
//! one virtual JSON file (not `sys.inputs`, which would change the library's
//! hash for every customer), the memo cache evicted as vellum evicts it, a
//! tagged PDF. This separates what embedding Typst buys (against the peers'
//! Typst-from-Python runner, which compiles the same template) from what
//! vellum's frame buys (its bill lays out more: two pages with letterhead,
//! window, chart and payment slip).
//!
//! ```sh
//! cargo run --release --example peers_floor -- --data bills.json --n 200 --warmup 5 --pdf /tmp/bill.pdf
//! ```
//!
//! Prints the median CPU ms per bill of the rendering thread, and the pages;
//! `--pdf` writes the last bill, to look at.

#[path = "../benches/peers/bill_data.rs"]
mod bill_data;

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

struct Floor {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for Floor {
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

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("path")).intern()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut template, mut data, mut n, mut warmup, mut out) = (None, None, 200usize, 5usize, None);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--template" => template = Some(PathBuf::from(val())),
            "--data" => data = Some(PathBuf::from(val())),
            "--n" => n = val().parse().expect("--n N"),
            "--warmup" => warmup = val().parse().expect("--warmup K"),
            "--pdf" => out = Some(PathBuf::from(val())),
            other => panic!("unknown argument {other:?}"),
        }
    }
    let template = template.unwrap_or_else(|| bill_data::data_dir().join("../templates/bill.typ"));
    let data = data.unwrap_or_else(|| PathBuf::from("bills.json"));
    let data = if data.exists() {
        data
    } else {
        bill_data::data_dir().join(data)
    };
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
    let mut world = Floor {
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
    let (mut cpu, mut pages) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let c0 = thread_cpu_ns();
        world.data = Bytes::new(serde_json::to_vec(&customers[i % customers.len()]).expect("JSON"));
        let doc = typst::compile::<PagedDocument>(&world)
            .output
            .unwrap_or_else(|e| panic!("{e:?}"));
        let pdf = typst_pdf::pdf(&doc, &options).unwrap_or_else(|e| panic!("{e:?}"));
        typst::comemo::evict(5);
        cpu.push((thread_cpu_ns() - c0) as f64 / 1e6);
        pages.push(doc.pages().len());
        if i + 1 == n
            && let Some(path) = &out
        {
            std::fs::write(path, &pdf).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let mut warm: Vec<f64> = cpu.into_iter().skip(warmup).collect();
    warm.sort_by(f64::total_cmp);
    println!(
        "peers' bill.typ in embedded Typst: median {:.1} CPU ms per bill over {} bills, pages {}..{}",
        warm.get(warm.len() / 2).copied().unwrap_or(0.0),
        warm.len(),
        pages.iter().min().unwrap_or(&0),
        pages.iter().max().unwrap_or(&0)
    );
}
