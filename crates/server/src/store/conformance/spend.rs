//! Conformance checks for spend: reservations under the hard cap (also concurrently), alerts,
//! idempotent usage, and lease windows.

use pf_sync::{BudgetInput, SourceLimit, UsageId, UsageRecord};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

use super::{pull, uid};
use crate::ServerError;
use crate::store::{FeedItem, ReserveArgs, Result, ServerStore, SettleArgs};
use crate::testing::{Org, seed_org};

fn budget(cap: u64) -> BudgetInput {
    BudgetInput {
        monthly_limit_micros: cap,
        alert_threshold_pct: 80,
        hard_cap_micros: cap,
        offline_allowance_micros: 5,
    }
}

fn hold(org: &Org, user: &str, amount: u64, now: OffsetDateTime) -> ReserveArgs {
    ReserveArgs {
        team: org.team_a,
        user: uid(user),
        source: "builtwith".into(),
        endpoint: "domain".into(),
        amount_micros: amount,
        ttl_secs: 60,
        now,
    }
}

fn settle(
    r: pf_sync::ReservationId,
    user: &str,
    actual: Option<u64>,
    now: OffsetDateTime,
) -> SettleArgs {
    SettleArgs {
        reservation: r,
        user: uid(user),
        by_admin: false,
        actual_micros: actual,
        now,
    }
}

pub async fn reservations_respect_the_hard_cap<S: ServerStore>(store: S) -> Result<()> {
    let org = seed_org(&store).await?;
    let now = OffsetDateTime::now_utc();
    let none = store.reserve(hold(&org, "ae@a.test", 1, now)).await;
    assert!(
        matches!(none, Err(ServerError::NoBudget)),
        "no budget yet: {none:?}"
    );
    store.put_budget(org.team_a, budget(10)).await?;
    let a = store.reserve(hold(&org, "ae@a.test", 6, now)).await?;
    assert_eq!(a.remaining_micros, 4);
    let over = store.reserve(hold(&org, "ae@a.test", 5, now)).await;
    assert!(
        matches!(over, Err(ServerError::OverCap { available: 4, .. })),
        "{over:?}"
    );
    let other = store.settle(settle(a.id, "sdr@a.test", None, now)).await;
    assert!(
        matches!(other, Err(ServerError::Denied(_))),
        "another user settles: {other:?}"
    );
    let too_much = store.settle(settle(a.id, "ae@a.test", Some(7), now)).await;
    assert!(
        matches!(too_much, Err(ServerError::Invalid(_))),
        "{too_much:?}"
    );
    let s = store
        .settle(settle(a.id, "ae@a.test", Some(3), now))
        .await?;
    assert_eq!((s.charged_micros, s.spent_micros), (3, 3));
    let again = store.settle(settle(a.id, "ae@a.test", None, now)).await;
    assert!(
        matches!(again, Err(ServerError::ReservationGone(_))),
        "settled twice: {again:?}"
    );
    let b = store.reserve(hold(&org, "ae@a.test", 7, now)).await?;
    assert_eq!(b.remaining_micros, 0);
    let later = now + Duration::seconds(61);
    let expired = store
        .settle(settle(b.id, "ae@a.test", Some(7), later))
        .await;
    assert!(
        matches!(expired, Err(ServerError::ReservationGone(_))),
        "{expired:?}"
    );
    let c = store.reserve(hold(&org, "ae@a.test", 7, later)).await?;
    assert_eq!(c.remaining_micros, 0, "an expired hold no longer counts");
    Ok(())
}

