//! The privacy tests' subject and small helpers (each test binary includes this file with
//! `#[path]`).
#![allow(dead_code)]

use pf_core::{Role, UserId};
use pf_server::ServerStore;
use pf_server::testing::add_user;

/// The person the privacy requests are about.
pub const EMAIL: &str = "jane.doe@acme.com";
pub const NAME: &str = "Jane Doe";

pub fn uid(s: &str) -> UserId {
    UserId::new(s).expect("user id")
}

/// A user without a team, and their token.
pub async fn user(store: &dyn ServerStore, id: &str, role: Role, name: Option<&str>) -> String {
    add_user(store, id, role, None, name).await.expect("user")
}

/// An error's status and code.
pub fn code(e: &pf_sync::SyncError) -> (Option<u16>, Option<&str>) {
    (e.status(), e.code())
}
