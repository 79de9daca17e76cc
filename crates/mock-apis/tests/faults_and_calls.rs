//! Faults by prefix and by the control endpoint, call counting, and the ways to start the mock.

#[path = "support/helpers.rs"]
mod helpers;

use std::time::{Duration, Instant};

use helpers::{KEY, SW_KEY, client, get, mock, send};
use pf_mock_apis::{CallCount, Fault, FaultKind, MockApis};
use serde_json::json;

fn bw(m: &MockApis, domain: &str) -> String {
    format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP={domain}",
        m.url_for("builtwith")
    )
}

async fn post(url: &str, body: serde_json::Value) -> helpers::Got {
    send(client().post(url).json(&body)).await
}

#[tokio::test]
async fn prefix_faults() {
    let m = mock().await;
    let got = get(&bw(&m, "fault500-shop.com")).await;
    assert_eq!(got.status, 500);
    let html = get(&bw(&m, "htmlerror-shop.com")).await;
    assert_eq!(html.status, 502);
    assert!(
        html.header("content-type")
            .expect("type")
            .starts_with("text/html")
            && html.text().contains("<html>")
    );
    let cut = get(&bw(&m, "truncated-shop.com")).await;
    assert_eq!(cut.status, 200);
    assert!(
        serde_json::from_slice::<serde_json::Value>(&cut.body).is_err(),
        "cut halfway"
    );
    assert!(cut.text().starts_with("{\"Errors\""));
    let whole = get(&bw(&m, "shop.com")).await;
    assert!(cut.body.len() < whole.body.len());
    let sw = get(&format!(
        "{}/v1/website/fault429-shop.com/similar-sites/similarsites?api_key={SW_KEY}",
        m.url_for("similarweb")
    ))
    .await;
    assert_eq!(
        (sw.status, sw.header("retry-after").as_deref()),
        (429, Some("1"))
    );
}

#[tokio::test]
async fn slow_prefix_answers_after_three_seconds() {
    let m = MockApis::start().await.expect("mock");
    let started = Instant::now();
    let got = get(&bw(&m, "slow-shop.com")).await;
    assert_eq!(got.status, 200);
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert_eq!(got.json()["Results"][0]["Lookup"], "slow-shop.com");
}

#[tokio::test]
async fn control_endpoint_faults_apply_to_the_next_n_matching_calls() {
    let m = mock().await;
    let faults = format!("{}/__faults", m.base_url());
    let ok = post(&faults, json!({"provider": "builtwith", "endpoint": "domain-api", "kind": "429", "times": 2, "retry_after": 3})).await;
    assert_eq!(ok.status, 200);
    // Another endpoint of the same provider is not affected.
    let rel = get(&format!(
        "{}/rv4/api.json?KEY={KEY}&LOOKUP=costco.com",
        m.url_for("builtwith")
    ))
    .await;
    assert_eq!(rel.status, 200);
    for _ in 0..2 {
        let got = get(&bw(&m, "costco.com")).await;
        assert_eq!(got.status, 429);
        assert_eq!(got.header("retry-after").as_deref(), Some("3"));
        assert_eq!(got.json()["retryAfterSeconds"], 3);
    }
    assert_eq!(get(&bw(&m, "costco.com")).await.status, 200);

    post(
        &faults,
        json!({"provider": "builtwith", "kind": "out_of_credits"}),
    )
    .await;
    let credits = get(&bw(&m, "costco.com")).await;
    assert_eq!(
        (credits.status, credits.json()["Errors"][0]["Code"].as_i64()),
        (200, Some(-3))
    );
    post(
        &faults,
        json!({"provider": "similarweb", "kind": "out_of_credits"}),
    )
    .await;
    let sw = get(&format!(
        "{}/v1/website/costco.com/similar-sites/similarsites?api_key={SW_KEY}",
        m.url_for("similarweb")
    ))
    .await;
    assert_eq!(sw.status, 403);

    post(&faults, json!([{"provider": "sec_edgar", "kind": "500"}, {"provider": "sec_edgar", "kind": "html_error"}])).await;
    let sec = m.url_for("sec_edgar");
    let req = || {
        send(
            client()
                .get(format!("{sec}/files/company_tickers.json"))
                .header("user-agent", helpers::UA),
        )
    };
    assert_eq!(req().await.status, 500);
    assert_eq!(req().await.status, 502);
    assert_eq!(req().await.status, 200);

    post(
        &faults,
        json!({"provider": "job_boards", "kind": "truncated", "domain": "costco"}),
    )
    .await;
    let jobs = format!(
        "{}/greenhouse/v1/boards/costco/jobs",
        m.url_for("job_boards")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&get(&jobs).await.body).is_err());
    assert!(serde_json::from_slice::<serde_json::Value>(&get(&jobs).await.body).is_ok());

    post(
        &faults,
        json!({"provider": "website", "kind": "slow", "delay_ms": 400}),
    )
    .await;
    let started = Instant::now();
    assert_eq!(
        get(&format!("{}/ulta.com/", m.url_for("website")))
            .await
            .status,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(400));

    let pending = get(&faults).await.json();
    assert_eq!(pending, json!([]));
    let bad = post(&faults, json!({"provider": "builtwith", "kind": "explode"})).await;
    assert!(bad.status >= 400);
}

