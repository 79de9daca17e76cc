//! The database is unreadable without its key, and a wrong key never replaces it.

mod common;

use common::*;
use pf_store::{DB_FILE, KeySource, OpenOptions, SALT_FILE, Store};

#[test]
fn the_file_holds_no_plaintext_and_plain_sqlite_refuses_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    store
        .upsert_account(&account("costco.com", "Costco Wholesale Zebrafruit"))
        .expect("insert");
    store.checkpoint_wal().expect("checkpoint");
    drop(store);
    let mut bytes = std::fs::read(dir.path().join(DB_FILE)).expect("read db");
    if let Ok(wal) = std::fs::read(dir.path().join(format!("{DB_FILE}-wal"))) {
        bytes.extend(wal);
    }
    let hay = String::from_utf8_lossy(&bytes).to_lowercase();
    for needle in ["zebrafruit", "costco", "sqlite format 3", "create table"] {
        assert!(
            !hay.contains(needle),
            "`{needle}` is readable in the database file"
        );
    }
    // A plain (non-SQLCipher) SQLite refuses the file: use the sqlite3 tool when present.
    if let Ok(out) = std::process::Command::new("sqlite3")
        .arg(dir.path().join(DB_FILE))
        .arg("SELECT * FROM accounts;")
        .output()
    {
        assert!(
            !out.status.success(),
            "plain sqlite3 read the encrypted file"
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a database"));
    }
}

#[test]
fn a_wrong_passphrase_is_a_clear_error_and_the_data_survives() {
    let dir = tempfile::tempdir().expect("tempdir");
    open(dir.path())
        .upsert_account(&account("target.com", "Target"))
        .expect("insert");
    let err =
        open_with_passphrase(dir.path(), "not the passphrase").expect_err("wrong key must fail");
    assert_eq!(err.code(), "store.wrong_key");
    assert!(
        !err.to_string().contains("not the passphrase"),
        "the error names the passphrase"
    );
    let store = open(dir.path());
    assert_eq!(
        store.count_accounts().expect("count"),
        1,
        "the data is still there"
    );
}

#[test]
fn a_passphrase_store_needs_its_passphrase_when_opened_automatically() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(open(dir.path()));
    assert!(dir.path().join(SALT_FILE).exists());
    // SAFETY of the test: this test binary does not set PARTNERFORGE_PASSPHRASE anywhere else.
    if std::env::var_os(pf_store::PASSPHRASE_ENV).is_none() {
        let err = Store::open(&OpenOptions::new(dir.path())).expect_err("needs a passphrase");
        assert_eq!(err.code(), "store.need_passphrase");
    }
}

#[test]
fn the_salt_file_holds_no_key_material_and_the_key_is_never_in_the_db() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(open(dir.path()));
    let salt = std::fs::read_to_string(dir.path().join(SALT_FILE)).expect("salt");
    assert!(salt.contains("argon2id"));
    assert!(!salt.contains(PASSPHRASE));
}

#[test]
fn an_unencrypted_store_is_plain_sqlite_for_benchmark_comparison() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
    assert!(!store.is_encrypted());
    store
        .upsert_account(&account("ikea.com", "IKEA"))
        .expect("insert");
    store.checkpoint_wal().expect("checkpoint");
    let bytes = std::fs::read(dir.path().join(DB_FILE)).expect("read");
    assert!(bytes.starts_with(b"SQLite format 3"));
}

#[test]
fn pragmas_are_set_for_safety() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    assert!(store.is_encrypted());
    assert_eq!(store.schema_version().expect("version"), 8);
    let opts = store.pragmas().expect("pragmas");
    assert_eq!(opts.journal_mode, "wal");
    assert!(opts.foreign_keys);
    assert!(opts.secure_delete);
}
