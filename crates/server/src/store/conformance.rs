//! The storage conformance suite: what every [`ServerStore`] must do, written once against the
//! trait and run on SQLite and PostgreSQL by `tests/store_conformance.rs` (fresh store each).

mod concurrency;
mod privacy;
mod spend;

pub use concurrency::{
    concurrent_leases_stay_under_the_limit, concurrent_usage_pushes_count_once,
    concurrent_users_and_accounts_all_meet, concurrent_writes_never_skip_a_cursor,
};
pub use privacy::*;
pub use spend::{
    alert_threshold_reaches_the_manager, concurrent_reservations_never_overspend,
    leases_respect_the_window_limit, reservations_respect_the_hard_cap, usage_is_idempotent,
};

use pf_core::{Role, UserId};
use pf_sync::{AssignmentInput, PriceEntry, TerritoryInput, TerritoryRule, UserInput};
use std::sync::Arc;

use super::{FeedItem, Result, ServerStore};
use crate::ServerError;
use crate::testing::{Org, seed_org};

pub(crate) fn uid(s: &str) -> UserId {
    UserId::new(s).unwrap_or_else(|e| panic!("bad test user id {s}: {e}"))
}

/// Every entry of `user`'s feed after `since`, pulled in pages of 2, and the final cursor.
pub async fn pull<S: ServerStore + ?Sized>(
    store: &S,
    user: &str,
    since: u64,
) -> Result<(Vec<FeedItem>, u64)> {
    let mut cursor = since;
    let mut items = Vec::new();
    loop {
        let page = store.changes(uid(user), cursor, 2).await?;
        assert!(page.next >= cursor, "cursor went backwards");
        items.extend(page.entries.into_iter().map(|(_, i)| i));
        cursor = page.next;
        if !page.more {
            return Ok((items, cursor));
        }
    }
}

/// The domains of the accounts in `items`, sorted.
pub fn domains(items: &[FeedItem]) -> Vec<String> {
    let mut d: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            FeedItem::Account(a) => Some(a.domain.to_string()),
            _ => None,
        })
        .collect();
    d.sort();
    d
}

/// The domains a client holds after applying `items` in order (removals drop accounts).
pub fn applied(items: &[FeedItem]) -> Vec<String> {
    let mut held = std::collections::BTreeMap::new();
    for i in items {
        match i {
            FeedItem::Account(a) => {
                held.insert(a.id, a.domain.to_string());
            }
            FeedItem::AccountRemoved(id) => {
                held.remove(id);
            }
            _ => {}
        }
    }
    let mut d: Vec<String> = held.into_values().collect();
    d.sort();
    d
}

fn removed(items: &[FeedItem]) -> Vec<pf_core::AccountId> {
    items
        .iter()
        .filter_map(|i| match i {
            FeedItem::AccountRemoved(id) => Some(*id),
            _ => None,
        })
        .collect()
}

/// Runs every check, each on a fresh store from `make`.
pub async fn conformance<S: ServerStore>(make: impl Fn() -> S) {
    for (name, result) in [
        ("users_and_tokens", users_and_tokens(make()).await),
        (
            "feed_follows_roles_and_territories",
            feed_follows_roles_and_territories(make()).await,
        ),
        (
            "reassignment_sends_a_removal",
            reassignment_sends_a_removal(make()).await,
        ),
        (
            "no_change_pull_and_cursors",
            no_change_pull_and_cursors(make()).await,
        ),
        (
            "territory_change_rederives_accounts",
            territory_change_rederives_accounts(make()).await,
        ),
        (
            "reservations_respect_the_hard_cap",
            reservations_respect_the_hard_cap(make()).await,
        ),
        (
            "alert_threshold_reaches_the_manager",
            alert_threshold_reaches_the_manager(make()).await,
        ),
        ("usage_is_idempotent", usage_is_idempotent(make()).await),
        (
            "leases_respect_the_window_limit",
            leases_respect_the_window_limit(make()).await,
        ),
        (
            "settings_reach_their_audience",
            settings_reach_their_audience(make()).await,
        ),
        (
            "concurrent_reservations_never_overspend",
            concurrent_reservations_never_overspend(Arc::new(make())).await,
        ),
        (
            "concurrent_writes_never_skip_a_cursor",
            concurrent_writes_never_skip_a_cursor(Arc::new(make())).await,
        ),
        (
            "concurrent_users_and_accounts_all_meet",
            concurrent_users_and_accounts_all_meet(Arc::new(make())).await,
        ),
        (
            "concurrent_usage_pushes_count_once",
            concurrent_usage_pushes_count_once(Arc::new(make())).await,
        ),
        (
            "concurrent_leases_stay_under_the_limit",
            concurrent_leases_stay_under_the_limit(Arc::new(make())).await,
        ),
        ("privacy_checks", privacy_checks(&make).await),
    ] {
        if let Err(e) = result {
            panic!("conformance check {name} failed: {e}");
        }
    }
}

