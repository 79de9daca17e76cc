//! `sec_edgar` through the whole gateway path against a scripted local server: ticker or name ->
//! CIK (tickers file cached), submissions and company facts into facts, the declared User-Agent,
//! and SEC's two HTML refusal pages (rate threshold, undeclared automated tool).

#[path = "support/harness.rs"]
mod harness;

use harness::*;
use pf_engine::sources::sec_edgar::{self, Listed, SecEdgar};
use pf_engine::{Gateway, Health, Source, SourceContext, SourceError};
use serde_json::json;
use std::sync::Arc;

const TICKERS: &str = "/sec_edgar/files/company_tickers.json";
const SUBMISSIONS: &str = "/sec_edgar/submissions/CIK0000909832.json";
const FACTS: &str = "/sec_edgar/api/xbrl/companyfacts/CIK0000909832.json";

struct Rig {
    server: Server,
    meter: Arc<RecordingMeter>,
    source: SecEdgar,
}

async fn rig() -> Rig {
    let server = Server::start().await;
    server.on(
        TICKERS,
        Canned::json(200, fixture("sec_edgar/company_tickers.json")),
    );
    Rig {
        server,
        meter: Arc::new(RecordingMeter::default()),
        source: SecEdgar::new(),
    }
}

impl Rig {
    fn happy(&self) {
        self.server.on(
            SUBMISSIONS,
            Canned::json(200, fixture("sec_edgar/submissions_CIK0000909832.json")),
        );
        self.server.on(
            FACTS,
            Canned::json(200, fixture("sec_edgar/companyfacts_CIK0000909832.json")),
        );
    }
    async fn run_with(
        &self,
        gw: &Gateway,
        ua: &str,
        name: Option<&str>,
        ticker: Option<&str>,
    ) -> Result<Vec<pf_engine::Fact>, SourceError> {
        let mut cfg = config(&self.source, self.server.base("/sec_edgar"), None);
        cfg.user_agent = ua.into();
        fetch(&self.source, gw, &cfg, &account("costco.com", name, ticker)).await
    }
    async fn run(
        &self,
        name: Option<&str>,
        ticker: Option<&str>,
    ) -> Result<Vec<pf_engine::Fact>, SourceError> {
        self.run_with(&gateway(self.meter.clone(), 1), USER_AGENT, name, ticker)
            .await
    }
}

#[tokio::test]
async fn a_ticker_leads_to_profile_former_names_filings_and_the_latest_annual_revenue() {
    let r = rig().await;
    r.happy();
    let facts = r.run(None, Some("cost")).await.expect("facts");

    assert_eq!(field(&facts, "profile.name"), "COSTCO WHOLESALE CORP /NEW");
    assert_eq!(field(&facts, "profile.cik"), 909832);
    assert_eq!(field(&facts, "profile.industry"), "Retail-Variety Stores");
    assert_eq!(field(&facts, "profile.ticker"), "COST");
    assert!(
        !has_field(&facts, "profile.website"),
        "an empty website is no fact"
    );
    assert_eq!(
        field(&facts, "profile.former_names"),
        &json!([
            {"name": "COSTCO COMPANIES INC", "from": "1997-08-26", "to": "1999-09-24"},
            {"name": "PRICE COSTCO INC", "from": "1994-01-26", "to": "1997-08-26"}
        ])
    );
    let filings = field(&facts, "filings.recent").as_array().expect("array");
    let forms: Vec<&str> = filings
        .iter()
        .map(|f| f["form"].as_str().expect("form"))
        .collect();
    assert_eq!(
        forms,
        ["10-Q", "8-K", "10-Q", "10-K", "8-K"],
        "Form 4, SC 13G and the like left out"
    );
    assert_eq!(filings[1]["items"], "5.07");
    assert_eq!(
        filings[3]["url"],
        "https://www.sec.gov/Archives/edgar/data/909832/000090983224000041/cost-20240901.htm"
    );

    assert_eq!(
        field(&facts, "financials.revenue_usd"),
        254_453_000_000_i64,
        "Revenues FY2024, not the Q4 slice"
    );
    let period = field(&facts, "financials.revenue_period");
    assert_eq!(period["end"], "2024-09-01");
    assert_eq!(period["concept"], "Revenues");
    assert_eq!(field(&facts, "financials.revenue_growth"), 0.0502);

    for s in r.server.seen() {
        assert_eq!(s.header("user-agent"), Some(USER_AGENT), "{}", s.path);
    }
    assert!(
        facts
            .iter()
            .all(|f| f.source.url().is_some_and(|u| u.contains("/sec_edgar/")))
    );
}

