//! The sync loop: with a server configured and the network up, one sync round every
//! [`SYNC_EVERY`] and right after the network returns or a login; each round's report goes to
//! the window as [`events::SYNCED`], and lists reload when accounts changed. One round at a time
//! (the loop and "Sync now" share a gate). A round that changed the server's prices or module
//! flags rebuilds the engine. An unreachable server is not an error worth more than a log line:
//! the next round tries again, and paid calls use the offline allowance meanwhile.

use std::sync::Arc;
use std::time::Duration;

use pf_client::SyncReport;

use crate::{AppState, CommandError, events};

/// Between two rounds.
pub const SYNC_EVERY: Duration = Duration::from_secs(60);

/// One round now. `None` when no server is configured.
pub async fn run_once(state: &AppState) -> Result<Option<SyncReport>, CommandError> {
    let session = state.session()?;
    let Some(client) = session.sync_client()? else {
        return Ok(None);
    };
    let _one_at_a_time = state.sync_gate.lock().await;
    let before = session.server_policy()?;
    let report = pf_client::sync_once(&session.store, &client).await?;
    if session.server_policy()? != before
        && let Err(err) = session.rebuild_engine()
    {
        // New prices or module flags are read when the engine is built; a configuration that
        // makes no engine is already shown where enrichment is asked for.
        tracing::warn!(code = %err.code, "engine not rebuilt after sync: {}", err.message);
    }
    let emitter = state.emitter();
    events::emit(&*emitter, events::SYNCED, &report);
    if report.applied > 0 || report.removed > 0 {
        events::emit(&*emitter, events::ACCOUNTS_CHANGED, &());
    }
    tracing::info!(
        pulled = report.pulled,
        removed = report.removed,
        pushed = report.pushed,
        "synced with the server"
    );
    Ok(Some(report))
}

/// Runs rounds for the app's lifetime.
pub async fn watch(state: Arc<AppState>) {
    loop {
        if state.is_online()
            && let Err(err) = run_once(&state).await
        {
            tracing::info!(code = %err.code, "sync round failed: {}", err.message);
        }
        tokio::select! {
            () = tokio::time::sleep(SYNC_EVERY) => {}
            () = state.sync_wake.notified() => {}
        }
    }
}
