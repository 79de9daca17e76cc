//! The UI's only door to the desktop shell: typed wrappers over Tauri commands.
//!
//! The shell exposes `window.__TAURI__.core.invoke` (`app.withGlobalTauri: true` in
//! `tauri.conf.json`); it is bound here with wasm-bindgen because `tauri-sys` is not on the
//! registry. Every command either resolves with its JSON result or rejects with the shell's
//! `{ code, message }` error, which arrives here as an [`ApiError`] so the page can show the code.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

mod admin;
mod brief;
mod privacy;
mod types;

pub use admin::*;
pub use brief::*;
pub use privacy::*;
pub use types::*;

#[wasm_bindgen]
extern "C" {
    /// `window.__TAURI__.core.invoke(cmd, args)`; `catch` turns a rejection (or a missing
    /// `window.__TAURI__`, e.g. in a plain browser) into `Err`.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(text: &str);

    /// `window.__TAURI__.event.listen(name, handler)`; resolves with the unlisten function.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// A failed command: a stable machine `code` (e.g. `store.wrong_key`, `ui.no_backend`) and a message
/// for people.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl ApiError {
    fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// Reads whatever the JS side rejected with: the shell's `{ code, message }`, a bare string
    /// (Tauri's own errors, e.g. an unknown command) or an exception (no Tauri at all).
    fn from_js(value: JsValue) -> Self {
        if let Ok(err) = serde_wasm_bindgen::from_value::<ApiError>(value.clone()) {
            return err;
        }
        if let Some(text) = value.as_string() {
            return Self::new("ui.command_failed", text);
        }
        if let Some(err) = value.dyn_ref::<js_sys::Error>() {
            let text = String::from(err.message());
            if text.contains("__TAURI__") || text.contains("undefined") {
                return Self::new(
                    "ui.no_backend",
                    format!("The desktop shell is not reachable: {text}"),
                );
            }
            return Self::new("ui.command_failed", text);
        }
        Self::new("ui.command_failed", format!("{value:?}"))
    }
}

/// Calls one command with serialisable arguments and decodes its result.
async fn call<A: Serialize, T: DeserializeOwned>(cmd: &str, args: &A) -> Result<T, ApiError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| ApiError::new("ui.bad_request", format!("cannot encode arguments: {e}")))?;
    let value = invoke(cmd, args).await.map_err(ApiError::from_js)?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| ApiError::new("ui.bad_response", format!("unexpected reply to {cmd}: {e}")))
}

/// Subscribes to a shell event for the life of the app; `handler` gets each payload decoded.
/// Payloads that do not decode are logged to the console and dropped.
pub fn listen<T: DeserializeOwned + 'static>(
    event: &'static str,
    mut handler: impl FnMut(T) + 'static,
) {
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
        let payload =
            js_sys::Reflect::get(&message, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        match serde_wasm_bindgen::from_value::<T>(payload) {
            Ok(value) => handler(value),
            Err(err) => console_warn(&format!("bad {event} payload: {err}")),
        }
    });
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(err) = tauri_listen(event, &closure).await {
            console_warn(&format!(
                "cannot listen to {event}: {:?}",
                ApiError::from_js(err)
            ));
        }
        // Listeners live as long as the app.
        closure.forget();
    });
}

/// Shell event names.
pub mod events {
    /// [`super::EnrichProgress`].
    pub const ENRICH_PROGRESS: &str = "pf://enrich-progress";
    /// [`super::NetworkChanged`].
    pub const NETWORK: &str = "pf://network";
    /// [`super::Navigate`] (a clicked notification).
    pub const NAVIGATE: &str = "pf://navigate";
    /// `()`: accounts were added, changed or enriched; lists should reload.
    pub const ACCOUNTS_CHANGED: &str = "pf://accounts-changed";
    /// [`super::SyncReport`]: a sync with the server finished.
    pub const SYNCED: &str = "pf://synced";
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct SearchArgs<'a> {
    query: &'a str,
}

#[derive(Serialize)]
struct DomainArgs<'a> {
    domain: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BriefArgs<'a> {
    domain: &'a str,
    /// RFC 3339 or `YYYY-MM-DD`; absent: the default comparison (last call, else last opened).
    since: Option<&'a str>,
}

/// How the app runs: demo, online, store state.
pub async fn app_status() -> Result<AppStatus, ApiError> {
    call("app_status", &NoArgs {}).await
}

/// Opens the store with a passphrase (no usable keyring). Creating a store: the UI has checked
/// that it was typed twice.
pub async fn unlock(passphrase: &str) -> Result<AppStatus, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        passphrase: &'a str,
    }
    call("unlock", &Args { passphrase }).await
}

/// Full-text search over all stored intelligence: every matching field, best first.
pub async fn search_intelligence(query: &str) -> Result<Vec<SearchResult>, ApiError> {
    call("search_intelligence", &SearchArgs { query }).await
}