#[tokio::test]
async fn a_company_name_matches_when_there_is_no_ticker() {
    let r = rig().await;
    r.happy();
    let facts = r
        .run(Some("Costco Wholesale Corporation"), None)
        .await
        .expect("facts");
    assert_eq!(field(&facts, "profile.cik"), 909832);
}

#[test]
fn names_match_exactly_or_normalised_and_never_ambiguously() {
    let rows = vec![
        Listed {
            cik: 1,
            ticker: "ACMA".into(),
            title: "ACME CORP /DE/".into(),
        },
        Listed {
            cik: 2,
            ticker: "ACMB".into(),
            title: "Acme, Inc.".into(),
        },
        Listed {
            cik: 3,
            ticker: "BRK-B".into(),
            title: "BERKSHIRE HATHAWAY INC".into(),
        },
    ];
    assert_eq!(
        sec_edgar::find(&rows, Some("brk.b"), None).map(|l| l.cik),
        Some(3)
    );
    assert_eq!(
        sec_edgar::find(&rows, None, Some("Acme, Inc.")).map(|l| l.cik),
        Some(2),
        "exact title first"
    );
    assert_eq!(
        sec_edgar::find(&rows, None, Some("Acme Corporation")),
        None,
        "two companies normalise to `acme`"
    );
    assert_eq!(
        sec_edgar::find(&rows, None, Some("Berkshire Hathaway")).map(|l| l.cik),
        Some(3)
    );
    assert_eq!(
        sec_edgar::normalise_name("The Home Depot, Inc."),
        "home depot"
    );
}

#[tokio::test]
async fn the_tickers_file_is_fetched_once_for_a_batch() {
    let r = rig().await;
    r.happy();
    let gw = gateway(r.meter.clone(), 1);
    for _ in 0..3 {
        r.run_with(&gw, USER_AGENT, None, Some("COST"))
            .await
            .expect("facts");
    }
    assert_eq!(r.server.calls(TICKERS), 1);
    assert_eq!(r.server.calls(SUBMISSIONS), 3);
}

#[tokio::test]
async fn a_user_agent_without_an_email_is_a_config_error_before_any_call() {
    let r = rig().await;
    let gw = gateway(r.meter.clone(), 1);
    let err = r
        .run_with(&gw, "PartnerForge/0.1", None, Some("COST"))
        .await
        .expect_err("error");
    assert!(
        matches!(&err, SourceError::Config(m) if m.contains("User-Agent")),
        "{err:?}"
    );
    assert!(r.server.seen().is_empty());
    assert!(sec_edgar::declares_email("Acme Corp (sales-ops@acme.com)"));
    assert!(!sec_edgar::declares_email("Acme Corp @acme"));
}

