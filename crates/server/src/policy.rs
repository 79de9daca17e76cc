//! Who sees and does what on the server: every rule here is a question put to `pf_core::can`,
//! the one permission function, about a resource built from the row at hand. Pure functions: the
//! store calls them to decide who a change is for, the HTTP layer to refuse and to strip fields.
//!
//! Where pf-core has no resource for something the server needs, the question is phrased with the
//! nearest one and said so here:
//! - *may spend budget or lease calls*: may the actor enrich an account of their own (owned by
//!   them, worked by their team)? Every role but Viewer may.
//! - *may see a territory*: may the actor read an account lying in it (owned by its owner, worked
//!   by the owner's team)?
//! - *may change a team's budget*: `Administer` on `TeamBudget` (admins only; a manager's `Edit`
//!   on their team's budget in pf-core is not enough to change limits, per the design: "only
//!   admins change budgets").
//! - *may add accounts to the server*: `Administer` on the territories setting.
//! - flags, retention and the caller's own identity are about the caller and go to everyone.
//! - *may read the audit log*: `Administer` on the roles setting (admins only).

use pf_core::{AccountScope, Action, Actor, Resource, Setting, TeamId, UserId, can};
use pf_sync::{ChangeItem, SyncedAccount, Territory, Withheld};

use crate::store::FeedItem;

/// Who a change is for: the audience of one feed item.
#[derive(Debug, Clone, PartialEq)]
pub enum Audience {
    /// Everyone may see it (flags, retention: evaluated per caller).
    Everyone,
    /// Only this user (their identity).
    User(UserId),
    /// Those who may read the account.
    Account(AccountScope),
    /// Those who may read an account in the territory.
    Territory(AccountScope),
    /// Those who may read the team's budget.
    Budget(TeamId),
    /// The team's own managers (budget alerts).
    Alert(TeamId),
    /// Those who may spend (prices, source limits).
    Spenders,
}

/// Whether `actor` is in `audience`.
pub fn in_audience(actor: &Actor, audience: &Audience) -> bool {
    match audience {
        Audience::Everyone => true,
        Audience::User(u) => actor.user == *u,
        Audience::Account(scope) | Audience::Territory(scope) => {
            can(actor, Action::Read, &Resource::Account(scope.clone()))
        }
        Audience::Budget(team) => can(actor, Action::Read, &Resource::TeamBudget { team: *team }),
        Audience::Alert(team) => {
            actor.team == Some(*team)
                && can(actor, Action::Read, &Resource::TeamUsage { team: *team })
        }
        Audience::Spenders => may_spend(actor) || may(actor, Action::Read, Setting::PriceList),
    }
}

/// The account's scope as pf-core's rules see it.
pub fn account_scope(a: &SyncedAccount) -> AccountScope {
    AccountScope {
        owner: a.owner.clone(),
        territory: a.territory.clone(),
        team: a.team,
    }
}

/// The scope of an account lying in `t`, for deciding who sees the territory.
pub fn territory_scope(t: &Territory, owner_team: Option<TeamId>) -> AccountScope {
    AccountScope {
        owner: Some(t.owner.clone()),
        territory: Some(t.name.clone()),
        team: owner_team,
    }
}

/// `can` on an organisation setting.
pub fn may(actor: &Actor, action: Action, setting: Setting) -> bool {
    can(actor, action, &Resource::Settings { setting })
}

/// May the actor spend budget and lease calls: may they enrich an account of their own?
pub fn may_spend(actor: &Actor) -> bool {
    let own = AccountScope {
        owner: Some(actor.user.clone()),
        territory: None,
        team: actor.team,
    };
    can(actor, Action::Enrich, &Resource::Account(own))
}

/// May the actor file, list and export privacy requests (admins only).
pub fn may_handle_privacy(actor: &Actor) -> bool {
    can(actor, Action::Administer, &Resource::PrivacyRequests)
}

/// May the actor read the audit log (admins only).
pub fn may_read_audit(actor: &Actor) -> bool {
    may(actor, Action::Administer, Setting::Roles)
}

/// May the actor change the team's budget limits (admins only).
pub fn may_set_budget(actor: &Actor, team: TeamId) -> bool {
    can(actor, Action::Administer, &Resource::TeamBudget { team })
}

/// The account as `actor` may see it: `None` when they may not read it; financials and deal
/// intel removed (and listed in `withheld`) when their role may not read those.
pub fn account_view(actor: &Actor, a: &SyncedAccount) -> Option<SyncedAccount> {
    let scope = account_scope(a);
    if !can(actor, Action::Read, &Resource::Account(scope.clone())) {
        return None;
    }
    let mut view = a.clone();
    view.withheld.clear();
    if !can(actor, Action::Read, &Resource::Financials(scope.clone())) {
        view.attrs.revenue_usd = None;
        view.withheld.push(Withheld::Financials);
    }
    if !can(actor, Action::Read, &Resource::CompetitiveIntel(scope)) {
        view.deal_intel = None;
        view.withheld.push(Withheld::DealIntel);
    }
    Some(view)
}

