//! Loading [`Ctx`] and account rows from SQLite. The types and parsing helpers themselves are
//! shared with the PostgreSQL store (`crate::store::model`).

use pf_core::{AccountId, TerritoryId};
use pf_sync::{SyncedAccount, Territory, TerritoryRule};
use rusqlite::{Connection, OptionalExtension, Row};

use crate::store::Result;
use crate::store::model::UserRow;
pub(crate) use crate::store::model::{ACCOUNT_COLUMNS, AccountRow, Ctx};
pub(super) use crate::store::model::{json, parse, role, to_json, user_id};

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
        let mut members = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT territory_id, user_id FROM territory_members ORDER BY user_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let tid: TerritoryId = parse(&r.get::<_, String>(0)?, "territory id")?;
            members.push((tid, user_id(&r.get::<_, String>(1)?)?));
        }
        let mut users = Vec::new();
        let mut stmt =
            conn.prepare_cached("SELECT id, role, team_id, active FROM users ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            users.push(UserRow {
                id: user_id(&r.get::<_, String>(0)?)?,
                role: role(&r.get::<_, String>(1)?)?,
                team: match r.get::<_, Option<String>>(2)? {
                    Some(t) => Some(parse(&t, "team id")?),
                    None => None,
                },
                active: r.get(3)?,
            });
        }
        Ok(Ctx::build(territories, members, users))
    }
}

impl AccountRow {
    pub fn from_row(r: &Row<'_>) -> Result<Self> {
        let intel: Option<String> = r.get(4)?;
        let owner: Option<String> = r.get(5)?;
        let territory: Option<String> = r.get(6)?;
        AccountRow::parse(
            &r.get::<_, String>(0)?,
            &r.get::<_, String>(1)?,
            r.get(2)?,
            &r.get::<_, String>(3)?,
            intel.as_deref(),
            owner.as_deref(),
            territory.as_deref(),
            r.get(7)?,
        )
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
