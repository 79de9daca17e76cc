//! Personal data: which data classes hold it, who a privacy request is about ([`Subject`]), and
//! the pure rules that find, erase and rectify a subject inside stored JSON and text. The store
//! and the sync server both apply these rules to their own tables, so a laptop and the server
//! agree byte for byte on what "every copy of this person" means.

mod class;
mod matcher;
mod walk;

pub use class::{DataClass, RetentionDays};
pub use matcher::{Correction, Subject, mask_email};
pub use walk::{ERASED, Found, erase_json, erase_text, find_json, rectify_json, rectify_text};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// What a privacy request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyKind {
    /// Everything held on the subject, machine-readable and readable.
    Access,
    /// Every copy goes, history and search index included.
    Erasure,
    /// Corrected values replace the old ones everywhere, history included.
    Rectification,
}

impl PrivacyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrivacyKind::Access => "access",
            PrivacyKind::Erasure => "erasure",
            PrivacyKind::Rectification => "rectification",
        }
    }
}

impl fmt::Display for PrivacyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PrivacyKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "access" => Ok(PrivacyKind::Access),
            "erasure" | "erase" => Ok(PrivacyKind::Erasure),
            "rectification" | "rectify" => Ok(PrivacyKind::Rectification),
            other => Err(CoreError::BadPrivacyRequest(format!(
                "unknown request kind `{other}` (access, erasure, rectification)"
            ))),
        }
    }
}

/// Where a request is on its way to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyStatus {
    /// Filed, not yet acted on.
    Pending,
    /// Acted on somewhere, waiting for the rest (laptops that have not synced yet).
    Processing,
    /// Done everywhere it had to be done.
    Completed,
}

impl PrivacyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PrivacyStatus::Pending => "pending",
            PrivacyStatus::Processing => "processing",
            PrivacyStatus::Completed => "completed",
        }
    }
}

impl fmt::Display for PrivacyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PrivacyStatus {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(PrivacyStatus::Pending),
            "processing" => Ok(PrivacyStatus::Processing),
            "completed" => Ok(PrivacyStatus::Completed),
            other => Err(CoreError::BadPrivacyRequest(format!(
                "unknown request status `{other}`"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_round_trip_through_text() {
        for k in [
            PrivacyKind::Access,
            PrivacyKind::Erasure,
            PrivacyKind::Rectification,
        ] {
            assert_eq!(k.as_str().parse::<PrivacyKind>().ok(), Some(k));
        }
        assert_eq!(
            "erase".parse::<PrivacyKind>().ok(),
            Some(PrivacyKind::Erasure)
        );
        assert!("delete".parse::<PrivacyKind>().is_err());
        for s in [
            PrivacyStatus::Pending,
            PrivacyStatus::Processing,
            PrivacyStatus::Completed,
        ] {
            assert_eq!(s.as_str().parse::<PrivacyStatus>().ok(), Some(s));
        }
    }
}
