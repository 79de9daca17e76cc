//! The [`Engine`]: sources, their configuration, the gateway, the budget meter, the module
//! registry and the event bus, put together from [`Config`] over one store. The shell and the
//! CLI talk to this.

use pf_core::{ModuleId, SourceId};
use pf_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use url::Url;

use crate::config::Config;
use crate::gateway::breaker::BreakerState;
use crate::meter::{BudgetMeter, Meter};
use crate::module::Policy;
use crate::{
    EngineError, EngineSettings, EventBus, Gateway, Health, Registry, Source, SourceConfig,
    SourceKind,
};

/// A module's effective source policy (built-in, or overridden in configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct ModulePlan {
    pub sources: Vec<SourceId>,
    pub policy: Policy,
    pub freshness: time::Duration,
}

/// The enrichment engine over one store.
pub struct Engine {
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) registry: Registry,
    pub(crate) sources: BTreeMap<SourceId, Arc<dyn Source>>,
    pub(crate) configs: BTreeMap<SourceId, SourceConfig>,
    pub(crate) trust: BTreeMap<SourceId, f64>,
    pub(crate) plans: BTreeMap<ModuleId, ModulePlan>,
    /// Modules turned off, with why ([`Engine::with_disabled_modules`]).
    pub(crate) disabled: BTreeMap<ModuleId, String>,
    pub(crate) gateway: Gateway,
    pub(crate) meter: Arc<dyn Meter>,
    pub(crate) settings: EngineSettings,
    pub(crate) events: EventBus,
}

/// One source as `partnerforge sources` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    pub id: SourceId,
    pub name: String,
    pub kind: SourceKind,
    pub enabled: bool,
    pub has_key: bool,
    pub needs_key: bool,
    pub base_url: String,
    pub health: Health,
    pub breaker: BreakerState,
    pub spent_this_month_micros: u64,
    pub calls_this_month: u64,
}

