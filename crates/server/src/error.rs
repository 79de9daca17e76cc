//! The one error type of `pf-server`, and how it crosses the HTTP boundary: a JSON
//! `{"code", "message"}` body with the code's status (codes and statuses are `pf_sync::ErrorCode`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pf_sync::ErrorCode;

/// Everything that can fail in the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("missing bearer token")]
    MissingToken,
    #[error("unknown or revoked token")]
    BadToken,
    #[error("token expired")]
    Expired,
    #[error("malformed JSON: {0}")]
    BadJson(String),
    #[error("{0}")]
    UnknownField(String),
    #[error("request body over the {0}-byte limit")]
    TooLarge(usize),
    #[error("bad cursor: {0}")]
    BadCursor(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Denied(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("over the hard cap: {requested} micros requested, {available} available")]
    OverCap { requested: u64, available: u64 },
    #[error("the team has no budget configured")]
    NoBudget,
    #[error("reservation {0} expired or was already settled")]
    ReservationGone(String),
    #[error("{0}")]
    NotBuilt(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("privacy request {0} not found")]
    PrivacyNotFound(String),
    #[error("{0}")]
    PrivacyBadRequest(String),
    #[error("this laptop is not one privacy request {0} waits for")]
    PrivacyNotExpected(String),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("migration {name} failed: {source}")]
    Migration {
        name: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("PostgreSQL: {0}")]
    Pg(#[from] tokio_postgres::Error),
    #[error("PostgreSQL connection pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("PostgreSQL migration {name} failed: {source}")]
    PgMigration {
        name: String,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("the database is at schema version {found}, newer than this server ({supported})")]
    TooNew { found: u32, supported: u32 },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl ServerError {
    /// The stable code this error is answered with.
    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::MissingToken => ErrorCode::MissingToken,
            ServerError::BadToken => ErrorCode::BadToken,
            ServerError::Expired => ErrorCode::Expired,
            ServerError::BadJson(_) => ErrorCode::BadJson,
            ServerError::UnknownField(_) => ErrorCode::UnknownField,
            ServerError::TooLarge(_) => ErrorCode::TooLarge,
            ServerError::BadCursor(_) => ErrorCode::BadCursor,
            ServerError::Invalid(_) => ErrorCode::Invalid,
            ServerError::Denied(_) => ErrorCode::Denied,
            ServerError::NotFound(_) => ErrorCode::NotFound,
            ServerError::Conflict(_) => ErrorCode::Conflict,
            ServerError::OverCap { .. } => ErrorCode::OverCap,
            ServerError::NoBudget => ErrorCode::NoBudget,
            ServerError::ReservationGone(_) => ErrorCode::ReservationGone,
            ServerError::NotBuilt(_) => ErrorCode::NotBuilt,
            ServerError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ServerError::PrivacyNotFound(_) => ErrorCode::PrivacyNotFound,
            ServerError::PrivacyBadRequest(_) => ErrorCode::PrivacyBadRequest,
            ServerError::PrivacyNotExpected(_) => ErrorCode::PrivacyNotExpected,
            ServerError::Db(_)
            | ServerError::Migration { .. }
            | ServerError::Pg(_)
            | ServerError::Pool(_)
            | ServerError::PgMigration { .. }
            | ServerError::TooNew { .. }
            | ServerError::Corrupt(_)
            | ServerError::Io(_)
            | ServerError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A denial naming what was refused.
    pub fn denied(what: impl std::fmt::Display) -> Self {
        ServerError::Denied(format!("your role may not {what}"))
    }

    /// A unique-constraint failure becomes a conflict; anything else stays a database error.
    pub fn from_write(e: rusqlite::Error, what: &str) -> Self {
        match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                ServerError::Conflict(format!("{what} conflicts with existing data"))
            }
            other => ServerError::Db(other),
        }
    }

    /// PostgreSQL's twin of [`ServerError::from_write`]: an integrity-constraint violation
    /// (class 23: unique, foreign key, check) becomes a conflict.
    pub fn from_pg_write(e: tokio_postgres::Error, what: &str) -> Self {
        match e.code() {
            Some(state) if state.code().starts_with("23") => {
                ServerError::Conflict(format!("{what} conflicts with existing data"))
            }
            _ => ServerError::Pg(e),
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let code = self.code();
        let message = if code == ErrorCode::Internal {
            // The detail goes to the log, not to the client.
            tracing::error!(error = %self, "request failed");
            "internal server error; nothing was written".to_owned()
        } else {
            self.to_string()
        };
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(code.body(message))).into_response();
        if code == ErrorCode::TooLarge {
            // The rest of the refused body is never read, so this connection cannot carry
            // another request: say so, or a client's pool reuses it and its next request fails
            // with a reset instead of an answer.
            resp.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_details_never_reach_the_client() {
        let e = ServerError::Corrupt("secret path /var/x".into());
        assert_eq!(e.code(), ErrorCode::Internal);
        let resp = e.into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn a_refused_oversized_body_closes_the_connection() {
        let resp = ServerError::TooLarge(1024).into_response();
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            resp.headers().get(axum::http::header::CONNECTION),
            Some(&axum::http::HeaderValue::from_static("close"))
        );
        let other = ServerError::MethodNotAllowed.into_response();
        assert!(
            other
                .headers()
                .get(axum::http::header::CONNECTION)
                .is_none()
        );
    }

    #[test]
    fn over_cap_is_402_with_its_code() {
        let e = ServerError::OverCap {
            requested: 5,
            available: 1,
        };
        assert_eq!(e.code().as_str(), "budget.over_cap");
        assert_eq!(e.into_response().status(), StatusCode::PAYMENT_REQUIRED);
    }
}
