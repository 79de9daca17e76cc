//! `yahoo_finance` through the whole gateway path against a scripted local server: the
//! cookie/crumb flow (the cookie kept by the gateway's client, the crumb cached and refreshed
//! once on "Invalid Crumb"), the quoteSummary facts, and the not-found and rate-limit answers.

#[path = "support/harness.rs"]
mod harness;

use harness::*;
use pf_engine::SourceError;
use pf_engine::sources::yahoo_finance::YahooFinance;
use serde_json::json;
use std::sync::Arc;

const COOKIE: &str = "/yahoo_finance";
const CRUMB: &str = "/yahoo_finance/v1/test/getcrumb";
const QUOTE: &str = "/yahoo_finance/v10/finance/quoteSummary/COST";

struct Rig {
    server: Server,
    meter: Arc<RecordingMeter>,
    source: YahooFinance,
}

async fn rig() -> Rig {
    let server = Server::start().await;
    server.on(
        COOKIE,
        Canned::html(200, "<html>consent</html>")
            .header("Set-Cookie", "A3=d=AQABBKx; Path=/; HttpOnly"),
    );
    server.on(
        CRUMB,
        Canned::text(200, fixture("yahoo_finance/getcrumb.txt")),
    );
    Rig {
        server,
        meter: Arc::new(RecordingMeter::default()),
        source: YahooFinance::new(),
    }
}

impl Rig {
    async fn run_with(
        &self,
        gw: &pf_engine::Gateway,
        ticker: Option<&str>,
    ) -> Result<Vec<pf_engine::Fact>, SourceError> {
        let cfg = config(&self.source, self.server.base("/yahoo_finance"), None);
        fetch(
            &self.source,
            gw,
            &cfg,
            &account("costco.com", Some("Costco"), ticker),
        )
        .await
    }
    async fn run(
        &self,
        attempts: u32,
        ticker: Option<&str>,
    ) -> Result<Vec<pf_engine::Fact>, SourceError> {
        self.run_with(&gateway(self.meter.clone(), attempts), ticker)
            .await
    }
}

#[tokio::test]
async fn the_cookie_then_crumb_flow_feeds_quote_summary_and_all_facts_are_read() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(200, fixture("yahoo_finance/quote_summary_cost.json")),
    );
    let facts = r.run(1, Some("cost")).await.expect("facts");

    let seen = r.server.seen();
    let paths: Vec<&str> = seen.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, [COOKIE, CRUMB, QUOTE]);
    assert!(
        seen[1].header("cookie").is_some_and(|c| c.contains("A3=")),
        "the crumb request carries the cookie"
    );
    assert!(
        seen[2].query.contains("crumb=Xq8FtA3.jvP"),
        "{}",
        seen[2].query
    );
    assert!(seen[2].query.contains("formatted=false"));
    assert!(
        seen[2]
            .query
            .contains("modules=price%2CsummaryDetail%2CfinancialData%2CassetProfile"),
        "{}",
        seen[2].query
    );

    assert_eq!(
        field(&facts, "profile.name"),
        "Costco Wholesale Corporation"
    );
    assert_eq!(field(&facts, "profile.ticker"), "COST");
    assert_eq!(field(&facts, "profile.industry"), "Discount Stores");
    assert_eq!(field(&facts, "profile.country"), "United States");
    assert_eq!(field(&facts, "profile.employees"), 333000);
    assert!(
        field(&facts, "profile.description")
            .as_str()
            .is_some_and(|d| d.starts_with("Costco Wholesale Corporation, together"))
    );
    assert_eq!(
        field(&facts, "financials.market_cap_usd"),
        449_381_908_480_u64
    );
    assert_eq!(field(&facts, "financials.revenue_usd"), 264_090_996_736_u64);
    assert_eq!(field(&facts, "financials.revenue_growth"), 0.091);
    let figures = field(&facts, "financials.figures");
    assert_eq!(figures["ebitda"], 11_522_000_896.0);
    assert_eq!(
        figures["total_cash"], 12_500_000_000.0,
        "`{{raw, fmt}}` numbers are read too"
    );
    assert_eq!(
        field(&facts, "executives.officers"),
        &json!([
            {"name": "Mr. Ron M. Vachris", "title": "President, CEO & Director", "age": 59, "pay": 3_456_789},
            {"name": "Mr. Gary  Millerchip", "title": "Executive VP & CFO", "age": 53, "pay": 1_987_654}
        ])
    );
    assert_no_key(&facts, None);
    assert_eq!(r.meter.total(), 0, "a free source");
}

