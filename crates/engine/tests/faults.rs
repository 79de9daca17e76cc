//! A paid provider that answers 429 (with `Retry-After`) to every call, for as long as the job
//! runs: the engine does not hammer it (each call gives up after its attempts, and after a few
//! such calls the source's circuit breaker opens, so the remaining accounts make no call at
//! all), the job ends `partial` in bounded time with every other module done, and the user is
//! told which source failed and why (a `CircuitOpened` event naming it, and a readable reason on
//! every module it cost).

use pf_core::{Domain, ModuleId, SourceId};
use pf_engine::{EngineEvent, JobRequest, JobStatus, ModuleOutcome};
use pf_engine::{SourceStatus, gateway::breaker::BreakerState};
use pf_mock_apis::{Fault, FaultKind, MockApis};
use pf_store::JobId;
use std::time::{Duration, Instant};

#[path = "support/mock_engine.rs"]
mod mock_engine;

use mock_engine::engine;

/// Accounts in the job: enough that without a breaker the provider would see many more calls
/// than the bound asserted below.
const DOMAINS: usize = 16;
/// Attempts per call (the test's setting; the default is 4).
const ATTEMPTS: u64 = 2;
/// The gateway's breaker threshold and the job's concurrency (defaults).
const THRESHOLD: u64 = 5;
const CONCURRENCY: u64 = 4;

fn domains() -> Vec<Domain> {
    (0..DOMAINS)
        .map(|i| Domain::parse(&format!("throttled-shop{i}.com")).expect("domain"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_answering_429_forever_opens_its_breaker_and_the_job_ends_partial() {
    let mock = MockApis::start().await.expect("mock");
    // Every SimilarWeb call, for the whole test: 429 with `Retry-After: 1`.
    mock.set_fault(
        Fault::new("similarweb", FaultKind::RateLimited)
            .times(0)
            .retry_after(1),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let attempts = ATTEMPTS.to_string();
    let e = engine(dir.path(), &mock, &[("gateway.max_attempts", &attempts)]);
    let mut events = e.events().subscribe();
    let request = JobRequest {
        job: JobId::new("j429-forever"),
        domains: domains(),
        modules: Some(vec![
            ModuleId::TRAFFIC,
            ModuleId::TECH_STACK,
            ModuleId::SEARCH_PROVIDER,
        ]),
        force: false,
    };
    let started = Instant::now();
    let report = tokio::time::timeout(Duration::from_secs(60), e.enrich(&request))
        .await
        .expect("the job ends: it is not stuck behind the throttled provider")
        .expect("the job runs");
    let took = started.elapsed();

    // The job is partial (not failed, not complete) and everything else was done.
    assert_eq!(report.status, JobStatus::Partial, "{report:?}");
    assert_eq!(report.domains.len(), DOMAINS);
    for d in &report.domains {
        for m in [ModuleId::TECH_STACK, ModuleId::SEARCH_PROVIDER] {
            assert!(
                matches!(d.modules.get(&m), Some(ModuleOutcome::Done { .. })),
                "{} {m}: {:?}",
                d.domain,
                d.modules.get(&m)
            );
        }
        match d.modules.get(&ModuleId::TRAFFIC) {
            Some(ModuleOutcome::Failed(why) | ModuleOutcome::Skipped(why)) => {
                let why = why.to_lowercase();
                assert!(
                    why.contains("rate") || why.contains("429") || why.contains("circuit"),
                    "the reason says what happened: {why}"
                );
            }
            other => panic!("{} traffic: {other:?}", d.domain),
        }
    }

    // No retry storm: the provider saw a bounded number of calls, far fewer than
    // DOMAINS x ATTEMPTS (what a job without a breaker makes).
    let calls = mock.count("similarweb", "visits");
    eprintln!("{calls} calls to the throttled provider; the job took {took:?}");
    let bound = ATTEMPTS * (THRESHOLD + CONCURRENCY);
    assert!(
        calls <= bound,
        "{calls} calls to a provider answering 429 forever (bound {bound}, no breaker: {})",
        DOMAINS as u64 * ATTEMPTS
    );
    assert!(calls >= THRESHOLD, "the calls were made: {calls}");
    assert!(
        took < Duration::from_secs(30),
        "the job took {took:?} against a throttled provider"
    );

    // The user is told: an event names the source and the reason, and its status shows it open.
    let mut opened = Vec::new();
    while let Ok(ev) = events.try_recv() {
        if let EngineEvent::CircuitOpened { source, reason } = ev {
            opened.push((source, reason));
        }
    }
    let similarweb = SourceId::new("similarweb").expect("id");
    let (_, reason) = opened
        .iter()
        .find(|(s, _)| *s == similarweb)
        .unwrap_or_else(|| panic!("no CircuitOpened for similarweb: {opened:?}"));
    assert!(
        reason.contains("429") || reason.to_lowercase().contains("rate"),
        "the reason is readable: {reason}"
    );
    assert!(
        opened.iter().all(|(s, _)| *s == similarweb),
        "only the throttled source's breaker opened: {opened:?}"
    );
    let status: Vec<SourceStatus> = e.source_status().await.expect("status");
    let sw = status
        .iter()
        .find(|s| s.id == similarweb)
        .expect("similarweb status");
    assert!(
        matches!(sw.breaker, BreakerState::Open { .. }),
        "{:?}",
        sw.breaker
    );
}
