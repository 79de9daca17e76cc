//! Files the app wrote (briefs as PDF, access exports): recorded with the account they are
//! about and whether they hold personal data, so an erasure can delete the ones that name the
//! subject and an admin can see who exported what (each export is audited).

use pf_core::{AccountId, Subject};
use rusqlite::params;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{Store, StoreError, ts};

/// One recorded export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportRecord {
    pub id: i64,
    pub at: String,
    pub account: Option<String>,
    /// `brief_pdf`, `privacy_access`, ...
    pub kind: String,
    pub path: PathBuf,
    pub personal: bool,
}

impl Store {
    /// Records a file the app wrote and audits it (`export.<kind>`).
    pub fn record_export(
        &self,
        actor: Option<&str>,
        account: Option<AccountId>,
        kind: &str,
        path: &Path,
        personal: bool,
    ) -> Result<(), StoreError> {
        let now = ts::now();
        self.write(|c| {
            c.execute(
                "INSERT INTO exports (at, account_id, kind, path, personal) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    ts::format(now),
                    account.map(|a| a.to_string()),
                    kind,
                    path.display().to_string(),
                    personal
                ],
            )?;
            crate::audit::append(
                c,
                now,
                actor,
                &format!("export.{kind}"),
                &account.map_or_else(|| "file".to_owned(), |a| format!("account:{a}")),
                &serde_json::json!({ "path": path.display().to_string(), "personal": personal }),
            )
        })
    }

    /// Exports still on disk, newest first.
    pub fn exports(&self) -> Result<Vec<ExportRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, account_id, kind, path, personal FROM exports
             WHERE erased_at IS NULL ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ExportRecord {
                id: r.get(0)?,
                at: r.get(1)?,
                account: r.get(2)?,
                kind: r.get(3)?,
                path: PathBuf::from(r.get::<_, String>(4)?),
                personal: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Exported files that name the subject, or that are about an account whose data names them.
    pub(crate) fn exports_naming(&self, s: &Subject) -> Result<Vec<ExportRecord>, StoreError> {
        let exports = self.exports()?;
        if exports.is_empty() {
            // No file to look at: spare the whole-database scan below.
            return Ok(Vec::new());
        }
        let accounts = self.accounts_naming(s)?;
        let mut out = Vec::new();
        for e in exports {
            let Ok(bytes) = std::fs::read(&e.path) else {
                continue;
            };
            let about = e.account.as_ref().is_some_and(|a| accounts.contains(a));
            if about || s.occurs_in(&String::from_utf8_lossy(&bytes)) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Deletes (after overwriting) every exported file that names the subject.
    pub(crate) fn erase_exports(&self, s: &Subject) -> Result<u64, StoreError> {
        let files = self.exports_naming(s)?;
        for e in &files {
            if let Ok(meta) = std::fs::metadata(&e.path) {
                let zeros = vec![0_u8; usize::try_from(meta.len()).unwrap_or(0)];
                let _ = std::fs::write(&e.path, zeros);
            }
            std::fs::remove_file(&e.path)
                .or_else(|err| match err.kind() {
                    std::io::ErrorKind::NotFound => Ok(()),
                    _ => Err(err),
                })
                .map_err(|err| StoreError::io("deleting an exported file", err))?;
            self.conn.execute(
                "UPDATE exports SET erased_at = ?2 WHERE id = ?1",
                params![e.id, ts::format(ts::now())],
            )?;
        }
        Ok(files.len() as u64)
    }

    /// Accounts whose intelligence or history names the subject.
    fn accounts_naming(&self, s: &Subject) -> Result<BTreeSet<String>, StoreError> {
        let found = super::scan::scan(&self.conn, s, super::scan::Op::Find)?.found;
        let mut ids = BTreeSet::new();
        for f in found {
            if let Some(d) = f.domain {
                let id: Option<String> = self
                    .conn
                    .query_row("SELECT id FROM accounts WHERE domain = ?1", [d], |r| {
                        r.get(0)
                    })
                    .ok();
                ids.extend(id);
            }
        }
        Ok(ids)
    }
}
