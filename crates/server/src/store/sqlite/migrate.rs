//! Numbered migrations from `migrations/server/sqlite/`, embedded at build time and applied at
//! open, in order, each in its own transaction. The schema version is SQLite's `user_version`.

use rusqlite::Connection;

use crate::ServerError;

include!(concat!(env!("OUT_DIR"), "/sqlite_migrations.rs"));

/// The schema version this build knows.
pub(crate) fn latest() -> u32 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

fn current_version(conn: &Connection) -> Result<u32, ServerError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    u32::try_from(v).map_err(|_| ServerError::Corrupt(format!("schema version {v}")))
}

/// Applies every migration newer than the database. Refuses a database newer than the server.
pub(crate) fn apply(conn: &mut Connection) -> Result<(), ServerError> {
    let found = current_version(conn)?;
    let supported = latest();
    if found > supported {
        return Err(ServerError::TooNew { found, supported });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if current_version(&tx)? >= *version {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| ServerError::Migration {
                name: (*name).to_owned(),
                source,
            })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(migration = name, "applied server migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_and_a_newer_database_is_refused() {
        for (i, (v, name, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1, "{name}");
            assert!(!sql.trim().is_empty(), "{name} is empty");
        }
        let mut conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        apply(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        apply(&mut conn).unwrap_or_else(|e| panic!("second apply: {e}"));
        conn.pragma_update(None, "user_version", latest() + 1)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(apply(&mut conn), Err(ServerError::TooNew { .. })));
    }
}
