//! The PartnerForge desktop shell: a Tauri 2 window over the encrypted local store and the
//! enrichment engine.
//!
//! The shell is thin on purpose. It finds the data directory (`--data-dir PATH`, else
//! `PARTNERFORGE_DATA_DIR`, else the OS data dir; `--demo` uses `<dir>/demo` and the mock APIs),
//! opens the store (`PARTNERFORGE_PASSPHRASE`, else the OS keyring, else it waits for a
//! passphrase from the window), seeds the sample accounts into an empty store (unless
//! `--no-samples`), and exposes commands ([`commands`]) that hand off to the store and the
//! engine. Background work: enrichment jobs with progress events ([`jobs`]), the network probe
//! and the offline queue ([`network`]), the sync loop ([`sync`]: every minute and when the
//! network returns, with a server configured), desktop notifications ([`notify`]), and the
//! opt-in local `/metrics` endpoint ([`metrics_endpoint`]). Logs: [`logging`]. If the store cannot
//! be opened the window still opens and every command returns that error. Nothing below this
//! crate knows about Tauri.

pub mod commands;
pub mod error;
pub mod events;
pub mod jobs;
pub mod logging;
pub mod metrics_endpoint;
pub mod network;
pub mod notify;
pub mod retention;
pub mod session;
pub mod state;
pub mod sync;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use tauri::{Emitter as _, Manager};

pub use error::CommandError;
pub use session::Session;
pub use state::{AppState, Launch};

/// The command-line flag naming the data directory.
pub const DATA_DIR_FLAG: &str = "--data-dir";
/// The flag that starts the mock APIs in-process (no keys, no network needed).
pub const DEMO_FLAG: &str = "--demo";
/// The flag that leaves a new store empty (no sample accounts).
pub const NO_SAMPLES_FLAG: &str = "--no-samples";
/// The newest log file (a link to today's JSON-lines file, see [`logging`]), under the data dir.
pub const LOG_FILE: &str = "logs/partnerforge.log";

