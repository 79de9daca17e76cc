//! The desktop shell below its Tauri command wrappers, without a window: the plain command
//! functions over a real store, background enrichment jobs against the mock APIs with progress
//! events, the offline queue, notifications and settings. Each module protects one area; the
//! helpers (a state over a fresh store, a recording emitter, the mock APIs' configuration) are in
//! `shell/support.rs`.

#[path = "shell/support.rs"]
mod support;

#[path = "shell/accounts.rs"]
mod accounts;
#[path = "shell/admin.rs"]
mod admin;
#[path = "shell/brief.rs"]
mod brief;
#[path = "shell/enrich.rs"]
mod enrich;
#[path = "shell/logging.rs"]
mod logging;
#[path = "shell/metrics.rs"]
mod metrics;
#[path = "shell/network.rs"]
mod network;
#[path = "shell/notify.rs"]
mod notify;
#[path = "shell/privacy.rs"]
mod privacy;
#[path = "shell/settings.rs"]
mod settings;
#[path = "shell/sync.rs"]
mod sync;
