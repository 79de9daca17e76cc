//! What every write needs to decide audiences: the active users as pf-core actors, every user's
//! team, and the territories in rule order. Plus row parsing shared by the other files.

use pf_core::{AccountId, Actor, Domain, Role, TeamId, TerritoryId, UserId};
use pf_sync::{AccountAttrs, AssignedBy, DealIntel, SyncedAccount, Territory, TerritoryRule};
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::HashMap;
use std::str::FromStr;

use crate::ServerError;
use crate::store::{Result, from_ms};

/// Parses a stored identifier, role or JSON value; a failure means the database is corrupt.
pub(super) fn parse<T: FromStr>(s: &str, what: &str) -> Result<T> {
    s.parse()
        .map_err(|_| ServerError::Corrupt(format!("bad {what} `{s}`")))
}

pub(super) fn user_id(s: &str) -> Result<UserId> {
    UserId::new(s).map_err(|_| ServerError::Corrupt(format!("bad user id `{s}`")))
}

pub(super) fn json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| ServerError::Corrupt(format!("bad {what}: {e}")))
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| ServerError::Internal(format!("serialise: {e}")))
}

pub(super) fn role(s: &str) -> Result<Role> {
    parse(s, "role")
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
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut territories = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, owner, rule, priority FROM territories ORDER BY priority DESC, name",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            territories.push(Territory {
                id: parse(&r.get::<_, String>(0)?, "territory id")?,
                name: r.get(1)?,
                owner: user_id(&r.get::<_, String>(2)?)?,
                members: Vec::new(),
                rule: json::<TerritoryRule>(&r.get::<_, String>(3)?, "territory rule")?,
                priority: r.get(4)?,
            });
        }
        let by_id: HashMap<TerritoryId, usize> = territories
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();
        let mut stmt = conn.prepare_cached(
            "SELECT territory_id, user_id FROM territory_members ORDER BY user_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let tid: TerritoryId = parse(&r.get::<_, String>(0)?, "territory id")?;
            if let Some(&i) = by_id.get(&tid) {
                territories[i]
                    .members
                    .push(user_id(&r.get::<_, String>(1)?)?);
            }
        }
        let mut teams = HashMap::new();
        let mut actors = Vec::new();
        let mut stmt =
            conn.prepare_cached("SELECT id, role, team_id, active FROM users ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = user_id(&r.get::<_, String>(0)?)?;
            let team: Option<TeamId> = match r.get::<_, Option<String>>(2)? {
                Some(t) => Some(parse(&t, "team id")?),
                None => None,
            };
            teams.insert(id.clone(), team);
            if r.get::<_, bool>(3)? {
                let names: Vec<String> = territories
                    .iter()
                    .filter(|t| t.owner == id || t.members.contains(&id))
                    .map(|t| t.name.clone())
                    .collect();
                actors.push(
                    Actor::new(id, role(&r.get::<_, String>(1)?)?, team).with_territories(names),
                );
            }
        }
        Ok(Self {
            actors,
            teams,
            territories,
            by_id,
        })
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

pub(super) const ACCOUNT_COLUMNS: &str =
    "id, domain, name, attrs, deal_intel, explicit_owner, territory_id, updated_at";

impl AccountRow {
    pub fn from_row(r: &Row<'_>) -> Result<Self> {
        let intel: Option<String> = r.get(4)?;
        let owner: Option<String> = r.get(5)?;
        let territory: Option<String> = r.get(6)?;
        Ok(Self {
            id: parse(&r.get::<_, String>(0)?, "account id")?,
            domain: parse(&r.get::<_, String>(1)?, "domain")?,
            name: r.get(2)?,
            attrs: json(&r.get::<_, String>(3)?, "account attributes")?,
            deal_intel: intel.map(|s| json(&s, "deal intel")).transpose()?,
            owner: owner.map(|s| user_id(&s)).transpose()?,
            territory: territory.map(|s| parse(&s, "territory id")).transpose()?,
            updated_ms: r.get(7)?,
        })
    }
}

/// One account, in full.
pub(super) fn load_account(
    conn: &Connection,
    ctx: &Ctx,
    id: AccountId,
) -> Result<Option<SyncedAccount>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let row = stmt
        .query_row([id.to_string()], |r| Ok(AccountRow::from_row(r)))
        .optional()?
        .transpose()?;
    Ok(row.map(|r| ctx.account(r)))
}

/// Every account row, in id order.
pub(super) fn all_accounts(conn: &Connection) -> Result<Vec<AccountRow>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(AccountRow::from_row(r)?);
    }
    Ok(out)
}
