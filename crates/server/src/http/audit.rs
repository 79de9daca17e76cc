//! `GET /v1/admin/audit?since&action&actor&limit`: the append-only audit log (admins only), and
//! [`record`], how the admin handlers append to it after a change succeeded.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use pf_core::Actor;
use pf_sync::{AuditEntry, AuditQuery};
use serde_json::Value;

use super::{AppState, Caller};
use crate::ServerError;
use crate::policy::may_read_audit;
use crate::store::AuditRecord;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/admin/audit", get(list))
}

async fn list(
    State(s): State<AppState>,
    Caller(a): Caller,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<AuditEntry>>, ServerError> {
    if !may_read_audit(&a) {
        return Err(ServerError::denied("read the audit log"));
    }
    let Query(q) = query.map_err(|e| ServerError::Invalid(e.body_text()))?;
    Ok(Json(s.store.audit(q).await?))
}

/// Appends `action` on `target` by `actor`. The change it records has already happened, so a
/// failure to append is logged (without the detail) and the request still succeeds.
pub(super) async fn record(
    s: &AppState,
    actor: &Actor,
    action: &str,
    target: String,
    detail: Value,
) {
    let entry = AuditRecord::new(Some(&actor.user), action, target, detail);
    if let Err(e) = s.store.append_audit(entry).await {
        tracing::error!(action, error = %e, "could not append to the audit log");
    }
}
