//! Tracking privacy requests to completion. A request is recorded `pending`, set `processing`
//! while it is carried out, and `completed` when done: at once for one filed here, after the
//! server took this laptop's report for one the server ordered. A completed request keeps the
//! subject only masked, and the WAL is checkpointed so no clear copy is left in it.

use pf_core::{Correction, PrivacyKind, PrivacyRequestId, PrivacyStatus, Subject};
use rusqlite::params;
use serde::Serialize;

use super::{RecordCounts, SubjectRecord};
use crate::{Store, StoreError, audit, ts};

/// Who filed the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyOrigin {
    /// Filed on this laptop (local-only set-up).
    Local,
    /// Ordered by the sync server; completed once reported.
    Server,
}

impl PrivacyOrigin {
    fn as_str(self) -> &'static str {
        match self {
            PrivacyOrigin::Local => "local",
            PrivacyOrigin::Server => "server",
        }
    }
}

/// A request as `partnerforge privacy status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrivacyRequestRecord {
    pub id: PrivacyRequestId,
    pub kind: PrivacyKind,
    pub origin: PrivacyOrigin,
    pub status: PrivacyStatus,
    /// In clear while open, masked once completed.
    pub subject: String,
    pub records: RecordCounts,
    pub filed_by: String,
    pub filed_at: String,
    pub completed_at: Option<String>,
    pub reported_at: Option<String>,
}

/// A server order this laptop still has to report.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenOrder {
    pub id: PrivacyRequestId,
    pub kind: PrivacyKind,
    pub subject: Subject,
    pub correction: Option<Correction>,
}

/// What carrying out a request did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrivacyOutcome {
    pub request: PrivacyRequestRecord,
    /// Access: everything found. Empty for the other kinds.
    pub found: Vec<SubjectRecord>,
}

