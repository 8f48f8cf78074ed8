//! Connections to PostgreSQL: a small pool shared by a process's threads,
//! statements prepared once per connection, and a retry across a lost
//! connection (a server restart, a failover), so a worker rides out a short
//! outage instead of failing its records. URLs are shown without their
//! password, everywhere; a URL without one takes `PGPASSWORD`.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::{Client, Config, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::migrate::{MigrateError, migrate};
use crate::model::DeliveryError;

/// How long a call keeps trying to reach the server before it fails.
const RETRY_FOR: Duration = Duration::from_secs(60);

/// A connection with its prepared statements.
pub(crate) struct Conn {
    /// The client.
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    /// `sql` prepared on this connection, once.
    pub fn prepare(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

/// Connections to one database.
pub(crate) struct Pool {
    config: Config,
    tls: MakeRustlsConnect,
    shown: String,
    idle: Mutex<Vec<Conn>>,
    retry_for: Duration,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("url", &self.shown).finish()
    }
}

impl Pool {
    /// A pool for `url`; connects once to check that the server answers.
    pub fn connect(url: &str) -> Result<Pool, DeliveryError> {
        let mut config = Config::from_str(url).map_err(|_| {
            DeliveryError::permanent(
                "the PostgreSQL URL is not valid: expected \
                 postgres://user:password@host:port/database"
                    .to_owned(),
            )
        })?;
        config
            .application_name("vellum")
            .connect_timeout(Duration::from_secs(10));
        // As libpq does: a URL without a password takes `PGPASSWORD`, so
        // the password need not appear in a command line.
        if config.get_password().is_none()
            && let Ok(pw) = std::env::var("PGPASSWORD")
        {
            config.password(pw);
        }
        let pool = Pool {
            shown: shown(&config),
            tls: tls()?,
            config,
            idle: Mutex::new(Vec::new()),
            retry_for: RETRY_FOR,
        };
        let mut conn = pool.open().map_err(|e| {
            DeliveryError::permanent(format!("cannot connect to {}: {}", pool.shown, cause(&e)))
        })?;
        migrate(&mut conn.client).map_err(|e| match e {
            MigrateError::Db(e) => DeliveryError::permanent(format!(
                "cannot migrate vellum's tables in {}: {}",
                pool.shown,
                cause(&e)
            )),
            MigrateError::TooNew { found, known } => DeliveryError::permanent(format!(
                "{} has vellum's tables at version {found}; this vellum knows versions up to \
                 {known}: upgrade vellum",
                pool.shown
            )),
        })?;
        pool.put(conn);
        Ok(pool)
    }

    /// The database's URL without its password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn open(&self) -> Result<Conn, postgres::Error> {
        Ok(Conn {
            client: self.config.connect(self.tls.clone())?,
            statements: HashMap::new(),
        })
    }

    fn take(&self) -> Option<Conn> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    fn put(&self, conn: Conn) {
        if !conn.client.is_closed() {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }

    /// Runs `f` on a connection. When the connection is lost (or cannot be
    /// made), `f` runs again on a new one, for up to a minute: every caller
    /// writes so that running it twice records the same thing (at worst an
    /// extra attempt line, or a message flagged as possibly duplicated).
    pub fn with<T>(
        &self,
        what: &str,
        mut f: impl FnMut(&mut Conn) -> Result<T, postgres::Error>,
    ) -> Result<T, DeliveryError> {
        let start = Instant::now();
        let mut pause = Duration::from_millis(50);
        loop {
            let result = match self.take().map_or_else(|| self.open(), Ok) {
                Ok(mut conn) => {
                    let r = f(&mut conn);
                    self.put(conn);
                    r
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(v) => return Ok(v),
                Err(e) if is_lost(&e) && start.elapsed() < self.retry_for => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(e) => {
                    return Err(DeliveryError::transient(format!(
                        "{what} ({}): {}",
                        self.shown,
                        cause(&e)
                    )));
                }
            }
        }
    }
}

/// TLS as the URL's `sslmode` asks (`prefer`, the default, uses it when
/// the server offers it; `require` insists; `disable` never). The server's
/// certificate is always verified: against the CA certificates in the PEM
/// file `PGSSLROOTCERT` names (a private CA, a self-signed server), else
/// against the public web roots.
fn tls() -> Result<MakeRustlsConnect, DeliveryError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match std::env::var_os("PGSSLROOTCERT") {
        Some(file) => {
            let bad = |e: &dyn std::fmt::Display| {
                DeliveryError::permanent(format!(
                    "PGSSLROOTCERT `{}`: {e}",
                    std::path::Path::new(&file).display()
                ))
            };
            let certs = CertificateDer::pem_file_iter(&file).map_err(|e| bad(&e))?;
            for cert in certs {
                roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DeliveryError::permanent(format!("TLS to PostgreSQL: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// Whether the error is the connection's, not the statement's: worth
/// trying again on a new connection.
fn is_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            let class = &code.code()[..2];
            class == "08" || class == "57" || *code == SqlState::TOO_MANY_CONNECTIONS
        }
        None => std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()),
    }
}

/// What went wrong, in one line: the server's message when it sent one.
/// rust-postgres never puts the connection string in its errors.
fn cause(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(e) {
            Some(source) if !e.to_string().contains(&source.to_string()) => {
                format!("{e}: {source}")
            }
            _ => e.to_string(),
        },
    }
}

/// `postgres://user@host:port/database`: the URL as logs and errors show it.
fn shown(config: &Config) -> String {
    use postgres::config::Host;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or(""),
        config.get_dbname().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        let config = Config::from_str("postgres://billing:hunter2@db.example:5433/ccm").unwrap();
        assert_eq!(shown(&config), "postgres://billing@db.example:5433/ccm");
    }

    #[test]
    fn a_bad_url_is_refused_without_echoing_it() {
        let e = Pool::connect("postgres://billing:hunter2@db.example:notaport/ccm").unwrap_err();
        assert!(!e.message().contains("hunter2"), "{}", e.message());
        assert!(e.message().contains("not valid"), "{}", e.message());
    }
}
