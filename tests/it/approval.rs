//! Approval bound to content: `vellum approve` records every content file's
//! hash; the design is then approved, changed since its approval (naming
//! the files), or a draft; production runs refuse all but approved.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use vellum::{ApprovalState, Change, Design};

use crate::deliver_support::temp_dir;

/// A copy of the shipped templates without their approvals.
fn templates(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let to = dir.join("templates");
    crate::common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &to,
    );
    for d in ["bill", "contract", "quote", "welcome"] {
        let _ = std::fs::remove_file(to.join(d).join("approval.toml"));
    }
    to
}

fn vellum(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_vellum"))
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

#[test]
fn an_approval_holds_until_a_file_changes_and_names_the_files() {
    let t = templates("approval-files");
    let bill = t.join("bill");
    assert_eq!(
        Design::load(&bill).unwrap().approval(),
        &ApprovalState::Draft
    );
    let at = UNIX_EPOCH + Duration::from_secs(1_796_000_000);
    let record = vellum::approve(&Design::load(&bill).unwrap(), "Dana \"QA\" Smith", at).unwrap();
    assert_eq!(record.at, "2026-11-30T00:53:20Z");
    let design = Design::load(&bill).unwrap();
    assert_eq!(design.approval(), &ApprovalState::Approved(record.clone()));
    // Samples are not content; a sample more keeps the approval.
    std::fs::write(bill.join("samples/extra.json"), "{}").unwrap();
    assert!(Design::load(&bill).unwrap().approval().is_approved());
    // An edit to the body, a new brand file, a removed offer locale.
    let body = std::fs::read_to_string(bill.join("body.md")).unwrap();
    std::fs::write(bill.join("body.md"), format!("{body}\nThank you.\n")).unwrap();
    std::fs::write(t.join("brand/print/extra.typ"), "// new").unwrap();
    let offers = std::fs::read_dir(t.join("offers/locales"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    std::fs::remove_file(offers.path()).unwrap();
    let removed = format!("offers/locales/{}", offers.file_name().to_string_lossy());
    let design = Design::load(&bill);
    // A missing offer locale may itself be a design error; the approval
    // check is about the other two then.
    let state = match design {
        Ok(d) => d.approval().clone(),
        Err(_) => {
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("templates")
                    .join(&removed),
                t.join(&removed),
            )
            .unwrap();
            Design::load(&bill).unwrap().approval().clone()
        }
    };
    let ApprovalState::Changed { approval, files } = state else {
        panic!("expected changed: {state:?}");
    };
    assert_eq!(approval, record);
    let changes: Vec<(String, Change)> = files.into_iter().map(|f| (f.path, f.change)).collect();
    assert!(
        changes.contains(&("design/body.md".into(), Change::Modified)),
        "{changes:?}"
    );
    assert!(
        changes.contains(&("brand/print/extra.typ".into(), Change::Added)),
        "{changes:?}"
    );
    // Approved again, it holds again.
    vellum::approve(&Design::load(&bill).unwrap(), "Dana", at).unwrap();
    assert!(Design::load(&bill).unwrap().approval().is_approved());
}

#[test]
fn production_runs_refuse_drafts_and_changed_designs() {
    let t = templates("approval-runs");
    let bill = t.join("bill");
    let b = bill.to_str().unwrap();
    let samples = bill.join("samples");
    let data = samples.to_str().unwrap();
    let out = t.parent().unwrap().join("out");
    let deliver = format!("dir:{}", out.display());
    let run = |extra: &[&str]| {
        let mut args = vec!["run", b, "--data", data, "--deliver", &deliver];
        args.extend_from_slice(extra);
        vellum(&args)
    };
    let (code, text) = run(&[]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("is a draft (never approved)"), "{text}");
    // A dry run of a draft is allowed, and says so.
    let (code, text) = vellum(&["run", b, "--data", data, "--dry-run"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("a dry run only"), "{text}");
    let (code, text) = vellum(&["approve", b, "--by", "Dana"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("approved bill"), "{text}");
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "{text}");
    // Changed since: refused, naming the file; --allow-draft runs it.
    let terms = t.join("brand/locales/en-US.ftl");
    let ftl = std::fs::read_to_string(&terms).unwrap();
    std::fs::write(&terms, format!("{ftl}\n# edited\n")).unwrap();
    let (code, text) = run(&["--run-key", "again"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("changed since its approval by Dana"),
        "{text}"
    );
    assert!(text.contains("brand/locales/en-us.ftl modified"), "{text}");
    let (code, text) = run(&["--run-key", "again", "--allow-draft"]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn a_broken_approval_file_or_approver_is_a_clear_error() {
    let t = templates("approval-bad");
    let bill = t.join("bill");
    std::fs::write(
        bill.join("approval.toml"),
        "approved_by = \"x\"\nfiles = 3\n",
    )
    .unwrap();
    let err = Design::load(&bill).unwrap_err().to_string();
    assert!(err.contains("approval.toml:"), "{err}");
    assert!(err.contains("approve the design again"), "{err}");
    std::fs::remove_file(bill.join("approval.toml")).unwrap();
    let design = Design::load(&bill).unwrap();
    for by in ["", "  ", "Dana\nEvil: header", &"x".repeat(201)] {
        assert!(vellum::approve(&design, by, UNIX_EPOCH).is_err(), "{by:?}");
    }
    let (code, text) = vellum(&["approve", bill.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("approve needs a design and --by NAME"),
        "{text}"
    );
}
