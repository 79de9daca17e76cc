//! Territories, accounts and assignments. An account's territory is derived from the rules (the
//! first match by priority, then name) whenever accounts or territories change; its owner is set
//! by hand. Every change is fanned out to the users who see (or stop seeing) the account.

use pf_core::{AccountId, UserId};
use pf_sync::{AccountInput, AssignmentInput, SyncedAccount, Territory, TerritoryInput};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;
use time::OffsetDateTime;

use super::ctx::{ACCOUNT_COLUMNS, AccountRow, Ctx, all_accounts, to_json};
use super::feed::{ACCOUNT, TERRITORY, fanout, remove_item, resync};
use crate::ServerError;
use crate::policy::{Audience, account_scope};
use crate::store::{AssignGuard, Result, to_ms};

fn active_user(conn: &Connection, id: &UserId) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT active FROM users WHERE id = ?1",
            [id.as_str()],
            |r| r.get::<_, bool>(0),
        )
        .optional()?
        .unwrap_or(false))
}

fn people_of(t: &Territory) -> impl Iterator<Item = UserId> + '_ {
    std::iter::once(t.owner.clone()).chain(t.members.iter().cloned())
}

/// Re-derives every account's territory; returns the ids of those that moved.
fn rederive(conn: &Connection) -> Result<HashSet<String>> {
    let ctx = Ctx::load(conn)?;
    let mut moved = HashSet::new();
    for row in all_accounts(conn)? {
        let derived = ctx.derive(&row.attrs);
        if derived != row.territory {
            conn.prepare_cached(
                "UPDATE accounts SET territory_id = ?2, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![
                row.id.to_string(),
                derived.map(|t| t.to_string()),
                to_ms(OffsetDateTime::now_utc())
            ])?;
            moved.insert(row.id.to_string());
        }
    }
    Ok(moved)
}

/// Creates (`create`) or replaces the territory `id`, re-derives accounts, and resyncs.
pub(super) fn put_territory(
    conn: &Connection,
    id: pf_core::TerritoryId,
    input: TerritoryInput,
    create: bool,
) -> Result<Territory> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.len() > 200 {
        return Err(ServerError::Invalid(
            "a territory name must be 1 to 200 characters".into(),
        ));
    }
    if let Some(problem) = input.rule.problem() {
        return Err(ServerError::Invalid(problem));
    }
    for u in std::iter::once(&input.owner).chain(&input.members) {
        if !active_user(conn, u)? {
            return Err(ServerError::Invalid(format!("no active user {u}")));
        }
    }
    let before = Ctx::load(conn)?;
    let mut affected: HashSet<UserId> = before
        .territory(id)
        .map(|t| people_of(t).collect())
        .unwrap_or_default();
    let rule = to_json(&input.rule)?;
    let n =
        if create {
            conn.execute(
            "INSERT INTO territories (id, name, owner, rule, priority) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), name, input.owner.as_str(), rule, input.priority],
        )
        } else {
            conn.execute(
            "UPDATE territories SET name = ?2, owner = ?3, rule = ?4, priority = ?5 WHERE id = ?1",
            params![id.to_string(), name, input.owner.as_str(), rule, input.priority],
        )
        }
        .map_err(|e| ServerError::from_write(e, "territory name"))?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("territory {id}")));
    }
    conn.execute(
        "DELETE FROM territory_members WHERE territory_id = ?1",
        [id.to_string()],
    )?;
    for m in &input.members {
        conn.execute(
            "INSERT OR IGNORE INTO territory_members (territory_id, user_id) VALUES (?1, ?2)",
            params![id.to_string(), m.as_str()],
        )?;
    }
    affected.insert(input.owner.clone());
    affected.extend(input.members.iter().cloned());
    let moved = rederive(conn)?;
    resync(conn, &affected, &moved)?;
    Ctx::load(conn)?
        .territory(id)
        .cloned()
        .ok_or_else(|| ServerError::Internal("territory vanished".into()))
}

