//! The server: shared state, the router, the control endpoints (`/__calls`, `/__faults`,
//! `/__reset`), and the handles that start and stop it.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use time::Date;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::calls::{CallCount, CallLog};
use crate::faults::{self, Active, Fault, FaultQueue};
use crate::respond;
use crate::{MockError, Provider, builtwith, data, jobs, sec, similarweb, website, yahoo};

/// How the mock behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockConfig {
    /// The data date: "now" for generated histories (detection dates, filings, traffic months).
    pub as_of: Date,
    /// How late `slow-` domains and `slow` faults (without `delay_ms`) answer.
    pub slow_delay: Duration,
    /// Size of the page `huge-` domains serve.
    pub huge_bytes: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            as_of: data::today(),
            slow_delay: Duration::from_secs(3),
            huge_bytes: 20 * 1024 * 1024,
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct AppState {
    pub config: MockConfig,
    pub calls: CallLog,
    pub faults: FaultQueue,
}

pub(crate) type Shared = Arc<AppState>;

impl AppState {
    /// Counts a call about `domains` (one entry each; none for calls about no one), then answers
    /// it: with a queued fault if one matches, else with the fault the first domain's prefix asks
    /// for (when `prefix_faults`), else with `render()`.
    pub async fn answer(
        &self,
        provider: Provider,
        endpoint: &'static str,
        domains: &[&str],
        prefix_faults: bool,
        render: impl FnOnce() -> Response,
    ) -> Response {
        if domains.is_empty() {
            self.calls.record(provider.id(), endpoint, None);
        }
        for d in domains {
            self.calls.record(provider.id(), endpoint, Some(d));
        }
        let first = domains.first().copied();
        let slow = self.config.slow_delay;
        let active = self
            .faults
            .take(provider, endpoint, first, slow)
            .or_else(|| {
                first
                    .filter(|_| prefix_faults)
                    .and_then(|d| Active::from_prefix(d, slow))
            });
        faults::apply(active, provider, render).await
    }
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/__calls", get(list_calls))
        .route("/__faults", post(add_faults).get(list_faults))
        .route("/__reset", post(reset))
        .nest("/builtwith", builtwith::router())
        .nest("/similarweb", similarweb::router())
        .nest("/yahoo_finance", yahoo::router())
        // A nested root only matches without the slash; the consent page answers with it too.
        .route("/yahoo_finance/", get(yahoo::consent))
        .nest("/sec_edgar", sec::router())
        .nest("/job_boards", jobs::router())
        .nest("/website", website::router())
        .fallback(|| async { respond::error_page(StatusCode::NOT_FOUND) })
        .with_state(state)
}

async fn index(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let sources: serde_json::Map<String, serde_json::Value> = Provider::ALL
        .iter()
        .map(|p| {
            (
                p.id().to_owned(),
                json!(format!("http://{host}/{}", p.id())),
            )
        })
        .collect();
    respond::json(
        StatusCode::OK,
        &json!({
            "name": "partnerforge-mock-apis",
            "note": "Demo data: deterministic per domain, not real provider data.",
            "sources": sources,
            "fixtures": data::fixtures::DOMAINS,
            "control": {"calls": "GET /__calls", "faults": "POST /__faults", "reset": "POST /__reset"},
        }),
    )
}

async fn list_calls(State(s): State<Shared>) -> Json<Vec<CallCount>> {
    Json(s.calls.snapshot())
}

/// One fault or a list of them.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum FaultBody {
    One(Fault),
    Many(Vec<Fault>),
}

async fn add_faults(State(s): State<Shared>, Json(body): Json<FaultBody>) -> Response {
    let list = match body {
        FaultBody::One(f) => vec![f],
        FaultBody::Many(v) => v,
    };
    let n = list.len();
    for f in list {
        tracing::info!(provider = %f.provider, endpoint = ?f.endpoint, kind = ?f.kind, times = f.times, "fault queued");
        s.faults.push(f);
    }
    respond::json(StatusCode::OK, &json!({"ok": true, "queued": n}))
}

async fn list_faults(State(s): State<Shared>) -> Json<Vec<Fault>> {
    Json(s.faults.pending())
}

async fn reset(State(s): State<Shared>) -> Response {
    s.faults.clear();
    s.calls.clear();
    respond::json(StatusCode::OK, &json!({"ok": true}))
}

