//! The PostgreSQL ledger against a real server (`pg_support`): the ledger
//! scenarios of `deliver_basic` run on it and must leave it saying exactly
//! what the SQLite ledger says after the same scenario; then what only
//! PostgreSQL has: migrations, a database from a newer vellum, errors
//! without the password, and a server restart under the pool.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use vellum::deliver::{
    Audience, Communication, Dispatcher, Job, Ledger, Message, Outcome, State, StubTransport,
    Transport,
};
use vellum::model::{Channel, DeliveryError, Receipt};

use crate::deliver_basic::{self, Snapshot, Store, welcome};
use crate::pg_support::{self, PgServer};

/// Runs `scenario` on PostgreSQL and on SQLite: both must pass it and end
/// with the same summary, lines and attempts.
fn same_on_both(scenario: fn(&Store) -> Snapshot) {
    let postgres = scenario(&Store::postgres());
    let sqlite = scenario(&Store::sqlite("compare"));
    assert_eq!(
        postgres, sqlite,
        "PostgreSQL (left) and SQLite (right) differ"
    );
}

#[test]
fn transient_errors_retry_and_the_ledger_shows_each_attempt() {
    same_on_both(deliver_basic::transient_retries);
}

#[test]
fn permanent_errors_fall_back_along_the_plan() {
    same_on_both(deliver_basic::permanent_fallback);
}

#[test]
fn nothing_left_is_undeliverable_with_every_reason() {
    same_on_both(deliver_basic::undeliverable);
}

#[test]
fn the_ledger_skips_delivered_messages_across_restarts() {
    same_on_both(deliver_basic::skips_delivered_across_restarts);
}

#[test]
fn marketing_goes_only_where_the_customer_consented() {
    same_on_both(deliver_basic::marketing_consent);
}

#[test]
fn sms_waits_for_the_end_of_quiet_hours_in_the_customers_time_zone() {
    same_on_both(deliver_basic::quiet_hours);
}

#[test]
fn the_frequency_cap_counts_across_channels() {
    same_on_both(deliver_basic::frequency_cap);
}

#[test]
fn the_archive_copy_is_stored_once_and_is_never_the_delivery() {
    same_on_both(deliver_basic::archive_copy);
}

#[test]
fn a_channel_without_contact_data_is_reported_and_skipped() {
    same_on_both(deliver_basic::no_contact_data);
}

#[test]
fn events_update_the_ledger_and_standing_as_on_sqlite() {
    let postgres = crate::events_ingest::answers(&Store::postgres());
    let sqlite = crate::events_ingest::answers(&Store::sqlite("answers-compare"));
    assert_eq!(
        postgres, sqlite,
        "PostgreSQL (left) and SQLite (right) differ"
    );
}

#[test]
fn an_interrupted_attempt_is_resent_once_and_flagged() {
    same_on_both(interrupted_attempt);
}

