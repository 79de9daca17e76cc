//! The database key and API keys: the OS keyring, or a key derived from a passphrase.
//!
//! Keyring mode: 32 random bytes, hex-encoded, kept in the OS keyring under
//! [`KEYRING_SERVICE`] (Secret Service where a session bus offers one, else the kernel keyring on
//! Linux; Keychain and Credential Manager elsewhere). Passphrase mode: Argon2id over the
//! passphrase and a random salt kept beside the database in [`SALT_FILE`]. Key material lives in
//! [`Zeroizing`] buffers and never reaches a log line or an error message.

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::Path;
use zeroize::Zeroizing;

use crate::StoreError;

/// The keyring service name every PartnerForge secret is filed under.
pub const KEYRING_SERVICE: &str = "partnerforge";
/// The environment variable holding a passphrase; when set it wins over the keyring.
pub const PASSPHRASE_ENV: &str = "PARTNERFORGE_PASSPHRASE";
/// The file beside the database that holds the passphrase salt and KDF parameters.
pub const SALT_FILE: &str = "partnerforge.salt";

/// Where the database key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// `PARTNERFORGE_PASSPHRASE` if set, else the passphrase a salt file asks for, else the keyring.
    Auto,
    /// A passphrase the user gave.
    Passphrase(String),
    /// The OS keyring only.
    Keyring,
    /// No encryption at all: only for measuring what encryption costs (benchmarks).
    Unencrypted,
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeySource::Auto => "Auto",
            KeySource::Passphrase(_) => "Passphrase(<redacted>)",
            KeySource::Keyring => "Keyring",
            KeySource::Unencrypted => "Unencrypted",
        })
    }
}

/// A raw 32-byte SQLCipher key, as the hex text SQLCipher's `PRAGMA key = "x'...'"` takes.
pub(crate) type HexKey = Zeroizing<String>;

#[derive(Serialize, Deserialize)]
struct SaltFile {
    kdf: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

fn hex(bytes: &[u8]) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::with_capacity(bytes.len() * 2));
    for b in bytes {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

fn random_bytes<const N: usize>() -> Zeroizing<[u8; N]> {
    let mut b = Zeroizing::new([0_u8; N]);
    rand::rng().fill_bytes(b.as_mut());
    b
}

/// Derives the key from a passphrase. A new database gets a new salt file; an existing one must
/// already have one (else it was made with the keyring).
pub(crate) fn from_passphrase(
    passphrase: &str,
    dir: &Path,
    db_exists: bool,
) -> Result<HexKey, StoreError> {
    if passphrase.is_empty() {
        return Err(StoreError::EmptyPassphrase);
    }
    let salt_path = dir.join(SALT_FILE);
    let salt_file = if salt_path.exists() {
        let text = std::fs::read_to_string(&salt_path)
            .map_err(|e| StoreError::io("reading the salt file", e))?;
        serde_json::from_str::<SaltFile>(&text)
            .map_err(|_| StoreError::Corrupt(format!("{} is damaged", salt_path.display())))?
    } else if db_exists {
        return Err(StoreError::NotPassphraseKeyed {
            path: dir.join(crate::DB_FILE),
        });
    } else {
        let salt = random_bytes::<16>();
        let file = SaltFile {
            kdf: "argon2id".into(),
            m_kib: 19_456,
            t: 2,
            p: 1,
            salt: hex(salt.as_ref()).to_string(),
        };
        let text = serde_json::to_string_pretty(&file)?;
        std::fs::write(&salt_path, text).map_err(|e| StoreError::io("writing the salt file", e))?;
        file
    };
    let salt = unhex(&salt_file.salt).ok_or_else(|| StoreError::Corrupt("bad salt".into()))?;
    let params = Params::new(salt_file.m_kib, salt_file.t, salt_file.p, Some(32))
        .map_err(|_| StoreError::KeyDerivation)?;
    let mut out = Zeroizing::new([0_u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
        .map_err(|_| StoreError::KeyDerivation)?;
    Ok(hex(out.as_ref()))
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The keyring account name of a secret that belongs to one database file (`KIND:<path>`):
/// two stores on one machine never share it.
pub(crate) fn per_database(kind: &str, db_path: &Path) -> String {
    let canonical = db_path
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .map(|p| p.join(crate::DB_FILE));
    format!(
        "{kind}:{}",
        canonical.as_deref().unwrap_or(db_path).display()
    )
}

/// The keyring account name of a database key: one per database file.
fn db_key_user(db_path: &Path) -> String {
    per_database("database-key", db_path)
}

/// Reads the database key from the keyring, or creates one for a new database.
pub(crate) fn from_keyring(db_path: &Path, db_exists: bool) -> Result<HexKey, StoreError> {
    let user = db_key_user(db_path);
    match crate::key::secret::get(&user)? {
        Some(k) if k.len() == 64 && unhex(&k).is_some() => Ok(k),
        Some(_) => Err(StoreError::Corrupt(
            "the keyring entry for the database key is damaged".into(),
        )),
        None if db_exists => Err(StoreError::KeyMissing {
            path: db_path.to_path_buf(),
        }),
        None => {
            let key = hex(random_bytes::<32>().as_ref());
            crate::key::secret::set(&user, &key)?;
            Ok(key)
        }
    }
}

/// Removes a keyring-keyed database's key from the keyring: the database becomes unreadable
/// for good. Used when a store is destroyed on purpose.
pub fn delete_database_key(data_dir: &Path) -> Result<bool, StoreError> {
    secret::delete(&db_key_user(&data_dir.join(crate::DB_FILE)))
}

pub(crate) mod secret;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_derivation_is_stable_for_the_same_salt_and_differs_by_passphrase() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = from_passphrase("correct horse", dir.path(), false).expect("derive");
        let b = from_passphrase("correct horse", dir.path(), true).expect("derive again");
        let c = from_passphrase("wrong horse", dir.path(), true).expect("derive other");
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
        assert_eq!(a.len(), 64);
        let salt = std::fs::read_to_string(dir.path().join(SALT_FILE)).expect("salt file");
        assert!(!salt.contains("correct horse"));
    }

    #[test]
    fn an_existing_keyring_database_is_not_opened_by_passphrase() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = from_passphrase("pw", dir.path(), true)
            .err()
            .map(|e| e.code());
        assert_eq!(err, Some("store.not_passphrase_keyed"));
    }

    #[test]
    fn key_source_debug_never_shows_the_passphrase() {
        let shown = format!("{:?}", KeySource::Passphrase("hunter2".into()));
        assert!(!shown.contains("hunter2"));
    }
}
