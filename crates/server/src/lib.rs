//! The PartnerForge sync server: the one place where an organisation's rules live. It hands each
//! laptop what it may see (assignments, territories, budgets, prices, flags, retention) through a
//! cursor-paged change feed, takes usage records idempotently, reserves budget atomically under a
//! hard cap, leases rate-limit allowances per source, and serves the admin API.
//!
//! What belongs here: the HTTP layer (axum), the storage trait [`ServerStore`] and its SQLite
//! ([`SqliteStore`]) and PostgreSQL ([`PgStore`]) implementations, the policy that applies `pf_core::can` to every endpoint and row, tokens,
//! metrics, and the `partnerforge-server` binary's commands. Wire types live in `pf-sync`; domain
//! rules in `pf-core`. Nothing here depends on the laptop's store, the engine or Tauri.
#![forbid(unsafe_code)]

pub mod app;
pub mod auth;
pub mod error;
pub mod http;
pub mod policy;
pub mod retention;
pub mod store;
pub mod testing;

pub use app::{Backend, ServeConfig, TlsFiles, init, issue_token, open_store, serve};
pub use error::ServerError;
pub use store::{PgStore, ServerStore, SqliteStore};
