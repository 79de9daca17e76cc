//! `partnerforge import FILE.csv`: hands the file to the store's importer and prints what it did.

use anyhow::{Context, Result};
use pf_store::Store;
use std::path::Path;

pub fn run(store: &Store, file: &Path, json: bool, strict: bool) -> Result<i32> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = store
        .import_csv(std::io::BufReader::new(reader))
        .with_context(|| format!("importing {}", file.display()))?;
    if json {
        let out = serde_json::json!({
            "imported": report.imported,
            "updated": report.updated + report.unchanged,
            "unchanged": report.unchanged,
            "rejected": report.rejected.len(),
            "rejected_rows": report.rejected,
        });
        out!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        // Unchanged rows were matched by domain and updated with identical values.
        out!(
            "imported {}, updated {}, rejected {}",
            report.imported,
            report.updated + report.unchanged,
            report.rejected.len()
        );
        if report.unchanged > 0 {
            out!(
                "({} of the updated rows were already up to date)",
                report.unchanged
            );
        }
        for r in &report.rejected {
            out!("line {}: {}", r.line, r.reason);
        }
    }
    Ok(if strict && !report.rejected.is_empty() {
        3
    } else {
        0
    })
}
