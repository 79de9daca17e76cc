//! Enrichment from the window: validate, then run in the background with progress events, or
//! queue while offline and run the queue when the network returns.

use std::sync::{Arc, PoisonError};

use pf_core::Domain;
use pf_engine::{EngineEvent, JobRequest};
use pf_store::JobId;
use serde::Serialize;
use time::OffsetDateTime;

use crate::events::{self, EnrichProgress};
use crate::{AppState, CommandError};

/// The answer to an enrichment request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnrichStarted {
    pub job: String,
    pub queued: bool,
    pub domains: u32,
}

/// Parses, de-duplicates and checks the domains (each must be a stored account).
pub fn parse_domains(state: &AppState, raw: &[String]) -> Result<Vec<Domain>, CommandError> {
    let mut domains = raw
        .iter()
        .map(|d| Domain::parse(d).map_err(CommandError::from))
        .collect::<Result<Vec<_>, _>>()?;
    domains.sort();
    domains.dedup();
    if domains.is_empty() {
        return Err(CommandError::new(
            "desktop.nothing_to_enrich",
            "Select at least one account to enrich.",
        ));
    }
    let session = state.session()?;
    session.with_store(|store| {
        for d in &domains {
            store.require_account(d)?;
        }
        Ok(())
    })?;
    Ok(domains)
}

/// Starts a job now, or queues the domains when offline.
pub fn enrich(
    state: &Arc<AppState>,
    raw: &[String],
    force: bool,
) -> Result<EnrichStarted, CommandError> {
    let domains = parse_domains(state, raw)?;
    let n = u32::try_from(domains.len()).unwrap_or(u32::MAX);
    if !state.is_online() {
        let session = state.session()?;
        let queued = session
            .with_store(|s| s.queue_enrichment(&domains, force, OffsetDateTime::now_utc()))?;
        tracing::info!(domains = n, queued, "offline: enrichment queued");
        events::emit(
            &*state.emitter(),
            events::NETWORK,
            &events::NetworkChanged {
                online: false,
                queued: u32::try_from(queued).unwrap_or(u32::MAX),
            },
        );
        return Ok(EnrichStarted {
            job: String::new(),
            queued: true,
            domains: n,
        });
    }
    let job = start(state, domains, force)?;
    Ok(EnrichStarted {
        job,
        queued: false,
        domains: n,
    })
}

/// Records the job and runs it on the async runtime; answers its id at once.
pub fn start(
    state: &Arc<AppState>,
    domains: Vec<Domain>,
    force: bool,
) -> Result<String, CommandError> {
    let session = state.session()?;
    let engine = session.engine()?;
    let job = JobId::new(pf_core::AccountId::new().to_string());
    let record = serde_json::json!({
        "domains": domains.iter().map(Domain::as_str).collect::<Vec<_>>(),
        "modules": null,
        "force": force,
    });
    session.with_store(|s| s.start_job(&job, &record))?;
    Ok(spawn(state, engine, job, domains, force))
}

/// Marks a recorded job as running in this process and runs it on the async runtime; answers
/// its id.
fn spawn(
    state: &Arc<AppState>,
    engine: Arc<pf_engine::Engine>,
    job: JobId,
    domains: Vec<Domain>,
    force: bool,
) -> String {
    let id = job.as_str().to_owned();
    state
        .running
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(id.clone());
    let req = JobRequest {
        job,
        domains,
        modules: None,
        force,
    };
    let state = state.clone();
    tauri::async_runtime::spawn(async move { run(state, engine, req).await });
    id
}

async fn run(state: Arc<AppState>, engine: Arc<pf_engine::Engine>, req: JobRequest) {
    let id = req.job.as_str().to_owned();
    let total = u32::try_from(req.domains.len()).unwrap_or(u32::MAX);
    let emitter = state.emitter();
    let mut progress = EnrichProgress {
        job: id.clone(),
        total,
        done: 0,
        failed: 0,
        spent_micros: 0,
        current: None,
        finished: false,
        status: None,
    };
    events::emit(&*emitter, events::ENRICH_PROGRESS, &progress);
    let mut rx = engine.events().subscribe();
    let watch_id = id.clone();
    let watch_emitter = emitter.clone();
    let mut watched = progress.clone();
    let watcher = tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(EngineEvent::DomainCompleted {
                    job,
                    domain,
                    status,
                }) if job == watch_id => {
                    watched.done += 1;
                    if status == pf_engine::JobStatus::Failed {
                        watched.failed += 1;
                    }
                    watched.current = Some(domain.as_str().to_owned());
                    events::emit(&*watch_emitter, events::ENRICH_PROGRESS, &watched);
                }
                Ok(EngineEvent::CallMade { cost_micros, .. }) => {
                    watched.spent_micros += cost_micros
                }
                Ok(EngineEvent::EnrichmentCompleted { job, .. }) if job == watch_id => break,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            }
        }
    });
    let result = engine.enrich(&req).await;
    let _ = watcher.await;
    let status = match &result {
        Ok(report) => serde_json::to_value(report.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "partial".into()),
        Err(err) => {
            tracing::error!(job = %id, code = err.code(), "enrichment failed: {err}");
            "failed".into()
        }
    };
    if let Ok(session) = state.session() {
        let _ = session.with_store(|s| s.finish_job(&req.job, &status));
    }
    state
        .running
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|j| j != &id);
    if let Ok(report) = &result {
        progress.done = u32::try_from(report.domains.len()).unwrap_or(total);
        progress.failed = u32::try_from(
            report
                .domains
                .iter()
                .filter(|d| d.status == pf_engine::JobStatus::Failed)
                .count(),
        )
        .unwrap_or(0);
        progress.spent_micros = report.spent_micros;
    }
    progress.finished = true;
    progress.status = Some(status);
    events::emit(&*emitter, events::ENRICH_PROGRESS, &progress);
    events::emit(&*emitter, events::ACCOUNTS_CHANGED, &());
}

/// Runs everything queued while offline as one job (called when the network returns).
pub fn run_queue(state: &Arc<AppState>) -> Result<Option<String>, CommandError> {
    let session = state.session()?;
    let queued = session.with_store(|s| s.queued_enrichments())?;
    if queued.is_empty() {
        return Ok(None);
    }
    let force = queued.iter().any(|q| q.force);
    let domains: Vec<Domain> = queued.into_iter().map(|q| q.domain).collect();
    let job = start(state, domains.clone(), force)?;
    session.with_store(|s| s.dequeue(&domains))?;
    tracing::info!(domains = domains.len(), %job, "network back: running the queued enrichment");
    Ok(Some(job))
}

/// Resumes a job the app was stopped in the middle of (checkpoints keep what it finished; no
/// paid call is repeated). Called at start; offline, its domains go to the queue instead.
pub fn resume_unfinished(state: &Arc<AppState>) -> Result<Option<String>, CommandError> {
    let session = state.session()?;
    let Some(job) = session.with_store(|s| s.unfinished_job())? else {
        return Ok(None);
    };
    let domains: Vec<Domain> = job.request["domains"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str().and_then(|d| Domain::parse(d).ok()))
        .collect();
    let force = job.request["force"].as_bool().unwrap_or(false);
    if !state.is_online() {
        session.with_store(|s| {
            s.queue_enrichment(&domains, force, OffsetDateTime::now_utc())?;
            s.finish_job(&job.id, "failed")
        })?;
        return Ok(None);
    }
    let engine = session.engine()?;
    tracing::info!(job = %job.id.as_str(), domains = domains.len(), "resuming an interrupted enrichment");
    Ok(Some(spawn(state, engine, job.id, domains, force)))
}
