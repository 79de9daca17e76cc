//! The storage conformance suite on both backends: each check on a fresh store, `NAME::sqlite`
//! on a temporary SQLite file and `NAME::postgres` in a new database on the server
//! `PF_TEST_DATABASE_URL` names (ignored without `--include-ignored`; failing when it is unset).

use pf_server::store::conformance;
use pf_server::testing::fresh_postgres;
use pf_server::{PgStore, SqliteStore};
use std::sync::Arc;

fn sqlite() -> SqliteStore {
    SqliteStore::open_temp().unwrap_or_else(|e| panic!("temporary SQLite store: {e}"))
}

async fn postgres() -> PgStore {
    fresh_postgres()
        .await
        .unwrap_or_else(|e| panic!("temporary PostgreSQL store: {e}"))
}

macro_rules! checks {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Err(e) = conformance::$name(super::sqlite()).await {
                    panic!("{} on SQLite: {e}", stringify!($name));
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PF_TEST_DATABASE_URL (scripts/test.sh starts PostgreSQL)"]
            async fn postgres() {
                if let Err(e) = conformance::$name(super::postgres().await).await {
                    panic!("{} on PostgreSQL: {e}", stringify!($name));
                }
            }
        }
    )*};
}

checks!(
    users_and_tokens,
    feed_follows_roles_and_territories,
    reassignment_sends_a_removal,
    no_change_pull_and_cursors,
    territory_change_rederives_accounts,
    reservations_respect_the_hard_cap,
    alert_threshold_reaches_the_manager,
    usage_is_idempotent,
    leases_respect_the_window_limit,
    settings_reach_their_audience,
    erasure_reaches_every_laptop_then_forgets_the_subject,
    privacy_reports_are_checked,
    audit_log_is_filtered_and_purge_is_audited,
);

/// Checks that take a shared store (`Arc`) because they call it from many tasks at once.
macro_rules! concurrent_checks {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Err(e) = conformance::$name(Arc::new(super::sqlite())).await {
                    panic!("{} on SQLite: {e}", stringify!($name));
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PF_TEST_DATABASE_URL (scripts/test.sh starts PostgreSQL)"]
            async fn postgres() {
                if let Err(e) = conformance::$name(Arc::new(super::postgres().await)).await {
                    panic!("{} on PostgreSQL: {e}", stringify!($name));
                }
            }
        }
    )*};
}

concurrent_checks!(
    concurrent_reservations_never_overspend,
    concurrent_writes_never_skip_a_cursor,
    concurrent_users_and_accounts_all_meet,
    concurrent_usage_pushes_count_once,
    concurrent_leases_stay_under_the_limit,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_suite_runs_through_one_entry_point() {
    conformance::conformance(sqlite).await;
}