/// A process killed after `begin` recorded the attempt and before `finish`
/// heard the backend: the line and its attempt stay `in_flight`. The next
/// run sends it again (same Message-ID), flags it possibly duplicated, and
/// a run after that sends nothing.
fn interrupted_attempt(store: &Store) -> Snapshot {
    let comm = welcome("r", false, &[Channel::Email]);
    let key = &comm.messages[0].key;
    let stub = Arc::new(StubTransport::new_ok());
    let dispatcher = |ledger: Ledger| {
        Dispatcher::builder(ledger)
            .transport(Channel::Email, stub.clone())
            .build()
            .unwrap()
    };
    let first = dispatcher(store.open("ledger"));
    let out = first.deliver(&comm, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::Delivered { .. }), "{out:?}");
    drop(first);

    store.tamper(
        "ledger",
        &format!(
            "UPDATE {{messages}} SET state = 'in_flight', receipt = NULL WHERE key = '{key}';
             UPDATE {{attempts}} SET outcome = 'in_flight', receipt = NULL WHERE key = '{key}';"
        ),
    );
    let ledger = store.open("ledger");
    let line = ledger.status(key).unwrap().unwrap();
    assert_eq!((line.state, line.attempts), (State::InFlight, 1));
    assert!(!line.possibly_duplicated);
    assert_eq!(ledger.summary().unwrap().in_flight, 1);
    assert_eq!(ledger.delivered_channel(&comm.key).unwrap(), None);

    let rerun = dispatcher(ledger);
    let out = rerun.deliver(&comm, &Audience::default()).unwrap();
    let Outcome::Delivered {
        possibly_duplicated: true,
        attempts: 1,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    let sent = stub.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].message_id, sent[1].message_id);
    let line = rerun.ledger().status(key).unwrap().unwrap();
    assert_eq!((line.state, line.attempts), (State::Delivered, 2));
    assert!(line.possibly_duplicated);
    assert_eq!(line.content_hash, Some(comm.messages[0].content_hash()));
    let outcomes: Vec<String> = rerun
        .ledger()
        .attempts(key)
        .unwrap()
        .into_iter()
        .map(|a| a.outcome)
        .collect();
    assert_eq!(outcomes, ["in_flight", "delivered"]);
    let summary = rerun.ledger().summary().unwrap();
    assert_eq!((summary.in_flight, summary.possibly_duplicated), (0, 1));

    let out = rerun.deliver(&comm, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::AlreadyDelivered { .. }), "{out:?}");
    assert_eq!(stub.sent().len(), 2);
    Snapshot::of(rerun.ledger(), &[&comm])
}

#[test]
fn a_backend_answering_with_nul_is_recorded_the_same() {
    same_on_both(nul_answers);
}

/// A gateway whose answers hold NUL (JSON may carry `\u0000`): email
/// rejected with one in its reason, SMS accepted with one in its receipt id.
struct NulGateway;

impl Transport for NulGateway {
    fn name(&self) -> &str {
        "nul-gateway"
    }
    fn channels(&self) -> &[Channel] {
        &Channel::ALL
    }
    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        match message.channel {
            Channel::Sms => Ok(Receipt::new("nul-gateway", "sms\0id")),
            _ => Err(DeliveryError::permanent("gateway answered 400 bad\0number")),
        }
    }
}

/// PostgreSQL's text cannot hold NUL: both stores record it as U+FFFD, so
/// the answer is recorded (not a ledger error that leaves the delivered SMS
/// in flight, to be sent again) and reads back the same from either.
fn nul_answers(store: &Store) -> Snapshot {
    let comm = welcome("r", false, &[Channel::Email, Channel::Sms]);
    let email_only = welcome("r-email", false, &[Channel::Email]);
    let d = Dispatcher::builder(store.open("ledger"))
        .transport(Channel::Email, NulGateway)
        .transport(Channel::Sms, NulGateway)
        .build()
        .unwrap();
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    assert!(
        matches!(
            out,
            Outcome::Delivered {
                channel: Channel::Sms,
                ..
            }
        ),
        "{out:?}"
    );
    let out = d.deliver(&email_only, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::Undeliverable { .. }), "{out:?}");

    let sms = d.ledger().status(&comm.messages[1].key).unwrap().unwrap();
    assert_eq!(sms.state, State::Delivered);
    assert_eq!(sms.receipt.as_deref(), Some("sms\u{FFFD}id"));
    let email = d.ledger().attempts(&comm.messages[0].key).unwrap();
    assert_eq!(
        email[0].reason.as_deref(),
        Some("gateway answered 400 bad\u{FFFD}number")
    );
    let out = d.deliver(&comm, &Audience::default()).unwrap();
    assert!(matches!(out, Outcome::AlreadyDelivered { .. }), "{out:?}");
    let summary = d.ledger().summary().unwrap();
    assert_eq!((summary.delivered, summary.undeliverable), (1, 1));
    Snapshot::of(d.ledger(), &[&comm, &email_only])
}

