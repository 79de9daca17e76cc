//! The other privacy requests and the retention purge over HTTP, on both backends: an access
//! request's export holds the server's findings and each laptop's export as sent, and changes
//! nothing; a rectification corrects notes and display names at filing; the purge deletes usage
//! older than the policy keeps and audits the counts as the system.

#[path = "support/subject.rs"]
mod subject;

use pf_core::{PrivacyKind, PrivacyStatus, Role};
use pf_server::on_both_backends;
use pf_server::testing::{TestBackend, TestServer};
use pf_sync::{
    AccountAttrs, AccountInput, AuditQuery, DealIntel, PrivacyReport, PrivacyRequestInput,
    RetentionPolicy, UsageRecord,
};
use std::collections::BTreeMap;
use subject::{EMAIL, NAME, code, uid, user};
use time::{Duration, OffsetDateTime};

async fn access_exports_and_rectification_corrects(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let store = server.store.as_ref();
    let admin_token = user(store, "admin@t.test", Role::Admin, Some(NAME)).await;
    let admin = server.client(&admin_token).expect("c");
    let notes = format!("Call {NAME} about the renewal");
    let account = AccountInput {
        domain: pf_core::Domain::parse("acme.com").expect("domain"),
        name: "Acme".into(),
        attrs: AccountAttrs::default(),
        deal_intel: Some(DealIntel {
            notes: Some(notes),
            ..DealIntel::default()
        }),
    };
    let ids = store.put_accounts(vec![account]).await.expect("account");
    let access = PrivacyRequestInput {
        kind: PrivacyKind::Access,
        email: EMAIL.into(),
        name: Some(NAME.into()),
        correction: None,
    };
    let view = admin.file_privacy(&access).await.expect("file");
    assert_eq!(view.server_records.get("accounts"), Some(&1));
    assert_eq!(view.server_records.get("users"), Some(&1));
    let laptop_export = serde_json::json!({"intelligence": [{"value": NAME,
        "source": "linkedin", "fetched_at": "2026-11-01T00:00:00Z"}]});
    let report = PrivacyReport {
        records: BTreeMap::from([("intelligence".to_owned(), 1)]),
        export: Some(laptop_export.clone()),
    };
    let status = admin
        .report_privacy(view.id, &report)
        .await
        .expect("report");
    assert_eq!(
        status,
        PrivacyStatus::Completed,
        "the admin's is the only laptop"
    );
    let export = admin.privacy_export(view.id).await.expect("export");
    let findings = export["server"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let tables: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["table"].as_str())
        .collect();
    assert_eq!(tables, vec!["accounts", "users"], "{export}");
    assert_eq!(
        findings[0]["value"],
        format!("Call {NAME} about the renewal")
    );
    assert_eq!(
        export["laptops"][0]["export"], laptop_export,
        "as the laptop sent it"
    );
    let held = store.account(ids[0]).await.expect("account").expect("kept");
    assert!(
        held.deal_intel
            .and_then(|d| d.notes)
            .is_some_and(|n| n.contains(NAME)),
        "access changes nothing"
    );

    let rectify = PrivacyRequestInput {
        kind: PrivacyKind::Rectification,
        correction: Some(pf_core::Correction {
            name: Some("Jane Smith".into()),
            ..pf_core::Correction::default()
        }),
        ..access
    };
    let filed = admin.file_privacy(&rectify).await.expect("rectify");
    let erasure_export = admin
        .privacy_export(filed.id)
        .await
        .expect_err("not an access request");
    assert_eq!(
        code(&erasure_export),
        (Some(400), Some("privacy.bad_request"))
    );
    let held = store.account(ids[0]).await.expect("account").expect("kept");
    let notes = held.deal_intel.and_then(|d| d.notes).unwrap_or_default();
    assert_eq!(notes, "Call Jane Smith about the renewal");
    let me = admin.me().await.expect("me");
    assert_eq!(me.display_name.as_deref(), Some("Jane Smith"));
}

async fn purge_removes_old_usage_and_is_audited(backend: TestBackend) {
    let server = TestServer::start_on(backend).await.expect("server");
    let store = server.store.as_ref();
    let admin = server
        .client(&user(store, "admin@t.test", Role::Admin, None).await)
        .expect("c");
    admin
        .put_retention(&RetentionPolicy {
            usage_days: 30,
            ..RetentionPolicy::default()
        })
        .await
        .expect("retention");
    let now = OffsetDateTime::now_utc();
    let record = |at| UsageRecord {
        id: pf_sync::UsageId::new(),
        source: "builtwith".into(),
        endpoint: "domain".into(),
        domain: None,
        cost_micros: 0,
        status: "ok".into(),
        duration_ms: 1,
        at,
        reservation: None,
    };
    let records = vec![record(now - Duration::days(45)), record(now)];
    store
        .record_usage(uid("admin@t.test"), None, records, now)
        .await
        .expect("usage");
    let purged = pf_server::retention::purge_once(store)
        .await
        .expect("purge");
    assert_eq!(purged.usage, 1, "{purged:?}");
    let log = admin.audit(&AuditQuery::default()).await.expect("audit");
    let changed = log.iter().find(|e| e.action == "retention.change");
    assert_eq!(
        changed.and_then(|e| e.actor.clone()),
        Some(uid("admin@t.test"))
    );
    let purge = log
        .iter()
        .find(|e| e.action == "retention.purge")
        .expect("audited");
    assert_eq!(purge.actor, None);
    assert_eq!(purge.detail["usage"], 1);
}

on_both_backends!(
    access_exports_and_rectification_corrects,
    purge_removes_old_usage_and_is_audited,
);
