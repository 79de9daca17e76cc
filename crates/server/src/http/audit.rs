//! `GET /v1/admin/audit?since&action&actor&limit`: the append-only audit log (admins only). The
//! admin handlers append to it with [`audited`](crate::store::audited), in the transaction of the
//! change itself.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use pf_sync::{AuditEntry, AuditQuery};

use super::{AppState, Caller};
use crate::ServerError;
use crate::policy::may_read_audit;

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
