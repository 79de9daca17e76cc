//! Sync server figures, against an in-process server on 127.0.0.1, on SQLite (a temp dir) and,
//! when `PF_BENCH_DATABASE_URL` names a PostgreSQL server whose role may create databases, again
//! on PostgreSQL (a fresh database, dropped afterwards):
//! - initial sync of 10,000 assignments plus their territory rules to an empty client;
//! - a no-change pull, p50 and p99;
//! - no-change pulls from 100 concurrent clients for ~10 s: requests/s and p99;
//! - the budget race: 20 clients reserving against a hard cap, overspend.
//!
//! `PF_BENCH_ACCOUNTS=N` and `PF_BENCH_SECS=S` scale it. Every loop is bounded.

use pf_core::{Domain, Role, UserId};
use pf_server::testing::TestServer;
use pf_server::{PgStore, ServeConfig, ServerStore, issue_token};
use pf_sync::{
    AccountAttrs, AccountInput, BudgetInput, CommitRequest, Cursor, ReserveRequest, SyncClient,
    TerritoryInput, TerritoryRule, TokenRequest, UserInput,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

const REGIONS: [&str; 4] = ["EMEA", "NA", "APAC", "LATAM"];
const INDUSTRIES: [&str; 5] = ["retail", "travel", "media", "finance", "health"];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn user(
    store: &dyn ServerStore,
    id: &str,
    role: Role,
    team: Option<pf_core::TeamId>,
) -> String {
    let id = UserId::new(id).expect("user id");
    store
        .put_user(UserInput {
            id: id.clone(),
            role,
            team,
            display_name: None,
        })
        .await
        .expect("user");
    issue_token(store, id, TokenRequest::default())
        .await
        .expect("token")
        .token
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n = env("PF_BENCH_ACCOUNTS", 10_000) as usize;
    let secs = env("PF_BENCH_SECS", 10);
    println!("== SQLite ==");
    run(TestServer::start().await.expect("server"), n, secs).await;
    match std::env::var("PF_BENCH_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let store = PgStore::open_temp(url.trim())
                .await
                .expect("a PostgreSQL database for the bench");
            println!("\n== PostgreSQL ({}) ==", store.target());
            let server = TestServer::start_with(Arc::new(store), ServeConfig::default())
                .await
                .expect("server");
            run(server, n, secs).await;
        }
        _ => println!("\n(PostgreSQL skipped: set PF_BENCH_DATABASE_URL to run it too)"),
    }
}

/// Every figure against one server.
async fn run(server: TestServer, n: usize, secs: u64) {
    let store = server.store.as_ref();
    let team = store
        .create_team("Enterprise".into())
        .await
        .expect("team")
        .id;
    let admin = user(store, "admin@bench.test", Role::Admin, None).await;
    let ae = user(store, "ae@bench.test", Role::Ae, Some(team)).await;
    let ae_id = UserId::new("ae@bench.test").expect("id");
    let manager = UserId::new("admin@bench.test").expect("id");
    for region in REGIONS {
        for industry in INDUSTRIES {
            let rule = TerritoryRule {
                regions: vec![region.into()],
                industries: vec![industry.into()],
                ..TerritoryRule::default()
            };
            let t = TerritoryInput {
                name: format!("{region}-{industry}"),
                owner: manager.clone(),
                members: vec![ae_id.clone()],
                rule,
                priority: 0,
            };
            store.create_territory(t).await.expect("territory");
        }
    }
    let setup = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1_000) {
        let accounts = chunk
            .iter()
            .map(|i| AccountInput {
                domain: Domain::parse(&format!("company{i}.com")).expect("domain"),
                name: format!("Company {i}"),
                attrs: AccountAttrs {
                    region: Some(REGIONS[i % REGIONS.len()].into()),
                    industry: Some(INDUSTRIES[i % INDUSTRIES.len()].into()),
                    employees: Some(100 + *i as u64),
                    revenue_usd: Some(1_000_000 * *i as u64),
                    ..AccountAttrs::default()
                },
                deal_intel: None,
            })
            .collect();
        store.put_accounts(accounts).await.expect("accounts");
    }
    println!(
        "setup: {n} accounts in {} territories stored in {}",
        REGIONS.len() * INDUSTRIES.len(),
        ms(setup.elapsed())
    );

    // 1. Initial sync to an empty client.
    let client = server.client(&ae).expect("client");
    let start = Instant::now();
    let (changes, cursor) = client
        .changes_all(Cursor::START, Some(5_000))
        .await
        .expect("initial sync");
    let took = start.elapsed();
    let accounts = changes
        .iter()
        .filter(|c| matches!(c.item, pf_sync::ChangeItem::Account(_)))
        .count();
    let territories = changes
        .iter()
        .filter(|c| matches!(c.item, pf_sync::ChangeItem::Territory(_)))
        .count();
    println!(
        "initial sync: {accounts} accounts + {territories} territory rules ({} changes) in {} (goal < 1000 ms)",
        changes.len(),
        ms(took)
    );

    // 2. No-change pull latency.
    let mut lat = Vec::with_capacity(1_000);
    for _ in 0..1_000 {
        let t = Instant::now();
        let page = client.changes(cursor, None).await.expect("pull");
        lat.push(t.elapsed());
        assert!(page.changes.is_empty());
    }
    lat.sort();
    println!(
        "no-change pull (1000 sequential): p50 {} p99 {} (goal < 20 ms)",
        ms(pct(&lat, 0.5)),
        ms(pct(&lat, 0.99))
    );

    // 3. Throughput from 100 concurrent clients.
    let deadline = Instant::now() + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = SyncClient::new(&server.url(), ae.clone()).expect("client");
            tokio::spawn(async move {
                let mut lat = Vec::new();
                while Instant::now() < deadline && lat.len() < 1_000_000 {
                    let t = Instant::now();
                    c.changes(cursor, None).await.expect("pull");
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let start = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let wall = start.elapsed();
    all.sort();
    println!(
        "no-change pulls, 100 concurrent clients for {:.1} s: {} requests, {:.0} req/s, p50 {} p99 {}",
        wall.as_secs_f64(),
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        ms(pct(&all, 0.5)),
        ms(pct(&all, 0.99))
    );

    // 4. Budget race.
    let admin = server.client(&admin).expect("admin");
    let cap = 1_000_000;
    let budget = BudgetInput {
        monthly_limit_micros: cap,
        alert_threshold_pct: 80,
        hard_cap_micros: cap,
        offline_allowance_micros: 0,
    };
    admin.put_budget(team, &budget).await.expect("budget");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = SyncClient::new(&server.url(), ae.clone()).expect("client");
            tokio::spawn(async move {
                let mut granted = 0u64;
                for _ in 0..20 {
                    let req = ReserveRequest {
                        source: "builtwith".into(),
                        endpoint: "domain".into(),
                        calls: 1,
                        amount_micros: Some(7_000),
                        account: None,
                        ttl_secs: Some(600),
                    };
                    if let Ok(r) = c.reserve(&req).await {
                        granted += r.amount_micros;
                        c.commit(&CommitRequest {
                            reservation: r.id,
                            actual_micros: r.amount_micros,
                        })
                        .await
                        .expect("commit");
                    }
                }
                granted
            })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        granted += t.await.expect("task");
    }
    let spent = admin.list_budgets().await.expect("budgets")[0].spent_micros;
    println!(
        "budget race: 20 clients x 20 reservations of 7,000 against a cap of {cap}: granted {granted}, spent {spent}, overspend {} (goal 0)",
        spent.saturating_sub(cap)
    );
    server.stop().await.expect("stop");
}
