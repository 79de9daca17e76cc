//! A laptop (a store logged in to the server) and a TCP proxy in front of the server that can
//! swallow the answer of the n-th usage push (the server got and counted it, the laptop never
//! hears back) and can be pointed at a restarted server.

use pf_server::testing::{Org, TestServer, seed_org};
use pf_store::{KeySource, OpenOptions, Store};
use pf_sync::{BudgetInput, SyncClient};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A seeded server.
pub async fn org() -> (TestServer, Org) {
    let server = TestServer::start().await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    (server, org)
}

/// The admin's client.
pub fn admin(server: &TestServer, org: &Org) -> SyncClient {
    server.client(&org.tokens["admin@a.test"]).expect("admin")
}

/// Team A's budget: `cap` micros, `allowance` offline.
pub async fn budget_a(server: &TestServer, org: &Org, cap: u64, allowance: u64) {
    admin(server, org)
        .put_budget(
            org.team_a,
            &BudgetInput {
                monthly_limit_micros: cap,
                alert_threshold_pct: 80,
                hard_cap_micros: cap,
                offline_allowance_micros: allowance,
            },
        )
        .await
        .expect("budget");
}

/// Team A's spend this month as the server counts it.
pub async fn spent_a(server: &TestServer, org: &Org) -> u64 {
    admin(server, org)
        .list_budgets()
        .await
        .expect("budgets")
        .into_iter()
        .find(|b| b.team == org.team_a)
        .map(|b| b.spent_micros)
        .expect("team A has a budget")
}

/// A laptop's store in `dir`, logged in as `user` at `url` (the token is not kept: no keyring
/// in tests; the caller holds the client).
pub async fn laptop(dir: &std::path::Path, url: &str, token: &str) -> Arc<Mutex<Store>> {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Passphrase("laptop".into())))
        .expect("store");
    let store = Arc::new(Mutex::new(store));
    pf_client::login(&store, url, token, false)
        .await
        .expect("login");
    store
}

/// A proxy in front of the server.
pub struct Proxy {
    pub addr: SocketAddr,
    target: Arc<Mutex<SocketAddr>>,
    cut_at: Arc<AtomicU32>,
    pushes: Arc<AtomicU32>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let proxy = Self {
            addr,
            target: Arc::new(Mutex::new(target)),
            cut_at: Arc::new(AtomicU32::new(0)),
            pushes: Arc::new(AtomicU32::new(0)),
        };
        let (target, cut_at, pushes) = (
            proxy.target.clone(),
            proxy.cut_at.clone(),
            proxy.pushes.clone(),
        );
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let to = *target.lock().expect("target");
                let (cut_at, pushes) = (cut_at.clone(), pushes.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(to).await {
                        pipe(client, server, &cut_at, &pushes).await;
                    }
                });
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// New connections go to `addr` (a restarted server).
    pub fn retarget(&self, addr: SocketAddr) {
        *self.target.lock().expect("target") = addr;
    }

    /// The answer to the `n`-th usage push from now on is swallowed and its connection cut.
    pub fn cut_answer_of_usage_push(&self, n: u32) {
        self.pushes.store(0, Ordering::SeqCst);
        self.cut_at.store(n, Ordering::SeqCst);
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

async fn pipe(client: TcpStream, server: TcpStream, cut_at: &AtomicU32, pushes: &AtomicU32) {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let (mut up, mut down) = (vec![0_u8; 64 * 1024], vec![0_u8; 64 * 1024]);
    let armed = AtomicBool::new(false);
    loop {
        tokio::select! {
            n = cr.read(&mut up) => {
                let Ok(n @ 1..) = n else { return };
                if contains(&up[..n], b"POST /v1/usage")
                    && pushes.fetch_add(1, Ordering::SeqCst) + 1 == cut_at.load(Ordering::SeqCst)
                {
                    armed.store(true, Ordering::SeqCst);
                }
                if sw.write_all(&up[..n]).await.is_err() { return }
            }
            n = sr.read(&mut down) => {
                let Ok(n @ 1..) = n else { return };
                if armed.load(Ordering::SeqCst) {
                    return; // the server answered; the laptop never hears it
                }
                if cw.write_all(&down[..n]).await.is_err() { return }
            }
        }
    }
}
