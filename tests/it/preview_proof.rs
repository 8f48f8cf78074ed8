//! `preview proof`, the approver's PDF: the example binary run on the
//! shipped bill and on a copy whose samples cannot cover every outcome,
//! checked with outside tools (qpdf, pdftotext) against the library's own
//! coverage and renderings; and its errors (exit 2, the place, no panic).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use vellum::model::Date;
use vellum::{Channels, ComposeOptions, Pipeline, PipelineOptions, coverage, decision_outcomes};

use crate::common::{copy_dir, design, root, samples};

const TODAY: &str = "2026-11-20";

/// The preview example's binary, built once when missing or older than
/// its sources (examples/preview and below, Cargo.toml, src/).
fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let profile = exe
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>/deps");
        let bin = profile
            .join("examples")
            .join(format!("preview{}", std::env::consts::EXE_SUFFIX));
        let built = bin.metadata().and_then(|m| m.modified()).ok();
        let sources = [
            root().join("examples/preview"),
            root().join("src"),
            root().join("Cargo.toml"),
        ];
        if built.is_none_or(|b| sources.iter().any(|s| newer(s, b))) {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut cmd = Command::new(cargo);
            cmd.args(["build", "--example", "preview"])
                .current_dir(root())
                .env("CARGO_TARGET_DIR", profile.parent().expect("<target>"));
            if profile.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let status = cmd.status().expect("running cargo build --example preview");
            assert!(status.success(), "cargo build --example preview failed");
        }
        assert!(bin.is_file(), "{} is missing", bin.display());
        bin
    })
}

/// Whether anything under `path` was modified after `t`.
fn newer(path: &Path, t: std::time::SystemTime) -> bool {
    let Ok(meta) = path.metadata() else {
        return false;
    };
    if meta.modified().is_ok_and(|m| m > t) {
        return true;
    }
    meta.is_dir()
        && std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| newer(&e.path(), t))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vellum-proof-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn proof(args: &[&str]) -> Output {
    Command::new(binary())
        .arg("proof")
        .args(args)
        .current_dir(root())
        .output()
        .expect("running preview proof")
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} is needed for this test (apt-get install qpdf poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of pages `first..=last` (all when `None`), whitespace collapsed.
fn text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let (f, l) = pages.map_or((String::new(), String::new()), |(f, l)| {
        (f.to_string(), l.to_string())
    });
    let mut args = vec![];
    if pages.is_some() {
        args.extend(["-f", f.as_str(), "-l", l.as_str()]);
    }
    let p = pdf.to_str().unwrap();
    args.extend([p, "-"]);
    tool("pdftotext", &args)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parts the proof says it has: (label, pages), from its stderr.
fn parts(stderr: &str) -> Vec<(String, usize)> {
    stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("part "))
        .map(|rest| {
            let (n, label) = rest
                .trim()
                .split_once(" pages  ")
                .expect("part N pages  label");
            (label.to_owned(), n.trim().parse().expect("a page count"))
        })
        .collect()
}

fn compose_options() -> ComposeOptions {
    ComposeOptions::today(Date::parse(TODAY).unwrap())
}

/// Checks a proof against the library: every outcome listed, the chosen
/// customers' names on their pages, the page count part by part, and the
/// letters' pages as the pipeline renders them.
fn check_proof(design_dir: &Path, records: &[Value], pdf: &Path, stderr: &str) -> String {
    let design = vellum::Design::load(design_dir).unwrap();
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    let all = text(pdf, None);
    for f in decision_outcomes(&design) {
        assert!(
            all.contains(&f.to_string()),
            "outcome `{f}` is not in the proof"
        );
    }
    let cov = coverage(&design, records, &compose_options());
    let parts = parts(stderr);
    let total: usize = tool("qpdf", &["--show-npages", pdf.to_str().unwrap()])
        .trim()
        .parse()
        .unwrap();
    assert_eq!(parts.iter().map(|p| p.1).sum::<usize>(), total, "{parts:?}");
    assert_eq!(parts[0].0, "cover");
    let pipeline = Pipeline::new(
        &design,
        PipelineOptions::default()
            .channels(Channels::Design)
            .today(Date::parse(TODAY).unwrap()),
    )
    .unwrap();
    let mut page = parts[0].1 + 1;
    let mut letters = 0;
    let mut per_sample = 0;
    for (label, n) in &parts[1..] {
        let i: usize = label
            .strip_prefix("sample ")
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let case = &cov.chosen[i - 1];
        let name = case.record["customer"]["name"].as_str().unwrap();
        let here = text(pdf, Some((page, page + n - 1)));
        if label.ends_with(": letter") {
            let pdf = pipeline.run(&case.record).pdf().unwrap().pages;
            assert_eq!(*n, pdf, "{label}: the letter's pages");
            let mark = format!("Proof page {page} - sample {i} ");
            assert!(here.contains(&mark), "{label}: {mark:?} on its first page");
            letters += n;
        } else if label.ends_with("decisions, SMS, email") {
            per_sample += n;
        }
        if !label.ends_with("email HTML") {
            assert!(
                here.contains(name),
                "{label}: {name} is not on pages {page}.."
            );
        }
        page += n;
    }
    assert_eq!(
        total,
        parts[0].1
            + letters
            + per_sample
            + parts
                .iter()
                .filter(|p| p.0.ends_with("email HTML"))
                .map(|p| p.1)
                .sum::<usize>()
    );
    assert!(letters > 0 && per_sample >= cov.chosen.len());
    all
}