pub async fn alert_threshold_reaches_the_manager<S: ServerStore>(store: S) -> Result<()> {
    let org = seed_org(&store).await?;
    store
        .put_budget(
            org.team_a,
            BudgetInput {
                monthly_limit_micros: 100,
                alert_threshold_pct: 80,
                hard_cap_micros: 200,
                offline_allowance_micros: 0,
            },
        )
        .await?;
    let (_, m_cursor) = pull(&store, "manager@a.test", 0).await?;
    let (_, a_cursor) = pull(&store, "ae@a.test", 0).await?;
    let now = OffsetDateTime::now_utc();
    let r = store.reserve(hold(&org, "ae@a.test", 50, now)).await?;
    assert!(
        !store
            .settle(settle(r.id, "ae@a.test", Some(50), now))
            .await?
            .crossed_alert
    );
    let r = store.reserve(hold(&org, "ae@a.test", 35, now)).await?;
    assert!(
        store
            .settle(settle(r.id, "ae@a.test", Some(35), now))
            .await?
            .crossed_alert,
        "85 of 100 crosses 80%"
    );
    let r = store.reserve(hold(&org, "ae@a.test", 5, now)).await?;
    assert!(
        !store
            .settle(settle(r.id, "ae@a.test", Some(5), now))
            .await?
            .crossed_alert,
        "alerted once a month"
    );
    let (items, _) = pull(&store, "manager@a.test", m_cursor).await?;
    let alerts: Vec<_> = items
        .iter()
        .filter(|i| matches!(i, FeedItem::BudgetAlert(_)))
        .collect();
    assert_eq!(alerts.len(), 1, "the manager gets one alert: {items:?}");
    assert!(
        items
            .iter()
            .any(|i| matches!(i, FeedItem::Budget(b) if b.spent_micros == 90))
    );
    let (items, _) = pull(&store, "ae@a.test", a_cursor).await?;
    assert!(
        !items
            .iter()
            .any(|i| matches!(i, FeedItem::BudgetAlert(_) | FeedItem::Budget(_))),
        "AEs see no budget"
    );
    let (items, _) = pull(&store, "manager@b.test", 0).await?;
    assert!(
        !items
            .iter()
            .any(|i| matches!(i, FeedItem::BudgetAlert(_) | FeedItem::Budget(_))),
        "nor other teams"
    );
    Ok(())
}

pub async fn usage_is_idempotent<S: ServerStore>(store: S) -> Result<()> {
    let org = seed_org(&store).await?;
    store.put_budget(org.team_a, budget(1_000)).await?;
    let now = OffsetDateTime::now_utc();
    let records: Vec<UsageRecord> = (0..3)
        .map(|i| UsageRecord {
            id: UsageId::new(),
            source: "similarweb".into(),
            endpoint: "traffic".into(),
            domain: Some("zalando.de".into()),
            cost_micros: 10 * (i + 1),
            status: "ok".into(),
            duration_ms: 120,
            at: now,
            reservation: None,
        })
        .collect();
    let first = store
        .record_usage(uid("ae@a.test"), Some(org.team_a), records.clone(), now)
        .await?;
    assert_eq!((first.accepted, first.duplicates), (3, 0));
    let again = store
        .record_usage(uid("ae@a.test"), Some(org.team_a), records, now)
        .await?;
    assert_eq!(
        (again.accepted, again.duplicates),
        (0, 3),
        "a retried push counts nothing twice"
    );
    let b = store
        .budgets(now)
        .await?
        .into_iter()
        .find(|b| b.team == org.team_a);
    assert_eq!(
        b.map(|b| b.spent_micros),
        Some(60),
        "offline spend counted once"
    );
    Ok(())
}

pub async fn leases_respect_the_window_limit<S: ServerStore>(store: S) -> Result<()> {
    store
        .put_limit(SourceLimit {
            source: "builtwith".into(),
            max_calls: 10,
            window_secs: 60,
        })
        .await?;
    let t0 =
        OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut granted = Vec::new();
    for _ in 0..4 {
        granted.push(
            store
                .lease(uid("a@t"), "builtwith".into(), 4, t0)
                .await?
                .granted,
        );
    }
    assert_eq!(granted, vec![4, 4, 2, 0]);
    let empty = store.lease(uid("a@t"), "builtwith".into(), 1, t0).await?;
    assert!(
        empty
            .retry_after_ms
            .is_some_and(|ms| ms > 0 && ms <= 60_000)
    );
    let next = store
        .lease(
            uid("a@t"),
            "builtwith".into(),
            4,
            t0 + Duration::seconds(60),
        )
        .await?;
    assert_eq!(next.granted, 4, "a new window has a new allowance");
    let free = store.lease(uid("a@t"), "website".into(), 50, t0).await?;
    assert_eq!(
        (free.granted, free.limit),
        (50, None),
        "unlimited sources grant what is asked"
    );
    Ok(())
}

/// 20 concurrent reservations of 1 against a hard cap of 7: exactly 7 granted.
pub async fn concurrent_reservations_never_overspend<S: ServerStore>(store: Arc<S>) -> Result<()> {
    let org = seed_org(store.as_ref()).await?;
    store.put_budget(org.team_a, budget(7)).await?;
    let now = OffsetDateTime::now_utc();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (store, args) = (Arc::clone(&store), hold(&org, "ae@a.test", 1, now));
            tokio::spawn(async move { store.reserve(args).await })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        match t.await.map_err(|e| ServerError::Internal(e.to_string()))? {
            Ok(_) => granted += 1,
            Err(ServerError::OverCap { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    assert_eq!(
        granted, 7,
        "granted {granted} reservations of 1 under a cap of 7"
    );
    Ok(())
}
