//! The sync server from the window: log in (the token is checked by the server, then kept in
//! the OS keyring), log out, sync now, and who the user is there (role, team, territories, last
//! sync, and the feature flags the server evaluated for them).

use pf_client::{Identity, SyncReport};
use zeroize::Zeroizing;

use super::Shared;
use crate::CommandError;
use crate::session::Session;

/// Logs in; `remember: false` keeps the token in memory only (tests, a borrowed laptop).
pub async fn log_in(
    session: &Session,
    url: &str,
    token: &str,
    remember: bool,
) -> Result<Option<Identity>, CommandError> {
    session.log_in(url.trim(), token, remember).await.map(Some)
}

pub fn log_out(session: &Session) -> Result<Option<Identity>, CommandError> {
    session.log_out()?;
    session.identity()
}

#[tauri::command]
pub async fn login(
    state: Shared<'_>,
    url: String,
    token: String,
) -> Result<Option<Identity>, CommandError> {
    let token = Zeroizing::new(token);
    let identity = log_in(state.session()?.as_ref(), &url, &token, true).await?;
    state.sync_wake.notify_one();
    Ok(identity)
}

#[tauri::command]
pub async fn logout(state: Shared<'_>) -> Result<Option<Identity>, CommandError> {
    log_out(state.session()?.as_ref())
}

/// One sync round now; `None` when no server is configured.
#[tauri::command]
pub async fn sync_now(state: Shared<'_>) -> Result<Option<SyncReport>, CommandError> {
    crate::sync::run_once(&state).await
}

#[tauri::command]
pub async fn identity(state: Shared<'_>) -> Result<Option<Identity>, CommandError> {
    state.session()?.identity()
}
