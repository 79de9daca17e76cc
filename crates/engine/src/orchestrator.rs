//! Running a job: domains concurrently up to a bound; for each, the waves in order and the
//! modules of a wave concurrently. Every module result is stored (with its history snapshot)
//! and checkpointed before the next wave, so a job interrupted anywhere resumes where it was,
//! and results younger than their freshness limit are reused unless the user forces a refresh.

use futures::StreamExt;
use pf_core::{AccountId, Domain, Intelligence, ModuleId, NewAccount};
use pf_store::{Checkpoint, CheckpointState, JobId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use time::OffsetDateTime;
use tracing::Instrument as _;

use crate::engine::Engine;
use crate::fetcher::Fetcher;
use crate::module::{ModuleInput, ModuleOutput};
use crate::{AccountHint, EngineError, EngineEvent, JobStatus, SourceError};

mod steps;

/// What to enrich.
#[derive(Debug, Clone)]
pub struct JobRequest {
    pub job: JobId,
    pub domains: Vec<Domain>,
    /// Only these modules (and what they need); all when `None`.
    pub modules: Option<Vec<ModuleId>>,
    /// Refresh even results that are still fresh.
    pub force: bool,
}

/// How one module ended for one domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum ModuleOutcome {
    Done { changed: Option<String> },
    Fresh,
    Resumed,
    Skipped(String),
    Failed(String),
}

impl ModuleOutcome {
    /// The outcome's name without its detail (`done`, `fresh`, `resumed`, `skipped`, `failed`):
    /// what logs and metrics label it with.
    pub fn status(&self) -> &'static str {
        match self {
            ModuleOutcome::Done { .. } => "done",
            ModuleOutcome::Fresh => "fresh",
            ModuleOutcome::Resumed => "resumed",
            ModuleOutcome::Skipped(_) => "skipped",
            ModuleOutcome::Failed(_) => "failed",
        }
    }

    fn hurts(&self) -> bool {
        match self {
            ModuleOutcome::Failed(_) => true,
            ModuleOutcome::Skipped(why) => why.starts_with("budget"),
            _ => false,
        }
    }
}

/// One domain's result.
#[derive(Debug, Clone, Serialize)]
pub struct DomainReport {
    pub domain: Domain,
    pub status: JobStatus,
    pub modules: BTreeMap<ModuleId, ModuleOutcome>,
}

/// A job's result.
#[derive(Debug, Clone, Serialize)]
pub struct JobReport {
    pub job: String,
    pub status: JobStatus,
    pub domains: Vec<DomainReport>,
    pub spent_micros: u64,
}

/// What the modules of one wave may read besides their own facts.
struct Known<'a> {
    deps: &'a BTreeMap<ModuleId, Intelligence>,
    history: &'a [pf_store::Snapshot],
    peers: &'a BTreeMap<String, String>,
}

fn lock(
    store: &std::sync::Mutex<pf_store::Store>,
) -> Result<std::sync::MutexGuard<'_, pf_store::Store>, EngineError> {
    store.lock().map_err(|_| EngineError::Poisoned)
}

impl Engine {
    /// Runs a job to the end. Module failures are recorded and make the job `partial`; only
    /// problems with the store or the request itself are errors.
    /// Everything logged while the job runs is inside a `job` span (field `job_id`), and while
    /// it works on a domain inside a `domain` span (fields `job_id` and `domain`).
    pub async fn enrich(&self, req: &JobRequest) -> Result<JobReport, EngineError> {
        let span = tracing::info_span!("job", job_id = %req.job);
        self.run_job(req).instrument(span).await
    }

