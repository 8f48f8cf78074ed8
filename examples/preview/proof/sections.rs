//! The proof's parts: the cover, then per chosen sample its own pages
//! (decisions, SMS, email), its email's HTML as chromium renders it, and
//! its letter; page numbers worked out so the cover's contents are right.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vellum::batch::{Record, read_records};
use vellum::model::{Channel, Date};
use vellum::render::{EmailOptions, email_with};
use vellum::{
    Channels, ComposeOptions, Coverage, Design, Outcome, Pipeline, PipelineOptions, SampleCase,
    coverage,
};

use super::{Proof, ProofOptions, html, merge, typst};

/// One chosen sample, rendered.
struct Rendered {
    label: String,
    id: String,
    locale: String,
    /// The sample's own page data (without its first page number).
    data: Value,
    html: Option<(Vec<u8>, usize)>,
    letter: Option<(Vec<u8>, usize)>,
}

/// Loads the design and samples, chooses the samples and builds the PDF.
pub fn build(dir: &Path, data: Option<&Path>, options: &ProofOptions) -> Result<Proof, String> {
    if !dir.is_dir() {
        return Err(format!("design folder `{}` does not exist", dir.display()));
    }
    let design = Design::load(dir).map_err(|e| e.to_string())?;
    let data = data.map_or_else(|| dir.join("samples"), PathBuf::from);
    let records = samples(&data)?;
    let values: Vec<Value> = records.iter().map(|r| r.value.clone()).collect();
    let mut compose = ComposeOptions::default();
    compose.today = options.today;
    let cov = coverage(&design, &values, &compose);
    if cov.chosen.is_empty() {
        let why = cov
            .rejected
            .first()
            .map(|(i, e)| format!("{}: {e}", records[*i].source));
        return Err(format!(
            "none of the samples in `{}` could be decided ({})",
            data.display(),
            why.unwrap_or_default()
        ));
    }
    let mut popts = PipelineOptions::default().channels(Channels::Design);
    if let Some(t) = options.today {
        popts = popts.today(t);
    }
    let pipeline = Pipeline::new(&design, popts).map_err(|e| e.to_string())?;
    let head = head(&design, options);
    let mut rendered = Vec::new();
    for (i, case) in cov.chosen.iter().enumerate() {
        let source = &records[case.sample].source;
        rendered.push(render_case(&pipeline, &cov, i, case, source, options));
    }
    let mut notes = Vec::new();
    if !options.html {
        notes.push("The emails' HTML rendering was left out (--no-html).".to_owned());
    } else if rendered.iter().any(|r| r.html.is_none()) {
        notes.push(
            "The HTML rendering of some emails was left out: see each sample's email section."
                .to_owned(),
        );
    }
    assemble(head, notes, &cov, &records, rendered)
}

/// The samples, or why there are none.
fn samples(data: &Path) -> Result<Vec<Record>, String> {
    if !data.exists() {
        return Err(format!("samples `{}` do not exist", data.display()));
    }
    let records = read_records(data).map_err(|e| e.to_string())?;
    if records.is_empty() {
        return Err(format!(
            "no samples in `{}`: a proof needs at least one sample customer",
            data.display()
        ));
    }
    Ok(records)
}

/// What every page says about the design.
fn head(design: &Design, options: &ProofOptions) -> Value {
    let m = design.manifest();
    let today = options.today.map_or_else(
        || "today (the day the proof was made)".to_owned(),
        show_date,
    );
    json!({
        "name": m.name,
        "id": m.id,
        "version": m.version,
        "hash": design.content_hash(),
        "hash_short": design.content_hash().chars().take(12).collect::<String>(),
        "approval": design.approval().to_string(),
        "made": now_utc(),
        "today": today,
        "channels": m.channels.iter().map(|c| c.name()).collect::<Vec<_>>(),
        "locales": m.locales,
    })
}

