//! Engine metrics in the Prometheus text format (version 0.0.4). The family names and labels are
//! a contract shared with the sync server's `/metrics`:
//!
//! - `enrichment_total{status}`: domains enriched, by how they ended (`complete`, `partial`,
//!   `failed`);
//! - `module_executions_total{module_id,status}`: module runs (`M01`..), by outcome (`done`,
//!   `fresh`, `resumed`, `skipped`, `failed`);
//! - `enrichment_duration_seconds{wave}`: histogram of the time one wave (`0`, `1`, ...) took for
//!   one domain;
//! - `api_call_duration_seconds{adapter,endpoint}`: histogram of external call latency, per
//!   source and endpoint name;
//! - `circuit_breaker_state{adapter}`: gauge, 0 closed, 1 half-open, 2 open;
//! - `rate_limiter_available_tokens{adapter}`: gauge, tokens the source's bucket holds now (an
//!   unlimited source shows its full burst);
//! - `spend_usd_total{source}`: counter, US dollars charged by the source (the usage log's
//!   micro-dollars divided by a million).
//!
//! No label carries a domain, a user or a URL: per-domain detail stays in the logs and the usage
//! log. Counters and histograms are fed by observing the [`EventBus`]; the two gauges are read
//! from the gateway when the text is rendered.

mod text;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::Engine;
use crate::events::{EngineEvent, EventBus, JobStatus};
pub use text::{Family, Histogram, Kind, render_family};

/// Buckets of `enrichment_duration_seconds`.
pub const WAVE_BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];
/// Buckets of `api_call_duration_seconds`.
pub const CALL_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0,
];

/// The families' names and help texts (the contract).
pub mod names {
    pub const ENRICHMENT_TOTAL: (&str, &str) = (
        "enrichment_total",
        "Domains enriched, by how they ended (complete, partial, failed)",
    );
    pub const MODULE_EXECUTIONS_TOTAL: (&str, &str) = (
        "module_executions_total",
        "Module runs by module id and outcome (done, fresh, resumed, skipped, failed)",
    );
    pub const ENRICHMENT_DURATION_SECONDS: (&str, &str) = (
        "enrichment_duration_seconds",
        "Time one wave of modules took for one domain, by wave number (0 first)",
    );
    pub const API_CALL_DURATION_SECONDS: (&str, &str) = (
        "api_call_duration_seconds",
        "Latency of external API calls by adapter (source) and endpoint name",
    );
    pub const CIRCUIT_BREAKER_STATE: (&str, &str) = (
        "circuit_breaker_state",
        "Circuit breaker state per adapter: 0 closed, 1 half-open, 2 open",
    );
    pub const RATE_LIMITER_AVAILABLE_TOKENS: (&str, &str) = (
        "rate_limiter_available_tokens",
        "Tokens in the adapter's rate-limit bucket now (an unlimited adapter shows its burst)",
    );
    pub const SPEND_USD_TOTAL: (&str, &str) = (
        "spend_usd_total",
        "Money charged by paid sources, in US dollars, by source",
    );
}

/// One adapter's gauges, read at render time.
#[derive(Debug, Clone, PartialEq)]
pub struct AdapterGauge {
    pub adapter: String,
    /// 0 closed, 1 half-open, 2 open.
    pub breaker: u8,
    pub available_tokens: f64,
}

#[derive(Debug, Default)]
struct State {
    enrichments: BTreeMap<&'static str, u64>,
    modules: BTreeMap<(String, String), u64>,
    waves: BTreeMap<usize, Histogram>,
    calls: BTreeMap<(String, String), Histogram>,
    spend_micros: BTreeMap<String, u64>,
}

/// The engine's counters and histograms. Cheap to clone (shared inside); attach it to the
/// session's bus once and it counts for every engine built on that bus.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    state: Arc<Mutex<State>>,
}

/// A module outcome's status from `ModuleCompleted`'s text (`Done { .. }` -> `done`).
fn outcome_status(outcome: &str) -> String {
    let name: String = outcome
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    match name.as_str() {
        "done" | "fresh" | "resumed" | "skipped" | "failed" => name,
        _ => "other".to_owned(),
    }
}

