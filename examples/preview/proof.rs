//! `preview proof <design-dir> --out proof.pdf [--data <samples>]`: one PDF
//! an approver reads without the tool.
//!
//! The samples shown are chosen so that every decision outcome of the
//! design (each rule true and false, variant, offer, empty offer slot,
//! locale, first channel) appears at least once ([`vellum::coverage`]); the
//! cover lists every outcome with the sample that shows it and those no
//! sample can show. Per chosen sample: the decisions and why, the SMS with
//! its encoding and segments, the email's inbox line and text part, the
//! HTML as a browser renders it (headless `chromium`, when installed; the
//! proof says when it was left out), then the sample's letter pages as
//! printed.

#[cfg(all(feature = "print", feature = "print-spool"))]
mod html;
#[cfg(all(feature = "print", feature = "print-spool"))]
mod merge;
#[cfg(all(feature = "print", feature = "print-spool"))]
mod sections;
#[cfg(all(feature = "print", feature = "print-spool"))]
mod typst;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vellum::Coverage;
use vellum::model::Date;

/// How to make a proof.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    /// The document date (offers' validity is judged on it); `None`: today.
    pub today: Option<Date>,
    /// Render the emails' HTML with headless chromium (when installed).
    pub html: bool,
}

impl Default for ProofOptions {
    fn default() -> ProofOptions {
        ProofOptions {
            today: None,
            html: true,
        }
    }
}

/// A proof: the PDF, the coverage it shows, and its parts with their pages
/// (`cover`, then per sample its own pages, its email's HTML and its letter).
#[derive(Debug)]
pub struct Proof {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// What the chosen samples show of the design.
    pub coverage: Coverage,
    /// Each part of the PDF in order, with its page count.
    pub parts: Vec<(String, usize)>,
}

/// The proof PDF of the design in `design_dir` for the samples in `data`
/// (default: the design's `samples/`), and its coverage. Errors name the
/// file and place.
pub fn proof_pdf(design_dir: &Path, data: Option<&Path>) -> Result<(Vec<u8>, Coverage), String> {
    proof_with(design_dir, data, &ProofOptions::default()).map(|p| (p.pdf, p.coverage))
}

/// [`proof_pdf`] with options.
pub fn proof_with(
    design_dir: &Path,
    data: Option<&Path>,
    options: &ProofOptions,
) -> Result<Proof, String> {
    #[cfg(all(feature = "print", feature = "print-spool"))]
    {
        sections::build(design_dir, data, options)
    }
    #[cfg(not(all(feature = "print", feature = "print-spool")))]
    {
        let _ = (design_dir, data, options);
        Err("preview proof needs the features `print` and `print-spool`".to_owned())
    }
}

const USAGE: &str = "usage: preview proof <design-dir> --out <proof.pdf> [--data <file.json|file.jsonl|dir>] [--today YYYY-MM-DD] [--no-html]";

struct Args {
    design: PathBuf,
    data: Option<PathBuf>,
    out: PathBuf,
    options: ProofOptions,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut design, mut data, mut out) = (None, None, None);
    let mut options = ProofOptions::default();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--data" => data = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--today" => {
                let s = value()?;
                options.today = Some(
                    Date::parse(&s)
                        .ok_or_else(|| format!("--today: {s:?} is not a date YYYY-MM-DD"))?,
                );
            }
            "--no-html" => options.html = false,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other if design.is_none() && !other.starts_with('-') => {
                design = Some(PathBuf::from(other))
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Args {
        design: design.ok_or_else(|| format!("the design folder is missing\n{USAGE}"))?,
        data,
        out: out.ok_or_else(|| format!("--out <proof.pdf> is missing\n{USAGE}"))?,
        options,
    })
}

/// `preview proof ...`: writes the proof and says what it covers. Exit 2
/// on any error (bad arguments, design, samples, output).
pub fn main(args: impl Iterator<Item = String>) -> ExitCode {
    match parse_args(args).and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("preview proof: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let proof = proof_with(&args.design, args.data.as_deref(), &args.options)?;
    std::fs::write(&args.out, &proof.pdf).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let c = &proof.coverage;
    let total: usize = proof.parts.iter().map(|(_, n)| n).sum();
    eprintln!("proof: {} ({total} pages)", args.out.display());
    for (part, pages) in &proof.parts {
        eprintln!("  part {pages:>3} pages  {part}");
    }
    eprintln!(
        "coverage: {} of {} outcomes, {} samples chosen",
        c.covered(),
        c.outcomes.len(),
        c.chosen.len()
    );
    for u in c.uncovered() {
        eprintln!("  not covered: {} ({})", u.facet, u.why_not.join("; "));
    }
    for (i, e) in &c.rejected {
        eprintln!("  sample {} left out: {e}", i + 1);
    }
    Ok(())
}
