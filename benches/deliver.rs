//! SMTP throughput to a local server: welcome emails through the dispatcher
//! (ledger + pooled SMTP) to aiosmtpd on loopback, and plain SMTP sends
//! without the ledger for comparison. Prints messages per second.
//!
//! ```sh
//! cargo bench --bench deliver            # needs python3 with aiosmtpd (see .ci/run)
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vellum::deliver::{
    Audience, Job, LedgerOptions, SmtpOptions, SmtpTls, SmtpTransport, Transport,
};
use vellum::deliver::{Dispatcher, Ledger, MessageOptions};
use vellum::model::{Channel, Date};
use vellum::{ComposeOptions, Design};

const N: usize = 1000;

fn main() {
    let dir = std::env::temp_dir().join(format!("vellum-bench-deliver-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/smtp_sink.py");
    let mut server = Command::new("python3")
        .args([script, "--out", dir.join("mail").to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .strip_prefix("READY ")
        .expect("aiosmtpd did not start")
        .parse()
        .unwrap();

    let design = Design::load(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/welcome")).unwrap();
    let sample = std::fs::read_to_string(design.dir().join("samples/C1001.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&sample).unwrap();
    let compose = ComposeOptions::today(Date::parse("2026-11-20").unwrap());
    let build = |run: &str| -> Vec<Job> {
        (0..N)
            .map(|i| {
                let mut r = record.clone();
                r["customer"]["id"] = format!("B{i:05}").into();
                let doc = vellum::compose(&design, &r, &compose).unwrap();
                let mut o = MessageOptions::new(run, "Northwind Energy", "hello@northwind.example");
                o.unsubscribe_key =
                    Some(vellum::deliver::UnsubscribeKey::from_bytes(vec![7; 32]).unwrap());
                let comm = vellum::Pipeline::new(&design, Default::default())
                    .unwrap()
                    .communication_for(&doc, &[Channel::Email], false, &o)
                    .unwrap();
                Job {
                    communication: comm,
                    audience: Audience::default(),
                }
            })
            .collect()
    };
    let smtp = |pool: u32| {
        let mut o = SmtpOptions::new("127.0.0.1", port);
        o.tls = SmtpTls::None;
        o.pool_size = pool;
        o.timeout = Duration::from_secs(10);
        SmtpTransport::new(&o).unwrap()
    };
    let bytes = match &build("size")[0].communication.messages[0].body {
        vellum::deliver::Body::Email(e) => e.raw.len(),
        _ => 0,
    };
    println!("{N} welcome emails of {bytes} bytes to aiosmtpd on 127.0.0.1");

    for threads in [1, 4] {
        let jobs = build(&format!("raw-{threads}"));
        let t = smtp(threads as u32);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let start = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(j) = jobs.get(i) else { break };
                        t.send(&j.communication.messages[0]).unwrap();
                    }
                });
            }
        });
        let secs = start.elapsed().as_secs_f64();
        println!(
            "smtp only, {threads} connection(s):          {:>7.0} msgs/s",
            N as f64 / secs
        );
    }
    for (durable, threads) in [(true, 1), (true, 4), (false, 4)] {
        let ledger = Ledger::open_with(dir.join(format!("ledger-{durable}-{threads}.sqlite")), &{
            let mut o = LedgerOptions::default();
            o.durable = durable;
            o
        })
        .unwrap();
        let d = Dispatcher::builder(ledger)
            .transport(Channel::Email, smtp(threads as u32))
            .build()
            .unwrap();
        let jobs = build(&format!("ledger-{durable}-{threads}"));
        let start = Instant::now();
        let report = d.deliver_all(jobs, threads);
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(report.delivered, N);
        println!(
            "dispatcher + ledger ({}), {threads} thread(s): {:>7.0} msgs/s",
            if durable {
                "synchronous=FULL "
            } else {
                "synchronous=NORMAL"
            },
            N as f64 / secs
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