    async fn run_job(&self, req: &JobRequest) -> Result<JobReport, EngineError> {
        tracing::info!(
            domains = req.domains.len(),
            force = req.force,
            "enrichment started"
        );
        let wanted: BTreeSet<ModuleId> = self.wanted_modules(req.modules.as_deref())?;
        let (spent_before, _) = self.budget();
        self.events.publish(EngineEvent::EnrichmentStarted {
            job: req.job.to_string(),
            domains: req.domains.len(),
        });
        let fetcher = Arc::new(Fetcher::new(
            self.store.clone(),
            self.gateway.clone(),
            req.force,
        ));
        // Other accounts' search providers, read once per job (competitors, M09).
        let peers = lock(&self.store)?
            .module_field_by_domain(ModuleId::SEARCH_PROVIDER, "search_provider")?;
        let results: Vec<Result<DomainReport, EngineError>> =
            futures::stream::iter(req.domains.iter().cloned())
                .map(|domain| {
                    let fetcher = fetcher.clone();
                    let (wanted, peers) = (&wanted, &peers);
                    let span = tracing::info_span!("domain", job_id = %req.job, domain = %domain);
                    async move {
                        self.enrich_domain(req, &domain, wanted, peers, &fetcher)
                            .await
                    }
                    .instrument(span)
                })
                .buffer_unordered(self.settings.concurrency)
                .collect()
                .await;
        let mut domains = Vec::new();
        for r in results {
            domains.push(r?);
        }
        domains.sort_by(|a, b| a.domain.cmp(&b.domain));
        let failed = domains
            .iter()
            .filter(|d| d.status != JobStatus::Complete)
            .count();
        let status = if failed == 0 {
            JobStatus::Complete
        } else {
            JobStatus::Partial
        };
        let (spent_after, _) = self.budget();
        let spent = spent_after.saturating_sub(spent_before);
        tracing::info!(?status, failed, spent_micros = spent, "enrichment finished");
        self.events.publish(EngineEvent::EnrichmentCompleted {
            job: req.job.to_string(),
            status,
            done: domains.len() - failed,
            failed,
            spent_micros: spent,
        });
        Ok(JobReport {
            job: req.job.to_string(),
            status,
            domains,
            spent_micros: spent,
        })
    }

