//! Privacy requests and the audit log. An admin files a request on the server
//! (`POST /v1/admin/privacy`); the server acts on its own tables, then hands an order to every
//! laptop through the change feed ([`super::ChangeItem::PrivacyOrder`]); each laptop carries it out
//! at its next sync and reports (`POST /v1/privacy/{id}/report`); the request completes when every
//! laptop expected has reported. Once completed the subject is shown masked (`j***@acme.com`).

use pf_core::{Correction, PrivacyKind, PrivacyRequestId, PrivacyStatus, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// `POST /v1/admin/privacy`: file a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyRequestInput {
    pub kind: PrivacyKind,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Rectification only: the corrected values.
    #[serde(default)]
    pub correction: Option<Correction>,
}

/// What a laptop is told to do (a feed item while the request is open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyOrder {
    pub id: PrivacyRequestId,
    pub kind: PrivacyKind,
    pub email: String,
    pub name: Option<String>,
    pub correction: Option<Correction>,
    #[serde(with = "time::serde::rfc3339")]
    pub filed_at: OffsetDateTime,
}

/// `POST /v1/privacy/{id}/report`: a laptop's result. Idempotent: a second report from the same
/// laptop replaces the first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyReport {
    /// Records affected (or found, for access) per table.
    #[serde(default)]
    pub records: BTreeMap<String, u64>,
    /// Access only: everything the laptop holds on the subject, with sources and dates.
    #[serde(default)]
    pub export: Option<Value>,
}

/// One laptop's part in a request, as the admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaptopReport {
    /// The laptop, by the id of the token it signs in with.
    pub laptop: String,
    pub user: UserId,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reported_at: Option<OffsetDateTime>,
    pub records: BTreeMap<String, u64>,
}

/// A request as `GET /v1/admin/privacy[/{id}]` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivacyRequestView {
    pub id: PrivacyRequestId,
    pub kind: PrivacyKind,
    pub status: PrivacyStatus,
    /// The subject: in full while open, masked once completed.
    pub subject: String,
    pub filed_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub filed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// Records affected on the server, per table.
    pub server_records: BTreeMap<String, u64>,
    pub laptops: Vec<LaptopReport>,
}

/// One line of the append-only audit log: who did what to which record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The user who acted; `None` for the system (a retention purge).
    pub actor: Option<UserId>,
    /// A stable verb: `privacy.file`, `privacy.complete`, `user.role`, `territory.change`,
    /// `budget.change`, `retention.change`, `retention.purge`, `export.brief`, `key.change`, ...
    pub action: String,
    /// The record acted on (`user:ana@acme.com`, `team:<id>`, `privacy:<id>`). Never a privacy
    /// subject's e-mail or name.
    pub target: String,
    pub detail: Value,
}

/// `GET /v1/admin/audit?since=SEQ&action=A&actor=U&limit=N` (all optional; newest last).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditQuery {
    pub since: Option<u64>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub limit: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_refuse_unknown_fields() {
        let ok: Result<PrivacyRequestInput, _> =
            serde_json::from_str(r#"{"kind":"erasure","email":"jane@acme.com"}"#);
        assert!(ok.is_ok());
        let typo: Result<PrivacyRequestInput, _> =
            serde_json::from_str(r#"{"kind":"erasure","emial":"jane@acme.com"}"#);
        assert!(typo.is_err());
        let report: Result<PrivacyReport, _> =
            serde_json::from_str(r#"{"records":{"intelligence":2},"extra":1}"#);
        assert!(report.is_err());
    }
}