/// Starts the app and blocks until its last window closes.
pub fn run() -> Result<(), tauri::Error> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let flag = data_dir_flag(args.iter().cloned());
    logging::init(flag.as_ref().ok().cloned().flatten().as_deref());
    let state = match flag {
        Ok(data_dir) => AppState::open(Launch {
            data_dir,
            demo: args.iter().any(|a| a == DEMO_FLAG),
            no_samples: args.iter().any(|a| a == NO_SAMPLES_FLAG),
        }),
        Err(message) => {
            tracing::error!("{message}");
            AppState::failed(CommandError::new("desktop.bad_arguments", message))
        }
    };
    let state = Arc::new(state);
    tauri::Builder::default()
        .manage(state.clone())
        .setup(move |app| {
            state.set_emitter(Arc::new(Window(app.handle().clone())));
            if let Ok(session) = state.session() {
                start_watchers(&state, session);
            }
            tauri::async_runtime::spawn(metrics_endpoint::run(state.clone()));
            tauri::async_runtime::spawn(network::watch(state.clone()));
            tauri::async_runtime::spawn(sync::watch(state.clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::app::unlock,
            commands::accounts::list_accounts,
            commands::accounts::search_accounts,
            commands::accounts::search_intelligence,
            commands::accounts::import_csv,
            commands::enrich::enrich_accounts,
            commands::enrich::estimate_refresh,
            commands::brief::get_brief,
            commands::brief::log_call,
            commands::brief::export_brief,
            commands::usage::usage_summary,
            commands::settings::get_settings,
            commands::settings::set_config,
            commands::settings::set_api_key,
            commands::settings::delete_api_key,
            commands::ops::ops_status,
            commands::ops::metrics_text,
            commands::sync::login,
            commands::sync::logout,
            commands::sync::sync_now,
            commands::sync::identity,
            commands::admin::admin_overview,
            commands::admin::synced_org_view,
            commands::admin::save_territory,
            commands::admin::delete_territory,
            commands::admin::assign_account,
            commands::admin::save_budget,
            commands::admin::save_flag,
            commands::privacy::privacy_view,
            commands::privacy::file_privacy_request,
            commands::privacy::purge_retention,
        ])
        .run(tauri::generate_context!())
}

/// Starts what runs for an open session: desktop notifications from the engine's events.
/// Also resumes an enrichment the app was stopped in the middle of.
pub fn start_watchers(state: &Arc<AppState>, session: Arc<Session>) {
    tauri::async_runtime::spawn(retention::daily(session.clone()));
    tauri::async_runtime::spawn(notify::watch(session, state.emitter()));
    let state = state.clone();
    tauri::async_runtime::spawn(async move {
        // Offline, the interrupted job's domains are queued instead of failing.
        network::check(&state).await;
        if let Err(err) = jobs::resume_unfinished(&state) {
            tracing::warn!(code = %err.code, "cannot resume the interrupted enrichment: {}", err.message);
        }
    });
}

/// The main window as an [`events::Emitter`].
struct Window(tauri::AppHandle);

impl events::Emitter for Window {
    fn emit_json(&self, event: &str, payload: serde_json::Value) {
        if let Err(err) = self.0.emit(event, payload) {
            tracing::warn!(event, "cannot send an event to the window: {err}");
        }
    }

    fn focus(&self) {
        if let Some(window) = self.0.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    }
}

/// Finds `--data-dir PATH` or `--data-dir=PATH` in the process arguments (the first one is the
/// program name and is skipped). Other arguments are ignored: WebDriver and the OS may add their
/// own. A flag without a value is an error.
pub fn data_dir_flag<I>(args: I) -> Result<Option<PathBuf>, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter().skip(1);
    let mut found = None;
    while let Some(arg) = args.next() {
        if arg == DATA_DIR_FLAG {
            match args.next() {
                Some(value) if !value.is_empty() => found = Some(PathBuf::from(value)),
                _ => return Err(format!("{DATA_DIR_FLAG} needs a directory")),
            }
        } else if let Some(value) = arg
            .to_str()
            .and_then(|a| a.strip_prefix(DATA_DIR_FLAG))
            .and_then(|rest| rest.strip_prefix('='))
        {
            if value.is_empty() {
                return Err(format!("{DATA_DIR_FLAG} needs a directory"));
            }
            found = Some(PathBuf::from(value));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        std::iter::once("partnerforge-desktop")
            .chain(list.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn no_flag_means_no_override() {
        assert_eq!(data_dir_flag(args(&[])), Ok(None));
        assert_eq!(data_dir_flag(args(&["--verbose"])), Ok(None));
    }

    #[test]
    fn flag_with_separate_value() {
        assert_eq!(
            data_dir_flag(args(&["--data-dir", "/tmp/pf"])),
            Ok(Some(PathBuf::from("/tmp/pf")))
        );
    }

    #[test]
    fn flag_with_equals_value_and_last_wins() {
        assert_eq!(
            data_dir_flag(args(&["--data-dir=/a", "--other", "--data-dir", "/b"])),
            Ok(Some(PathBuf::from("/b")))
        );
        assert_eq!(
            data_dir_flag(args(&["--data-dir=/a"])),
            Ok(Some(PathBuf::from("/a")))
        );
    }

    #[test]
    fn flag_without_value_is_an_error() {
        assert!(data_dir_flag(args(&["--data-dir"])).is_err());
        assert!(data_dir_flag(args(&["--data-dir="])).is_err());
        assert!(data_dir_flag(args(&["--data-dir", ""])).is_err());
    }

    #[test]
    fn program_name_is_not_an_argument() {
        let only_program = vec![OsString::from("--data-dir")];
        assert_eq!(data_dir_flag(only_program), Ok(None));
    }
}
