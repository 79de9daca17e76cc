//! `partnerforge login URL [--token TOKEN]`, `partnerforge logout` and `partnerforge sync
//! [--json]`: the laptop side of the sync server from the command line.
//!
//! The token is read from `--token`, else `PARTNERFORGE_SYNC_TOKEN`, else standard input (a
//! hidden prompt on a terminal); `login` checks it with the server before anything is stored and
//! keeps it in the OS keyring (a token from the environment is not stored: the environment keeps
//! supplying it).

use anyhow::{Context, Result};
use pf_client::{ClientError, Identity, SyncReport, TOKEN_ENV};
use pf_store::Store;
use std::io::{IsTerminal, Read};
use std::sync::Mutex;
use zeroize::Zeroizing;

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The token and whether to keep it in the keyring.
fn read_token(flag: Option<String>) -> Result<(Zeroizing<String>, bool)> {
    if let Some(t) = flag {
        return Ok((Zeroizing::new(t), true));
    }
    if let Some(t) = std::env::var(TOKEN_ENV)
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok((Zeroizing::new(t), false));
    }
    let token = if std::io::stdin().is_terminal() {
        Zeroizing::new(rpassword::prompt_password("Sync server token: ")?)
    } else {
        let mut t = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut t)
            .context("reading the token from standard input")?;
        t
    };
    Ok((token, true))
}

fn who(id: &Identity) -> String {
    let team = id
        .team_name
        .as_deref()
        .map(|t| format!(", team {t}"))
        .unwrap_or_default();
    format!("{} ({}{team})", id.user, id.role.as_str())
}

/// `login URL`.
pub fn login(store: Store, url: &str, token: Option<String>, json: bool) -> Result<i32> {
    let (token, remember) = read_token(token)?;
    let store = Mutex::new(store);
    let id = runtime()?.block_on(pf_client::login(&store, url, &token, remember))?;
    if json {
        out!("{}", serde_json::to_string_pretty(&id)?);
    } else {
        out!("logged in to {} as {}", id.server_url, who(&id));
        if !remember {
            out!("the token comes from {TOKEN_ENV}; it was not stored in the keyring");
        }
    }
    Ok(0)
}

/// `logout`.
pub fn logout(store: &Store) -> Result<i32> {
    if pf_client::logout(store)? {
        out!("logged out: the token left the keyring; local accounts stay");
    } else {
        out!("no sync server was configured");
    }
    Ok(0)
}

/// `sync`.
pub fn sync(store: Store, json: bool) -> Result<i32> {
    let (client, _token) = pf_client::connect(&store)?.ok_or(ClientError::NotLoggedIn)?;
    let store = Mutex::new(store);
    let report: SyncReport = runtime()?.block_on(pf_client::sync_once(&store, &client))?;
    if json {
        out!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    let store = store
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let id = pf_client::identity(&store)?.ok_or(ClientError::NotLoggedIn)?;
    out!("synced with {} as {}", id.server_url, who(&id));
    out!(
        "pulled {} changes in {} page(s): {} applied, {} accounts removed",
        report.pulled,
        report.pages,
        report.applied,
        report.removed
    );
    out!(
        "pushed {} usage records ({} the server already had); {} waiting",
        report.pushed,
        report.duplicates,
        report.pending
    );
    let on: Vec<&str> = id
        .flags
        .iter()
        .filter(|(_, on)| **on)
        .map(|(k, _)| k.as_str())
        .collect();
    if !on.is_empty() {
        out!("flags on for you: {}", on.join(", "));
    }
    Ok(0)
}