#[tokio::test]
async fn calls_are_counted_over_http_and_in_process() {
    let m = mock().await;
    get(&bw(&m, "costco.com")).await;
    get(&bw(&m, "costco.com")).await;
    get(&bw(&m, "target.com")).await;
    get(&format!("{}/costco.com/", m.url_for("website"))).await;
    let listed: Vec<CallCount> =
        serde_json::from_value(get(&format!("{}/__calls", m.base_url())).await.json())
            .expect("array of counts");
    let expected = CallCount {
        provider: "builtwith".into(),
        endpoint: "domain-api".into(),
        domain: Some("costco.com".into()),
        count: 2,
    };
    assert!(listed.contains(&expected), "{listed:?}");
    assert_eq!(listed, m.calls());
    assert_eq!(m.count("builtwith", "domain-api"), 3);
    assert_eq!(m.count("website", "homepage"), 1);
    let raw = get(&format!("{}/__calls", m.base_url())).await.json();
    let keys: Vec<&str> = raw[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4);
    for k in ["provider", "endpoint", "domain", "count"] {
        assert!(keys.contains(&k));
    }
    m.set_fault(Fault::new("builtwith", FaultKind::ServerError).times(0));
    assert_eq!(
        post(&format!("{}/__reset", m.base_url()), json!({}))
            .await
            .status,
        200
    );
    assert!(m.calls().is_empty());
    assert_eq!(
        get(&bw(&m, "costco.com")).await.status,
        200,
        "reset clears faults too"
    );
    m.reset();
    assert_eq!(m.count("builtwith", "domain-api"), 0);
}

#[tokio::test]
async fn start_on_a_given_port_and_shut_down() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
    let port = probe.local_addr().expect("addr").port();
    drop(probe);
    let m = MockApis::start_on(port).await.expect("mock on the port");
    assert_eq!(m.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(
        m.url_for("builtwith"),
        format!("http://127.0.0.1:{port}/builtwith")
    );
    assert_eq!(get(&m.base_url()).await.status, 200);
    let base = m.base_url();
    m.shutdown().await;
    assert!(
        reqwest::Client::new().get(&base).send().await.is_err(),
        "nothing listens after shutdown"
    );
}

#[test]
fn spawn_in_thread_serves_sync_callers() {
    let handle = MockApis::spawn_in_thread().expect("mock thread");
    let base = handle.base_url();
    let url = format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP=costco.com",
        handle.url_for("builtwith")
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = rt.block_on(async {
        reqwest::get(&url)
            .await
            .expect("answered")
            .status()
            .as_u16()
    });
    assert_eq!(status, 200);
    assert_eq!(handle.count("builtwith", "domain-api"), 1);
    handle.set_fault(Fault::new("builtwith", FaultKind::ServerError));
    let status = rt.block_on(async {
        reqwest::get(&url)
            .await
            .expect("answered")
            .status()
            .as_u16()
    });
    assert_eq!(status, 500);
    drop(handle);
    let after = rt.block_on(async { reqwest::Client::new().get(&base).send().await.is_err() });
    assert!(after, "the thread stopped the server when dropped");
}
