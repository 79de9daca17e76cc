//! What both backends share beneath [`super::ServerStore`]: the audience context every write
//! needs ([`Ctx`]), the stored account row, the feed's item kinds, the checks on names and keys,
//! and parsing stored text back into domain types. Nothing here touches a database.

use pf_core::{AccountId, Actor, Domain, Role, TeamId, TerritoryId, UserId};
use pf_sync::{AccountAttrs, AssignedBy, DealIntel, SyncedAccount, Territory};
use std::collections::HashMap;
use std::str::FromStr;

use crate::ServerError;
use crate::store::{Result, from_ms};

// The kinds of feed items, as stored in `feed.kind`.
pub(crate) const ME: &str = "me";
pub(crate) const ACCOUNT: &str = "account";
pub(crate) const TERRITORY: &str = "territory";
pub(crate) const BUDGET: &str = "budget";
pub(crate) const ALERT: &str = "alert";
pub(crate) const PRICE: &str = "price";
pub(crate) const LIMIT: &str = "limit";
pub(crate) const FLAG: &str = "flag";
pub(crate) const RETENTION: &str = "retention";
pub(crate) const PRIVACY: &str = "privacy";

/// Entries one audit query returns at most (and by default).
pub(crate) const MAX_AUDIT: u32 = 1_000;

/// A day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Separates the parts of a compound key (price: source and endpoint; alert: team and month).
pub(crate) const SEP: char = '\u{1f}';

/// What `/v1/me` reports as the offline allowance of a user whose team has no budget.
pub(crate) const DEFAULT_OFFLINE_ALLOWANCE: u64 = 5_000_000;

/// Parses a stored identifier, role or JSON value; a failure means the database is corrupt.
pub(crate) fn parse<T: FromStr>(s: &str, what: &str) -> Result<T> {
    s.parse()
        .map_err(|_| ServerError::Corrupt(format!("bad {what} `{s}`")))
}

pub(crate) fn user_id(s: &str) -> Result<UserId> {
    UserId::new(s).map_err(|_| ServerError::Corrupt(format!("bad user id `{s}`")))
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| ServerError::Corrupt(format!("bad {what}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| ServerError::Internal(format!("serialise: {e}")))
}

pub(crate) fn role(s: &str) -> Result<Role> {
    parse(s, "role")
}

/// A stored amount (never negative) as micros.
pub(crate) fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// An amount as a database integer.
pub(crate) fn i(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| ServerError::Invalid(format!("amount {v} is too large")))
}

/// A team or territory name: trimmed, 1 to 200 characters.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(ServerError::Invalid(
            "a name must be 1 to 200 characters".into(),
        ));
    }
    Ok(name.to_owned())
}

/// A source, endpoint or flag key: 1 to 200 characters, without the key separator.
pub(crate) fn check_key(what: &str, v: &str) -> Result<()> {
    if v.trim().is_empty() || v.len() > 200 || v.contains(SEP) {
        return Err(ServerError::Invalid(format!(
            "{what} must be 1 to 200 printable characters"
        )));
    }
    Ok(())
}

/// The feed key of a price.
pub(crate) fn price_key(source: &str, endpoint: &str) -> String {
    format!("{source}{SEP}{endpoint}")
}

/// Whether a fan-out writes a feed row for a user: they enter the audience (or are in it and the
/// item is sent again, `force`), or they leave it (`before` they had it, not removed).
pub(crate) fn feed_changes(now: bool, before: bool, force: bool) -> bool {
    (now && (force || !before)) || (!now && before)
}

/// A `users` row as [`Ctx`] needs it.
pub(crate) struct UserRow {
    pub id: UserId,
    pub role: Role,
    pub team: Option<TeamId>,
    pub active: bool,
}

/// Users, actors and territories, as of the current transaction.
pub(crate) struct Ctx {
    /// Active users, with their territories.
    pub actors: Vec<Actor>,
    /// Every user's team (deactivated users included: their accounts keep a team).
    pub teams: HashMap<UserId, Option<TeamId>>,
    /// Highest priority first, then by name: the order territory rules are tried in.
    pub territories: Vec<Territory>,
    by_id: HashMap<TerritoryId, usize>,
}

