//! `vellum`: the operator's command line.
//!
//! ```text
//! vellum run <design> --data <file|dir> [--mapping <toml>] --deliver dir:<path>
//!            [--ledger <file>|postgres://user@host/db [--worker NAME]
//!             [--chunk-records N] [--lease-seconds S]]
//!            [--deliver smtp://host[:port]] [--sms-url URL [--sms-token T]]
//!            [--run-key K] [--workers N] [--dry-run] [--limit N]
//!            [--errors <file>] [--only-failed <file>] [--report <file>]
//!            [--today YYYY-MM-DD] [--allow-draft]
//! vellum status <run-key> --ledger postgres://user@host/db [--json]
//! vellum approve <design> --by NAME     record the design's files as approved
//! vellum generate <count> --out <file.jsonl> [--seed S] [--samples <dir>]
//! vellum cycle [--customers N] [--out <dir>]     generate a cycle and run it
//! vellum verify <design> --data <file|dir> --ledger <file> --run-key K
//!               [--today YYYY-MM-DD] [--workers N] [--report <file>]
//! vellum events ingest <file|dir> --ledger <file> [--key-file <file>] [--json]
//! vellum events report --ledger <file> [--json]
//! vellum events standing <customer-id> --ledger <file> [--json]
//! ```
//!
//! Delivery: email over SMTP with `--deliver smtp://host:port` (STARTTLS
//! required, plain text only to a loopback address; `smtps://` for implicit
//! TLS), SMS to an HTTP gateway with `--sms-url` (the bearer token from
//! `--sms-token` or the `VELLUM_SMS_TOKEN` environment variable); every
//! channel without such a backend is written to the `dir:` folder.
//!
//! With a `postgres://` ledger, `run` starts a worker of a shared run:
//! every worker (on any machine) given the same run key, design and input
//! joins the same run and claims chunks of it; the one that completes the
//! last chunk prints the run's report. The password may come from the
//! `PGPASSWORD` environment variable instead of the URL (which `ps` shows).
//!
//! Progress goes to stderr: a bar when it is a terminal, a plain line every
//! few seconds otherwise; counts only, never customer data.
//!
//! Marketing emails' unsubscribe links are signed with the key in
//! `VELLUM_UNSUBSCRIBE_KEY` (hex or base64), else the one kept in the
//! `--deliver` folder's `unsubscribe.key` (made there on first use).
//!
//! Exit codes: 0 all records delivered (or rendered), 1 some records failed,
//! 2 the run could not start.

mod backends;
mod events;
mod generate;
mod progress;
#[cfg(feature = "postgres")]
mod shared;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use vellum::batch::{CsvMapping, OnlyFailed, Run, RunOptions, RunReport, Source};
use vellum::deliver::{
    DirTransport, Dispatcher, Ledger, PrintChunking, PrintOptions, PrintSpool, UnsubscribeKey,
};
use vellum::model::{Channel, Date};
use vellum::{Approval, Design, Pipeline, PipelineOptions};

use self::backends::{Backends, SmtpUrl};