/// Reads a CSV (`domain,name,region,segment,...`): `commit: false` previews, `true` imports.
pub async fn import_csv(csv: &str, commit: bool) -> Result<ImportPreview, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        csv: &'a str,
        commit: bool,
    }
    call("import_csv", &Args { csv, commit }).await
}

/// Enriches accounts in the background; progress arrives as [`events::ENRICH_PROGRESS`].
/// Offline, the request is queued and runs when the network returns.
pub async fn enrich_accounts(domains: &[String], force: bool) -> Result<EnrichStarted, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        domains: &'a [String],
        force: bool,
    }
    call("enrich_accounts", &Args { domains, force }).await
}

/// What refreshing one account (all modules, cache bypassed) would cost.
pub async fn estimate_refresh(domain: &str) -> Result<CostEstimate, ApiError> {
    call("estimate_refresh", &DomainArgs { domain }).await
}

/// The pre-call brief. Opening it is recorded (the next default comparison).
pub async fn get_brief(domain: &str, since: Option<&str>) -> Result<BriefView, ApiError> {
    call("get_brief", &BriefArgs { domain, since }).await
}

/// Records a call with the account now (the next brief compares against it).
pub async fn log_call(domain: &str, note: Option<&str>) -> Result<CallEntry, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        domain: &'a str,
        note: Option<&'a str>,
    }
    call("log_call", &Args { domain, note }).await
}

/// Writes the brief as `md` or `pdf` to the Downloads folder; answers with the path.
pub async fn export_brief(
    domain: &str,
    format: &str,
    since: Option<&str>,
) -> Result<ExportDone, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        domain: &'a str,
        format: &'a str,
        since: Option<&'a str>,
    }
    call(
        "export_brief",
        &Args {
            domain,
            format,
            since,
        },
    )
    .await
}

/// Spend this month by source, day and user, with the budget.
pub async fn usage_summary() -> Result<UsageView, ApiError> {
    call("usage_summary", &NoArgs {}).await
}

pub async fn get_settings() -> Result<SettingsView, ApiError> {
    call("get_settings", &NoArgs {}).await
}

/// Stores a source's API key in the OS keyring (never in the database).
pub async fn set_api_key(source: &str, key: &str) -> Result<SettingsView, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        source: &'a str,
        key: &'a str,
    }
    call("set_api_key", &Args { source, key }).await
}

pub async fn delete_api_key(source: &str) -> Result<SettingsView, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        source: &'a str,
    }
    call("delete_api_key", &Args { source }).await
}

/// Sets one configuration key (`home_vendor`, `competitors` (JSON list or comma-separated),
/// `scoring.hot|warm|cool`, `notifications.enabled`, `budget.monthly_limit_usd`,
/// `budget.alert_threshold`, `sources.<id>.base_url`). A bad value is refused with
/// `engine.config` and nothing changes.
pub async fn set_config(key: &str, value: &str) -> Result<SettingsView, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        key: &'a str,
        value: &'a str,
    }
    call("set_config", &Args { key, value }).await
}

/// Logs in to a sync server: the server checks the token, the shell keeps it in the OS keyring.
pub async fn login(url: &str, token: &str) -> Result<Option<Identity>, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        url: &'a str,
        token: &'a str,
    }
    call("login", &Args { url, token }).await
}

/// Forgets the sync server and its token (local accounts stay).
pub async fn logout() -> Result<Option<Identity>, ApiError> {
    call("logout", &NoArgs {}).await
}

/// One sync round now; `None` when no server is configured.
pub async fn sync_now() -> Result<Option<SyncReport>, ApiError> {
    call("sync_now", &NoArgs {}).await
}

/// Who the user is on the sync server, `None` when not logged in.
pub async fn identity() -> Result<Option<Identity>, ApiError> {
    call("identity", &NoArgs {}).await
}

/// Sources' health and breakers, running and recent jobs, the offline queue.
pub async fn ops_status() -> Result<OpsView, ApiError> {
    call("ops_status", &NoArgs {}).await
}

/// The engine metrics in the Prometheus text format (what the opt-in `/metrics` serves).
pub async fn metrics_text() -> Result<String, ApiError> {
    call("metrics_text", &NoArgs {}).await
}

/// Every account in the store, sorted by the shell.
pub async fn list_accounts() -> Result<Vec<AccountRow>, ApiError> {
    call("list_accounts", &NoArgs {}).await
}

/// Accounts matching a full-text query, best first, one row per account.
pub async fn search_accounts(query: &str) -> Result<Vec<AccountRow>, ApiError> {
    let rows: Vec<AccountRow> = call("search_accounts", &SearchArgs { query }).await?;
    Ok(dedupe_by_account(rows))
}

/// Keeps the first (best-ranked) row of each account. The shell already returns one row per
/// account; this keeps the table right if a future shell returns one row per matching field.
pub fn dedupe_by_account(rows: Vec<AccountRow>) -> Vec<AccountRow> {
    let mut seen = std::collections::HashSet::new();
    rows.into_iter()
        .filter(|row| seen.insert(row.id.clone()))
        .collect()
}
