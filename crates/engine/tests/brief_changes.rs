//! What changed since a date, field by field, in the brief: each changed field's old and new
//! display values with the sources of the new one, nothing for unchanged fields or without a
//! date, the Markdown table; and the traffic card's monthly series.

use pf_core::{Domain, Intelligence, ModuleId, NewAccount, SourceId, SourceRef};
use pf_engine::brief;
use pf_engine::{Brief, FieldChange};
use pf_store::{KeySource, OpenOptions, Store};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const OCT: OffsetDateTime = datetime!(2026-10-01 08:00 UTC);
const NOV: OffsetDateTime = datetime!(2026-11-18 08:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-22 09:00 UTC);
const BETWEEN: OffsetDateTime = datetime!(2026-11-01 00:00 UTC);

fn domain() -> Domain {
    Domain::parse("acme.com").expect("domain")
}

fn put(store: &Store, module: ModuleId, data: Value, sources: &[&str], at: OffsetDateTime) {
    let id = store.require_account(&domain()).expect("account").id;
    let mut refs = sources.iter().map(|s| {
        SourceRef::new(SourceId::new(s).expect("id"), "test", None, at, 1.0).expect("ref")
    });
    let first = refs.next().expect("a source");
    let intel = Intelligence::new(data, first, refs);
    store
        .put_intelligence(id, module, &intel, at, at + time::Duration::days(30))
        .expect("put");
}

fn stack(provider: &str) -> Value {
    json!({
        "tech_technologies": [{"name": provider, "category": "site_search"}, {"name": "Shopify Plus", "category": "ecommerce_platform"}],
        "search_provider": provider,
        "attribution": {"search_provider": ["website"], "tech_technologies": ["website", "builtwith"]}
    })
}

fn traffic(visits: f64, months: &[(&str, f64)]) -> Value {
    let history: Vec<Value> = months
        .iter()
        .map(|(m, v)| json!({"month": m, "visits": v}))
        .collect();
    json!({
        "traffic_monthly_visits": visits, "traffic_history": history,
        "traffic_similar_sites": [{"domain": "walmart.com", "score": 0.9}],
        "attribution": {"traffic_monthly_visits": ["similarweb"], "traffic_history": ["similarweb"]}
    })
}

/// Acme in October (Elasticsearch, 10M visits) and in November (Algolia, 12.3M visits); the
/// profile and the similar sites stay the same; hiring is first seen in November.
fn store(dir: &std::path::Path) -> Store {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Unencrypted)).expect("open");
    store
        .upsert_account(&NewAccount {
            domain: Some(domain()),
            name: Some("Acme Corp".into()),
            ..NewAccount::default()
        })
        .expect("account");
    let profile = json!({"profile_name": "Acme Corp", "profile_employees": 316000, "attribution": {"profile_name": ["sec_edgar"]}});
    put(
        &store,
        ModuleId::COMPANY_PROFILE,
        profile,
        &["sec_edgar"],
        OCT,
    );
    put(
        &store,
        ModuleId::TECH_STACK,
        stack("Elasticsearch"),
        &["website", "builtwith"],
        OCT,
    );
    let sept = [("2026-08", 9.5e6), ("2026-09", 10e6)];
    put(
        &store,
        ModuleId::TRAFFIC,
        traffic(10e6, &sept),
        &["similarweb"],
        OCT,
    );
    put(
        &store,
        ModuleId::TECH_STACK,
        stack("Algolia"),
        &["website", "builtwith"],
        NOV,
    );
    let oct = [("2026-10", 12.3e6), ("2026-08", 9.5e6), ("2026-09", 10e6)];
    put(
        &store,
        ModuleId::TRAFFIC,
        traffic(12.3e6, &oct),
        &["similarweb"],
        NOV,
    );
    let hiring = json!({"open_jobs": 1, "attribution": {"open_jobs": ["job_boards"]}});
    put(&store, ModuleId::HIRING, hiring, &["job_boards"], NOV);
    store
}

fn change<'a>(b: &'a Brief, module: ModuleId, field: &str) -> &'a FieldChange {
    b.field_changes
        .iter()
        .find(|c| c.module == module && c.field == field)
        .unwrap_or_else(|| panic!("no change of {module} {field}: {:#?}", b.field_changes))
}