fn show_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// Now, `YYYY-MM-DD HH:MM UTC`.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Runs one chosen sample through the pipeline and gathers its parts.
fn render_case(
    pipeline: &Pipeline<'_>,
    cov: &Coverage,
    i: usize,
    case: &SampleCase,
    source: &str,
    options: &ProofOptions,
) -> Rendered {
    let design = pipeline.design();
    let outcome = pipeline.run(&case.record);
    let doc = outcome.document.as_ref();
    let name = doc
        .and_then(|d| d.name.clone())
        .unwrap_or_else(|| case.id.clone());
    let label = format!("{} {} ({})", case.id, name, case.locale);
    let shows: Vec<String> = cov
        .outcomes
        .iter()
        .filter(|o| o.by == Some(i))
        .map(|o| o.facet.to_string())
        .collect();
    let html = match (&outcome.email(), doc) {
        (Some(_), Some(doc)) if options.html => email_html(design, doc, &label),
        (Some(_), _) => Err("left out (--no-html)".to_owned()),
        _ => Err("no email".to_owned()),
    };
    let letter = outcome.pdf().map(|p| (p.bytes.clone(), p.pages));
    let mut data = json!({
        "n": i + 1,
        "of": cov.chosen.len(),
        "id": case.id,
        "name": name,
        "source": source,
        "locale": case.locale,
        "forced": case.forced,
        "shows": shows,
        "decisions": case.decisions,
        "letter_pages": letter.as_ref().map_or(0, |l| l.1),
        "letter_note": match &letter {
            Some((_, n)) => format!("The letter follows as printed ({n} page(s))."),
            None => failed(design, &outcome, Channel::Print),
        },
        "html_note": match &html {
            Ok((_, n)) => format!("The HTML part as a browser (Chromium) renders it follows ({n} page(s))."),
            Err(e) => format!("HTML rendering left out: {e}."),
        },
    });
    channel_data(&mut data, design, &outcome);
    Rendered {
        label,
        id: case.id.clone(),
        locale: case.locale.clone(),
        data,
        html: html.ok(),
        letter,
    }
}

/// The SMS and email of a sample's data, or why they are missing.
fn channel_data(data: &mut Value, design: &Design, outcome: &Outcome) {
    data["sms"] = match outcome.sms() {
        Some(s) => json!({
            "text": s.text, "encoding": s.encoding, "units": s.units, "segments": s.segments,
        }),
        None => Value::Null,
    };
    data["sms_note"] = failed(design, outcome, Channel::Sms).into();
    let doc = outcome.document.as_ref();
    data["email"] = match outcome.email() {
        Some(e) => json!({
            "from": sender(design),
            "to": doc.and_then(|d| d.email.clone()),
            "subject": e.subject, "preheader": e.preheader, "text": e.text,
        }),
        None => Value::Null,
    };
    data["email_note"] = failed(design, outcome, Channel::Email).into();
}

/// Why a channel has no rendering for this sample.
fn failed(design: &Design, outcome: &Outcome, channel: Channel) -> String {
    if !design.manifest().channels.contains(&channel) {
        return format!("The design has no {channel} channel.");
    }
    match outcome
        .failures()
        .find(|f| f.channel == Some(channel) || f.channel.is_none())
    {
        Some(f) => format!("The {channel} could not be rendered: {}", f.message),
        None => format!("No {channel} was rendered."),
    }
}

/// The sender as the inbox shows it: the brand's name and support address.
fn sender(design: &Design) -> String {
    let table: Option<toml::Table> = std::fs::read_to_string(design.brand_dir().join("brand.toml"))
        .ok()
        .and_then(|t| toml::from_str(&t).ok());
    let get = |k: &str| {
        table
            .as_ref()
            .and_then(|t| t.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    format!("{} <{}>", get("name"), get("support_email"))
}

/// The email's HTML through chromium, its images served from the brand
/// folder on disk.
fn email_html(
    design: &Design,
    doc: &vellum::model::Document,
    label: &str,
) -> Result<(Vec<u8>, usize), String> {
    let brand = design
        .brand_dir()
        .canonicalize()
        .map_err(|e| format!("{}: {e}", design.brand_dir().display()))?;
    let mut opts = EmailOptions::default();
    opts.asset_base_url = Some(format!("file://{}", brand.display()));
    let email = email_with(design, doc, &opts).map_err(|e| e.to_string())?;
    let pdf = html::render(&email.html, label)?;
    let pages = lopdf::Document::load_mem(&pdf)
        .map_err(|e| format!("chromium's PDF does not read: {e}"))?
        .get_pages()
        .len();
    Ok((pdf, pages))
}

/// Numbers the pages, compiles the cover and the samples' own pages and
/// joins every part.
fn assemble(
    head: Value,
    notes: Vec<String>,
    cov: &Coverage,
    records: &[Record],
    rendered: Vec<Rendered>,
) -> Result<Proof, String> {
    let cover_data = |contents: &Value| {
        json!({
            "kind": "cover", "design": head, "first_page": 1, "notes": notes,
            "coverage": coverage_data(cov, records), "contents": contents,
        })
    };
    let mut cover_pages = typst::pdf(&cover_data(&contents(&rendered, &[])))?.1;
    for _ in 0..3 {
        let mut first = cover_pages + 1;
        let mut own = Vec::new();
        let mut starts = Vec::new();
        for r in &rendered {
            let data = json!({
                "kind": "sample", "design": head, "first_page": first, "sample": r.data,
            });
            let (pdf, n) = typst::pdf(&data)?;
            starts.push(first);
            first += n + r.html.as_ref().map_or(0, |h| h.1) + r.letter.as_ref().map_or(0, |l| l.1);
            own.push((pdf, n));
        }
        let (cover, pages) = typst::pdf(&cover_data(&contents(&rendered, &starts)))?;
        if pages == cover_pages {
            return join(cover, pages, own, rendered, cov);
        }
        cover_pages = pages;
    }
    Err("the cover's page count does not settle".to_owned())
}

/// The cover's table of contents.
fn contents(rendered: &[Rendered], starts: &[usize]) -> Value {
    rendered
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "n": format!("{}.", i + 1), "label": r.label,
                "page": starts.get(i).copied().unwrap_or(0),
            })
        })
        .collect()
}

