//! Preview designs as a marketer would: render every sample customer to every
//! channel and look at the files.
//!
//! ```sh
//! cargo run --release --example preview                      # all shipped designs -> ./out
//! cargo run --release --example preview -- render templates/bill --data templates/bill/samples --out out
//! ```
//!
//! Per customer it writes `<out>/<design>/<customer-id>/` with `email.html`,
//! `email.txt`, `sms.txt`, `letter.pdf` and `page-1.png`, and
//! `<out>/<design>/summary.json` with the subject, SMS encoding and segments,
//! bytes per channel, PDF pages, render time and any error. Errors go to stderr with their place; the exit code is 1 when any
//! record failed, 2 when a design or input could not be read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Value, json};
use vellum::model::Date;
use vellum::render::{EmailOptions, PdfOptions};
use vellum::{ComposeOptions, Design, read_records};

struct Args {
    /// `preview explain`: print why each customer gets what they get.
    explain: bool,
    jobs: Vec<(PathBuf, PathBuf)>,
    out: PathBuf,
    today: Option<Date>,
}

const USAGE: &str = "usage: preview [render <design-dir> --data <file.json|file.jsonl|dir> --out <dir>] [--today YYYY-MM-DD]\n       preview explain <design-dir> --data <file.json|file.jsonl|dir> [--today YYYY-MM-DD]";

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
    let options = ComposeOptions::today(args.today.unwrap());
    let mut all_ok = true;
    for (dir, data) in &args.jobs {
        let design = Design::load(dir).map_err(|e| e.to_string())?;
        let records = read_records(data).map_err(|e| e.to_string())?;
        let ddir = args.out.join(design.id());
        std::fs::create_dir_all(&ddir).map_err(|e| format!("{}: {e}", ddir.display()))?;
        copy_assets(design.brand_dir(), &args.out)
            .map_err(|e| format!("copying brand assets: {e}"))?;
        let email_options = EmailOptions {
            asset_base_url: Some("../../assets".to_owned()),
        };
        let mut used = HashSet::new();
        let mut summary = Vec::new();
        let (mut ok, mut failed) = (0, 0);
        for rec in &records {
            let id = design.record_id(&rec.value);
            let start = Instant::now();
            let mut entry = json!({ "customer": id, "source": rec.source });
            let mut errors: Vec<String> = Vec::new();
            let folder = ddir.join(safe_dir_name(&id, &mut used));
            match vellum::compose(&design, &rec.value, &options) {
                Err(e) => errors.push(e.to_string()),
                Ok(doc) => {
                    entry["locale"] = json!(doc.locale);
                    entry["subject"] = json!(doc.subject);
                    let email = vellum::render::email_with(&design, &doc, &email_options);
                    let sms = vellum::render::sms(&design, &doc);
                    let elapsed = start.elapsed();
                    std::fs::create_dir_all(&folder)
                        .map_err(|e| format!("{}: {e}", folder.display()))?;
                    let mut bytes = json!({});
                    match email {
                        Ok(m) => {
                            write(&folder.join("email.html"), &m.html)?;
                            write(&folder.join("email.txt"), &m.text)?;
                            bytes["email_html"] = json!(m.html.len());
                            bytes["email_text"] = json!(m.text.len());
                        }
                        Err(e) => errors.push(e.to_string()),
                    }
                    match sms {
                        Ok(s) => {
                            write(&folder.join("sms.txt"), &s.text)?;
                            entry["sms"] = json!({ "encoding": s.encoding, "segments": s.segments, "units": s.units });
                            bytes["sms"] = json!(s.text.len());
                        }
                        Err(e) => errors.push(e.to_string()),
                    }
                    let pdf_start = Instant::now();
                    match vellum::render::PrintEngine::new(&design)
                        .unwrap()
                        .render_with(
                            &doc,
                            &PdfOptions {
                                png_dpi: Some(110.0),
                                ..Default::default()
                            },
                        ) {
                        Ok(pdf) => {
                            std::fs::write(folder.join("letter.pdf"), &pdf.bytes)
                                .map_err(|e| format!("{}: {e}", folder.display()))?;
                            if let Some(png) = &pdf.png_first_page {
                                std::fs::write(folder.join("page-1.png"), png)
                                    .map_err(|e| format!("{}: {e}", folder.display()))?;
                            }
                            entry["pages"] = json!(pdf.pages);
                            entry["pdf_bytes"] = json!(pdf.bytes.len());
                            entry["pdf_ms"] =
                                json!((pdf_start.elapsed().as_secs_f64() * 1e6).round() / 1e3);
                            bytes["pdf"] = json!(pdf.bytes.len());
                        }
                        Err(e) => errors.push(e.to_string()),
                    }
                    entry["bytes"] = bytes;
                    entry["render_ms"] = json!((elapsed.as_secs_f64() * 1e6).round() / 1e3);
                    entry["warnings"] = json!(doc.warnings);
                    entry["plan"] = json!(doc.plan);
                    entry["decisions"] = json!(doc.decisions);
                }
            }
            if errors.is_empty() {
                ok += 1;
                entry["error"] = Value::Null;
            } else {
                failed += 1;
                for e in &errors {
                    eprintln!("{}: {e}", rec.source);
                }
                entry["error"] = json!(errors.join("; "));
            }
            summary.push(entry);
        }
        let text = serde_json::to_string_pretty(&json!({
            "design": design.id(),
            "version": design.manifest().version,
            "records": records.len(),
            "rendered": ok,
            "failed": failed,
            "customers": summary,
        }))
        .map_err(|e| e.to_string())?;
        write(&ddir.join("summary.json"), &text)?;
        eprintln!(
            "{}: {ok} rendered, {failed} failed -> {}",
            design.id(),
            ddir.display()
        );
        all_ok &= failed == 0;
    }
    Ok(all_ok)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `preview explain`: for each customer, which rules fired, which variant and
