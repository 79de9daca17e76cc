//! The readable half of an access export (the other half is the JSON of the records): one
//! section per company, each record with where it is kept, its source and its date.

use pf_core::Subject;

use super::SubjectRecord;

/// The readable export: one section per company, each record with its source and date.
pub fn access_report(subject: &Subject, found: &[SubjectRecord]) -> String {
    let mut s = format!(
        "# Data held on {}{}\n\n{} record(s). Each names where it is kept, the source it came from and when.\n",
        subject.email(),
        subject
            .name()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        found.len()
    );
    let mut companies: Vec<Option<&str>> = found.iter().map(|f| f.domain.as_deref()).collect();
    companies.sort();
    companies.dedup();
    for company in companies {
        s.push_str(&format!(
            "\n## {}\n\n",
            company.unwrap_or("Not about one company")
        ));
        for f in found.iter().filter(|f| f.domain.as_deref() == company) {
            let sources = f
                .sources
                .as_ref()
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.get("source").and_then(|s| s.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|s| !s.is_empty())
                .or_else(|| f.label.clone())
                .unwrap_or_else(|| "-".into());
            s.push_str(&format!(
                "- **{}**{} — source: {}, as of {}\n  `{}`\n",
                f.place,
                f.label
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default(),
                sources,
                f.at.as_deref().unwrap_or("-"),
                f.value
            ));
        }
    }
    s
}

impl crate::Store {
    /// Writes an access export into `dir`: `privacy-access-<id>.json` (machine-readable) and
    /// `privacy-access-<id>.md` (readable), both recorded as personal-data exports (so a later
    /// erasure deletes them too). Answers the two paths, JSON first.
    pub fn write_access_export(
        &self,
        actor: &str,
        subject: &Subject,
        outcome: &super::PrivacyOutcome,
        dir: &std::path::Path,
    ) -> Result<(std::path::PathBuf, std::path::PathBuf), crate::StoreError> {
        use crate::StoreError;
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::io(format!("creating {}", dir.display()), e))?;
        let id = outcome.request.id;
        let json = dir.join(format!("privacy-access-{id}.json"));
        let md = dir.join(format!("privacy-access-{id}.md"));
        let doc = serde_json::json!({
            "request": id,
            "subject": { "email": subject.email(), "name": subject.name() },
            "generated_at": crate::ts::format(crate::ts::now()),
            "records": outcome.found,
        });
        std::fs::write(&json, serde_json::to_string_pretty(&doc)?)
            .map_err(|e| StoreError::io(format!("writing {}", json.display()), e))?;
        std::fs::write(&md, access_report(subject, &outcome.found))
            .map_err(|e| StoreError::io(format!("writing {}", md.display()), e))?;
        for p in [&json, &md] {
            self.record_export(Some(actor), None, "privacy_access", p, true)?;
        }
        Ok((json, md))
    }
}