const USAGE: &str = "usage:
  vellum run <design> --data <file|dir> [--mapping <toml>] --deliver dir:<path>
             [--ledger <file>|postgres://user@host/db [--worker NAME]
              [--chunk-records N] [--lease-seconds S]]
             [--deliver smtp://host[:port]] [--sms-url URL [--sms-token T]]
             [--run-key K] [--workers N] [--dry-run] [--limit N]
             [--errors <file>] [--only-failed <file>] [--report <file>]
             [--today YYYY-MM-DD] [--allow-draft]
  vellum generate <count> --out <file.jsonl> [--seed S] [--samples <dir>]
  vellum cycle [--customers N] [--out <dir>]
  vellum status <run-key> --ledger postgres://user@host/db [--json]
  vellum approve <design> --by NAME
  vellum verify <design> --data <file|dir> --ledger <file> --run-key K
                [--today YYYY-MM-DD] [--workers N] [--report <file>]
  vellum events ingest <file|dir> --ledger <file> [--key-file <file>] [--json]
  vellum events report --ledger <file> [--json]
  vellum events standing <customer-id> --ledger <file> [--json]";

/// What `run` was asked to do.
#[derive(Debug, Default)]
struct RunArgs {
    design: PathBuf,
    data: PathBuf,
    /// How the columns of a CSV `data` become records.
    mapping: Option<PathBuf>,
    deliver: Option<PathBuf>,
    backends: Backends,
    ledger: Option<PathBuf>,
    run_key: String,
    workers: usize,
    dry_run: bool,
    limit: Option<usize>,
    errors: Option<PathBuf>,
    only_failed: Option<PathBuf>,
    report: Option<PathBuf>,
    today: Option<Date>,
    allow_draft: bool,
    /// This worker's name in a shared run.
    worker: Option<String>,
    /// Records per chunk of a shared run (when this worker registers it).
    chunk_records: Option<u64>,
    /// Seconds a shared run's claim holds without a heartbeat.
    lease_seconds: Option<f64>,
    /// Signs marketing emails' unsubscribe tokens.
    unsubscribe_key: Option<UnsubscribeKey>,
}

impl RunArgs {
    /// The ledger, when it is a PostgreSQL URL: a shared run.
    fn postgres_url(&self) -> Option<&str> {
        let l = self.ledger.as_deref()?.to_str()?;
        is_postgres(l).then_some(l)
    }
}

/// Whether a `--ledger` is a PostgreSQL URL rather than an SQLite file.
fn is_postgres(ledger: &str) -> bool {
    ledger.starts_with("postgres://") || ledger.starts_with("postgresql://")
}

/// The ledger a `--ledger` names: an SQLite file or a PostgreSQL URL.
fn open_ledger(ledger: &std::path::Path) -> Result<Ledger, String> {
    match ledger.to_str().filter(|l| is_postgres(l)) {
        #[cfg(feature = "postgres")]
        Some(url) => Ledger::connect(url).map_err(|e| e.to_string()),
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err("this vellum was built without the postgres feature".to_owned()),
        None => Ledger::open(ledger).map_err(|e| e.to_string()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => parse_run(&args[1..]).and_then(|a| run(&a)),
        Some("generate") => generate(&args[1..]).map(|()| true),
        Some("cycle") => cycle(&args[1..]),
        Some("verify") => verify::main(&args[1..]),
        Some("events") => events::main(&args[1..]),
        Some("approve") => approve(&args[1..]),
        #[cfg(feature = "postgres")]
        Some("status") => shared::status(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("vellum: {e}");
            ExitCode::from(2)
        }
    }
}

/// The value after a flag.
fn value<'a>(it: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str, String> {
    it.next()
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
}

fn number(s: &str, flag: &str) -> Result<usize, String> {
    s.parse()
        .map_err(|_| format!("{flag}: {s:?} is not a whole number"))
}

/// A positive number of seconds.
fn seconds(s: &str, flag: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!(
            "{flag}: {s:?} is not a number of seconds (more than 0, at most 86400)"
        )),
    }
}

fn date(s: &str, flag: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("{flag}: {s:?} is not a date YYYY-MM-DD"))
}

