//! The laptop side of sync in the store: a page of changes applies in one transaction with its
//! cursor, a removal deletes the account's local data, a new user starts over, and the outbox
//! keeps usage until the server acknowledged it.

mod common;

use common::*;
use pf_core::{AccountId, ModuleId, NewAccount, Role, SourceId, UserId};
use pf_store::{
    OutboxEntry, PendingSettlement, Store, SyncChange, SyncPage, SyncProfile, UsageRecord,
    UsageStatus,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

fn profile(user: &str) -> SyncProfile {
    SyncProfile {
        user: UserId::new(user).expect("user"),
        role: Role::Ae,
        team: Some("team-a".into()),
        team_name: Some("Enterprise East".into()),
        display_name: None,
        territories: vec!["emea".into()],
        offline_allowance_micros: 5_000_000,
    }
}

fn logged_in(dir: &std::path::Path) -> Store {
    let store = open(dir);
    store
        .save_sync_identity("http://sync.test/", &profile("ae@a.test"))
        .expect("identity");
    store
}

fn synced(
    server_id: AccountId,
    domain: &str,
    owner: Option<&str>,
    territory: Option<&str>,
) -> SyncChange {
    let mut account = account(domain, &format!("{domain} Inc"));
    account.owner = owner.map(|o| UserId::new(o).expect("user"));
    account.territory = territory.map(str::to_owned);
    SyncChange::Account {
        server_id,
        account,
        data: json!({ "domain": domain, "deal_intel": { "incumbent_vendor": "Coveo" } }),
    }
}

fn page(changes: Vec<SyncChange>, cursor: &str) -> SyncPage {
    SyncPage {
        changes,
        cursor: cursor.into(),
    }
}

#[test]
fn a_page_upserts_accounts_and_items_and_stores_its_cursor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = logged_in(dir.path());
    // A local account with the same domain is updated, not duplicated.
    store
        .upsert_account(&account("zalando.de", "Zalando"))
        .expect("local");
    let (z, c) = (AccountId::new(), AccountId::new());
    let report = store
        .apply_sync_page(&page(
            vec![
                synced(z, "zalando.de", Some("ae@a.test"), Some("emea")),
                synced(c, "costco.com", None, None),
                SyncChange::Item {
                    kind: "flag".into(),
                    key: "ops_page".into(),
                    data: json!({"key": "ops_page", "on": true}),
                },
            ],
            "cursor-1",
        ))
        .expect("apply");
    assert_eq!((report.accounts, report.removed, report.items), (2, 0, 1));
    assert_eq!(store.count_accounts().expect("count"), 2);
    assert_eq!(store.count_synced_accounts().expect("count"), 2);
    let zalando = store
        .account_by_domain(&pf_core::Domain::parse("zalando.de").expect("d"))
        .expect("read")
        .expect("there");
    assert_eq!(
        zalando.owner.as_ref().map(UserId::as_str),
        Some("ae@a.test")
    );
    assert_eq!(zalando.territory.as_deref(), Some("emea"));
    assert_eq!(
        store
            .synced_account_data(zalando.id)
            .expect("data")
            .expect("kept")["deal_intel"]["incumbent_vendor"],
        "Coveo"
    );
    assert_eq!(
        store.sync_cursor().expect("cursor").as_deref(),
        Some("cursor-1")
    );
    assert_eq!(
        store.synced_item("flag", "ops_page").expect("item"),
        Some(json!({"key": "ops_page", "on": true}))
    );
    // The server clearing the owner clears it here too.
    store
        .apply_sync_page(&page(vec![synced(z, "zalando.de", None, None)], "cursor-2"))
        .expect("apply");
    let zalando = store.account(zalando.id).expect("read").expect("there");
    assert_eq!((zalando.owner, zalando.territory), (None, None));
}

