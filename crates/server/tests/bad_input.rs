//! Bad input over real HTTP: malformed JSON, unknown fields, oversized bodies, bad cursors,
//! unknown routes and methods each get a JSON error with a stable code and the right status,
//! and a refused request writes nothing.

use pf_server::testing::{TestBackend, TestServer, seed_org};
use pf_sync::{AccountAttrs, AccountInput, AccountsInput, Cursor};
use serde_json::Value;

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json");
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}")),
        )
    }
}

/// (method, path, body, expected status, expected code).
type Case = (
    reqwest::Method,
    &'static str,
    Option<Vec<u8>>,
    u16,
    &'static str,
);

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("")
}

async fn bad_input_gets_its_code_and_status(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let api = Api {
        http: reqwest::Client::new(),
        base: server.url(),
        token: org.tokens["admin@a.test"].clone(),
    };
    use reqwest::Method as M;
    let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(2 * 1024 * 1024)).into_bytes();
    let cases: Vec<Case> = vec![
        (
            M::POST,
            "v1/admin/teams",
            Some(br#"{"name": "#.to_vec()),
            400,
            "request.bad_json",
        ),
        (
            M::POST,
            "v1/admin/teams",
            Some(b"[1,2]".to_vec()),
            400,
            "request.bad_json",
        ),
        (
            M::POST,
            "v1/admin/teams",
            Some(br#"{"name":"A","colour":"red"}"#.to_vec()),
            400,
            "request.unknown_field",
        ),
        (
            M::POST,
            "v1/budget/reserve",
            Some(br#"{"source":"s","endpoint":"e","amount":1}"#.to_vec()),
            400,
            "request.unknown_field",
        ),
        (
            M::POST,
            "v1/admin/teams",
            Some(big),
            413,
            "request.too_large",
        ),
        (
            M::GET,
            "v1/changes?since=bm90LWEtY3Vyc29y",
            None,
            400,
            "request.bad_cursor",
        ),
        (
            M::GET,
            "v1/changes?since=!!",
            None,
            400,
            "request.bad_cursor",
        ),
        (M::GET, "v1/changes?limit=0", None, 422, "request.invalid"),
        (M::GET, "v1/nothing-here", None, 404, "not_found"),
        (M::DELETE, "v1/me", None, 405, "request.method_not_allowed"),
        (
            M::PUT,
            "v1/admin/budgets/not-a-team",
            Some(br#"{"monthly_limit_micros":1,"hard_cap_micros":1}"#.to_vec()),
            404,
            "not_found",
        ),
        (
            M::PUT,
            "v1/admin/flags",
            Some(br#"{"key":"x","enabled":true,"rollout_percent":150}"#.to_vec()),
            422,
            "request.invalid",
        ),
    ];
    for (method, path, body, status, want) in cases {
        let (got, v) = api.send(method.clone(), path, body).await;
        assert_eq!((got, code(&v)), (status, want), "{method} {path}: {v}");
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: no message"
        );
    }
    let ahead = Cursor::from_seq(1_000_000_000).encode();
    let (got, v) = api
        .send(M::GET, &format!("v1/changes?since={ahead}"), None)
        .await;
    assert_eq!(
        (got, code(&v)),
        (400, "request.bad_cursor"),
        "a cursor from the future"
    );
}

async fn a_refused_batch_writes_nothing(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("client");
    let (_, cursor) = admin
        .changes_all(Cursor::START, None)
        .await
        .expect("initial sync");
    let good = AccountInput {
        domain: "newco.com".parse().expect("domain"),
        name: "NewCo".into(),
        attrs: AccountAttrs::default(),
        deal_intel: None,
    };
    let bad = AccountInput {
        name: "  ".into(),
        domain: "other.com".parse().expect("domain"),
        ..good.clone()
    };
    let err = admin
        .put_accounts(&AccountsInput {
            accounts: vec![good, bad],
        })
        .await
        .expect_err("a nameless account is refused");
    assert_eq!(err.code(), Some("request.invalid"));
    let page = admin.changes(cursor, None).await.expect("pull");
    assert!(
        page.changes.is_empty(),
        "half a batch was written: {:?}",
        page.changes
    );
    assert_eq!(page.next, cursor);
}

pf_server::on_both_backends!(
    bad_input_gets_its_code_and_status,
    a_refused_batch_writes_nothing
);