/// The applied migrations: `version|count` lines.
fn migrations(url: &str) -> String {
    pg_support::server()
        .psql(
            url,
            "SELECT version, count(*) FROM vellum_migrations GROUP BY version ORDER BY version",
        )
        .unwrap()
}

#[test]
fn migrations_are_applied_once_however_many_connect() {
    // One after the other.
    let url = pg_support::server().create_database("migrate_twice");
    let comm = welcome("r", false, &[Channel::Email]);
    let first = Dispatcher::builder(Ledger::connect(&url).unwrap())
        .transport(Channel::Email, StubTransport::new_ok())
        .build()
        .unwrap();
    first.deliver(&comm, &Audience::default()).unwrap();
    let again = Ledger::connect(&url).unwrap();
    assert_eq!(migrations(&url), "1|1\n2|1\n3|1\n4|1\n5|1");
    // Connecting again kept the records.
    assert_eq!(again.summary().unwrap().delivered, 1);

    // Several at once, on an empty database: the advisory lock lets one
    // migrate, and the others find it done.
    let url = pg_support::server().create_database("migrate_together");
    let n = 4;
    let start = Barrier::new(n);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    Ledger::connect(&url)
                })
            })
            .collect();
        for w in workers {
            let ledger = w.join().unwrap().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(ledger.summary().unwrap(), Default::default());
        }
    });
    assert_eq!(migrations(&url), "1|1\n2|1\n3|1\n4|1\n5|1");
}

#[test]
fn a_database_migrated_by_a_newer_vellum_is_refused() {
    let pg = pg_support::server();
    let url = pg.create_database("too_new");
    drop(Ledger::connect(&url).unwrap());
    pg.psql(
        &url,
        "INSERT INTO vellum_migrations (version, name) VALUES (99, 'from the future')",
    )
    .unwrap();
    let e = Ledger::connect(&url).expect_err("a database at version 99 must be refused");
    let message = e.to_string();
    assert!(message.contains("version 99"), "{message}");
    assert!(message.contains("upgrade vellum"), "{message}");
    assert!(
        message.contains(&url.replace(&format!(":{}@", pg.password()), "@")),
        "{message}"
    );
    assert!(!message.contains(pg.password()), "{message}");
    // Refused before touching anything.
    assert_eq!(migrations(&url), "1|1\n2|1\n3|1\n4|1\n5|1\n99|1");
}

#[test]
fn errors_never_show_the_password() {
    let pg = pg_support::server();
    let url = pg.create_database("password");
    let shown = url.replace(&format!(":{}@", pg.password()), "@");
    assert!(!shown.contains(pg.password()), "{shown}");

    let wrong = url.replace(pg.password(), "wrong-pw-1234");
    let e = Ledger::connect(&wrong).expect_err("a wrong password must be refused");
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(text.contains(&shown), "{text}");
        assert!(text.contains("password authentication failed"), "{text}");
        assert!(!text.contains("wrong-pw-1234"), "{text}");
        assert!(!text.contains(pg.password()), "{text}");
    }

    let missing = format!("{}_missing", url);
    let e = Ledger::connect(&missing).expect_err("a missing database must be refused");
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(text.contains(&format!("{shown}_missing")), "{text}");
        assert!(text.contains("does not exist"), "{text}");
        assert!(!text.contains(pg.password()), "{text}");
    }

    // Nor does a connected ledger, printed.
    let ledger = Ledger::connect(&url).unwrap();
    let debug = format!("{ledger:?}");
    assert!(!debug.contains(pg.password()), "{debug}");
}

/// A backend that takes its time: a batch is still sending when the
/// server restarts.
struct Slow(Arc<StubTransport>);

impl Transport for Slow {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn channels(&self) -> &[Channel] {
        self.0.channels()
    }
    fn send(&self, message: &Message) -> Result<Receipt, DeliveryError> {
        std::thread::sleep(Duration::from_millis(10));
        self.0.send(message)
    }
}

