//! The one error type of `pf-store`. Messages never contain keys or passphrases.

use std::path::PathBuf;

/// Everything that can go wrong in the store, each with a stable [`StoreError::code`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database key or passphrase is wrong, or {path} is not a PartnerForge database")]
    WrongKey { path: PathBuf },
    #[error(
        "{path} was created with the OS keyring, but its key is not in the keyring; refusing to create a new database over it"
    )]
    KeyMissing { path: PathBuf },
    #[error(
        "{path} is protected by a passphrase: set PARTNERFORGE_PASSPHRASE or enter it when asked"
    )]
    NeedPassphrase { path: PathBuf },
    #[error(
        "{path} is keyed by the OS keyring, not by a passphrase: unset PARTNERFORGE_PASSPHRASE to open it"
    )]
    NotPassphraseKeyed { path: PathBuf },
    #[error("no usable OS keyring ({reason}); set PARTNERFORGE_PASSPHRASE or give a passphrase")]
    KeyringUnavailable { reason: String },
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    #[error(
        "the database has schema version {found}, newer than this app supports ({supported}); update PartnerForge"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: String,
        source: rusqlite::Error,
    },
    #[error("no data directory: pass --data-dir or set PARTNERFORGE_DATA_DIR")]
    NoDataDir,
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("unsourced intelligence refused: every fact needs a source")]
    Unsourced,
    #[error("account `{0}` not found")]
    AccountNotFound(String),
    #[error("cannot import: {0}")]
    Import(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the secret is empty")]
    EmptySecret,
    #[error("an account needs a domain")]
    MissingDomain,
    #[error("invalid value in the database: {0}")]
    Corrupt(String),
    #[error("key derivation failed")]
    KeyDerivation,
    /// SQLite's `SQLITE_FULL`: the disk (or the database's page limit) has no room. The write
    /// that hit it was rolled back whole; everything committed before it is intact.
    #[error("the disk is full: nothing was written; free space and retry")]
    DiskFull {
        #[source]
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Core(#[from] pf_core::CoreError),
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// A stable, machine-readable code the UI and API branch on.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey { .. } => "store.wrong_key",
            StoreError::KeyMissing { .. } => "store.key_missing",
            StoreError::NeedPassphrase { .. } => "store.need_passphrase",
            StoreError::NotPassphraseKeyed { .. } => "store.not_passphrase_keyed",
            StoreError::KeyringUnavailable { .. } => "store.keyring_unavailable",
            StoreError::EmptyPassphrase => "store.empty_passphrase",
            StoreError::TooNew { .. } => "store.too_new",
            StoreError::Migration { .. } => "store.migration",
            StoreError::NoDataDir => "store.no_data_dir",
            StoreError::Io { .. } => "store.io",
            StoreError::Unsourced => "store.unsourced",
            StoreError::AccountNotFound(_) => "store.account_not_found",
            StoreError::MissingDomain => "store.missing_domain",
            StoreError::EmptySecret => "store.empty_secret",
            StoreError::Invalid(_) => "store.invalid",
            StoreError::Import(_) => "store.import",
            StoreError::Corrupt(_) => "store.corrupt",
            StoreError::KeyDerivation => "store.key_derivation",
            StoreError::DiskFull { .. } => "store.disk_full",
            StoreError::Core(e) => e.code(),
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::Json(_) => "store.json",
        }
    }

    /// True for [`StoreError::DiskFull`] and for an I/O error that says the device is full.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::DiskFull { .. } => true,
            StoreError::Io { source, .. } => source.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }

    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io {
            what: what.into(),
            source,
        }
    }
}

/// Every SQLite error enters the store's error type here, so that a full disk is always
/// [`StoreError::DiskFull`] (with its own code) rather than a generic database error.
impl From<rusqlite::Error> for StoreError {
    fn from(source: rusqlite::Error) -> Self {
        if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            StoreError::DiskFull { source }
        } else {
            StoreError::Sqlite(source)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_full_becomes_disk_full_with_its_own_code() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        let e = StoreError::from(full);
        assert_eq!(e.code(), "store.disk_full");
        assert!(e.is_disk_full());
        assert!(e.to_string().contains("disk is full"), "{e}");
        let other = StoreError::from(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(other.code(), "store.sqlite");
        assert!(!other.is_disk_full());
    }
}
