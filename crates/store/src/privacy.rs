//! Privacy requests on this laptop: access (everything held on a person, with sources and
//! dates), erasure (every copy: live tables, history, the search index, cached source answers,
//! notifications, notes, exported briefs, then the WAL and free pages) and rectification (the
//! corrected values everywhere, history included). A request is filed here in a local-only
//! set-up or ordered by the sync server; it is tracked `pending` -> `processing` ->
//! `completed`, and once completed the subject is kept only masked.

mod exports;
mod places;
mod report;
mod requests;
mod scan;
mod suppress;

pub use exports::ExportRecord;
pub use report::access_report;
pub use requests::{OpenOrder, PrivacyOrigin, PrivacyOutcome, PrivacyRequestRecord};
pub use scan::SubjectRecord;

use pf_core::{Correction, Subject};
use std::collections::BTreeMap;

use crate::{Store, StoreError};
use scan::{Op, scan};

/// Records affected per `table.column` (or found, for access).
pub type RecordCounts = BTreeMap<String, u64>;

impl Store {
    /// Everything this laptop holds on `subject`, each record with its company, source and date.
    pub fn privacy_find(
        &self,
        subject: &Subject,
    ) -> Result<(RecordCounts, Vec<SubjectRecord>), StoreError> {
        let mut r = scan(&self.conn, subject, Op::Find)?;
        let files = self.exports_naming(subject)?;
        if !files.is_empty() {
            r.records.insert("exports.file".into(), files.len() as u64);
            for e in files {
                r.found.push(SubjectRecord {
                    place: "exports.file".into(),
                    domain: None,
                    label: Some(e.kind.clone()),
                    at: Some(e.at.clone()),
                    path: Some(e.path.display().to_string()),
                    value: serde_json::Value::String(format!(
                        "an exported {} names the subject",
                        e.kind
                    )),
                    sources: None,
                });
            }
        }
        Ok((r.records, r.found))
    }

    /// Erases every copy of `subject`: rewrites the rows that hold them in one transaction,
    /// merges the search index so no old segment keeps their words, deletes exported files that
    /// name them, and checkpoints the WAL (freed pages are zeroed: `secure_delete` is on). The
    /// subject is remembered as digests so a later enrichment cannot bring them back.
    pub fn privacy_erase(&self, subject: &Subject) -> Result<RecordCounts, StoreError> {
        self.rewrite_subject(subject, Op::Erase)
    }

    /// Puts `correction` in place of the subject's old values everywhere, history included.
    /// Exported files that show the old values are deleted (they cannot be edited in place).
    pub fn privacy_rectify(
        &self,
        subject: &Subject,
        correction: &Correction,
    ) -> Result<RecordCounts, StoreError> {
        if correction.is_empty() {
            return Err(StoreError::Invalid(
                "a rectification needs at least one corrected value".into(),
            ));
        }
        self.rewrite_subject(subject, Op::Rectify(correction))
    }

    /// Erasure and rectification alike: exported files first (which exports name the subject is
    /// known only before the rows change), then every place in one transaction, then the scrub.
    fn rewrite_subject(&self, subject: &Subject, op: Op<'_>) -> Result<RecordCounts, StoreError> {
        let files = self.erase_exports(subject)?;
        let mut records = self
            .write(|c| {
                if matches!(op, Op::Erase) {
                    suppress::remember(c, subject)?;
                }
                scan(c, subject, op)
            })?
            .records;
        if files > 0 {
            records.insert("exports.file".into(), files);
        }
        self.scrub_storage()?;
        Ok(records)
    }

    /// Leaves no old copy behind: merges the FTS index into one segment (dropping deleted
    /// entries) and moves the WAL into the main file, truncating it.
    pub(crate) fn scrub_storage(&self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("INSERT INTO search_fts(search_fts) VALUES ('optimize');")?;
        self.checkpoint_wal()
    }
}
