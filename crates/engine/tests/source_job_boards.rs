//! `job_boards` through the whole gateway path against a scripted local server: Greenhouse
//! first, Lever when Greenhouse has no board, `NoData` when neither has one, and the
//! search-related flag on each posting.

#[path = "support/harness.rs"]
mod harness;

use harness::*;
use pf_engine::SourceError;
use pf_engine::sources::job_boards::JobBoards;
use serde_json::json;
use std::sync::Arc;

const GH_COSTCO: &str = "/job_boards/greenhouse/v1/boards/costco/jobs";
const LEVER_COSTCO: &str = "/job_boards/lever/v0/postings/costco";
const GH_ACME: &str = "/job_boards/greenhouse/v1/boards/acmeshop/jobs";
const LEVER_ACME: &str = "/job_boards/lever/v0/postings/acmeshop";

struct Rig {
    server: Server,
    meter: Arc<RecordingMeter>,
    source: JobBoards,
}

async fn rig() -> Rig {
    Rig {
        server: Server::start().await,
        meter: Arc::new(RecordingMeter::default()),
        source: JobBoards::new(),
    }
}

impl Rig {
    async fn run(&self, attempts: u32, domain: &str) -> Result<Vec<pf_engine::Fact>, SourceError> {
        let gw = gateway(self.meter.clone(), attempts);
        let cfg = config(&self.source, self.server.base("/job_boards"), None);
        fetch(&self.source, &gw, &cfg, &account(domain, None, None)).await
    }
}

#[tokio::test]
async fn a_greenhouse_board_lists_jobs_with_search_related_ones_first() {
    let r = rig().await;
    r.server.on(
        GH_COSTCO,
        Canned::json(200, fixture("job_boards/greenhouse_costco.json")),
    );
    let facts = r.run(1, "costco.com").await.expect("facts");

    let jobs = field(&facts, "hiring.jobs").as_array().expect("array");
    let titles: Vec<&str> = jobs
        .iter()
        .map(|j| j["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        titles,
        [
            "Senior Search Engineer",
            "Director, Product Discovery & Merchandising",
            "Warehouse Supervisor",
            "Research Analyst"
        ],
        "a blank title is dropped"
    );
    assert_eq!(
        jobs[0],
        json!({
            "title": "Senior Search Engineer",
            "department": null,
            "location": "Issaquah, WA",
            "url": "https://boards.greenhouse.io/costco/jobs/7001001",
            "posted_at": "2025-02-27T09:00:00-05:00",
            "board": "greenhouse",
            "search_related": true
        })
    );
    assert_eq!(jobs[1]["department"], "E-commerce");
    assert_eq!(
        jobs[2]["posted_at"], "2025-03-01T10:00:00-05:00",
        "updated_at when never published"
    );
    assert_eq!(jobs[3]["search_related"], false, "Research is not search");
    assert_eq!(field(&facts, "hiring.open_jobs_count"), 4);
    assert_eq!(
        r.server.calls(LEVER_COSTCO),
        0,
        "Lever is not asked when Greenhouse answers"
    );
    assert!(r.server.seen()[0].query.contains("content=false"));
    assert_eq!(facts[0].source.endpoint(), "greenhouse");
}

#[tokio::test]
async fn lever_is_asked_when_greenhouse_has_no_board() {
    let r = rig().await;
    r.server.on(
        GH_ACME,
        Canned::json(404, fixture("job_boards/greenhouse_not_found.json")),
    );
    r.server.on(
        LEVER_ACME,
        Canned::json(200, fixture("job_boards/lever_acmeshop.json")),
    );
    let facts = r.run(1, "acmeshop.com").await.expect("facts");
    let jobs = field(&facts, "hiring.jobs").as_array().expect("array");
    assert_eq!(jobs.len(), 3);
    assert_eq!(jobs[0]["title"], "Head of Search");
    assert_eq!(jobs[0]["department"], "Engineering");
    assert_eq!(jobs[0]["posted_at"], "2025-03-01T00:00:00Z");
    assert_eq!(jobs[1]["title"], "ML Engineer, Recommendations");
    assert_eq!(
        jobs[1]["department"], "Data Science",
        "the team when there is no department"
    );
    assert_eq!(jobs[2]["search_related"], false, "paid search is marketing");
    assert!(r.server.seen()[1].query.contains("mode=json"));
    assert_eq!(facts[0].source.endpoint(), "lever");
}

#[tokio::test]
async fn no_board_on_either_is_no_data() {
    let r = rig().await;
    r.server.on(
        GH_COSTCO,
        Canned::json(404, fixture("job_boards/greenhouse_not_found.json")),
    );
    r.server.on(
        LEVER_COSTCO,
        Canned::json(404, fixture("job_boards/lever_not_found.json")),
    );
    assert_eq!(
        r.run(1, "costco.com").await.expect_err("error"),
        SourceError::NoData
    );
    assert_eq!(r.server.seen().len(), 2);
}

#[tokio::test]
async fn an_empty_board_is_an_empty_job_list() {
    let r = rig().await;
    r.server.on(
        GH_COSTCO,
        Canned::json(200, r#"{"jobs":[],"meta":{"total":0}}"#),
    );
    let facts = r.run(1, "costco.com").await.expect("facts");
    assert_eq!(field(&facts, "hiring.jobs"), &json!([]));
    assert_eq!(field(&facts, "hiring.open_jobs_count"), 0);
}

#[tokio::test]
async fn a_rate_limited_board_is_retried_then_reported() {
    let r = rig().await;
    r.server.on(
        GH_COSTCO,
        Canned::text(429, "Too Many Requests").header("Retry-After", "0"),
    );
    let err = r.run(2, "costco.com").await.expect_err("error");
    assert!(matches!(err, SourceError::RateLimited { .. }), "{err:?}");
    assert_eq!(r.server.calls(GH_COSTCO), 2);
    assert_eq!(
        r.server.calls(LEVER_COSTCO),
        0,
        "a rate limit is not a missing board"
    );
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_truncated_json_is_malformed() {
    let r = rig().await;
    let mut doc: serde_json::Value =
        serde_json::from_str(&fixture("job_boards/greenhouse_costco.json")).expect("json");
    doc["jobs"][0]["pay_input_ranges"] = json!([{"min_cents": 1}]);
    doc["new_meta"] = json!(true);
    r.server.on(GH_COSTCO, Canned::json(200, doc.to_string()));
    assert!(r.run(1, "costco.com").await.is_ok());

    let r = rig().await;
    r.server.on(
        GH_COSTCO,
        Canned::json(200, truncated("job_boards/greenhouse_costco.json", 200)),
    );
    let err = r.run(1, "costco.com").await.expect_err("error");
    assert!(matches!(err, SourceError::Malformed(_)), "{err:?}");
}
