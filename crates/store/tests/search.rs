//! Full-text search stays in step with writes, ranks, snippets, and never crashes on syntax.

mod common;

use common::*;
use pf_core::ModuleId;
use serde_json::json;
use time::Duration;
use time::macros::datetime;

fn seeded() -> (tempfile::TempDir, pf_store::Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    for (d, n) in [
        ("costco.com", "Costco Wholesale"),
        ("target.com", "Target"),
        ("bestbuy.com", "Best Buy"),
    ] {
        store.upsert_account(&account(d, n)).expect("insert");
    }
    (dir, store)
}

#[test]
fn company_names_and_domains_are_found_by_prefix() {
    let (_dir, store) = seeded();
    let hits = store.search("cost", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].domain.as_str(), "costco.com");
    assert!(hits[0].snippet.contains("[Costco]"), "{}", hits[0].snippet);
    assert_eq!(store.search("bestbuy", 10).expect("search").len(), 1);
}

#[test]
fn intelligence_text_is_indexed_and_follows_updates() {
    let (_dir, store) = seeded();
    let target = store.search("target", 1).expect("s")[0].account_id;
    let at = datetime!(2026-11-01 00:00 UTC);
    let data =
        json!({"technologies": ["Shopify Plus", "Klevu"], "hiring": [{"title": "Head of Search"}]});
    store
        .put_intelligence(
            target,
            ModuleId::TECH_STACK,
            &intel(data, "builtwith", at),
            at,
            at + Duration::days(7),
        )
        .expect("w");
    let hits = store.search("klevu", 10).expect("s");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].field, "M02");
    assert_eq!(hits[0].field_label, "Technology stack");
    assert_eq!(store.search("head of search", 10).expect("s").len(), 1);
    let later = at + Duration::days(1);
    store
        .put_intelligence(
            target,
            ModuleId::TECH_STACK,
            &intel(json!({"technologies": ["Algolia"]}), "website", later),
            later,
            later + Duration::days(7),
        )
        .expect("w2");
    assert!(
        store.search("klevu", 10).expect("s").is_empty(),
        "stale text still indexed"
    );
    assert_eq!(store.search("algolia", 10).expect("s").len(), 1);
}

#[test]
fn fts_syntax_errors_are_plain_words_not_crashes() {
    let (_dir, store) = seeded();
    for q in [
        "\"unclosed",
        "AND OR",
        "*",
        "NEAR(",
        "costco)",
        "-",
        "col:costco",
        "\u{0}",
        "((((",
        "^",
    ] {
        let r = store.search(q, 10);
        assert!(r.is_ok(), "query {q:?} failed: {r:?}");
    }
    assert_eq!(
        store.search("\"costco", 10).expect("s").len(),
        1,
        "quote is ignored, the word still matches"
    );
    assert!(store.search("*", 10).expect("s").is_empty());
}

#[test]
fn results_are_ranked_best_first_and_limited() {
    let (_dir, store) = seeded();
    store
        .upsert_account(&account("buybuybaby.com", "Buy Buy Baby"))
        .expect("insert");
    let hits = store.search("buy", 10).expect("s");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].name, "Buy Buy Baby", "more occurrences rank higher");
    assert!(hits[0].score >= hits[1].score);
    assert_eq!(store.search("buy", 1).expect("s").len(), 1);
}
