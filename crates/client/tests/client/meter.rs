//! `ServerMeter` against a real server: reservations and commits, the hard cap, the offline
//! allowance, and rate-limit leases shared by several laptops.

use pf_client::{MeterSettings, ServerMeter};
use pf_core::{Domain, SourceId};
use pf_engine::gateway::CallSpec;
use pf_engine::meter::{Meter, Outcome};
use pf_engine::{EventBus, SourceError};
use pf_sync::SourceLimit;
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;

fn spec(source: &str, cost: u64) -> CallSpec {
    CallSpec {
        source: SourceId::new(source).expect("source"),
        endpoint: "domain-api",
        domain: Some(Domain::parse("zalando.de").expect("domain")),
        url: url::Url::parse("http://127.0.0.1:9/x").expect("url"),
        headers: Vec::new(),
        cost_micros: cost,
        charges_misses: false,
        classify: pf_engine::default_classify,
    }
}

fn settings() -> MeterSettings {
    MeterSettings {
        rpc_timeout: Duration::from_secs(5),
        offline_retry: Duration::from_secs(600),
        lease_batch: 2,
        hold_ttl_secs: 600,
    }
}

/// One paid call through the meter as the gateway makes it: reserve, then settle as `Ok`.
/// Runs on a blocking thread: the meter waits for the server, which runs on this runtime.
async fn call(meter: &Arc<ServerMeter>, source: &str, cost: u64) -> Result<u64, SourceError> {
    let meter = Arc::clone(meter);
    let source = source.to_owned();
    tokio::task::spawn_blocking(move || {
        let spec = spec(&source, cost);
        let r = meter.reserve(&spec)?;
        Ok(meter.settle(&spec, Some(r), &Outcome::Ok, Duration::from_millis(5)))
    })
    .await
    .expect("join")
}

fn meter(
    store: &Arc<std::sync::Mutex<pf_store::Store>>,
    url: &str,
    token: &str,
) -> Arc<ServerMeter> {
    Arc::new(
        ServerMeter::new(
            Arc::clone(store),
            url,
            token,
            EventBus::default(),
            settings(),
        )
        .expect("meter"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_calls_are_reserved_and_committed_on_the_server_and_stop_at_the_hard_cap() {
    let (server, org) = org().await;
    budget_a(&server, &org, 100_000, 5_000_000).await;
    let dir = tempfile::tempdir().expect("dir");
    let token = &org.tokens["ae@a.test"];
    let store = laptop(dir.path(), &server.url(), token).await;
    let m = meter(&store, &server.url(), token);

    assert_eq!(call(&m, "builtwith", 40_000).await.expect("first"), 40_000);
    assert_eq!(call(&m, "builtwith", 40_000).await.expect("second"), 40_000);
    assert_eq!(
        spent_a(&server, &org).await,
        80_000,
        "commits count on the server"
    );
    let err = call(&m, "builtwith", 40_000)
        .await
        .expect_err("over the cap");
    assert_eq!(err.code(), "source.budget", "{err}");
    assert_eq!(
        spent_a(&server, &org).await,
        80_000,
        "a refused call spends nothing"
    );
    assert_eq!(
        call(&m, "website", 0)
            .await
            .expect("free calls need no budget"),
        0
    );

    let s = store.lock().expect("store");
    let statuses: Vec<&str> = s
        .usage_since(time::OffsetDateTime::UNIX_EPOCH)
        .expect("log")
        .iter()
        .map(|u| u.status.as_str())
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert_eq!(statuses, vec!["ok", "ok", "budget_refused", "ok"]);
    let pending = s.outbox_pending(10).expect("outbox");
    assert_eq!(pending.len(), 4, "every call waits in the outbox");
    assert_eq!(
        pending.iter().filter(|e| e.reservation.is_some()).count(),
        2,
        "paid calls name their reservation, so pushing them does not count them again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_means_the_offline_allowance_then_a_clear_stop_and_a_push_gives_it_back()
 {
    let (server, org) = org().await;
    budget_a(&server, &org, 10_000_000, 100_000).await;
    let dir = tempfile::tempdir().expect("dir");
    let token = &org.tokens["ae@a.test"];
    let store = laptop(dir.path(), &server.url(), token).await;
    // Nothing listens on port 9 of this host: the meter cannot reach its server.
    let away = meter(&store, "http://127.0.0.1:9/", token);

    call(&away, "builtwith", 40_000).await.expect("offline 1");
    call(&away, "builtwith", 40_000).await.expect("offline 2");
    assert!(away.is_offline());
    let err = call(&away, "builtwith", 40_000)
        .await
        .expect_err("allowance spent");
    assert_eq!(err.code(), "budget.offline_allowance_spent", "{err}");
    assert_eq!(
        store
            .lock()
            .expect("store")
            .offline_spend_pending()
            .expect("spend"),
        80_000
    );

    // Back in touch: the push tells the server what was spent offline, once.
    let client = server.client(token).expect("client");
    let report = pf_client::sync_once(&store, &client).await.expect("sync");
    assert_eq!(report.pushed, 3, "two calls and the refusal");
    assert_eq!(spent_a(&server, &org).await, 80_000);
    assert_eq!(
        store
            .lock()
            .expect("store")
            .offline_spend_pending()
            .expect("spend"),
        0
    );
    call(&away, "builtwith", 40_000)
        .await
        .expect("the allowance is back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases_keep_all_laptops_together_under_a_sources_limit() {
    let (server, org) = org().await;
    budget_a(&server, &org, 10_000_000, 5_000_000).await;
    admin(&server, &org)
        .put_limit(&SourceLimit {
            source: "similarweb".into(),
            max_calls: 3,
            window_secs: 3600,
        })
        .await
        .expect("limit");
    let (d1, d2) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (t1, t2) = (&org.tokens["ae@a.test"], &org.tokens["ae@b.test"]);
    let one = meter(
        &laptop(d1.path(), &server.url(), t1).await,
        &server.url(),
        t1,
    );
    // Team B has no budget: its calls are not held, but leases still apply.
    let two = meter(
        &laptop(d2.path(), &server.url(), t2).await,
        &server.url(),
        t2,
    );
    let mut ok = 0;
    let mut limited = 0;
    for m in [&one, &two, &one, &two, &one, &two] {
        match call(m, "similarweb", 10_000).await {
            Ok(_) => ok += 1,
            Err(SourceError::RateLimited { retry_after_secs }) => {
                assert!(retry_after_secs.is_some_and(|s| s > 0));
                limited += 1;
            }
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(
        (ok, limited),
        (3, 3),
        "three calls an hour, whoever makes them"
    );
}
