//! Accounts, intelligence, history, usage and checkpoints behave as the engine and UI rely on.

mod common;

use common::*;
use pf_core::{Domain, ModuleId, NewAccount, SourceId, UserId};
use pf_store::{Checkpoint, CheckpointState, JobId, UpsertOutcome, UsageRecord, UsageStatus};
use serde_json::json;
use time::Duration;
use time::macros::datetime;

#[test]
fn upsert_by_domain_updates_instead_of_duplicating() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let first = store
        .upsert_account(&account("costco.com", "Costco"))
        .expect("insert");
    assert!(matches!(first, UpsertOutcome::Inserted(_)));
    let mut again = account("https://www.Costco.com/warehouse", "Costco Wholesale");
    again.tags = vec!["Retail, warehouse".into()];
    again.owner = Some(UserId::new("ana@example.com").expect("user"));
    let second = store.upsert_account(&again).expect("update");
    assert_eq!(second, UpsertOutcome::Updated(first.id()));
    assert_eq!(
        store.upsert_account(&again).expect("same"),
        UpsertOutcome::Unchanged(first.id())
    );
    let all = store.list_accounts().expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Costco Wholesale");
    assert_eq!(all[0].tags, vec!["retail", "warehouse"]);
    assert_eq!(
        all[0].owner.as_ref().map(UserId::as_str),
        Some("ana@example.com")
    );
    // Empty fields in a later import keep what is known.
    let sparse = NewAccount {
        domain: Some(Domain::parse("costco.com").expect("d")),
        ..NewAccount::default()
    };
    store.upsert_account(&sparse).expect("sparse");
    assert_eq!(
        store.list_accounts().expect("list")[0].name,
        "Costco Wholesale"
    );
}

#[test]
fn intelligence_changes_keep_snapshots_with_readable_summaries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let id = store
        .upsert_account(&account("bestbuy.com", "Best Buy"))
        .expect("insert")
        .id();
    let t1 = datetime!(2026-10-01 09:00 UTC);
    let t2 = datetime!(2026-11-01 09:00 UTC);
    let t3 = datetime!(2026-11-20 09:00 UTC);
    let m = ModuleId::SEARCH_PROVIDER;
    let ttl = Duration::days(30);
    let s1 = store
        .put_intelligence(
            id,
            m,
            &intel(json!({"search_provider": "Elasticsearch"}), "builtwith", t1),
            t1,
            t1 + ttl,
        )
        .expect("w1");
    assert_eq!(
        s1.as_deref(),
        Some("search_provider: none -> Elasticsearch")
    );
    let same = store
        .put_intelligence(
            id,
            m,
            &intel(json!({"search_provider": "Elasticsearch"}), "builtwith", t2),
            t2,
            t2 + ttl,
        )
        .expect("w2");
    assert_eq!(same, None, "a refresh without change is not a change");
    let s3 = store
        .put_intelligence(
            id,
            m,
            &intel(json!({"search_provider": null}), "website", t3),
            t3,
            t3 + ttl,
        )
        .expect("w3");
    assert_eq!(
        s3.as_deref(),
        Some("search_provider: Elasticsearch -> none")
    );

    let all = store.history(id, None).expect("history");
    assert_eq!(all.len(), 2);
    let since = store
        .history(id, Some(datetime!(2026-11-01 00:00 UTC)))
        .expect("since");
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].summary, "search_provider: Elasticsearch -> none");
    assert_eq!(since[0].sources[0].source().as_str(), "website");

    let current = store
        .module_intelligence(id, m)
        .expect("read")
        .expect("present");
    assert_eq!(current.fetched_at, t3);
    assert!(!current.is_stale(t3 + Duration::days(1)));
    assert!(current.is_stale(t3 + Duration::days(31)));
    assert_eq!(store.intelligence_for(id).expect("all").len(), 1);
}

#[test]
fn the_usage_log_keeps_costs_in_micro_dollars() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let at = datetime!(2026-11-02 12:00 UTC);
    for (cost, status) in [
        (20_000, UsageStatus::Ok),
        (0, UsageStatus::RateLimited),
        (15_500, UsageStatus::Ok),
    ] {
        store
            .log_usage(&UsageRecord {
                at,
                user: UserId::new("ana@example.com").expect("user"),
                source: SourceId::new("builtwith").expect("source"),
                endpoint: "domain-api".into(),
                domain: Some(Domain::parse("costco.com").expect("d")),
                cost_micros: cost,
                status,
                duration_ms: 120,
            })
            .expect("log");
    }
    assert_eq!(
        store
            .usage_cost_since(datetime!(2026-11-01 00:00 UTC))
            .expect("sum"),
        35_500
    );
    assert_eq!(
        store
            .usage_cost_since(datetime!(2026-12-01 00:00 UTC))
            .expect("sum"),
        0
    );
    let recs = store
        .usage_since(datetime!(2026-11-01 00:00 UTC))
        .expect("list");
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[1].status, UsageStatus::RateLimited);
}

#[test]
fn job_checkpoints_survive_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let job = JobId::new("job-1");
    {
        let store = open(dir.path());
        store
            .save_checkpoint(
                &job,
                &Checkpoint {
                    domain: Domain::parse("costco.com").expect("d"),
                    module: ModuleId::TECH_STACK,
                    state: CheckpointState::Done,
                    result: Some(json!({"technologies": ["Algolia"]})),
                    detail: None,
                },
            )
            .expect("save");
    }
    let store = open(dir.path());
    let cps = store.checkpoints(&job).expect("load");
    assert_eq!(cps.len(), 1);
    assert_eq!(cps[0].state, CheckpointState::Done);
    assert_eq!(store.clear_checkpoints(&job).expect("clear"), 1);
}

#[test]
fn deleting_nothing_and_missing_accounts_are_clear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let err = store
        .require_account(&Domain::parse("nowhere.com").expect("d"))
        .expect_err("missing");
    assert_eq!(err.code(), "store.account_not_found");
}

#[test]
fn a_former_domain_finds_the_account_it_became_and_its_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let ulta = store
        .upsert_account(&account("ulta.com", "Ulta Beauty"))
        .expect("insert")
        .id();
    let old = Domain::parse("ultasalon.com").expect("d");
    assert!(
        store
            .add_domain_alias(&old, ulta, "ultasalon.com redirects to ulta.com")
            .expect("alias")
    );
    let found = store
        .account_by_domain(&old)
        .expect("read")
        .expect("found through the alias");
    assert_eq!(found.id, ulta);
    assert_eq!(store.domain_aliases(ulta).expect("aliases")[0].0, old);
    // An account's own domain is never turned into an alias of another.
    store
        .upsert_account(&account("target.com", "Target"))
        .expect("insert");
    assert!(
        !store
            .add_domain_alias(&Domain::parse("target.com").expect("d"), ulta, "x")
            .expect("alias")
    );
}
