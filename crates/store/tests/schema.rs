//! The schema itself refuses unsourced intelligence and keeps migrations honest.

mod common;

use common::*;
use pf_store::{DB_FILE, KeySource, OpenOptions, Store};
use rusqlite::Connection;

fn plain_store(dir: &std::path::Path) -> Store {
    Store::open(&OpenOptions::new(dir).key(KeySource::Unencrypted)).expect("open")
}

#[test]
fn the_schema_refuses_intelligence_without_a_named_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = plain_store(dir.path());
    let id = store
        .upsert_account(&account("costco.com", "Costco"))
        .expect("insert")
        .id();
    drop(store);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    let insert = |sources: &str| {
        conn.execute(
            "INSERT INTO intelligence (account_id, module, data, sources, fetched_at, expires_at)
             VALUES (?1, 'M02', '{}', ?2, '2026-01-01T00:00:00.000000Z', '2026-02-01T00:00:00.000000Z')",
            rusqlite::params![id.to_string(), sources],
        )
    };
    assert!(insert("[]").is_err(), "empty source list accepted");
    assert!(insert("null").is_err(), "null sources accepted");
    assert!(
        insert(r#"[{"endpoint":"x","fetched_at":"2026-01-01T00:00:00Z"}]"#).is_err(),
        "source without a name accepted"
    );
    assert!(
        insert(r#"[{"source":"","endpoint":"x","fetched_at":"2026-01-01T00:00:00Z"}]"#).is_err(),
        "blank source accepted"
    );
    assert!(
        insert(r#"[{"source":"website","endpoint":"x","fetched_at":"2026-01-01T00:00:00Z"}]"#)
            .is_ok(),
        "a cited row must pass"
    );
    let bad_module = conn.execute(
        "INSERT INTO intelligence (account_id, module, data, sources, fetched_at, expires_at)
         VALUES (?1, 'M00', '{}', '[{\"source\":\"website\",\"fetched_at\":\"x\"}]', 'a', 'b')",
        [id.to_string()],
    );
    assert!(bad_module.is_err(), "module M00 accepted");
}

#[test]
fn a_database_from_a_newer_app_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(plain_store(dir.path()));
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    conn.pragma_update(None, "user_version", 999)
        .expect("bump version");
    drop(conn);
    let err = Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted))
        .expect_err("too new");
    assert_eq!(err.code(), "store.too_new");
    assert!(err.to_string().contains("999"), "{err}");
}

#[test]
fn tables_are_strict() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(plain_store(dir.path()));
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    let wrong_type = conn.execute(
        "INSERT INTO usage_log (at, user_id, source, endpoint, cost_micros, status, duration_ms)
         VALUES ('t', 'u', 's', 'e', 'lots', 'ok', 1)",
        [],
    );
    assert!(
        wrong_type.is_err(),
        "STRICT tables must refuse text in an INTEGER column"
    );
}

#[test]
fn two_processes_opening_a_new_store_at_once_both_succeed() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_path_buf();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let p = path.clone();
                std::thread::spawn(move || {
                    Store::open(&OpenOptions::new(&p).key(KeySource::Unencrypted)).map(|_| ())
                })
            })
            .collect();
        for h in handles {
            h.join()
                .expect("thread")
                .expect("every concurrent open succeeds");
        }
    }
}
