//! The real `partnerforge-server` binary killed with SIGKILL in the middle of a burst of usage
//! pushes and budget reservations, then started again on the same database (SQLite, and
//! PostgreSQL through `DATABASE_URL`):
//! the database is intact, every push the client saw acknowledged is there exactly once,
//! pushing every batch again (the acknowledged ones and the one in flight at the kill) counts
//! nothing twice, and the team's spend never passes its hard cap.

use pf_server::testing::{TEST_DATABASE_ENV, TestBackend, fresh_postgres, seed_org};
use pf_server::{PgStore, ServerStore, SqliteStore, on_both_backends};
use pf_sync::{
    BudgetInput, CommitRequest, ReserveRequest, SyncClient, UsageBatch, UsageId, UsageRecord,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Records per usage push.
const BATCH: usize = 20;
const COST: u64 = 1000;
/// Team A's hard cap, and what each reservation asks for.
const CAP: u64 = 1_000_000;
const RESERVE: u64 = 30_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The database the server binary runs on.
enum Db {
    /// The data directory of a SQLite database.
    Sqlite(PathBuf),
    /// A fresh PostgreSQL database (dropped with the store) and the URL the server opens.
    Postgres(PgStore, String),
}

impl Db {
    async fn new(backend: TestBackend, dir: &Path) -> Self {
        match backend {
            TestBackend::Sqlite => Db::Sqlite(dir.to_path_buf()),
            TestBackend::Postgres => {
                let store = fresh_postgres().await.expect("postgres");
                let admin = std::env::var(TEST_DATABASE_ENV).expect("postgres url");
                let name = store.target().rsplit('/').next().expect("name").to_owned();
                let base = admin.rsplit_once('/').expect("a URL with a database").0;
                Db::Postgres(store, format!("{base}/{name}"))
            }
        }
    }

    /// A store on the database, for seeding (the SQLite one is closed again before serving).
    fn seed_store(&self) -> Arc<dyn ServerStore> {
        match self {
            Db::Sqlite(dir) => {
                Arc::new(SqliteStore::open(&dir.join("server.sqlite3")).expect("sqlite"))
            }
            Db::Postgres(store, _) => Arc::new(store.clone()),
        }
    }

    /// Every usage id stored, and the database's own integrity verdict ("ok").
    async fn usage_ids(&self) -> (Vec<String>, String) {
        match self {
            Db::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.join("server.sqlite3"))
                    .expect("open the server database");
                let check: String = conn
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .expect("integrity_check");
                let mut stmt = conn.prepare("SELECT id FROM usage").expect("prepare");
                let ids = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .expect("query")
                    .collect::<Result<Vec<_>, _>>()
                    .expect("ids");
                (ids, check)
            }
            Db::Postgres(_, url) => {
                let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                let ids: Vec<String> = client
                    .query("SELECT id FROM usage", &[])
                    .await
                    .expect("ids")
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                // The primary key's index agrees with the table: counted through the index
                // (sequential scans off), it finds every row the table holds.
                client
                    .batch_execute("SET enable_seqscan = off")
                    .await
                    .expect("planner setting");
                let indexed: i64 = client
                    .query_one("SELECT COUNT(id) FROM usage WHERE id >= ''", &[])
                    .await
                    .expect("count")
                    .get(0);
                let check = if usize::try_from(indexed).ok() == Some(ids.len()) {
                    "ok".to_owned()
                } else {
                    format!(
                        "{indexed} rows through the index, {} in the table",
                        ids.len()
                    )
                };
                (ids, check)
            }
        }
    }
}

/// `partnerforge-server serve` over `db`, healthy, and its URL.
async fn start(db: &Db) -> (Child, String) {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnerforge-server"));
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
    match db {
        Db::Sqlite(dir) => cmd.arg("--data-dir").arg(dir).env_remove("DATABASE_URL"),
        Db::Postgres(_, url) => cmd.env("DATABASE_URL", url),
    };
    let child = cmd
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the server");
    let url = format!("http://127.0.0.1:{port}/");
    let probe = SyncClient::new(&url, "none").expect("client");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !probe.health().await.unwrap_or(false) {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, url)
}

fn batch() -> UsageBatch {
    UsageBatch {
        records: (0..BATCH)
            .map(|_| UsageRecord {
                id: UsageId::new(),
                source: "builtwith".into(),
                endpoint: "domain-api".into(),
                domain: None,
                cost_micros: COST,
                status: "ok".into(),
                duration_ms: 5,
                at: OffsetDateTime::now_utc(),
                reservation: None,
            })
            .collect(),
    }
}

/// What the clients saw before the kill.
#[derive(Default)]
struct Seen {
    acked: Vec<UsageBatch>,
    in_flight: Vec<UsageBatch>,
    committed_micros: u64,
}

/// Pushes batches until the server stops answering.
async fn push_until_killed(client: SyncClient, seen: Arc<Mutex<Seen>>) {
    loop {
        let b = batch();
        seen.lock().expect("seen").in_flight.push(b.clone());
        match client.push_usage(&b).await {
            Ok(ack) => {
                assert_eq!(ack.accepted as usize, BATCH, "fresh ids are all new");
                let mut s = seen.lock().expect("seen");
                s.in_flight.pop();
                s.acked.push(b);
            }
            Err(_) => return,
        }
    }
}

