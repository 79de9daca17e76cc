//! Authentication over real HTTP: every `/v1` route needs a valid, unexpired bearer token and
//! answers 401 with a JSON error code otherwise; `/healthz` and `/metrics` are open.

use pf_core::UserId;
use pf_server::store::StoredToken;
use pf_server::testing::{TestBackend, TestServer, seed_org};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

async fn get(url: &str, auth: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

fn code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    v["code"].as_str().unwrap_or_default().to_owned()
}

async fn missing_malformed_unknown_and_expired_tokens_get_401_with_their_codes(
    backend: TestBackend,
) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let me = format!("{}v1/me", server.url());
    let cases = [
        (None, "auth.missing_token"),
        (Some("Basic dXNlcjpwYXNz".to_owned()), "auth.missing_token"),
        (Some("Bearer not-a-token".to_owned()), "auth.bad_token"),
        (
            Some(
                "Bearer pfs_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                    .to_owned(),
            ),
            "auth.bad_token",
        ),
    ];
    for (header, want) in cases {
        let (status, body) = get(&me, header.as_deref()).await;
        assert_eq!((status, code(&body)), (401, want.to_owned()), "{header:?}");
    }
    // A real token id with a wrong secret.
    let good = &org.tokens["ae@a.test"];
    let forged = format!("{}x", &good[..good.len() - 1]);
    let forged = if forged == *good {
        format!("{}y", &good[..good.len() - 1])
    } else {
        forged
    };
    let (status, body) = get(&me, Some(&format!("Bearer {forged}"))).await;
    assert_eq!(
        (status, code(&body)),
        (401, "auth.bad_token".into()),
        "forged secret"
    );
    // Expired.
    let token = pf_server::auth::generate();
    server
        .store
        .insert_token(StoredToken {
            id: token.id.clone(),
            user: UserId::new("ae@a.test").expect("id"),
            hash: token.hash.to_vec(),
            expires_at: Some(OffsetDateTime::now_utc() - Duration::seconds(1)),
        })
        .await
        .expect("insert token");
    let (status, body) = get(&me, Some(&format!("Bearer {}", token.text))).await;
    assert_eq!((status, code(&body)), (401, "auth.expired".into()));
    // The good token works, and stops working once the user is deleted.
    let (status, _) = get(&me, Some(&format!("Bearer {good}"))).await;
    assert_eq!(status, 200);
    server
        .store
        .deactivate_user(UserId::new("ae@a.test").expect("id"))
        .await
        .expect("deactivate");
    let (status, body) = get(&me, Some(&format!("Bearer {good}"))).await;
    assert_eq!(
        (status, code(&body)),
        (401, "auth.bad_token".into()),
        "deleted user"
    );
}

async fn healthz_and_metrics_need_no_token_and_metrics_count_requests(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let (status, body) = get(&format!("{}healthz", server.url()), None).await;
    assert_eq!((status, body.contains("ok")), (200, true));
    let client = server.client(&org.tokens["ae@a.test"]).expect("client");
    client.me().await.expect("me");
    let _ = get(&format!("{}v1/me", server.url()), None).await;
    let (status, text) = get(&format!("{}metrics", server.url()), None).await;
    assert_eq!(status, 200);
    for needle in [
        r#"pf_http_requests_total{method="GET",route="/v1/me",status="200"} 1"#,
        r#"pf_http_requests_total{method="GET",route="/v1/me",status="401"} 1"#,
        "pf_http_request_duration_seconds_bucket{route=\"/v1/me\"",
        "pf_active_users 1",
    ] {
        assert!(text.contains(needle), "metrics lack {needle}:\n{text}");
    }
    assert!(!text.contains("pfs_"), "a token leaked into the metrics");
}

pf_server::on_both_backends!(
    missing_malformed_unknown_and_expired_tokens_get_401_with_their_codes,
    healthz_and_metrics_need_no_token_and_metrics_count_requests
);
