//! `similarweb` through the whole gateway path against a scripted local server: visits over the
//! last 12 full months, similar sites, and the overloaded 401/403 conventions with what each one
//! costs ("Data not found" is a free miss).

#[path = "support/harness.rs"]
mod harness;

use harness::*;
use pf_engine::SourceError;
use pf_engine::meter::Outcome;
use pf_engine::sources::similarweb::SimilarWeb;
use serde_json::json;
use std::sync::Arc;

const VISITS: &str = "/similarweb/v1/website/costco.com/total-traffic-and-engagement/visits";
const SIMILAR: &str = "/similarweb/v1/website/costco.com/similar-sites/similarsites";

struct Rig {
    server: Server,
    meter: Arc<RecordingMeter>,
    source: SimilarWeb,
}

async fn rig() -> Rig {
    Rig {
        server: Server::start().await,
        meter: Arc::new(RecordingMeter::default()),
        source: SimilarWeb::new(),
    }
}

impl Rig {
    async fn run(
        &self,
        attempts: u32,
        key: Option<&str>,
    ) -> Result<Vec<pf_engine::Fact>, SourceError> {
        let gw = gateway(self.meter.clone(), attempts);
        let cfg = config(&self.source, self.server.base("/similarweb"), key);
        fetch(&self.source, &gw, &cfg, &account("costco.com", None, None)).await
    }

    fn happy(&self) {
        self.server.on(
            VISITS,
            Canned::json(200, fixture("similarweb/visits_costco.json")),
        );
        self.server.on(
            SIMILAR,
            Canned::json(200, fixture("similarweb/similar_sites_costco.json")),
        );
    }
}

#[tokio::test]
async fn visits_cover_the_last_twelve_full_months_and_similar_sites_are_listed() {
    let r = rig().await;
    r.happy();
    let facts = r.run(1, Some(KEY)).await.expect("facts");

    let query = r
        .server
        .seen()
        .into_iter()
        .find(|s| s.path == VISITS)
        .expect("visits call")
        .query;
    for part in [
        "start_date=2024-03",
        "end_date=2025-02",
        "granularity=monthly",
        "country=world",
        "api_key=",
    ] {
        assert!(query.contains(part), "{part} missing from {query}");
    }
    assert_eq!(field(&facts, "traffic.monthly_visits"), 121_448_311);
    let history = field(&facts, "traffic.history").as_array().expect("array");
    assert_eq!(history.len(), 12);
    assert_eq!(
        history[0],
        json!({"month": "2024-03", "visits": 132_104_551})
    );
    assert_eq!(history[11]["month"], "2025-02");

    let similar = field(&facts, "traffic.similar_sites")
        .as_array()
        .expect("array");
    let domains: Vec<&str> = similar
        .iter()
        .map(|s| s["domain"].as_str().expect("domain"))
        .collect();
    assert_eq!(
        domains,
        ["samsclub.com", "bjs.com", "walmart.com", "target.com"],
        "own domain and blanks dropped"
    );
    assert_eq!(similar[0]["score"], 0.93);

    assert_eq!(r.meter.total(), 2 * 80_000);
    assert!(facts.iter().any(|f| f.source.endpoint() == "similar-sites"));
    assert_no_key(&facts, None);
}

#[tokio::test]
async fn data_not_found_401_is_no_data_and_not_charged() {
    let r = rig().await;
    r.server.on(
        VISITS,
        Canned::json(401, fixture("similarweb/error_data_not_found.json")),
    );
    r.server.on(
        SIMILAR,
        Canned::json(401, fixture("similarweb/error_data_not_found.json")),
    );
    let err = r.run(1, Some(KEY)).await.expect_err("error");
    assert_eq!(err, SourceError::NoData);
    let settled = r.meter.settled();
    assert_eq!(settled.len(), 2);
    assert!(
        settled.iter().all(|s| s.1 == Outcome::NoData && s.2 == 0),
        "{settled:?}"
    );
}

#[tokio::test]
async fn missing_similar_sites_keep_the_visits() {
    let r = rig().await;
    r.server.on(
        VISITS,
        Canned::json(200, fixture("similarweb/visits_costco.json")),
    );
    r.server.on(
        SIMILAR,
        Canned::json(401, fixture("similarweb/error_data_not_found.json")),
    );
    let facts = r.run(1, Some(KEY)).await.expect("facts");
    assert!(has_field(&facts, "traffic.monthly_visits"));
    assert!(!has_field(&facts, "traffic.similar_sites"));
    assert_eq!(r.meter.total(), 80_000, "only the visits call is billed");
}

