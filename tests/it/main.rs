//! vellum's integration tests, one binary: each module a concept, sharing
//! the fixture helpers in `common` and `deliver_support`.

mod approval;
mod batch;
mod batch_crash;
mod batch_csv;
mod batch_print;
mod batch_smtp;
mod batch_verify;
mod common;
mod deliver_basic;
mod deliver_personalized;
mod deliver_print;
mod deliver_sms;
mod deliver_smtp;
mod deliver_support;
mod design_errors;
mod email_lint;
mod events_ingest;
mod events_parse;
mod facturx;
mod golden;
mod hostile;
mod ledger_postgres;
mod pdf;
mod personalize;
mod pg_support;
mod preview_e2e;
mod preview_proof;
mod preview_serve;
mod print_production;
mod qrbill;
mod shared_run;
mod values;
