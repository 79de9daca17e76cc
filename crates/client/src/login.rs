//! Logging in and out, and what the laptop knows of its user: [`login`] checks the token with
//! `/v1/me` before anything is stored, then puts the token in the OS keyring and the server and
//! profile in the store; [`identity`] and [`flags`] read them back; [`connect`] makes a client
//! from them.

use pf_core::{Role, UserId};
use pf_store::Store;
use pf_sync::SyncClient;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::{ClientError, TOKEN_ENV, convert};

/// Who the user is on the configured server, with the flags the server evaluated for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub server_url: String,
    pub user: UserId,
    pub role: Role,
    pub team: Option<String>,
    pub team_name: Option<String>,
    pub display_name: Option<String>,
    pub territories: Vec<String>,
    pub offline_allowance_micros: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub logged_in_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sync_at: Option<OffsetDateTime>,
    /// Feature flags as they apply to this user (the server decides; the same on every machine).
    pub flags: BTreeMap<String, bool>,
    /// Usage records waiting to be pushed.
    pub pending_usage: u64,
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Checks `token` against the server at `url` (`/v1/me`), then stores the identity, and the
/// token in the OS keyring when `remember_token` (not when it comes from
/// [`TOKEN_ENV`](crate::TOKEN_ENV)). Nothing is stored when the server refuses.
pub async fn login(
    store: &Mutex<Store>,
    url: &str,
    token: &str,
    remember_token: bool,
) -> Result<Identity, ClientError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ClientError::NoToken);
    }
    let client = SyncClient::new(url, token).map_err(|e| ClientError::Protocol(e.to_string()))?;
    let me = client.me().await?;
    let profile = convert::profile(&me);
    let base = client.base().to_string();
    let store = lock(store);
    if remember_token {
        store.set_sync_login(&base, &profile, token)?;
    } else {
        store.save_sync_identity(&base, &profile)?;
    }
    identity(&store)?.ok_or(ClientError::NotLoggedIn)
}

/// Forgets the server: the token leaves the keyring, the identity and synced items the store.
/// Local accounts stay; usage not yet pushed waits for the next login.
pub fn logout(store: &Store) -> Result<bool, ClientError> {
    Ok(store.clear_sync_login()?)
}

/// The token: [`TOKEN_ENV`] when set, else the OS keyring's.
pub fn token(store: &Store) -> Result<Option<Zeroizing<String>>, ClientError> {
    if let Some(t) = std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(Some(Zeroizing::new(t.trim().to_owned())));
    }
    Ok(store.sync_token()?)
}

/// A client for the configured server, `None` when none is configured.
pub fn connect(store: &Store) -> Result<Option<(SyncClient, Zeroizing<String>)>, ClientError> {
    let Some(id) = store.sync_identity()? else {
        return Ok(None);
    };
    let token = token(store)?.ok_or(ClientError::NoToken)?;
    let client = SyncClient::new(&id.server_url, token.as_str())
        .map_err(|e| ClientError::Protocol(e.to_string()))?;
    Ok(Some((client, token)))
}

/// The flags the server evaluated for the user, by key (empty when not logged in).
pub fn flags(store: &Store) -> Result<BTreeMap<String, bool>, ClientError> {
    Ok(store
        .synced_items(convert::kind::FLAG)?
        .into_iter()
        .map(|(key, data)| {
            let on = data["on"].as_bool().unwrap_or(false);
            (key, on)
        })
        .collect())
}

/// The configured identity, `None` when not logged in.
pub fn identity(store: &Store) -> Result<Option<Identity>, ClientError> {
    let Some(id) = store.sync_identity()? else {
        return Ok(None);
    };
    let p = id.profile;
    Ok(Some(Identity {
        server_url: id.server_url,
        user: p.user,
        role: p.role,
        team: p.team,
        team_name: p.team_name,
        display_name: p.display_name,
        territories: p.territories,
        offline_allowance_micros: p.offline_allowance_micros,
        logged_in_at: id.logged_in_at,
        last_sync_at: id.last_sync_at,
        flags: flags(store)?,
        pending_usage: store.outbox_counts()?.0,
    }))
}
