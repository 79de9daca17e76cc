//! The error body every failed request returns, its stable codes, and the client's error type.

use serde::{Deserialize, Serialize};

/// The JSON body of every error answer: `{"code": "auth.bad_token", "message": "..."}`. Clients
/// branch on `code`, which never changes meaning; `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// The stable error codes, each with the HTTP status the server answers it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 401: no `Authorization: Bearer` header.
    MissingToken,
    /// 401: a token the server does not know (or of a deactivated user).
    BadToken,
    /// 401: a known token past its expiry.
    Expired,
    /// 400: the body is not JSON of the expected shape.
    BadJson,
    /// 400: the body names a field the endpoint does not know.
    UnknownField,
    /// 413: the body is over the server's limit.
    TooLarge,
    /// 400: the `since` cursor is not one this server handed out.
    BadCursor,
    /// 422: well-formed but invalid (a negative range, an unknown user, ...).
    Invalid,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 403: the caller's role may not do this.
    Denied,
    /// 402: the reservation would take the team over its hard cap.
    OverCap,
    /// 409: the caller's team has no budget configured.
    NoBudget,
    /// 410: the reservation expired (or was already settled) before this settlement.
    ReservationGone,
    /// 404: no such route or row.
    NotFound,
    /// 409: the change conflicts with existing data (a duplicate name, ...).
    Conflict,
    /// 501: a configured feature this build does not have.
    NotBuilt,
    /// 404: no privacy request with this id.
    PrivacyNotFound,
    /// 400: a privacy request the server cannot act on (a bad e-mail, a one-word name, a
    /// rectification without a correction).
    PrivacyBadRequest,
    /// 403: this laptop (its token) is not one the privacy request waits for.
    PrivacyNotExpected,
    /// 500: the server failed; nothing was written.
    Internal,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::MissingToken,
        ErrorCode::BadToken,
        ErrorCode::Expired,
        ErrorCode::BadJson,
        ErrorCode::UnknownField,
        ErrorCode::TooLarge,
        ErrorCode::BadCursor,
        ErrorCode::Invalid,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Denied,
        ErrorCode::OverCap,
        ErrorCode::NoBudget,
        ErrorCode::ReservationGone,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::NotBuilt,
        ErrorCode::PrivacyNotFound,
        ErrorCode::PrivacyBadRequest,
        ErrorCode::PrivacyNotExpected,
        ErrorCode::Internal,
    ];

    /// The code's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingToken => "auth.missing_token",
            ErrorCode::BadToken => "auth.bad_token",
            ErrorCode::Expired => "auth.expired",
            ErrorCode::BadJson => "request.bad_json",
            ErrorCode::UnknownField => "request.unknown_field",
            ErrorCode::TooLarge => "request.too_large",
            ErrorCode::BadCursor => "request.bad_cursor",
            ErrorCode::Invalid => "request.invalid",
            ErrorCode::MethodNotAllowed => "request.method_not_allowed",
            ErrorCode::Denied => "perm.denied",
            ErrorCode::OverCap => "budget.over_cap",
            ErrorCode::NoBudget => "budget.not_configured",
            ErrorCode::ReservationGone => "budget.reservation_gone",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::NotBuilt => "server.not_built",
            ErrorCode::PrivacyNotFound => "privacy.not_found",
            ErrorCode::PrivacyBadRequest => "privacy.bad_request",
            ErrorCode::PrivacyNotExpected => "privacy.not_expected",
            ErrorCode::Internal => "server.internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::MissingToken | ErrorCode::BadToken | ErrorCode::Expired => 401,
            ErrorCode::BadJson
            | ErrorCode::UnknownField
            | ErrorCode::BadCursor
            | ErrorCode::PrivacyBadRequest => 400,
            ErrorCode::TooLarge => 413,
            ErrorCode::Invalid => 422,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Denied | ErrorCode::PrivacyNotExpected => 403,
            ErrorCode::OverCap => 402,
            ErrorCode::NoBudget | ErrorCode::Conflict => 409,
            ErrorCode::ReservationGone => 410,
            ErrorCode::NotFound | ErrorCode::PrivacyNotFound => 404,
            ErrorCode::NotBuilt => 501,
            ErrorCode::Internal => 500,
        }
    }

    /// The code with this wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The error body for this code.
    pub fn body(self, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: self.as_str().to_owned(),
            message: message.into(),
        }
    }
}

/// What can go wrong calling the sync server.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server answered with an error body.
    #[error("server said {status} {}: {}", body.code, body.message)]
    Server { status: u16, body: ErrorBody },
    /// The server answered an error status without a readable error body.
    #[error("server answered {status} without an error body")]
    Status { status: u16 },
    /// No answer: connection refused, timeout, TLS failure.
    #[error("could not reach the sync server: {0}")]
    Transport(#[source] reqwest::Error),
    /// An answer that is not the expected JSON.
    #[error("unexpected answer from the sync server: {0}")]
    Decode(String),
    /// The server URL given to the client is unusable.
    #[error("bad server URL `{0}`")]
    BadUrl(String),
}

impl SyncError {
    /// The server's error code, when it sent one (`"budget.over_cap"`, ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            SyncError::Server { body, .. } => Some(&body.code),
            _ => None,
        }
    }

    /// The server's error code as a known [`ErrorCode`].
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code().and_then(ErrorCode::parse)
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            SyncError::Server { status, .. } | SyncError::Status { status } => Some(*status),
            _ => None,
        }
    }

    /// True when the server could not be reached (the caller should work offline and retry).
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Transport(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_unique_name_that_parses_back() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!((400..600).contains(&code.status()), "{code:?}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len(), "duplicate code names");
    }

    #[test]
    fn privacy_codes_have_their_own_names_and_statuses() {
        let got: Vec<(&str, u16)> = [
            ErrorCode::PrivacyNotFound,
            ErrorCode::PrivacyBadRequest,
            ErrorCode::PrivacyNotExpected,
        ]
        .into_iter()
        .map(|c| (c.as_str(), c.status()))
        .collect();
        assert_eq!(
            got,
            vec![
                ("privacy.not_found", 404),
                ("privacy.bad_request", 400),
                ("privacy.not_expected", 403)
            ]
        );
    }

    #[test]
    fn auth_codes_are_401_and_the_body_is_code_and_message() {
        for c in [
            ErrorCode::MissingToken,
            ErrorCode::BadToken,
            ErrorCode::Expired,
        ] {
            assert_eq!(c.status(), 401);
        }
        let json = serde_json::to_value(ErrorCode::TooLarge.body("1 MiB max")).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"code": "request.too_large", "message": "1 MiB max"})
        );
    }
}