#[tokio::test]
async fn the_rate_threshold_page_blocks_for_ten_minutes_without_further_calls() {
    let r = rig().await;
    r.server.on(
        SUBMISSIONS,
        Canned::html(403, fixture("sec_edgar/rate_limit.html")),
    );
    let gw = gateway(r.meter.clone(), 3);
    let err = r
        .run_with(&gw, USER_AGENT, None, Some("COST"))
        .await
        .expect_err("error");
    assert_eq!(
        err,
        SourceError::RateLimited {
            retry_after_secs: Some(600)
        }
    );
    assert_eq!(
        r.server.calls(SUBMISSIONS),
        1,
        "a 10-minute wait is not waited for"
    );

    let again = r
        .run_with(&gw, USER_AGENT, None, Some("COST"))
        .await
        .expect_err("error");
    assert!(
        matches!(again, SourceError::RateLimited { retry_after_secs: Some(s) } if s > 500),
        "{again:?}"
    );
    assert_eq!(
        r.server.seen().len(),
        2,
        "calling during the block would extend it"
    );

    let cfg = config(&r.source, r.server.base("/sec_edgar"), None);
    let acct = account("costco.com", None, Some("COST"));
    let cx = SourceContext {
        gateway: &gw,
        config: &cfg,
        account: &acct,
        now: NOW,
    };
    assert!(matches!(
        r.source.health_check(&cx).await,
        Health::Degraded(_)
    ));
}

#[tokio::test]
async fn the_automated_tools_page_is_a_config_error_naming_the_user_agent() {
    let r = rig().await;
    r.server.on(
        SUBMISSIONS,
        Canned::html(403, fixture("sec_edgar/undeclared_tool.html")),
    );
    let err = r.run(None, Some("COST")).await.expect_err("error");
    assert!(
        matches!(&err, SourceError::Config(m) if m.contains("User-Agent") && m.contains("e-mail")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unlisted_company_is_no_data_after_the_tickers_call_only() {
    let r = rig().await;
    let err = r
        .run(Some("Nonexistent Widgets LLC"), Some("ZZZZ"))
        .await
        .expect_err("error");
    assert_eq!(err, SourceError::NoData);
    assert_eq!(r.server.seen().len(), 1);

    let r = rig().await;
    assert_eq!(
        r.run(None, None).await.expect_err("error"),
        SourceError::NoData
    );
    assert!(
        r.server.seen().is_empty(),
        "nothing to look up, nothing called"
    );
}

#[tokio::test]
async fn missing_company_facts_keep_the_submissions_facts() {
    let r = rig().await;
    r.server.on(
        SUBMISSIONS,
        Canned::json(200, fixture("sec_edgar/submissions_CIK0000909832.json")),
    );
    r.server.on(FACTS, Canned::json(404, "{}"));
    let facts = r.run(None, Some("COST")).await.expect("facts");
    assert!(has_field(&facts, "profile.name"));
    assert!(!has_field(&facts, "financials.revenue_usd"));
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_truncated_json_is_malformed() {
    let r = rig().await;
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("sec_edgar/submissions_CIK0000909832.json")).expect("json");
    doc["brandNewKey"] = json!({"x": 1});
    doc["filings"]["recent"]["newColumn"] = json!([1, 2, 3]);
    r.server.on(SUBMISSIONS, Canned::json(200, doc.to_string()));
    r.server.on(
        FACTS,
        Canned::json(200, fixture("sec_edgar/companyfacts_CIK0000909832.json")),
    );
    assert!(r.run(None, Some("COST")).await.is_ok());

    let r = rig().await;
    r.server.on(
        SUBMISSIONS,
        Canned::json(
            200,
            truncated("sec_edgar/submissions_CIK0000909832.json", 500),
        ),
    );
    let err = r.run(None, Some("COST")).await.expect_err("error");
    assert!(matches!(err, SourceError::Malformed(_)), "{err:?}");
}

#[test]
fn the_default_base_reads_the_tickers_file_from_www_sec_gov() {
    let real = url::Url::parse("https://data.sec.gov").expect("url");
    assert_eq!(
        sec_edgar::tickers_url(&real)
            .map(|u| u.to_string())
            .as_deref(),
        Some("https://www.sec.gov/files/company_tickers.json")
    );
    let mock = url::Url::parse("http://127.0.0.1:9/sec_edgar").expect("url");
    assert_eq!(
        sec_edgar::tickers_url(&mock),
        None,
        "under the base URL instead"
    );
}