fn parse_run(args: &[String]) -> Result<RunArgs, String> {
    let mut a = RunArgs {
        run_key: "run".to_owned(),
        ..RunArgs::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--data" => a.data = value(&mut it, arg)?.into(),
            "--mapping" => a.mapping = Some(value(&mut it, arg)?.into()),
            "--deliver" => {
                let v = value(&mut it, arg)?;
                if let Some(dir) = v.strip_prefix("dir:") {
                    a.deliver = Some(dir.into());
                } else if v.starts_with("smtp://") || v.starts_with("smtps://") {
                    a.backends.smtp = Some(SmtpUrl::parse(v)?);
                } else {
                    return Err(format!(
                        "--deliver: {v:?}: expected dir:<folder> or smtp://host[:port]"
                    ));
                }
            }
            "--sms-url" => a.backends.sms_url = Some(value(&mut it, arg)?.to_owned()),
            "--sms-token" => a.backends.sms_token = Some(value(&mut it, arg)?.to_owned()),
            "--ledger" => a.ledger = Some(value(&mut it, arg)?.into()),
            "--run-key" => a.run_key = value(&mut it, arg)?.to_owned(),
            "--workers" => a.workers = number(value(&mut it, arg)?, arg)?,
            "--limit" => a.limit = Some(number(value(&mut it, arg)?, arg)?),
            "--errors" => a.errors = Some(value(&mut it, arg)?.into()),
            "--only-failed" => a.only_failed = Some(value(&mut it, arg)?.into()),
            "--report" => a.report = Some(value(&mut it, arg)?.into()),
            "--dry-run" => a.dry_run = true,
            "--allow-draft" => a.allow_draft = true,
            "--today" => a.today = Some(date(value(&mut it, arg)?, arg)?),
            "--worker" => a.worker = Some(value(&mut it, arg)?.to_owned()),
            "--chunk-records" => a.chunk_records = Some(number(value(&mut it, arg)?, arg)? as u64),
            "--lease-seconds" => a.lease_seconds = Some(seconds(value(&mut it, arg)?, arg)?),
            s if s.starts_with("--") => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s if a.design.as_os_str().is_empty() => a.design = s.into(),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    if a.design.as_os_str().is_empty() || a.data.as_os_str().is_empty() {
        return Err(format!("run needs a design and --data\n{USAGE}"));
    }
    if a.mapping.is_none() && a.data.extension().is_some_and(|e| e == "csv") {
        return Err(format!(
            "--data {}: a CSV file needs --mapping <toml>, its columns to the design's fields \
             (see examples/csv/bill-mapping.toml)",
            a.data.display()
        ));
    }
    if !a.dry_run && a.deliver.is_none() {
        return Err(
            "run needs --deliver dir:<folder> (or --dry-run): print, and every channel without \
             another backend, is delivered there"
                .to_owned(),
        );
    }
    if a.backends.sms_token.is_none() {
        // From the environment, so the token is not on the command line
        // (visible in `ps`).
        a.backends.sms_token = std::env::var("VELLUM_SMS_TOKEN").ok();
    }
    if a.postgres_url().is_some() && std::env::var_os("VELLUM_UNSUBSCRIBE_KEY").is_none() {
        // Each worker's folder would hold a key of its own: the endpoint
        // could verify the links of one worker only.
        return Err(
            "a shared run needs VELLUM_UNSUBSCRIBE_KEY (hex or base64, at least 16 \
                    bytes), the same for every worker, to sign unsubscribe links"
                .to_owned(),
        );
    }
    a.unsubscribe_key = Some(unsubscribe_key(a.deliver.as_deref())?);
    Ok(a)
}

/// The key that signs unsubscribe tokens: `VELLUM_UNSUBSCRIBE_KEY` (hex or
/// base64), else the one kept in the output folder's `unsubscribe.key`,
/// made there on first use so later runs and the unsubscribe endpoint
/// verify the same tokens. A dry run without a folder signs with a key of
/// its own (nothing is sent).
fn unsubscribe_key(dir: Option<&std::path::Path>) -> Result<UnsubscribeKey, String> {
    if let Ok(text) = std::env::var("VELLUM_UNSUBSCRIBE_KEY") {
        return UnsubscribeKey::parse(&text).map_err(|e| format!("VELLUM_UNSUBSCRIBE_KEY: {e}"));
    }
    let io = |p: &std::path::Path, e: std::io::Error| format!("{}: {e}", p.display());
    let Some(dir) = dir else {
        return UnsubscribeKey::generate().map_err(|e| format!("a new unsubscribe key: {e}"));
    };
    let path = dir.join("unsubscribe.key");
    let read = |path: &std::path::Path| -> Result<UnsubscribeKey, String> {
        let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
        UnsubscribeKey::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    if path.exists() {
        return read(&path);
    }
    let key = UnsubscribeKey::generate().map_err(|e| format!("a new unsubscribe key: {e}"))?;
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    // Written whole under another name, then linked in: a second worker
    // starting in the same folder reads the complete key, or makes its own
    // and then takes the first one's.
    let tmp = dir.join(format!("unsubscribe.key.{}.tmp", std::process::id()));
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    std::io::Write::write_all(
        &mut file.open(&tmp).map_err(|e| io(&tmp, e))?,
        format!("{}\n", key.to_hex()).as_bytes(),
    )
    .map_err(|e| io(&tmp, e))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(io(&path, e)),
    }
}

/// `vellum run`: true when every record was delivered (or rendered).
fn run(a: &RunArgs) -> Result<bool, String> {
    let design = approved_design(a)?;
    let pipeline = pipeline(&design, a)?;
    #[cfg(feature = "postgres")]
    if let Some(url) = a.postgres_url() {
        return shared::run(a, &design, &pipeline, url);
    }
    let dispatcher = match (&a.deliver, a.dry_run) {
        (Some(dir), false) => {
            let ledger = a
                .ledger
                .clone()
                .unwrap_or_else(|| dir.join("ledger.sqlite"));
            // The ledger's default place is in the folder: made first.
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let ledger = Arc::new(open_ledger(&ledger)?);
            // The spool reads each stream back against the ledger before
            // it releases it.
            let spool = print_spool(&dir.join("print"), &design, a)?.with_ledger(ledger.clone());
            Some(dispatcher(dir, ledger, spool, &a.backends)?)
        }
        _ => None,
    };
    let mut options = run_options(a, &design);
    options.limit = a.limit;
    options.error_file = a.errors.clone();
    options.watch = Some(progress::for_stderr(Duration::from_secs(2)));
    options.expected = progress::count_records(&a.data);
    if let Some(f) = &a.only_failed {
        let only = OnlyFailed::read(f).map_err(|e| e.to_string())?;
        options.expected = options.expected.map(|n| n.min(only.len() as u64));
        options.only = Some(only);
    }
    if let Some(limit) = a.limit {
        options.expected = options.expected.map(|n| n.min(limit as u64));
    }
    let report = Run::new(&pipeline, dispatcher.as_ref(), options)
        .execute(source(a)?)
        .map_err(|e| e.to_string())?;
    finish(&report, a.report.as_deref())
}

/// The design, refused unless approved as it is now (or `--allow-draft`):
/// its status says approved, and its `approval.toml` names these files.
fn approved_design(a: &RunArgs) -> Result<Design, String> {
    let design = Design::load(&a.design).map_err(|e| e.to_string())?;
    if a.allow_draft {
        return Ok(design);
    }
    let status = design.manifest().status;
    if status != Approval::Approved {
        return Err(format!(
            "design `{}` is {:?}, not approved: production runs use approved designs (--allow-draft to run it anyway)",
            design.id(),
            status
        ));
    }
    let approval = design.approval();
    if !approval.is_approved() && a.dry_run {
        // A dry run sends nothing: a draft may be tried.
        eprintln!(
            "note: design `{}` is {approval}; a dry run only",
            design.id()
        );
    } else if !approval.is_approved() {
        return Err(format!(
            "design `{}` is {approval}: production runs send only what was approved \
             (vellum approve {} --by NAME once it is reviewed, or --allow-draft to run it anyway)",
            design.id(),
            a.design.display()
        ));
    }
    Ok(design)
}

/// `vellum approve <design> --by NAME`: records who approved the design's
/// files as they are now.
fn approve(args: &[String]) -> Result<bool, String> {
    let (mut dir, mut by) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--by" => by = Some(value(&mut it, arg)?.to_owned()),
            s if s.starts_with("--") => return Err(format!("unknown option {s:?}\n{USAGE}")),
            s if dir.is_none() => dir = Some(PathBuf::from(s)),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    let (Some(dir), Some(by)) = (dir, by) else {
        return Err(format!("approve needs a design and --by NAME\n{USAGE}"));
    };
    let design = Design::load(&dir).map_err(|e| e.to_string())?;
    let before = design.approval().clone();
    let record =
        vellum::approve(&design, &by, std::time::SystemTime::now()).map_err(|e| e.to_string())?;
    println!(
        "approved {} {} as it is now ({} files, content {}) by {} at {}; it was {before}",
        design.id(),
        design.manifest().version,
        design.content_files().len(),
        &record.content_hash[..12],
        record.by,
        record.at
    );
    Ok(true)
}

fn pipeline<'d>(design: &'d Design, a: &RunArgs) -> Result<Pipeline<'d>, String> {
    let mut options = PipelineOptions::default();
    if let Some(today) = a.today {
        options = options.today(today);
    }
    Pipeline::new(design, options).map_err(|e| e.to_string())
}

