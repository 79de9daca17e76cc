//! A notification daemon for the tests: owns `org.freedesktop.Notifications` on the session bus
//! (the test runs under `dbus-run-session`), records every `Notify` call the app makes, and can
//! "click" one by emitting `ActionInvoked`, as a desktop's daemon does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::OwnedVariant;
use zbus::object_server::SignalEmitter;

const PATH: &str = "/org/freedesktop/Notifications";

/// One `Notify` call.
#[derive(Debug, Clone)]
pub struct Shown {
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
}

#[derive(Default)]
struct Daemon {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        let id = u32::try_from(shown.len()).unwrap_or(u32::MAX) + 1;
        shown.push(Shown {
            id,
            app_name,
            summary,
            body,
            actions,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "pf-test-daemon".into(),
            "PartnerForge".into(),
            "1.0".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

/// The running daemon.
pub struct NotificationDaemon {
    conn: zbus::Connection,
    shown: Arc<Mutex<Vec<Shown>>>,
}

impl NotificationDaemon {
    /// Takes the well-known name on the session bus.
    pub async fn start() -> zbus::Result<Self> {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let daemon = Daemon {
            shown: shown.clone(),
        };
        let conn = zbus::connection::Builder::session()
            .name("org.freedesktop.Notifications")
            .serve_at(PATH, daemon)
            .build()
            .await?;
        Ok(Self { conn, shown })
    }

    /// Every notification shown so far.
    pub fn shown(&self) -> Vec<Shown> {
        self.shown.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Clicks a notification (its default action).
    pub async fn click(&self, id: u32) -> zbus::Result<()> {
        let iface = self
            .conn
            .object_server()
            .interface::<_, Daemon>(PATH)
            .await?;
        Daemon::action_invoked(iface.signal_emitter(), id, "default").await
    }
}
