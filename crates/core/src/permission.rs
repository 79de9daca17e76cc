//! Roles and permissions: one pure function, [`can`], decides whether an [`Actor`] may perform an
//! [`Action`] on a [`Resource`]. The sync server calls it to enforce; the desktop UI calls the very
//! same function to hide what the user may not do (the hiding is only comfort).
//!
//! The rules (DESIGN.md, "Domain"):
//! - an **Admin** may do everything;
//! - a **Manager** may do everything (except administer) on the accounts and budgets/usage of their
//!   own team, plus the accounts assigned to them or in their territories, and may read the admin
//!   settings;
//! - an **AE** may read, edit and enrich the accounts assigned to them (owner) and those in their
//!   territories, including financials and competitive deal intel, and nothing else;
//! - an **SDR** is like an AE for accounts, but never sees financials nor competitive deal intel;
//! - a **Viewer** may only read the accounts (and their intelligence) visible to their team;
//! - only an Admin changes settings (territories, roles, flags, retention, price list) and handles
//!   privacy (GDPR/CCPA) requests.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::{Account, CoreError, TeamId, UserId};

/// What a user is in the organisation. Serialised in lower case (`"admin"`, `"ae"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Ae,
    Sdr,
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Ae,
        Role::Sdr,
        Role::Viewer,
    ];

    /// The role's stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Ae => "ae",
            Role::Sdr => "sdr",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CoreError;
    /// Parses a role name, ignoring surrounding whitespace and ASCII case (`"AE"` is `Ae`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| CoreError::UnknownRole(s.to_owned()))
    }
}

/// Someone asking to do something: who they are, their role, their team and their territories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
    pub team: Option<TeamId>,
    /// Names of the territories the actor belongs to (as owner or member).
    #[serde(default)]
    pub territories: Vec<String>,
}

impl Actor {
    /// An actor with no territories.
    pub fn new(user: UserId, role: Role, team: Option<TeamId>) -> Self {
        Self {
            user,
            role,
            team,
            territories: Vec::new(),
        }
    }

    /// The same actor, belonging to the given territories.
    pub fn with_territories<I, S>(mut self, territories: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.territories = territories.into_iter().map(Into::into).collect();
        self
    }

    /// True when the actor has a team and it is `team`. An actor or a resource without a team
    /// never matches.
    fn in_team(&self, team: Option<TeamId>) -> bool {
        matches!((self.team, team), (Some(mine), Some(theirs)) if mine == theirs)
    }

    /// True when the account is assigned to the actor or lies in one of their territories.
    fn is_assigned(&self, scope: &AccountScope) -> bool {
        scope.owner.as_ref() == Some(&self.user)
            || scope
                .territory
                .as_ref()
                .is_some_and(|t| self.territories.contains(t))
    }
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See it.
    Read,
    /// Change its fields by hand.
    Edit,
    /// Spend budget fetching fresh intelligence for it.
    Enrich,
    /// Take it out of the app (CSV, PDF brief, clipboard of many rows).
    Export,
    /// Give it to someone else (change an account's owner or territory).
    Assign,
    /// Remove it (for a privacy request: erase the person's data).
    Delete,
    /// Change how the organisation works: settings, roles, flags, retention.
    Administer,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 7] = [
        Action::Read,
        Action::Edit,
        Action::Enrich,
        Action::Export,
        Action::Assign,
        Action::Delete,
        Action::Administer,
    ];
}

/// Who an account belongs to, which is all the permission rules need to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountScope {
    pub owner: Option<UserId>,
    pub territory: Option<String>,
    /// The team that works the account (usually the owner's team).
    pub team: Option<TeamId>,
}

impl AccountScope {
    /// The scope of a stored account, given the team that works it.
    pub fn of(account: &Account, team: Option<TeamId>) -> Self {
        Self {
            owner: account.owner.clone(),
            territory: account.territory.clone(),
            team,
        }
    }
}

/// An organisation-wide setting that only an Admin may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Territories,
    Roles,
    Flags,
    Retention,
    PriceList,
}

impl Setting {
    /// Every setting.
    pub const ALL: [Setting; 5] = [
        Setting::Territories,
        Setting::Roles,
        Setting::Flags,
        Setting::Retention,
        Setting::PriceList,
    ];
}

/// The thing an action is performed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Resource {
    /// An account and its ordinary intelligence (tech stack, hiring, contacts, brief).
    Account(AccountScope),
    /// An account's financials (revenue, funding, filings).
    Financials(AccountScope),
    /// Competitive deal intel on an account (incumbent vendor, contract, pricing, renewal).
    CompetitiveIntel(AccountScope),
    /// A team's monthly budget (limit, alert threshold, hard cap).
    TeamBudget { team: TeamId },
    /// A team's spend and enrichment usage.
    TeamUsage { team: TeamId },
    /// An organisation-wide setting.
    Settings { setting: Setting },
    /// Privacy (GDPR/CCPA) requests: access, erasure.
    PrivacyRequests,
}

/// Decides whether `actor` may perform `action` on `resource`. Pure, total, and the only place
/// these rules live.
pub fn can(actor: &Actor, action: Action, resource: &Resource) -> bool {
    use Action::{Administer, Edit, Enrich, Export, Read};
    use Resource as R;
    use Role::{Admin, Ae, Manager, Sdr, Viewer};

    match (actor.role, resource) {
        // Admins can do everything.
        (Admin, _) => true,

        // Only an Admin changes settings; a Manager may read them.
        (Manager, R::Settings { .. }) => action == Read,
        (Ae | Sdr | Viewer, R::Settings { .. }) => false,

        // Only an Admin handles privacy requests.
        (Manager | Ae | Sdr | Viewer, R::PrivacyRequests) => false,

        // Managers run their own team's budget and see its usage; nobody else but an Admin.
        (Manager, R::TeamBudget { team }) => {
            actor.in_team(Some(*team)) && matches!(action, Read | Edit | Export)
        }
        (Manager, R::TeamUsage { team }) => {
            actor.in_team(Some(*team)) && matches!(action, Read | Export)
        }
        (Ae | Sdr | Viewer, R::TeamBudget { .. } | R::TeamUsage { .. }) => false,

        // SDRs never see financials nor competitive deal intel, even on their own accounts.
        (Sdr, R::Financials(_) | R::CompetitiveIntel(_)) => false,

        // Managers: everything on their team's accounts, and on those assigned to them.
        (Manager, R::Account(s) | R::Financials(s) | R::CompetitiveIntel(s)) => {
            action != Administer && (actor.in_team(s.team) || actor.is_assigned(s))
        }

        // AEs (and SDRs, for accounts only): read, edit, enrich what is theirs or their
        // territory's.
        (Ae, R::Account(s) | R::Financials(s) | R::CompetitiveIntel(s)) | (Sdr, R::Account(s)) => {
            matches!(action, Read | Edit | Enrich) && actor.is_assigned(s)
        }

        // Viewers only read, and only what their team works.
        (Viewer, R::Account(s) | R::Financials(s) | R::CompetitiveIntel(s)) => {
            action == Read && actor.in_team(s.team)
        }
    }
}

#[cfg(test)]
mod tests;
