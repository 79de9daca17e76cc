//! The one error type that crosses to the UI: a stable `code` the UI branches on and a
//! `message` for people. Every lower error maps into it through its own stable code; messages
//! come from those errors' `Display`, which never contains secrets.

use serde::Serialize;

/// A command's failure as the UI receives it: `{ "code": ..., "message": ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct CommandError {
    /// Stable machine-readable code, e.g. `store.wrong_key` or `desktop.bad_domain`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl CommandError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The store is locked and waits for a passphrase.
    pub fn locked() -> Self {
        Self::new(
            "desktop.locked",
            "The database is locked: enter your passphrase to open it.",
        )
    }
}

impl From<pf_store::StoreError> for CommandError {
    fn from(err: pf_store::StoreError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

impl From<pf_engine::EngineError> for CommandError {
    fn from(err: pf_engine::EngineError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

impl From<pf_engine::SourceError> for CommandError {
    fn from(err: pf_engine::SourceError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

impl From<pf_client::ClientError> for CommandError {
    fn from(err: pf_client::ClientError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

impl From<pf_core::CoreError> for CommandError {
    fn from(err: pf_core::CoreError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

impl From<pf_core::DomainError> for CommandError {
    fn from(err: pf_core::DomainError) -> Self {
        Self::new("desktop.bad_domain", err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_cross_as_code_and_message() {
        let err = CommandError::new("store.wrong_key", "the key is wrong");
        let value = serde_json::to_value(&err).expect("serialise");
        assert_eq!(
            value,
            json!({ "code": "store.wrong_key", "message": "the key is wrong" })
        );
        assert_eq!(err.to_string(), "the key is wrong (store.wrong_key)");
    }

    #[test]
    fn a_bad_domain_has_its_own_code() {
        let err = pf_core::Domain::parse("not a domain").expect_err("bad");
        assert_eq!(CommandError::from(err).code, "desktop.bad_domain");
    }
}
