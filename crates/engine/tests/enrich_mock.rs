//! The whole engine against the mock APIs: waves, storage with history, freshness reuse, no
//! repeated paid calls (also across a new process), the budget guard, retries that honour
//! Retry-After, and the circuit breaker.

use pf_core::{Domain, ModuleId};
use pf_engine::{EngineEvent, JobRequest, JobStatus, ModuleOutcome};
use pf_mock_apis::{Fault, FaultKind, MockApis};
use pf_store::{JobId, UsageStatus};

#[path = "support/mock_engine.rs"]
mod mock_engine;

use mock_engine::engine;

fn job(id: &str, domains: &[&str], modules: Option<Vec<ModuleId>>, force: bool) -> JobRequest {
    JobRequest {
        job: JobId::new(id),
        domains: domains
            .iter()
            .map(|d| Domain::parse(d).expect("domain"))
            .collect(),
        modules,
        force,
    }
}

#[tokio::test]
async fn a_batch_runs_every_wave_stores_cited_results_and_reuses_fresh_ones() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(dir.path(), &mock, &[]);
    let report = e
        .enrich(&job("j1", &["costco.com", "target.com"], None, false))
        .await
        .expect("job");
    assert_eq!(report.domains.len(), 2);
    for d in &report.domains {
        for m in [
            ModuleId::COMPANY_PROFILE,
            ModuleId::TECH_STACK,
            ModuleId::SEARCH_PROVIDER,
            ModuleId::ICP_FIT,
            ModuleId::HOT_LEAD,
            ModuleId::BRIEF,
        ] {
            assert!(
                matches!(d.modules.get(&m), Some(ModuleOutcome::Done { .. })),
                "{} {m}: {:?}",
                d.domain,
                d.modules.get(&m)
            );
        }
    }
    let paid_after_first =
        mock.count("builtwith", "domain-api") + mock.count("similarweb", "visits");
    assert_eq!(
        mock.count("builtwith", "domain-api"),
        2,
        "one BuiltWith lookup per domain, shared by M01, M02 and M05"
    );
    {
        let store = e.store().lock().expect("lock");
        let costco = store
            .account_by_domain(&Domain::parse("costco.com").expect("d"))
            .expect("read")
            .expect("account");
        let m06 = store
            .module_intelligence(costco.id, ModuleId::SEARCH_PROVIDER)
            .expect("read")
            .expect("stored");
        assert!(
            m06.intelligence.data()["search_provider"].is_string(),
            "{}",
            m06.intelligence.data()
        );
        assert!(!m06.intelligence.sources().is_empty());
        assert!(!store.history(costco.id, None).expect("history").is_empty());
    }
    // Fresh results are reused: no call at all the second time.
    let again = e
        .enrich(&job("j2", &["costco.com", "target.com"], None, false))
        .await
        .expect("job");
    assert!(
        again.domains.iter().all(|d| d
            .modules
            .values()
            .all(|o| matches!(o, ModuleOutcome::Fresh | ModuleOutcome::Skipped(_)))),
        "{again:?}"
    );
    assert_eq!(
        mock.count("builtwith", "domain-api") + mock.count("similarweb", "visits"),
        paid_after_first
    );
    // --force refreshes.
    e.enrich(&job(
        "j3",
        &["costco.com"],
        Some(vec![ModuleId::TECH_STACK]),
        true,
    ))
    .await
    .expect("job");
    assert_eq!(mock.count("builtwith", "domain-api"), 3);
    // Competitors name the search provider of every similar site that is an account too.
    e.enrich(&job(
        "j4",
        &["costco.com"],
        Some(vec![ModuleId::COMPETITORS]),
        true,
    ))
    .await
    .expect("job");
    let store = e.store().lock().expect("lock");
    let costco = store
        .account_by_domain(&Domain::parse("costco.com").expect("d"))
        .expect("read")
        .expect("account");
    let m09 = store
        .module_intelligence(costco.id, ModuleId::COMPETITORS)
        .expect("read")
        .expect("stored");
    let target = m09.intelligence.data()["competitors"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["domain"] == "target.com").cloned())
        .expect("target.com is among costco.com's similar sites");
    assert_eq!(target["search_provider"], "Coveo", "{target}");
}

#[tokio::test]
async fn a_new_process_resuming_a_job_never_repeats_a_paid_call_it_holds() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    {
        // The first "process" got as far as the tech stack.
        let e = engine(dir.path(), &mock, &[]);
        e.enrich(&job(
            "jr",
            &["bestbuy.com"],
            Some(vec![ModuleId::TECH_STACK]),
            false,
        ))
        .await
        .expect("job");
    }
    assert_eq!(mock.count("builtwith", "domain-api"), 1);
    let e = engine(dir.path(), &mock, &[]);
    let report = e
        .enrich(&job("jr", &["bestbuy.com"], None, false))
        .await
        .expect("resumed");
    assert_eq!(
        report.domains[0].modules.get(&ModuleId::TECH_STACK),
        Some(&ModuleOutcome::Resumed)
    );
    assert_eq!(
        mock.count("builtwith", "domain-api"),
        1,
        "the held BuiltWith answer is reused, not bought again"
    );
    assert!(matches!(
        report.domains[0].modules.get(&ModuleId::COMPANY_PROFILE),
        Some(ModuleOutcome::Done { .. })
    ));
}

