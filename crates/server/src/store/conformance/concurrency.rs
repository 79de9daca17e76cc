//! Conformance checks under concurrency: a reader pulling with cursors while writers commit
//! never skips a change (sequence order is commit order), users and accounts added at the same
//! time all meet in the feed, concurrent pushes of the same usage count once, and concurrent
//! leases never hand out more than a window's limit.

use pf_core::Domain;
use pf_core::Role;
use pf_sync::{
    AccountAttrs, AccountInput, BudgetInput, PriceEntry, SourceLimit, UsageId, UsageRecord,
    UserInput,
};
use std::collections::HashSet;
use std::sync::Arc;
use time::OffsetDateTime;

use super::uid;
use crate::ServerError;
use crate::store::{FeedItem, Result, ServerStore};
use crate::testing::seed_org;

fn joined<T>(r: std::result::Result<T, tokio::task::JoinError>) -> Result<T> {
    r.map_err(|e| ServerError::Internal(e.to_string()))
}

/// 4 writers x 25 price changes while a reader pulls pages of 3 from its cursor: every price
/// arrives, none is skipped by a cursor that moved past a sequence committed later.
pub async fn concurrent_writes_never_skip_a_cursor<S: ServerStore>(store: Arc<S>) -> Result<()> {
    store
        .put_user(UserInput {
            id: uid("ae@t"),
            role: Role::Ae,
            team: None,
            display_name: None,
        })
        .await?;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                for n in 0..25 {
                    store
                        .put_price(PriceEntry {
                            source: format!("source{w}"),
                            endpoint: format!("endpoint{n}"),
                            price_micros: 1,
                        })
                        .await?;
                }
                Ok::<_, ServerError>(())
            })
        })
        .collect();
    let reader = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let (mut cursor, mut seen, mut pulls) = (0u64, HashSet::new(), 0u32);
            while seen.len() < 100 && pulls < 100_000 {
                let page = store.changes(uid("ae@t"), cursor, 3).await?;
                for (seq, item) in page.entries {
                    assert!(seq > cursor, "seq {seq} at or before the cursor {cursor}");
                    if let FeedItem::Price(p) = item {
                        seen.insert(format!("{}/{}", p.source, p.endpoint));
                    }
                }
                cursor = page.next;
                pulls += 1;
                if !page.more {
                    tokio::task::yield_now().await;
                }
            }
            Ok::<_, ServerError>((seen, cursor))
        })
    };
    for w in writers {
        joined(w.await)??;
    }
    let (mut seen, cursor) = joined(reader.await)??;
    // Whatever the reader had not reached when it stopped comes after its cursor.
    let (rest, _) = super::pull(store.as_ref(), "ae@t", cursor).await?;
    for item in rest {
        if let FeedItem::Price(p) = item {
            seen.insert(format!("{}/{}", p.source, p.endpoint));
        }
    }
    assert_eq!(
        seen.len(),
        100,
        "prices seen through cursors: {}",
        seen.len()
    );
    Ok(())
}

/// Admins created while accounts are added, all at once: every admin ends up with every account
/// (a writer that decided audiences before another committed would leave someone out).
pub async fn concurrent_users_and_accounts_all_meet<S: ServerStore>(store: Arc<S>) -> Result<()> {
    let mut tasks = Vec::new();
    for n in 0..6 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            if n % 2 == 0 {
                let input = UserInput {
                    id: uid(&format!("admin{n}@t")),
                    role: Role::Admin,
                    team: None,
                    display_name: None,
                };
                store.put_user(input).await.map(|_| ())
            } else {
                let accounts = (0..20)
                    .map(|i| {
                        let domain = Domain::parse(&format!("a{n}x{i}.com"))
                            .map_err(|e| ServerError::Invalid(e.to_string()))?;
                        Ok(AccountInput {
                            domain,
                            name: format!("A{n} {i}"),
                            attrs: AccountAttrs::default(),
                            deal_intel: None,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                store.put_accounts(accounts).await.map(|_| ())
            }
        }));
    }
    for t in tasks {
        joined(t.await)??;
    }
    for n in [0, 2, 4] {
        let (items, _) = super::pull(store.as_ref(), &format!("admin{n}@t"), 0).await?;
        let got = super::applied(&items).len();
        assert_eq!(got, 60, "admin{n} holds {got} of the 60 accounts");
    }
    Ok(())
}

/// The same batch of usage pushed by 8 clients at once counts once.
pub async fn concurrent_usage_pushes_count_once<S: ServerStore>(store: Arc<S>) -> Result<()> {
    let org = seed_org(store.as_ref()).await?;
    let budget = BudgetInput {
        monthly_limit_micros: 1_000_000,
        alert_threshold_pct: 80,
        hard_cap_micros: 1_000_000,
        offline_allowance_micros: 0,
    };
    store.put_budget(org.team_a, budget).await?;
    let now = OffsetDateTime::now_utc();
    let records: Vec<UsageRecord> = (0..20)
        .map(|_| UsageRecord {
            id: UsageId::new(),
            source: "similarweb".into(),
            endpoint: "traffic".into(),
            domain: None,
            cost_micros: 100,
            status: "ok".into(),
            duration_ms: 10,
            at: now,
            reservation: None,
        })
        .collect();
    let pushes: Vec<_> = (0..8)
        .map(|_| {
            let (store, records) = (Arc::clone(&store), records.clone());
            let team = Some(org.team_a);
            tokio::spawn(async move {
                store
                    .record_usage(uid("ae@a.test"), team, records, now)
                    .await
            })
        })
        .collect();
    let mut accepted = 0;
    for p in pushes {
        let ack = joined(p.await)??;
        assert_eq!(ack.accepted + ack.duplicates, 20);
        accepted += ack.accepted;
    }
    assert_eq!(accepted, 20, "each record accepted once across all pushes");
    let spent = store
        .budgets(now)
        .await?
        .into_iter()
        .find(|b| b.team == org.team_a)
        .map(|b| b.spent_micros);
    assert_eq!(spent, Some(2_000), "counted once");
    Ok(())
}

/// 20 concurrent leases of 3 calls against a limit of 25 per window: exactly 25 granted.
pub async fn concurrent_leases_stay_under_the_limit<S: ServerStore>(store: Arc<S>) -> Result<()> {
    store
        .put_limit(SourceLimit {
            source: "builtwith".into(),
            max_calls: 25,
            window_secs: 86_400,
        })
        .await?;
    let now = OffsetDateTime::now_utc();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.lease(uid("a@t"), "builtwith".into(), 3, now).await })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        granted += joined(t.await)??.granted;
    }
    assert_eq!(granted, 25, "granted {granted} calls under a limit of 25");
    Ok(())
}
