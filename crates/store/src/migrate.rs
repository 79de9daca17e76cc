//! Numbered migrations from `migrations/store/`, embedded at build time and applied at open,
//! in order, each in its own transaction. The schema version is SQLite's `user_version`.

use rusqlite::Connection;

use crate::StoreError;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build knows.
pub(crate) fn latest() -> u32 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

pub(crate) fn current_version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("schema version {v}")))
}

/// Applies every migration newer than the database. Refuses a database newer than the app.
pub(crate) fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let found = current_version(conn)?;
    let supported = latest();
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        // IMMEDIATE takes the write lock first, so two processes opening a new store at once
        // (the app and the CLI) apply each migration once: the second sees it done and skips.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if current_version(&tx)? >= *version {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration {
                name: (*name).to_owned(),
                source,
            })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(migration = name, "applied store migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (i, (v, name, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1, "{name}");
            assert!(!sql.trim().is_empty(), "{name} is empty");
        }
    }

    #[test]
    fn applying_twice_is_a_no_op_and_a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        apply(&mut conn).expect("first apply");
        apply(&mut conn).expect("second apply changes nothing");
        assert_eq!(current_version(&conn).ok(), Some(latest()));
        conn.pragma_update(None, "user_version", latest() + 1)
            .expect("bump");
        let err = apply(&mut conn).err().map(|e| e.code());
        assert_eq!(err, Some("store.too_new"));
    }
}
