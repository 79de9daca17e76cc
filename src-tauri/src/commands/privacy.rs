//! Privacy requests, the audit log and retention from the window. In a local-only set-up the
//! request is filed and carried out here; with a sync server an admin files it on the server
//! (it reaches every laptop at its next sync) and everyone else sees the orders this laptop
//! carried out. The audit log shows this laptop's entries, and the server's for an admin.

use pf_core::{Correction, PrivacyKind, PrivacyRequestId, Role, Subject};
use pf_store::{AuditRecord, PrivacyOrigin, PrivacyRequestRecord, PurgeReport};
use pf_sync::{AuditEntry, AuditQuery, PrivacyRequestView};
use serde::{Deserialize, Serialize};

use super::Shared;
use crate::CommandError;
use crate::session::Session;

/// Everything the Privacy page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrivacyView {
    /// Requests are filed on the sync server (this laptop only carries them out).
    pub server_managed: bool,
    /// The caller may file requests (always in a local-only set-up; admins with a server).
    pub can_file: bool,
    pub local: Vec<PrivacyRequestRecord>,
    /// The server's requests with each laptop's report (admins).
    pub server: Vec<PrivacyRequestView>,
    pub audit: Vec<AuditRecord>,
    /// The server's audit log (admins).
    pub server_audit: Vec<AuditEntry>,
    pub retention: pf_core::RetentionDays,
}

/// A request as the form sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct PrivacyInput {
    pub kind: PrivacyKind,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub correction: Option<Correction>,
}

/// What filing did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filed {
    pub id: PrivacyRequestId,
    pub status: pf_core::PrivacyStatus,
    pub subject: String,
    pub records: u64,
    /// Access in a local-only set-up: the readable export written to disk.
    pub export_path: Option<String>,
    pub on_server: bool,
}

fn name(n: Option<String>) -> Option<String> {
    n.filter(|n| !n.trim().is_empty())
}

pub async fn view(session: &Session) -> Result<PrivacyView, CommandError> {
    let identity = session.identity()?;
    let (local, audit, retention) = session.with_store(|s| {
        Ok((
            s.privacy_requests()?,
            s.audit_log(None, None, 500)?,
            s.retention_policy()?,
        ))
    })?;
    let admin = identity.as_ref().is_some_and(|i| i.role == Role::Admin);
    let (mut server, mut server_audit) = (Vec::new(), Vec::new());
    if admin && let Some(client) = session.sync_client()? {
        server = client
            .privacy_requests()
            .await
            .map_err(super::admin::refused)?;
        server_audit = client
            .audit(&AuditQuery {
                limit: Some(500),
                ..AuditQuery::default()
            })
            .await
            .map_err(super::admin::refused)?;
    }
    Ok(PrivacyView {
        server_managed: identity.is_some(),
        can_file: identity.is_none() || admin,
        local,
        server,
        audit,
        server_audit,
        retention,
    })
}

pub async fn file(session: &Session, input: PrivacyInput) -> Result<Filed, CommandError> {
    let subject = Subject::new(&input.email, name(input.name.clone()).as_deref())?;
    let correction = input.correction.filter(|c| !c.is_empty());
    if let Some(identity) = session.identity()? {
        let client = super::admin::client(session)?;
        let v = pf_client::privacy::file_on_server(
            &identity, &client, input.kind, &subject, correction,
        )
        .await?;
        return Ok(Filed {
            id: v.id,
            status: v.status,
            subject: v.subject,
            records: v.server_records.values().sum(),
            export_path: None,
            on_server: true,
        });
    }
    let dir = super::brief::export_dir(session);
    session.with_store(|s| {
        let actor = s.local_actor()?;
        let out = s.carry_out_privacy(
            PrivacyRequestId::new(),
            input.kind,
            &subject,
            correction.as_ref(),
            PrivacyOrigin::Local,
            &actor,
        )?;
        let export_path = if input.kind == PrivacyKind::Access {
            let (_, md) = s.write_access_export(&actor, &subject, &out, &dir)?;
            Some(md.display().to_string())
        } else {
            None
        };
        Ok(Filed {
            id: out.request.id,
            status: out.request.status,
            subject: out.request.subject.clone(),
            records: out.request.records.values().sum(),
            export_path,
            on_server: false,
        })
    })
}

/// The retention purge, now (the app also runs it daily).
pub fn purge(session: &Session) -> Result<PurgeReport, CommandError> {
    session.with_store(|s| s.purge_by_policy(time::OffsetDateTime::now_utc()))
}

#[tauri::command]
pub async fn privacy_view(state: Shared<'_>) -> Result<PrivacyView, CommandError> {
    view(state.session()?.as_ref()).await
}

#[tauri::command]
pub async fn file_privacy_request(
    state: Shared<'_>,
    input: PrivacyInput,
) -> Result<Filed, CommandError> {
    file(state.session()?.as_ref(), input).await
}

#[tauri::command]
pub async fn purge_retention(state: Shared<'_>) -> Result<PurgeReport, CommandError> {
    purge(state.session()?.as_ref())
}