impl Store {
    /// Carries out a request (idempotent by id: a completed one is not run again; one left
    /// `processing` by a crash runs again, which finds nothing more to erase).
    #[allow(clippy::too_many_arguments)]
    pub fn carry_out_privacy(
        &self,
        id: PrivacyRequestId,
        kind: PrivacyKind,
        subject: &Subject,
        correction: Option<&Correction>,
        origin: PrivacyOrigin,
        filed_by: &str,
    ) -> Result<PrivacyOutcome, StoreError> {
        if kind == PrivacyKind::Rectification && correction.is_none_or(Correction::is_empty) {
            return Err(StoreError::Invalid(
                "a rectification needs at least one corrected value".into(),
            ));
        }
        if let Some(existing) = self.privacy_request(id)? {
            if existing.status == PrivacyStatus::Completed {
                return Ok(PrivacyOutcome {
                    request: existing,
                    found: Vec::new(),
                });
            }
        } else {
            let now = ts::now();
            self.write(|c| {
                c.execute(
                    "INSERT INTO privacy_requests (id, kind, origin, status, subject_email,
                       subject_name, correction, subject_masked, filed_by, filed_at)
                     VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        id.to_string(),
                        kind.as_str(),
                        origin.as_str(),
                        subject.email(),
                        subject.name(),
                        correction.map(serde_json::to_string).transpose()?,
                        subject.masked(),
                        filed_by,
                        ts::format(now)
                    ],
                )?;
                audit::append(
                    c,
                    now,
                    Some(filed_by),
                    "privacy.file",
                    &format!("privacy:{id}"),
                    &serde_json::json!({ "kind": kind, "origin": origin }),
                )
            })?;
        }
        self.set_privacy_status(id, PrivacyStatus::Processing)?;
        let (records, found) = match kind {
            PrivacyKind::Access => self.privacy_find(subject)?,
            PrivacyKind::Erasure => (self.privacy_erase(subject)?, Vec::new()),
            PrivacyKind::Rectification => {
                let c = correction.cloned().unwrap_or_default();
                (self.privacy_rectify(subject, &c)?, Vec::new())
            }
        };
        self.merge_privacy_records(id, &records)?;
        if origin == PrivacyOrigin::Local {
            self.complete_privacy_request(id, filed_by)?;
        }
        let request = self
            .privacy_request(id)?
            .ok_or_else(|| StoreError::Invalid(format!("privacy request {id} vanished")))?;
        Ok(PrivacyOutcome { request, found })
    }

    /// The server took this laptop's report: the request is done here.
    pub fn mark_privacy_reported(&self, id: PrivacyRequestId) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE privacy_requests SET reported_at = ?2 WHERE id = ?1",
            params![id.to_string(), ts::format(ts::now())],
        )?;
        self.complete_privacy_request(id, "sync")
    }

    /// Completes a request: masks the subject, audits, checkpoints the WAL.
    fn complete_privacy_request(
        &self,
        id: PrivacyRequestId,
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = ts::now();
        self.write(|c| {
            let changed = c.execute(
                "UPDATE privacy_requests SET status = 'completed', completed_at = ?2,
                   subject_email = NULL, subject_name = NULL, correction = NULL
                 WHERE id = ?1 AND status <> 'completed'",
                params![id.to_string(), ts::format(now)],
            )?;
            if changed == 1 {
                let records: String = c.query_row(
                    "SELECT records FROM privacy_requests WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                audit::append(
                    c,
                    now,
                    Some(actor),
                    "privacy.complete",
                    &format!("privacy:{id}"),
                    &serde_json::json!({ "records": serde_json::from_str::<serde_json::Value>(&records)? }),
                )?;
            }
            Ok(())
        })?;
        self.checkpoint_wal()
    }

    fn set_privacy_status(&self, id: PrivacyRequestId, s: PrivacyStatus) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE privacy_requests SET status = ?2 WHERE id = ?1 AND status <> 'completed'",
            params![id.to_string(), s.as_str()],
        )?;
        Ok(())
    }

    fn merge_privacy_records(
        &self,
        id: PrivacyRequestId,
        add: &RecordCounts,
    ) -> Result<(), StoreError> {
        let mut current = self
            .privacy_request(id)?
            .map(|r| r.records)
            .unwrap_or_default();
        for (k, v) in add {
            *current.entry(k.clone()).or_default() += v;
        }
        self.conn.execute(
            "UPDATE privacy_requests SET records = ?2 WHERE id = ?1",
            params![id.to_string(), serde_json::to_string(&current)?],
        )?;
        Ok(())
    }

    /// Forgets a server order once reported (it names the subject in clear).
    pub fn forget_privacy_order(&self, id: PrivacyRequestId) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM synced_items WHERE kind = 'privacy_order' AND key = ?1",
            [id.to_string()],
        )?;
        self.checkpoint_wal()
    }

    /// One request.
    pub fn privacy_request(
        &self,
        id: PrivacyRequestId,
    ) -> Result<Option<PrivacyRequestRecord>, StoreError> {
        self.privacy_requests_where("id = ?1", &id.to_string())
            .map(|mut v| v.pop())
    }

    /// Every request, newest first.
    pub fn privacy_requests(&self) -> Result<Vec<PrivacyRequestRecord>, StoreError> {
        self.privacy_requests_where("?1 = ?1", "")
    }

    /// Server orders carried out (or started) here but not yet reported.
    pub fn unreported_privacy_orders(&self) -> Result<Vec<OpenOrder>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, subject_email, subject_name, correction FROM privacy_requests
             WHERE origin = 'server' AND status <> 'completed' AND subject_email IS NOT NULL",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::new();
        for (id, kind, email, name, correction) in rows {
            let bad = |e: pf_core::CoreError| StoreError::Corrupt(e.to_string());
            out.push(OpenOrder {
                id: id.parse().map_err(bad)?,
                kind: kind.parse().map_err(bad)?,
                subject: Subject::new(&email, name.as_deref()).map_err(bad)?,
                correction: correction.map(|c| serde_json::from_str(&c)).transpose()?,
            });
        }
        Ok(out)
    }

    fn privacy_requests_where(
        &self,
        cond: &str,
        arg: &str,
    ) -> Result<Vec<PrivacyRequestRecord>, StoreError> {
        let sql = format!(
            "SELECT id, kind, origin, status, coalesce(subject_email || coalesce(' (' || subject_name || ')', ''), subject_masked),
                    records, filed_by, filed_at, completed_at, reported_at
             FROM privacy_requests WHERE {cond} ORDER BY filed_at DESC, id DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([arg], |r| {
                Ok((
                    crate::row::texts::<8>(r)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let bad = |e: pf_core::CoreError| StoreError::Corrupt(e.to_string());
        rows.into_iter()
            .map(
                |(
                    [
                        id,
                        kind,
                        origin,
                        status,
                        subject,
                        records,
                        filed_by,
                        filed_at,
                    ],
                    completed_at,
                    reported_at,
                )| {
                    Ok(PrivacyRequestRecord {
                        id: id.parse().map_err(bad)?,
                        kind: kind.parse().map_err(bad)?,
                        origin: if origin == "server" {
                            PrivacyOrigin::Server
                        } else {
                            PrivacyOrigin::Local
                        },
                        status: status.parse().map_err(bad)?,
                        subject,
                        records: serde_json::from_str(&records)?,
                        filed_by,
                        filed_at,
                        completed_at,
                        reported_at,
                    })
                },
            )
            .collect()
    }
}
