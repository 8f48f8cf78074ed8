//! A design's problems are all reported at load time, each with file, line,
//! column and a hint; the messages are snapshotted, one snapshot per broken
//! design under tests/designs (add a folder there to add a case).

use crate::common;

use vellum::{Design, ErrorKind};

#[test]
fn every_problem_of_a_broken_design_is_reported_at_once() {
    let err = Design::load("tests/designs/broken").unwrap_err();
    let ErrorKind::Design { diagnostics, .. } = err.kind() else {
        panic!("{err}")
    };
    assert!(
        diagnostics.len() >= 12,
        "expected every problem, got:\n{err}"
    );
    for d in diagnostics {
        assert!(d.place.line >= 1 && d.place.column >= 1, "{d}");
        assert!(d.place.file.starts_with("tests/designs/broken/"), "{d}");
    }
}

#[test]
fn every_broken_design_reports_its_problems() {
    insta::glob!("../designs", "*/design.toml", |path| {
        // Load by the relative path, as a user would give it: messages show it.
        let name = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let err = Design::load(format!("tests/designs/{name}")).unwrap_err();
        assert!(!err.diagnostics().is_empty(), "{name}: {err}");
        insta::assert_snapshot!(err.to_string());
    });
}

#[test]
fn a_missing_design_folder_is_a_clear_error() {
    let err = Design::load("tests/designs/does-not-exist").unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn shipped_designs_load_without_problems() {
    for name in common::DESIGNS {
        common::design(name);
    }
}

#[test]
fn a_broken_print_frame_is_a_design_error_with_its_place() {
    let err = Design::load("tests/designs/broken-frame").unwrap_err();
    let ErrorKind::Design { diagnostics, .. } = err.kind() else {
        panic!("{err}")
    };
    let frame: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.place.file == "tests/designs/broken-frame/print.typ")
        .collect();
    assert!(!frame.is_empty(), "no frame diagnostic in:\n{err}");
    assert_eq!(frame[0].place.line, 3, "{err}");
    assert!(frame[0].message.starts_with("print frame: "), "{err}");
    // The brand's own frame, used by every shipped design, parses cleanly.
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.place.file.starts_with("templates/brand")),
        "{err}"
    );
}

#[test]
fn a_design_loads_from_memory_as_from_disk() {
    // No temporary folder: the files live in a MemoryLoader, edited there.
    let mut files = vellum::MemoryLoader::from_dir("templates").unwrap();
    let body = String::from_utf8(files.get("templates/bill/body.md").unwrap().to_vec()).unwrap();
    files.insert(
        "templates/bill/body.md",
        format!("{body}\n::: nosuch\n:::\n"),
    );
    let err = Design::load_with("templates/bill", files.clone()).unwrap_err();
    let lines = body.lines().count() as u32;
    let d = &err.diagnostics()[0];
    assert_eq!(d.place.file, "templates/bill/body.md", "{err}");
    assert_eq!(d.place.line, lines + 2, "{err}");

    // Unchanged, it renders the same PDF as the design read from disk: the
    // print engine reads the frame's files through the loader as well.
    files.insert("templates/bill/body.md", body);
    let memory = Design::load_with("templates/bill", files).unwrap();
    let disk = common::design("bill");
    let (_, record) = common::samples("bill").remove(0);
    let pdf = |d: &Design| {
        let doc = vellum::compose(d, &record, &common::options()).unwrap();
        vellum::render::PrintEngine::new(d)
            .unwrap()
            .render(&doc)
            .unwrap()
            .bytes
    };
    assert!(pdf(&memory) == pdf(&disk));
}

#[test]
fn a_brand_folder_that_is_the_whole_file_system_is_refused_not_walked() {
    // Found by fuzzing: `brand = "/"` made the frame check walk the whole
    // machine (and loop through /proc/self/root). Links to folders are not
    // entered, and a tree larger or deeper than a design folder is an error.
    let mut files = vellum::MemoryLoader::from_dir("templates").unwrap();
    let toml =
        String::from_utf8(files.get("templates/bill/design.toml").unwrap().to_vec()).unwrap();
    files.insert(
        "templates/bill/design.toml",
        format!("brand = \"/\"\n{toml}"),
    );
    let err = Design::load_with("templates/bill", files).unwrap_err();
    assert!(!err.diagnostics().is_empty(), "{err}");
    let dir = std::env::temp_dir().join(format!("vellum-brand-root-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["design.toml", "body.md"] {
        let text = std::fs::read_to_string(format!("templates/bill/{name}")).unwrap();
        let text = if name == "design.toml" {
            format!("brand = \"/\"\n{text}")
        } else {
            text
        };
        std::fs::write(dir.join(name), text).unwrap();
    }
    // From disk: finishes (the test would hang otherwise) with an error.
    let err = Design::load(&dir).unwrap_err();
    assert!(!err.diagnostics().is_empty(), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
