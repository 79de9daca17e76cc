//! The daily retention purge on this laptop: every hour the loop asks the store whether a day
//! has passed since the last purge and, if so, purges by the policy in force (the server's, once
//! synced; the defaults otherwise). Each run is logged (counts only) and audited by the store.

use std::sync::Arc;
use std::time::Duration;

use crate::session::Session;

/// How often the loop looks whether a purge is due.
const CHECK_EVERY: Duration = Duration::from_secs(3600);

/// Runs one purge if one is due; answers what it removed (`None` when not due).
pub fn purge_if_due(session: &Session) -> Option<pf_store::PurgeReport> {
    let now = time::OffsetDateTime::now_utc();
    let result = session.with_store(|s| {
        if !s.retention_due(now)? {
            return Ok(None);
        }
        s.purge_by_policy(now).map(Some)
    });
    match result {
        Ok(Some(report)) => {
            tracing::info!(
                removed = report.total(),
                detail = %serde_json::to_string(&report.removed).unwrap_or_default(),
                "retention purge"
            );
            Some(report)
        }
        Ok(None) => None,
        Err(err) => {
            tracing::warn!(code = %err.code, "retention purge failed: {}", err.message);
            None
        }
    }
}

/// The loop: a first look a minute after start, then every hour.
pub async fn daily(session: Arc<Session>) {
    tokio::time::sleep(Duration::from_secs(60)).await;
    loop {
        purge_if_due(&session);
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
