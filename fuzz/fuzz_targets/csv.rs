//! A billing system's CSV export and the mapping from its columns: the
//! input is a mapping (TOML) and a CSV file separated by a NUL byte, or,
//! without one, a CSV file read through the shipped bill mapping
//! (`examples/csv/bill-mapping.toml`). Every record goes through decide,
//! compose, email and SMS against the shipped bill design.
//!
//! Properties: no panic; a bad mapping is an error with a message; every
//! item read is a record or a read error, each with a place in the file and
//! an error with a message; a record that a read error does not stop
//! renders or fails cleanly.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use vellum::batch::{CsvMapping, Source};

/// Items read per input, and records rendered.
const MAX_ITEMS: usize = 64;
const MAX_RECORDS: usize = 4;

const BILL_MAPPING: &str = include_str!("../../examples/csv/bill-mapping.toml");

fuzz_target!(|data: &[u8]| {
    let (mapping, csv) = match data.iter().position(|&b| b == 0) {
        Some(at) => (String::from_utf8_lossy(&data[..at]).into_owned(), &data[at + 1..]),
        None => (BILL_MAPPING.to_owned(), data),
    };
    let mapping = match CsvMapping::parse(&mapping, "fuzz-mapping.toml") {
        Ok(m) => m,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "a mapping error without a message");
            return;
        }
    };
    let sb = vellum_fuzz::sandbox();
    let path = sb.root.join("cycle.csv");
    std::fs::write(&path, csv).expect("harness: write cycle.csv");
    let mut records = Vec::new();
    let mut n = 0;
    let read = Source::csv(&path, mapping).for_each(&mut |item| {
        n += 1;
        match item {
            Ok(r) => {
                assert!(r.source.contains("cycle.csv:"), "a record without its line: {}", r.source);
                if records.len() < MAX_RECORDS {
                    records.push(r.value);
                }
            }
            Err(e) => {
                assert!(e.place.contains("cycle.csv"), "a read error without its place: {}", e.place);
                assert!(!e.message.is_empty(), "a read error without a message");
            }
        }
        if n >= MAX_ITEMS { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    });
    if let Err(e) = read {
        // The input as a whole could not be read (a header the mapping
        // does not match): a clear error, not a panic.
        assert!(!e.to_string().is_empty());
    }
    let design = vellum_fuzz::shipped_bill();
    for record in &records {
        let _ = vellum_fuzz::run_record(design, record);
    }
});