#[tokio::test]
async fn an_invalid_crumb_refreshes_cookie_and_crumb_once_and_retries() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(401, fixture("yahoo_finance/error_invalid_crumb.json")),
    );
    r.server.on(
        QUOTE,
        Canned::json(200, fixture("yahoo_finance/quote_summary_cost.json")),
    );
    let facts = r.run(1, Some("COST")).await.expect("facts");
    assert!(has_field(&facts, "profile.name"));
    assert_eq!(r.server.calls(CRUMB), 2);
    assert_eq!(r.server.calls(COOKIE), 2);
    assert_eq!(r.server.calls(QUOTE), 2);
}

#[tokio::test]
async fn a_second_invalid_crumb_is_an_auth_error_not_a_loop() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(401, fixture("yahoo_finance/error_invalid_crumb.json")),
    );
    let err = r.run(1, Some("COST")).await.expect_err("error");
    assert!(
        matches!(&err, SourceError::Auth(m) if m.contains("Invalid Crumb")),
        "{err:?}"
    );
    assert_eq!(r.server.calls(QUOTE), 2);
}

#[tokio::test]
async fn the_crumb_is_fetched_once_for_a_batch() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(200, fixture("yahoo_finance/quote_summary_cost.json")),
    );
    let gw = gateway(r.meter.clone(), 1);
    for _ in 0..3 {
        r.run_with(&gw, Some("COST")).await.expect("facts");
    }
    assert_eq!(r.server.calls(CRUMB), 1);
    assert_eq!(r.server.calls(QUOTE), 3);
}

#[tokio::test]
async fn no_ticker_is_no_data_without_any_call() {
    let r = rig().await;
    assert_eq!(
        r.run(1, None).await.expect_err("error"),
        SourceError::NoData
    );
    assert!(r.server.seen().is_empty());
}

#[tokio::test]
async fn an_unknown_symbol_404_is_no_data() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(404, fixture("yahoo_finance/error_not_found.json")),
    );
    assert_eq!(
        r.run(1, Some("COST")).await.expect_err("error"),
        SourceError::NoData
    );
}

#[tokio::test]
async fn a_quote_type_of_none_is_no_data() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(200, fixture("yahoo_finance/quote_type_none.json")),
    );
    assert_eq!(
        r.run(1, Some("COST")).await.expect_err("error"),
        SourceError::NoData
    );
}

#[tokio::test]
async fn too_many_requests_text_is_rate_limited() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::text(429, fixture("yahoo_finance/too_many_requests.txt")),
    );
    let err = r.run(2, Some("COST")).await.expect_err("error");
    assert!(matches!(err, SourceError::RateLimited { .. }), "{err:?}");
    assert_eq!(r.server.calls(QUOTE), 2, "retried with backoff");
}

#[tokio::test]
async fn unknown_fields_and_formatted_numbers_are_accepted() {
    let r = rig().await;
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("yahoo_finance/quote_summary_cost.json")).expect("json");
    let result = &mut doc["quoteSummary"]["result"][0];
    result["esgScores"] = json!({"totalEsg": 12});
    result["price"]["marketCap"] = json!({"raw": 1.0e9, "fmt": "1B", "longFmt": "1,000,000,000"});
    result["assetProfile"]["fullTimeEmployees"] = json!({"raw": 10, "fmt": "10"});
    r.server.on(QUOTE, Canned::json(200, doc.to_string()));
    let facts = r.run(1, Some("COST")).await.expect("facts");
    assert_eq!(
        field(&facts, "financials.market_cap_usd"),
        1_000_000_000_u64
    );
    assert_eq!(field(&facts, "profile.employees"), 10);
}

#[tokio::test]
async fn truncated_json_is_malformed() {
    let r = rig().await;
    r.server.on(
        QUOTE,
        Canned::json(200, truncated("yahoo_finance/quote_summary_cost.json", 400)),
    );
    let err = r.run(1, Some("COST")).await.expect_err("error");
    assert!(matches!(err, SourceError::Malformed(_)), "{err:?}");
}
