//! Shared by the `deliver_*` tests: loopback test servers (Python scripts in
//! `tests/servers/`) and the shipped designs' samples.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use vellum::Design;
use vellum::model::{Channel, Document};

/// A test server process; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Starts `tests/servers/<script>` with `args`. Panics (the test fails,
    /// never skips) when python3 or the script's modules are missing.
    pub fn start(script: &str, args: &[&str]) -> Server {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/servers")
            .join(script);
        let mut child = Command::new("python3")
            .arg(&path)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start python3 {script} (run .ci/run to install it): {e}")
            });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let Some(port) = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
        else {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{script} did not start (is aiosmtpd installed? `pip install aiosmtpd`, see .ci/run):\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh temporary folder under the target dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("vellum-deliver-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    base
}

/// The files of `dir` with extension `ext`, sorted by name.
pub fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// Messages an SMTP sink stored: (raw bytes, envelope recipients), in order.
pub fn received(dir: &Path) -> Vec<(Vec<u8>, Vec<String>)> {
    files_with(dir, "eml")
        .into_iter()
        .map(|p| {
            let rcpt = std::fs::read_to_string(p.with_extension("rcpt")).unwrap_or_default();
            (
                std::fs::read(&p).unwrap(),
                rcpt.lines().map(str::to_owned).collect(),
            )
        })
        .collect()
}

/// The Message-ID header of a raw message.
pub fn message_id(raw: &[u8]) -> String {
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parsable message");
    msg.message_id().expect("Message-ID").to_owned()
}

// The design fixtures are the shared ones of `common`: one copy.
pub use crate::common::{DESIGNS, design, options as today};

/// Every sample of a design, composed with the pinned date.
pub fn samples(design: &Design) -> Vec<(serde_json::Value, Document)> {
    files_with(&design.dir().join("samples"), "json")
        .into_iter()
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let doc = vellum::compose(design, &v, &today())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (v, doc)
        })
        .collect()
}

pub const EMAIL_ONLY: [Channel; 1] = [Channel::Email];
