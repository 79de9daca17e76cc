//! `builtwith` through the whole gateway path against a scripted local server: the Domain API's
//! aggregation and dates, the live site-search vendor, relationships paging, every error
//! convention (errors in a 200 body, 429 with `retryAfterSeconds`) and what each one costs.

#[path = "support/harness.rs"]
mod harness;

use harness::*;
use pf_engine::SourceError;
use pf_engine::meter::Outcome;
use pf_engine::sources::builtwith::BuiltWith;
use serde_json::json;
use std::sync::Arc;

const DOMAIN: &str = "/builtwith/v22/api.json";
const REL: &str = "/builtwith/rv4/api.json";

struct Rig {
    server: Server,
    meter: Arc<RecordingMeter>,
    source: BuiltWith,
}

async fn rig() -> Rig {
    Rig {
        server: Server::start().await,
        meter: Arc::new(RecordingMeter::default()),
        source: BuiltWith::new(),
    }
}

impl Rig {
    async fn run(
        &self,
        attempts: u32,
        key: Option<&str>,
        domain: &str,
    ) -> Result<Vec<pf_engine::Fact>, SourceError> {
        let gw = gateway(self.meter.clone(), attempts);
        let cfg = config(&self.source, self.server.base("/builtwith"), key);
        fetch(&self.source, &gw, &cfg, &account(domain, None, None)).await
    }
}

#[tokio::test]
async fn domain_api_technologies_are_aggregated_across_paths_deduped_and_dated() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/domain_costco.json")),
    );
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_empty.json")),
    );
    let facts = r.run(1, Some(KEY), "costco.com").await.expect("facts");

    let techs = field(&facts, "tech.technologies")
        .as_array()
        .expect("array");
    let names: Vec<&str> = techs
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Adobe Experience Manager",
            "Akamai",
            "Algolia",
            "Coveo",
            "Google Tag Manager",
            "jQuery 3.6.0"
        ]
    );
    let gtm = techs
        .iter()
        .find(|t| t["name"] == "Google Tag Manager")
        .expect("gtm");
    assert_eq!(
        gtm["first_seen"], "2015-09-01T00:00:00Z",
        "earliest first detection across paths"
    );
    assert_eq!(
        gtm["last_seen"], "2025-03-02T00:00:00Z",
        "latest last detection across paths"
    );
    assert_eq!(gtm["categories"], json!(["Tag Management", "Analytics"]));
    assert_eq!(gtm["live"], true);
    let coveo = techs.iter().find(|t| t["name"] == "Coveo").expect("coveo");
    assert_eq!(coveo["live"], false);
    assert_eq!(coveo["premium"], true);
    let akamai = techs
        .iter()
        .find(|t| t["name"] == "Akamai")
        .expect("akamai");
    assert_eq!(
        akamai["category"], "cdns",
        "null Categories fall back to the tag"
    );
    let jquery = techs
        .iter()
        .find(|t| t["name"] == "jQuery 3.6.0")
        .expect("jquery");
    assert_eq!(jquery["parent"], "jQuery");

    assert_eq!(field(&facts, "search.provider"), &json!("Algolia"));
    assert_eq!(
        field(&facts, "profile.name"),
        "Costco Wholesale Corporation"
    );
    assert_eq!(field(&facts, "profile.country"), "US");
    assert_eq!(field(&facts, "profile.employees"), 316000);
    assert!(
        facts
            .iter()
            .all(|f| f.source.source().as_str() == "builtwith")
    );
    assert_eq!(facts[0].source.endpoint(), "domain-api");
    assert_no_key(&facts, None);

    let seen = r.server.seen();
    assert!(
        seen[0].query.contains("LOOKUP=costco.com") && seen[0].query.contains("KEY="),
        "{}",
        seen[0].query
    );
    assert_eq!(
        r.meter.total(),
        100_000 + 50_000,
        "one domain lookup and one relationships page"
    );
}

#[tokio::test]
async fn legacy_date_strings_and_boolean_is_db_parse() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/domain_legacy_format.json")),
    );
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_empty.json")),
    );
    let facts = r.run(1, Some(KEY), "oldshop.com").await.expect("facts");
    let techs = field(&facts, "tech.technologies")
        .as_array()
        .expect("array");
    let magento = techs
        .iter()
        .find(|t| t["name"] == "Magento")
        .expect("magento");
    assert_eq!(magento["first_seen"], "2013-06-01T00:00:00Z");
    assert_eq!(magento["last_seen"], "2019-02-01T00:00:00Z");
    assert_eq!(field(&facts, "search.provider"), "Swiftype");
    assert!(
        !has_field(&facts, "profile.name"),
        "a null CompanyName gives no name"
    );
}

#[tokio::test]
async fn a_site_search_product_no_longer_detected_is_not_the_search_provider() {
    let r = rig().await;
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("builtwith/domain_costco.json")).expect("json");
    doc["Results"][0]["Result"]["Paths"][0]["Technologies"][0]["LastDetected"] =
        json!(1_600_000_000_000_i64);
    r.server.on(DOMAIN, Canned::json(200, doc.to_string()));
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_empty.json")),
    );
    let facts = r.run(1, Some(KEY), "costco.com").await.expect("facts");
    assert!(
        !has_field(&facts, "search.provider"),
        "Algolia and Coveo both stopped being detected"
    );
}