#[test]
fn a_page_that_fails_half_way_applies_nothing_and_keeps_the_old_cursor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = logged_in(dir.path());
    store
        .apply_sync_page(&page(vec![], "cursor-1"))
        .expect("empty page");
    let broken = SyncChange::Account {
        server_id: AccountId::new(),
        account: NewAccount::default(), // no domain: refused
        data: json!({}),
    };
    let err = store
        .apply_sync_page(&page(
            vec![
                synced(AccountId::new(), "tesco.co.uk", None, None),
                SyncChange::Item {
                    kind: "price".into(),
                    key: "builtwith/domain-api".into(),
                    data: json!({"price_micros": 10}),
                },
                broken,
            ],
            "cursor-2",
        ))
        .expect_err("a bad change fails the page");
    assert_eq!(err.code(), "store.missing_domain");
    assert_eq!(
        store.count_accounts().expect("count"),
        0,
        "the first account rolled back"
    );
    assert!(store.synced_items("price").expect("items").is_empty());
    assert_eq!(
        store.sync_cursor().expect("cursor").as_deref(),
        Some("cursor-1")
    );
}

#[test]
fn an_account_removed_takes_its_intelligence_history_and_search_documents_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = logged_in(dir.path());
    let (gone, kept) = (AccountId::new(), AccountId::new());
    store
        .apply_sync_page(&page(
            vec![
                synced(gone, "wayfair.com", Some("ae@a.test"), None),
                synced(kept, "target.com", Some("ae@a.test"), None),
            ],
            "c1",
        ))
        .expect("apply");
    let wayfair = store
        .account_by_domain(&pf_core::Domain::parse("wayfair.com").expect("d"))
        .expect("read")
        .expect("there");
    let at = OffsetDateTime::now_utc();
    store
        .put_intelligence(
            wayfair.id,
            ModuleId::SEARCH_PROVIDER,
            &intel(json!({"search_provider": "Bloomreach"}), "website", at),
            at,
            at + Duration::days(30),
        )
        .expect("intel");
    assert!(!store.search("bloomreach", 10).expect("search").is_empty());
    assert_eq!(store.history(wayfair.id, None).expect("history").len(), 1);

    let report = store
        .apply_sync_page(&page(
            vec![
                SyncChange::AccountRemoved { server_id: gone },
                // A removal of something never synced changes nothing.
                SyncChange::AccountRemoved {
                    server_id: AccountId::new(),
                },
            ],
            "c2",
        ))
        .expect("apply");
    assert_eq!(report.removed, 1);
    assert_eq!(store.account(wayfair.id).expect("read"), None);
    assert!(store.search("bloomreach", 10).expect("search").is_empty());
    assert!(store.search("wayfair", 10).expect("search").is_empty());
    assert!(store.history(wayfair.id, None).expect("history").is_empty());
    assert_eq!(
        store.count_accounts().expect("count"),
        1,
        "target.com stays"
    );
}

#[test]
fn applying_without_a_configured_server_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let err = store
        .apply_sync_page(&page(
            vec![synced(AccountId::new(), "ikea.com", None, None)],
            "c",
        ))
        .expect_err("not logged in");
    assert_eq!(err.code(), "store.invalid");
    assert_eq!(store.count_accounts().expect("count"), 0);
}

#[test]
fn another_user_starts_over_while_the_same_user_keeps_the_cursor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = logged_in(dir.path());
    store
        .apply_sync_page(&page(
            vec![SyncChange::Item {
                kind: "flag".into(),
                key: "x".into(),
                data: json!({"on": true}),
            }],
            "c9",
        ))
        .expect("apply");
    let mut p = profile("ae@a.test");
    p.role = Role::Manager;
    assert!(
        !store
            .save_sync_identity("http://sync.test/", &p)
            .expect("same user")
    );
    assert_eq!(store.sync_cursor().expect("cursor").as_deref(), Some("c9"));
    let id = store.sync_identity().expect("read").expect("there");
    assert_eq!(id.profile.role, Role::Manager);
    assert_eq!(id.profile.territories, vec!["emea".to_owned()]);

    assert!(
        store
            .save_sync_identity("http://sync.test/", &profile("sdr@a.test"))
            .expect("other")
    );
    assert_eq!(store.sync_cursor().expect("cursor"), None);
    assert!(store.synced_items("flag").expect("flags").is_empty());

    assert!(store.forget_sync_identity().expect("logout"));
    assert_eq!(store.sync_identity().expect("read"), None);
    assert!(!store.forget_sync_identity().expect("twice"));
}

