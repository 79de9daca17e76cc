//! The one error type of `pf-engine`.

use crate::source::SourceError;

/// Engine failures that stop a command (a single module's failure does not: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] pf_store::StoreError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("module registry: {0}")]
    Registry(String),
    #[error("unknown source `{0}`")]
    UnknownSource(String),
    #[error("the engine's store lock was poisoned")]
    Poisoned,
}

impl EngineError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Store(e) => e.code(),
            EngineError::Source(e) => e.code(),
            EngineError::Config(_) => "engine.config",
            EngineError::Registry(_) => "engine.registry",
            EngineError::UnknownSource(_) => "engine.unknown_source",
            EngineError::Poisoned => "engine.poisoned",
        }
    }
}
