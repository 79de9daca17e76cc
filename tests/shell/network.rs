//! Offline and back: the probe sees the sources' host go and come back, enrichment asked for
//! meanwhile is queued in the store, and the queue runs when the network returns.

use std::time::Duration;

use partnerforge_desktop::commands::{accounts, ops};
use partnerforge_desktop::events::NETWORK;
use partnerforge_desktop::{jobs, network};
use pf_mock_apis::MockApis;

use crate::support::{Shell, domain, free_port, job_finished};

/// Starts the mock on `port`, retrying while the old listener's port is being released.
async fn start_on(port: u16) -> MockApis {
    let mut last = None;
    for _ in 0..50 {
        match MockApis::start_on(port).await {
            Ok(mock) => return mock,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot start the mock on port {port} again: {last:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_enrichment_is_queued_in_the_store_and_runs_when_the_network_returns() {
    let port = free_port();
    let mock = start_on(port).await;
    let shell = Shell::on_mock(&mock);
    let session = shell.session();

    assert!(network::check(&shell.state).await, "the mock answers");
    assert!(
        shell.events.payloads(NETWORK).is_empty(),
        "no change, no event"
    );

    mock.shutdown().await;
    assert!(!network::check(&shell.state).await, "the mock is gone");
    assert!(!shell.state.is_online());
    let network_events = shell.events.payloads(NETWORK);
    assert_eq!(
        network_events,
        [serde_json::json!({ "online": false, "queued": 0 })]
    );
    // Still offline: no second event.
    assert!(!network::check(&shell.state).await);
    assert_eq!(shell.events.payloads(NETWORK).len(), 1);

    let asked = jobs::enrich(&shell.state, &["costco.com".into()], false).expect("queue");
    assert!(asked.queued, "{asked:?}");
    assert_eq!(asked.domains, 1);
    assert!(asked.job.is_empty(), "no job while offline: {asked:?}");
    // Asking again (forced) keeps one entry per domain and upgrades it to forced.
    let again = jobs::enrich(&shell.state, &["costco.com".into()], true).expect("queue again");
    assert!(again.queued);
    assert_eq!(shell.count_queued(), 1);
    let queued = session
        .with_store(|s| s.queued_enrichments())
        .expect("read the queue");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].domain, domain("costco.com"));
    assert!(queued[0].force);
    assert_eq!(shell.count_jobs(), 0, "nothing started offline");
    let last = shell
        .events
        .payloads(NETWORK)
        .pop()
        .expect("told the window");
    assert_eq!(last, serde_json::json!({ "online": false, "queued": 1 }));
    let ops_offline = ops::view(&shell.state).await.expect("ops offline");
    assert_eq!(ops_offline.queued.len(), 1);
    assert_eq!(ops_offline.queued[0].domain, "costco.com");
    // Stored data stays readable offline.
    assert!(!accounts::list(&session).expect("list offline").is_empty());

    // The queue is in the database, not in memory: another connection sees it.
    {
        let other = pf_store::Store::open(
            &pf_store::OpenOptions::new(shell.dir.path()).key(pf_store::KeySource::Unencrypted),
        )
        .expect("a second connection");
        assert_eq!(other.count_queued().expect("count"), 1);
    }

    let mock = start_on(port).await;
    assert!(network::check(&shell.state).await, "the mock is back");
    assert!(shell.state.is_online());
    let back = shell
        .events
        .payloads(NETWORK)
        .pop()
        .expect("told the window");
    assert_eq!(back, serde_json::json!({ "online": true, "queued": 1 }));

    // The queue ran as one job.
    let jobs_now = session.with_store(|s| s.recent_jobs(10)).expect("jobs");
    assert_eq!(jobs_now.len(), 1, "one job for the queue");
    let job = jobs_now[0].id.as_str().to_owned();
    assert_eq!(jobs_now[0].request["force"], true);
    let done = job_finished(&shell.events, &job).await;
    assert_eq!(done["total"], 1, "{done}");
    assert_eq!(done["done"], 1, "{done}");
    assert_eq!(shell.count_queued(), 0, "the queue is empty");
    assert!(mock.count_for("website", "homepage", "costco.com") >= 1);
    let costco = accounts::list(&session)
        .expect("list")
        .into_iter()
        .find(|r| r.domain == "costco.com")
        .expect("costco");
    assert!(costco.score.is_some(), "{costco:?}");

    // Online with an empty queue: nothing more starts.
    assert!(network::check(&shell.state).await);
    assert_eq!(shell.count_jobs(), 1);
    let ops_online = ops::view(&shell.state).await.expect("ops online");
    assert!(ops_online.queued.is_empty());
    assert!(
        ops_online
            .jobs
            .iter()
            .any(|j| j.id == job && j.finished_at.is_some())
    );
}
