//! `sync_once` against a sync server that misbehaves, played by a small HTTP stub: it answers
//! too late, answers 200 with garbage or with JSON cut short, cuts the answer's body, answers an
//! HTML 500, or accepts the push and hangs up; or nothing listens at all. Each time the round
//! fails in bounded time with a stable code, the usage outbox keeps every record unsent, and a
//! later round against the real server delivers them all exactly once.
//!
//! A server that dies after counting a push (its answer lost) and a stopped server are covered
//! by `client/sync.rs` (`a_server_that_vanishes_mid_push_loses_nothing_and_counts_nothing_twice`).

use pf_core::{SourceId, UserId};
use pf_server::testing::{Org, TestServer, seed_org};
use pf_store::{KeySource, OpenOptions, OutboxEntry, Store, UsageRecord, UsageStatus};
use pf_sync::{BudgetInput, ChangesPage, Cursor, SyncClient};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The client's timeout in these tests (the real client's is longer; the behaviour is the same).
const TIMEOUT: Duration = Duration::from_millis(1500);
/// Usage records waiting in the outbox (two push batches).
const RECORDS: u64 = 700;
const COST: u64 = 1000;

/// How the stub misbehaves. `…OnPush` modes answer the pull with an empty page first, so the
/// fault hits the usage push itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every answer comes 5 s late.
    Slow,
    /// `200 OK` with an HTML page to the pull.
    GarbageOnPull,
    /// `200 OK` with text that is not JSON to the push.
    GarbageOnPush,
    /// `200 OK` with JSON cut off mid-object (a consistent Content-Length) to the push.
    TruncatedOnPush,
    /// Content-Length promises more than is sent, then the connection closes.
    CutBodyOnPush,
    /// An HTML `500` page to the push.
    Html500OnPush,
    /// The push is read, then the connection is closed without an answer.
    CloseOnPush,
}

fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn empty_page() -> String {
    serde_json::to_string(&ChangesPage {
        changes: Vec::new(),
        next: Cursor::START,
        more: false,
    })
    .expect("page json")
}

/// Reads one request (head and body); `None` when the client hung up.
async fn read_request(conn: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let mut chunk = [0_u8; 16 * 1024];
                let n = conn.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..end + 4 + len);
            return Some(head);
        }
        let mut chunk = [0_u8; 16 * 1024];
        let n = conn.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn serve_connection(mut conn: TcpStream, mode: Mode) {
    let mut buf = Vec::new();
    while let Some(head) = read_request(&mut conn, &mut buf).await {
        let push = head.starts_with("POST /v1/usage");
        let answer = match (mode, push) {
            (Mode::Slow, _) => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                response("200 OK", "application/json", &empty_page())
            }
            (Mode::GarbageOnPull, _) => response(
                "200 OK",
                "text/html",
                "<html><body>Welcome to the captive portal</body></html>",
            ),
            (_, false) => response("200 OK", "application/json", &empty_page()),
            (Mode::GarbageOnPush, true) => response("200 OK", "application/json", "ok, thanks!"),
            (Mode::TruncatedOnPush, true) => {
                response("200 OK", "application/json", r#"{"accepted": 35"#)
            }
            (Mode::CutBodyOnPush, true) => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Content-Length: 400\r\n\r\n{\"accepted\": 350, \"dupl";
                let _ = conn.write_all(head.as_bytes()).await;
                return;
            }
            (Mode::Html500OnPush, true) => response(
                "500 Internal Server Error",
                "text/html",
                "<html><h1>502 Bad Gateway</h1></html>",
            ),
            (Mode::CloseOnPush, true) => return,
        };
        if conn.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// A stub server in `mode` on a free loopback port.
async fn stub(mode: Mode) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(serve_connection(conn, mode));
        }
    });
    addr
}

/// A loopback address nothing listens on.
async fn nobody() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr")
}

fn client(addr: SocketAddr, token: &str) -> SyncClient {
    let http = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .build()
        .expect("http client");
    SyncClient::with_http(http, &format!("http://{addr}/"), token).expect("client")
}

async fn seeded() -> (TestServer, Org) {
    let server = TestServer::start().await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    admin
        .put_budget(
            org.team_a,
            &BudgetInput {
                monthly_limit_micros: 1_000_000_000,
                alert_threshold_pct: 80,
                hard_cap_micros: 1_000_000_000,
                offline_allowance_micros: 5_000_000,
            },
        )
        .await
        .expect("budget");
    (server, org)
}

