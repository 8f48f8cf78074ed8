//! A real PostgreSQL server for the tests of the PostgreSQL ledger and of
//! shared runs: one throwaway cluster per test process, started on first use
//! from Debian's server binaries, reachable on 127.0.0.1 with a password
//! (scram-sha-256), and stopped and removed when the test process ends.
//!
//! Tests FAIL, never skip, when the server cannot start.
#![allow(dead_code)]

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The role the tests connect as.
const USER: &str = "vellum_test";
/// Its password: fixed, so tests can check it never shows in logs or errors.
const PASSWORD: &str = "s3cret-test-pw";
/// How long the server may take to accept connections (also pg_ctl's `-t`).
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Free ports tried before giving up (another process may take one first).
const PORT_ATTEMPTS: usize = 4;
/// Settings for a throwaway cluster: no durability, few resources.
const SETTINGS: &str = "fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = '32MB'
listen_addresses = '127.0.0.1'
";

/// A PostgreSQL cluster in a temporary directory of its own.
pub struct PgServer {
    /// Debian's `/usr/lib/postgresql/<version>/bin`.
    bin: PathBuf,
    /// The temporary directory: `data/`, `sock/`, `settings.conf`, `postgres.log`.
    dir: PathBuf,
    port: u16,
    /// Tests run as root: initdb and postgres then run as the `postgres` user.
    as_postgres: bool,
    /// Serializes start, stop and restart.
    lifecycle: Mutex<()>,
    /// Stops the server and removes `dir` once its stdin closes, which the
    /// kernel does when this process ends, however it ends.
    watchdog: Child,
}

/// The test process's server, started on the first call (later calls wait
/// for it). Panics, in every test that calls it, when it cannot start.
pub fn server() -> &'static PgServer {
    static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
    let started = SERVER.get_or_init(|| {
        std::panic::catch_unwind(PgServer::launch).map_err(|e| panic_text(e.as_ref()))
    });
    match started {
        Ok(server) => server,
        Err(why) => panic!("the test PostgreSQL server did not start: {why}"),
    }
}

impl PgServer {
    /// Starts a cluster of its own, not the shared [`server()`]: for a test
    /// that stops or restarts it without disturbing the others. Stopped and
    /// removed when dropped.
    pub fn launch() -> PgServer {
        let bin = bin_dir();
        let as_postgres = is_root();
        let dir = make_dir(as_postgres);
        let watchdog = spawn_watchdog(&bin, &dir, as_postgres);
        let mut server = PgServer {
            bin,
            dir,
            port: 0,
            as_postgres,
            lifecycle: Mutex::new(()),
            watchdog,
        };
        server.init_cluster();
        server.start_on_free_port();
        server
    }

    /// `postgres://vellum_test:PASSWORD@127.0.0.1:PORT/<db>`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    /// The password of the `vellum_test` role (in every [`url`](Self::url)).
    pub fn password(&self) -> &str {
        PASSWORD
    }