#[test]
fn changed_fields_show_old_and_new_values_with_their_sources_and_unchanged_ones_do_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let b = brief::build(&store, &domain(), Some(BETWEEN), NOW).expect("brief");
    let listed: Vec<(ModuleId, &str)> = b
        .field_changes
        .iter()
        .map(|c| (c.module, c.field.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (ModuleId::TECH_STACK, "search_provider"),
            (ModuleId::TECH_STACK, "tech_technologies"),
            (ModuleId::TRAFFIC, "traffic_history"),
            (ModuleId::TRAFFIC, "traffic_monthly_visits"),
            (ModuleId::HIRING, "open_jobs"),
        ],
        "by module then field; the profile and similar sites did not change"
    );
    let provider = change(&b, ModuleId::TECH_STACK, "search_provider");
    assert_eq!(
        provider,
        &FieldChange {
            module: ModuleId::TECH_STACK,
            title: "Technology stack".into(),
            field: "search_provider".into(),
            label: "Search provider".into(),
            old: Some("Elasticsearch".into()),
            new: Some("Algolia".into()),
            source: "website".into(),
            recorded_at: NOV,
        }
    );
    let tech = change(&b, ModuleId::TECH_STACK, "tech_technologies");
    assert_eq!(
        (
            tech.old.as_deref(),
            tech.new.as_deref(),
            tech.source.as_str()
        ),
        (
            Some("Elasticsearch, Shopify Plus"),
            Some("Algolia, Shopify Plus"),
            "website, builtwith"
        )
    );
    let visits = change(&b, ModuleId::TRAFFIC, "traffic_monthly_visits");
    assert_eq!(
        (
            visits.label.as_str(),
            visits.old.as_deref(),
            visits.new.as_deref()
        ),
        ("Monthly visits", Some("10.0M"), Some("12.3M")),
        "rendered as the section's fact is"
    );
    assert_eq!(visits.source, "similarweb");
    let jobs = change(&b, ModuleId::HIRING, "open_jobs");
    assert_eq!(
        (jobs.old.as_deref(), jobs.new.as_deref()),
        (None, Some("1")),
        "new since"
    );
}

#[test]
fn nothing_is_listed_without_a_date_or_when_nothing_changed_since_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let none = brief::build(&store, &domain(), None, NOW).expect("brief");
    assert!(none.field_changes.is_empty(), "{:?}", none.field_changes);
    let after = brief::build(
        &store,
        &domain(),
        Some(datetime!(2026-11-20 00:00 UTC)),
        NOW,
    )
    .expect("brief");
    assert!(after.field_changes.is_empty(), "{:?}", after.field_changes);
    let md = after.to_markdown();
    assert!(!md.contains("| Field | Was | Now | Source |"), "{md}");
    let v: Value = serde_json::from_str(&none.to_json().expect("json")).expect("parses");
    assert_eq!(v["field_changes"], json!([]), "always serialised");
}

#[test]
fn markdown_shows_a_was_now_table_and_json_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let b = brief::build(&store, &domain(), Some(BETWEEN), NOW).expect("brief");
    let md = b.to_markdown();
    let table = md.find("| Field | Was | Now | Source |").expect("a table");
    assert!(
        md.find("## What changed since 2026-11-01")
            .is_some_and(|h| h < table),
        "{md}"
    );
    assert!(
        md.contains("| Technology stack: Search provider | Elasticsearch | Algolia | website |"),
        "{md}"
    );
    assert!(
        md.contains("| Hiring signals: Open jobs | — | 1 | job_boards |"),
        "{md}"
    );
    let text = b.to_json().expect("json");
    let v: Value = serde_json::from_str(&text).expect("parses");
    let first = &v["field_changes"][0];
    for key in [
        "module",
        "title",
        "field",
        "label",
        "old",
        "new",
        "source",
        "recorded_at",
    ] {
        assert!(
            first.get(key).is_some(),
            "field_changes.{key} missing: {first}"
        );
    }
    assert_eq!(first["recorded_at"], "2026-11-18T08:00:00Z");
    let back: Brief = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, b);
}

#[test]
fn the_traffic_section_carries_monthly_visits_oldest_first_and_others_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let b = brief::build(&store, &domain(), None, NOW).expect("brief");
    let traffic = b
        .sections
        .iter()
        .find(|s| s.module == ModuleId::TRAFFIC)
        .expect("traffic section");
    let points: Vec<(&str, f64)> = traffic
        .series
        .iter()
        .map(|p| (p.label.as_str(), p.value))
        .collect();
    assert_eq!(
        points,
        [("2026-08", 9.5e6), ("2026-09", 10e6), ("2026-10", 12.3e6)]
    );
    assert!(
        b.sections
            .iter()
            .filter(|s| s.module != ModuleId::TRAFFIC)
            .all(|s| s.series.is_empty())
    );
    let v: Value = serde_json::from_str(&b.to_json().expect("json")).expect("parses");
    let sections = v["sections"].as_array().expect("sections");
    assert!(
        sections.iter().all(|s| s.get("series").is_some()),
        "always serialised"
    );
}
