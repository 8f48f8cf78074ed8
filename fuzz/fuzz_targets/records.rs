//! Customer records from outside: the input is read by `vellum::batch::read_records`
//! as a `.json` file and as a `.jsonl` file, and parsed directly with
//! serde_json; every record then goes through decide, compose, email and SMS
//! against the shipped bill design (loaded once).
//!
//! Properties: no panic; `read_records` accepts exactly the JSON serde_json
//! accepts (one record per array element / non-blank line); and when a
//! string in the record contains `<script`, the email HTML has no `<script`
//! (customer data is escaped).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// At most this many records of one input are rendered.
const MAX_RECORDS: usize = 8;

fn check(record: &Value) {
    let design = vellum_fuzz::shipped_bill();
    let Some(html) = vellum_fuzz::run_record(design, record) else {
        return;
    };
    if vellum_fuzz::any_string(record, &|s| s.to_ascii_lowercase().contains("<script")) {
        assert!(
            !html.to_ascii_lowercase().contains("<script"),
            "customer data came out as a <script> element"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let sb = vellum_fuzz::sandbox();
    let json_path = sb.root.join("records.json");
    let jsonl_path = sb.root.join("records.jsonl");
    std::fs::write(&json_path, data).expect("harness: write records.json");
    std::fs::write(&jsonl_path, data).expect("harness: write records.jsonl");

    let mut values: Vec<Value> = Vec::new();
    let text = std::str::from_utf8(data).ok();

    // As one JSON document.
    let read = vellum::batch::read_records(&json_path);
    // Known (regressions/records-1.bin): read_records skips leading ASCII
    // white space, form feed included, which JSON does not allow.
    let known = vellum_fuzz::allow_known() && data.iter().take_while(|b| b.is_ascii_whitespace()).any(|&b| b == 0x0c);
    if let Some(text) = text {
        let direct = serde_json::from_str::<Value>(text);
        match (&read, direct) {
            (Ok(recs), Ok(v)) => {
                let want = match &v {
                    Value::Array(a) => a.len(),
                    _ => 1,
                };
                assert_eq!(recs.len(), want, "read_records split the document differently");
                values.push(v);
            }
            (Err(_), Err(_)) => {}
            (Ok(_), Err(_)) if known => {}
            (Ok(_), Err(e)) => panic!("read_records accepted JSON serde_json rejects: {e}"),
            (Err(e), Ok(_)) => panic!("read_records rejected valid JSON: {e}"),
        }
    } else {
        assert!(read.is_err(), "read_records accepted a file that is not UTF-8");
    }
    if let Err(e) = &read {
        let _ = e.to_string();
    }

    // As JSON Lines.
    let read = vellum::batch::read_records(&jsonl_path);
    if let Some(text) = text {
        let mut lines_ok = true;
        let mut n = 0;
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(v) => {
                    n += 1;
                    values.push(v);
                }
                Err(_) => lines_ok = false,
            }
        }
        match &read {
            Ok(recs) => {
                assert!(lines_ok, "read_records accepted JSON Lines with an invalid line");
                assert_eq!(recs.len(), n, "read_records counted the lines differently");
            }
            Err(e) => {
                assert!(!lines_ok, "read_records rejected valid JSON Lines: {e}");
                let _ = e.to_string();
            }
        }
    }

    // Records of an array are records too.
    let mut records: Vec<&Value> = Vec::new();
    for v in &values {
        match v {
            Value::Array(items) => records.extend(items.iter()),
            v => records.push(v),
        }
    }
    for record in records.into_iter().take(MAX_RECORDS) {
        check(record);
    }
});
