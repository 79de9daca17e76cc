//! The laptop's view over real HTTP with `SyncClient`: paging with cursors, removals when an
//! account is reassigned away, the no-change pull, idempotent usage pushes, budget alerts for
//! the manager, and flags evaluated for the caller.

use pf_core::UserId;
use pf_server::testing::{TestBackend, TestServer, seed_org};
use pf_sync::{
    AssignmentInput, BudgetInput, ChangeItem, CommitRequest, Cursor, FlagInput, ReserveRequest,
    UsageBatch, UsageId, UsageRecord,
};
use std::collections::HashSet;
use time::OffsetDateTime;

fn uid(s: &str) -> UserId {
    UserId::new(s).expect("user id")
}

fn key(item: &ChangeItem) -> String {
    match item {
        ChangeItem::Account(a) => format!("account:{}", a.id),
        ChangeItem::AccountRemoved { id } => format!("account:{id}"),
        other => serde_json::to_value(other)
            .map(|v| format!("{}:{}", v["kind"], v["data"]))
            .unwrap_or_default(),
    }
}

async fn paging_with_cursors_returns_every_change_once_then_nothing_with_the_same_cursor(
    backend: TestBackend,
) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("client");
    let mut cursor = Cursor::START;
    let mut seen = HashSet::new();
    let mut pages = 0;
    loop {
        let page = admin.changes(cursor, Some(2)).await.expect("page");
        assert!(page.changes.len() <= 2);
        for c in &page.changes {
            assert!(c.seq > cursor.seq(), "a change at or before the cursor");
            assert!(seen.insert(key(&c.item)), "{} came twice", key(&c.item));
        }
        pages += 1;
        assert!(page.next >= cursor);
        cursor = page.next;
        if !page.more {
            break;
        }
        assert!(pages < 100, "paging does not end");
    }
    assert!(
        pages >= 4,
        "only {pages} pages of 2 for the admin's whole view"
    );
    let (all, end) = admin
        .changes_all(Cursor::START, Some(1000))
        .await
        .expect("one page");
    assert_eq!(all.len(), seen.len(), "page size changes what is sent");
    assert_eq!(end, cursor);
    let again = admin.changes(cursor, None).await.expect("no-change pull");
    assert!(again.changes.is_empty() && !again.more, "{again:?}");
    assert_eq!(again.next, cursor, "a no-change pull keeps the cursor");
}

async fn an_account_reassigned_away_comes_as_a_removal(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    let ae = server.client(&org.tokens["ae@a.test"]).expect("ae");
    let nobody = org.accounts["nobody.io"];
    let (_, cursor) = ae.changes_all(Cursor::START, None).await.expect("initial");
    admin
        .assign(&AssignmentInput {
            account: nobody,
            owner: Some(uid("ae@a.test")),
        })
        .await
        .expect("assign");
    let (got, cursor) = ae.changes_all(cursor, None).await.expect("pull");
    assert!(
        matches!(&got[..], [c] if matches!(&c.item, ChangeItem::Account(a) if a.id == nobody)),
        "{got:?}"
    );
    admin
        .assign(&AssignmentInput {
            account: nobody,
            owner: Some(uid("ae@b.test")),
        })
        .await
        .expect("reassign");
    let (got, _) = ae.changes_all(cursor, None).await.expect("pull");
    assert!(
        matches!(&got[..], [c] if c.item == ChangeItem::AccountRemoved { id: nobody }),
        "the AE should get exactly a removal: {got:?}"
    );
}

fn record(cost: u64) -> UsageRecord {
    UsageRecord {
        id: UsageId::new(),
        source: "similarweb".into(),
        endpoint: "traffic".into(),
        domain: Some("zalando.de".into()),
        cost_micros: cost,
        status: "ok".into(),
        duration_ms: 80,
        at: OffsetDateTime::now_utc(),
        reservation: None,
    }
}

async fn the_same_usage_batch_pushed_twice_counts_once(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    let budget = BudgetInput {
        monthly_limit_micros: 10_000,
        alert_threshold_pct: 80,
        hard_cap_micros: 10_000,
        offline_allowance_micros: 0,
    };
    admin.put_budget(org.team_a, &budget).await.expect("budget");
    let ae = server.client(&org.tokens["ae@a.test"]).expect("ae");
    let batch = UsageBatch {
        records: vec![record(100), record(200), record(300)],
    };
    let first = ae.push_usage(&batch).await.expect("push");
    assert_eq!((first.accepted, first.duplicates), (3, 0));
    let second = ae.push_usage(&batch).await.expect("retry");
    assert_eq!((second.accepted, second.duplicates), (0, 3));
    let spent = admin.list_budgets().await.expect("budgets")[0].spent_micros;
    assert_eq!(spent, 600, "usage counted once");
}

async fn crossing_the_alert_threshold_reaches_the_managers_changes(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    let budget = BudgetInput {
        monthly_limit_micros: 1_000,
        alert_threshold_pct: 50,
        hard_cap_micros: 2_000,
        offline_allowance_micros: 0,
    };
    admin.put_budget(org.team_a, &budget).await.expect("budget");
    let manager = server
        .client(&org.tokens["manager@a.test"])
        .expect("manager");
    let (_, cursor) = manager
        .changes_all(Cursor::START, None)
        .await
        .expect("initial");
    let ae = server.client(&org.tokens["ae@a.test"]).expect("ae");
    let req = ReserveRequest {
        source: "builtwith".into(),
        endpoint: "domain".into(),
        calls: 1,
        amount_micros: Some(600),
        account: None,
        ttl_secs: None,
    };
    let r = ae.reserve(&req).await.expect("reserve");
    let s = ae
        .commit(&CommitRequest {
            reservation: r.id,
            actual_micros: 600,
        })
        .await
        .expect("commit");
    assert!(s.crossed_alert);
    let (got, _) = manager.changes_all(cursor, None).await.expect("pull");
    let alert = got.iter().find_map(|c| match &c.item {
        ChangeItem::BudgetAlert(a) => Some(a.clone()),
        _ => None,
    });
    let alert = alert.unwrap_or_else(|| panic!("no alert in {got:?}"));
    assert_eq!(
        (alert.team, alert.spent_micros, alert.threshold_pct),
        (org.team_a, 600, 50)
    );
}

async fn flags_are_evaluated_for_the_caller(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    let flag = FlagInput {
        key: "new-brief".into(),
        enabled: true,
        rollout_percent: 0,
        allowed_users: vec![uid("ae@a.test")],
        allowed_teams: vec![],
    };
    admin.put_flag(&flag).await.expect("flag");
    for (user, on) in [("ae@a.test", true), ("sdr@a.test", false)] {
        let c = server.client(&org.tokens[user]).expect("client");
        let (got, _) = c.changes_all(Cursor::START, None).await.expect("pull");
        let state = got.iter().find_map(|c| match &c.item {
            ChangeItem::Flag(f) if f.key == "new-brief" => Some(f.on),
            _ => None,
        });
        assert_eq!(state, Some(on), "{user}");
    }
}

pf_server::on_both_backends!(
    paging_with_cursors_returns_every_change_once_then_nothing_with_the_same_cursor,
    an_account_reassigned_away_comes_as_a_removal,
    the_same_usage_batch_pushed_twice_counts_once,
    crossing_the_alert_threshold_reaches_the_managers_changes,
    flags_are_evaluated_for_the_caller
);
