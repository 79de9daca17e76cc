//! The store under a server test, kept concrete for what only its backend can do: run raw SQL
//! beside the store (to check triggers, or to break something on purpose) and read the bytes
//! its database holds on disk. Each test binary uses a part of it.
#![allow(dead_code)]

use pf_server::testing::{TEST_DATABASE_ENV, TestBackend, fresh_postgres};
use pf_server::{PgStore, ServerStore, SqliteStore};
use std::sync::Arc;

/// The store under test, kept concrete for what only its backend can do.
pub enum Concrete {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Concrete {
    pub async fn new(backend: TestBackend) -> Self {
        match backend {
            TestBackend::Sqlite => Concrete::Sqlite(SqliteStore::open_temp().expect("sqlite")),
            TestBackend::Postgres => Concrete::Postgres(fresh_postgres().await.expect("postgres")),
        }
    }

    pub fn shared(&self) -> Arc<dyn ServerStore> {
        match self {
            Concrete::Sqlite(s) => Arc::new(s.clone()),
            Concrete::Postgres(s) => Arc::new(s.clone()),
        }
    }

    /// Runs `sql` on a connection of its own, outside the store: the error text on failure.
    pub async fn raw(&self, sql: &str) -> Result<(), String> {
        match self {
            Concrete::Sqlite(s) => {
                let conn = rusqlite::Connection::open(s.path()).map_err(|e| e.to_string())?;
                conn.execute_batch(sql).map_err(|e| e.to_string())
            }
            Concrete::Postgres(s) => {
                let client = Self::pg_client(s).await;
                client.batch_execute(sql).await.map_err(|e| {
                    e.as_db_error()
                        .map_or_else(|| e.to_string(), |d| d.message().to_owned())
                })
            }
        }
    }

    /// A connection of the test's own to the store's PostgreSQL database.
    async fn pg_client(s: &PgStore) -> tokio_postgres::Client {
        let url = std::env::var(TEST_DATABASE_ENV).expect("postgres url");
        let mut config: tokio_postgres::Config = url.parse().expect("url");
        config.dbname(s.target().rsplit('/').next().expect("database name"));
        let (client, conn) = config
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        client
    }

    /// Every byte the database holds in its files. SQLite: the file and its write-ahead log
    /// as they are (after a checkpoint when `checkpoint`: the control before an erasure; after
    /// one the store must have checkpointed by itself). PostgreSQL: after a `CHECKPOINT` (dirty
    /// buffers written), every table, index and TOAST file of the database, catalogs included
    /// (`scripts/postgres.sh` lets the test role checkpoint and see the data directory; reading
    /// the files needs the local cluster).
    pub async fn disk_bytes(&self, checkpoint: bool) -> Vec<u8> {
        match self {
            Concrete::Sqlite(s) => {
                if checkpoint {
                    s.checkpoint().await.expect("checkpoint");
                }
                let mut bytes = std::fs::read(s.path()).expect("db file");
                let wal = s.path().with_extension("sqlite3-wal");
                bytes.extend(std::fs::read(wal).unwrap_or_default());
                bytes
            }
            Concrete::Postgres(s) => {
                let c = Self::pg_client(s).await;
                c.batch_execute("CHECKPOINT").await.expect("CHECKPOINT");
                let dir: String = c
                    .query_one("SHOW data_directory", &[])
                    .await
                    .expect("data_directory")
                    .get(0);
                let rows = c
                    .query(
                        "SELECT pg_relation_filepath(oid) FROM pg_class
                         WHERE pg_relation_filepath(oid) IS NOT NULL",
                        &[],
                    )
                    .await
                    .expect("relations");
                let mut bytes = Vec::new();
                for r in &rows {
                    let base = std::path::Path::new(&dir).join(r.get::<_, String>(0));
                    // The main file and its 1 GB segments `.1`, `.2`, ...
                    for seg in 0.. {
                        let path = if seg == 0 {
                            base.clone()
                        } else {
                            base.with_extension(seg.to_string())
                        };
                        match std::fs::read(&path) {
                            Ok(b) => bytes.extend(b),
                            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                            Err(e) => panic!(
                                "{}: {e} (the test reads PostgreSQL's files: it needs the local cluster scripts/postgres.sh starts)",
                                path.display()
                            ),
                        }
                    }
                }
                assert!(
                    bytes.len() > 1_000_000,
                    "the database's files were read ({} bytes)",
                    bytes.len()
                );
                bytes
            }
        }
    }
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
