//! The envelope manifests: CSV and JSON.

use super::spool::Staged;
use super::{Envelope, PrintSpool, SpoolSummary, io};
use crate::deliver::{DeliveryError, write_atomic};

impl PrintSpool {
    /// The envelopes of batch `file`, in its page order: each letter's
    /// staged line, its pages and its pages with a blank back.
    pub(super) fn list_envelopes<'a>(
        &self,
        file: &str,
        letters: impl Iterator<Item = (&'a Staged, usize, usize)>,
        summary: &mut SpoolSummary,
    ) {
        let mut page = 1;
        for (meta, pages, total) in letters {
            summary.envelopes.push(Envelope {
                envelope: summary.envelopes.len() + 1,
                file: file.to_owned(),
                customer: meta.customer.clone(),
                pages,
                sheets: if self.options.duplex {
                    total.div_ceil(2)
                } else {
                    total
                },
                postal_code: meta.postal_code.clone(),
                first_page: page,
                last_page: page + total - 1,
                key: meta.key.clone(),
            });
            page += total;
        }
    }

    /// The envelope manifests of this close, as CSV and JSON.
    pub(super) fn write_manifests(
        &self,
        n: usize,
        summary: &mut SpoolSummary,
    ) -> Result<(), DeliveryError> {
        let mut csv =
            String::from("envelope,file,customer,pages,sheets,postal_code,first_page,last_page\n");
        for e in &summary.envelopes {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                e.envelope,
                e.file,
                csv_field(&e.customer),
                e.pages,
                e.sheets,
                csv_field(e.postal_code.as_deref().unwrap_or("")),
                e.first_page,
                e.last_page
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