    /// The TCP port on 127.0.0.1 (the same after a restart).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates a fresh, empty database (`<hint>_<counter>_<pid>`, only
    /// `[a-z0-9_]`) owned by `vellum_test`, and returns its URL.
    pub fn create_database(&self, hint: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = database_name(hint, COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut createdb = self.client("createdb");
        createdb.args(["-h"]).arg(self.dir.join("sock"));
        createdb.args(["-p", &self.port.to_string(), "-U", USER, &name]);
        run(createdb, &format!("createdb {name}"));
        self.url(&name)
    }

    /// Runs `sql` with psql on the database at `url`: its unaligned,
    /// tuples-only output (trimmed), or psql's error output when it fails.
    pub fn psql(&self, url: &str, sql: &str) -> Result<String, String> {
        let mut psql = self.client("psql");
        psql.args([
            "-X",
            "-w",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ]);
        let out = output(psql, "psql");
        match out.status.success() {
            true => Ok(String::from_utf8_lossy(&out.stdout).trim().to_string()),
            false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        }
    }

    /// Restarts the server (fast: open connections are dropped) on the same
    /// port, and waits until it accepts connections again. On the shared
    /// [`server()`] this hits every test using it: prefer [`launch`](Self::launch).
    pub fn restart(&self) {
        let _guard = self.lock();
        self.pg_ctl_or_panic(&["-m", "fast", "restart"], "restart");
        self.wait_ready();
    }

    /// Stops the server (fast: open connections are dropped).
    pub fn stop(&self) {
        let _guard = self.lock();
        self.pg_ctl_or_panic(&["-m", "fast", "stop"], "stop");
    }

    /// Starts the server again after [`stop`](Self::stop), on the same port.
    pub fn start(&self) {
        let _guard = self.lock();
        self.pg_ctl_or_panic(&["start"], "start");
        self.wait_ready();
    }

    /// Turns TLS on with `cert` and `key` (PEM files), and restarts. The
    /// server then offers TLS to every connection (and plain still works).
    pub fn enable_ssl(&self, cert: &Path, key: &Path) {
        let data = self.dir.join("data");
        fs::copy(cert, data.join("server.crt")).expect("copy the server certificate");
        fs::copy(key, data.join("server.key")).expect("copy the server key");
        let mut chmod = Command::new("chmod");
        chmod.arg("600").arg(data.join("server.key"));
        run(
            chmod,
            "chmod 600 server.key (the server refuses a key others can read)",
        );
        if self.as_postgres {
            let mut chown = Command::new("chown");
            chown
                .arg("postgres:")
                .arg(data.join("server.crt"))
                .arg(data.join("server.key"));
            run(chown, "chown postgres: server.crt server.key");
        }
        let mut conf = fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .expect("open postgresql.conf");
        std::io::Write::write_all(&mut conf, b"\nssl = on\n").expect("write postgresql.conf");
        self.restart();
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        let log = self.dir.join("postgres.log");
        match fs::read(&log) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let lines: Vec<&str> = text.lines().collect();
                lines[lines.len().saturating_sub(40)..].join("\n")
            }
            Err(e) => format!("(cannot read {}: {e})", log.display()),
        }
    }

    /// initdb: the `vellum_test` superuser with its password, scram-sha-256
    /// over TCP, trust on the unix socket (in our own directory).
    fn init_cluster(&self) {
        let pwfile = self.dir.join("pwfile");
        let mut initdb = self.server_tool("initdb");
        initdb.arg("-D").arg(self.dir.join("data"));
        initdb.args([
            "-U",
            USER,
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
        ]);
        initdb.args(["-E", "UTF8", "--locale=C", "--no-sync"]);
        initdb.arg(format!("--pwfile={}", pwfile.display()));
        run(initdb, "initdb");
        let _ = fs::remove_file(&pwfile);
        let include = format!("\ninclude = {}\n", quote(&self.dir.join("settings.conf")));
        OpenOptions::new()
            .append(true)
            .open(self.dir.join("data/postgresql.conf"))
            .and_then(|mut f| f.write_all(include.as_bytes()))
            .unwrap_or_else(|e| panic!("cannot add the test settings to postgresql.conf: {e}"));
    }

    /// Starts the server on a free port, trying another if that one fails.
    fn start_on_free_port(&mut self) {
        for _ in 0..PORT_ATTEMPTS {
            self.port = free_port();
            self.write_settings();
            if self.pg_ctl(&["start"]).status.success() {
                self.wait_ready();
                return;
            }
            self.pg_ctl(&["-m", "immediate", "stop"]);
        }
        panic!(
            "PostgreSQL did not start on any of {PORT_ATTEMPTS} free ports; server log:\n{}",
            self.log_tail()
        );
    }

    /// `settings.conf`, included by postgresql.conf: [`SETTINGS`], the port
    /// and the unix socket directory.
    fn write_settings(&self) {
        let sock = quote(&self.dir.join("sock"));
        let text = format!(
            "{SETTINGS}port = {}\nunix_socket_directories = {sock}\n",
            self.port
        );
        fs::write(self.dir.join("settings.conf"), text)
            .unwrap_or_else(|e| panic!("cannot write the server's settings.conf: {e}"));
    }

    /// Waits until pg_isready says the server accepts connections on TCP.
    fn wait_ready(&self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        while !self.is_ready() {
            if Instant::now() > deadline {
                panic!(
                    "PostgreSQL does not accept connections on 127.0.0.1:{} after {READY_TIMEOUT:?}; server log:\n{}",
                    self.port,
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn is_ready(&self) -> bool {
        let mut isready = self.client("pg_isready");
        isready.args([
            "-q",
            "-t",
            "2",
            "-h",
            "127.0.0.1",
            "-U",
            USER,
            "-d",
            "postgres",
        ]);
        isready.args(["-p", &self.port.to_string()]);
        output(isready, "pg_isready").status.success()
    }

    /// `pg_ctl -w <args>`, panicking with the server log when it fails.
    fn pg_ctl_or_panic(&self, args: &[&str], what: &str) {
        let out = self.pg_ctl(args);
        if !out.status.success() {
            panic!(
                "pg_ctl {what} failed ({}): {}\nserver log:\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                self.log_tail()
            );
        }
    }

    /// `pg_ctl -D data -l postgres.log -w -t 30 <args>` as the server's user.
    fn pg_ctl(&self, args: &[&str]) -> Output {
        let mut pg_ctl = self.server_tool("pg_ctl");
        pg_ctl.arg("-D").arg(self.dir.join("data"));
        pg_ctl.arg("-l").arg(self.dir.join("postgres.log"));
        pg_ctl.args(["-w", "-t", &READY_TIMEOUT.as_secs().to_string()]);
        pg_ctl.args(args);
        output(pg_ctl, "pg_ctl")
    }

    /// A server program (initdb, pg_ctl): as `postgres` when we are root.
    fn server_tool(&self, tool: &str) -> Command {
        let mut cmd = as_server_user(self.as_postgres, &self.bin.join(tool));
        cmd.current_dir(&self.dir);
        cmd
    }

    /// A client program (psql, createdb, pg_isready), as ourselves, with no
    /// connection settings from our environment.
    fn client(&self, tool: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(tool));
        for var in [
            "PGHOST",
            "PGPORT",
            "PGUSER",
            "PGPASSWORD",
            "PGDATABASE",
            "PGSERVICE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env_remove("PGOPTIONS").env_remove("PGPASSFILE");
        cmd
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        self.lifecycle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for PgServer {
    /// Stops the server now; the watchdog then removes the directory.
    fn drop(&mut self) {
        self.pg_ctl(&["-m", "immediate", "stop"]);
        drop(self.watchdog.stdin.take());
        let _ = self.watchdog.wait();
    }
}

/// The highest version's `/usr/lib/postgresql/<version>/bin` with a server.
fn bin_dir() -> PathBuf {
    let versions = fs::read_dir("/usr/lib/postgresql").into_iter().flatten();
    versions
        .filter_map(|e| e.ok())
        .filter(|e| {
            ["postgres", "pg_ctl", "initdb"]
                .iter()
                .all(|t| e.path().join("bin").join(t).exists())
        })
        .max_by_key(|e| version_key(&e.file_name().to_string_lossy()))
        .map(|e| e.path().join("bin"))
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: \
                 install Debian's postgresql package (.ci/run does)"
            )
        })
}

/// "15" -> [15], "9.6" -> [9, 6], so 15 sorts above 9.6.
fn version_key(name: &str) -> Vec<u32> {
    name.split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A fresh directory under the system temp dir (pid and time in its name)
/// with `sock/` and the password file for initdb, owned by the server's user.
fn make_dir(as_postgres: bool) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("vellum-pg-{}-{nanos}", std::process::id()));
    fs::create_dir_all(dir.join("sock"))
        .unwrap_or_else(|e| panic!("cannot create the server directory {}: {e}", dir.display()));
    fs::write(dir.join("pwfile"), PASSWORD)
        .unwrap_or_else(|e| panic!("cannot write the password file for initdb: {e}"));
    if as_postgres {
        let mut chown = Command::new("chown");
        chown.args(["-R", "postgres:"]).arg(&dir);
        run(
            chown,
            "chown -R postgres: (as root the server runs as the postgres user, which Debian's postgresql package creates)",
        );
    }
    dir
}

/// A detached `sh` (its own process group, so Ctrl-C in the terminal does not
/// reach it) that waits for its stdin to close, then stops the server and
/// removes `dir`. The write end stays open in this process only (Rust's
/// pipes are close-on-exec), so the kernel closes it when this process ends.
fn spawn_watchdog(bin: &Path, dir: &Path, as_postgres: bool) -> Child {
    const SCRIPT: &str =
        r#"read _; "$1" -D "$2" -m immediate -w stop >/dev/null 2>&1; rm -rf "$3""#;
    let mut sh = as_server_user(as_postgres, Path::new("sh"));
    sh.args(["-c", SCRIPT, "vellum-pg-watchdog"]);
    sh.arg(bin.join("pg_ctl")).arg(dir.join("data")).arg(dir);
    sh.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    sh.current_dir(dir).process_group(0);
    sh.spawn()
        .unwrap_or_else(|e| panic!("cannot start the PostgreSQL watchdog (sh): {e}"))
}

/// `program`, through `runuser -u postgres --` when `as_postgres`.
fn as_server_user(as_postgres: bool, program: &Path) -> Command {
    if !as_postgres {
        return Command::new(program);
    }
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", "postgres", "--"]).arg(program);
    cmd
}

/// A free TCP port on 127.0.0.1 (bound, then released for the server).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("cannot find a free port on 127.0.0.1: {e}"))
}

