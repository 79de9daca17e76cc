//! `/metrics` in the Prometheus text format: requests by route and status, latency histograms
//! by route, reservations and leases by outcome, calls leased per source, and active users
//! (distinct users seen in the last five minutes).

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use pf_core::UserId;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::AppState;
use crate::ServerError;

const ACTIVE_WINDOW: Duration = Duration::from_secs(300);

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    reservations: IntCounterVec,
    leases: IntCounterVec,
    leased_calls: IntCounterVec,
    active_users: IntGauge,
    seen: Mutex<HashMap<UserId, Instant>>,
}

fn prom(e: prometheus::Error) -> ServerError {
    ServerError::Internal(format!("metrics: {e}"))
}

impl Metrics {
    pub fn new() -> Result<Self, ServerError> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "pf_http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .map_err(prom)?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "pf_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route"],
        )
        .map_err(prom)?;
        let reservations = IntCounterVec::new(
            Opts::new(
                "pf_budget_reservations_total",
                "Budget reservations by outcome",
            ),
            &["outcome"],
        )
        .map_err(prom)?;
        let leases = IntCounterVec::new(
            Opts::new(
                "pf_ratelimit_leases_total",
                "Rate-limit lease requests by outcome",
            ),
            &["outcome"],
        )
        .map_err(prom)?;
        let leased_calls = IntCounterVec::new(
            Opts::new(
                "pf_ratelimit_leased_calls_total",
                "Calls granted by leases, per source",
            ),
            &["source"],
        )
        .map_err(prom)?;
        let active_users = IntGauge::new(
            "pf_active_users",
            "Distinct users who made an authenticated request in the last five minutes",
        )
        .map_err(prom)?;
        registry
            .register(Box::new(requests.clone()))
            .map_err(prom)?;
        registry.register(Box::new(latency.clone())).map_err(prom)?;
        registry
            .register(Box::new(reservations.clone()))
            .map_err(prom)?;
        registry.register(Box::new(leases.clone())).map_err(prom)?;
        registry
            .register(Box::new(leased_calls.clone()))
            .map_err(prom)?;
        registry
            .register(Box::new(active_users.clone()))
            .map_err(prom)?;
        Ok(Self {
            registry,
            requests,
            latency,
            reservations,
            leases,
            leased_calls,
            active_users,
            seen: Mutex::new(HashMap::new()),
        })
    }

    pub fn observe(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
    }

    /// A reservation outcome: `granted`, `over_cap`, `no_budget`, `committed`, `released`, ...
    pub fn reservation(&self, outcome: &str) {
        self.reservations.with_label_values(&[outcome]).inc();
    }

    /// A lease outcome (`granted`, `exhausted`, `unlimited`) and the calls it granted.
    pub fn lease(&self, source: &str, outcome: &str, calls: u32) {
        self.leases.with_label_values(&[outcome]).inc();
        self.leased_calls
            .with_label_values(&[source])
            .inc_by(u64::from(calls));
    }

    pub fn seen(&self, user: &UserId) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(user.clone(), Instant::now());
        }
    }

    /// The text exposition.
    pub fn text(&self) -> String {
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|_, at| at.elapsed() < ACTIVE_WINDOW);
            self.active_users
                .set(i64::try_from(seen.len()).unwrap_or(i64::MAX));
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// `GET /metrics` (no token).
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.text(),
    )
}
