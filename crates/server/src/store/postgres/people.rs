//! Users, tokens, the caller's identity, and teams, on PostgreSQL. The two reads on every request
//! (a token with its user's territories; `/v1/me`) are one statement each.

use deadpool_postgres::GenericClient;
use pf_core::{Actor, TeamId, UserId};
use pf_sync::{Me, Team, User, UserInput};
use std::collections::HashSet;
use tokio_postgres::Row;

use super::ctx::{execute, query, query_opt};
use super::feed::{remove_item, resync};
use crate::ServerError;
use crate::store::model::{BUDGET, DEFAULT_OFFLINE_ALLOWANCE, check_name, parse, role, u, user_id};
use crate::store::{Result, StoredToken, TokenGrant, from_ms, to_ms};

/// The names of the territories a user owns or works, sorted: an SQL expression over `u.id`.
const TERRITORY_NAMES: &str = "ARRAY(SELECT n FROM (
        SELECT name AS n FROM territories WHERE owner = u.id
        UNION SELECT t.name FROM territories t
            JOIN territory_members m ON m.territory_id = t.id WHERE m.user_id = u.id
    ) names ORDER BY n COLLATE \"C\")";

fn user_from_row(r: &Row) -> Result<User> {
    Ok(User {
        id: user_id(r.try_get(0)?)?,
        role: role(r.try_get(1)?)?,
        team: r
            .try_get::<_, Option<&str>>(2)?
            .map(|t| parse(t, "team id"))
            .transpose()?,
        display_name: r.try_get(3)?,
        active: r.try_get(4)?,
    })
}

async fn get_user<C: GenericClient>(c: &C, id: &UserId) -> Result<Option<User>> {
    query_opt(
        c,
        "SELECT id, role, team_id, display_name, active FROM users WHERE id = $1",
        &[&id.as_str()],
    )
    .await?
    .map(|r| user_from_row(&r))
    .transpose()
}

async fn team_exists<C: GenericClient>(c: &C, team: TeamId) -> Result<bool> {
    Ok(
        query_opt(c, "SELECT 1 FROM teams WHERE id = $1", &[&team.to_string()])
            .await?
            .is_some(),
    )
}

/// Creates or replaces a user (and reactivates them); their feed is rebuilt.
pub(super) async fn put_user<C: GenericClient>(c: &C, input: UserInput) -> Result<User> {
    if let Some(team) = input.team
        && !team_exists(c, team).await?
    {
        return Err(ServerError::Invalid(format!("no team {team}")));
    }
    execute(
        c,
        "INSERT INTO users (id, role, team_id, display_name, active) VALUES ($1, $2, $3, $4, TRUE)
         ON CONFLICT (id) DO UPDATE SET role = excluded.role, team_id = excluded.team_id,
             display_name = excluded.display_name, active = TRUE",
        &[
            &input.id.as_str(),
            &input.role.as_str(),
            &input.team.map(|t| t.to_string()),
            &input.display_name,
        ],
    )
    .await?;
    resync(c, &HashSet::from([input.id.clone()]), &HashSet::new()).await?;
    get_user(c, &input.id)
        .await?
        .ok_or_else(|| ServerError::Internal("user vanished".into()))
}

/// Deactivates a user: their tokens stop working and they receive nothing more.
pub(super) async fn deactivate_user<C: GenericClient>(c: &C, id: &UserId) -> Result<User> {
    let n = execute(
        c,
        "UPDATE users SET active = FALSE WHERE id = $1",
        &[&id.as_str()],
    )
    .await?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("user {id}")));
    }
    execute(c, "DELETE FROM tokens WHERE user_id = $1", &[&id.as_str()]).await?;
    // Privacy requests that waited only for this user's laptops are done.
    super::privacy::complete_abandoned(c, time::OffsetDateTime::now_utc()).await?;
    get_user(c, id)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("user {id}")))
}

pub(super) async fn list_users<C: GenericClient>(c: &C) -> Result<Vec<User>> {
    query(
        c,
        "SELECT id, role, team_id, display_name, active FROM users ORDER BY id COLLATE \"C\"",
        &[],
    )
    .await?
    .iter()
    .map(user_from_row)
    .collect()
}

