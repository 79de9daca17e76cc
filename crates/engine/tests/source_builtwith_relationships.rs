//! `builtwith`'s Relationships API through the whole gateway path against a scripted local
//! server: paging with `OFFSET` (bounded to three paid pages), merging a domain's identifiers
//! across pages, and how a relationships failure leaves the Domain API's facts standing.

#[path = "support/harness.rs"]
mod harness;

use harness::*;
use pf_engine::SourceError;
use pf_engine::sources::builtwith::BuiltWith;
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
    async fn run(&self) -> Result<Vec<pf_engine::Fact>, SourceError> {
        let gw = gateway(self.meter.clone(), 1);
        let cfg = config(&self.source, self.server.base("/builtwith"), Some(KEY));
        fetch(&self.source, &gw, &cfg, &account("costco.com", None, None)).await
    }
}

#[tokio::test]
async fn relationships_follow_next_offset_for_at_most_three_pages() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/domain_costco.json")),
    );
    for page in 1..=4 {
        r.server.on(
            REL,
            Canned::json(
                200,
                fixture(&format!("builtwith/relationships_costco_page{page}.json")),
            ),
        );
    }
    let facts = r.run().await.expect("facts");
    assert_eq!(r.server.calls(REL), 3);
    let offsets: Vec<String> = r
        .server
        .seen()
        .iter()
        .filter(|s| s.path == REL)
        .map(|s| s.query.clone())
        .collect();
    assert!(!offsets[0].contains("OFFSET"));
    assert!(
        offsets[1].contains("OFFSET=500") && offsets[2].contains("OFFSET=1000"),
        "{offsets:?}"
    );

    let related = field(&facts, "family.related_domains")
        .as_array()
        .expect("array");
    let domains: Vec<&str> = related
        .iter()
        .map(|r| r["domain"].as_str().expect("domain"))
        .collect();
    assert_eq!(
        domains,
        [
            "costco.ca",
            "costco.co.uk",
            "costcobusinessdelivery.com",
            "costcotravel.com"
        ]
    );
    let ca = &related[0];
    assert_eq!(ca["relation"], "shared_id");
    assert_eq!(ca["identifier_type"], "google-analytics");
    assert_eq!(ca["first"], "2012-06-01T00:00:00Z", "earliest across pages");
    assert_eq!(ca["last"], "2025-02-01T00:00:00Z", "latest across pages");
    assert_eq!(related[3]["identifier_type"], "adsense");
    assert_eq!(r.meter.total(), 100_000 + 3 * 50_000);
    assert_no_key(&facts, None);
}

#[tokio::test]
async fn a_relationships_failure_keeps_the_domain_facts() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/domain_costco.json")),
    );
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/error_internal.json")),
    );
    let facts = r.run().await.expect("facts");
    assert!(has_field(&facts, "tech.technologies"));
    assert!(!has_field(&facts, "family.related_domains"));
}

#[tokio::test]
async fn a_failure_on_a_later_page_keeps_the_earlier_pages() {
    let r = rig().await;
    r.server.on(
        DOMAIN,
        Canned::json(200, fixture("builtwith/domain_costco.json")),
    );
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_costco_page1.json")),
    );
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/error_out_of_credits.json")),
    );
    let facts = r.run().await.expect("facts");
    let related = field(&facts, "family.related_domains")
        .as_array()
        .expect("array");
    assert_eq!(related.len(), 2, "costco.ca and costco.co.uk from page 1");
    assert_eq!(r.server.calls(REL), 2);
    assert_eq!(
        r.meter.total(),
        100_000 + 50_000,
        "the refused page is not charged"
    );
}

#[tokio::test]
async fn relationships_alone_answer_when_the_domain_api_knows_no_technologies() {
    let r = rig().await;
    let empty = r#"{"Results":[{"Result":{"IsDB":"False","Paths":[]},"Meta":null,"Lookup":"costco.com"}],"Errors":[]}"#;
    r.server.on(DOMAIN, Canned::json(200, empty));
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_costco_page4.json")),
    );
    let facts = r.run().await.expect("facts");
    assert!(!has_field(&facts, "tech.technologies"));
    assert_eq!(
        field(&facts, "family.related_domains")[0]["domain"],
        "never-fetched.com"
    );
}

#[tokio::test]
async fn nothing_from_either_api_is_no_data_but_the_lookup_is_still_charged() {
    let r = rig().await;
    let empty =
        r#"{"Results":[{"Result":{"IsDB":"False","Paths":[]},"Lookup":"costco.com"}],"Errors":[]}"#;
    r.server.on(DOMAIN, Canned::json(200, empty));
    r.server.on(
        REL,
        Canned::json(200, fixture("builtwith/relationships_empty.json")),
    );
    assert_eq!(r.run().await.expect_err("error"), SourceError::NoData);
    assert_eq!(
        r.meter.total(),
        100_000 + 50_000,
        "BuiltWith bills lookups that find nothing"
    );
}
