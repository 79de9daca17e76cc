//! Operations: sources' health and breakers, running and recent jobs, the offline queue, and
//! the engine metrics in the Prometheus text format ([`metrics_text`]).

use serde::Serialize;

use super::Shared;
use crate::{AppState, CommandError};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpsView {
    pub sources: Vec<SourceHealth>,
    pub jobs: Vec<JobView>,
    pub queued: Vec<QueuedView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    pub id: String,
    pub name: String,
    pub kind: pf_engine::SourceKind,
    pub health: String,
    pub breaker: String,
    pub has_key: bool,
    pub needs_key: bool,
    pub spent_this_month_micros: u64,
    pub calls_this_month: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobView {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<time::OffsetDateTime>,
    pub status: String,
    pub domains: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuedView {
    pub domain: String,
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: time::OffsetDateTime,
}

/// The state tag of a serialised enum (`{"state": "open", ...}`), or its string form.
fn tag(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v
            .get("state")
            .and_then(|s| s.as_str())
            .unwrap_or("unknown")
            .to_owned(),
        Err(_) => "unknown".into(),
    }
}

pub async fn view(state: &AppState) -> Result<OpsView, CommandError> {
    let session = state.session()?;
    let sources = match session.engine() {
        Ok(engine) => engine
            .source_status()
            .await?
            .into_iter()
            .map(|s| SourceHealth {
                id: s.id.as_str().to_owned(),
                name: s.name,
                kind: s.kind,
                health: tag(&s.health),
                breaker: tag(&s.breaker),
                has_key: s.has_key,
                needs_key: s.needs_key,
                spent_this_month_micros: s.spent_this_month_micros,
                calls_this_month: s.calls_this_month,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let running = state.running.lock().map(|r| r.clone()).unwrap_or_default();
    let jobs = session
        .with_store(|s| s.recent_jobs(20))?
        .into_iter()
        .map(|j| {
            let domains = j.request["domains"].as_array().map_or(0, Vec::len);
            let status = if j.status == "running" && !running.contains(&j.id.as_str().to_owned()) {
                "interrupted".to_owned()
            } else {
                j.status
            };
            JobView {
                id: j.id.as_str().to_owned(),
                started_at: j.started_at,
                finished_at: j.finished_at,
                status,
                domains: u32::try_from(domains).unwrap_or(u32::MAX),
            }
        })
        .collect();
    let queued = session
        .with_store(|s| s.queued_enrichments())?
        .into_iter()
        .map(|q| QueuedView {
            domain: q.domain.as_str().to_owned(),
            queued_at: q.queued_at,
        })
        .collect();
    Ok(OpsView {
        sources,
        jobs,
        queued,
    })
}

/// The session's metrics in the Prometheus text format: its counters and histograms, and the
/// breaker and rate-limiter gauges of the current engine (none while it cannot be built).
pub fn metrics_text_of(state: &AppState) -> Result<String, CommandError> {
    let session = state.session()?;
    let gauges = session
        .engine()
        .map(|e| e.adapter_gauges())
        .unwrap_or_default();
    Ok(session.metrics().render(&gauges))
}

#[tauri::command]
pub async fn metrics_text(state: Shared<'_>) -> Result<String, CommandError> {
    metrics_text_of(&state)
}

#[tauri::command]
pub async fn ops_status(state: Shared<'_>) -> Result<OpsView, CommandError> {
    view(&state).await
}