/// Deletes a territory: its accounts fall to the next matching rule, or to none.
pub(super) fn delete_territory(conn: &Connection, id: pf_core::TerritoryId) -> Result<Territory> {
    let ctx = Ctx::load(conn)?;
    let t = ctx
        .territory(id)
        .cloned()
        .ok_or_else(|| ServerError::NotFound(format!("territory {id}")))?;
    conn.execute("DELETE FROM territories WHERE id = ?1", [id.to_string()])?;
    remove_item(conn, TERRITORY, &id.to_string())?;
    let moved = rederive(conn)?;
    resync(conn, &people_of(&t).collect(), &moved)?;
    Ok(t)
}

/// Adds or updates accounts by domain; each is sent to everyone who may see it.
pub(super) fn put_accounts(conn: &Connection, inputs: Vec<AccountInput>) -> Result<Vec<AccountId>> {
    let ctx = Ctx::load(conn)?;
    let now = to_ms(OffsetDateTime::now_utc());
    let mut ids = Vec::with_capacity(inputs.len());
    for input in inputs {
        let name = input.name.trim().to_owned();
        if name.is_empty() {
            return Err(ServerError::Invalid(format!(
                "account {} has no name",
                input.domain
            )));
        }
        let existing: Option<(String, Option<String>)> = conn
            .prepare_cached("SELECT id, explicit_owner FROM accounts WHERE domain = ?1")?
            .query_row([input.domain.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (id, owner) = match existing {
            Some((id, owner)) => (super::ctx::parse(&id, "account id")?, owner),
            None => (AccountId::new(), None),
        };
        let territory = ctx.derive(&input.attrs);
        conn.prepare_cached(
            "INSERT INTO accounts (id, domain, name, attrs, deal_intel, explicit_owner, territory_id, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, attrs = excluded.attrs,
                 deal_intel = excluded.deal_intel, territory_id = excluded.territory_id,
                 updated_at = excluded.updated_at",
        )?
        .execute(params![
            id.to_string(),
            input.domain.as_str(),
            name,
            to_json(&input.attrs)?,
            input.deal_intel.as_ref().map(to_json).transpose()?,
            owner,
            territory.map(|t| t.to_string()),
            now
        ])?;
        let row = AccountRow {
            id,
            domain: input.domain,
            name,
            attrs: input.attrs,
            deal_intel: input.deal_intel,
            owner: owner.map(|o| super::ctx::user_id(&o)).transpose()?,
            territory,
            updated_ms: now,
        };
        let scope = account_scope(&ctx.account(row));
        fanout(
            conn,
            &ctx.actors,
            ACCOUNT,
            &id.to_string(),
            &Audience::Account(scope),
            &|_| true,
        )?;
        ids.push(id);
    }
    Ok(ids)
}

/// Sets or clears an account's owner by hand, if `guard` allows the move.
pub(super) fn assign(
    conn: &Connection,
    input: AssignmentInput,
    guard: AssignGuard,
) -> Result<SyncedAccount> {
    let ctx = Ctx::load(conn)?;
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1");
    let row = conn
        .query_row(&sql, [input.account.to_string()], |r| {
            Ok(AccountRow::from_row(r))
        })
        .optional()?
        .transpose()?
        .ok_or_else(|| ServerError::NotFound(format!("account {}", input.account)))?;
    if let Some(owner) = &input.owner
        && !active_user(conn, owner)?
    {
        return Err(ServerError::Invalid(format!("no active user {owner}")));
    }
    let old = ctx.account(row.clone());
    let mut moved = row;
    moved.owner = input.owner.clone();
    moved.updated_ms = to_ms(OffsetDateTime::now_utc());
    let new = ctx.account(moved);
    if !guard(&account_scope(&old), &account_scope(&new)) {
        return Err(ServerError::denied("assign this account to that owner"));
    }
    conn.execute(
        "UPDATE accounts SET explicit_owner = ?2, updated_at = ?3 WHERE id = ?1",
        params![
            input.account.to_string(),
            input.owner.as_ref().map(|o| o.as_str()),
            to_ms(new.updated_at)
        ],
    )?;
    let scope = account_scope(&new);
    fanout(
        conn,
        &ctx.actors,
        ACCOUNT,
        &input.account.to_string(),
        &Audience::Account(scope),
        &|_| true,
    )?;
    Ok(new)
}
