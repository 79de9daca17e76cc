//! The sync server's `/metrics` over real HTTP after laptops push usage: the fleet families
//! shared with the desktop app are all declared, call latency and spend come from the pushed
//! records (counted once however often a batch is retried), no label carries a domain or a
//! user, and the real `promtool check metrics` accepts the text.

use pf_server::testing::{TestServer, seed_org};
use pf_sync::{UsageBatch, UsageId, UsageRecord};
use time::OffsetDateTime;

#[path = "../../../tests/support/promtool.rs"]
mod promtool;

use promtool::{FAMILIES, promtool_check};

fn record(source: &str, endpoint: &str, cost: u64, ms: u64) -> UsageRecord {
    UsageRecord {
        id: UsageId::new(),
        source: source.into(),
        endpoint: endpoint.into(),
        domain: Some("zalando.de".into()),
        cost_micros: cost,
        status: "ok".into(),
        duration_ms: ms,
        at: OffsetDateTime::now_utc(),
        reservation: None,
    }
}

/// The value of the sample line starting with `series ` (exact series, labels included).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

async fn scrape(server: &TestServer) -> String {
    let resp = reqwest::get(format!("{}metrics", server.url()))
        .await
        .expect("GET /metrics");
    assert!(resp.status().is_success());
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    resp.text().await.expect("body")
}

#[tokio::test]
async fn pushed_usage_becomes_call_latency_and_spend_without_domains_or_users() {
    let server = TestServer::start().await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let ae = server.client(&org.tokens["ae@a.test"]).expect("ae");

    let before = scrape(&server).await;
    for family in FAMILIES {
        assert!(
            before.contains(&format!("# TYPE {} {}\n", family.0, family.1)),
            "{family:?} not declared before any push:\n{before}"
        );
    }

    let batch = UsageBatch {
        records: vec![
            record("builtwith", "domain-api", 25_000, 120),
            record("builtwith", "domain-api", 25_000, 900),
            record("website", "homepage", 0, 40),
            // A client naming a domain where a source belongs must not make it a label.
            record("shop.zalando.de", "https://zalando.de/x", 1_000, 10),
        ],
    };
    let ack = ae.push_usage(&batch).await.expect("push");
    assert_eq!((ack.accepted, ack.duplicates), (4, 0));
    let retry = ae.push_usage(&batch).await.expect("retry");
    assert_eq!(retry.duplicates, 4);

    let text = scrape(&server).await;
    let bw = "{adapter=\"builtwith\",endpoint=\"domain-api\"}";
    assert_eq!(
        sample(&text, &format!("api_call_duration_seconds_count{bw}")),
        Some(2.0),
        "counted once despite the retry:\n{text}"
    );
    let sum = sample(&text, &format!("api_call_duration_seconds_sum{bw}")).expect("sum");
    assert!((sum - 1.02).abs() < 1e-9, "{sum}");
    assert_eq!(
        sample(
            &text,
            "api_call_duration_seconds_bucket{adapter=\"builtwith\",endpoint=\"domain-api\",le=\"0.25\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "spend_usd_total{source=\"builtwith\"}"),
        Some(0.05)
    );
    assert_eq!(
        sample(&text, "spend_usd_total{source=\"website\"}"),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, "spend_usd_total{source=\"other\"}"),
        Some(0.001)
    );

    for line in text.lines().filter(|l| !l.starts_with('#')) {
        for secret in ["zalando", "a.test", "ae@", "https"] {
            assert!(!line.contains(secret), "{line}");
        }
    }
    match promtool_check(&text) {
        Some((ok, said)) => assert!(ok, "promtool check metrics:\n{said}\n{text}"),
        None => eprintln!("skipped promtool"),
    }
    server.stop().await.expect("stop");
}
