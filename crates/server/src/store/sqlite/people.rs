//! Users, tokens, the caller's identity, and teams.

use pf_core::{Actor, TeamId, UserId};
use pf_sync::{Me, Team, User, UserInput};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;

use super::ctx::{parse, role, user_id};
use super::feed::resync;
use crate::ServerError;
use crate::store::model::{DEFAULT_OFFLINE_ALLOWANCE, check_name};
use crate::store::{Result, StoredToken, TokenGrant, from_ms, to_ms};

fn user_from_row(r: &rusqlite::Row<'_>) -> Result<User> {
    let team: Option<String> = r.get(2)?;
    Ok(User {
        id: user_id(&r.get::<_, String>(0)?)?,
        role: role(&r.get::<_, String>(1)?)?,
        team: team.map(|t| parse(&t, "team id")).transpose()?,
        display_name: r.get(3)?,
        active: r.get(4)?,
    })
}

fn get_user(conn: &Connection, id: &UserId) -> Result<Option<User>> {
    conn.prepare_cached("SELECT id, role, team_id, display_name, active FROM users WHERE id = ?1")?
        .query_row([id.as_str()], |r| Ok(user_from_row(r)))
        .optional()?
        .transpose()
}

fn team_exists(conn: &Connection, team: TeamId) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM teams WHERE id = ?1",
            [team.to_string()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Creates or replaces a user (and reactivates them); their feed is rebuilt.
pub(super) fn put_user(conn: &Connection, input: UserInput) -> Result<User> {
    if let Some(team) = input.team
        && !team_exists(conn, team)?
    {
        return Err(ServerError::Invalid(format!("no team {team}")));
    }
    conn.execute(
        "INSERT INTO users (id, role, team_id, display_name, active) VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT (id) DO UPDATE SET role = excluded.role, team_id = excluded.team_id,
             display_name = excluded.display_name, active = 1",
        params![
            input.id.as_str(),
            input.role.as_str(),
            input.team.map(|t| t.to_string()),
            input.display_name
        ],
    )?;
    resync(conn, &HashSet::from([input.id.clone()]), &HashSet::new())?;
    get_user(conn, &input.id)?.ok_or_else(|| ServerError::Internal("user vanished".into()))
}

/// Deactivates a user: their tokens stop working and they receive nothing more.
pub(super) fn deactivate_user(conn: &Connection, id: &UserId) -> Result<User> {
    let n = conn.execute("UPDATE users SET active = 0 WHERE id = ?1", [id.as_str()])?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("user {id}")));
    }
    conn.execute("DELETE FROM tokens WHERE user_id = ?1", [id.as_str()])?;
    // Privacy requests that waited only for this user's laptops are done.
    super::privacy::complete_abandoned(conn, time::OffsetDateTime::now_utc())?;
    get_user(conn, id)?.ok_or_else(|| ServerError::NotFound(format!("user {id}")))
}

pub(super) fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, role, team_id, display_name, active FROM users ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(user_from_row(r)?);
    }
    Ok(out)
}

pub(super) fn insert_token(conn: &Connection, t: &StoredToken) -> Result<()> {
    if get_user(conn, &t.user)?.is_none_or(|u| !u.active) {
        return Err(ServerError::NotFound(format!("user {}", t.user)));
    }
    conn.execute(
        "INSERT INTO tokens (id, user_id, hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            t.id,
            t.user.as_str(),
            t.hash,
            to_ms(time::OffsetDateTime::now_utc()),
            t.expires_at.map(to_ms)
        ],
    )
    .map_err(|e| ServerError::from_write(e, "token"))?;
    Ok(())
}