/// offer were chosen and why others were not, the locale, and the channel plan.
fn explain(args: &Args) -> Result<bool, String> {
    let options = ComposeOptions::today(args.today.unwrap());
    let mut all_ok = true;
    for (dir, data) in &args.jobs {
        let design = Design::load(dir).map_err(|e| e.to_string())?;
        for rec in read_records(data).map_err(|e| e.to_string())? {
            let id = design.record_id(&rec.value);
            println!("== {} {id} ({})", design.id(), rec.source);
            let d = match vellum::decide(&design, &rec.value, &options) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{}: {e}", rec.source);
                    all_ok = false;
                    continue;
                }
            };
            let wanted = d.locale.wanted.as_deref().unwrap_or("(none)");
            println!(
                "locale:   {} (wanted {wanted}: {})",
                d.locale.chosen, d.locale.reason
            );
            for r in &d.rules {
                println!(
                    "rule:     {} {}  [{}]",
                    if r.fired { "FIRED   " } else { "not fired" },
                    r.name,
                    r.expression
                );
            }
            for v in &d.variants {
                println!(
                    "variant:  {} = {} (bucket {} of 100)",
                    v.group, v.chosen, v.bucket
                );
            }
            for o in &d.offers {
                println!(
                    "offer:    slot {}: {}",
                    o.slot,
                    o.chosen.as_deref().unwrap_or("(none)")
                );
                for c in &o.considered {
                    println!(
                        "            {} (priority {}): {}",
                        c.offer, c.priority, c.reason
                    );
                }
            }
            let plan: Vec<&str> = d.plan.iter().map(|c| c.name()).collect();
            println!(
                "plan:     {}",
                if plan.is_empty() {
                    "(no channel!)".to_owned()
                } else {
                    plan.join(" -> ")
                }
            );
            for c in &d.channels {
                println!(
                    "            {} {}: {}",
                    if c.kept { "keep" } else { "drop" },
                    c.channel,
                    c.reason
                );
            }
            println!();
        }
    }
    Ok(all_ok)
}

fn main() -> ExitCode {
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
