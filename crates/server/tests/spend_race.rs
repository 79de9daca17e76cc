//! Concurrency over real HTTP: 20 clients reserving against one team's hard cap never overspend
//! it, and concurrent lease requests never hand out more than a source's limit per window.

use pf_server::testing::{TestBackend, TestServer, seed_org};
use pf_sync::{BudgetInput, CommitRequest, LeaseRequest, ReserveRequest, SourceLimit};

async fn twenty_clients_reserving_at_once_never_exceed_the_hard_cap(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    let cap = 1_000_000;
    let budget = BudgetInput {
        monthly_limit_micros: cap,
        alert_threshold_pct: 80,
        hard_cap_micros: cap,
        offline_allowance_micros: 0,
    };
    admin.put_budget(org.team_a, &budget).await.expect("budget");
    let users = ["manager@a.test", "ae@a.test", "sdr@a.test"];
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let client = server
                .client(&org.tokens[users[i % users.len()]])
                .expect("client");
            tokio::spawn(async move {
                let mut held = 0u64;
                // Each client asks 10 times for 30,000: 6,000,000 asked against a cap of 1,000,000.
                for _ in 0..10 {
                    let req = ReserveRequest {
                        source: "builtwith".into(),
                        endpoint: "domain".into(),
                        calls: 1,
                        amount_micros: Some(30_000),
                        account: None,
                        ttl_secs: Some(600),
                    };
                    match client.reserve(&req).await {
                        Ok(r) => {
                            held += r.amount_micros;
                            client
                                .commit(&CommitRequest {
                                    reservation: r.id,
                                    actual_micros: r.amount_micros,
                                })
                                .await
                                .expect("commit");
                        }
                        Err(e) => assert_eq!(e.code(), Some("budget.over_cap"), "{e}"),
                    }
                }
                held
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("task");
    }
    let spent = admin.list_budgets().await.expect("budgets")[0].spent_micros;
    let overspend = spent.saturating_sub(cap);
    assert_eq!(overspend, 0, "spent {spent} against a cap of {cap}");
    assert_eq!(
        total, spent,
        "what the clients were granted is what was spent"
    );
    assert_eq!(
        spent, 990_000,
        "33 reservations of 30,000 fit under 1,000,000"
    );
}

async fn concurrent_leases_never_exceed_the_source_limit(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    admin
        .put_limit(&SourceLimit {
            source: "builtwith".into(),
            max_calls: 50,
            window_secs: 86_400,
        })
        .await
        .expect("limit");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = server.client(&org.tokens["ae@a.test"]).expect("client");
            tokio::spawn(async move {
                let mut granted = 0;
                for _ in 0..3 {
                    let lease = client
                        .lease(&LeaseRequest {
                            source: "builtwith".into(),
                            calls: 2,
                        })
                        .await
                        .expect("lease");
                    assert_eq!(lease.limit, Some(50));
                    granted += lease.granted;
                }
                granted
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("task");
    }
    // 120 calls were asked for in one (day-long) window: exactly the limit is handed out.
    assert_eq!(total, 50, "leased {total} calls under a limit of 50");
}

pf_server::on_both_backends!(
    twenty_clients_reserving_at_once_never_exceed_the_hard_cap,
    concurrent_leases_never_exceed_the_source_limit
);