/// The cover's coverage table.
fn coverage_data(cov: &Coverage, records: &[Record]) -> Value {
    let by = |i: usize| {
        let c = &cov.chosen[i];
        format!("{}. {} ({})", i + 1, c.id, c.locale)
    };
    let rows: Vec<Value> = cov
        .outcomes
        .iter()
        .map(|o| json!({ "outcome": o.facet.to_string(), "by": o.by.map(by) }))
        .collect();
    let uncovered: Vec<Value> = cov
        .uncovered()
        .map(|o| json!({ "outcome": o.facet.to_string(), "why": o.why_not.join("; ") }))
        .collect();
    let rejected: Vec<String> = cov
        .rejected
        .iter()
        .map(|(i, e)| format!("{}: {e}", records[*i].source))
        .collect();
    json!({
        "total": cov.outcomes.len(), "covered": cov.covered(), "chosen": cov.chosen.len(),
        "samples": samples_line(cov, records.len()),
        "rows": rows, "uncovered": uncovered, "rejected": rejected,
    })
}

/// How many samples were given and shown.
fn samples_line(cov: &Coverage, given: usize) -> String {
    let forced = cov.chosen.iter().filter(|c| c.forced).count();
    let mut line = format!("{given} given, {} shown", cov.chosen.len());
    if forced > 0 {
        line += &format!(" ({forced} of them in a locale forced on a copy of the sample)");
    }
    if !cov.rejected.is_empty() {
        line += &format!(", {} left out (see below)", cov.rejected.len());
    }
    line
}

/// Merges the parts in order and names them with their page counts.
fn join(
    cover: Vec<u8>,
    cover_pages: usize,
    own: Vec<(Vec<u8>, usize)>,
    rendered: Vec<Rendered>,
    cov: &Coverage,
) -> Result<Proof, String> {
    let mut parts: Vec<(String, usize)> = vec![("cover".to_owned(), cover_pages)];
    let mut pdfs: Vec<(Vec<u8>, Option<String>)> = vec![(cover, None)];
    for (i, ((pdf, n), r)) in own.into_iter().zip(rendered).enumerate() {
        let sample = format!("sample {} {}", i + 1, r.label);
        parts.push((format!("{sample}: decisions, SMS, email"), n));
        pdfs.push((pdf, None));
        let short = format!("sample {} {} ({})", i + 1, r.id, r.locale);
        if let Some((pdf, n)) = r.html {
            parts.push((format!("{sample}: email HTML"), n));
            pdfs.push((pdf, Some(format!("{short}: email as a browser shows it"))));
        }
        if let Some((pdf, n)) = r.letter {
            parts.push((format!("{sample}: letter"), n));
            pdfs.push((pdf, Some(format!("{short}: letter"))));
        }
    }
    let refs: Vec<merge::Part<'_>> = pdfs
        .iter()
        .map(|(pdf, mark)| merge::Part {
            pdf,
            mark: mark.clone(),
        })
        .collect();
    Ok(Proof {
        pdf: merge::merge(&refs)?,
        coverage: cov.clone(),
        parts,
    })
}
