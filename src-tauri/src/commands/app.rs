//! How the app runs (demo, online, store state, who the user is on the sync server and their
//! feature flags) and unlocking the store with a passphrase.

use serde::Serialize;
use zeroize::Zeroizing;

use super::Shared;
use crate::{AppState, CommandError};

/// What the top bar and the unlock dialog show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppStatus {
    pub version: String,
    pub demo: bool,
    pub online: bool,
    /// `ready`, `locked` or `failed`.
    pub store: String,
    pub creating: bool,
    pub error: Option<CommandError>,
    pub data_dir: String,
    pub queued: u32,
    pub user: String,
    pub notifications: bool,
    /// The user's role on the sync server, when one is configured.
    pub role: Option<String>,
    pub server_url: Option<String>,
    /// Feature flags the server evaluated for the user (empty without a server). A flag that
    /// is absent is on; the UI hides a feature only when its flag is present and off.
    pub flags: std::collections::BTreeMap<String, bool>,
}

/// The status now.
pub fn status(state: &AppState) -> AppStatus {
    let (store, creating, error) = state.store_state();
    let session = state.session().ok();
    let config = session.as_ref().map(|s| s.config());
    let get = |key: &str| config.as_ref().and_then(|c| c.get(key)).unwrap_or_default();
    let identity = session.as_ref().and_then(|s| s.identity().ok().flatten());
    AppStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.launch.demo,
        online: state.is_online(),
        store: store.to_owned(),
        creating,
        error,
        data_dir: session
            .as_ref()
            .map(|s| s.data_dir.display().to_string())
            .unwrap_or_default(),
        queued: session
            .as_ref()
            .and_then(|s| s.with_store(|st| st.count_queued()).ok())
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        user: match &identity {
            Some(id) => id.user.to_string(),
            None if state.launch.demo => "demo@partnerforge.local".into(),
            None => get("user"),
        },
        notifications: get("notifications.enabled").trim() != "false",
        role: identity.as_ref().map(|id| id.role.as_str().to_owned()),
        server_url: identity.as_ref().map(|id| id.server_url.clone()),
        flags: identity.map(|id| id.flags).unwrap_or_default(),
    }
}

#[tauri::command]
pub async fn app_status(state: Shared<'_>) -> Result<AppStatus, CommandError> {
    Ok(status(&state))
}

/// Opens the locked store with a passphrase; the background watchers start on success.
#[tauri::command]
pub async fn unlock(state: Shared<'_>, passphrase: String) -> Result<AppStatus, CommandError> {
    let passphrase = Zeroizing::new(passphrase);
    let session = state.unlock(&passphrase)?;
    crate::start_watchers(&state, session);
    Ok(status(&state))
}
