//! vellum's tables in PostgreSQL, created and upgraded by numbered
//! migrations that vellum applies itself when it connects: each once, in
//! order, in one transaction under an advisory lock (so workers starting
//! together apply it once), recorded in `vellum_migrations`.

use postgres::Client;

/// The migrations, in order: (version, name, SQL).
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "ledger", include_str!("migrations/0001_ledger.sql")),
    (2, "shared runs", include_str!("migrations/0002_runs.sql")),
    (
        3,
        "ledger functions",
        include_str!("migrations/0003_ledger_functions.sql"),
    ),
    (
        4,
        "worker lease",
        include_str!("migrations/0004_worker_lease.sql"),
    ),
    (5, "events", include_str!("migrations/0005_events.sql")),
];

/// The advisory lock that serializes migrations (any constant, the same in
/// every vellum).
const LOCK: i64 = 0x7665_6c6c_756d;

/// What stops a migration.
#[derive(Debug)]
pub(crate) enum MigrateError {
    /// The database's.
    Db(postgres::Error),
    /// The database was migrated by a newer vellum.
    TooNew { found: i32, known: i32 },
}

impl From<postgres::Error> for MigrateError {
    fn from(e: postgres::Error) -> MigrateError {
        MigrateError::Db(e)
    }
}

/// Brings the database's vellum tables to this vellum's version.
pub(crate) fn migrate(client: &mut Client) -> Result<(), MigrateError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS vellum_migrations (
             version INTEGER PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let found: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM vellum_migrations",
            &[],
        )?
        .get(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if found > known {
        return Err(MigrateError::TooNew { found, known });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO vellum_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )?;
    }
    tx.commit()?;
    Ok(())
}