#[tokio::test]
async fn out_of_credits_in_a_200_body_is_out_of_credits_and_not_charged() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/error_out_of_credits.json")),
    );
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    assert_eq!(err, SourceError::OutOfCredits);
    assert_eq!(r.meter.total(), 0);
    assert_eq!(
        r.server.calls(REL),
        0,
        "no further paid call after out of credits"
    );
}

#[tokio::test]
async fn a_bad_key_is_auth_and_the_echoed_key_is_not_in_the_error() {
    let r = rig().await;
    let body = fixture("builtwith/error_bad_key.json").replace("KEY_PLACEHOLDER", KEY);
    r.server.on(DOMAIN, Canned::json(200, body));
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    assert!(matches!(err, SourceError::Auth(_)), "{err:?}");
    assert_no_key(&[], Some(&err));
}

#[tokio::test]
async fn an_invalid_domain_code_minus_8_is_no_data_and_not_charged() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/error_invalid_domain.json")),
    );
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    assert_eq!(err, SourceError::NoData);
    let settled = r.meter.settled();
    assert_eq!(settled.len(), 1);
    assert_eq!(
        settled[0].2, 0,
        "BuiltWith does not bill an invalid domain: {settled:?}"
    );
    assert_eq!(r.server.calls(REL), 0);
}

#[tokio::test]
async fn other_error_codes_are_upstream_errors() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/error_internal.json")),
    );
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    match err {
        SourceError::Upstream {
            status: 200,
            detail,
        } => assert!(detail.contains("-99"), "{detail}"),
        other => panic!("expected upstream, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_429_reads_retry_after_seconds_from_the_body() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(429, fixture("builtwith/rate_limit.json")),
    );
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    assert_eq!(
        err,
        SourceError::RateLimited {
            retry_after_secs: Some(7)
        }
    );
    assert_eq!(r.meter.settled()[0].1, Outcome::RateLimited);
    assert_eq!(r.meter.total(), 0);
}

#[tokio::test]
async fn a_retry_after_header_wins_over_the_body_hint() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(429, fixture("builtwith/rate_limit.json")).header("Retry-After", "11"),
    );
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    assert_eq!(
        err,
        SourceError::RateLimited {
            retry_after_secs: Some(11)
        }
    );
}

#[tokio::test]
async fn a_rate_limited_call_is_retried_and_then_succeeds() {
    let r = rig().await;
    let quick = fixture("builtwith/rate_limit.json")
        .replace("\"retryAfterSeconds\": 7", "\"retryAfterSeconds\": 0");
    r.server.on(DOMAIN, Canned::json(429, quick));
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/domain_costco.json")),
    );
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_empty.json")),
    );
    let facts = r.run(3, Some(KEY), "costco.com").await.expect("facts");
    assert!(has_field(&facts, "tech.technologies"));
    assert_eq!(r.server.calls(DOMAIN), 2);
    assert_eq!(r.meter.total(), 100_000 + 50_000, "the 429 is not charged");
}

#[tokio::test]
async fn no_key_is_no_key_without_any_call() {
    let r = rig().await;
    let err = r.run(1, None, "costco.com").await.expect_err("error");
    assert_eq!(err, SourceError::NoKey("builtwith".into()));
    assert!(r.server.seen().is_empty());
    assert!(r.meter.settled().is_empty());
}

#[tokio::test]
async fn unknown_fields_at_every_level_are_ignored() {
    let r = rig().await;
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("builtwith/domain_costco.json")).expect("json");
    doc["NewTopLevel"] = json!({"x": [1, 2]});
    doc["Results"][0]["Surprise"] = json!(true);
    doc["Results"][0]["Result"]["Paths"][0]["Technologies"][0]["Confidence"] = json!("high");
    doc["Results"][0]["Meta"]["Extra"] = json!(null);
    r.server.on(DOMAIN, Canned::json(200, doc.to_string()));
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_empty.json")),
    );
    let facts = r.run(1, Some(KEY), "costco.com").await.expect("facts");
    assert_eq!(field(&facts, "search.provider"), "Algolia");
}

#[tokio::test]
async fn truncated_json_is_malformed_without_the_key() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, truncated("builtwith/domain_costco.json", 900)),
    );
    let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
    assert!(matches!(err, SourceError::Malformed(_)), "{err:?}");
    assert_no_key(&[], Some(&err));
}

#[tokio::test]
async fn the_key_never_appears_in_errors_from_any_failure() {
    for (status, body) in [
        (
            200,
            fixture("builtwith/error_bad_key.json").replace("KEY_PLACEHOLDER", KEY),
        ),
        (
            200,
            format!(
                r#"{{"Errors":[{{"Code":-99,"Message":"failed for key {KEY}"}}],"Results":[]}}"#
            ),
        ),
        (401, format!("Unauthorized key {KEY}")),
        (418, format!("teapot {KEY}")),
    ] {
        let r = rig().await;
        r.server.on(DOMAIN, Canned::json(status, body));
        let err = r.run(1, Some(KEY), "costco.com").await.expect_err("error");
        assert_no_key(&[], Some(&err));
    }
}
