//! What both backends share for privacy requests, beneath the SQL: checking a filing
//! ([`Filing::new`]), acting on the server's own rows with pf-core's rules (the same ones the
//! laptops apply, so both agree on what "every copy of this person" means), and turning stored
//! rows back into wire types. Nothing here touches a database.

use pf_core::privacy::{erase_json, find_json, rectify_json};
use pf_core::{Correction, PrivacyKind, PrivacyRequestId, PrivacyStatus, Subject, UserId};
use pf_sync::{LaptopReport, PrivacyOrder, PrivacyRequestInput, PrivacyRequestView};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

use crate::ServerError;
use crate::store::model::{json, parse, to_json, user_id};
use crate::store::{Result, from_ms};

/// The table names `server_records` counts by.
pub(crate) const ACCOUNTS: &str = "accounts";
pub(crate) const USERS: &str = "users";

/// A checked request, about to be filed.
pub(crate) struct Filing {
    pub id: PrivacyRequestId,
    pub kind: PrivacyKind,
    pub subject: Subject,
    pub correction: Option<Correction>,
    pub filed_by: UserId,
}

impl Filing {
    /// Checks the input: a valid subject (`privacy.bad_request` otherwise, without echoing it);
    /// a rectification needs a non-empty correction, and only a rectification takes one.
    pub fn new(input: PrivacyRequestInput, by: UserId) -> Result<Self> {
        let subject = Subject::new(&input.email, input.name.as_deref())
            .map_err(|e| ServerError::PrivacyBadRequest(e.to_string()))?;
        let correction = match (input.kind, input.correction) {
            (PrivacyKind::Rectification, Some(c)) if !c.is_empty() => Some(c),
            (PrivacyKind::Rectification, _) => {
                return Err(ServerError::PrivacyBadRequest(
                    "a rectification needs a correction with at least one value".into(),
                ));
            }
            (_, Some(_)) => {
                return Err(ServerError::PrivacyBadRequest(
                    "only a rectification takes a correction".into(),
                ));
            }
            (_, None) => None,
        };
        Ok(Self {
            id: PrivacyRequestId::new(),
            kind: input.kind,
            subject,
            correction,
            filed_by: by,
        })
    }

    /// Acts on one account's stored JSON (`attrs`, `deal_intel`). Erasure and rectification
    /// rewrite it (queued in `work.accounts`); access keeps the findings.
    pub fn account(
        &self,
        work: &mut ServerWork,
        id: &str,
        domain: &str,
        attrs: &str,
        intel: Option<&str>,
    ) -> Result<()> {
        let mut attrs_v: Value = json(attrs, "account attributes")?;
        let mut intel_v: Option<Value> = intel.map(|s| json(s, "deal intel")).transpose()?;
        let touched = match (self.kind, &self.correction) {
            (PrivacyKind::Access, _) => {
                let mut found = false;
                for (column, v) in [("attrs", Some(&attrs_v)), ("deal_intel", intel_v.as_ref())] {
                    for f in v.map(|v| find_json(v, &self.subject)).unwrap_or_default() {
                        found = true;
                        work.findings
                            .push(json!({"table": ACCOUNTS, "account": domain,
                            "column": column, "path": f.path, "value": f.value}));
                    }
                }
                found
            }
            (PrivacyKind::Erasure, _) => {
                let n = erase_json(&mut attrs_v, &self.subject)
                    + intel_v.as_mut().map_or(0, |v| erase_json(v, &self.subject));
                n > 0
            }
            (PrivacyKind::Rectification, c) => {
                let c = c.clone().unwrap_or_default();
                let n = rectify_json(&mut attrs_v, &self.subject, &c)
                    + intel_v
                        .as_mut()
                        .map_or(0, |v| rectify_json(v, &self.subject, &c));
                n > 0
            }
        };
        if touched {
            *work.records.entry(ACCOUNTS.into()).or_default() += 1;
            if self.kind != PrivacyKind::Access {
                work.accounts.push(AccountRewrite {
                    id: id.to_owned(),
                    attrs: to_json(&attrs_v)?,
                    deal_intel: intel_v.as_ref().map(to_json).transpose()?,
                });
            }
        }
        Ok(())
    }

