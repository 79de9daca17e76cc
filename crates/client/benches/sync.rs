//! Laptop sync figures against an in-process `pf-server` on 127.0.0.1, into an encrypted laptop
//! store (SQLCipher, passphrase key) in a temp dir, on SQLite and, when `PF_BENCH_DATABASE_URL`
//! names a PostgreSQL server whose role may create databases, again on PostgreSQL (a fresh
//! database, dropped afterwards):
//! - initial `sync_once` of 10,000 assigned accounts plus 20 territory rules to an empty store:
//!   wall time, pages pulled, records applied (goal < 1 s);
//! - a no-change `sync_once` right after, p50 and p99 over 200 runs (goal < 20 ms).
//!
//! `PF_BENCH_ACCOUNTS=N` scales it. Every loop is bounded; nothing leaves loopback.

use pf_client::sync::PAGE_SIZE;
use pf_core::{Domain, Role, UserId};
use pf_server::testing::TestServer;
use pf_server::{PgStore, ServeConfig, ServerStore, issue_token};
use pf_store::{KeySource, OpenOptions, Store, SyncPage};
use pf_sync::{
    AccountAttrs, AccountInput, AccountsInput, Cursor, TerritoryInput, TerritoryRule, TokenRequest,
    UserInput,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REGIONS: [&str; 4] = ["EMEA", "NA", "APAC", "LATAM"];
const INDUSTRIES: [&str; 5] = ["retail", "travel", "media", "finance", "health"];
const BATCH: usize = 1_000;
const NO_CHANGE_RUNS: usize = 200;

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
    let input = UserInput {
        id: id.clone(),
        role,
        team,
        display_name: None,
    };
    store.put_user(input).await.expect("user");
    issue_token(store, id, TokenRequest::default())
        .await
        .expect("token")
        .token
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n = std::env::var("PF_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_usize);
    println!("== SQLite server ==");
    run(TestServer::start().await.expect("server"), n).await;
    match std::env::var("PF_BENCH_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let store = PgStore::open_temp(url.trim())
                .await
                .expect("a PostgreSQL database for the bench");
            println!("\n== PostgreSQL server ({}) ==", store.target());
            let server = TestServer::start_with(Arc::new(store), ServeConfig::default())
                .await
                .expect("server");
            run(server, n).await;
        }
        _ => println!("\n(PostgreSQL skipped: set PF_BENCH_DATABASE_URL to run it too)"),
    }
}