    async fn enrich_domain(
        &self,
        req: &JobRequest,
        domain: &Domain,
        wanted: &BTreeSet<ModuleId>,
        peers: &BTreeMap<String, String>,
        fetcher: &Fetcher,
    ) -> Result<DomainReport, EngineError> {
        let (account, held) = {
            let store = lock(&self.store)?;
            let account = match store.account_by_domain(domain)? {
                Some(a) => a,
                None => {
                    let id = store
                        .upsert_account(&NewAccount {
                            domain: Some(domain.clone()),
                            ..NewAccount::default()
                        })?
                        .id();
                    store
                        .account(id)?
                        .ok_or_else(|| pf_store::StoreError::AccountNotFound(domain.to_string()))?
                }
            };
            let held: BTreeMap<ModuleId, CheckpointState> = store
                .checkpoints(&req.job)?
                .into_iter()
                .filter(|c| &c.domain == domain)
                .map(|c| (c.module, c.state))
                .collect();
            (account, held)
        };
        let mut hint = AccountHint {
            domain: domain.clone(),
            name: Some(account.name.clone()),
            ticker: None,
        };
        let mut deps: BTreeMap<ModuleId, Intelligence> = BTreeMap::new();
        let mut outcomes = BTreeMap::new();
        for (index, wave) in self.registry.waves().iter().enumerate() {
            let started = std::time::Instant::now();
            let todo: Vec<ModuleId> = wave
                .iter()
                .copied()
                .filter(|m| wanted.contains(m))
                .collect();
            if todo.is_empty() {
                continue;
            }
            // The account's history as the earlier waves left it, read once for the wave.
            let history = lock(&self.store)?.history(account.id, None)?;
            let known = Known {
                deps: &deps,
                history: &history,
                peers,
            };
            let runs = todo
                .iter()
                .map(|m| self.run_module(req, account.id, *m, &hint, &known, held.get(m), fetcher));
            let done = futures::future::join_all(runs).await;
            for (m, r) in todo.iter().zip(done) {
                let (outcome, intel) = r?;
                if let Some(i) = intel {
                    deps.insert(*m, i);
                }
                tracing::info!(module = %m, outcome = outcome.status(), "module finished");
                self.events.publish(EngineEvent::ModuleCompleted {
                    domain: domain.clone(),
                    module: *m,
                    outcome: format!("{outcome:?}"),
                });
                outcomes.insert(*m, outcome);
            }
            self.events.publish(EngineEvent::WaveCompleted {
                job: req.job.to_string(),
                domain: domain.clone(),
                wave: index,
                seconds: started.elapsed().as_secs_f64(),
            });
            if let Some(profile) = deps.get(&ModuleId::COMPANY_PROFILE) {
                let ticker = profile
                    .data()
                    .get("profile_ticker")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned);
                if ticker.is_some() && hint.ticker.is_none() {
                    hint.ticker = ticker;
                    fetcher.forget_no_data(domain);
                }
            }
        }
        fetcher.forget_domain(domain);
        let status = if outcomes.values().any(ModuleOutcome::hurts) {
            JobStatus::Partial
        } else {
            JobStatus::Complete
        };
        tracing::info!(?status, "domain finished");
        self.events.publish(EngineEvent::DomainCompleted {
            job: req.job.to_string(),
            domain: domain.clone(),
            status,
        });
        Ok(DomainReport {
            domain: domain.clone(),
            status,
            modules: outcomes,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_module(
        &self,
        req: &JobRequest,
        account: AccountId,
        id: ModuleId,
        hint: &AccountHint,
        known: &Known<'_>,
        held: Option<&CheckpointState>,
        fetcher: &Fetcher,
    ) -> Result<(ModuleOutcome, Option<Intelligence>), EngineError> {
        if let Some(why) = self.disabled.get(&id) {
            return Ok((ModuleOutcome::Skipped(why.clone()), None));
        }
        let module = self
            .registry
            .get(id)
            .ok_or_else(|| EngineError::Registry(format!("unknown module {id}")))?;
        let plan = self
            .plans
            .get(&id)
            .cloned()
            .ok_or_else(|| EngineError::Registry(format!("no plan for {id}")))?;
        let now = OffsetDateTime::now_utc();
        let stored = lock(&self.store)?.module_intelligence(account, id)?;
        if held == Some(&CheckpointState::Done) {
            return Ok((ModuleOutcome::Resumed, stored.map(|s| s.intelligence)));
        }
        if !req.force
            && held.is_none()
            && let Some(s) = &stored
            && now - s.fetched_at < plan.freshness
        {
            return Ok((ModuleOutcome::Fresh, Some(s.intelligence.clone())));
        }
        let (facts, errors) = self.gather(&plan, account, hint, fetcher).await;
        let input = ModuleInput {
            account: hint,
            deps: known.deps,
            facts: &facts,
            source_errors: &errors,
            trust: &self.trust,
            peers: known.peers,
            history: known.history,
            settings: &self.settings,
            now,
        };
        let no_data = SourceError::NoData.to_string();
        let output = match module.run(&input) {
            ModuleOutput::Failed(why)
                if !errors.is_empty() && errors.iter().all(|(_, e)| e.starts_with("budget")) =>
            {
                ModuleOutput::Skipped(format!("budget: {why}"))
            }
            // Every source answered, and none knows anything: nothing failed.
            ModuleOutput::Failed(_)
                if !errors.is_empty() && errors.iter().all(|(_, e)| e.starts_with(&no_data)) =>
            {
                let names: Vec<String> = errors.iter().map(|(s, _)| s.to_string()).collect();
                ModuleOutput::Skipped(format!("no data from {}", names.join(", ")))
            }
            other => other,
        };
        let (outcome, intel, state, detail) = match output {
            ModuleOutput::Done(intel) => {
                let changed = lock(&self.store)?.put_intelligence(
                    account,
                    id,
                    &intel,
                    now,
                    now + plan.freshness,
                )?;
                if id == ModuleId::DOMAIN_FAMILY {
                    self.map_redirected_domains(account, &hint.domain, &intel)?;
                }
                self.announce(
                    &hint.domain,
                    id,
                    &intel,
                    changed.as_deref(),
                    stored.as_ref().map(|s| &s.intelligence),
                );
                (
                    ModuleOutcome::Done { changed },
                    Some(intel),
                    CheckpointState::Done,
                    None,
                )
            }
            ModuleOutput::Skipped(why) => (
                ModuleOutcome::Skipped(why.clone()),
                None,
                CheckpointState::Skipped,
                Some(why),
            ),
            ModuleOutput::Failed(why) => (
                ModuleOutcome::Failed(why.clone()),
                None,
                CheckpointState::Failed,
                Some(why),
            ),
        };
        lock(&self.store)?.save_checkpoint(
            &req.job,
            &Checkpoint {
                domain: hint.domain.clone(),
                module: id,
                state,
                result: None,
                detail,
            },
        )?;
        Ok((outcome, intel.or_else(|| stored.map(|s| s.intelligence))))
    }
}