fn lock(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>, EngineError> {
    store.lock().map_err(|_| EngineError::Poisoned)
}

impl Engine {
    /// Builds the engine from configuration. `sources` is usually [`crate::sources::builtin`].
    pub fn new(
        store: Arc<Mutex<Store>>,
        config: &Config,
        sources: Vec<Arc<dyn Source>>,
        registry: Registry,
    ) -> Result<Self, EngineError> {
        Self::on_bus(store, config, sources, registry, EventBus::default())
    }

    /// [`Engine::new`] publishing on `events`: an app that rebuilds its engine when settings
    /// change keeps one bus, so its subscribers never miss an event.
    pub fn on_bus(
        store: Arc<Mutex<Store>>,
        config: &Config,
        sources: Vec<Arc<dyn Source>>,
        registry: Registry,
        events: EventBus,
    ) -> Result<Self, EngineError> {
        Self::with_meter(store, config, sources, registry, events, None)
    }

    /// [`Engine::on_bus`] with another budget guard than the local [`BudgetMeter`] (e.g. the
    /// sync server's, from `pf-client`); `None` builds the local one from the configuration.
    /// The meter must publish on `events` for its budget events to reach subscribers.
    pub fn with_meter(
        store: Arc<Mutex<Store>>,
        config: &Config,
        sources: Vec<Arc<dyn Source>>,
        registry: Registry,
        events: EventBus,
        meter: Option<Arc<dyn Meter>>,
    ) -> Result<Self, EngineError> {
        let settings = EngineSettings::from_config(config)?;
        let meter: Arc<dyn Meter> = match meter {
            Some(meter) => meter,
            None => Arc::new(BudgetMeter::new(
                store.clone(),
                settings.user.clone(),
                settings.budget,
                events.clone(),
            )?),
        };
        let gateway = Gateway::new(settings.gateway.clone(), meter.clone(), events.clone())?;
        let mut by_id = BTreeMap::new();
        let mut configs = BTreeMap::new();
        let mut trust = BTreeMap::new();
        for source in sources {
            let d = source.descriptor().clone();
            let key = |field: &str| format!("sources.{}.{field}", d.id);
            let enabled: bool = config.get_parsed(&key("enabled"), true)?;
            if !enabled {
                continue;
            }
            let base = config
                .get(&key("base_url"))
                .unwrap_or_else(|| d.default_base_url.to_owned());
            let base_url = Url::parse(&base)
                .map_err(|e| EngineError::Config(format!("{} = `{base}`: {e}", key("base_url"))))?;
            let api_key = if d.needs_key {
                lock(&store)?.api_key(&d.id).ok().flatten()
            } else {
                None
            };
            let user_agent = config.get(&key("user_agent")).unwrap_or_else(|| {
                format!(
                    "PartnerForge/{} ({})",
                    env!("CARGO_PKG_VERSION"),
                    settings.user
                )
            });
            let mut prices = Vec::new();
            for e in &d.endpoints {
                let usd: Option<f64> = config
                    .get(&format!("sources.{}.price.{}", d.id, e.name))
                    .and_then(|v| v.parse().ok());
                prices.push((
                    e.name.to_owned(),
                    usd.map(|u| (u * 1e6).round() as u64)
                        .unwrap_or(e.price_micros),
                ));
            }
            let rate: f64 = config.get_parsed(&key("rate_per_sec"), d.rate_per_sec)?;
            gateway.set_rate(&d.id, rate);
            trust.insert(
                d.id.clone(),
                config.get_parsed(&key("trust"), d.trust)?.clamp(0.0, 1.0),
            );
            configs.insert(
                d.id.clone(),
                SourceConfig {
                    base_url,
                    api_key,
                    user_agent,
                    prices,
                },
            );
            by_id.insert(d.id.clone(), source);
        }
        let mut plans = BTreeMap::new();
        for id in registry.ids() {
            let Some(m) = registry.get(id) else { continue };
            let spec = m.spec();
            let sources = match config.get_list(&format!("modules.{id}.sources")) {
                Some(list) => list
                    .iter()
                    .map(|s| {
                        SourceId::new(s).map_err(|_| {
                            EngineError::Config(format!(
                                "modules.{id}.sources: `{s}` is not a source id"
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                None => spec.sources.clone(),
            };
            let policy = match config.get(&format!("modules.{id}.policy")).as_deref() {
                Some("waterfall") => Policy::Waterfall,
                Some("merge") => Policy::Merge,
                Some(other) => {
                    return Err(EngineError::Config(format!(
                        "modules.{id}.policy = `{other}`: use waterfall or merge"
                    )));
                }
                None => spec.policy,
            };
            let days: Option<i64> = config
                .get(&format!("modules.{id}.freshness_days"))
                .and_then(|v| v.parse().ok());
            let freshness = days.map(time::Duration::days).unwrap_or(spec.freshness);
            plans.insert(
                id,
                ModulePlan {
                    sources,
                    policy,
                    freshness,
                },
            );
        }
        Ok(Self {
            store,
            registry,
            sources: by_id,
            configs,
            trust,
            plans,
            disabled: BTreeMap::new(),
            gateway,
            meter,
            settings,
            events,
        })
    }

    /// Uses `key` for `source` in this process only (the demo's keys for the mock APIs); real
    /// keys come from the OS keyring.
    pub fn with_session_key(mut self, source: &SourceId, key: &str) -> Self {
        if let Some(c) = self.configs.get_mut(source) {
            c.api_key = Some(zeroize::Zeroizing::new(key.to_owned()));
        }
        self
    }

    /// Turns modules off for this engine (e.g. by the sync server's feature flags): `enrich`
    /// reports each as `Skipped(why)` without calling its sources and passes no result of it on,
    /// so the modules that need it run as after any module that gave nothing; `estimate` does
    /// not count it.
    pub fn with_disabled_modules(mut self, disabled: BTreeMap<ModuleId, String>) -> Self {
        self.disabled = disabled;
        self
    }

    /// The configured sources' ids.
    pub fn source_ids(&self) -> impl Iterator<Item = &SourceId> {
        self.sources.keys()
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn store(&self) -> &Arc<Mutex<Store>> {
        &self.store
    }

    /// Spent this month and the monthly limit, in micro-dollars, as the meter knows them.
    pub fn budget(&self) -> (u64, u64) {
        self.meter.spent_and_limit()
    }

    /// Every configured source with its key, health, breaker and this month's spend.
    pub async fn source_status(&self) -> Result<Vec<SourceStatus>, EngineError> {
        let now = time::OffsetDateTime::now_utc();
        let month = now
            .replace_day(1)
            .unwrap_or(now)
            .replace_time(time::Time::MIDNIGHT);
        let usage = lock(&self.store)?.usage_since(month)?;
        let hint = crate::AccountHint {
            domain: pf_core::Domain::parse("example.com")
                .map_err(|e| EngineError::Config(e.to_string()))?,
            name: None,
            ticker: None,
        };
        let mut out = Vec::new();
        for (id, source) in &self.sources {
            let Some(config) = self.configs.get(id) else {
                continue;
            };
            let d = source.descriptor();
            let cx = crate::SourceContext {
                gateway: &self.gateway,
                config,
                account: &hint,
                now,
            };
            let health = source.health_check(&cx).await;
            let mine: Vec<_> = usage.iter().filter(|u| &u.source == id).collect();
            out.push(SourceStatus {
                id: id.clone(),
                name: d.name.to_owned(),
                kind: d.kind,
                enabled: true,
                has_key: config.api_key.is_some(),
                needs_key: d.needs_key,
                base_url: config.base_url.to_string(),
                health,
                breaker: self.gateway.breaker_state(id),
                spent_this_month_micros: mine.iter().map(|u| u.cost_micros).sum(),
                calls_this_month: mine.len() as u64,
            });
        }
        Ok(out)
    }
}
