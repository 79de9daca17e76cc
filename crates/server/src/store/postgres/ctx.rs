//! Query helpers (every statement prepared once per connection and cached) and loading [`Ctx`]
//! and account rows from PostgreSQL. Names sort with `COLLATE "C"` (byte order), as SQLite
//! sorts them, so both backends try territory rules in the same order and list alike.

use deadpool_postgres::GenericClient;
use pf_core::{AccountId, TerritoryId};
use pf_sync::{SyncedAccount, Territory, TerritoryRule};
use std::collections::HashMap;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::store::Result;
use crate::store::model::{ACCOUNT_COLUMNS, AccountRow, Ctx, UserRow, json, parse, role, user_id};

/// Statement parameters.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Every row of `sql`.
pub(super) async fn query<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query(&stmt, params).await?)
}

/// The one row of `sql`, or `None`.
pub(super) async fn query_opt<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&stmt, params).await?)
}

/// The one row of `sql` (an error when there is none).
pub(super) async fn query_one<C: GenericClient>(
    c: &C,
    sql: &str,
    params: Params<'_>,
) -> Result<Row> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_one(&stmt, params).await?)
}

/// Runs `sql`; the number of rows it changed.
pub(super) async fn execute<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> Result<u64> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.execute(&stmt, params).await?)
}

/// Users, actors and territories as of now (in a write: as of this transaction). The three reads
/// are pipelined on the connection.
pub(super) async fn load<C: GenericClient>(c: &C) -> Result<Ctx> {
    let (territory_rows, member_rows, user_rows) = tokio::try_join!(
        query(
            c,
            "SELECT id, name, owner, rule, priority FROM territories
             ORDER BY priority DESC, name COLLATE \"C\"",
            &[],
        ),
        query(
            c,
            "SELECT territory_id, user_id FROM territory_members ORDER BY user_id COLLATE \"C\"",
            &[],
        ),
        query(
            c,
            "SELECT id, role, team_id, active FROM users ORDER BY id COLLATE \"C\"",
            &[],
        ),
    )?;
    let mut territories = Vec::with_capacity(territory_rows.len());
    for r in &territory_rows {
        territories.push(Territory {
            id: parse(r.try_get(0)?, "territory id")?,
            name: r.try_get(1)?,
            owner: user_id(r.try_get(2)?)?,
            members: Vec::new(),
            rule: json::<TerritoryRule>(r.try_get(3)?, "territory rule")?,
            priority: r.try_get(4)?,
        });
    }
    let mut members = Vec::with_capacity(member_rows.len());
    for r in &member_rows {
        let tid: TerritoryId = parse(r.try_get(0)?, "territory id")?;
        members.push((tid, user_id(r.try_get(1)?)?));
    }
    let mut users = Vec::with_capacity(user_rows.len());
    for r in &user_rows {
        users.push(UserRow {
            id: user_id(r.try_get(0)?)?,
            role: role(r.try_get(1)?)?,
            team: r
                .try_get::<_, Option<&str>>(2)?
                .map(|t| parse(t, "team id"))
                .transpose()?,
            active: r.try_get(3)?,
        });
    }
    Ok(Ctx::build(territories, members, users))
}

/// An [`AccountRow`] from a row of [`ACCOUNT_COLUMNS`].
pub(super) fn account_row(r: &Row) -> Result<AccountRow> {
    AccountRow::parse(
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
    )
}

/// One account row.
pub(super) async fn account_row_by_id<C: GenericClient>(
    c: &C,
    id: AccountId,
) -> Result<Option<AccountRow>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
    query_opt(c, &sql, &[&id.to_string()])
        .await?
        .map(|r| account_row(&r))
        .transpose()
}

/// One account, in full.
pub(super) async fn load_account<C: GenericClient>(
    c: &C,
    ctx: &Ctx,
    id: AccountId,
) -> Result<Option<SyncedAccount>> {
    Ok(account_row_by_id(c, id).await?.map(|r| ctx.account(r)))
}

/// The accounts with these ids (those that exist), in full, by id.
pub(super) async fn load_accounts<C: GenericClient>(
    c: &C,
    ctx: &Ctx,
    ids: &[String],
) -> Result<HashMap<AccountId, SyncedAccount>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // A join rather than `id = ANY($1)`: a generic plan tests a parameter array row by row.
    let sql =
        format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN (SELECT UNNEST($1::text[]))");
    let mut out = HashMap::with_capacity(ids.len());
    for r in query(c, &sql, &[&ids]).await? {
        let a = ctx.account(account_row(&r)?);
        out.insert(a.id, a);
    }
    Ok(out)
}

/// Every account row, in id order.
pub(super) async fn all_accounts<C: GenericClient>(c: &C) -> Result<Vec<AccountRow>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id COLLATE \"C\"");
    query(c, &sql, &[]).await?.iter().map(account_row).collect()
}
