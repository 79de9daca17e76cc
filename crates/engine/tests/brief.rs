//! The pre-call brief from a real (unencrypted, temporary) store: what changed since a date,
//! conflicts, a source and an age on every fact line, partial enrichment, the JSON form, and
//! the whole chain M11-M15 feeding the brief.

use pf_core::{Domain, Intelligence, ModuleId, NewAccount, SourceId, SourceRef};
use pf_engine::brief::{self, NOT_ENRICHED};
use pf_engine::modules::{
    m11_icp_fit::IcpFit, m12_intent::Intent, m13_hot_lead::HotLead, m14_brief,
    m15_talking_points::TalkingPoints,
};
use pf_engine::{AccountHint, Brief, EngineSettings, Module, ModuleInput, ModuleOutput};
use pf_store::{KeySource, OpenOptions, Store};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 09:00 UTC);
const OCT: OffsetDateTime = datetime!(2026-10-01 08:00 UTC);
const NOV: OffsetDateTime = datetime!(2026-11-18 08:00 UTC);

fn domain() -> Domain {
    Domain::parse("acme.com").expect("domain")
}

fn open(dir: &std::path::Path) -> Store {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Unencrypted)).expect("open");
    let account = NewAccount {
        domain: Some(domain()),
        name: Some("Acme Corp".into()),
        ..NewAccount::default()
    };
    store.upsert_account(&account).expect("account");
    store
}

fn intel(data: Value, sources: &[&str], at: OffsetDateTime) -> Intelligence {
    let mut refs = sources.iter().map(|s| {
        SourceRef::new(SourceId::new(s).expect("id"), "test", None, at, 1.0).expect("ref")
    });
    let first = refs.next().expect("a source");
    Intelligence::new(data, first, refs)
}

fn put(store: &Store, module: ModuleId, data: Value, sources: &[&str], at: OffsetDateTime) {
    let id = store.require_account(&domain()).expect("account").id;
    store
        .put_intelligence(
            id,
            module,
            &intel(data, sources, at),
            at,
            at + time::Duration::days(30),
        )
        .expect("put");
}

fn stack(provider: &str) -> Value {
    json!({
        "tech_technologies": [{"name": provider, "category": "site_search", "sources": ["website"]},
                              {"name": "Shopify Plus", "category": "ecommerce_platform", "sources": ["website", "builtwith"]}],
        "search_provider": provider,
        "attribution": {"search_provider": ["website"], "tech_technologies": ["website", "builtwith"]},
        "conflicts": {"search_provider": {"values": [{"value": "Algolia", "source": "website"}, {"value": "Elasticsearch", "source": "builtwith"}], "confidence": 0.53}}
    })
}

/// M01-M07 stored as a job would; M02 moved from Elasticsearch to Algolia in November.
fn enrich(store: &Store) {
    let profile = json!({
        "profile_name": "Acme Corp", "profile_industry": "Internet Retail", "profile_employees": 316000,
        "attribution": {"profile_name": ["sec_edgar"], "profile_industry": ["yahoo_finance"], "profile_employees": ["sec_edgar"]}
    });
    put(
        store,
        ModuleId::COMPANY_PROFILE,
        profile,
        &["sec_edgar", "yahoo_finance"],
        OCT,
    );
    let mut old = stack("Elasticsearch");
    old.as_object_mut().expect("object").remove("conflicts");
    put(
        store,
        ModuleId::TECH_STACK,
        old,
        &["website", "builtwith"],
        OCT,
    );
    put(
        store,
        ModuleId::TECH_STACK,
        stack("Algolia"),
        &["website", "builtwith"],
        NOV,
    );
    put(
        store,
        ModuleId::TRAFFIC,
        json!({"traffic_monthly_visits": 12_300_000.0, "recent_growth": 0.31}),
        &["similarweb"],
        NOV,
    );
    put(
        store,
        ModuleId::HIRING,
        json!({
            "hiring_jobs": [{"title": "Head of Search", "posted_at": "2026-11-20", "search_related": true, "sources": ["job_boards"]}],
            "open_jobs": 1, "search_jobs": ["Head of Search"]
        }),
        &["job_boards"],
        NOV,
    );
    put(
        store,
        ModuleId::SEARCH_PROVIDER,
        json!({
            "search_provider": "Algolia", "status": "home_vendor", "opportunity": "expand: already runs Algolia",
            "conflict": {"values": [{"value": "Algolia", "source": "website"}, {"value": "Elasticsearch", "source": "builtwith"}], "confidence": 0.53}
        }),
        &["website", "builtwith"],
        NOV,
    );
    put(
        store,
        ModuleId::FINANCIALS,
        json!({"financials_revenue_usd": 5.1e9}),
        &["sec_edgar"],
        OCT,
    );
}

