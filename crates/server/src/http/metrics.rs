//! `/metrics` in the Prometheus text format: requests by route and status, latency histograms
//! by route, reservations and leases by outcome, calls leased per source, and active users
//! (distinct users seen in the last five minutes).
//!
//! Plus the fleet families shared with the desktop app (names and labels are a contract, see
//! `pf_engine::metrics`), derived from the usage laptops push: `api_call_duration_seconds
//! {adapter,endpoint}` and `spend_usd_total{source}` (US dollars). The families only a laptop
//! can know (`enrichment_total`, `module_executions_total`, `enrichment_duration_seconds`,
//! `circuit_breaker_state`, `rate_limiter_available_tokens`) are declared without samples. No
//! label carries a domain or a user: a pushed source or endpoint that is not a short
//! `[a-z0-9_-]` name is counted as `other`.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use pf_core::UserId;
use pf_sync::UsageRecord;
use prometheus::{
    CounterVec, Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::AppState;
use crate::ServerError;

const ACTIVE_WINDOW: Duration = Duration::from_secs(300);

/// Buckets of `api_call_duration_seconds` (as the desktop app's).
const CALL_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0,
];

/// The contract families (name, type, help), shown even when this server has no sample.
const FLEET_FAMILIES: &[(&str, &str, &str)] = &[
    (
        "enrichment_total",
        "counter",
        "Domains enriched, by how they ended (complete, partial, failed)",
    ),
    (
        "module_executions_total",
        "counter",
        "Module runs by module id and outcome (done, fresh, resumed, skipped, failed)",
    ),
    (
        "enrichment_duration_seconds",
        "histogram",
        "Time one wave of modules took for one domain, by wave number (0 first)",
    ),
    (
        "api_call_duration_seconds",
        "histogram",
        "Latency of external API calls by adapter (source) and endpoint name",
    ),
    (
        "circuit_breaker_state",
        "gauge",
        "Circuit breaker state per adapter: 0 closed, 1 half-open, 2 open",
    ),
    (
        "rate_limiter_available_tokens",
        "gauge",
        "Tokens in the adapter's rate-limit bucket now (an unlimited adapter shows its burst)",
    ),
    (
        "spend_usd_total",
        "counter",
        "Money charged by paid sources, in US dollars, by source",
    ),
];

/// A pushed source or endpoint as a label value: short `[a-z0-9_-]` names as they are, anything
/// else (a domain, a URL, an address) as `other`, so a label never carries one.
fn label(value: &str) -> &str {
    let ok = !value.is_empty()
        && value.len() <= 40
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok { value } else { "other" }
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    reservations: IntCounterVec,
    leases: IntCounterVec,
    leased_calls: IntCounterVec,
    active_users: IntGauge,
    call_duration: HistogramVec,
    spend: CounterVec,
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
        let call_duration = HistogramVec::new(
            HistogramOpts::new(
                "api_call_duration_seconds",
                "Latency of external API calls by adapter (source) and endpoint name",
            )
            .buckets(CALL_BUCKETS.to_vec()),
            &["adapter", "endpoint"],
        )
        .map_err(prom)?;
        let spend = CounterVec::new(
            Opts::new(
                "spend_usd_total",
                "Money charged by paid sources, in US dollars, by source",
            ),
            &["source"],
        )
        .map_err(prom)?;
        registry
            .register(Box::new(call_duration.clone()))
            .map_err(prom)?;
        registry.register(Box::new(spend.clone())).map_err(prom)?;
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
            call_duration,
            spend,
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

    /// Usage records a laptop pushed (new ones only): call latency and spend per source.
    pub fn usage(&self, records: &[UsageRecord]) {
        for r in records {
            let (source, endpoint) = (label(&r.source), label(&r.endpoint));
            self.call_duration
                .with_label_values(&[source, endpoint])
                .observe(r.duration_ms as f64 / 1000.0);
            self.spend
                .with_label_values(&[source])
                .inc_by(r.cost_micros as f64 / 1e6);
        }
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
        let families = self.registry.gather();
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&families, &mut out) {
            tracing::error!(error = %e, "encoding metrics");
        }
        let mut text = String::from_utf8(out).unwrap_or_default();
        for (name, kind, help) in FLEET_FAMILIES {
            if !families.iter().any(|f| f.name() == *name) {
                text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
            }
        }
        text
    }
}

/// `GET /metrics` (no token).
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.text(),
    )
}
