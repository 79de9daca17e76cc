//! The storage conformance suite on SQLite: each check on a fresh temporary database.

use pf_server::SqliteStore;
use pf_server::store::conformance;
use std::sync::Arc;

fn fresh() -> SqliteStore {
    SqliteStore::open_temp().unwrap_or_else(|e| panic!("temporary SQLite store: {e}"))
}

macro_rules! checks {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            if let Err(e) = conformance::$name(fresh()).await {
                panic!("{}: {e}", stringify!($name));
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
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reservations_never_overspend() {
    if let Err(e) = conformance::concurrent_reservations_never_overspend(Arc::new(fresh())).await {
        panic!("{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_suite_runs_through_one_entry_point() {
    conformance::conformance(fresh).await;
}