/// The mock APIs running on the current tokio runtime. Stops when dropped.
#[derive(Debug)]
pub struct MockApis {
    endpoints: Endpoints,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// What a test or the demo asks of running mock APIs: where they listen, what they were
/// called for, and faults to inject. Both [`MockApis`] and [`MockApisHandle`] give access to it.
#[derive(Debug, Clone)]
pub struct Endpoints {
    addr: SocketAddr,
    state: Shared,
}

impl std::ops::Deref for MockApis {
    type Target = Endpoints;
    fn deref(&self) -> &Endpoints {
        &self.endpoints
    }
}

impl std::ops::Deref for MockApisHandle {
    type Target = Endpoints;
    fn deref(&self) -> &Endpoints {
        &self.endpoints
    }
}

impl MockApis {
    /// Starts on `127.0.0.1` on any free port.
    pub async fn start() -> Result<Self, MockError> {
        Self::start_with(MockConfig::default(), 0).await
    }

    /// Starts on `127.0.0.1:port` (0 = any free port).
    pub async fn start_on(port: u16) -> Result<Self, MockError> {
        Self::start_with(MockConfig::default(), port).await
    }

    /// Starts with a configuration on `127.0.0.1:port`.
    pub async fn start_with(config: MockConfig, port: u16) -> Result<Self, MockError> {
        let want = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = tokio::net::TcpListener::bind(want)
            .await
            .map_err(|source| MockError::Bind { addr: want, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| MockError::Bind { addr: want, source })?;
        let state = Arc::new(AppState {
            config,
            calls: CallLog::default(),
            faults: FaultQueue::default(),
        });
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = served.await {
                tracing::error!("mock server stopped: {e}");
            }
        });
        tracing::info!("mock APIs listening on http://{addr}");
        Ok(Self {
            endpoints: Endpoints { addr, state },
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Starts on its own thread with its own runtime, for callers without one (the CLI `--demo`).
    pub fn spawn_in_thread() -> Result<MockApisHandle, MockError> {
        Self::spawn_in_thread_with(MockConfig::default(), 0)
    }

    /// [`spawn_in_thread`](Self::spawn_in_thread) with a configuration and port.
    pub fn spawn_in_thread_with(
        config: MockConfig,
        port: u16,
    ) -> Result<MockApisHandle, MockError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("pf-mock-apis".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(MockError::Runtime(e)));
                        return;
                    }
                };
                rt.block_on(async move {
                    match MockApis::start_with(config, port).await {
                        Ok(mock) => {
                            let (stop_tx, stop_rx) = oneshot::channel::<()>();
                            if ready_tx.send(Ok((mock.endpoints.clone(), stop_tx))).is_ok() {
                                let _ = stop_rx.await;
                            }
                            mock.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(MockError::Thread)?;
        let (endpoints, stop) = ready_rx.recv().map_err(|_| MockError::ThreadGone)??;
        Ok(MockApisHandle {
            endpoints,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops accepting, lets requests in flight finish (at most 2 s), and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Endpoints {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// `http://127.0.0.1:PORT/<source_id>`: the base URL to configure for a source.
    pub fn url_for(&self, source_id: &str) -> String {
        format!("{}/{}", self.base_url(), source_id.trim_matches('/'))
    }
    /// Every call received, per provider, endpoint and domain.
    pub fn calls(&self) -> Vec<CallCount> {
        self.state.calls.snapshot()
    }
    /// Calls received by one endpoint of a provider, over all domains.
    pub fn count(&self, provider: &str, endpoint: &str) -> u64 {
        self.state.calls.count(provider, endpoint)
    }
    /// Calls received by one endpoint of a provider about one domain.
    pub fn count_for(&self, provider: &str, endpoint: &str, domain: &str) -> u64 {
        self.state.calls.count_for(provider, endpoint, domain)
    }
    /// Queues a fault for the next matching calls.
    pub fn set_fault(&self, fault: Fault) {
        self.state.faults.push(fault);
    }
    /// Clears pending faults and call counts.
    pub fn reset(&self) {
        self.state.faults.clear();
        self.state.calls.clear();
    }
    pub fn config(&self) -> &MockConfig {
        &self.state.config
    }
}

impl Drop for MockApis {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The mock APIs running on their own thread ([`MockApis::spawn_in_thread`]). Usable from sync
/// code; stops (and joins its thread) when dropped.
#[derive(Debug)]
pub struct MockApisHandle {
    endpoints: Endpoints,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for MockApisHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
