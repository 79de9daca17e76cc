//! The real OS keyring path: Secret Service (gnome-keyring over D-Bus) or the kernel keyring.
//! Needs a keyring session; `scripts/test.sh` provides one (keyctl session + dbus-run-session +
//! an unlocked gnome-keyring-daemon).

mod common;

use common::*;
use pf_core::SourceId;
use pf_store::{DB_FILE, KeySource, OpenOptions, Store, delete_database_key};

const NEEDS: &str = "needs a keyring session: run through scripts/test.sh";

fn open_keyring(dir: &std::path::Path) -> Result<Store, pf_store::StoreError> {
    Store::open(&OpenOptions::new(dir).key(KeySource::Keyring))
}

#[test]
#[ignore = "needs a keyring session: run through scripts/test.sh"]
fn a_keyring_keyed_store_reopens_and_its_key_is_nowhere_on_disk() {
    let _ = NEEDS;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_keyring(dir.path()).expect("create with a new keyring key");
    assert!(store.is_encrypted());
    store
        .upsert_account(&account("wayfair.com", "Wayfair"))
        .expect("insert");
    store.checkpoint_wal().expect("checkpoint");
    drop(store);
    assert!(
        !dir.path().join(pf_store::SALT_FILE).exists(),
        "keyring mode writes no salt file"
    );
    let store = open_keyring(dir.path()).expect("reopen with the stored key");
    assert_eq!(store.count_accounts().expect("count"), 1);
    drop(store);
    let bytes = std::fs::read(dir.path().join(DB_FILE)).expect("db");
    assert!(
        !String::from_utf8_lossy(&bytes)
            .to_lowercase()
            .contains("wayfair")
    );

    // Without the key, the store is refused, and never replaced by a new empty one.
    assert!(delete_database_key(dir.path()).expect("delete key"));
    let err = open_keyring(dir.path()).expect_err("key gone");
    assert_eq!(err.code(), "store.key_missing");
    let len = std::fs::metadata(dir.path().join(DB_FILE))
        .expect("still there")
        .len();
    assert!(len > 0);
}

#[test]
#[ignore = "needs a keyring session: run through scripts/test.sh"]
fn api_keys_go_to_the_keyring_and_only_their_names_to_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let builtwith = SourceId::new("builtwith").expect("source");
    let secret = "bw-live-9f8e7d6c5b4a-SECRET";
    store.set_api_key(&builtwith, secret).expect("set");
    let names = store.api_key_names().expect("names");
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].0, builtwith);
    assert_eq!(
        store
            .api_key(&builtwith)
            .expect("get")
            .as_deref()
            .map(String::as_str),
        Some(secret)
    );
    store.checkpoint_wal().expect("checkpoint");
    drop(store);

    // Decrypt the database with its key and look for the secret in every table.
    let store = open(dir.path());
    let dump = format!("{:?}", store.api_key_names().expect("names"));
    assert!(!dump.contains(secret));
    assert!(store.delete_api_key(&builtwith).expect("delete"));
    assert!(store.api_key(&builtwith).expect("get").is_none());
    assert!(store.api_key_names().expect("names").is_empty());
    let err = store.set_api_key(&builtwith, "   ").expect_err("empty");
    assert_eq!(err.code(), "store.empty_secret");
}

#[test]
#[ignore = "needs a keyring session: run through scripts/test.sh"]
fn each_store_keeps_its_own_sync_token_and_a_logout_leaves_the_others() {
    let (a_dir, b_dir) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let (a, b) = (open(a_dir.path()), open(b_dir.path()));
    let profile = |user: &str| pf_store::SyncProfile {
        user: pf_core::UserId::new(user).expect("user"),
        role: pf_core::Role::Ae,
        team: None,
        team_name: None,
        display_name: None,
        territories: vec![],
        offline_allowance_micros: 0,
    };
    a.set_sync_login(
        "https://sync.a.test",
        &profile("ana@a.test"),
        "pfs_token_of_a",
    )
    .expect("login a");
    b.set_sync_login(
        "https://sync.b.test",
        &profile("bo@b.test"),
        "pfs_token_of_b",
    )
    .expect("login b");
    let token = |s: &Store| s.sync_token().expect("read").map(|t| t.to_string());
    assert_eq!(token(&a).as_deref(), Some("pfs_token_of_a"));
    assert_eq!(token(&b).as_deref(), Some("pfs_token_of_b"));

    assert!(a.clear_sync_login().expect("logout a"));
    assert_eq!(token(&a), None, "a's token is gone");
    assert_eq!(
        token(&b).as_deref(),
        Some("pfs_token_of_b"),
        "b is still logged in"
    );
    assert!(b.clear_sync_login().expect("logout b"));
    assert_eq!(token(&b), None);
}