    /// Acts on one user's display name: erasure clears a name that names the subject,
    /// rectification corrects it, access keeps it.
    pub fn user(&self, work: &mut ServerWork, id: &str, display: Option<&str>) -> Result<()> {
        let Some(display) = display.filter(|d| self.subject.occurs_in(d)) else {
            return Ok(());
        };
        *work.records.entry(USERS.into()).or_default() += 1;
        let new = match (self.kind, &self.correction) {
            (PrivacyKind::Access, _) => {
                work.findings.push(json!({"table": USERS, "user": id,
                    "column": "display_name", "value": display}));
                return Ok(());
            }
            (PrivacyKind::Erasure, _) => None,
            (PrivacyKind::Rectification, c) => {
                let email = c.as_ref().and_then(|c| c.email.as_deref());
                let name = c.as_ref().and_then(|c| c.name.as_deref());
                let email = email.unwrap_or(self.subject.email());
                let name = name.or(self.subject.name()).unwrap_or_default();
                self.subject.replace_in(display, email, name)
            }
        };
        work.users.push((user_id(id)?, new));
        Ok(())
    }
}

/// An account's JSON columns after erasure or rectification.
pub(crate) struct AccountRewrite {
    pub id: String,
    pub attrs: String,
    pub deal_intel: Option<String>,
}

/// What acting on the server's tables produced.
#[derive(Default)]
pub(crate) struct ServerWork {
    /// Records affected (or found) per table.
    pub records: BTreeMap<String, u64>,
    /// Access only: every finding, with its table, record and JSON path.
    pub findings: Vec<Value>,
    pub accounts: Vec<AccountRewrite>,
    /// Users whose display name changes (to `None`: cleared).
    pub users: Vec<(UserId, Option<String>)>,
}

impl ServerWork {
    /// The server's part of an access export, as stored.
    pub fn export(&self, kind: PrivacyKind) -> Result<Option<String>> {
        (kind == PrivacyKind::Access)
            .then(|| to_json(&self.findings))
            .transpose()
    }
}

/// A `privacy_requests` row (columns [`REQUEST_COLUMNS`]).
pub(crate) struct RequestRow {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub masked: String,
    pub correction: Option<String>,
    pub filed_by: String,
    pub filed_at: i64,
    pub completed_at: Option<i64>,
    pub server_records: String,
}

/// The columns a [`RequestRow`] is read from, in order.
pub(crate) const REQUEST_COLUMNS: &str = "id, kind, status, subject_email, subject_name, \
     subject_masked, correction, filed_by, filed_at, completed_at, server_records";

/// A `privacy_laptops` row: token id, user, reported at, records JSON, export JSON.
pub(crate) type LaptopRow = (String, String, Option<i64>, String, Option<String>);

/// The subject as shown while a request is open: `jane@acme.com (Jane Doe)`.
fn shown(email: &str, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{email} ({n})"),
        None => email.to_owned(),
    }
}

impl RequestRow {
    pub fn id(&self) -> Result<PrivacyRequestId> {
        parse(&self.id, "privacy request id")
    }

    pub fn status(&self) -> Result<PrivacyStatus> {
        parse(&self.status, "privacy status")
    }

    /// The order laptops receive; `None` once completed (the subject is no longer held).
    pub fn order(&self) -> Result<Option<PrivacyOrder>> {
        let (Some(email), false) = (&self.email, self.status()? == PrivacyStatus::Completed) else {
            return Ok(None);
        };
        Ok(Some(PrivacyOrder {
            id: self.id()?,
            kind: parse(&self.kind, "privacy kind")?,
            email: email.clone(),
            name: self.name.clone(),
            correction: self
                .correction
                .as_deref()
                .map(|c| json(c, "correction"))
                .transpose()?,
            filed_at: from_ms(self.filed_at),
        }))
    }

    pub fn view(&self, laptops: &[LaptopRow]) -> Result<PrivacyRequestView> {
        let status = self.status()?;
        let subject = match (&self.email, status) {
            (Some(email), PrivacyStatus::Pending | PrivacyStatus::Processing) => {
                shown(email, self.name.as_deref())
            }
            _ => self.masked.clone(),
        };
        Ok(PrivacyRequestView {
            id: self.id()?,
            kind: parse(&self.kind, "privacy kind")?,
            status,
            subject,
            filed_by: user_id(&self.filed_by)?,
            filed_at: from_ms(self.filed_at),
            completed_at: self.completed_at.map(from_ms),
            server_records: json(&self.server_records, "server records")?,
            laptops: laptops.iter().map(laptop_report).collect::<Result<_>>()?,
        })
    }

