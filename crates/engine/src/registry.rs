//! The module registry: every module registered in one place ([`builtin`]), ordered into waves
//! by a topological sort of their dependencies. A cycle or a missing dependency is an error at
//! start, naming the modules involved.

use pf_core::ModuleId;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::EngineError;
use crate::module::Module;
use crate::modules;

/// Modules in waves: every module's needs are in earlier waves.
#[derive(Clone)]
pub struct Registry {
    modules: BTreeMap<ModuleId, Arc<dyn Module>>,
    waves: Vec<Vec<ModuleId>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("waves", &self.waves)
            .finish()
    }
}

/// The built-in modules M01-M15. Adding a module: one file in `modules/` and one line here.
pub fn builtin() -> Vec<Arc<dyn Module>> {
    vec![
        Arc::new(modules::m01_profile::CompanyProfile::new()),
        Arc::new(modules::m02_tech_stack::TechStack::new()),
        Arc::new(modules::m03_traffic::Traffic::new()),
        Arc::new(modules::m04_hiring::Hiring::new()),
        Arc::new(modules::m05_domain_family::DomainFamily::new()),
        Arc::new(modules::m06_search_provider::SearchProvider::new()),
        Arc::new(modules::m07_financials::Financials::new()),
        Arc::new(modules::m08_executives::Executives::new()),
        Arc::new(modules::m09_competitors::Competitors::new()),
        Arc::new(modules::m10_initiatives::Initiatives::new()),
        Arc::new(modules::m11_icp_fit::IcpFit::new()),
        Arc::new(modules::m12_intent::Intent::new()),
        Arc::new(modules::m13_hot_lead::HotLead::new()),
        Arc::new(modules::m14_brief::Brief::new()),
        Arc::new(modules::m15_talking_points::TalkingPoints::new()),
    ]
}

impl Registry {
    /// Orders `modules` into waves. Errors name duplicate ids, missing dependencies and cycles.
    pub fn new(modules: Vec<Arc<dyn Module>>) -> Result<Self, EngineError> {
        let mut map: BTreeMap<ModuleId, Arc<dyn Module>> = BTreeMap::new();
        for m in modules {
            let id = m.spec().id;
            if map.insert(id, m).is_some() {
                return Err(EngineError::Registry(format!(
                    "module {id} is registered twice"
                )));
            }
        }
        for (id, m) in &map {
            let missing: Vec<String> = m
                .spec()
                .needs
                .iter()
                .filter(|n| !map.contains_key(n))
                .map(ToString::to_string)
                .collect();
            if !missing.is_empty() {
                return Err(EngineError::Registry(format!(
                    "module {id} needs {}, which is not registered",
                    missing.join(", ")
                )));
            }
        }
        let mut placed: BTreeSet<ModuleId> = BTreeSet::new();
        let mut waves = Vec::new();
        while placed.len() < map.len() {
            let wave: Vec<ModuleId> = map
                .iter()
                .filter(|(id, m)| {
                    !placed.contains(id) && m.spec().needs.iter().all(|n| placed.contains(n))
                })
                .map(|(id, _)| *id)
                .collect();
            if wave.is_empty() {
                let stuck: Vec<String> = map
                    .keys()
                    .filter(|id| !placed.contains(id))
                    .map(ToString::to_string)
                    .collect();
                return Err(EngineError::Registry(format!(
                    "dependency cycle among {}",
                    stuck.join(", ")
                )));
            }
            placed.extend(wave.iter().copied());
            waves.push(wave);
        }
        Ok(Self {
            modules: map,
            waves,
        })
    }

    /// The built-in registry.
    pub fn builtin() -> Result<Self, EngineError> {
        Self::new(builtin())
    }

    /// The built-in registry with the scoring modules (M11-M13) weighted from configuration
    /// (`scoring.weights.<name>`, `scoring.intent_window_days`).
    pub fn configured(config: &crate::Config) -> Result<Self, EngineError> {
        let weights = crate::score::ScoringWeights::from_config(config)?;
        let mut all = builtin();
        for m in all.iter_mut() {
            let id = m.spec().id;
            if id == ModuleId::ICP_FIT {
                *m = Arc::new(modules::m11_icp_fit::IcpFit::with_weights(weights.clone()));
            } else if id == ModuleId::INTENT {
                *m = Arc::new(modules::m12_intent::Intent::with_weights(weights.clone()));
            } else if id == ModuleId::HOT_LEAD {
                *m = Arc::new(modules::m13_hot_lead::HotLead::with_weights(
                    weights.clone(),
                ));
            }
        }
        Self::new(all)
    }

    pub fn waves(&self) -> &[Vec<ModuleId>] {
        &self.waves
    }

    pub fn get(&self, id: ModuleId) -> Option<&Arc<dyn Module>> {
        self.modules.get(&id)
    }

    pub fn ids(&self) -> impl Iterator<Item = ModuleId> + '_ {
        self.modules.keys().copied()
    }

    /// `wanted` plus everything it needs, transitively.
    pub fn closure(&self, wanted: &[ModuleId]) -> BTreeSet<ModuleId> {
        let mut out = BTreeSet::new();
        let mut stack: Vec<ModuleId> = wanted.to_vec();
        while let Some(id) = stack.pop() {
            if out.insert(id)
                && let Some(m) = self.modules.get(&id)
            {
                stack.extend(m.spec().needs.iter().copied());
            }
        }
        out
    }
}