/// The options every run shares: sender, run key, workers, dry run.
fn run_options(a: &RunArgs, design: &Design) -> RunOptions {
    let mut options = RunOptions::new(&a.run_key, "Northwind Energy", "billing@northwind.example");
    options.workers = a.workers;
    options.dry_run = a.dry_run;
    options.message.unsubscribe_key = a.unsubscribe_key.clone();
    // A dry run typesets print as the spool of a real run would.
    let spool = spool_options(design, a);
    options.dry_run_chunks = Some(PrintChunking::new(spool.chunk_letters, spool.duplex));
    options
}

/// The input: CSV through its mapping (loaded before the run starts, so
/// a bad mapping stops it at once), else JSON or JSON Lines.
fn source(a: &RunArgs) -> Result<Source, String> {
    match &a.mapping {
        Some(m) => Ok(Source::csv(
            &a.data,
            CsvMapping::load(m).map_err(|e| e.to_string())?,
        )),
        None => Ok(Source::path(&a.data)),
    }
}

/// Every channel written to a folder, except email and SMS when
/// `backends` names a server for them, and letters to the print spool in
/// `print`.
fn dispatcher(
    dir: &std::path::Path,
    ledger: Arc<Ledger>,
    print: PrintSpool,
    backends: &Backends,
) -> Result<Dispatcher, String> {
    let out = Arc::new(DirTransport::new(dir).map_err(|e| e.to_string())?);
    Dispatcher::builder(ledger)
        .transport(Channel::Email, backends.email(&out)?)
        .transport(Channel::Sms, backends.sms(&out)?)
        .transport(Channel::Print, print)
        .build()
        .map_err(|e| e.to_string())
}