async fn spent_a(server: &TestServer, org: &Org) -> u64 {
    server
        .client(&org.tokens["admin@a.test"])
        .expect("admin")
        .list_budgets()
        .await
        .expect("budgets")
        .into_iter()
        .find(|b| b.team == org.team_a)
        .map(|b| b.spent_micros)
        .expect("team A has a budget")
}

fn fill_outbox(store: &Mutex<Store>) {
    let s = store.lock().expect("store");
    s.batch(|s| {
        for _ in 0..RECORDS {
            let rec = UsageRecord {
                at: OffsetDateTime::now_utc(),
                user: UserId::new("ae@a.test").expect("user"),
                source: SourceId::new("builtwith").expect("id"),
                endpoint: "domain-api".into(),
                domain: None,
                cost_micros: COST,
                status: UsageStatus::Ok,
                duration_ms: 3,
            };
            s.log_usage_outboxed(&rec, &OutboxEntry::new(&rec, None))?;
        }
        Ok(())
    })
    .expect("outbox");
}

fn outbox(store: &Mutex<Store>) -> (u64, u64) {
    store
        .lock()
        .expect("store")
        .outbox_counts()
        .expect("counts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_broken_or_absent_server_fails_the_round_with_a_code_and_loses_no_usage() {
    let (server, org) = seeded().await;
    let token = org.tokens["ae@a.test"].clone();
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&OpenOptions::new(dir.path()).key(KeySource::Passphrase("l".into())))
        .expect("store");
    let store = Arc::new(Mutex::new(store));
    pf_client::login(&store, &server.url(), &token, false)
        .await
        .expect("login");
    fill_outbox(&store);
    assert_eq!(outbox(&store), (RECORDS, 0));

    let cases = [
        (Mode::Slow, "sync.unreachable"),
        (Mode::GarbageOnPull, "sync.protocol"),
        (Mode::GarbageOnPush, "sync.protocol"),
        (Mode::TruncatedOnPush, "sync.protocol"),
        (Mode::CutBodyOnPush, "sync.unreachable"),
        (Mode::Html500OnPush, "sync.unreachable"),
        (Mode::CloseOnPush, "sync.unreachable"),
    ];
    for (mode, code) in cases {
        let c = client(stub(mode).await, &token);
        let started = Instant::now();
        let err = pf_client::sync_once(&store, &c)
            .await
            .expect_err("the round fails");
        let took = started.elapsed();
        assert_eq!(err.code(), code, "{mode:?}: {err}");
        assert_eq!(err.is_offline(), code == "sync.unreachable", "{mode:?}");
        assert!(!err.to_string().is_empty());
        assert!(
            took < Duration::from_secs(4),
            "{mode:?}: the round took {took:?} with a {TIMEOUT:?} timeout"
        );
        assert_eq!(
            outbox(&store),
            (RECORDS, 0),
            "{mode:?}: every record is still waiting, none marked sent"
        );
    }
    // Nothing listening: refused at once.
    let started = Instant::now();
    let err = pf_client::sync_once(&store, &client(nobody().await, &token))
        .await
        .expect_err("nobody there");
    assert_eq!(err.code(), "sync.unreachable", "{err}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(outbox(&store), (RECORDS, 0));
    assert_eq!(
        spent_a(&server, &org).await,
        0,
        "no stub reached the server"
    );

    // The real server: everything arrives, once.
    let real = server.client(&token).expect("client");
    let report = pf_client::sync_once(&store, &real).await.expect("sync");
    assert_eq!(
        (u64::from(report.pushed), report.duplicates, report.pending),
        (RECORDS, 0, 0),
        "{report:?}"
    );
    assert_eq!(outbox(&store), (0, RECORDS));
    assert_eq!(spent_a(&server, &org).await, RECORDS * COST);
    let again = pf_client::sync_once(&store, &real).await.expect("sync");
    assert_eq!((again.pushed, again.duplicates), (0, 0), "{again:?}");
    assert_eq!(
        spent_a(&server, &org).await,
        RECORDS * COST,
        "counted exactly once"
    );
}
