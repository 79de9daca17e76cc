//! What the shell tells the window without being asked: event names, their payloads, and the
//! [`Emitter`] seam (the Tauri app handle in the app, a recorder in tests).

use serde::Serialize;

/// [`EnrichProgress`], as a job advances and once when it ends.
pub const ENRICH_PROGRESS: &str = "pf://enrich-progress";
/// [`NetworkChanged`]: the network came or went.
pub const NETWORK: &str = "pf://network";
/// [`Navigate`]: a clicked notification asks for a page.
pub const NAVIGATE: &str = "pf://navigate";
/// `null`: accounts were added, changed or enriched; lists reload.
pub const ACCOUNTS_CHANGED: &str = "pf://accounts-changed";
/// [`pf_client::SyncReport`]: a sync with the server finished.
pub const SYNCED: &str = "pf://synced";

/// Sends events to the window.
pub trait Emitter: Send + Sync + 'static {
    fn emit_json(&self, event: &str, payload: serde_json::Value);
    /// Brings the main window to the front (a notification was clicked).
    fn focus(&self) {}
}

/// Serialises and sends; a payload that cannot be serialised is logged, never sent half-made.
pub fn emit<T: Serialize>(to: &dyn Emitter, event: &str, payload: &T) {
    match serde_json::to_value(payload) {
        Ok(v) => to.emit_json(event, v),
        Err(err) => tracing::warn!(event, "cannot serialise event: {err}"),
    }
}

/// An emitter that drops everything (before the window exists).
pub struct Nowhere;

impl Emitter for Nowhere {
    fn emit_json(&self, _event: &str, _payload: serde_json::Value) {}
}

/// A job's progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnrichProgress {
    pub job: String,
    pub total: u32,
    pub done: u32,
    pub failed: u32,
    pub spent_micros: u64,
    pub current: Option<String>,
    pub finished: bool,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkChanged {
    pub online: bool,
    pub queued: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Navigate {
    pub page: String,
    pub domain: Option<String>,
}

/// Records emitted events (tests).
#[derive(Default)]
pub struct Recorder {
    pub events: std::sync::Mutex<Vec<(String, serde_json::Value)>>,
}

impl Emitter for Recorder {
    fn emit_json(&self, event: &str, payload: serde_json::Value) {
        if let Ok(mut e) = self.events.lock() {
            e.push((event.to_owned(), payload));
        }
    }
}

impl Recorder {
    /// The payloads of one event, in order.
    pub fn payloads(&self, event: &str) -> Vec<serde_json::Value> {
        self.events
            .lock()
            .map(|e| {
                e.iter()
                    .filter(|(n, _)| n == event)
                    .map(|(_, p)| p.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}
