//! Numbered migrations from `migrations/server/postgres/`, embedded at build time and applied at
//! open, in order, each in its own transaction (PostgreSQL's DDL is transactional). The applied
//! versions are rows of `pf_schema_migrations`. Servers starting together take turns through a
//! transaction-level advisory lock, and each re-reads the version under it.

use deadpool_postgres::{GenericClient, Object};

use super::ctx::{execute, query_one};
use crate::ServerError;
use crate::store::{Result, to_ms};

include!(concat!(env!("OUT_DIR"), "/postgres_migrations.rs"));

/// The key of the advisory lock held while migrating (`PFMIGRAT`).
const MIGRATE_LOCK: i64 = 0x5046_4d49_4752_4154;

/// The schema version this build knows.
pub(crate) fn latest() -> u32 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

async fn lock<C: GenericClient>(c: &C) -> Result<()> {
    execute(c, "SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK]).await?;
    Ok(())
}

async fn current_version<C: GenericClient>(c: &C) -> Result<u32> {
    let v: i32 = query_one(
        c,
        "SELECT COALESCE(MAX(version), 0) FROM pf_schema_migrations",
        &[],
    )
    .await?
    .try_get(0)?;
    u32::try_from(v).map_err(|_| ServerError::Corrupt(format!("schema version {v}")))
}

/// Applies every migration newer than the database. Refuses a database newer than the server.
pub(super) async fn apply(client: &mut Object) -> Result<()> {
    let tx = client.transaction().await?;
    lock(&tx).await?;
    let exists: Option<String> =
        query_one(&tx, "SELECT to_regclass('pf_schema_migrations')::text", &[])
            .await?
            .try_get(0)?;
    if exists.is_none() {
        tx.batch_execute(
            "CREATE TABLE pf_schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at BIGINT NOT NULL
             )",
        )
        .await?;
    }
    let found = current_version(&tx).await?;
    tx.commit().await?;
    let supported = latest();
    if found > supported {
        return Err(ServerError::TooNew { found, supported });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let tx = client.transaction().await?;
        lock(&tx).await?;
        if current_version(&tx).await? >= *version {
            continue;
        }
        tx.batch_execute(sql)
            .await
            .map_err(|source| ServerError::PgMigration {
                name: (*name).to_owned(),
                source,
            })?;
        let v = i32::try_from(*version)
            .map_err(|_| ServerError::Internal(format!("migration number {version}")))?;
        execute(
            &tx,
            "INSERT INTO pf_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&v, name, &to_ms(time::OffsetDateTime::now_utc())],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(migration = name, "applied server migration (PostgreSQL)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_and_match_the_sqlite_ones() {
        for (i, (v, name, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1, "{name}");
            assert!(!sql.trim().is_empty(), "{name} is empty");
        }
        let sqlite = crate::store::sqlite::migration_names();
        let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.1).collect();
        assert_eq!(
            names, sqlite,
            "every schema change is made on both backends, under the same number and name"
        );
    }
}