/// Reserves and commits until the server stops answering or the cap is reached.
async fn spend_until_killed(client: SyncClient, seen: Arc<Mutex<Seen>>) {
    loop {
        let req = ReserveRequest {
            source: "builtwith".into(),
            endpoint: "domain-api".into(),
            calls: 1,
            amount_micros: Some(RESERVE),
            account: None,
            ttl_secs: Some(600),
        };
        let Ok(r) = client.reserve(&req).await else {
            return;
        };
        let commit = CommitRequest {
            reservation: r.id,
            actual_micros: r.amount_micros,
        };
        let Ok(s) = client.commit(&commit).await else {
            return;
        };
        seen.lock().expect("seen").committed_micros += s.charged_micros;
    }
}

async fn spent(url: &str, token: &str, team: pf_core::TeamId) -> u64 {
    SyncClient::new(url, token)
        .expect("client")
        .list_budgets()
        .await
        .expect("budgets")
        .into_iter()
        .find(|b| b.team == team)
        .map(|b| b.spent_micros)
        .expect("the team has a budget")
}

async fn a_server_killed_mid_burst_restarts_intact_with_every_acknowledged_push_once(
    backend: TestBackend,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::new(backend, dir.path()).await;
    let org = {
        let store = db.seed_store();
        let org = seed_org(store.as_ref()).await.expect("seed");
        for (team, cap) in [(org.team_a, CAP), (org.team_b, u64::MAX / 4)] {
            let budget = BudgetInput {
                monthly_limit_micros: cap,
                alert_threshold_pct: 80,
                hard_cap_micros: cap,
                offline_allowance_micros: 0,
            };
            store.put_budget(team, budget).await.expect("budget");
        }
        org
    };
    let admin = &org.tokens["admin@a.test"];

    let (mut server, url) = start(&db).await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    // Team B's AE pushes usage; team A's AE spends against the cap, both as fast as they can.
    let pusher = tokio::spawn(push_until_killed(
        SyncClient::new(&url, org.tokens["ae@b.test"].as_str()).expect("client"),
        Arc::clone(&seen),
    ));
    let spender = tokio::spawn(spend_until_killed(
        SyncClient::new(&url, org.tokens["ae@a.test"].as_str()).expect("client"),
        Arc::clone(&seen),
    ));
    let deadline = Instant::now() + Duration::from_secs(15);
    while seen.lock().expect("seen").acked.len() < 25 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().expect("SIGKILL the server");
    server.wait().expect("reap");
    tokio::time::timeout(Duration::from_secs(20), pusher)
        .await
        .expect("the pusher stops once the server is gone")
        .expect("pusher");
    tokio::time::timeout(Duration::from_secs(20), spender)
        .await
        .expect("the spender stops once the server is gone")
        .expect("spender");
    let (acked, in_flight, committed) = {
        let s = seen.lock().expect("seen");
        (s.acked.clone(), s.in_flight.clone(), s.committed_micros)
    };
    assert!(
        acked.len() >= 25,
        "only {} pushes before the kill",
        acked.len()
    );
    eprintln!(
        "killed after {} acknowledged pushes, {} in flight, {committed} micros committed",
        acked.len(),
        in_flight.len()
    );

    // After the kill, before the restart: intact, every acknowledged record there once.
    let (ids, check) = db.usage_ids().await;
    assert_eq!(check, "ok");
    let stored: HashSet<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(stored.len(), ids.len(), "no record stored twice");
    for b in &acked {
        for r in &b.records {
            assert!(
                stored.contains(r.id.to_string().as_str()),
                "acknowledged record {} lost",
                r.id
            );
        }
    }

    // Restarted on the same database: pushing everything again counts nothing twice.
    let (mut server, url) = start(&db).await;
    let client = SyncClient::new(&url, org.tokens["ae@b.test"].as_str()).expect("client");
    let (mut accepted, mut duplicates) = (0, 0);
    for b in acked.iter().chain(&in_flight) {
        let ack = client.push_usage(b).await.expect("push after the restart");
        accepted += ack.accepted as usize;
        duplicates += ack.duplicates as usize;
    }
    assert!(
        duplicates >= acked.len() * BATCH,
        "every acknowledged record is a duplicate now ({duplicates})"
    );
    assert_eq!(
        accepted + duplicates,
        (acked.len() + in_flight.len()) * BATCH
    );
    eprintln!("re-pushed after the restart: {accepted} new, {duplicates} duplicates");
    let total = (acked.len() + in_flight.len()) * BATCH;
    let (ids, check) = db.usage_ids().await;
    assert_eq!(check, "ok");
    assert_eq!(ids.len(), total, "every record once");
    assert_eq!(
        spent(&url, admin, org.team_b).await,
        total as u64 * COST,
        "team B's spend counts each record once"
    );

    // Team A spent what its AE saw committed (and perhaps the one commit in flight), never
    // more than the cap, also when spending on to the cap after the restart.
    let spent_a = spent(&url, admin, org.team_a).await;
    assert!(
        spent_a >= committed && spent_a <= committed + RESERVE && spent_a <= CAP,
        "spent {spent_a}, committed {committed}"
    );
    let seen_after = Arc::new(Mutex::new(Seen::default()));
    spend_until_killed(
        SyncClient::new(&url, org.tokens["ae@a.test"].as_str()).expect("client"),
        Arc::clone(&seen_after),
    )
    .await;
    let spent_a = spent(&url, admin, org.team_a).await;
    assert!(spent_a <= CAP, "spent {spent_a} against a cap of {CAP}");
    server.kill().expect("stop the server");
    server.wait().expect("reap");
}

on_both_backends!(a_server_killed_mid_burst_restarts_intact_with_every_acknowledged_push_once);
