//! Privacy requests over HTTP. Admins file, list and read them, and download an access request's
//! export; a laptop reports its part with the token it signs in with (only a token the request
//! waits for may: `privacy.not_expected` otherwise). Filing and completion are audited by the
//! store, in the same transaction, with the request id and kind only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use pf_core::{PrivacyRequestId, PrivacyStatus};
use pf_sync::{PrivacyReport, PrivacyRequestInput, PrivacyRequestView};
use time::OffsetDateTime;

use super::extract::Laptop;
use super::{ApiJson, AppState, Caller};
use crate::ServerError;
use crate::policy::may_handle_privacy;

type R<T> = Result<Json<T>, ServerError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/privacy", get(list).post(file))
        .route("/v1/admin/privacy/{id}", get(one))
        .route("/v1/admin/privacy/{id}/export", get(export))
        .route("/v1/privacy/{id}/report", post(report))
}

fn require_admin(a: &pf_core::Actor) -> Result<(), ServerError> {
    if may_handle_privacy(a) {
        Ok(())
    } else {
        Err(ServerError::denied("handle privacy requests"))
    }
}

fn request_id(raw: &str) -> Result<PrivacyRequestId, ServerError> {
    raw.parse()
        .map_err(|_| ServerError::PrivacyNotFound(raw.to_owned()))
}

async fn file(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(input): ApiJson<PrivacyRequestInput>,
) -> Result<(StatusCode, Json<PrivacyRequestView>), ServerError> {
    require_admin(&a)?;
    let view = s
        .store
        .file_privacy(input, a.user.clone(), OffsetDateTime::now_utc())
        .await?;
    tracing::info!(request = %view.id, kind = %view.kind, status = %view.status, "privacy request filed");
    Ok((StatusCode::CREATED, Json(view)))
}

async fn list(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<PrivacyRequestView>> {
    require_admin(&a)?;
    Ok(Json(s.store.privacy_requests().await?))
}

async fn one(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<PrivacyRequestView> {
    require_admin(&a)?;
    s.store
        .privacy_request(request_id(&raw)?)
        .await?
        .map(Json)
        .ok_or(ServerError::PrivacyNotFound(raw))
}

async fn export(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<serde_json::Value> {
    require_admin(&a)?;
    Ok(Json(s.store.privacy_export(request_id(&raw)?).await?))
}

/// A laptop's report: its status answer is the request's (`processing` or `completed`).
async fn report(
    State(s): State<AppState>,
    laptop: Laptop,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PrivacyReport>,
) -> R<PrivacyStatus> {
    let id = request_id(&raw)?;
    let status = s
        .store
        .report_privacy(id, laptop.token, body, OffsetDateTime::now_utc())
        .await?;
    tracing::info!(request = %id, %status, "privacy report received");
    Ok(Json(status))
}
