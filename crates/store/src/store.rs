//! Opening the encrypted database, and the transaction helper every repository writes through.

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};

use crate::key::{self, KeySource, PASSPHRASE_ENV, SALT_FILE};
use crate::{DB_FILE, StoreError, migrate};

/// How to open a store.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    data_dir: PathBuf,
    key: KeySource,
}

impl OpenOptions {
    /// Open (or create) `partnerforge.db` in `data_dir`, keyed by [`KeySource::Auto`].
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            key: KeySource::Auto,
        }
    }
    /// Chooses where the key comes from.
    pub fn key(mut self, key: KeySource) -> Self {
        self.key = key;
        self
    }
    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// Safety-relevant connection settings, for tests and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragmas {
    pub journal_mode: String,
    pub foreign_keys: bool,
    pub secure_delete: bool,
}

/// The open local store. One connection; `Send` but not `Sync` (wrap it in a mutex to share).
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    encrypted: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("encrypted", &self.encrypted)
            .finish()
    }
}

fn resolve_key(
    opts: &OpenOptions,
    db_path: &Path,
    db_exists: bool,
) -> Result<Option<key::HexKey>, StoreError> {
    let dir = &opts.data_dir;
    match &opts.key {
        KeySource::Unencrypted => Ok(None),
        KeySource::Passphrase(p) => key::from_passphrase(p, dir, db_exists).map(Some),
        KeySource::Keyring => key::from_keyring(db_path, db_exists).map(Some),
        KeySource::Auto => {
            if let Some(p) = std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()) {
                let p = zeroize::Zeroizing::new(p);
                return key::from_passphrase(&p, dir, db_exists).map(Some);
            }
            if dir.join(SALT_FILE).exists() {
                return Err(StoreError::NeedPassphrase {
                    path: db_path.to_path_buf(),
                });
            }
            match key::from_keyring(db_path, db_exists) {
                Err(StoreError::KeyringUnavailable { .. }) if !db_exists => {
                    Err(StoreError::NeedPassphrase {
                        path: db_path.to_path_buf(),
                    })
                }
                other => other.map(Some),
            }
        }
    }
}

/// Waits until SQLCipher can key connections. SQLCipher finishes its own start-up (its heap,
/// its crypto provider) after SQLite has marked itself initialised, and a connection keyed on
/// another thread in that moment fails with "An error occurred with PRAGMA key" (seen once in a
/// few hundred starts). The first caller keys a throwaway in-memory connection until that
/// works; every other caller waits for it. Cheap after the first call.
pub fn sqlcipher_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let key = format!("x'{}'", "00".repeat(32));
        for _ in 0..200 {
            let keyed = Connection::open_in_memory()
                .and_then(|c| c.pragma_update(None, "key", key.as_str()));
            if keyed.is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        tracing::warn!("SQLCipher was still not ready after a second; opening anyway");
    });
}