    /// An access request's export: the server's findings and each laptop's export, with the
    /// sources and dates as the laptops sent them.
    pub fn export(&self, server: Option<&str>, laptops: &[LaptopRow]) -> Result<Value> {
        let view = self.view(laptops)?;
        if view.kind != PrivacyKind::Access {
            return Err(ServerError::PrivacyBadRequest(format!(
                "request {} is an {} request: only access requests have an export",
                view.id, view.kind
            )));
        }
        let server: Value = server.map_or(Ok(json!([])), |s| json(s, "server export"))?;
        let mut from_laptops = Vec::new();
        for (row, report) in laptops.iter().zip(&view.laptops) {
            let export: Value = row
                .4
                .as_deref()
                .map_or(Ok(Value::Null), |s| json(s, "export"))?;
            from_laptops.push(json!({"laptop": report.laptop, "user": report.user,
                "reported_at": report.reported_at.map(rfc3339), "records": report.records,
                "export": export}));
        }
        Ok(
            json!({"request": view.id, "kind": view.kind, "status": view.status,
            "subject": view.subject, "filed_at": rfc3339(view.filed_at),
            "completed_at": view.completed_at.map(rfc3339),
            "server": {"records": view.server_records, "findings": server},
            "laptops": from_laptops}),
        )
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn laptop_report(row: &LaptopRow) -> Result<LaptopReport> {
    Ok(LaptopReport {
        laptop: row.0.clone(),
        user: user_id(&row.1)?,
        reported_at: row.2.map(from_ms),
        records: json(&row.3, "laptop records")?,
    })
}

/// The audit detail of `privacy.file` / `privacy.complete`: the request id and kind only, never
/// the subject.
pub(crate) fn audit_detail(id: PrivacyRequestId, kind: &str) -> Value {
    json!({"request": id, "kind": kind})
}

/// The audit target of a request.
pub(crate) fn audit_target(id: &str) -> String {
    format!("privacy:{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        kind: PrivacyKind,
        email: &str,
        correction: Option<Correction>,
    ) -> PrivacyRequestInput {
        PrivacyRequestInput {
            kind,
            email: email.into(),
            name: Some("Jane Doe".into()),
            correction,
        }
    }

    fn admin() -> UserId {
        UserId::new("admin@a.test").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_filing_refuses_bad_subjects_and_empty_corrections_without_echoing_them() {
        let bad = Filing::new(input(PrivacyKind::Erasure, "not-an-email", None), admin());
        assert!(
            matches!(&bad, Err(ServerError::PrivacyBadRequest(m)) if !m.contains("not-an-email"))
        );
        let empty = Some(Correction::default());
        let rect = Filing::new(
            input(PrivacyKind::Rectification, "j@acme.com", empty),
            admin(),
        );
        assert!(matches!(rect, Err(ServerError::PrivacyBadRequest(_))));
        assert!(Filing::new(input(PrivacyKind::Erasure, "j@acme.com", None), admin()).is_ok());
    }

    #[test]
    fn erasure_rewrites_notes_and_clears_a_display_name_that_names_the_subject() {
        let f = Filing::new(input(PrivacyKind::Erasure, "jane@acme.com", None), admin())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut work = ServerWork::default();
        let intel = r#"{"notes":"Met Jane Doe at the summit","incumbent_vendor":"Algolia"}"#;
        f.account(
            &mut work,
            "a1",
            "acme.com",
            r#"{"tags":["x"]}"#,
            Some(intel),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        f.account(
            &mut work,
            "a2",
            "b.com",
            "{}",
            Some(r#"{"notes":"nobody"}"#),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        f.user(&mut work, "jd@acme.com", Some("Jane Doe"))
            .unwrap_or_else(|e| panic!("{e}"));
        f.user(&mut work, "x@acme.com", Some("John Roe"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(work.records.get(ACCOUNTS), Some(&1));
        assert_eq!(work.records.get(USERS), Some(&1));
        assert_eq!(work.accounts.len(), 1);
        let rewritten = work.accounts[0].deal_intel.clone().unwrap_or_default();
        assert!(!rewritten.contains("Jane"), "{rewritten}");
        assert!(rewritten.contains("Algolia"), "{rewritten}");
        assert_eq!(work.users.len(), 1);
        assert_eq!(work.users[0].1, None);
    }
}
