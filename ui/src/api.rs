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

#[wasm_bindgen]
extern "C" {
    /// `window.__TAURI__.core.invoke(cmd, args)`; `catch` turns a rejection (or a missing
    /// `window.__TAURI__`, e.g. in a plain browser) into `Err`.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// One account as the accounts table shows it (the shell's `AccountRow`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub region: Option<String>,
    pub segment: Option<String>,
    /// Search results only: what matched (`Company`, `Technology stack`, ...).
    #[serde(default)]
    pub matched: Option<String>,
    /// Search results only: the text around the match, matches in `[brackets]`.
    #[serde(default)]
    pub snippet: Option<String>,
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

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct SearchArgs<'a> {
    query: &'a str,
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