/// Runs M11-M15 over the stored results, storing each, as the orchestrator would.
fn derive(store: &Store) {
    let id = store.require_account(&domain()).expect("account").id;
    let account = AccountHint {
        domain: domain(),
        name: Some("Acme Corp".into()),
        ticker: None,
    };
    let settings = EngineSettings::default();
    let modules: [Box<dyn Module>; 5] = [
        Box::new(IcpFit::new()),
        Box::new(Intent::new()),
        Box::new(HotLead::new()),
        Box::new(m14_brief::Brief::new()),
        Box::new(TalkingPoints::new()),
    ];
    for m in modules {
        let deps: BTreeMap<ModuleId, Intelligence> = store
            .intelligence_for(id)
            .expect("read")
            .into_iter()
            .filter(|s| s.module < m.spec().id)
            .map(|s| (s.module, s.intelligence))
            .collect();
        let history = store.history(id, None).expect("history");
        let (trust, peers) = (BTreeMap::new(), BTreeMap::new());
        let input = ModuleInput {
            account: &account,
            deps: &deps,
            facts: &[],
            source_errors: &[],
            trust: &trust,
            peers: &peers,
            history: &history,
            settings: &settings,
            now: NOW,
        };
        match m.run(&input) {
            ModuleOutput::Done(i) => {
                store
                    .put_intelligence(id, m.spec().id, &i, NOW, NOW + time::Duration::days(1))
                    .expect("store");
            }
            other => panic!("{} did not run: {other:?}", m.spec().id),
        }
    }
}

/// Fact lines are the bullets of module sections and of the change list.
fn assert_sourced_and_aged(md: &str) {
    let bullets: Vec<&str> = md.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(!bullets.is_empty());
    for line in bullets {
        let (_, tail) = line
            .rsplit_once(" — ")
            .unwrap_or_else(|| panic!("no source on: {line}"));
        let (source, age) = tail
            .rsplit_once(", ")
            .unwrap_or_else(|| panic!("no age on: {line}"));
        assert!(!source.trim().is_empty(), "empty source on: {line}");
        let days = age
            .strip_suffix(" days old")
            .or_else(|| age.strip_suffix(" day old"));
        assert!(
            days.is_some_and(|d| d.parse::<i64>().is_ok()),
            "no age on: {line}"
        );
    }
}

#[test]
fn brief_shows_changes_since_a_date_first_and_the_conflicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    enrich(&store);
    let since = datetime!(2026-11-01 00:00 UTC);
    let b = brief::build(&store, &domain(), Some(since), NOW).expect("brief");
    assert!(
        b.changes.iter().all(|c| c.recorded_at >= since),
        "only changes since the date"
    );
    let stack = b
        .changes
        .iter()
        .find(|c| c.module == ModuleId::TECH_STACK)
        .expect("the stack change");
    assert!(
        stack
            .summary
            .contains("search_provider: Elasticsearch -> Algolia"),
        "{}",
        stack.summary
    );
    assert_eq!(stack.sources, vec!["website", "builtwith"]);
    assert!(
        b.conflicts
            .iter()
            .any(|c| c.module == ModuleId::TECH_STACK && c.field == "search_provider")
    );

    let md = b.to_markdown();
    let changed = md
        .find("## What changed since 2026-11-01")
        .expect("a change list");
    let first_section = md.find("## Company profile (M01)").expect("sections");
    assert!(changed < first_section, "changes come first");
    assert!(md.contains("2026-11-18 · Technology stack (M02): "), "{md}");
    assert!(
        md.contains(
            "conflict: builtwith says Elasticsearch, website says Algolia (confidence 0.53)"
        ),
        "{md}"
    );
    assert_sourced_and_aged(&md);
}

