//! Preview designs as a marketer would: render every sample customer to every
//! channel and look at the files.
//!
//! ```sh
//! cargo run --release --example preview                      # all shipped designs -> ./out
//! cargo run --release --example preview -- render templates/bill --data templates/bill/samples --out out
//! cargo run --release --example preview -- serve templates --port 8040   # live preview page
//! cargo run --release --example preview -- proof templates/bill --out proof.pdf   # approver's proof
//! ```
//!
//! Per customer it writes `<out>/<design>/<customer-id>/` with `email.html`,
//! `email.txt`, `sms.txt`, `letter.pdf` and `page-1.png`, and
//! `<out>/<design>/summary.json` with the subject, SMS encoding and segments,
//! bytes per channel, PDF pages, render time and any error. Errors go to stderr with their place; the exit code is 1 when any
//! record failed, 2 when a design or input could not be read.

mod proof;
mod serve;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use vellum::model::Date;
use vellum::{
    Channels, ComposeOptions, Design, Outcome, Pipeline, PipelineOptions, batch::read_records,
    decide,
};

struct Args {
    /// `preview explain`: print why each customer gets what they get.
    explain: bool,
    jobs: Vec<(PathBuf, PathBuf)>,
    out: PathBuf,
    today: Option<Date>,
}

const USAGE: &str = "usage: preview [render <design-dir> --data <file.json|file.jsonl|dir> --out <dir>] [--today YYYY-MM-DD]\n       preview explain <design-dir> --data <file.json|file.jsonl|dir> [--today YYYY-MM-DD]\n       preview serve [templates-dir] [--port N] [--smtp host:port] [--sms-dir DIR]\n       preview proof <design-dir> --out <proof.pdf> [--data <samples>] [--today YYYY-MM-DD] [--no-html]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut design = None;
    let mut explain = false;
    let mut data = None;
    let mut out = PathBuf::from("out");
    let mut today = None;
    while let Some(a) = it.next() {
        match a.as_str() {
            "render" => design = Some(PathBuf::from(it.next().ok_or(USAGE)?)),
            "explain" => {
                explain = true;
                design = Some(PathBuf::from(it.next().ok_or(USAGE)?));
            }
            "--data" => data = Some(PathBuf::from(it.next().ok_or(USAGE)?)),
            "--out" => out = PathBuf::from(it.next().ok_or(USAGE)?),
            "--today" => {
                let s = it.next().ok_or(USAGE)?;
                today = Some(
                    Date::parse(&s)
                        .ok_or_else(|| format!("--today: {s:?} is not a date YYYY-MM-DD"))?,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let jobs = match design {
        Some(d) => {
            let data = data.unwrap_or_else(|| d.join("samples"));
            vec![(d, data)]
        }
        None => {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir("templates")
                .map_err(|e| format!("cannot read templates/: {e}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.join("design.toml").is_file())
                .collect();
            dirs.sort();
            dirs.into_iter()
                .map(|d| (d.clone(), d.join("samples")))
                .collect()
        }
    };
    Ok(Args {
        explain,
        jobs,
        out,
        today,
    })
}

/// A folder name for a customer id: customer data never becomes a path.
fn safe_dir_name(id: &str, used: &mut HashSet<String>) -> String {
    let mut name: String = id
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        name = "record".to_owned();
    }
    let base = name.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

fn copy_assets(brand: &Path, out: &Path) -> std::io::Result<()> {
    let dest = out.join("assets");
    std::fs::create_dir_all(&dest)?;
    for e in std::fs::read_dir(brand)? {
        let p = e?.path();
        if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("png" | "svg" | "jpg" | "gif")
        ) {
            std::fs::copy(&p, dest.join(p.file_name().unwrap_or_default()))?;
        }
    }
    Ok(())
}

fn run(args: &Args) -> Result<bool, String> {
    let mut all_ok = true;
    for (dir, data) in &args.jobs {
        let design = Design::load(dir).map_err(|e| e.to_string())?;
        let options = PipelineOptions::default()
            .channels(Channels::Design)
            .asset_base_url("../../assets")
            .png_dpi(110.0);
        let options = match args.today {
            Some(today) => options.today(today),
            None => options,
        };
        let pipeline = Pipeline::new(&design, options).map_err(|e| e.to_string())?;
        let records = read_records(data).map_err(|e| e.to_string())?;
        let ddir = args.out.join(design.id());
        std::fs::create_dir_all(&ddir).map_err(|e| format!("{}: {e}", ddir.display()))?;
        copy_assets(design.brand_dir(), &args.out)
            .map_err(|e| format!("copying brand assets: {e}"))?;
        let mut used = HashSet::new();
        let mut summary = Vec::new();
        let mut failed = 0;
        for rec in &records {
            let outcome = pipeline.run(&rec.value);
            if outcome.document.is_some() {
                write_outputs(
                    &outcome,
                    &ddir.join(safe_dir_name(&outcome.record, &mut used)),
                )?;
            }
            if !outcome.is_ok() {
                failed += 1;
                for f in outcome.failures() {
                    eprintln!("{}: {}", rec.source, f.message);
                }
            }
            summary.push(json!({ "source": rec.source, "outcome": outcome }));
        }
        let text = serde_json::to_string_pretty(&json!({
            "design": design.id(),
            "version": design.manifest().version,
            "records": records.len(),
            "rendered": records.len() - failed,
            "failed": failed,
            "customers": summary,
        }))
        .map_err(|e| e.to_string())?;
        write(&ddir.join("summary.json"), text.as_bytes())?;
        eprintln!(
            "{}: {} rendered, {failed} failed -> {}",
            design.id(),
            records.len() - failed,
            ddir.display()
        );
        all_ok &= failed == 0;
    }
    Ok(all_ok)
}

/// A customer's files: each channel that rendered.
fn write_outputs(outcome: &Outcome, folder: &Path) -> Result<(), String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    if let Some(m) = outcome.email() {
        write(&folder.join("email.html"), m.html.as_bytes())?;
        write(&folder.join("email.txt"), m.text.as_bytes())?;
    }
    if let Some(s) = outcome.sms() {
        write(&folder.join("sms.txt"), s.text.as_bytes())?;
    }
    if let Some(pdf) = outcome.pdf() {
        write(&folder.join("letter.pdf"), &pdf.bytes)?;
        if let Some(png) = &pdf.png_first_page {
            write(&folder.join("page-1.png"), png)?;
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// `preview explain`: for each customer, which rules fired, which variant and
/// offer were chosen and why others were not, the locale, and the channel plan.
fn explain(args: &Args) -> Result<bool, String> {
    let mut options = ComposeOptions::default();
    options.today = args.today;
    let mut all_ok = true;
    for (dir, data) in &args.jobs {
        let design = Design::load(dir).map_err(|e| e.to_string())?;
        for rec in read_records(data).map_err(|e| e.to_string())? {
            let id = design.record_id(&rec.value);
            println!("== {} {id} ({})", design.id(), rec.source);
            match decide(&design, &rec.value, &options) {
                Ok(d) => println!("{d}"),
                Err(e) => {
                    eprintln!("{}: {e}", rec.source);
                    all_ok = false;
                }
            }
        }
    }
    Ok(all_ok)
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("proof") {
        return proof::main(std::env::args().skip(2));
    }
    if std::env::args().nth(1).as_deref() == Some("serve") {
        return match serve::parse_args(std::env::args().skip(2)) {
            Ok(args) => match serve::serve(args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("preview serve: {e}");
                    ExitCode::from(2)
                }
            },
            Err(e) => {
                eprintln!("{e}\n{USAGE}");
                ExitCode::from(2)
            }
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let result = if args.explain {
        explain(&args)
    } else {
        run(&args)
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
