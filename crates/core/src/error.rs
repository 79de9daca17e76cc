//! The one error type of `pf-core`.

use crate::domain::DomainError;

/// Errors raised by pure domain rules. Each carries a stable [`CoreError::code`] so a UI or an API
/// can branch on it without reading the text.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum CoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("unknown module id `{0}` (expected M01..M15)")]
    UnknownModule(String),
    #[error("a source reference needs a source name")]
    MissingSource,
    #[error("confidence must be between 0 and 1, got {0}")]
    BadConfidence(f64),
    #[error("invalid identifier `{0}`")]
    BadId(String),
    #[error("unknown role `{0}`")]
    UnknownRole(String),
    #[error("a rollout percentage must be between 0 and 100, got {0}")]
    BadRollout(u8),
    #[error("bad privacy request: {0}")]
    BadPrivacyRequest(String),
}

impl CoreError {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Domain(e) => e.code(),
            CoreError::UnknownModule(_) => "core.unknown_module",
            CoreError::MissingSource => "core.missing_source",
            CoreError::BadConfidence(_) => "core.bad_confidence",
            CoreError::BadId(_) => "core.bad_id",
            CoreError::UnknownRole(_) => "core.unknown_role",
            CoreError::BadRollout(_) => "core.bad_rollout",
            CoreError::BadPrivacyRequest(_) => "privacy.bad_request",
        }
    }
}