pub async fn users_and_tokens<S: ServerStore>(store: S) -> Result<()> {
    let team = store.create_team("A".into()).await?;
    let bad = store
        .put_user(UserInput {
            id: uid("x@t"),
            role: Role::Ae,
            team: Some(pf_core::TeamId::new()),
            display_name: None,
        })
        .await;
    assert!(
        matches!(bad, Err(ServerError::Invalid(_))),
        "a user in an unknown team: {bad:?}"
    );
    let u = store
        .put_user(UserInput {
            id: uid("ana@t"),
            role: Role::Ae,
            team: Some(team.id),
            display_name: Some("Ana".into()),
        })
        .await?;
    assert!(u.active && u.team == Some(team.id));
    let t = crate::issue_token(&store, uid("ana@t"), Default::default()).await?;
    let id = crate::auth::token_id(&t.token)
        .map(str::to_owned)
        .unwrap_or_default();
    let grant = store
        .find_token(id.clone())
        .await?
        .unwrap_or_else(|| panic!("token not found"));
    assert!(
        crate::auth::matches(&t.token, &grant.token.hash),
        "stored hash does not match"
    );
    assert_eq!(
        grant.actor.map(|a| (a.role, a.team)),
        Some((Role::Ae, Some(team.id)))
    );
    assert!(store.find_token("0000000000000000".into()).await?.is_none());
    let me = store
        .me(uid("ana@t"))
        .await?
        .unwrap_or_else(|| panic!("no me"));
    assert_eq!(me.team_name.as_deref(), Some("A"));
    store.deactivate_user(uid("ana@t")).await?;
    assert!(
        store.find_token(id).await?.is_none(),
        "a deactivated user's tokens still work"
    );
    assert!(store.me(uid("ana@t")).await?.is_none());
    let dup = store.create_team("A".into()).await;
    assert!(
        matches!(dup, Err(ServerError::Conflict(_))),
        "duplicate team name: {dup:?}"
    );
    Ok(())
}

pub async fn feed_follows_roles_and_territories<S: ServerStore>(store: S) -> Result<()> {
    seed_org(&store).await?;
    let expect = [
        (
            "admin@a.test",
            vec!["costco.com", "nobody.io", "tesco.co.uk", "zalando.de"],
        ),
        ("manager@a.test", vec!["tesco.co.uk", "zalando.de"]),
        ("ae@a.test", vec!["tesco.co.uk", "zalando.de"]),
        ("sdr@a.test", vec!["tesco.co.uk", "zalando.de"]),
        ("viewer@a.test", vec!["zalando.de"]),
        ("ae@b.test", vec!["costco.com", "tesco.co.uk"]),
        ("manager@b.test", vec!["costco.com", "tesco.co.uk"]),
    ];
    for (user, want) in expect {
        let (items, _) = pull(&store, user, 0).await?;
        assert_eq!(
            applied(&items),
            want,
            "accounts in {user}'s feed, applied in order"
        );
        let mes = items
            .iter()
            .filter(|i| matches!(i, FeedItem::Me(_)))
            .count();
        assert_eq!(mes, 1, "{user} gets their identity once");
    }
    Ok(())
}

pub async fn reassignment_sends_a_removal<S: ServerStore>(store: S) -> Result<()> {
    let org: Org = seed_org(&store).await?;
    let nobody = org.accounts["nobody.io"];
    let (_, cursor) = pull(&store, "ae@a.test", 0).await?;
    let assign = |owner: &str| AssignmentInput {
        account: nobody,
        owner: Some(uid(owner)),
    };
    store
        .assign(assign("ae@a.test"), Box::new(|_, _| true))
        .await?;
    let (items, cursor) = pull(&store, "ae@a.test", cursor).await?;
    assert_eq!(
        domains(&items),
        vec!["nobody.io"],
        "assigned account arrives"
    );
    let refused = store
        .assign(assign("ae@b.test"), Box::new(|_, _| false))
        .await;
    assert!(
        matches!(refused, Err(ServerError::Denied(_))),
        "the guard is obeyed: {refused:?}"
    );
    store
        .assign(assign("ae@b.test"), Box::new(|_, _| true))
        .await?;
    let (items, _) = pull(&store, "ae@a.test", cursor).await?;
    assert_eq!(removed(&items), vec![nobody], "reassigned away: a removal");
    assert!(domains(&items).is_empty());
    let (items, _) = pull(&store, "ae@b.test", 0).await?;
    assert!(
        domains(&items).contains(&"nobody.io".to_owned()),
        "the new owner gets it"
    );
    Ok(())
}

