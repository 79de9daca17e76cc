//! The Privacy page's side of the contract: privacy requests (filed here in a local-only
//! set-up, on the server by an admin otherwise), the audit logs and the retention policy.
//! Mirrors of `pf-store`'s and `pf-sync`'s types; ids are strings.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{ApiError, NoArgs, call};

/// A request carried out on this laptop.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LocalRequest {
    pub id: String,
    pub kind: String,
    pub origin: String,
    pub status: String,
    pub subject: String,
    #[serde(default)]
    pub records: BTreeMap<String, u64>,
    pub filed_by: String,
    pub filed_at: String,
    pub completed_at: Option<String>,
}

/// One laptop's part in a server request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LaptopReport {
    pub laptop: String,
    pub user: String,
    pub reported_at: Option<String>,
    #[serde(default)]
    pub records: BTreeMap<String, u64>,
}

/// A request as the server tracks it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ServerRequest {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub subject: String,
    pub filed_by: String,
    pub filed_at: String,
    pub completed_at: Option<String>,
    #[serde(default)]
    pub server_records: BTreeMap<String, u64>,
    #[serde(default)]
    pub laptops: Vec<LaptopReport>,
}

/// One audit entry (this laptop's or the server's).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditLine {
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
}

/// Days kept per data class.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Retention {
    pub executives: u32,
    pub hiring_signals: u32,
    pub financials: u32,
    pub quotes: u32,
    pub history: u32,
    pub usage: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PrivacyView {
    pub server_managed: bool,
    pub can_file: bool,
    pub local: Vec<LocalRequest>,
    pub server: Vec<ServerRequest>,
    pub audit: Vec<AuditLine>,
    pub server_audit: Vec<AuditLine>,
    pub retention: Retention,
}

/// Corrected values for a rectification.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Correction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrivacyInput {
    pub kind: String,
    pub email: String,
    pub name: Option<String>,
    pub correction: Option<Correction>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Filed {
    pub id: String,
    pub status: String,
    pub subject: String,
    pub records: u64,
    pub export_path: Option<String>,
    pub on_server: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PurgeReport {
    #[serde(default)]
    pub removed: BTreeMap<String, u64>,
}

pub async fn privacy_view() -> Result<PrivacyView, ApiError> {
    call("privacy_view", &NoArgs {}).await
}

pub async fn file_privacy_request(input: &PrivacyInput) -> Result<Filed, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        input: &'a PrivacyInput,
    }
    call("file_privacy_request", &Args { input }).await
}

pub async fn purge_retention() -> Result<PurgeReport, ApiError> {
    call("purge_retention", &NoArgs {}).await
}