async fn run(server: TestServer, n: usize) {
    // An admin and an AE made directly in the server's store; the rest through the admin API.
    let store = server.store.as_ref();
    let team = store
        .create_team("Enterprise".into())
        .await
        .expect("team")
        .id;
    let admin = user(store, "admin@bench.test", Role::Admin, None).await;
    let ae = user(store, "ae@bench.test", Role::Ae, Some(team)).await;
    let admin = server.client(&admin).expect("admin");
    let ae_id = UserId::new("ae@bench.test").expect("id");
    let setup = Instant::now();
    for region in REGIONS {
        for industry in INDUSTRIES {
            let t = TerritoryInput {
                name: format!("{region}-{industry}"),
                owner: UserId::new("admin@bench.test").expect("id"),
                members: vec![ae_id.clone()],
                rule: TerritoryRule {
                    regions: vec![region.into()],
                    industries: vec![industry.into()],
                    ..TerritoryRule::default()
                },
                priority: 0,
            };
            admin.create_territory(&t).await.expect("territory");
        }
    }
    for start in (0..n).step_by(BATCH) {
        let accounts = (start..(start + BATCH).min(n))
            .map(|i| AccountInput {
                domain: Domain::parse(&format!("company{i}.com")).expect("domain"),
                name: format!("Company {i}"),
                attrs: AccountAttrs {
                    region: Some(REGIONS[i % REGIONS.len()].into()),
                    industry: Some(INDUSTRIES[i % INDUSTRIES.len()].into()),
                    employees: Some(100 + i as u64),
                    revenue_usd: Some(1_000_000 * i as u64),
                    ..AccountAttrs::default()
                },
                deal_intel: None,
            })
            .collect();
        admin
            .put_accounts(&AccountsInput { accounts })
            .await
            .expect("accounts");
    }
    println!(
        "setup: {n} accounts in {} territories (AE a member of each) via the admin API in {}",
        REGIONS.len() * INDUSTRIES.len(),
        ms(setup.elapsed())
    );

    // An empty, encrypted laptop store logged in as the AE.
    let dir = tempfile::tempdir().expect("dir");
    let laptop =
        Store::open(&OpenOptions::new(dir.path()).key(KeySource::Passphrase("laptop".into())))
            .expect("store");
    let laptop = Mutex::new(laptop);
    pf_client::login(&laptop, &server.url(), &ae, false)
        .await
        .expect("login");
    let client = server.client(&ae).expect("client");

    // 1. Initial sync.
    let t = Instant::now();
    let first = pf_client::sync_once(&laptop, &client)
        .await
        .expect("initial sync");
    let took = t.elapsed();
    let local = laptop
        .lock()
        .expect("store")
        .list_accounts()
        .expect("list")
        .len();
    println!(
        "initial sync_once: {} (goal < 1000 ms): {} pages, {} changes pulled, {} applied, {local} local accounts",
        ms(took),
        first.pages,
        first.pulled,
        first.applied
    );
    assert_eq!(local, n, "every account reached the laptop");

    // 2. No-change rounds.
    let mut lat = Vec::with_capacity(NO_CHANGE_RUNS);
    for _ in 0..NO_CHANGE_RUNS {
        let t = Instant::now();
        let r = pf_client::sync_once(&laptop, &client).await.expect("sync");
        lat.push(t.elapsed());
        assert_eq!((r.pulled, r.applied), (0, 0), "{r:?}");
    }
    lat.sort();
    println!(
        "no-change sync_once ({NO_CHANGE_RUNS} sequential): p50 {} p99 {} max {} (goal < 20 ms)",
        ms(pct(&lat, 0.5)),
        ms(pct(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default())
    );

    // 3. Where the initial sync's time goes: the same pull into a second empty store, by phase.
    let dir = tempfile::tempdir().expect("dir");
    let fresh = laptop_store(dir.path(), &server.url(), &ae).await;
    let (mut fetch, mut convert, mut apply) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut cursor = Cursor::START;
    for _ in 0..=n / PAGE_SIZE as usize + 1 {
        let t = Instant::now();
        let page = client.changes(cursor, Some(PAGE_SIZE)).await.expect("page");
        fetch += t.elapsed();
        let t = Instant::now();
        let changes = page
            .changes
            .iter()
            .map(|c| pf_client::convert::change(&c.item))
            .collect::<Result<Vec<_>, _>>()
            .expect("convert");
        convert += t.elapsed();
        let t = Instant::now();
        let s = fresh.lock().expect("store");
        s.apply_sync_page(&SyncPage {
            changes,
            cursor: page.next.encode(),
        })
        .expect("apply");
        apply += t.elapsed();
        cursor = page.next;
        if !page.more {
            break;
        }
    }
    println!(
        "initial sync by phase: fetch pages (HTTP + JSON) {}, convert {}, apply_sync_page {}",
        ms(fetch),
        ms(convert),
        ms(apply)
    );
    server.stop().await.expect("stop");
}

/// An empty encrypted laptop store in `dir`, logged in at `url` (the token is not kept).
async fn laptop_store(dir: &std::path::Path, url: &str, token: &str) -> Mutex<Store> {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Passphrase("laptop".into())))
        .expect("store");
    let store = Mutex::new(store);
    pf_client::login(&store, url, token, false)
        .await
        .expect("login");
    store
}
