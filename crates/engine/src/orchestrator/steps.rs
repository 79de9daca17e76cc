//! The orchestrator's steps around a module run: gathering its facts per the source policy,
//! and what a stored result sets off (events, and mapping a domain the company moved to).

use pf_core::{AccountId, Domain, Intelligence, ModuleId, SourceId};

use super::lock;
use crate::engine::Engine;
use crate::fetcher::Fetcher;
use crate::module::Policy;
use crate::{AccountHint, EngineError, EngineEvent, Fact, SourceError};

impl Engine {
    /// The module's facts per its policy, and why each source that gave none gave none.
    pub(super) async fn gather(
        &self,
        plan: &crate::engine::ModulePlan,
        account: AccountId,
        hint: &AccountHint,
        fetcher: &Fetcher,
    ) -> (Vec<Fact>, Vec<(SourceId, String)>) {
        let mut facts = Vec::new();
        let mut errors = Vec::new();
        for id in &plan.sources {
            let (Some(source), Some(config)) = (self.sources.get(id), self.configs.get(id)) else {
                continue;
            };
            match fetcher
                .facts(source, config, account, hint, plan.freshness)
                .await
            {
                Ok(got) if !got.is_empty() => {
                    facts.extend(got.iter().cloned());
                    if plan.policy == Policy::Waterfall {
                        break;
                    }
                }
                Ok(_) => errors.push((id.clone(), SourceError::NoData.to_string())),
                Err(e @ SourceError::Budget { .. }) => {
                    errors.push((id.clone(), format!("budget: {e}")))
                }
                Err(e @ SourceError::OfflineAllowanceSpent { .. }) => {
                    errors.push((id.clone(), format!("{e} ({})", e.code())))
                }
                Err(e) => errors.push((id.clone(), format!("{} ({})", e, e.code()))),
            }
        }
        (facts, errors)
    }

    /// A company whose site now lives at another domain (the homepage redirects there) is one
    /// company: the other domain becomes an alias of this account, so looking it up finds this
    /// account and its history.
    pub(super) fn map_redirected_domains(
        &self,
        account: AccountId,
        own: &Domain,
        intel: &Intelligence,
    ) -> Result<(), EngineError> {
        let related = intel
            .data()
            .get("family_related_domains")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        let store = lock(&self.store)?;
        for item in related {
            if item.get("relation").and_then(|r| r.as_str()) != Some("redirect") {
                continue;
            }
            let Some(target) = item
                .get("domain")
                .and_then(|d| d.as_str())
                .and_then(|d| Domain::parse(d).ok())
            else {
                continue;
            };
            if &target != own
                && store.add_domain_alias(
                    &target,
                    account,
                    &format!("{own} redirects to {target}"),
                )?
            {
                tracing::info!(%own, %target, "mapped a redirect target to the account");
            }
        }
        Ok(())
    }

    pub(super) fn announce(
        &self,
        domain: &Domain,
        id: ModuleId,
        intel: &Intelligence,
        changed: Option<&str>,
        before: Option<&Intelligence>,
    ) {
        if id == ModuleId::TECH_STACK
            && let Some(summary) = changed.filter(|_| before.is_some())
        {
            self.events.publish(EngineEvent::TechChanged {
                domain: domain.clone(),
                summary: summary.to_owned(),
            });
        }
        if id == ModuleId::SEARCH_PROVIDER {
            self.announce_dropped_competitor(domain, intel, before);
        }
        if id == ModuleId::HOT_LEAD {
            let priority = |i: &Intelligence| {
                i.data()
                    .get("priority")
                    .and_then(|p| p.as_str())
                    .map(str::to_owned)
            };
            let now_hot = priority(intel).as_deref() == Some("hot");
            let was_hot = before.and_then(priority).as_deref() == Some("hot");
            if now_hot && !was_hot {
                let score = intel
                    .data()
                    .get("score")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                let reasons = intel
                    .data()
                    .get("reasons")
                    .and_then(|r| r.as_array())
                    .map(|r| {
                        r.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                self.events.publish(EngineEvent::HotLeadDetected {
                    domain: domain.clone(),
                    score: u32::try_from(score).unwrap_or(u32::MAX),
                    priority: "hot".into(),
                    reasons,
                });
            }
        }
    }

    /// `CompetitorDropped` when M06's vendor was a competitor and is now another vendor or none.
    fn announce_dropped_competitor(
        &self,
        domain: &Domain,
        intel: &Intelligence,
        before: Option<&Intelligence>,
    ) {
        let vendor = |i: &Intelligence| {
            i.data()
                .get("search_provider")
                .and_then(|p| p.as_str())
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
        };
        let Some(was) = before.and_then(vendor) else {
            return;
        };
        let now = vendor(intel);
        let same = now.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&was));
        if self.settings.is_competitor(&was) && !same {
            self.events.publish(EngineEvent::CompetitorDropped {
                domain: domain.clone(),
                vendor: was,
                now,
            });
        }
    }
}
