//! The ledger's cost per recorded message: N SMS messages through the
//! dispatcher to a backend that does nothing, so what is measured is the
//! ledger (begin, finish and the communication's line: three transactions
//! per message) and the dispatcher around it. Durable (synchronous=FULL,
//! the default: every commit survives a power cut) and not (WAL with
//! synchronous=NORMAL: survives a killed process). Prints the median and
//! range of 5 runs in microseconds per message. With `VELLUM_BENCH_PG_URL`
//! set (a database it may fill, e.g. the one `benches/shared.sh` starts),
//! the PostgreSQL ledger too, over loopback.
//!
//! ```sh
//! cargo bench --bench ledger
//! VELLUM_BENCH_PG_URL=postgres://user:pw@127.0.0.1:5432/bench cargo bench --bench ledger
//! ```

use std::sync::Arc;
use std::time::Instant;

use vellum::deliver::{
    Audience, Dispatcher, Job, Ledger, LedgerOptions, MessageOptions, StubTransport,
};
use vellum::model::{Channel, Date};
use vellum::{ComposeOptions, Design, Pipeline};

const N: usize = 2000;

fn main() {
    let dir = std::env::temp_dir().join(format!("vellum-bench-ledger-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let design = Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/welcome")).unwrap();
    let sample = std::fs::read_to_string(design.dir().join("samples/C1001.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&sample).unwrap();
    let compose = ComposeOptions::today(Date::parse("2026-11-20").unwrap());
    let pipeline = Pipeline::new(&design, Default::default()).unwrap();
    let jobs = |run: &str| -> Vec<Job> {
        let mut o = MessageOptions::new(run, "Northwind Energy", "hello@northwind.example");
        o.unsubscribe_key = Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
        (0..N)
            .map(|i| {
                let mut r = record.clone();
                r["customer"]["id"] = format!("L{i:05}").into();
                let doc = vellum::compose(&design, &r, &compose).unwrap();
                Job {
                    communication: pipeline
                        .communication_for(&doc, &[Channel::Sms], false, &o)
                        .unwrap(),
                    audience: Audience::default(),
                }
            })
            .collect()
    };
    println!("{N} messages per run, through the dispatcher to a backend that does nothing");
    let time = |ledger: Ledger, run: &str| -> f64 {
        let dispatcher = Dispatcher::builder(ledger)
            .transport(Channel::Sms, Arc::new(StubTransport::new_ok()))
            .build()
            .unwrap();
        let work = jobs(run);
        let start = Instant::now();
        for job in &work {
            dispatcher
                .deliver(&job.communication, &job.audience)
                .unwrap();
        }
        start.elapsed().as_secs_f64() * 1e6 / N as f64
    };
    for durable in [true, false] {
        let us = (0..5)
            .map(|rep| {
                let path = dir.join(format!("ledger-{durable}-{rep}.sqlite"));
                let mut options = LedgerOptions::default();
                options.durable = durable;
                time(
                    Ledger::open_with(&path, &options).unwrap(),
                    &format!("rep-{rep}"),
                )
            })
            .collect();
        print_median(&format!("SQLite ledger durable={durable}"), us);
    }
    match std::env::var("VELLUM_BENCH_PG_URL") {
        Ok(url) => {
            let stamp = std::process::id();
            let us = (0..5)
                .map(|rep| time(Ledger::connect(&url).unwrap(), &format!("pg-{stamp}-{rep}")))
                .collect();
            print_median("PostgreSQL ledger (loopback)", us);
        }
        Err(_) => println!("PostgreSQL ledger: set VELLUM_BENCH_PG_URL to measure it"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn print_median(what: &str, mut us: Vec<f64>) {
    us.sort_by(f64::total_cmp);
    println!(
        "{what}: median {:.0} us per message (range {:.0}-{:.0})",
        us[2], us[0], us[4]
    );
}
