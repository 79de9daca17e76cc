//! Facts per (domain, source), fetched at most once per job: concurrent modules that want the
//! same source share one call, and a source's answer kept in the store (younger than the asking
//! module's freshness limit) is reused without any call, so a resumed job never pays twice.

use pf_core::{AccountId, Domain, SourceId};
use pf_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tokio::sync::OnceCell;

use crate::source::{AccountHint, SourceContext};
use crate::{Fact, Gateway, Source, SourceConfig, SourceError};

type Slot = Arc<OnceCell<Result<Arc<Vec<Fact>>, SourceError>>>;

/// One job's view of the sources.
pub struct Fetcher {
    store: Arc<Mutex<Store>>,
    gateway: Gateway,
    slots: Mutex<HashMap<(Domain, SourceId), Slot>>,
    force: bool,
}

impl Fetcher {
    pub fn new(store: Arc<Mutex<Store>>, gateway: Gateway, force: bool) -> Self {
        Self {
            store,
            gateway,
            slots: Mutex::new(HashMap::new()),
            force,
        }
    }

    fn slot(&self, domain: &Domain, source: &SourceId) -> Slot {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slots
            .entry((domain.clone(), source.clone()))
            .or_default()
            .clone()
    }

    /// The source's facts for the account: from this job, else from the store when younger than
    /// `max_age`, else from the source (and then kept in the store).
    pub async fn facts(
        &self,
        source: &Arc<dyn Source>,
        config: &SourceConfig,
        account: AccountId,
        hint: &AccountHint,
        max_age: time::Duration,
    ) -> Result<Arc<Vec<Fact>>, SourceError> {
        let id = source.descriptor().id.clone();
        let slot = self.slot(&hint.domain, &id);
        let result = slot
            .get_or_init(|| async {
                let now = OffsetDateTime::now_utc();
                if !self.force
                    && let Some(cached) = self.cached(account, &id, now, max_age)
                {
                    return Ok(Arc::new(cached));
                }
                let cx = SourceContext {
                    gateway: &self.gateway,
                    config,
                    account: hint,
                    now,
                };
                let facts = source.fetch(&cx).await?;
                self.keep(account, &id, &facts, now, max_age);
                Ok(Arc::new(facts))
            })
            .await;
        result.clone()
    }

    /// Drops everything held for a domain once it is done (answers are in the store by then), so
    /// a long batch holds only the domains in flight.
    pub fn forget_domain(&self, domain: &Domain) {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slots.retain(|(d, _), _| d != domain);
    }

    /// Forgets a "no data" answer so the next module asks again (used when the hint changed).
    pub fn forget_no_data(&self, domain: &Domain) {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slots.retain(|(d, _), slot| {
            d != domain || !matches!(slot.get(), Some(Err(SourceError::NoData)))
        });
    }

    fn cached(
        &self,
        account: AccountId,
        source: &SourceId,
        now: OffsetDateTime,
        max_age: time::Duration,
    ) -> Option<Vec<Fact>> {
        let store = self.store.lock().ok()?;
        cached(&store, account, source, now, max_age)
    }

    fn keep(
        &self,
        account: AccountId,
        source: &SourceId,
        facts: &[Fact],
        now: OffsetDateTime,
        ttl: time::Duration,
    ) {
        let Ok(value) = serde_json::to_value(facts) else {
            return;
        };
        match self.store.lock() {
            Ok(store) => {
                if let Err(e) = store.put_source_facts(account, source, &value, now, now + ttl) {
                    tracing::warn!(code = e.code(), %source, "could not keep source facts: {e}");
                }
            }
            Err(_) => tracing::error!("store lock poisoned"),
        }
    }
}

/// A source's kept answer about an account when it is younger than `max_age` at `now` (what a
/// job reuses instead of calling; the cost estimate asks the same question).
pub(crate) fn cached(
    store: &Store,
    account: AccountId,
    source: &SourceId,
    now: OffsetDateTime,
    max_age: time::Duration,
) -> Option<Vec<Fact>> {
    let c = store.source_facts(account, source).ok()??;
    if now - c.fetched_at >= max_age {
        return None;
    }
    serde_json::from_value(c.facts).ok()
}