#[test]
fn markdown_has_a_source_and_an_age_on_every_fact_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    enrich(&store);
    derive(&store);
    let md = brief::build(&store, &domain(), None, NOW)
        .expect("brief")
        .to_markdown();
    assert_sourced_and_aged(&md);
    assert!(
        md.contains("- **Employees:** 316,000 — sec_edgar, 52 days old"),
        "{md}"
    );
    assert!(
        md.contains(
            "- **Search-related job:** Head of Search (posted 2026-11-20) — job_boards, 4 days old"
        ),
        "{md}"
    );
}

#[test]
fn partial_enrichment_renders_not_enriched_sections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    put(
        &store,
        ModuleId::COMPANY_PROFILE,
        json!({"profile_name": "Acme Corp"}),
        &["sec_edgar"],
        NOV,
    );
    let b = brief::build(&store, &domain(), None, NOW).expect("brief");
    assert_eq!(b.missing.len(), 12);
    assert_eq!((b.score, b.priority.as_deref()), (None, None));
    let md = b.to_markdown();
    assert!(md.contains("**[not scored yet]**"), "{md}");
    assert!(
        md.contains("1 of 13 modules enriched; not enriched yet: M02 Technology stack"),
        "{md}"
    );
    assert_eq!(md.matches(&format!("_{NOT_ENRICHED}_")).count(), 12, "{md}");
    assert!(
        md.contains("- **Name:** Acme Corp — sec_edgar, 4 days old"),
        "{md}"
    );
}

#[test]
fn the_whole_chain_feeds_score_talking_points_and_next_action_into_the_brief() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    enrich(&store);
    derive(&store);
    let b = brief::build(&store, &domain(), None, NOW).expect("brief");
    assert!(b.score.is_some() && b.priority.is_some());
    let sum: f64 = b.score_parts.iter().map(|p| p.points).sum();
    assert!((sum - f64::from(b.score.unwrap_or(0))).abs() <= 0.5);
    assert!((3..=6).contains(&b.talking_points.len()));
    assert!(b.talking_points.iter().all(|t| !t.facts.is_empty()));
    let nba = b.next_best_action.as_ref().expect("a next best action");
    assert!(
        nba.text
            .contains("replaced Elasticsearch with Algolia on 2026-11-18"),
        "{}",
        nba.text
    );
    let hot = b
        .changes
        .iter()
        .find(|c| c.module == ModuleId::HOT_LEAD)
        .expect("score change");
    assert!(
        hot.summary.contains("score: none -> ") && !hot.summary.contains("parts"),
        "{}",
        hot.summary
    );
    assert!(
        b.changes.iter().all(|c| c.module != ModuleId::BRIEF),
        "M14's own changes repeat the rest"
    );
    let md = b.to_markdown();
    for heading in [
        "## Next best action",
        "## Talking points",
        "## Why ",
        "## ICP fit score (M11)",
        "## Recent changes",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    assert!(
        md.starts_with("# Pre-call brief: Acme Corp (acme.com)\n\n**["),
        "{md}"
    );
}

#[test]
fn json_form_round_trips_with_the_documented_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    enrich(&store);
    let b = brief::build(
        &store,
        &domain(),
        Some(datetime!(2026-11-01 00:00 UTC)),
        NOW,
    )
    .expect("brief");
    let text = b.to_json().expect("json");
    let v: Value = serde_json::from_str(&text).expect("parses");
    let documented = "account generated_at since headline score priority score_parts sections missing \
                      conflicts changes talking_points next_best_action";
    for key in documented.split_whitespace() {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    assert_eq!(v["since"], "2026-11-01T00:00:00Z");
    let fact = &v["sections"][0]["facts"][0];
    for key in ["label", "value", "source", "fetched_at", "age_days"] {
        assert!(fact.get(key).is_some(), "fact.{key} missing: {fact}");
    }
    let back: Brief = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, b);
}

#[test]
fn an_unknown_account_is_an_error_not_an_empty_brief() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let err = brief::build(
        &store,
        &Domain::parse("nobody-here.com").expect("domain"),
        None,
        NOW,
    )
    .expect_err("unknown");
    assert!(
        err.code().contains("not_found") || err.to_string().contains("nobody-here.com"),
        "{err}"
    );
}
