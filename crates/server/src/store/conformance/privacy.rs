//! Conformance checks for privacy requests, the audit log and the retention purge: an erasure
//! acts on the server's own rows at filing, reaches every expected laptop through the feed,
//! completes once they all reported and then holds the subject only masked; reports are checked;
//! the audit log is filtered and never holds the subject; the purge deletes old usage and is
//! audited.

use pf_core::{PrivacyKind, PrivacyStatus, Role, UserId};
use pf_sync::{
    AccountAttrs, AccountInput, AuditQuery, DealIntel, PrivacyReport, PrivacyRequestInput,
    RetentionPolicy, UsageRecord, UserInput,
};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

use super::{pull, uid};
use crate::ServerError;
use crate::auth;
use crate::store::{FeedItem, Result, ServerStore, StoredToken};

const EMAIL: &str = "jane.doe@acme.com";
const NAME: &str = "Jane Doe";

/// Runs every check here, each on a fresh store.
pub async fn privacy_checks<S: ServerStore>(make: &impl Fn() -> S) -> Result<()> {
    erasure_reaches_every_laptop_then_forgets_the_subject(make()).await?;
    privacy_reports_are_checked(make()).await?;
    audit_log_is_filtered_and_purge_is_audited(make()).await
}

/// A user with one token (one laptop); the token's id.
async fn laptop<S: ServerStore + ?Sized>(store: &S, id: &str, role: Role) -> Result<String> {
    store
        .put_user(UserInput {
            id: uid(id),
            role,
            team: None,
            display_name: None,
        })
        .await?;
    token(store, uid(id)).await
}

async fn token<S: ServerStore + ?Sized>(store: &S, user: UserId) -> Result<String> {
    let t = auth::generate();
    store
        .insert_token(StoredToken {
            id: t.id.clone(),
            user,
            hash: t.hash.to_vec(),
            expires_at: None,
        })
        .await?;
    Ok(t.id)
}

fn erasure() -> PrivacyRequestInput {
    PrivacyRequestInput {
        kind: PrivacyKind::Erasure,
        email: EMAIL.into(),
        name: Some(NAME.into()),
        correction: None,
    }
}

fn report() -> PrivacyReport {
    PrivacyReport {
        records: BTreeMap::from([("intelligence".to_owned(), 2)]),
        export: None,
    }
}

pub async fn erasure_reaches_every_laptop_then_forgets_the_subject<S: ServerStore>(
    store: S,
) -> Result<()> {
    let admin = laptop(&store, "admin@t", Role::Admin).await?;
    let ana = laptop(&store, "ana@t", Role::Ae).await?;
    store
        .put_user(UserInput {
            id: uid("jd@t"),
            role: Role::Viewer,
            team: None,
            display_name: Some(NAME.into()),
        })
        .await?;
    let notes = format!("Met {NAME} ({EMAIL}) at the summit; renewal in May");
    let ids = store
        .put_accounts(vec![AccountInput {
            domain: pf_core::Domain::parse("acme.com")
                .map_err(|e| ServerError::Invalid(e.to_string()))?,
            name: "Acme".into(),
            attrs: AccountAttrs::default(),
            deal_intel: Some(DealIntel {
                notes: Some(notes),
                incumbent_vendor: Some("Algolia".into()),
                ..DealIntel::default()
            }),
        }])
        .await?;
    let (_, ana_cursor) = pull(&store, "ana@t", 0).await?;
    let now = OffsetDateTime::now_utc();
    let view = store.file_privacy(erasure(), uid("admin@t"), now).await?;
    assert_eq!(view.status, PrivacyStatus::Processing);
    assert!(
        view.subject.contains(EMAIL),
        "open: in clear: {}",
        view.subject
    );
    assert_eq!(view.server_records.get("accounts"), Some(&1));
    assert_eq!(view.server_records.get("users"), Some(&1));
    assert_eq!(view.laptops.len(), 2, "{:?}", view.laptops);
    let intel = store.account(ids[0]).await?.and_then(|a| a.deal_intel);
    let intel = serde_json::to_string(&intel).unwrap_or_default();
    assert!(!intel.contains("Jane") && !intel.contains(EMAIL), "{intel}");
    assert!(intel.contains("Algolia"), "the rest stays: {intel}");
    let users = store.list_users().await?;
    let jd = users.iter().find(|u| u.id == uid("jd@t"));
    assert_eq!(jd.and_then(|u| u.display_name.clone()), None);
    let (items, ana_cursor2) = pull(&store, "ana@t", ana_cursor).await?;
    let order = items.iter().find_map(|i| match i {
        FeedItem::PrivacyOrder(o) => Some(o.clone()),
        _ => None,
    });
    let order = order.unwrap_or_else(|| panic!("ana gets the order: {items:?}"));
    assert_eq!((order.id, order.email.as_str()), (view.id, EMAIL));
    let status = store
        .report_privacy(view.id, ana.clone(), report(), now)
        .await?;
    assert_eq!(
        status,
        PrivacyStatus::Processing,
        "the admin's laptop has not reported"
    );
    let again = store.report_privacy(view.id, ana, report(), now).await?;
    assert_eq!(
        again,
        PrivacyStatus::Processing,
        "a second report changes nothing"
    );
    let status = store.report_privacy(view.id, admin, report(), now).await?;
    assert_eq!(status, PrivacyStatus::Completed);
    let done = store
        .privacy_request(view.id)
        .await?
        .unwrap_or_else(|| panic!("request listed"));
    assert_eq!(done.status, PrivacyStatus::Completed);
    assert!(done.completed_at.is_some());
    assert!(
        !done.subject.contains("jane") && !done.subject.contains(NAME),
        "{}",
        done.subject
    );
    assert!(done.laptops.iter().all(|l| l.reported_at.is_some()));
    let (items, _) = pull(&store, "ana@t", ana_cursor2).await?;
    assert!(
        items.contains(&FeedItem::PrivacyOrderRemoved(view.id)),
        "the order is withdrawn: {items:?}"
    );
    let log = serde_json::to_string(&store.audit(AuditQuery::default()).await?)
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        log.contains("privacy.file") && log.contains("privacy.complete"),
        "{log}"
    );
    assert!(!log.contains("jane") && !log.contains("acme.com"), "{log}");
    Ok(())
}

