//! The cost estimate before a refresh counts exactly the paid calls the refresh then makes:
//! the same per source as the providers (the mock APIs) received and the usage log charged;
//! nothing once the results are fresh, everything again with force; only what the asked
//! modules need.

use pf_core::{Domain, ModuleId};
use pf_engine::{CostEstimate, Engine, JobRequest};
use pf_mock_apis::MockApis;
use pf_store::JobId;
use std::collections::BTreeMap;

#[path = "support/mock_engine.rs"]
mod mock_engine;

use mock_engine::engine;

const DOMAINS: [&str; 2] = ["costco.com", "target.com"];

fn domains() -> Vec<Domain> {
    DOMAINS
        .iter()
        .map(|d| Domain::parse(d).expect("domain"))
        .collect()
}

async fn enrich(e: &Engine, id: &str, modules: Option<Vec<ModuleId>>, force: bool) -> u64 {
    e.enrich(&JobRequest {
        job: JobId::new(id),
        domains: domains(),
        modules,
        force,
    })
    .await
    .expect("job")
    .spent_micros
}

/// Charged calls in the usage log, per source: (calls, cost).
fn charged(e: &Engine) -> BTreeMap<String, (u32, u64)> {
    let store = e.store().lock().expect("lock");
    let mut out: BTreeMap<String, (u32, u64)> = BTreeMap::new();
    for u in store
        .usage_since(time::OffsetDateTime::UNIX_EPOCH)
        .expect("usage")
        .into_iter()
        .filter(|u| u.cost_micros > 0)
    {
        let entry = out.entry(u.source.to_string()).or_default();
        entry.0 += 1;
        entry.1 += u.cost_micros;
    }
    out
}

fn per_source(est: &CostEstimate) -> BTreeMap<String, (u32, u64)> {
    est.by_source
        .iter()
        .map(|s| (s.source.to_string(), (s.calls, s.cost_micros)))
        .collect()
}

#[tokio::test]
async fn a_forced_estimate_equals_the_paid_calls_and_cost_of_the_refresh_that_follows() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(
        dir.path(),
        &mock,
        &[("sources.similarweb.price.visits", "0.25")],
    );
    let est = e.estimate(&domains(), None, true).expect("estimate");
    assert!(est.paid_calls > 0, "{est:?}");
    let spent = enrich(&e, "e1", None, true).await;

    let made = charged(&e);
    assert_eq!(per_source(&est), made, "estimate {est:?}");
    assert_eq!(est.paid_calls, made.values().map(|c| c.0).sum::<u32>());
    assert_eq!(est.cost_micros, spent);
    // The providers saw exactly the estimated calls, at the configured price.
    let at_mock = mock.count("builtwith", "domain-api")
        + mock.count("builtwith", "relationships-api")
        + mock.count("similarweb", "visits")
        + mock.count("similarweb", "similar-sites");
    assert_eq!(u64::from(est.paid_calls), at_mock);
    let similarweb = est
        .by_source
        .iter()
        .find(|s| s.source.as_str() == "similarweb")
        .expect("similarweb is paid");
    assert_eq!(
        similarweb.cost_micros,
        2 * (250_000 + 80_000),
        "one visits call at the configured $0.25 and one similar-sites call per domain"
    );
    assert_eq!(
        est.budget_left_micros,
        Some(100_000_000),
        "nothing was spent before the estimate"
    );
}

#[tokio::test]
async fn fresh_results_cost_nothing_unless_forced_and_the_budget_left_follows_the_spend() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(dir.path(), &mock, &[]);
    let forced = e.estimate(&domains(), None, true).expect("estimate");
    let spent = enrich(&e, "f1", None, false).await;
    assert_eq!(forced.cost_micros, spent, "a first run calls everything");

    let again = e.estimate(&domains(), None, false).expect("estimate");
    assert_eq!((again.paid_calls, again.cost_micros), (0, 0), "{again:?}");
    assert!(again.by_source.is_empty());
    assert_eq!(again.budget_left_micros, Some(100_000_000 - spent));
    let calls_before = mock.count("similarweb", "visits");
    assert_eq!(
        enrich(&e, "f2", None, false).await,
        0,
        "and indeed it pays nothing"
    );
    assert_eq!(mock.count("similarweb", "visits"), calls_before);

    let refresh = e.estimate(&domains(), None, true).expect("estimate");
    assert_eq!(
        refresh,
        CostEstimate {
            budget_left_micros: again.budget_left_micros,
            ..forced
        }
    );
}

#[tokio::test]
async fn an_estimate_for_some_modules_counts_only_the_sources_they_and_their_needs_use() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(dir.path(), &mock, &[("budget.monthly_limit_usd", "0")]);
    let traffic = e
        .estimate(&domains(), Some(&[ModuleId::COMPETITORS]), true)
        .expect("estimate");
    let sources: Vec<&str> = traffic
        .by_source
        .iter()
        .map(|s| s.source.as_str())
        .collect();
    assert_eq!(
        sources,
        ["similarweb"],
        "M09 needs M03, fed by SimilarWeb only"
    );
    assert_eq!(traffic.paid_calls, 4);
    assert_eq!(traffic.budget_left_micros, None, "no monthly limit");
    let spent = enrich(&e, "m1", Some(vec![ModuleId::COMPETITORS]), true).await;
    assert_eq!(traffic.cost_micros, spent);
    let unknown: ModuleId = "M99".parse().expect("a well-formed module id");
    let err = e
        .estimate(&domains(), Some(&[unknown]), true)
        .expect_err("as enrich does, an unknown module is refused");
    assert!(err.to_string().contains("M99"), "{err}");
}
