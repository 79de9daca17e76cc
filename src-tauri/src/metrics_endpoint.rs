//! The opt-in local metrics endpoint: with `metrics.listen = "127.0.0.1:9464"` in `config.toml`
//! the app serves `GET /metrics` (the Prometheus text of [`crate::commands::ops::metrics_text_of`])
//! on that address, for a Prometheus on the same machine. Off by default (the key is empty), and
//! only loopback addresses are accepted: the app is not a server on the network. The address is
//! read when the session opens; changing it takes effect at the next start.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pf_engine::Config;

use crate::{AppState, CommandError};

/// The configuration key.
pub const LISTEN_KEY: &str = "metrics.listen";

/// The configured address, `None` when the endpoint is off. Anything but a loopback
/// `IP:PORT` is refused.
pub fn listen_address(config: &Config) -> Result<Option<SocketAddr>, CommandError> {
    let raw = config.get(LISTEN_KEY).unwrap_or_default();
    let raw = raw.trim();
    if raw.is_empty() || raw == "off" {
        return Ok(None);
    }
    let bad = |why: &str| {
        CommandError::new(
            "desktop.metrics_listen",
            format!("{LISTEN_KEY} = `{raw}`: {why}"),
        )
    };
    let addr: SocketAddr = raw
        .parse()
        .map_err(|_| bad("expected IP:PORT, e.g. 127.0.0.1:9464"))?;
    if !addr.ip().is_loopback() {
        return Err(bad("only a loopback address is allowed"));
    }
    Ok(Some(addr))
}

/// A running endpoint; dropping it stops it.
#[derive(Debug)]
pub struct MetricsEndpoint {
    /// Where it listens (the real port when the configuration said 0).
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MetricsEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    match crate::commands::ops::metrics_text_of(&state) {
        Ok(text) => (
            [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
            text,
        )
            .into_response(),
        Err(err) => (StatusCode::SERVICE_UNAVAILABLE, err.code).into_response(),
    }
}

/// Starts the endpoint if the open session's configuration asks for it (`None`: off). Needs a
/// Tokio runtime.
pub async fn start(state: Arc<AppState>) -> Result<Option<MetricsEndpoint>, CommandError> {
    let config = state.session()?.config();
    let Some(addr) = listen_address(&config)? else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        CommandError::new(
            "desktop.metrics_listen",
            format!("cannot listen on {addr}: {e}"),
        )
    })?;
    let addr = listener.local_addr().unwrap_or(addr);
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(state);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("the metrics endpoint stopped: {e}");
        }
    });
    tracing::info!(%addr, "serving /metrics");
    Ok(Some(MetricsEndpoint { addr, task }))
}

/// For the app: waits for the session (the store may be locked at launch), then serves for as
/// long as the app runs, or logs why not.
pub async fn run(state: Arc<AppState>) {
    while state.session().is_err() {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    match start(state).await {
        Ok(Some(mut endpoint)) => {
            // Serve until the app exits.
            let _ = (&mut endpoint.task).await;
        }
        Ok(None) => {}
        Err(err) => tracing::warn!(code = %err.code, "no metrics endpoint: {}", err.message),
    }
}