/// A stored feed item as the caller receives it, checked again at read time: `None` when the
/// caller may not have it (a removal is sent instead where one exists).
pub fn render(actor: &Actor, item: FeedItem) -> Option<ChangeItem> {
    Some(match item {
        FeedItem::Me(me) => ChangeItem::Me(me),
        FeedItem::Account(a) => match account_view(actor, &a) {
            Some(view) => ChangeItem::Account(view),
            None => ChangeItem::AccountRemoved { id: a.id },
        },
        FeedItem::AccountRemoved(id) => ChangeItem::AccountRemoved { id },
        FeedItem::Territory(t, owner_team) => {
            if in_audience(actor, &Audience::Territory(territory_scope(&t, owner_team))) {
                ChangeItem::Territory(t)
            } else {
                ChangeItem::TerritoryRemoved { id: t.id }
            }
        }
        FeedItem::TerritoryRemoved(id) => ChangeItem::TerritoryRemoved { id },
        FeedItem::Budget(b) => {
            in_audience(actor, &Audience::Budget(b.team)).then_some(ChangeItem::Budget(b))?
        }
        FeedItem::BudgetAlert(a) => {
            in_audience(actor, &Audience::Alert(a.team)).then_some(ChangeItem::BudgetAlert(a))?
        }
        FeedItem::Price(p) => {
            in_audience(actor, &Audience::Spenders).then_some(ChangeItem::Price(p))?
        }
        FeedItem::PriceRemoved { source, endpoint } => {
            ChangeItem::PriceRemoved { source, endpoint }
        }
        FeedItem::SourceLimit(l) => {
            in_audience(actor, &Audience::Spenders).then_some(ChangeItem::SourceLimit(l))?
        }
        FeedItem::Flag(f) => ChangeItem::Flag(pf_sync::FlagState {
            on: f.is_enabled_for(&actor.user, actor.team),
            key: f.key,
        }),
        FeedItem::FlagRemoved(key) => ChangeItem::FlagRemoved { key },
        FeedItem::Retention(p) => ChangeItem::Retention(p),
        FeedItem::PrivacyOrder(o) => ChangeItem::PrivacyOrder(o),
        FeedItem::PrivacyOrderRemoved(id) => ChangeItem::PrivacyOrderRemoved { id },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pf_core::{AccountId, Domain, Role};
    use pf_sync::{AccountAttrs, AssignedBy, DealIntel};

    fn user(s: &str) -> UserId {
        UserId::new(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn account(owner: &str, team: TeamId) -> SyncedAccount {
        SyncedAccount {
            id: AccountId::new(),
            domain: Domain::parse("costco.com").unwrap_or_else(|e| panic!("{e}")),
            name: "Costco".into(),
            attrs: AccountAttrs {
                revenue_usd: Some(1_000),
                ..AccountAttrs::default()
            },
            deal_intel: Some(DealIntel::default()),
            owner: Some(user(owner)),
            territory: None,
            team: Some(team),
            assigned_by: AssignedBy::Explicit,
            withheld: vec![],
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn an_sdr_gets_their_account_without_financials_or_deal_intel() {
        let team = TeamId::new();
        let sdr = Actor::new(user("sam@x.io"), Role::Sdr, Some(team));
        let view = account_view(&sdr, &account("sam@x.io", team)).unwrap_or_else(|| panic!("own"));
        assert_eq!(view.attrs.revenue_usd, None);
        assert_eq!(view.deal_intel, None);
        assert_eq!(
            view.withheld,
            vec![Withheld::Financials, Withheld::DealIntel]
        );
        let ae = Actor::new(user("sam@x.io"), Role::Ae, Some(team));
        let full = account_view(&ae, &account("sam@x.io", team)).unwrap_or_else(|| panic!("own"));
        assert_eq!(full.attrs.revenue_usd, Some(1_000));
        assert!(full.withheld.is_empty());
    }

    #[test]
    fn viewers_may_not_spend_and_everyone_else_may() {
        let team = Some(TeamId::new());
        for role in Role::ALL {
            let a = Actor::new(user("u@x.io"), role, team);
            assert_eq!(may_spend(&a), role != Role::Viewer, "{role}");
        }
    }

    #[test]
    fn only_admins_set_budgets() {
        let team = TeamId::new();
        for role in Role::ALL {
            let a = Actor::new(user("u@x.io"), role, Some(team));
            assert_eq!(may_set_budget(&a, team), role == Role::Admin, "{role}");
        }
    }
}
