//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use pf_core::{Domain, Intelligence, NewAccount, SourceId, SourceRef};
use pf_store::{KeySource, OpenOptions, Store};
use std::path::Path;
use time::OffsetDateTime;

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn open_with_passphrase(dir: &Path, passphrase: &str) -> Result<Store, pf_store::StoreError> {
    Store::open(&OpenOptions::new(dir).key(KeySource::Passphrase(passphrase.into())))
}

pub fn open(dir: &Path) -> Store {
    open_with_passphrase(dir, PASSPHRASE).expect("open store")
}

pub fn account(domain: &str, name: &str) -> NewAccount {
    NewAccount {
        domain: Some(Domain::parse(domain).expect("valid domain")),
        name: Some(name.to_owned()),
        ..NewAccount::default()
    }
}

pub fn cite(source: &str, at: OffsetDateTime) -> SourceRef {
    SourceRef::new(
        SourceId::new(source).expect("source name"),
        "test",
        None,
        at,
        0.9,
    )
    .expect("source ref")
}

pub fn intel(data: serde_json::Value, source: &str, at: OffsetDateTime) -> Intelligence {
    Intelligence::new(data, cite(source, at), [])
}