pub async fn privacy_reports_are_checked<S: ServerStore>(store: S) -> Result<()> {
    let admin = uid("admin@t");
    laptop(&store, "admin@t", Role::Admin).await?;
    let ana = laptop(&store, "ana@t", Role::Ae).await?;
    let bo = laptop(&store, "bo@t", Role::Ae).await?;
    let now = OffsetDateTime::now_utc();
    let bad = PrivacyRequestInput {
        email: "not an address".into(),
        ..erasure()
    };
    let bad = store.file_privacy(bad, admin.clone(), now).await;
    assert!(
        matches!(bad, Err(ServerError::PrivacyBadRequest(_))),
        "{bad:?}"
    );
    let rect = PrivacyRequestInput {
        kind: PrivacyKind::Rectification,
        ..erasure()
    };
    let rect = store.file_privacy(rect, admin.clone(), now).await;
    assert!(
        matches!(rect, Err(ServerError::PrivacyBadRequest(_))),
        "no correction: {rect:?}"
    );
    let view = store.file_privacy(erasure(), admin.clone(), now).await?;
    let late = token(&store, uid("ana@t")).await?;
    let r = store.report_privacy(view.id, late, report(), now).await;
    assert!(
        matches!(r, Err(ServerError::PrivacyNotExpected(_))),
        "a later token: {r:?}"
    );
    let other = pf_core::PrivacyRequestId::new();
    let r = store
        .report_privacy(other, ana.clone(), report(), now)
        .await;
    assert!(matches!(r, Err(ServerError::PrivacyNotFound(_))), "{r:?}");
    store.report_privacy(view.id, ana, report(), now).await?;
    store.report_privacy(view.id, bo, report(), now).await?;
    let open = store.privacy_request(view.id).await?.map(|v| v.status);
    assert_eq!(
        open,
        Some(PrivacyStatus::Processing),
        "the admin's laptop is still expected"
    );
    store.deactivate_user(admin).await?;
    let done = store.privacy_request(view.id).await?.map(|v| v.status);
    assert_eq!(
        done,
        Some(PrivacyStatus::Completed),
        "a deleted user's laptop no longer counts"
    );
    Ok(())
}

fn usage(at: OffsetDateTime) -> UsageRecord {
    UsageRecord {
        id: pf_sync::UsageId::new(),
        source: "builtwith".into(),
        endpoint: "domain".into(),
        domain: None,
        cost_micros: 0,
        status: "ok".into(),
        duration_ms: 5,
        at,
        reservation: None,
    }
}

pub async fn audit_log_is_filtered_and_purge_is_audited<S: ServerStore>(store: S) -> Result<()> {
    use crate::store::AuditRecord;
    let ana = uid("ana@t");
    for (who, action) in [
        (Some(&ana), "budget.change"),
        (None, "x.other"),
        (Some(&ana), "x.other"),
    ] {
        let detail = serde_json::json!({"n": 1});
        store
            .append_audit(AuditRecord::new(who, action, "team:t", detail))
            .await?;
    }
    let all = store.audit(AuditQuery::default()).await?;
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq), "oldest first");
    let q = |action: Option<&str>, actor: Option<&str>, since: Option<u64>| AuditQuery {
        since,
        action: action.map(str::to_owned),
        actor: actor.map(str::to_owned),
        limit: None,
    };
    assert_eq!(store.audit(q(Some("x.other"), None, None)).await?.len(), 2);
    assert_eq!(store.audit(q(None, Some("ana@t"), None)).await?.len(), 2);
    assert_eq!(store.audit(q(None, None, Some(all[1].seq))).await?.len(), 1);
    let limited = AuditQuery {
        limit: Some(1),
        ..AuditQuery::default()
    };
    assert_eq!(store.audit(limited).await?.len(), 1);
    store
        .put_retention(RetentionPolicy {
            usage_days: 30,
            ..RetentionPolicy::default()
        })
        .await?;
    let now = OffsetDateTime::now_utc();
    let records = vec![
        usage(now - Duration::days(60)),
        usage(now - Duration::days(1)),
    ];
    store.record_usage(ana, None, records, now).await?;
    let purged = store.purge(now).await?;
    assert_eq!(
        purged.usage, 1,
        "only the record older than 30 days: {purged:?}"
    );
    let again = store.purge(now).await?;
    assert_eq!(again.usage, 0, "the recent record stays");
    let log = store.audit(q(Some("retention.purge"), None, None)).await?;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].actor, None, "the system purges");
    assert_eq!(log[0].detail["usage"], 1);
    Ok(())
}
