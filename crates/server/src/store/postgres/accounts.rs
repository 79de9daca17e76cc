//! Territories, accounts and assignments on PostgreSQL. An account's territory is derived from
//! the rules (the first match by priority, then name) whenever accounts or territories change;
//! its owner is set by hand. Every change is fanned out to the users who see (or stop seeing) the
//! account. Batches of accounts are written with one `UNNEST` statement.

use deadpool_postgres::GenericClient;
use pf_core::{AccountId, TerritoryId, UserId};
use pf_sync::{AccountInput, AssignmentInput, SyncedAccount, Territory, TerritoryInput};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

use super::ctx::{self, account_row_by_id, execute, query};
use super::feed::{Item, fanout, remove_item, resync};
use crate::ServerError;
use crate::policy::{Audience, account_scope};
use crate::store::model::{ACCOUNT, AccountRow, TERRITORY, parse, to_json, user_id};
use crate::store::{AssignGuard, Result, to_ms};

/// The first of `users` (in order) that is not an active user.
async fn first_inactive<'a, C: GenericClient>(
    c: &C,
    users: impl Iterator<Item = &'a UserId>,
) -> Result<Option<&'a UserId>> {
    let users: Vec<&UserId> = users.collect();
    let ids: Vec<&str> = users.iter().map(|u| u.as_str()).collect();
    let active: HashSet<String> = query(
        c,
        "SELECT id FROM users WHERE active AND id = ANY($1)",
        &[&ids],
    )
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<std::result::Result<_, _>>()?;
    Ok(users.into_iter().find(|u| !active.contains(u.as_str())))
}

fn people_of(t: &Territory) -> impl Iterator<Item = UserId> + '_ {
    std::iter::once(t.owner.clone()).chain(t.members.iter().cloned())
}

/// Re-derives every account's territory; returns the ids of those that moved.
async fn rederive<C: GenericClient>(c: &C) -> Result<HashSet<String>> {
    let ctx = ctx::load(c).await?;
    let (mut ids, mut territories) = (Vec::new(), Vec::new());
    for row in ctx::all_accounts(c).await? {
        let derived = ctx.derive(&row.attrs);
        if derived != row.territory {
            ids.push(row.id.to_string());
            territories.push(derived.map(|t| t.to_string()));
        }
    }
    if !ids.is_empty() {
        execute(
            c,
            "UPDATE accounts a SET territory_id = v.territory, updated_at = $3
             FROM UNNEST($1::text[], $2::text[]) AS v(id, territory) WHERE a.id = v.id",
            &[&ids, &territories, &to_ms(OffsetDateTime::now_utc())],
        )
        .await?;
    }
    Ok(ids.into_iter().collect())
}

/// Creates (`create`) or replaces the territory `id`, re-derives accounts, and resyncs.
pub(super) async fn put_territory<C: GenericClient>(
    c: &C,
    id: TerritoryId,
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
    if let Some(u) = first_inactive(c, std::iter::once(&input.owner).chain(&input.members)).await? {
        return Err(ServerError::Invalid(format!("no active user {u}")));
    }
    let before = ctx::load(c).await?;
    let mut affected: HashSet<UserId> = before
        .territory(id)
        .map(|t| people_of(t).collect())
        .unwrap_or_default();
    let rule = to_json(&input.rule)?;
    let sql = if create {
        "INSERT INTO territories (id, name, owner, rule, priority) VALUES ($1, $2, $3, $4, $5)"
    } else {
        "UPDATE territories SET name = $2, owner = $3, rule = $4, priority = $5 WHERE id = $1"
    };
    let stmt = c.prepare_cached(sql).await?;
    let n = c
        .execute(
            &stmt,
            &[
                &id.to_string(),
                &name,
                &input.owner.as_str(),
                &rule,
                &input.priority,
            ],
        )
        .await
        .map_err(|e| ServerError::from_pg_write(e, "territory name"))?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("territory {id}")));
    }
    execute(
        c,
        "DELETE FROM territory_members WHERE territory_id = $1",
        &[&id.to_string()],
    )
    .await?;
    let members: Vec<&str> = input.members.iter().map(|m| m.as_str()).collect();
    execute(
        c,
        "INSERT INTO territory_members (territory_id, user_id)
         SELECT $1::text, m FROM UNNEST($2::text[]) AS m ON CONFLICT DO NOTHING",
        &[&id.to_string(), &members],
    )
    .await?;
    affected.insert(input.owner.clone());
    affected.extend(input.members.iter().cloned());
    let moved = rederive(c).await?;
    resync(c, &affected, &moved).await?;
    ctx::load(c)
        .await?
        .territory(id)
        .cloned()
        .ok_or_else(|| ServerError::Internal("territory vanished".into()))
}