/// `<hint>_<n>_<pid>`: lowercase, `[a-z0-9_]` only, starting with a letter,
/// within PostgreSQL's 63 bytes.
fn database_name(hint: &str, n: u32) -> String {
    let clean: String = hint
        .chars()
        .take(40)
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let prefix = if clean.starts_with(|c: char| c.is_ascii_lowercase()) {
        ""
    } else {
        "db_"
    };
    format!("{prefix}{clean}_{n}_{}", std::process::id())
}

/// A path as a postgresql.conf string literal.
fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Runs `cmd` (no stdin) and returns its output, whatever its exit status.
fn output(mut cmd: Command, what: &str) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"))
}

/// Runs `cmd`, panicking with its output when it fails.
fn run(cmd: Command, what: &str) -> Output {
    let out = output(cmd, what);
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload.downcast_ref::<&str>().map(|s| s.to_string());
    text.or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_string())
}

#[test]
fn pg_server_starts_and_creates_databases() {
    let pg = server();
    let a = pg.create_database("Harness A");
    let b = pg.create_database("harness-b");
    assert_ne!(a, b);
    for url in [&a, &b] {
        let db = url
            .rsplit('/')
            .next()
            .expect("a database URL ends in its name");
        let got = pg.psql(url, "SELECT 1, current_database(), current_user");
        assert_eq!(got, Ok(format!("1|{db}|{USER}")));
    }

    let wrong = a.replace(pg.password(), "wrong-password");
    let refused = pg
        .psql(&wrong, "SELECT 1")
        .expect_err("a wrong password must be refused");
    assert!(
        refused.contains("password authentication failed"),
        "{refused}"
    );
    assert!(!refused.contains(pg.password()), "{refused}");
}
