//! The privacy and audit endpoints of [`SyncClient`]: admins file and follow privacy requests
//! and read the audit log; a laptop reports its part of a request with its own token.

use pf_core::{PrivacyRequestId, PrivacyStatus};
use reqwest::Method;

use super::SyncClient;
use crate::SyncError;
use crate::wire::{AuditEntry, AuditQuery, PrivacyReport, PrivacyRequestInput, PrivacyRequestView};

impl SyncClient {
    /// `POST /v1/admin/privacy`: files a request (admins only).
    pub async fn file_privacy(
        &self,
        input: &PrivacyRequestInput,
    ) -> Result<PrivacyRequestView, SyncError> {
        self.call(Method::POST, "v1/admin/privacy", Some(input))
            .await
    }

    /// `GET /v1/admin/privacy`: every request, newest first.
    pub async fn privacy_requests(&self) -> Result<Vec<PrivacyRequestView>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/privacy", None)
            .await
    }

    /// `GET /v1/admin/privacy/{id}`.
    pub async fn privacy_request(
        &self,
        id: PrivacyRequestId,
    ) -> Result<PrivacyRequestView, SyncError> {
        self.call::<(), _>(Method::GET, &format!("v1/admin/privacy/{id}"), None)
            .await
    }

    /// `GET /v1/admin/privacy/{id}/export`: an access request's export (the server's findings
    /// and each laptop's export).
    pub async fn privacy_export(
        &self,
        id: PrivacyRequestId,
    ) -> Result<serde_json::Value, SyncError> {
        let path = format!("v1/admin/privacy/{id}/export");
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// `POST /v1/privacy/{id}/report`: this laptop's result; the request's status after it
    /// (`processing`, or `completed` once every laptop reported). Idempotent.
    pub async fn report_privacy(
        &self,
        id: PrivacyRequestId,
        report: &PrivacyReport,
    ) -> Result<PrivacyStatus, SyncError> {
        let path = format!("v1/privacy/{id}/report");
        self.call(Method::POST, &path, Some(report)).await
    }

    /// `GET /v1/admin/audit`: audit entries after `since`, oldest first (admins only).
    pub async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, SyncError> {
        let path = audit_path(query);
        self.call::<(), _>(Method::GET, &path, None).await
    }
}

/// The audit query as a path (built apart: the serializer is not `Send`, so it must not live
/// across an `.await`).
fn audit_path(query: &AuditQuery) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    if let Some(since) = query.since {
        params.append_pair("since", &since.to_string());
    }
    if let Some(action) = &query.action {
        params.append_pair("action", action);
    }
    if let Some(actor) = &query.actor {
        params.append_pair("actor", actor);
    }
    if let Some(limit) = query.limit {
        params.append_pair("limit", &limit.to_string());
    }
    let params = params.finish();
    if params.is_empty() {
        "v1/admin/audit".to_owned()
    } else {
        format!("v1/admin/audit?{params}")
    }
}