#[test]
fn a_full_pull_prunes_accounts_the_server_no_longer_sends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = logged_in(dir.path());
    let (a, b) = (AccountId::new(), AccountId::new());
    store
        .apply_sync_page(&page(
            vec![
                synced(a, "a-shop.com", None, None),
                synced(b, "b-shop.com", None, None),
            ],
            "c1",
        ))
        .expect("apply");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let started = OffsetDateTime::now_utc();
    store
        .apply_sync_page(&page(vec![synced(a, "a-shop.com", None, None)], "c2"))
        .expect("apply");
    assert_eq!(store.prune_synced_accounts(started).expect("prune"), 1);
    let left: Vec<String> = store
        .list_accounts()
        .expect("list")
        .into_iter()
        .map(|x| x.domain.to_string())
        .collect();
    assert_eq!(left, vec!["a-shop.com"]);
}

fn usage(cost: u64) -> UsageRecord {
    UsageRecord {
        at: OffsetDateTime::now_utc(),
        user: UserId::new("ae@a.test").expect("user"),
        source: SourceId::new("builtwith").expect("source"),
        endpoint: "domain-api".into(),
        domain: None,
        cost_micros: cost,
        status: UsageStatus::Ok,
        duration_ms: 12,
    }
}

#[test]
fn outbox_records_stay_pending_until_acknowledged_and_count_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let reserved = OutboxEntry::new(&usage(40_000), Some(uuid::Uuid::now_v7()));
    let offline = OutboxEntry::new(&usage(25_000), None);
    let free = OutboxEntry::new(&usage(0), None);
    for e in [&reserved, &offline, &free] {
        store
            .log_usage_outboxed(&usage(e.cost_micros), e)
            .expect("log");
    }
    assert_eq!(
        store
            .usage_since(OffsetDateTime::UNIX_EPOCH)
            .expect("log")
            .len(),
        3
    );
    assert_eq!(store.outbox_counts().expect("counts"), (3, 0));
    assert_eq!(
        store.offline_spend_pending().expect("offline"),
        25_000,
        "only calls paid from the offline allowance use it"
    );
    let ids = |v: Vec<OutboxEntry>| {
        v.into_iter()
            .map(|e| (e.id, e.reservation, e.cost_micros))
            .collect::<Vec<_>>()
    };
    let pending = store.outbox_pending(2).expect("pending");
    assert_eq!(
        ids(pending),
        ids(vec![reserved.clone(), offline.clone()]),
        "oldest first, as written"
    );
    assert_eq!(
        store
            .mark_outbox_pushed(&[reserved.id, offline.id])
            .expect("mark"),
        2
    );
    assert_eq!(store.mark_outbox_pushed(&[offline.id]).expect("again"), 0);
    assert_eq!(store.outbox_counts().expect("counts"), (1, 2));
    assert_eq!(
        store.offline_spend_pending().expect("offline"),
        0,
        "pushed: allowance back"
    );
    assert_eq!(
        ids(store.outbox_pending(10).expect("pending")),
        ids(vec![free])
    );
}

#[test]
fn settlements_the_server_did_not_confirm_wait_for_the_next_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let (a, b) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    store
        .add_pending_settlement(PendingSettlement {
            reservation: a,
            actual_micros: Some(7),
        })
        .expect("add");
    store
        .add_pending_settlement(PendingSettlement {
            reservation: b,
            actual_micros: None,
        })
        .expect("add");
    assert_eq!(store.pending_settlements().expect("list").len(), 2);
    store.remove_pending_settlement(a).expect("remove");
    assert_eq!(
        store.pending_settlements().expect("list"),
        vec![PendingSettlement {
            reservation: b,
            actual_micros: None
        }]
    );
}
