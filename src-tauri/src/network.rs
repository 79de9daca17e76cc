//! Online or offline: the shell probes the sources' hosts (a TCP connect, no request, no
//! cost) every few seconds. Offline, stored data stays readable and enrichment is queued; when
//! the network returns the queue runs, the sync loop is woken, and the window is told.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::events::{self, NetworkChanged};
use crate::{AppState, jobs};

/// Between two probes.
pub const PROBE_EVERY: Duration = Duration::from_secs(5);
/// How long one connect may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether any source host accepts a TCP connection.
pub async fn probe(state: &AppState) -> bool {
    let Ok(session) = state.session() else {
        return state.is_online();
    };
    let targets: BTreeSet<(String, u16)> = session
        .source_urls()
        .iter()
        .filter_map(|u| Some((u.host_str()?.to_owned(), u.port_or_known_default()?)))
        .collect();
    if targets.is_empty() {
        return true;
    }
    let attempts = targets.into_iter().map(|(host, port)| async move {
        matches!(
            tokio::time::timeout(
                CONNECT_TIMEOUT,
                tokio::net::TcpStream::connect((host.as_str(), port))
            )
            .await,
            Ok(Ok(_))
        )
    });
    futures::future::join_all(attempts)
        .await
        .into_iter()
        .any(|ok| ok)
}

/// Probes once and acts on a change: tells the window, and runs the queue when back online.
/// Answers the state found.
pub async fn check(state: &Arc<AppState>) -> bool {
    let online = probe(state).await;
    let changed = state.set_online(online);
    let queued = state
        .session()
        .and_then(|s| s.with_store(|st| st.count_queued()))
        .unwrap_or(0);
    if changed {
        tracing::info!(online, queued, "network state changed");
        if online {
            state.sync_wake.notify_one();
        }
        events::emit(
            &*state.emitter(),
            events::NETWORK,
            &NetworkChanged {
                online,
                queued: u32::try_from(queued).unwrap_or(u32::MAX),
            },
        );
    }
    if online
        && queued > 0
        && let Err(err) = jobs::run_queue(state)
    {
        tracing::warn!(code = %err.code, "cannot run the queued enrichment: {}", err.message);
    }
    online
}

/// Probes forever (the app's lifetime).
pub async fn watch(state: Arc<AppState>) {
    loop {
        check(&state).await;
        tokio::time::sleep(PROBE_EVERY).await;
    }
}