/// Deletes a territory: its accounts fall to the next matching rule, or to none.
pub(super) async fn delete_territory<C: GenericClient>(
    c: &C,
    id: TerritoryId,
) -> Result<Territory> {
    let t = ctx::load(c)
        .await?
        .territory(id)
        .cloned()
        .ok_or_else(|| ServerError::NotFound(format!("territory {id}")))?;
    execute(
        c,
        "DELETE FROM territories WHERE id = $1",
        &[&id.to_string()],
    )
    .await?;
    remove_item(c, TERRITORY, &id.to_string()).await?;
    let moved = rederive(c).await?;
    resync(c, &people_of(&t).collect(), &moved).await?;
    Ok(t)
}

/// Adds or updates accounts by domain (the last of a domain given twice wins); each is sent to
/// everyone who may see it.
pub(super) async fn put_accounts<C: GenericClient>(
    c: &C,
    inputs: Vec<AccountInput>,
) -> Result<Vec<AccountId>> {
    if let Some(bad) = inputs.iter().find(|i| i.name.trim().is_empty()) {
        return Err(ServerError::Invalid(format!(
            "account {} has no name",
            bad.domain
        )));
    }
    let ctx = ctx::load(c).await?;
    let domains: Vec<&str> = inputs.iter().map(|i| i.domain.as_str()).collect();
    let mut existing: HashMap<String, (AccountId, Option<UserId>)> = HashMap::new();
    for r in query(
        c,
        "SELECT a.domain, a.id, a.explicit_owner
         FROM UNNEST($1::text[]) AS d(domain) JOIN accounts a ON a.domain = d.domain",
        &[&domains],
    )
    .await?
    {
        let owner = r.try_get::<_, Option<&str>>(2)?.map(user_id).transpose()?;
        existing.insert(r.try_get(0)?, (parse(r.try_get(1)?, "account id")?, owner));
    }
    let now = to_ms(OffsetDateTime::now_utc());
    let mut ids = Vec::with_capacity(inputs.len());
    let mut rows: Vec<AccountRow> = Vec::with_capacity(inputs.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for input in inputs {
        let domain = input.domain.as_str().to_owned();
        let (id, owner) = match at.get(&domain) {
            Some(&n) => (rows[n].id, rows[n].owner.clone()),
            None => existing
                .get(&domain)
                .cloned()
                .unwrap_or_else(|| (AccountId::new(), None)),
        };
        let row = AccountRow {
            id,
            territory: ctx.derive(&input.attrs),
            domain: input.domain,
            name: input.name.trim().to_owned(),
            attrs: input.attrs,
            deal_intel: input.deal_intel,
            owner,
            updated_ms: now,
        };
        match at.get(&domain) {
            Some(&n) => rows[n] = row,
            None => {
                at.insert(domain, rows.len());
                rows.push(row);
            }
        }
        ids.push(id);
    }
    let mut cols: [Vec<Option<String>>; 7] = Default::default();
    for r in &rows {
        cols[0].push(Some(r.id.to_string()));
        cols[1].push(Some(r.domain.as_str().to_owned()));
        cols[2].push(Some(r.name.clone()));
        cols[3].push(Some(to_json(&r.attrs)?));
        cols[4].push(r.deal_intel.as_ref().map(to_json).transpose()?);
        cols[5].push(r.owner.as_ref().map(|o| o.as_str().to_owned()));
        cols[6].push(r.territory.map(|t| t.to_string()));
    }
    let [c0, c1, c2, c3, c4, c5, c6] = &cols;
    execute(
        c,
        "INSERT INTO accounts (id, domain, name, attrs, deal_intel, explicit_owner, territory_id, updated_at)
         SELECT v.*, $8::bigint FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
             $6::text[], $7::text[]) AS v
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, attrs = excluded.attrs,
             deal_intel = excluded.deal_intel, territory_id = excluded.territory_id,
             updated_at = excluded.updated_at",
        &[c0, c1, c2, c3, c4, c5, c6, &now],
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let key = row.id.to_string();
            Item::changed(key, Audience::Account(account_scope(&ctx.account(row))))
        })
        .collect();
    fanout(c, &ctx.actors, ACCOUNT, items, &HashSet::new()).await?;
    Ok(ids)
}

/// Sets or clears an account's owner by hand, if `guard` allows the move.
pub(super) async fn assign<C: GenericClient>(
    c: &C,
    input: AssignmentInput,
    guard: AssignGuard,
) -> Result<SyncedAccount> {
    let ctx = ctx::load(c).await?;
    let row = account_row_by_id(c, input.account)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("account {}", input.account)))?;
    if let Some(owner) = &input.owner
        && first_inactive(c, std::iter::once(owner)).await?.is_some()
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
    execute(
        c,
        "UPDATE accounts SET explicit_owner = $2, updated_at = $3 WHERE id = $1",
        &[
            &input.account.to_string(),
            &input.owner.as_ref().map(|o| o.as_str()),
            &to_ms(new.updated_at),
        ],
    )
    .await?;
    let item = Item::changed(
        input.account.to_string(),
        Audience::Account(account_scope(&new)),
    );
    fanout(c, &ctx.actors, ACCOUNT, vec![item], &HashSet::new()).await?;
    Ok(new)
}