/// Letters go to a print spool in `dir`: batch PDFs of many letters
/// (print-first customers typeset many to a compile) with envelope
/// manifests, written when the run ends, produced as the design's
/// `[print]` table says.
fn print_spool(dir: &std::path::Path, design: &Design, a: &RunArgs) -> Result<PrintSpool, String> {
    PrintSpool::new(dir, spool_options(design, a)).map_err(|e| e.to_string())
}

/// The print spool's options: the design's `[print]` settings, the run
/// key as the job id in the marks and on the job sheet.
fn spool_options(design: &Design, a: &RunArgs) -> PrintOptions {
    PrintOptions::for_design(design).job(&a.run_key)
}

/// Prints the report, writes it as JSON when asked; true when nothing failed
/// and the backends finished.
fn finish(report: &RunReport, json: Option<&std::path::Path>) -> Result<bool, String> {
    println!("{report}");
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(report.failed == 0 && report.flush_error.is_none())
}

fn generate(args: &[String]) -> Result<(), String> {
    let mut count = None;
    let mut out = None;
    let mut seed = 2026;
    let mut samples = PathBuf::from("templates/bill/samples");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value(&mut it, arg)?)),
            "--seed" => seed = number(value(&mut it, arg)?, arg)? as u64,
            "--samples" => samples = value(&mut it, arg)?.into(),
            s if count.is_none() && !s.starts_with("--") => count = Some(number(s, "count")?),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    let count = count.ok_or_else(|| format!("generate needs a count\n{USAGE}"))?;
    let out = out.ok_or_else(|| format!("generate needs --out\n{USAGE}"))?;
    generate::write_cycle(&samples, count, seed, &out)
}

/// `vellum cycle`: the embedded default end to end, a generated billing
/// cycle of the bill design delivered to a folder with a SQLite ledger.
fn cycle(args: &[String]) -> Result<bool, String> {
    let mut customers = 10_000;
    let mut out = PathBuf::from("out/cycle");
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--customers" => customers = number(value(&mut it, arg)?, arg)?,
            "--out" => out = value(&mut it, arg)?.into(),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let data = out.join("customers.jsonl");
    generate::write_cycle(
        std::path::Path::new("templates/bill/samples"),
        customers,
        2026,
        &data,
    )?;
    eprintln!("vellum cycle: {customers} customers in {}", data.display());
    run(&RunArgs {
        design: "templates/bill".into(),
        data,
        deliver: Some(out.join("delivered")),
        ledger: Some(out.join("ledger.sqlite")),
        run_key: "2026-12".to_owned(),
        errors: Some(out.join("errors.jsonl")),
        report: Some(out.join("report.json")),
        today: Date::parse("2026-12-01"),
        unsubscribe_key: Some(unsubscribe_key(Some(&out.join("delivered")))?),
        ..RunArgs::default()
    })
}
