//! The server's retention purge: once a day while serving (first shortly after start), and on
//! demand (`partnerforge-server purge`). It deletes what the retention policy no longer keeps
//! (see [`ServerStore::purge`]) and logs the counts only, never personal data.

use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::task::JoinHandle;

use crate::store::PurgeReport;
use crate::{ServerError, ServerStore};

/// How often the purge runs while serving.
pub const PURGE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// How long after start the first purge runs (by default).
pub const FIRST_PURGE_AFTER: Duration = Duration::from_secs(60);

/// Runs the purge once and logs what it deleted.
pub async fn purge_once(store: &dyn ServerStore) -> Result<PurgeReport, ServerError> {
    let r = store.purge(OffsetDateTime::now_utc()).await?;
    tracing::info!(
        usage = r.usage,
        leases = r.leases,
        reservations = r.reservations,
        privacy_completed = r.privacy_completed,
        "retention purge: {} usage records, {} leases, {} reservations deleted; {} privacy requests completed",
        r.usage,
        r.leases,
        r.reservations,
        r.privacy_completed
    );
    Ok(r)
}

/// Purges `first_after` from now, then every [`PURGE_EVERY`], until the task is aborted. A
/// failed purge is logged and tried again at the next tick.
pub fn spawn_daily(store: Arc<dyn ServerStore>, first_after: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + first_after;
        let mut ticks = tokio::time::interval_at(start, PURGE_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = purge_once(store.as_ref()).await {
                tracing::error!(code = e.code().as_str(), error = %e, "retention purge failed");
            }
        }
    })
}
