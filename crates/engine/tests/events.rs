//! Subscribers see what happens without touching the engine: a tech change between two runs
//! raises `TechChanged`, an account crossing the hot threshold raises `HotLeadDetected` once, a
//! competitor's search product gone from the site raises `CompetitorDropped` once; and sources
//! that disagree leave a conflict with both values (resolution strategies per field are
//! configurable, and a bad one is refused at start).

use pf_core::{Domain, ModuleId};
use pf_engine::{Config, Engine, EngineEvent, JobRequest, Registry};
use pf_mock_apis::MockApis;
use pf_store::{JobId, KeySource, OpenOptions, Store};
use std::sync::{Arc, Mutex};

#[path = "support/mock_engine.rs"]
mod mock_engine;

use mock_engine::engine;

fn job(id: &str, domain: &str, modules: Option<Vec<ModuleId>>) -> JobRequest {
    JobRequest {
        job: JobId::new(id),
        domains: vec![Domain::parse(domain).expect("d")],
        modules,
        force: true,
    }
}

fn drain(rx: &mut tokio::sync::broadcast::Receiver<EngineEvent>) -> Vec<EngineEvent> {
    let mut out = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        out.push(ev);
    }
    out
}

#[tokio::test]
async fn a_changed_tech_stack_raises_tech_changed_with_its_summary() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let first = engine(
        dir.path(),
        &mock,
        &[("modules.M02.sources", "[\"builtwith\"]")],
    );
    first
        .enrich(&job("t1", "target.com", Some(vec![ModuleId::TECH_STACK])))
        .await
        .expect("job");
    drop(first);
    let second = engine(
        dir.path(),
        &mock,
        &[("modules.M02.sources", "[\"website\"]")],
    );
    let mut rx = second.events().subscribe();
    second
        .enrich(&job("t2", "target.com", Some(vec![ModuleId::TECH_STACK])))
        .await
        .expect("job");
    let changed: Vec<String> = drain(&mut rx)
        .into_iter()
        .filter_map(|e| match e {
            EngineEvent::TechChanged { domain, summary } if domain.as_str() == "target.com" => {
                Some(summary)
            }
            _ => None,
        })
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains("tech_technologies"), "{}", changed[0]);
}

#[tokio::test]
async fn crossing_the_hot_threshold_raises_hot_lead_detected_once() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(
        dir.path(),
        &mock,
        &[
            ("scoring.hot", "40"),
            ("scoring.warm", "30"),
            ("scoring.cool", "20"),
        ],
    );
    let mut rx = e.events().subscribe();
    e.enrich(&job("h1", "costco.com", None)).await.expect("job");
    let hot: Vec<(u32, Vec<String>)> = drain(&mut rx)
        .into_iter()
        .filter_map(|e| match e {
            EngineEvent::HotLeadDetected { score, reasons, .. } => Some((score, reasons)),
            _ => None,
        })
        .collect();
    assert_eq!(hot.len(), 1, "{hot:?}");
    assert!(hot[0].0 >= 40 && !hot[0].1.is_empty(), "{hot:?}");
    // Still hot on the next run: no second notification.
    e.enrich(&job("h2", "costco.com", None)).await.expect("job");
    assert!(
        !drain(&mut rx)
            .iter()
            .any(|e| matches!(e, EngineEvent::HotLeadDetected { .. }))
    );
}

#[tokio::test]
async fn disagreeing_sources_leave_a_conflict_and_bad_strategies_are_refused() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    // BuiltWith still reports Bloomreach on ulta.com; the site itself runs Constructor.
    let e = engine(
        dir.path(),
        &mock,
        &[("conflicts.search.provider", "newest")],
    );
    e.enrich(&job("c1", "ulta.com", Some(vec![ModuleId::TECH_STACK])))
        .await
        .expect("job");
    let store = e.store().lock().expect("lock");
    let account = store
        .account_by_domain(&Domain::parse("ulta.com").expect("d"))
        .expect("read")
        .expect("account");
    let m02 = store
        .module_intelligence(account.id, ModuleId::TECH_STACK)
        .expect("read")
        .expect("stored");
    let data = m02.intelligence.data();
    let conflict = &data["conflicts"]["search_provider"];
    assert_eq!(
        conflict["values"].as_array().map(Vec::len),
        Some(2),
        "{data}"
    );
    assert!(data["search_provider"].is_string());
    drop(store);
    let store =
        Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("store");
    let mut config = Config::in_memory();
    config
        .set("conflicts.search.provider", "loudest")
        .expect("stored");
    let err = Engine::new(
        Arc::new(Mutex::new(store)),
        &config,
        vec![],
        Registry::builtin().expect("registry"),
    )
    .err()
    .expect("refused");
    assert!(
        err.to_string().contains("conflicts.search.provider"),
        "{err}"
    );
}

/// Runs M06 (and M02) on ulta.com with M02 fed by `source` and the extra configuration, and
/// returns the `CompetitorDropped` events it raised as (domain, vendor, now).
async fn search_provider_run(
    dir: &std::path::Path,
    mock: &MockApis,
    id: &str,
    source: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String, Option<String>)> {
    let list = format!("[\"{source}\"]");
    let mut config = vec![("modules.M02.sources", list.as_str())];
    config.extend_from_slice(extra);
    let e = engine(dir, mock, &config);
    let mut rx = e.events().subscribe();
    e.enrich(&job(id, "ulta.com", Some(vec![ModuleId::SEARCH_PROVIDER])))
        .await
        .expect("job");
    drain(&mut rx)
        .into_iter()
        .filter_map(|e| match e {
            EngineEvent::CompetitorDropped {
                domain,
                vendor,
                now,
            } => Some((domain.to_string(), vendor, now)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_competitor_gone_from_the_site_raises_competitor_dropped_once() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    // BuiltWith still reports Bloomreach on ulta.com; the site itself now runs Constructor.
    let first = search_provider_run(dir.path(), &mock, "d1", "builtwith", &[]).await;
    assert!(first.is_empty(), "nothing was there before: {first:?}");
    let dropped = search_provider_run(dir.path(), &mock, "d2", "website", &[]).await;
    assert_eq!(
        dropped,
        vec![(
            "ulta.com".to_owned(),
            "Bloomreach".to_owned(),
            Some("Constructor".to_owned())
        )]
    );
    let again = search_provider_run(dir.path(), &mock, "d3", "website", &[]).await;
    assert!(again.is_empty(), "no second notification: {again:?}");
}

#[tokio::test]
async fn a_vendor_that_is_not_a_competitor_leaving_raises_nothing() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let only_coveo = [("competitors", "[\"Coveo\"]")];
    search_provider_run(dir.path(), &mock, "n1", "builtwith", &only_coveo).await;
    let dropped = search_provider_run(dir.path(), &mock, "n2", "website", &only_coveo).await;
    assert!(
        dropped.is_empty(),
        "Bloomreach is not a competitor here: {dropped:?}"
    );
}