pub async fn no_change_pull_and_cursors<S: ServerStore>(store: S) -> Result<()> {
    seed_org(&store).await?;
    let (all, head) = pull(&store, "admin@a.test", 0).await?;
    assert!(
        all.len() >= 7,
        "admin sees accounts, territories, identity, retention"
    );
    let page = store.changes(uid("admin@a.test"), head, 100).await?;
    assert!(
        page.entries.is_empty() && !page.more && page.next == head,
        "a no-change pull: {page:?}"
    );
    let ahead = store
        .changes(uid("admin@a.test"), head + 1_000_000, 10)
        .await;
    assert!(
        matches!(ahead, Err(ServerError::BadCursor(_))),
        "a cursor from the future: {ahead:?}"
    );
    let first = store.changes(uid("admin@a.test"), 0, 3).await?;
    assert!(first.more && first.entries.len() == 3);
    let seqs: Vec<u64> = first.entries.iter().map(|e| e.0).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "seqs increase within a page"
    );
    assert_eq!(first.next, seqs[2]);
    Ok(())
}

pub async fn territory_change_rederives_accounts<S: ServerStore>(store: S) -> Result<()> {
    let org = seed_org(&store).await?;
    let (_, cursor) = pull(&store, "ae@a.test", 0).await?;
    let apac = TerritoryRule {
        regions: vec!["apac".into()],
        ..TerritoryRule::default()
    };
    let input = TerritoryInput {
        name: "emea".into(),
        owner: uid("manager@a.test"),
        members: vec![uid("ae@a.test")],
        rule: apac,
        priority: 0,
    };
    store.update_territory(org.emea, input).await?;
    let (items, cursor) = pull(&store, "ae@a.test", cursor).await?;
    assert_eq!(
        domains(&items),
        vec!["nobody.io"],
        "the new rule's account arrives"
    );
    let mut gone = removed(&items);
    gone.sort();
    let mut want = vec![org.accounts["zalando.de"], org.accounts["tesco.co.uk"]];
    want.sort();
    assert_eq!(gone, want, "accounts that left the territory are removed");
    let (items, _) = pull(&store, "sdr@a.test", 0).await?;
    assert!(
        domains(&items).is_empty(),
        "a member taken off the territory sees none of it"
    );
    store.delete_territory(org.emea).await?;
    let (items, _) = pull(&store, "ae@a.test", cursor).await?;
    assert!(
        items
            .iter()
            .any(|i| matches!(i, FeedItem::TerritoryRemoved(t) if *t == org.emea))
    );
    assert_eq!(removed(&items), vec![org.accounts["nobody.io"]]);
    Ok(())
}

pub async fn settings_reach_their_audience<S: ServerStore>(store: S) -> Result<()> {
    seed_org(&store).await?;
    let (_, ae) = pull(&store, "ae@a.test", 0).await?;
    let (_, viewer) = pull(&store, "viewer@a.test", 0).await?;
    store
        .put_price(PriceEntry {
            source: "builtwith".into(),
            endpoint: "domain".into(),
            price_micros: 20_000,
        })
        .await?;
    let flag = pf_core::FeatureFlag::new("new-brief", 100)
        .map_err(|e| ServerError::Invalid(e.to_string()))?;
    store.put_flag(flag).await?;
    let (items, ae2) = pull(&store, "ae@a.test", ae).await?;
    assert!(
        items
            .iter()
            .any(|i| matches!(i, FeedItem::Price(p) if p.price_micros == 20_000))
    );
    assert!(
        items
            .iter()
            .any(|i| matches!(i, FeedItem::Flag(f) if f.key == "new-brief"))
    );
    let (items, _) = pull(&store, "viewer@a.test", viewer).await?;
    assert!(
        !items.iter().any(|i| matches!(i, FeedItem::Price(_))),
        "viewers cannot spend: no prices"
    );
    assert!(
        items.iter().any(|i| matches!(i, FeedItem::Flag(_))),
        "flags go to everyone"
    );
    store
        .delete_price("builtwith".into(), "domain".into())
        .await?;
    let (items, _) = pull(&store, "ae@a.test", ae2).await?;
    assert!(
        items
            .iter()
            .any(|i| matches!(i, FeedItem::PriceRemoved { .. })),
        "{items:?}"
    );
    Ok(())
}