/// The token with this id and its user as an actor (with territories).
pub(super) fn find_token(conn: &Connection, id: &str) -> Result<Option<TokenGrant>> {
    let row = conn
        .prepare_cached(
            "SELECT t.user_id, t.hash, t.expires_at, u.role, u.team_id, u.active
             FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })
        .optional()?;
    let Some((user, hash, expires, role_name, team, active)) = row else {
        return Ok(None);
    };
    let user = user_id(&user)?;
    let actor = if active {
        let team = team.map(|t| parse(&t, "team id")).transpose()?;
        Some(
            Actor::new(user.clone(), role(&role_name)?, team)
                .with_territories(territory_names(conn, &user)?),
        )
    } else {
        None
    };
    Ok(Some(TokenGrant {
        token: StoredToken {
            id: id.to_owned(),
            user,
            hash,
            expires_at: expires.map(from_ms),
        },
        actor,
    }))
}

fn territory_names(conn: &Connection, user: &UserId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM territories WHERE owner = ?1
         UNION SELECT t.name FROM territories t JOIN territory_members m ON m.territory_id = t.id
         WHERE m.user_id = ?1 ORDER BY 1",
    )?;
    let names = stmt
        .query_map([user.as_str()], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(names)
}

/// The user's identity as `/v1/me` shows it; `None` for unknown or deactivated users.
pub(super) fn me(conn: &Connection, id: &UserId) -> Result<Option<Me>> {
    let Some(user) = get_user(conn, id)?.filter(|u| u.active) else {
        return Ok(None);
    };
    let (team_name, allowance) = match user.team {
        Some(team) => conn
            .query_row(
                "SELECT t.name, b.offline_allowance_micros FROM teams t
                 LEFT JOIN budgets b ON b.team_id = t.id WHERE t.id = ?1",
                [team.to_string()],
                |r| Ok((Some(r.get::<_, String>(0)?), r.get::<_, Option<i64>>(1)?)),
            )
            .optional()?
            .unwrap_or((None, None)),
        None => (None, None),
    };
    Ok(Some(Me {
        territories: territory_names(conn, id)?,
        user: user.id,
        role: user.role,
        team: user.team,
        team_name,
        display_name: user.display_name,
        offline_allowance_micros: allowance.map_or(DEFAULT_OFFLINE_ALLOWANCE, |a| a.max(0) as u64),
    }))
}

pub(super) fn create_team(conn: &Connection, name: &str) -> Result<Team> {
    let team = Team {
        id: TeamId::new(),
        name: check_name(name)?,
    };
    conn.execute(
        "INSERT INTO teams (id, name) VALUES (?1, ?2)",
        params![team.id.to_string(), team.name],
    )
    .map_err(|e| ServerError::from_write(e, "team name"))?;
    Ok(team)
}

pub(super) fn rename_team(conn: &Connection, id: TeamId, name: &str) -> Result<Team> {
    let team = Team {
        id,
        name: check_name(name)?,
    };
    let n = conn
        .execute(
            "UPDATE teams SET name = ?2 WHERE id = ?1",
            params![id.to_string(), team.name],
        )
        .map_err(|e| ServerError::from_write(e, "team name"))?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("team {id}")));
    }
    let members = members_of(conn, id)?;
    resync(conn, &members, &HashSet::new())?;
    Ok(team)
}

fn members_of(conn: &Connection, team: TeamId) -> Result<HashSet<UserId>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM users WHERE team_id = ?1")?;
    let ids = stmt
        .query_map([team.to_string()], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    ids.iter().map(|s| user_id(s)).collect()
}

/// Deletes a team: its members keep their accounts but lose the team (and its budget).
pub(super) fn delete_team(conn: &Connection, id: TeamId) -> Result<Team> {
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM teams WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let name = name.ok_or_else(|| ServerError::NotFound(format!("team {id}")))?;
    let members = members_of(conn, id)?;
    conn.execute("DELETE FROM teams WHERE id = ?1", [id.to_string()])?;
    super::feed::remove_item(conn, super::feed::BUDGET, &id.to_string())?;
    resync(conn, &members, &HashSet::new())?;
    Ok(Team { id, name })
}

pub(super) fn list_teams(conn: &Connection) -> Result<Vec<Team>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM teams ORDER BY name")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Team {
            id: parse(&r.get::<_, String>(0)?, "team id")?,
            name: r.get(1)?,
        });
    }
    Ok(out)
}
