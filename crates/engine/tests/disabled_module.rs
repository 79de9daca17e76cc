//! A module turned off (the sync server's `module.<Mxx>` flag, via
//! `Engine::with_disabled_modules`) is reported skipped with the reason given, its sources are
//! never called, the modules that need it run without its result, and the estimate does not
//! count it. Left on, it runs as ever.

use pf_core::{Domain, ModuleId};
use pf_engine::{Engine, JobRequest, ModuleOutcome};
use pf_mock_apis::MockApis;
use pf_store::JobId;
use std::collections::BTreeMap;

#[path = "support/mock_engine.rs"]
mod mock_engine;

const WHY: &str = "disabled by feature flag module.M03";

fn traffic_off() -> BTreeMap<ModuleId, String> {
    [(ModuleId::TRAFFIC, WHY.to_owned())].into()
}

fn similarweb_calls(mock: &MockApis) -> u64 {
    mock.calls()
        .iter()
        .filter(|c| c.provider == "similarweb")
        .map(|c| c.count)
        .sum()
}

async fn enrich(e: &Engine, job: &str) -> BTreeMap<ModuleId, ModuleOutcome> {
    let report = e
        .enrich(&JobRequest {
            job: JobId::new(job),
            domains: vec![Domain::parse("costco.com").expect("domain")],
            modules: Some(vec![ModuleId::COMPETITORS]),
            force: false,
        })
        .await
        .expect("job");
    report.domains[0].modules.clone()
}

fn estimated_similarweb_calls(e: &Engine) -> u32 {
    e.estimate(
        &[Domain::parse("costco.com").expect("domain")],
        Some(&[ModuleId::COMPETITORS]),
        false,
    )
    .expect("estimate")
    .by_source
    .iter()
    .filter(|s| s.source.as_str() == "similarweb")
    .map(|s| s.calls)
    .sum()
}

#[tokio::test]
async fn a_disabled_module_is_skipped_without_calling_its_sources_and_is_not_estimated() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = mock_engine::engine(dir.path(), &mock, &[]).with_disabled_modules(traffic_off());

    assert_eq!(estimated_similarweb_calls(&e), 0, "not counted");
    let outcomes = enrich(&e, "off").await;
    assert_eq!(
        outcomes.get(&ModuleId::TRAFFIC),
        Some(&ModuleOutcome::Skipped(WHY.to_owned()))
    );
    assert!(
        matches!(
            outcomes.get(&ModuleId::COMPETITORS),
            Some(ModuleOutcome::Skipped(why)) if why.contains("no traffic data")
        ),
        "the module that needs it runs without it: {outcomes:?}"
    );
    assert_eq!(similarweb_calls(&mock), 0, "no call for a disabled module");
}

#[tokio::test]
async fn a_module_left_on_runs_and_calls_its_sources() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = mock_engine::engine(dir.path(), &mock, &[]).with_disabled_modules(BTreeMap::new());

    assert!(estimated_similarweb_calls(&e) > 0, "counted");
    let outcomes = enrich(&e, "on").await;
    assert!(
        matches!(
            outcomes.get(&ModuleId::TRAFFIC),
            Some(ModuleOutcome::Done { .. })
        ),
        "{outcomes:?}"
    );
    assert!(similarweb_calls(&mock) > 0, "its source was called");
}
