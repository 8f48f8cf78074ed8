//! CSV input of a batch run: a billing system's export (one row per line
//! item or usage month) grouped into bill records by a mapping file; a bad
//! row fails its own record at its place, the run goes on, and a rerun of
//! the failed records after a fix finds them by that place.

use std::ops::ControlFlow;
use std::path::Path;

use vellum::batch::{CsvMapping, OnlyFailed, Run, Source};

use crate::batch::{error_lines, options, out_dir, pipeline};
use crate::common::{design, root, samples};

fn example(file: &str) -> std::path::PathBuf {
    root().join("examples/csv").join(file)
}

fn mapping() -> CsvMapping {
    CsvMapping::load(example("bill-mapping.toml")).unwrap()
}

/// The example export's lines, header first.
fn example_lines() -> Vec<String> {
    std::fs::read_to_string(example("bill-cycle.csv"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn the_example_export_reads_as_the_bill_samples() {
    let mut records = Vec::new();
    Source::csv(example("bill-cycle.csv"), mapping())
        .for_each(&mut |item| {
            records.push(item.unwrap());
            ControlFlow::Continue(())
        })
        .unwrap();
    let places: Vec<&str> = records
        .iter()
        .map(|r| r.source.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "bill-cycle.csv:2",
            "bill-cycle.csv:14",
            "bill-cycle.csv:26",
            "bill-cycle.csv:38"
        ]
    );
    let samples = samples("bill");
    for r in &records {
        let id = r.value["customer"]["id"].as_str().unwrap();
        let (_, sample) = samples.iter().find(|(stem, _)| stem == id).unwrap();
        assert_eq!(
            &r.value, sample,
            "{id}: the CSV record differs from its sample"
        );
    }
}

#[test]
fn a_dry_run_over_csv_fails_bad_rows_by_record_and_reruns_them_after_a_fix() {
    let dir = out_dir("csv");
    let d = design("bill");
    let p = pipeline(&d);
    let good = example_lines();
    let header_width = good[0].split(',').count();
    let mut lines = good.clone();
    // C1002 (lines 14-25): its third row lost its last column.
    let short = lines[15].rsplit_once(',').unwrap().0.to_owned();
    lines[15] = short;
    // C1003 (lines 26-37): the tax rate is not a number.
    assert!(lines[25].contains(",90.64,19,17.22,"), "{}", lines[25]);
    lines[25] = lines[25].replace(",90.64,19,17.22,", ",90.64,19%,17.22,");
    // C1001 again at the end (line 50), after other customers.
    lines.push(good[2].clone());
    let input = dir.join("cycle.csv");
    write(&input, &lines);

    let mut o = options(&dir);
    o.dry_run = true;
    let report = Run::new(&p, None, o)
        .execute(Source::csv(&input, mapping()))
        .unwrap();
    assert_eq!(
        (report.read, report.rendered, report.failed),
        (5, 2, 3),
        "{report}"
    );
    assert!(report.balances(), "{report}");
    assert!(
        report
            .to_string()
            .contains("read 5 = rendered 2 + failed 3: balances"),
        "{report}"
    );
    let mut failed = error_lines(&dir);
    failed.sort_by_key(|f| f.source.rsplit(':').next().unwrap().parse::<u32>().unwrap());
    let got: Vec<(String, &str, &str)> = failed
        .iter()
        .map(|f| {
            (
                f.source.rsplit('/').next().unwrap().to_owned(),
                f.stage.as_str(),
                f.message.as_str(),
            )
        })
        .collect();
    let short_msg = format!(
        "line 16: {} columns, the header has {header_width}",
        header_width - 1
    );
    assert_eq!(
        got,
        [
            ("cycle.csv:14".to_owned(), "read", short_msg.as_str()),
            (
                "cycle.csv:26".to_owned(),
                "read",
                "column `tax_rate` (totals.tax_rate): expected a number, found \"19%\""
            ),
            (
                "cycle.csv:50".to_owned(),
                "read",
                "key `C1001` again after other records (its rows began at line 2): the rows \
                 of one record must be consecutive; sort the file by `customer_id`"
            ),
        ]
    );

    // The operator fixes the two rows and reruns only the failed records:
    // they are found by their places, the repeated key fails again.
    lines[15] = good[15].clone();
    lines[25] = good[25].clone();
    write(&input, &lines);
    let mut o = options(&dir);
    o.dry_run = true;
    o.error_file = Some(dir.join("errors-2.jsonl"));
    o.only = Some(OnlyFailed::read(dir.join("errors.jsonl")).unwrap());
    let again = Run::new(&p, None, o)
        .execute(Source::csv(&input, mapping()))
        .unwrap();
    assert_eq!(
        (again.read, again.rendered, again.failed),
        (3, 2, 1),
        "{again}"
    );
    assert!(again.balances(), "{again}");
}

#[test]
fn a_mapping_naming_a_missing_column_stops_the_run_before_any_record() {
    let dir = out_dir("csv-header");
    let d = design("bill");
    let p = pipeline(&d);
    let mut lines = example_lines();
    lines[0] = lines[0].replace(",total_due,", ",totaldue,");
    let input = dir.join("cycle.csv");
    write(&input, &lines);
    let mut o = options(&dir);
    o.dry_run = true;
    let e = Run::new(&p, None, o)
        .execute(Source::csv(&input, mapping()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bill-mapping.toml:")
            && e.contains("column `total_due` is not in the header of")
            && e.ends_with("; did you mean `totaldue`?"),
        "{e}"
    );
    let e = Run::new(&p, None, options(&dir))
        .execute(Source::path(&input))
        .unwrap_err()
        .to_string();
    assert!(e.contains("a CSV file needs a mapping"), "{e}");
}
