//! Privacy requests, the audit log and the retention purge over HTTP, on both backends: an
//! erasure filed by an admin reaches every laptop through `/v1/changes`, completes once they all
//! reported, and then the server holds the subject nowhere in clear (on SQLite: not in the
//! database file's bytes, which did hold it before); only admins file, list and read the audit
//! log; the audit log is append-only at the database level and never holds the subject. Access,
//! rectification and the purge are in `privacy_export.rs`.

#[path = "support/subject.rs"]
mod subject;

use pf_core::{PrivacyKind, PrivacyStatus, Role, TeamId};
use subject::{EMAIL, NAME, code, uid, user};
#[path = "support/concrete.rs"]
mod concrete;

use concrete::{Concrete, contains};
use pf_server::testing::{TestBackend, TestServer};
use pf_server::{ServeConfig, issue_token, on_both_backends};
use pf_sync::{
    AccountAttrs, AccountInput, AuditQuery, BudgetInput, ChangeItem, Cursor, DealIntel,
    PrivacyReport, PrivacyRequestInput, PrivacyRequestView, SyncClient, TeamInput, TerritoryInput,
    TerritoryRule, TokenRequest, UserInput,
};
use std::collections::BTreeMap;

/// The privacy items of everything after `since`, and the new cursor.
async fn privacy_items(c: &SyncClient, since: Cursor) -> (Vec<ChangeItem>, Cursor) {
    let (changes, next) = c.changes_all(since, None).await.expect("changes");
    let items = changes
        .into_iter()
        .map(|c| c.item)
        .filter(|i| {
            matches!(
                i,
                ChangeItem::PrivacyOrder(_) | ChangeItem::PrivacyOrderRemoved { .. }
            )
        })
        .collect();
    (items, next)
}

async fn file_raw(server: &TestServer, token: &str, body: serde_json::Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}v1/admin/privacy", server.url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("answer")
}

