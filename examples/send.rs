//! Send the shipped designs' samples: to a folder (default, no server needed)
//! or to an SMTP server, recorded in a ledger so a second run sends nothing.
//!
//! ```sh
//! cargo run --release --example send -- --out out/send                  # .eml/.txt/.pdf files
//! cargo run --release --example send -- --smtp 127.0.0.1:2525 --out out/send
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use vellum::batch::read_records;
use vellum::deliver::{Audience, DirTransport, Job, SmtpOptions, SmtpTls, SmtpTransport};
use vellum::deliver::{Dispatcher, Ledger, MessageOptions};
use vellum::model::{Channel, Date};
use vellum::{ComposeOptions, Design};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let out = PathBuf::from(get("--out").unwrap_or_else(|| "out/send".into()));
    if let Err(e) = run(&out, get("--smtp")) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn run(out: &std::path::Path, smtp: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(out)?;
    let ledger = Ledger::open(out.join("ledger.sqlite"))?;
    let files = DirTransport::new(out.join("outbox"))?;
    let mut builder = Dispatcher::builder(ledger)
        .transport(Channel::Sms, files.clone())
        .transport(Channel::Print, files.clone());
    builder = match smtp {
        Some(addr) => {
            let (host, port) = addr.rsplit_once(':').ok_or("--smtp wants host:port")?;
            let mut o = SmtpOptions::new(host, port.parse()?);
            o.tls = SmtpTls::None;
            builder.transport(Channel::Email, SmtpTransport::new(&o)?)
        }
        None => builder.transport(Channel::Email, files),
    };
    let dispatcher = builder.build().unwrap();
    let compose = ComposeOptions::today(Date::parse("2026-11-20").unwrap());
    let mut options = MessageOptions::new("2026-11", "Northwind Energy", "hello@northwind.example");
    // Signs the unsubscribe links of marketing mail (a real sender keeps its key).
    options.unsubscribe_key = Some(vellum::deliver::UnsubscribeKey::generate()?);
    let plan = vec![Channel::Email, Channel::Sms, Channel::Print];
    let mut jobs = Vec::new();
    for name in ["bill", "contract", "quote", "welcome"] {
        let design = Design::load(format!("templates/{name}"))?;
        for record in read_records(design.dir().join("samples"))? {
            let doc = vellum::compose(&design, &record.value, &compose)?;
            let comm = vellum::Pipeline::new(&design, Default::default())
                .unwrap()
                .communication_for(&doc, &plan, false, &options)?;
            jobs.push(Job {
                communication: comm,
                audience: Audience::default(),
            });
        }
    }
    let report = dispatcher.deliver_all(jobs, 4);
    println!("{}", serde_json::to_string_pretty(&report)?);
    println!("ledger: {:?}", dispatcher.ledger().summary()?);
    Ok(())
}