fn job_status(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Complete => "complete",
        JobStatus::Partial => "partial",
        JobStatus::Failed => "failed",
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts every event published on `bus` from now on.
    pub fn attach(&self, bus: &EventBus) {
        let me = self.clone();
        bus.observe(Arc::new(move |event| me.observe(event)));
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one event.
    pub fn observe(&self, event: &EngineEvent) {
        let mut s = self.state();
        match event {
            EngineEvent::DomainCompleted { status, .. } => {
                *s.enrichments.entry(job_status(*status)).or_default() += 1;
            }
            EngineEvent::ModuleCompleted {
                module, outcome, ..
            } => {
                let key = (module.to_string(), outcome_status(outcome));
                *s.modules.entry(key).or_default() += 1;
            }
            EngineEvent::WaveCompleted { wave, seconds, .. } => s
                .waves
                .entry(*wave)
                .or_insert_with(|| Histogram::new(WAVE_BUCKETS))
                .observe(*seconds),
            EngineEvent::CallTimed {
                source,
                endpoint,
                seconds,
                ..
            } => s
                .calls
                .entry((source.to_string(), endpoint.clone()))
                .or_insert_with(|| Histogram::new(CALL_BUCKETS))
                .observe(*seconds),
            EngineEvent::CallMade {
                source,
                cost_micros,
                ..
            } => {
                *s.spend_micros.entry(source.to_string()).or_default() += cost_micros;
            }
            _ => {}
        }
    }

    /// The families, with `gauges` for the breaker and limiter families. Every family is
    /// present (HELP and TYPE) even without samples.
    pub fn families(&self, gauges: &[AdapterGauge]) -> Vec<Family> {
        let s = self.state();
        let mut out = Vec::new();
        let mut f = Family::new(names::ENRICHMENT_TOTAL, Kind::Counter);
        for (status, n) in &s.enrichments {
            f.value(&[("status", status)], *n as f64);
        }
        out.push(f);
        let mut f = Family::new(names::MODULE_EXECUTIONS_TOTAL, Kind::Counter);
        for ((module, status), n) in &s.modules {
            f.value(&[("module_id", module), ("status", status)], *n as f64);
        }
        out.push(f);
        let mut f = Family::new(names::ENRICHMENT_DURATION_SECONDS, Kind::Histogram);
        for (wave, h) in &s.waves {
            f.histogram(&[("wave", &wave.to_string())], h);
        }
        out.push(f);
        let mut f = Family::new(names::API_CALL_DURATION_SECONDS, Kind::Histogram);
        for ((adapter, endpoint), h) in &s.calls {
            f.histogram(&[("adapter", adapter), ("endpoint", endpoint)], h);
        }
        out.push(f);
        let mut breaker = Family::new(names::CIRCUIT_BREAKER_STATE, Kind::Gauge);
        let mut tokens = Family::new(names::RATE_LIMITER_AVAILABLE_TOKENS, Kind::Gauge);
        for g in gauges {
            breaker.value(&[("adapter", &g.adapter)], f64::from(g.breaker));
            tokens.value(&[("adapter", &g.adapter)], g.available_tokens);
        }
        out.push(breaker);
        out.push(tokens);
        let mut f = Family::new(names::SPEND_USD_TOTAL, Kind::Counter);
        for (source, micros) in &s.spend_micros {
            f.value(&[("source", source)], *micros as f64 / 1e6);
        }
        out.push(f);
        out
    }

    /// The text exposition, with `gauges` for the breaker and limiter families.
    pub fn render(&self, gauges: &[AdapterGauge]) -> String {
        self.families(gauges).iter().map(render_family).collect()
    }

    /// The text exposition with the gauges read from `engine`'s gateway.
    pub fn render_for(&self, engine: &Engine) -> String {
        self.render(&engine.adapter_gauges())
    }
}

impl Engine {
    /// The breaker state and available tokens of every configured source, now.
    pub fn adapter_gauges(&self) -> Vec<AdapterGauge> {
        self.gateway
            .limit_states()
            .into_iter()
            .filter(|(id, _, _)| self.sources.contains_key(id))
            .map(|(id, state, tokens)| AdapterGauge {
                adapter: id.to_string(),
                breaker: state.gauge(),
                available_tokens: tokens,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pf_core::{Domain, ModuleId, SourceId};

    #[test]
    fn events_become_samples_without_the_domain() {
        let m = Metrics::new();
        let bus = EventBus::default();
        m.attach(&bus);
        let domain = Domain::parse("costco.com").expect("domain");
        bus.publish(EngineEvent::ModuleCompleted {
            domain: domain.clone(),
            module: ModuleId::TECH_STACK,
            outcome: "Done { changed: None }".into(),
        });
        bus.publish(EngineEvent::DomainCompleted {
            job: "j".into(),
            domain,
            status: JobStatus::Partial,
        });
        bus.publish(EngineEvent::CallMade {
            source: SourceId::new("builtwith").expect("id"),
            endpoint: "domain-api".into(),
            cost_micros: 25_000,
            status: "ok".into(),
        });
        let text = m.render(&[AdapterGauge {
            adapter: "builtwith".into(),
            breaker: 2,
            available_tokens: 1.0,
        }]);
        assert!(text.contains("module_executions_total{module_id=\"M02\",status=\"done\"} 1\n"));
        assert!(text.contains("enrichment_total{status=\"partial\"} 1\n"));
        assert!(text.contains("spend_usd_total{source=\"builtwith\"} 0.025\n"));
        assert!(text.contains("circuit_breaker_state{adapter=\"builtwith\"} 2\n"));
        assert!(text.contains("# TYPE enrichment_duration_seconds histogram\n"));
        assert!(!text.contains("costco"), "{text}");
    }

    #[test]
    fn unknown_outcomes_are_other() {
        assert_eq!(outcome_status("Skipped(\"budget\")"), "skipped");
        assert_eq!(outcome_status("Weird"), "other");
    }
}