async fn an_erasure_reaches_every_laptop_and_leaves_no_trace(backend: TestBackend) {
    let concrete = Concrete::new(backend).await;
    let server = TestServer::start_with(concrete.shared(), ServeConfig::default())
        .await
        .expect("server");
    let store = server.store.as_ref();
    let admin_token = user(store, "admin@t.test", Role::Admin, None).await;
    let admin = server.client(&admin_token).expect("c");
    let ana = server
        .client(&user(store, "ana@t.test", Role::Ae, None).await)
        .expect("c");
    let bo = server
        .client(&user(store, "bo@t.test", Role::Ae, None).await)
        .expect("c");
    // The subject is also a user's display name (a user without a laptop).
    store
        .put_user(UserInput {
            id: uid("jd@t.test"),
            role: Role::Viewer,
            team: None,
            display_name: Some(NAME.into()),
        })
        .await
        .expect("subject user");
    let notes = format!("Lunch with {NAME} <{EMAIL}>: renewal in May, wants SSO");
    store
        .put_accounts(vec![AccountInput {
            domain: pf_core::Domain::parse("acme.com").expect("domain"),
            name: "Acme".into(),
            attrs: AccountAttrs::default(),
            deal_intel: Some(DealIntel {
                notes: Some(notes),
                incumbent_vendor: Some("Algolia".into()),
                ..DealIntel::default()
            }),
        }])
        .await
        .expect("account");
    let before = concrete.disk_bytes(true).await;
    assert!(
        contains(&before, EMAIL),
        "control: the e-mail is in the files before"
    );
    assert!(
        contains(&before, NAME),
        "control: the name is in the files before"
    );
    let (_, ana_cursor) = privacy_items(&ana, Cursor::START).await;
    let (_, bo_cursor) = privacy_items(&bo, Cursor::START).await;

    // Only admins handle privacy requests and read the audit log.
    let input = PrivacyRequestInput {
        kind: PrivacyKind::Erasure,
        email: EMAIL.into(),
        name: Some(NAME.into()),
        correction: None,
    };
    let denied = ana
        .file_privacy(&input)
        .await
        .expect_err("an AE may not file");
    assert_eq!(code(&denied), (Some(403), Some("perm.denied")));
    let denied = ana.privacy_requests().await.expect_err("nor list");
    assert_eq!(code(&denied), (Some(403), Some("perm.denied")));
    let denied = ana
        .audit(&AuditQuery::default())
        .await
        .expect_err("nor audit");
    assert_eq!(code(&denied), (Some(403), Some("perm.denied")));
    let bad = PrivacyRequestInput {
        email: "jane.doe".into(),
        ..input.clone()
    };
    let bad = admin.file_privacy(&bad).await.expect_err("a bad e-mail");
    assert_eq!(code(&bad), (Some(400), Some("privacy.bad_request")));

    // Filing: 201, the server's own rows are erased at once, every laptop is expected.
    let body = serde_json::to_value(&input).expect("json");
    let resp = file_raw(&server, &admin_token, body).await;
    assert_eq!(resp.status().as_u16(), 201);
    let view: PrivacyRequestView = resp.json().await.expect("view");
    assert_eq!(view.status, PrivacyStatus::Processing);
    assert_eq!(
        view.laptops.len(),
        3,
        "admin, ana and bo: {:?}",
        view.laptops
    );
    assert_eq!(view.server_records.get("accounts"), Some(&1));
    assert_eq!(view.server_records.get("users"), Some(&1));
    let listed = admin.privacy_requests().await.expect("list");
    assert_eq!(
        listed.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![view.id]
    );

    for (client, cursor) in [(&ana, ana_cursor), (&bo, bo_cursor)] {
        let (items, _) = privacy_items(client, cursor).await;
        assert!(
            matches!(items.as_slice(), [ChangeItem::PrivacyOrder(o)] if o.id == view.id && o.email == EMAIL),
            "{items:?}"
        );
    }
    let late = issue_token(store, uid("ana@t.test"), TokenRequest::default())
        .await
        .expect("token");
    let refused = ana
        .as_user(late.token)
        .report_privacy(view.id, &PrivacyReport::default())
        .await
        .expect_err("a laptop the request does not wait for");
    assert_eq!(code(&refused), (Some(403), Some("privacy.not_expected")));
    let unknown = ana
        .report_privacy(pf_core::PrivacyRequestId::new(), &PrivacyReport::default())
        .await
        .expect_err("no such request");
    assert_eq!(code(&unknown), (Some(404), Some("privacy.not_found")));

    let report = PrivacyReport {
        records: BTreeMap::from([("intelligence".to_owned(), 3)]),
        export: None,
    };
    assert_eq!(
        ana.report_privacy(view.id, &report).await.ok(),
        Some(PrivacyStatus::Processing)
    );
    let after_one = admin.privacy_request(view.id).await.expect("get");
    assert_eq!(after_one.status, PrivacyStatus::Processing);
    assert!(after_one.subject.contains(EMAIL), "open: shown in clear");
    assert_eq!(
        admin.report_privacy(view.id, &report).await.ok(),
        Some(PrivacyStatus::Processing)
    );
    assert_eq!(
        bo.report_privacy(view.id, &report).await.ok(),
        Some(PrivacyStatus::Completed)
    );
    let done = admin.privacy_request(view.id).await.expect("get");
    assert_eq!(done.status, PrivacyStatus::Completed);
    assert!(
        !done.subject.contains(EMAIL) && !done.subject.contains(NAME),
        "{}",
        done.subject
    );
    assert!(
        done.subject.starts_with("j***@acme.com"),
        "{}",
        done.subject
    );
    let (items, _) = privacy_items(&ana, ana_cursor).await;
    assert!(
        items.contains(&ChangeItem::PrivacyOrderRemoved { id: view.id }),
        "{items:?}"
    );

    // The audit log: who did what, never the subject; append-only in the database itself.
    let team = admin
        .create_team(&TeamInput {
            name: "East".into(),
        })
        .await
        .expect("team");
    put_budget(&admin, team.id, 100).await;
    put_budget(&admin, team.id, 250).await;
    admin
        .create_territory(&TerritoryInput {
            name: "emea".into(),
            owner: uid("ana@t.test"),
            members: vec![],
            rule: TerritoryRule::default(),
            priority: 0,
        })
        .await
        .expect("territory");
    let log = admin.audit(&AuditQuery::default()).await.expect("audit");
    let find = |action: &str| {
        log.iter()
            .filter(|e| e.action == action)
            .collect::<Vec<_>>()
    };
    let filed = find("privacy.file");
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].actor, Some(uid("admin@t.test")));
    assert_eq!(filed[0].target, format!("privacy:{}", view.id));
    assert_eq!(find("privacy.complete")[0].actor, Some(uid("bo@t.test")));
    let budgets = find("budget.change");
    assert_eq!(budgets.len(), 2);
    assert_eq!(budgets[1].detail["old"]["monthly_limit_micros"], 100);
    assert_eq!(budgets[1].detail["new"]["monthly_limit_micros"], 250);
    assert_eq!(find("territory.change")[0].actor, Some(uid("admin@t.test")));
    let text = serde_json::to_string(&log).expect("json").to_lowercase();
    assert!(
        !text.contains("jane") && !text.contains("acme.com"),
        "{text}"
    );
    let only = AuditQuery {
        action: Some("budget.change".into()),
        ..AuditQuery::default()
    };
    assert_eq!(admin.audit(&only).await.expect("audit").len(), 2);
    for sql in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"] {
        let err = concrete.raw(sql).await.expect_err(sql);
        assert!(err.contains("append-only"), "{sql}: {err}");
    }

    // Nothing of the subject is left on the server.
    for v in admin.privacy_requests().await.expect("list") {
        assert!(!v.subject.contains(EMAIL));
    }
    drop(server);
    let after = concrete.disk_bytes(false).await;
    assert!(
        !contains(&after, EMAIL),
        "the e-mail is gone from the files"
    );
    assert!(!contains(&after, NAME), "the name is gone from the files");
}

async fn put_budget(admin: &SyncClient, team: TeamId, limit: u64) {
    admin
        .put_budget(
            team,
            &BudgetInput {
                monthly_limit_micros: limit,
                alert_threshold_pct: 80,
                hard_cap_micros: limit * 2,
                offline_allowance_micros: 0,
            },
        )
        .await
        .expect("budget");
}

on_both_backends!(an_erasure_reaches_every_laptop_and_leaves_no_trace);