pub(super) async fn insert_token<C: GenericClient>(c: &C, t: &StoredToken) -> Result<()> {
    if get_user(c, &t.user).await?.is_none_or(|u| !u.active) {
        return Err(ServerError::NotFound(format!("user {}", t.user)));
    }
    let stmt = c
        .prepare_cached(
            "INSERT INTO tokens (id, user_id, hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .await?;
    c.execute(
        &stmt,
        &[
            &t.id,
            &t.user.as_str(),
            &t.hash,
            &to_ms(time::OffsetDateTime::now_utc()),
            &t.expires_at.map(to_ms),
        ],
    )
    .await
    .map_err(|e| ServerError::from_pg_write(e, "token"))?;
    Ok(())
}

/// The token with this id and its user as an actor (with territories).
pub(super) async fn find_token<C: GenericClient>(c: &C, id: &str) -> Result<Option<TokenGrant>> {
    let sql = format!(
        "SELECT t.user_id, t.hash, t.expires_at, u.role, u.team_id, u.active, {TERRITORY_NAMES}
         FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1"
    );
    let Some(r) = query_opt(c, &sql, &[&id]).await? else {
        return Ok(None);
    };
    let user = user_id(r.try_get(0)?)?;
    let actor = if r.try_get::<_, bool>(5)? {
        let team = r
            .try_get::<_, Option<&str>>(4)?
            .map(|t| parse(t, "team id"))
            .transpose()?;
        Some(
            Actor::new(user.clone(), role(r.try_get(3)?)?, team)
                .with_territories(r.try_get::<_, Vec<String>>(6)?),
        )
    } else {
        None
    };
    Ok(Some(TokenGrant {
        token: StoredToken {
            id: id.to_owned(),
            user,
            hash: r.try_get(1)?,
            expires_at: r.try_get::<_, Option<i64>>(2)?.map(from_ms),
        },
        actor,
    }))
}

/// The user's identity as `/v1/me` shows it; `None` for unknown or deactivated users.
pub(super) async fn me<C: GenericClient>(c: &C, id: &UserId) -> Result<Option<Me>> {
    let sql = format!(
        "SELECT u.id, u.role, u.team_id, u.display_name, u.active, t.name,
                b.offline_allowance_micros, {TERRITORY_NAMES}
         FROM users u LEFT JOIN teams t ON t.id = u.team_id
             LEFT JOIN budgets b ON b.team_id = t.id
         WHERE u.id = $1 AND u.active"
    );
    let Some(r) = query_opt(c, &sql, &[&id.as_str()]).await? else {
        return Ok(None);
    };
    let user = user_from_row(&r)?;
    let allowance: Option<i64> = r.try_get(6)?;
    Ok(Some(Me {
        territories: r.try_get(7)?,
        user: user.id,
        role: user.role,
        team: user.team,
        team_name: r.try_get(5)?,
        display_name: user.display_name,
        offline_allowance_micros: allowance.map_or(DEFAULT_OFFLINE_ALLOWANCE, u),
    }))
}

pub(super) async fn create_team<C: GenericClient>(c: &C, name: &str) -> Result<Team> {
    let team = Team {
        id: TeamId::new(),
        name: check_name(name)?,
    };
    let stmt = c
        .prepare_cached("INSERT INTO teams (id, name) VALUES ($1, $2)")
        .await?;
    c.execute(&stmt, &[&team.id.to_string(), &team.name])
        .await
        .map_err(|e| ServerError::from_pg_write(e, "team name"))?;
    Ok(team)
}

pub(super) async fn rename_team<C: GenericClient>(c: &C, id: TeamId, name: &str) -> Result<Team> {
    let team = Team {
        id,
        name: check_name(name)?,
    };
    let stmt = c
        .prepare_cached("UPDATE teams SET name = $2 WHERE id = $1")
        .await?;
    let n = c
        .execute(&stmt, &[&id.to_string(), &team.name])
        .await
        .map_err(|e| ServerError::from_pg_write(e, "team name"))?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("team {id}")));
    }
    let members = members_of(c, id).await?;
    resync(c, &members.into_iter().collect(), &HashSet::new()).await?;
    Ok(team)
}

/// Every user of the team (deactivated ones too), in id order.
pub(super) async fn members_of<C: GenericClient>(c: &C, team: TeamId) -> Result<Vec<UserId>> {
    query(
        c,
        "SELECT id FROM users WHERE team_id = $1 ORDER BY id COLLATE \"C\"",
        &[&team.to_string()],
    )
    .await?
    .iter()
    .map(|r| user_id(r.try_get(0)?))
    .collect()
}

/// Deletes a team: its members keep their accounts but lose the team (and its budget).
pub(super) async fn delete_team<C: GenericClient>(c: &C, id: TeamId) -> Result<Team> {
    let name: String = query_opt(
        c,
        "SELECT name FROM teams WHERE id = $1",
        &[&id.to_string()],
    )
    .await?
    .ok_or_else(|| ServerError::NotFound(format!("team {id}")))?
    .try_get(0)?;
    let members = members_of(c, id).await?;
    execute(c, "DELETE FROM teams WHERE id = $1", &[&id.to_string()]).await?;
    remove_item(c, BUDGET, &id.to_string()).await?;
    resync(c, &members.into_iter().collect(), &HashSet::new()).await?;
    Ok(Team { id, name })
}

pub(super) async fn list_teams<C: GenericClient>(c: &C) -> Result<Vec<Team>> {
    query(
        c,
        "SELECT id, name FROM teams ORDER BY name COLLATE \"C\"",
        &[],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Team {
            id: parse(r.try_get(0)?, "team id")?,
            name: r.try_get(1)?,
        })
    })
    .collect()
}
