//! The envelope manifests: CSV and JSON.

use super::{PrintSpool, SpoolSummary, io};
use crate::deliver::{DeliveryError, write_atomic};

impl PrintSpool {
    /// The envelope manifests of this close, as CSV and JSON.
    pub(super) fn write_manifests(
        &self,
        n: usize,
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let mut csv = String::from(
            "envelope,file,customer,pages,sheets,postal_code,first_page,last_page,presort_key,weight_class,first_sheet,last_sheet,part\n",
        );
        for e in &summary.envelopes {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                e.envelope,
                e.file,
                csv_field(&e.customer),
                e.pages,
                e.sheets,
                csv_field(e.postal_code.as_deref().unwrap_or("")),
                e.first_page,
                e.last_page,
                csv_field(&e.presort_key),
                csv_field(&e.weight_class),
                e.first_sheet,
                e.last_sheet,
                e.part.as_deref().unwrap_or("")
            ));
        }
        let csv_path = self.dir.join(format!("manifest-{n:04}.csv"));
        let json_path = self.dir.join(format!("manifest-{n:04}.json"));
        write_atomic(&csv_path, csv.as_bytes()).map_err(io)?;
        let json = serde_json::to_vec_pretty(&summary.envelopes).map_err(io)?;
        write_atomic(&json_path, &json).map_err(io)?;
        summary.manifest_csv = Some(csv_path);
        summary.manifest_json = Some(json_path);
        Ok(())
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run it.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
