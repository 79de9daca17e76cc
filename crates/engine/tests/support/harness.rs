//! Test harness for the source tests: a tiny scripted HTTP server (axum on 127.0.0.1:0) that
//! answers each path with queued canned replies (the last one repeats) and logs every request,
//! a meter that records how each call settled, and builders for the gateway, config and context.
//! Included by each `source_*.rs` test with `#[path = "support/harness.rs"] mod harness;`.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, Response, StatusCode};
use pf_core::Domain;
use pf_engine::gateway::{CallSpec, GatewaySettings};
use pf_engine::meter::{Meter, Outcome, Reservation};
use pf_engine::{AccountHint, EventBus, Gateway, Source, SourceConfig, SourceContext, SourceError};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;
use url::Url;
use zeroize::Zeroizing;

/// A distinctive key: it must never show up in an error or a citation.
pub const KEY: &str = "0f9e8d7c-6b5a-4321-9abc-def012345678";
/// The clock the tests run at.
pub const NOW: OffsetDateTime = datetime!(2025-03-15 12:00 UTC);
pub const USER_AGENT: &str = "PartnerForge tests ops@partnerforge.test";

/// One canned reply.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/json", body)
    }
    pub fn text(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "text/plain", body)
    }
    pub fn html(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "text/html", body)
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Script {
    routes: Mutex<HashMap<String, VecDeque<Canned>>>,
    seen: Mutex<Vec<Seen>>,
}

/// The scripted server.
pub struct Server {
    pub root: String,
    script: Arc<Script>,
}

async fn answer(State(script): State<Arc<Script>>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    script.seen.lock().expect("log").push(Seen {
        path: path.clone(),
        query: req.uri().query().unwrap_or("").to_owned(),
        headers,
    });
    let canned = {
        let mut routes = script.routes.lock().expect("routes");
        match routes.get_mut(&path) {
            Some(q) if q.len() > 1 => q.pop_front(),
            Some(q) => q.front().cloned(),
            None => None,
        }
    };
    let c = canned
        .unwrap_or_else(|| Canned::json(404, r#"{"error":"no such route in the test script"}"#));
    let mut resp = Response::builder().status(StatusCode::from_u16(c.status).expect("status"));
    for (k, v) in &c.headers {
        resp = resp.header(k, v);
    }
    resp.body(Body::from(c.body)).expect("response")
}

impl Server {
    pub async fn start() -> Server {
        let script = Arc::new(Script::default());
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Server {
            root: format!("http://{addr}"),
            script,
        }
    }

    /// Queues a reply for a path (e.g. `/builtwith/v22/api.json`).
    pub fn on(&self, path: &str, reply: Canned) -> &Self {
        self.script
            .routes
            .lock()
            .expect("routes")
            .entry(path.to_owned())
            .or_default()
            .push_back(reply);
        self
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().expect("log").clone()
    }

    /// How many requests went to a path.
    pub fn calls(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }

    /// A base URL under the server, like the mock's `/<source-id>`.
    pub fn base(&self, prefix: &str) -> Url {
        Url::parse(&format!("{}{prefix}", self.root)).expect("base url")
    }
}

/// A fixture file's text.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("fixture {full}: {e}"))
}

/// The first `n` bytes of a fixture: a truncated body.
pub fn truncated(path: &str, n: usize) -> String {
    let text = fixture(path);
    text[..n.min(text.len())].to_owned()
}

/// A meter that charges like the real one and records each settlement.
#[derive(Default)]
pub struct RecordingMeter {
    pub settled: Mutex<Vec<(String, Outcome, u64)>>,
}

impl Meter for RecordingMeter {
    fn reserve(&self, spec: &CallSpec) -> Result<Reservation, SourceError> {
        Ok(Reservation::of(spec.cost_micros))
    }
    fn settle(
        &self,
        spec: &CallSpec,
        _r: Option<Reservation>,
        outcome: &Outcome,
        _e: Duration,
    ) -> u64 {
        let cost = if outcome.charged() {
            spec.cost_micros
        } else {
            0
        };
        self.settled.lock().expect("settled").push((
            spec.endpoint.to_owned(),
            outcome.clone(),
            cost,
        ));
        cost
    }
}

impl RecordingMeter {
    pub fn settled(&self) -> Vec<(String, Outcome, u64)> {
        self.settled.lock().expect("settled").clone()
    }
    pub fn total(&self) -> u64 {
        self.settled().iter().map(|s| s.2).sum()
    }
}

/// Fast retries; `attempts` tries per call.
pub fn settings(attempts: u32) -> GatewaySettings {
    GatewaySettings {
        timeout: Duration::from_secs(5),
        max_attempts: attempts,
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(5),
        max_retry_wait: Duration::from_secs(2),
        ..GatewaySettings::default()
    }
}

pub fn gateway(meter: Arc<RecordingMeter>, attempts: u32) -> Gateway {
    Gateway::new(settings(attempts), meter, EventBus::default()).expect("gateway")
}

/// The source's configuration with its default prices.
pub fn config(source: &dyn Source, base: Url, key: Option<&str>) -> SourceConfig {
    SourceConfig {
        base_url: base,
        api_key: key.map(|k| Zeroizing::new(k.to_owned())),
        user_agent: USER_AGENT.into(),
        prices: source
            .descriptor()
            .endpoints
            .iter()
            .map(|e| (e.name.to_owned(), e.price_micros))
            .collect(),
    }
}

pub fn account(domain: &str, name: Option<&str>, ticker: Option<&str>) -> AccountHint {
    AccountHint {
        domain: Domain::parse(domain).expect("domain"),
        name: name.map(str::to_owned),
        ticker: ticker.map(str::to_owned),
    }
}

/// Runs one fetch.
pub async fn fetch(
    source: &dyn Source,
    gateway: &Gateway,
    config: &SourceConfig,
    account: &AccountHint,
) -> Result<Vec<pf_engine::Fact>, SourceError> {
    let cx = SourceContext {
        gateway,
        config,
        account,
        now: NOW,
    };
    source.fetch(&cx).await
}

/// The one fact of a field.
pub fn field<'a>(facts: &'a [pf_engine::Fact], name: &str) -> &'a serde_json::Value {
    let mut hits = facts.iter().filter(|f| f.field.as_str() == name);
    let first = hits
        .next()
        .unwrap_or_else(|| panic!("no `{name}` fact in {facts:#?}"));
    assert!(hits.next().is_none(), "more than one `{name}` fact");
    &first.value
}

pub fn has_field(facts: &[pf_engine::Fact], name: &str) -> bool {
    facts.iter().any(|f| f.field.as_str() == name)
}

/// Asserts that no citation URL and no error text carries the key.
pub fn assert_no_key(facts: &[pf_engine::Fact], err: Option<&SourceError>) {
    for f in facts {
        let url = f.source.url().unwrap_or("");
        assert!(!url.contains(KEY), "key in citation {url}");
        assert!(
            !url.to_ascii_lowercase().contains("crumb="),
            "crumb in citation {url}"
        );
    }
    if let Some(e) = err {
        assert!(!e.to_string().contains(KEY), "key in error {e}");
        assert!(!format!("{e:?}").contains(KEY), "key in error {e:?}");
    }
}