#[test]
fn the_bill_proof_shows_every_outcome_and_each_chosen_sample() {
    let dir = temp("bill");
    let out = dir.join("proof.pdf");
    let o = proof(&[
        "templates/bill",
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let records: Vec<Value> = samples("bill").into_iter().map(|s| s.1).collect();
    let all = check_proof(&root().join("templates/bill"), &records, &out, &stderr);
    let design = design("bill");
    assert!(all.contains(design.content_hash()), "the content hash");
    // The approval state (its list of changed files may wrap at a slash).
    let approval = design.approval().to_string();
    let approval = approval.split(" (").next().unwrap();
    assert!(all.contains(approval), "{approval} in {all}");
    // The expired offer cannot be shown by any sample, and the proof says so.
    assert!(all.contains("Not covered by the samples"), "{all}");
    assert!(
        all.contains("offer summer-2025 in slot footer: expired"),
        "{all}"
    );
    // chromium is installed (.ci/run): every email's HTML is rendered.
    let cov = coverage(&design, &records, &compose_options());
    assert_eq!(
        parts(&stderr)
            .iter()
            .filter(|p| p.0.ends_with("email HTML"))
            .count(),
        cov.chosen.len(),
        "one HTML rendering per sample (is chromium installed?): {stderr}"
    );
    assert!(!all.contains("HTML rendering left out"));
    for l in &design.manifest().locales {
        assert!(cov.chosen.iter().any(|c| &c.locale == l), "locale {l}");
    }
}

#[test]
fn outcomes_the_samples_cannot_show_are_listed_and_html_can_be_left_out() {
    let dir = temp("narrow");
    copy_dir(&root().join("templates"), &dir.join("templates"));
    let bill = dir.join("templates/bill");
    // One sample, whose name is markup in Typst, HTML and Markdown: shown as written.
    let mut record: Value =
        serde_json::from_str(&std::fs::read_to_string(bill.join("samples/C1001.json")).unwrap())
            .unwrap();
    let hostile = r"Ada ]) #panic(1) *Love* $x$ <b>lace</b> \ _u_ @ref";
    record["customer"]["name"] = hostile.into();
    let one = dir.join("one.json");
    std::fs::write(&one, record.to_string()).unwrap();
    let out = dir.join("proof.pdf");
    let o = proof(&[
        bill.to_str().unwrap(),
        "--data",
        one.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
        "--no-html",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let all = check_proof(&bill, std::slice::from_ref(&record), &out, &stderr);
    assert!(
        all.contains("rule overdue fires: no sample makes the rule fire"),
        "{all}"
    );
    assert!(
        stderr.contains("not covered: rule overdue fires"),
        "{stderr}"
    );
    assert!(all.contains("HTML rendering left out"), "{all}");
    // One case per locale: the sample is shown in each (forced on copies).
    let locales = design("bill").manifest().locales.len();
    assert!(
        all.contains(&format!("Sample 1 of {locales}: {hostile}")),
        "{all}"
    );
    assert!(!parts(&stderr).iter().any(|p| p.0.ends_with("email HTML")));
}

#[test]
fn errors_say_where_and_exit_2() {
    let dir = temp("errors");
    let out = dir.join("p.pdf");
    let out = out.to_str().unwrap();
    let check = |o: Output, want: &str| {
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want), "want {want:?} in: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    check(
        proof(&["templates/nope", "--out", out]),
        "design folder `templates/nope` does not exist",
    );
    check(proof(&["templates/bill"]), "--out <proof.pdf> is missing");

    copy_dir(&root().join("templates"), &dir.join("templates"));
    let bill = dir.join("templates/bill");
    let manifest = bill.join("design.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("overdue = '", "overdue = '(((")).unwrap();
    check(
        proof(&[bill.to_str().unwrap(), "--out", out]),
        "design.toml:",
    );

    std::fs::write(&manifest, text).unwrap();
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    check(
        proof(&[
            bill.to_str().unwrap(),
            "--data",
            empty.to_str().unwrap(),
            "--out",
            out,
        ]),
        "no samples in",
    );
    assert!(!Path::new(out).exists(), "no proof is written on error");
}