/// SQLite answers "busy" at once (without waiting) in a few cases, such as switching a new file
/// to WAL while another process opens it; those are retried for a short while.
fn retry_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut tries = 0;
    loop {
        match f() {
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) && tries < 200 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn retry_busy_store<T>(mut f: impl FnMut() -> Result<T, StoreError>) -> Result<T, StoreError> {
    let mut tries = 0;
    loop {
        match f() {
            Err(StoreError::Sqlite(e))
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) && tries < 200 =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

impl Store {
    /// Opens the store, creating the data directory and database when missing, and applies
    /// pending migrations. A wrong key is [`StoreError::WrongKey`], never a fresh empty database.
    pub fn open(opts: &OpenOptions) -> Result<Store, StoreError> {
        let dir = &opts.data_dir;
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::io(format!("creating {}", dir.display()), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        let path = dir.join(DB_FILE);
        let db_exists = path.metadata().map(|m| m.len() > 0).unwrap_or(false);
        let key = resolve_key(opts, &path, db_exists)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        sqlcipher_ready();
        let conn = Connection::open_with_flags(&path, flags)?;
        // Before anything that takes a lock: another process may be opening the same store.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let encrypted = key.is_some();
        if let Some(key) = &key {
            let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
            let literal = zeroize::Zeroizing::new(format!("x'{}'", key.as_str()));
            conn.pragma_update(None, "key", literal.as_str())?;
        }
        // The first read is where SQLCipher notices a wrong key.
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            return Err(match e.sqlite_error_code() {
                Some(ErrorCode::NotADatabase) => StoreError::WrongKey { path },
                _ => StoreError::Sqlite(e),
            });
        }
        retry_busy(|| {
            conn.execute_batch(
                "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;
             PRAGMA busy_timeout = 5000;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -65536;",
            )
        })?;
        let mut store = Store {
            conn,
            path,
            encrypted,
        };
        retry_busy_store(|| migrate::apply(&mut store.conn))?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is encrypted (false only for [`KeySource::Unencrypted`]).
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The schema version (the number of applied migrations).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrate::current_version(&self.conn)
    }

    /// The safety-relevant pragmas as the connection reports them.
    pub fn pragmas(&self) -> Result<Pragmas, StoreError> {
        let get = |name: &str| -> Result<String, StoreError> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })?)
        };
        Ok(Pragmas {
            journal_mode: get("journal_mode")?,
            foreign_keys: get("foreign_keys")? == "1",
            secure_delete: get("secure_delete")? == "1",
        })
    }

    /// Writes WAL content back into the main file and truncates the WAL (before copying or
    /// inspecting the file, and after an erasure so no old page stays in the WAL). Retried
    /// while another connection holds a read snapshot.
    pub fn checkpoint_wal(&self) -> Result<(), StoreError> {
        for attempt in 0..50 {
            let busy: i64 = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            if busy == 0 {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(20 * (attempt + 1)));
        }
        Err(StoreError::Invalid(
            "the write-ahead log could not be checkpointed: another reader keeps it busy".into(),
        ))
    }

    /// Runs `f` inside one transaction (a savepoint when one is already open): all or nothing.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.conn.is_autocommit() {
            let tx = self.conn.unchecked_transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        } else {
            self.conn.execute_batch("SAVEPOINT pf_write")?;
            match f(&self.conn) {
                Ok(out) => {
                    self.conn.execute_batch("RELEASE pf_write")?;
                    Ok(out)
                }
                Err(e) => {
                    let _ = self
                        .conn
                        .execute_batch("ROLLBACK TO pf_write; RELEASE pf_write");
                    Err(e)
                }
            }
        }
    }

    /// Runs many writes as one transaction (imports, benchmarks): much faster than one each.
    pub fn batch<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(self)?;
        tx.commit()?;
        Ok(out)
    }
}

// The database's health: SQLite's own integrity check (run after a crash or a kill to prove
// nothing is corrupt), and a page limit that makes the database "full" on purpose, so that tests
// and diagnostics can exercise a full disk on any machine.

/// SQLite's largest page count, which is also its default limit (no limit in practice).
const NO_PAGE_LIMIT: u64 = 4_294_967_294;

impl Store {
    /// `PRAGMA integrity_check`: `Ok(())` when SQLite finds nothing wrong, else
    /// [`StoreError::Corrupt`] with the problems it listed.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        if lines.len() == 1 && lines[0] == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(lines.join("; ")))
        }
    }

    /// The database's size in pages.
    pub fn page_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Caps the database at `pages` pages for this connection (`None` lifts the cap); a write
    /// that needs more fails with [`StoreError::DiskFull`], exactly as on a full disk. SQLite
    /// never sets the cap below the current size; the cap in force is returned.
    pub fn set_max_page_count(&self, pages: Option<u64>) -> Result<u64, StoreError> {
        let pages = pages.unwrap_or(NO_PAGE_LIMIT).min(NO_PAGE_LIMIT);
        let n: i64 = self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
