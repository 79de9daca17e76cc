//! The one error type of `pf-client`, with stable codes.

use pf_store::StoreError;
use pf_sync::SyncError;

/// What can go wrong syncing, each with a stable [`ClientError::code`].
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no sync server is configured: log in first (`partnerforge login URL`)")]
    NotLoggedIn,
    #[error(
        "privacy requests are filed by an admin on the server and reach every laptop at its next sync"
    )]
    ServerManaged,
    #[error("the sync server's token is not in the keyring: log in again")]
    NoToken,
    #[error("the sync server is unreachable: {0}")]
    Unreachable(String),
    #[error("the sync server refused: {message} ({code})")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("sync: {0}")]
    Protocol(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ClientError {
    /// A stable, machine-readable code. A refusal keeps the server's code
    /// (`auth.bad_token`, `budget.over_cap`, ...) when it is a known one.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::NotLoggedIn => "sync.not_logged_in",
            ClientError::ServerManaged => "privacy.server_managed",
            ClientError::NoToken => "sync.no_token",
            ClientError::Unreachable(_) => "sync.unreachable",
            ClientError::Refused { code, .. } => pf_sync::ErrorCode::parse(code)
                .map(pf_sync::ErrorCode::as_str)
                .unwrap_or("sync.refused"),
            ClientError::Protocol(_) => "sync.protocol",
            ClientError::Store(e) => e.code(),
        }
    }

    /// True when the server could not be reached (work offline, try later).
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Unreachable(_))
    }
}

/// Whether a failed call means "the server is not there" rather than "the server said no":
/// no connection, a timeout, or a 5xx (the server wrote nothing).
pub(crate) fn unreachable(e: &SyncError) -> bool {
    e.is_offline() || e.status().is_some_and(|s| s >= 500 && s != 501)
}

impl From<SyncError> for ClientError {
    fn from(e: SyncError) -> Self {
        if unreachable(&e) {
            return ClientError::Unreachable(e.to_string());
        }
        match e {
            SyncError::Server { status, body } => ClientError::Refused {
                status,
                code: body.code,
                message: body.message,
            },
            other => ClientError::Protocol(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_the_servers_code_and_unknown_codes_get_a_generic_one() {
        let bad = ClientError::from(SyncError::Server {
            status: 401,
            body: pf_sync::ErrorCode::BadToken.body("no"),
        });
        assert_eq!(bad.code(), "auth.bad_token");
        assert!(!bad.is_offline());
        let odd = ClientError::Refused {
            status: 418,
            code: "teapot".into(),
            message: "x".into(),
        };
        assert_eq!(odd.code(), "sync.refused");
        let down = ClientError::from(SyncError::Status { status: 503 });
        assert!(
            down.is_offline(),
            "a 5xx means the server wrote nothing: retry later"
        );
    }
}
