//! Request extractors: the authenticated caller, and JSON bodies that answer every failure with
//! the API's error codes (`request.bad_json`, `request.unknown_field`, `request.too_large`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use pf_core::Actor;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use super::AppState;
use crate::{ServerError, auth};

/// The caller, authenticated by their bearer token: `auth.missing_token` without an
/// `Authorization: Bearer` header, `auth.bad_token` for an unknown, revoked or malformed one,
/// `auth.expired` past its expiry.
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        Ok(Caller(authenticate(parts, state).await?.0))
    }
}

/// The caller and the id of the token they signed in with: one token is one laptop (privacy
/// reports are per laptop). Refused like [`Caller`].
pub struct Laptop {
    pub token: String,
}

impl FromRequestParts<AppState> for Laptop {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        let (_, token) = authenticate(parts, state).await?;
        Ok(Laptop { token })
    }
}

/// Checks the bearer token; the caller and the token's id.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<(Actor, String), ServerError> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or(ServerError::MissingToken)?;
    let text = header
        .to_str()
        .ok()
        .and_then(auth::bearer)
        .ok_or(ServerError::MissingToken)?;
    let id = auth::token_id(text).ok_or(ServerError::BadToken)?;
    let grant = state
        .store
        .find_token(id.to_owned())
        .await?
        .ok_or(ServerError::BadToken)?;
    if !auth::matches(text, &grant.token.hash) {
        return Err(ServerError::BadToken);
    }
    if grant
        .token
        .expires_at
        .is_some_and(|t| t <= OffsetDateTime::now_utc())
    {
        return Err(ServerError::Expired);
    }
    let actor = grant.actor.ok_or(ServerError::BadToken)?;
    state.metrics.seen(&actor.user);
    Ok((actor, grant.token.id))
}

/// A JSON body of `T`, read within the body limit and parsed strictly.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ServerError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ServerError::TooLarge(state.max_body)
            } else {
                ServerError::BadJson(e.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            let msg = e.to_string();
            if msg.contains("unknown field") {
                ServerError::UnknownField(msg)
            } else {
                ServerError::BadJson(msg)
            }
        })
    }
}
