//! Adding a module is one file and one registration line: a sixteenth module that needs M06 lands
//! in the wave after it and the orchestrator runs it, storing its cited result.

use async_trait::async_trait;
use pf_core::{Domain, Intelligence, ModuleId, SourceId};
use pf_engine::fact::fields;
use pf_engine::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use pf_engine::source::{Endpoint, SourceKind};
use pf_engine::{
    Config, Engine, Fact, JobRequest, ModuleOutcome, Registry, Source, SourceContext,
    SourceDescriptor, SourceError,
};
use pf_store::{JobId, KeySource, OpenOptions, Store};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// The whole "one file" of the new module.
struct SearchBudgetGuess {
    spec: ModuleSpec,
}

impl Module for SearchBudgetGuess {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }
    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        let Some(m06) = input.dep(ModuleId::SEARCH_PROVIDER) else {
            return ModuleOutput::Skipped("no search provider".into());
        };
        let guess = if m06["status"] == "competitor" {
            250_000
        } else {
            50_000
        };
        let data = json!({"annual_search_budget_usd": guess, "because": m06["opportunity"]});
        ModuleOutput::Done(Intelligence::new(
            data,
            input.derived_citation(&[ModuleId::SEARCH_PROVIDER]),
            [],
        ))
    }
}

/// A local source standing in for the website detection, so this test needs no network.
struct FixtureSource {
    descriptor: SourceDescriptor,
}

#[async_trait]
impl Source for FixtureSource {
    fn descriptor(&self) -> &SourceDescriptor {
        &self.descriptor
    }
    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError> {
        let cite = cx.cite(&self.descriptor, "fixture", None, 1.0);
        Ok(vec![
            Fact::new(
                fields::TECH_TECHNOLOGIES,
                json!([{"name": "Coveo", "category": "site_search"}]),
                cite.clone(),
            ),
            Fact::new(fields::SEARCH_PROVIDER, json!("Coveo"), cite),
        ])
    }
}

fn fixture() -> Arc<dyn Source> {
    Arc::new(FixtureSource {
        descriptor: SourceDescriptor {
            id: SourceId::new("fixture").expect("id"),
            name: "Fixture",
            version: "1",
            kind: SourceKind::Free,
            feeds: vec![ModuleId::TECH_STACK],
            trust: 1.0,
            endpoints: vec![Endpoint {
                name: "fixture",
                price_micros: 0,
                charges_misses: false,
            }],
            rate_per_sec: 0.0,
            needs_key: false,
            default_base_url: "http://127.0.0.1:9/",
        },
    })
}

#[tokio::test]
async fn a_sixteenth_module_runs_in_the_wave_after_its_dependency() {
    let m16 = ModuleId::new(16).expect("M16");
    let mut modules = pf_engine::registry::builtin();
    modules.push(Arc::new(SearchBudgetGuess {
        spec: ModuleSpec {
            id: m16,
            needs: vec![ModuleId::SEARCH_PROVIDER],
            sources: vec![],
            policy: Policy::Merge,
            freshness: time::Duration::days(7),
        },
    })); // <- the one registration line
    let registry = Registry::new(modules).expect("registry");
    let wave_of = |m: ModuleId| {
        registry
            .waves()
            .iter()
            .position(|w| w.contains(&m))
            .expect("placed")
    };
    assert_eq!(wave_of(m16), wave_of(ModuleId::SEARCH_PROVIDER) + 1);

    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("store");
    let mut config = Config::in_memory();
    config
        .set("modules.M02.sources", "[\"fixture\"]")
        .expect("config");
    let engine = Engine::new(
        Arc::new(Mutex::new(store)),
        &config,
        vec![fixture()],
        registry,
    )
    .expect("engine");
    let domain = Domain::parse("target.com").expect("domain");
    let req = JobRequest {
        job: JobId::new("j1"),
        domains: vec![domain.clone()],
        modules: Some(vec![m16]),
        force: false,
    };
    let report = engine.enrich(&req).await.expect("job");
    let outcomes = &report.domains[0].modules;
    assert!(
        matches!(outcomes.get(&m16), Some(ModuleOutcome::Done { .. })),
        "{outcomes:?}"
    );
    assert!(
        !outcomes.contains_key(&ModuleId::TRAFFIC),
        "only what M16 needs runs"
    );
    let store = engine.store().lock().expect("lock");
    let account = store
        .account_by_domain(&domain)
        .expect("read")
        .expect("created");
    let stored = store
        .module_intelligence(account.id, m16)
        .expect("read")
        .expect("stored");
    assert_eq!(
        stored.intelligence.data()["annual_search_budget_usd"],
        250_000
    );
    assert_eq!(
        stored.intelligence.sources()[0].source().as_str(),
        "partnerforge"
    );
}

#[test]
fn a_cycle_or_a_missing_dependency_is_an_error_naming_the_modules() {
    struct Needs(ModuleSpec);
    impl Module for Needs {
        fn spec(&self) -> &ModuleSpec {
            &self.0
        }
        fn run(&self, _: &ModuleInput<'_>) -> ModuleOutput {
            ModuleOutput::Skipped("test".into())
        }
    }
    let m = |n: u8, needs: &[u8]| -> Arc<dyn Module> {
        Arc::new(Needs(ModuleSpec {
            id: ModuleId::new(n).expect("id"),
            needs: needs
                .iter()
                .map(|d| ModuleId::new(*d).expect("id"))
                .collect(),
            sources: vec![],
            policy: Policy::Merge,
            freshness: time::Duration::days(1),
        }))
    };
    let cycle = Registry::new(vec![m(20, &[21]), m(21, &[20]), m(22, &[])]).expect_err("cycle");
    assert!(
        cycle.to_string().contains("M20") && cycle.to_string().contains("M21"),
        "{cycle}"
    );
    assert!(!cycle.to_string().contains("M22"));
    let missing = Registry::new(vec![m(20, &[30])]).expect_err("missing");
    assert!(missing.to_string().contains("M20 needs M30"), "{missing}");
    assert_eq!(missing.code(), "engine.registry");
}

#[test]
fn scoring_weights_come_from_configuration_and_bad_ones_are_refused() {
    let mut config = Config::in_memory();
    config
        .set("scoring.weights.search", "80")
        .expect("weight key");
    let registry = Registry::configured(&config).expect("registry");
    assert!(registry.get(ModuleId::ICP_FIT).is_some());
    config.set("scoring.weights.fit", "-3").expect("stored");
    let err = Registry::configured(&config).expect_err("negative weight");
    assert!(err.to_string().contains("scoring.weights.fit"), "{err}");
    assert!(
        config.set("scoring.weights.luck", "1").is_err(),
        "unknown weight names are refused"
    );
}