impl Ctx {
    /// From the territories in rule order (members empty), the (territory, member) pairs, and
    /// every user in id order.
    pub fn build(
        mut territories: Vec<Territory>,
        members: Vec<(TerritoryId, UserId)>,
        users: Vec<UserRow>,
    ) -> Self {
        let by_id: HashMap<TerritoryId, usize> = territories
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();
        for (tid, user) in members {
            if let Some(&i) = by_id.get(&tid) {
                territories[i].members.push(user);
            }
        }
        let mut teams = HashMap::new();
        let mut actors = Vec::new();
        for u in users {
            teams.insert(u.id.clone(), u.team);
            if u.active {
                let names: Vec<String> = territories
                    .iter()
                    .filter(|t| t.owner == u.id || t.members.contains(&u.id))
                    .map(|t| t.name.clone())
                    .collect();
                actors.push(Actor::new(u.id, u.role, u.team).with_territories(names));
            }
        }
        Self {
            actors,
            teams,
            territories,
            by_id,
        }
    }

    pub fn team_of(&self, user: &UserId) -> Option<TeamId> {
        self.teams.get(user).copied().flatten()
    }

    pub fn territory(&self, id: TerritoryId) -> Option<&Territory> {
        self.by_id.get(&id).map(|&i| &self.territories[i])
    }

    /// The territory an account with these attributes belongs to: the first whose rule matches.
    pub fn derive(&self, attrs: &AccountAttrs) -> Option<TerritoryId> {
        self.territories
            .iter()
            .find(|t| t.rule.matches(attrs))
            .map(|t| t.id)
    }

    /// The full account from its stored parts: owner by hand, else the territory's; team of the
    /// owner, else of the territory's owner.
    pub fn account(&self, row: AccountRow) -> SyncedAccount {
        let territory = row.territory.and_then(|id| self.territory(id));
        let team = row
            .owner
            .as_ref()
            .and_then(|o| self.team_of(o))
            .or_else(|| territory.and_then(|t| self.team_of(&t.owner)));
        let assigned_by = match (&row.owner, territory) {
            (Some(_), _) => AssignedBy::Explicit,
            (None, Some(_)) => AssignedBy::Territory,
            (None, None) => AssignedBy::Unassigned,
        };
        SyncedAccount {
            id: row.id,
            domain: row.domain,
            name: row.name,
            attrs: row.attrs,
            deal_intel: row.deal_intel,
            owner: row.owner,
            territory: territory.map(|t| t.name.clone()),
            team,
            assigned_by,
            withheld: Vec::new(),
            updated_at: from_ms(row.updated_ms),
        }
    }
}

/// An `accounts` row.
#[derive(Clone)]
pub(crate) struct AccountRow {
    pub id: AccountId,
    pub domain: Domain,
    pub name: String,
    pub attrs: AccountAttrs,
    pub deal_intel: Option<DealIntel>,
    pub owner: Option<UserId>,
    pub territory: Option<TerritoryId>,
    pub updated_ms: i64,
}

/// The columns an [`AccountRow`] is read from, in order.
pub(crate) const ACCOUNT_COLUMNS: &str =
    "id, domain, name, attrs, deal_intel, explicit_owner, territory_id, updated_at";

impl AccountRow {
    /// From the text of [`ACCOUNT_COLUMNS`] (the last one, `updated_at`, given as a number).
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        id: &str,
        domain: &str,
        name: String,
        attrs: &str,
        deal_intel: Option<&str>,
        owner: Option<&str>,
        territory: Option<&str>,
        updated_ms: i64,
    ) -> Result<Self> {
        Ok(Self {
            id: parse(id, "account id")?,
            domain: parse(domain, "domain")?,
            name,
            attrs: json(attrs, "account attributes")?,
            deal_intel: deal_intel.map(|s| json(s, "deal intel")).transpose()?,
            owner: owner.map(user_id).transpose()?,
            territory: territory.map(|s| parse(s, "territory id")).transpose()?,
            updated_ms,
        })
    }
}
