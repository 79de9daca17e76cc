//! What a refresh will cost before it runs: the paid calls [`Engine::enrich`] would make for
//! the same domains, modules and `force`, priced with the configured prices, and what is left
//! of the month's budget.
//!
//! It walks the job as the orchestrator does: the wanted modules (and what they need) wave by wave,
//! without the disabled ones; a module whose stored result is younger than its freshness limit is
//! reused without any call unless `force`; a module that runs asks its sources in its plan's order,
//! and a source is called at most once per domain, unless its kept answer is younger than the
//! asking module's freshness limit (never reused with `force`). Each call of a source is one call
//! per endpoint in [`crate::Source::planned_calls`].
//!
//! Where the outcome depends on what providers answer, the estimate errs on the side of paying:
//! it assumes every call is answered (none refused by the breaker, none a free miss, one page of
//! paged results); in a waterfall only a kept, non-empty answer stops the walk; and when modules
//! with different freshness limits share a source, the shortest limit decides whether its kept
//! answer is reused.

use pf_core::{AccountId, Domain, ModuleId, SourceId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

use crate::engine::Engine;
use crate::module::Policy;
use crate::{EngineError, fetcher};

/// The paid calls of one source in an estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCost {
    pub source: SourceId,
    pub calls: u32,
    pub cost_micros: u64,
}

/// What a refresh would cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostEstimate {
    /// Calls to endpoints with a price.
    pub paid_calls: u32,
    /// Their total price, in micro-dollars.
    pub cost_micros: u64,
    /// What is left of this month's budget; `None` without a limit.
    pub budget_left_micros: Option<u64>,
    /// Per source with paid calls, in source id order.
    pub by_source: Vec<SourceCost>,
}

/// How one source of one domain is settled within a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Called (and assumed to answer).
    Called,
    /// Its kept answer is reused; `true` when it holds facts.
    Kept(bool),
}

impl Engine {
    /// The modules a job runs: the asked ones and what they need, or all.
    pub(crate) fn wanted_modules(
        &self,
        modules: Option<&[ModuleId]>,
    ) -> Result<BTreeSet<ModuleId>, EngineError> {
        match modules {
            Some(list) => {
                for m in list {
                    if self.registry.get(*m).is_none() {
                        return Err(EngineError::Registry(format!("unknown module {m}")));
                    }
                }
                Ok(self.registry.closure(list))
            }
            None => Ok(self.registry.ids().collect()),
        }
    }

    /// The paid calls and cost of `enrich` over `domains` with the same `modules` and `force`,
    /// without making any call or writing anything (see the module documentation).
    pub fn estimate(
        &self,
        domains: &[Domain],
        modules: Option<&[ModuleId]>,
        force: bool,
    ) -> Result<CostEstimate, EngineError> {
        let wanted = self.wanted_modules(modules)?;
        let now = OffsetDateTime::now_utc();
        let mut calls: BTreeMap<SourceId, (u32, u64)> = BTreeMap::new();
        let unique: BTreeSet<&Domain> = domains.iter().collect();
        for domain in unique {
            for source in self.called_sources(domain, &wanted, force, now)? {
                let (Some(s), Some(config)) =
                    (self.sources.get(&source), self.configs.get(&source))
                else {
                    continue;
                };
                for endpoint in s.planned_calls() {
                    let price = config.price(endpoint);
                    if price > 0 {
                        let entry = calls.entry(source.clone()).or_default();
                        entry.0 = entry.0.saturating_add(1);
                        entry.1 = entry.1.saturating_add(price);
                    }
                }
            }
        }
        let by_source: Vec<SourceCost> = calls
            .into_iter()
            .map(|(source, (calls, cost_micros))| SourceCost {
                source,
                calls,
                cost_micros,
            })
            .collect();
        let (spent, limit) = self.budget();
        Ok(CostEstimate {
            paid_calls: by_source.iter().map(|s| s.calls).sum(),
            cost_micros: by_source.iter().map(|s| s.cost_micros).sum(),
            budget_left_micros: (limit > 0).then(|| limit.saturating_sub(spent)),
            by_source,
        })
    }

    /// The sources a job would call for one domain (each once).
    fn called_sources(
        &self,
        domain: &Domain,
        wanted: &BTreeSet<ModuleId>,
        force: bool,
        now: OffsetDateTime,
    ) -> Result<Vec<SourceId>, EngineError> {
        let store = self.store.lock().map_err(|_| EngineError::Poisoned)?;
        let account: Option<AccountId> = store.account_by_domain(domain)?.map(|a| a.id);
        // Per source, the shortest freshness limit of the modules that reach it.
        let mut reached: BTreeMap<SourceId, time::Duration> = BTreeMap::new();
        for wave in self.registry.waves() {
            let runs = |m: &&ModuleId| wanted.contains(*m) && !self.disabled.contains_key(*m);
            for id in wave.iter().filter(runs) {
                let Some(plan) = self.plans.get(id) else {
                    continue;
                };
                if plan.sources.is_empty() {
                    continue;
                }
                if !force
                    && let Some(a) = account
                    && let Some(s) = store.module_intelligence(a, *id)?
                    && now - s.fetched_at < plan.freshness
                {
                    continue;
                }
                for source in &plan.sources {
                    let Some(config) = self.configs.get(source) else {
                        continue;
                    };
                    let needs_key = self
                        .sources
                        .get(source)
                        .is_some_and(|s| s.descriptor().needs_key);
                    if needs_key && config.api_key.is_none() {
                        // Refused before any call: the walk goes on as after an error.
                        continue;
                    }
                    let limit = reached.entry(source.clone()).or_insert(plan.freshness);
                    *limit = (*limit).min(plan.freshness);
                    let kept = answer(&store, account, source, force, now, plan.freshness);
                    if plan.policy == Policy::Waterfall && kept == Answer::Kept(true) {
                        break;
                    }
                }
            }
        }
        Ok(reached
            .into_iter()
            .filter(|(source, limit)| {
                answer(&store, account, source, force, now, *limit) == Answer::Called
            })
            .map(|(source, _)| source)
            .collect())
    }
}

/// Whether a source's kept answer would be reused by a module with this freshness limit.
fn answer(
    store: &pf_store::Store,
    account: Option<AccountId>,
    source: &SourceId,
    force: bool,
    now: OffsetDateTime,
    max_age: time::Duration,
) -> Answer {
    if force {
        return Answer::Called;
    }
    match account.and_then(|a| fetcher::cached(store, a, source, now, max_age)) {
        Some(facts) => Answer::Kept(!facts.is_empty()),
        None => Answer::Called,
    }
}