#[tokio::test]
async fn at_the_hard_cap_paid_calls_are_refused_and_the_module_is_skipped_for_budget() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    // $0.18 a month: the BuiltWith lookups ($0.10 + $0.05) fit and cross the 80% threshold;
    // then a SimilarWeb call ($0.08) does not fit in the $0.03 left.
    let e = engine(dir.path(), &mock, &[("budget.monthly_limit_usd", "0.18")]);
    let mut events = e.events().subscribe();
    let first = e
        .enrich(&job(
            "jb1",
            &["wayfair.com"],
            Some(vec![ModuleId::TECH_STACK]),
            false,
        ))
        .await
        .expect("job");
    assert!(matches!(
        first.domains[0].modules.get(&ModuleId::TECH_STACK),
        Some(ModuleOutcome::Done { .. })
    ));
    let report = e
        .enrich(&job(
            "jb2",
            &["wayfair.com"],
            Some(vec![ModuleId::TRAFFIC]),
            false,
        ))
        .await
        .expect("job");
    let d = &report.domains[0];
    match d.modules.get(&ModuleId::TRAFFIC) {
        Some(ModuleOutcome::Skipped(why)) => {
            assert!(
                why.starts_with("budget")
                    && why.contains("needed $0.08")
                    && why.contains("$0.03 left"),
                "{why}"
            )
        }
        other => panic!("traffic should be skipped for budget, got {other:?}"),
    }
    assert_eq!(report.status, JobStatus::Partial);
    assert_eq!(
        mock.count("similarweb", "visits"),
        0,
        "a refused call is never made"
    );
    let mut exhausted = false;
    let mut threshold = false;
    while let Ok(ev) = events.try_recv() {
        exhausted |= matches!(ev, EngineEvent::BudgetExhausted { .. });
        threshold |= matches!(ev, EngineEvent::BudgetThreshold { .. });
    }
    assert!(
        exhausted && threshold,
        "threshold {threshold}, exhausted {exhausted}"
    );
    let store = e.store().lock().expect("lock");
    let usage = store
        .usage_since(time::OffsetDateTime::now_utc() - time::Duration::hours(1))
        .expect("usage");
    assert!(usage.iter().any(|u| u.status == UsageStatus::BudgetRefused));
    assert_eq!(usage.iter().map(|u| u.cost_micros).sum::<u64>(), 150_000);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_then_succeeds() {
    let mock = MockApis::start().await.expect("mock");
    mock.set_fault(
        Fault::new("similarweb", FaultKind::RateLimited)
            .endpoint("visits")
            .times(1)
            .retry_after(1),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(dir.path(), &mock, &[]);
    let started = std::time::Instant::now();
    let report = e
        .enrich(&job(
            "j429",
            &["chewy.com"],
            Some(vec![ModuleId::TRAFFIC]),
            false,
        ))
        .await
        .expect("job");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(950),
        "Retry-After: 1 was not honoured"
    );
    assert!(matches!(
        report.domains[0].modules.get(&ModuleId::TRAFFIC),
        Some(ModuleOutcome::Done { .. })
    ));
    assert_eq!(mock.count("similarweb", "visits"), 2);
    let store = e.store().lock().expect("lock");
    let usage = store
        .usage_since(time::OffsetDateTime::now_utc() - time::Duration::hours(1))
        .expect("usage");
    assert!(
        usage
            .iter()
            .any(|u| u.status == UsageStatus::RateLimited && u.cost_micros == 0)
    );
}

#[tokio::test]
async fn repeated_server_errors_open_the_circuit_and_the_job_finishes_partial() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = engine(dir.path(), &mock, &[("gateway.max_attempts", "2")]);
    let mut events = e.events().subscribe();
    let domains = ["fault500-a.com", "fault500-b.com", "fault500-c.com"];
    let report = e
        .enrich(&job("j500", &domains, Some(vec![ModuleId::HIRING]), false))
        .await
        .expect("job");
    assert_eq!(report.status, JobStatus::Partial);
    for d in &report.domains {
        assert!(
            matches!(
                d.modules.get(&ModuleId::HIRING),
                Some(ModuleOutcome::Failed(_))
            ),
            "{:?}",
            d.modules
        );
    }
    let mut opened = None;
    while let Ok(ev) = events.try_recv() {
        if let EngineEvent::CircuitOpened { source, reason } = ev {
            opened = Some((source, reason));
        }
    }
    let (source, reason) = opened.expect("the breaker opened");
    assert_eq!(source.as_str(), "job_boards");
    assert!(reason.contains("500"), "{reason}");
}