#[test]
fn the_pool_rides_out_a_server_restart() {
    let pg = PgServer::launch();
    let url = pg.create_database("restart");
    let stub = Arc::new(StubTransport::new_ok());
    let d = Dispatcher::builder(Ledger::connect(&url).unwrap())
        .transport(Channel::Email, Slow(stub.clone()))
        .build()
        .unwrap();
    let comms: Vec<_> = (0..30)
        .map(|i| welcome(&format!("r{i:02}"), false, &[Channel::Email]))
        .collect();
    let delivered = |comms: &[Communication]| {
        for comm in comms {
            let out = d.deliver(comm, &Audience::default()).unwrap();
            assert!(matches!(out, Outcome::Delivered { .. }), "{out:?}");
        }
    };

    // Before, and after a restart that dropped the pool's connections.
    delivered(&comms[..5]);
    pg.restart();
    delivered(&comms[5..10]);

    // During one: the calls caught by it wait for the server and go on.
    std::thread::scope(|s| {
        let run = s.spawn(|| {
            let jobs = comms[10..].iter().map(|c| Job {
                communication: c.clone(),
                audience: Audience::default(),
            });
            d.deliver_all(jobs.collect::<Vec<_>>(), 2)
        });
        std::thread::sleep(Duration::from_millis(30));
        pg.restart();
        let report = run.join().unwrap();
        assert_eq!(report.errors, 0, "{:?}", report.details);
        assert_eq!(report.delivered, 20, "{report:?}");
    });

    // Nothing lost: each sent, and the ledger has every one delivered.
    let mut sent: Vec<String> = stub.sent().into_iter().map(|m| m.key).collect();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 30);
    let summary = d.ledger().summary().unwrap();
    assert_eq!(
        (summary.delivered, summary.in_flight),
        (30, 0),
        "{summary:?}"
    );
    for comm in &comms {
        let line = d.ledger().status(&comm.messages[0].key).unwrap().unwrap();
        assert_eq!(line.state, State::Delivered);
        let out = d.deliver(comm, &Audience::default()).unwrap();
        assert!(matches!(out, Outcome::AlreadyDelivered { .. }), "{out:?}");
    }
    let fresh = Ledger::connect(&url).unwrap();
    assert_eq!(fresh.summary().unwrap(), summary);
}

/// TLS to the server: with `sslmode=require` and the server's CA in
/// `PGSSLROOTCERT` the connection is encrypted (require never falls back
/// to plain text); without that CA the certificate is refused, and under
/// the default `prefer` a server that offers TLS is verified too.
#[test]
fn tls_to_postgres_verifies_the_server_certificate() {
    let pg = PgServer::launch();
    let dir = crate::deliver_support::temp_dir("pg-tls");
    let (ca, cert, key) = crate::deliver_smtp::test_pki(&dir);
    std::fs::write(dir.join("ca.pem"), ca).unwrap();
    pg.enable_ssl(std::path::Path::new(&cert), std::path::Path::new(&key));
    let url = pg.create_database("tls").replace("127.0.0.1", "localhost");
    let status = |url: &str, ca: Option<&std::path::Path>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_vellum"));
        c.args(["status", "nope", "--ledger", url])
            .env_remove("PGSSLROOTCERT");
        if let Some(ca) = ca {
            c.env("PGSSLROOTCERT", ca);
        }
        let o = c.output().unwrap();
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let required = format!("{url}?sslmode=require");
    let err = status(&required, Some(&dir.join("ca.pem")));
    assert!(err.contains("no such run"), "connected over TLS: {err}");
    let err = status(&required, None);
    assert!(
        err.contains("cannot connect") && err.contains("certificate"),
        "{err}"
    );
    assert!(!err.contains(pg.password()), "{err}");
    let err = status(&url, None);
    assert!(err.contains("certificate"), "prefer verifies too: {err}");
    let err = status(&format!("{url}?sslmode=disable"), None);
    assert!(err.contains("no such run"), "plain when asked: {err}");
}
