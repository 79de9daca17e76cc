//! The HTTP API (axum): routes, shared state, the request metrics middleware, and the JSON error
//! answers for unknown routes and methods. Handlers live in the files below, one per concern.

mod admin;
mod audit;
mod extract;
mod metrics;
mod privacy;
mod sync;

pub use extract::{ApiJson, Caller};
pub use metrics::Metrics;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use std::sync::Arc;
use std::time::Instant;

use crate::{ServerError, ServerStore};

/// Request bodies above this are refused with 413 `request.too_large`.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn ServerStore>,
    pub metrics: Arc<Metrics>,
    pub max_body: usize,
}

impl AppState {
    pub fn new(store: Arc<dyn ServerStore>, max_body: usize) -> Result<Self, ServerError> {
        Ok(Self {
            store,
            metrics: Arc::new(Metrics::new()?),
            max_body,
        })
    }
}

/// The whole API.
pub fn router(state: AppState) -> Router {
    let max_body = state.max_body;
    Router::new()
        .route("/healthz", get(sync::healthz))
        .route("/metrics", get(metrics::render))
        .route("/v1/me", get(sync::me))
        .route("/v1/changes", get(sync::changes))
        .route("/v1/usage", post(sync::usage))
        .route("/v1/budget/reserve", post(sync::reserve))
        .route("/v1/budget/commit", post(sync::commit))
        .route("/v1/budget/release", post(sync::release))
        .route("/v1/ratelimit/lease", post(sync::lease))
        .merge(admin::routes())
        .merge(privacy::routes())
        .merge(audit::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

async fn not_found() -> ServerError {
    ServerError::NotFound("route".into())
}

async fn method_not_allowed() -> ServerError {
    ServerError::MethodNotAllowed
}

/// Counts and times every request by route template (never the raw path, which holds ids) and
/// status. Logs method, route, status and latency, never headers (tokens) or bodies.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let resp = next.run(req).await;
    let elapsed = start.elapsed();
    let status = resp.status().as_u16();
    state.metrics.observe(&route, &method, status, elapsed);
    tracing::debug!(%method, %route, status, micros = elapsed.as_micros() as u64, "request");
    resp
}