#[tokio::test]
async fn invalid_api_key_401_text_is_auth() {
    let r = rig().await;
    r.server.on(
        VISITS,
        Canned::text(401, fixture("similarweb/error_invalid_key.txt")),
    );
    let err = r.run(1, Some(KEY)).await.expect_err("error");
    assert!(matches!(err, SourceError::Auth(_)), "{err:?}");
    assert_eq!(
        r.server.calls(SIMILAR),
        0,
        "no second call with a refused key"
    );
    assert_eq!(r.meter.total(), 0);
}

#[tokio::test]
async fn a_403_without_credits_is_out_of_credits_and_with_a_bad_key_is_auth() {
    let r = rig().await;
    r.server.on(
        VISITS,
        Canned::json(403, fixture("similarweb/error_no_credits.json")),
    );
    assert_eq!(
        r.run(1, Some(KEY)).await.expect_err("error"),
        SourceError::OutOfCredits
    );

    let r = rig().await;
    r.server.on(VISITS, Canned::text(403, "invalid API key"));
    assert!(matches!(
        r.run(1, Some(KEY)).await.expect_err("error"),
        SourceError::Auth(_)
    ));
}

#[tokio::test]
async fn a_country_outside_the_package_is_a_configuration_error() {
    let r = rig().await;
    r.server.on(
        VISITS,
        Canned::json(200, fixture("similarweb/error_country_not_in_package.json")),
    );
    let err = r.run(1, Some(KEY)).await.expect_err("error");
    match err {
        SourceError::Config(m) => assert!(m.contains("103"), "{m}"),
        other => panic!("expected config, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_429_is_retried_then_reported_as_rate_limited() {
    let r = rig().await;
    r.server.on(VISITS, Canned::text(429, "Too Many Requests"));
    let err = r.run(2, Some(KEY)).await.expect_err("error");
    assert!(matches!(err, SourceError::RateLimited { .. }), "{err:?}");
    assert_eq!(r.server.calls(VISITS), 2, "retried once");
    assert!(
        r.meter
            .settled()
            .iter()
            .all(|s| s.1 == Outcome::RateLimited && s.2 == 0)
    );
}

#[tokio::test]
async fn no_key_is_no_key_without_any_call() {
    let r = rig().await;
    assert_eq!(
        r.run(1, None).await.expect_err("error"),
        SourceError::NoKey("similarweb".into())
    );
    assert!(r.server.seen().is_empty());
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let r = rig().await;
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("similarweb/visits_costco.json")).expect("json");
    doc["meta"]["brand_new"] = json!({"a": 1});
    doc["visits"][0]["is_estimated"] = json!(true);
    doc["extra"] = json!([1, 2, 3]);
    r.server.on(VISITS, Canned::json(200, doc.to_string()));
    r.server.on(
        SIMILAR,
        Canned::json(200, fixture("similarweb/similar_sites_costco.json")),
    );
    let facts = r.run(1, Some(KEY)).await.expect("facts");
    assert_eq!(
        field(&facts, "traffic.history").as_array().map(Vec::len),
        Some(12)
    );
}

#[tokio::test]
async fn truncated_json_is_malformed_without_the_key() {
    let r = rig().await;
    r.server.on(
        VISITS,
        Canned::json(200, truncated("similarweb/visits_costco.json", 300)),
    );
    let err = r.run(1, Some(KEY)).await.expect_err("error");
    assert!(matches!(err, SourceError::Malformed(_)), "{err:?}");
    assert_no_key(&[], Some(&err));
}

#[tokio::test]
async fn the_key_never_appears_in_errors() {
    for (status, body) in [
        (401, format!("invalid API key {KEY}")),
        (500, format!("boom {KEY}")),
        (418, format!("teapot {KEY}")),
    ] {
        let r = rig().await;
        r.server.on(VISITS, Canned::text(status, body));
        let err = r.run(1, Some(KEY)).await.expect_err("error");
        assert_no_key(&[], Some(&err));
    }
}
