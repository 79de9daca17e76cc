//! Budgets, reservations and their settlement, and usage records. Every
//! check-then-write here runs inside one `IMMEDIATE` transaction on the single writer, so two
//! reservations can never both see the same headroom.

use pf_core::{TeamId, UserId};
use pf_sync::{
    BudgetAlert, BudgetInput, BudgetView, Reservation, ReservationId, Settlement, SettlementState,
    UsageAck, UsageRecord,
};
use rusqlite::{Connection, OptionalExtension, params};
use time::{Duration, OffsetDateTime};

use super::ctx::{Ctx, parse, user_id};
use super::feed::{ALERT, BUDGET, SEP, fanout, touch_me};
use crate::ServerError;
use crate::policy::Audience;
use crate::store::model::{i, u};
use crate::store::{ReserveArgs, Result, SettleArgs, from_ms, month_of, to_ms};

pub(super) fn put_budget(conn: &Connection, team: TeamId, b: BudgetInput) -> Result<()> {
    if b.alert_threshold_pct > 100 {
        return Err(ServerError::Invalid(
            "alert_threshold_pct must be 0..=100".into(),
        ));
    }
    let members: Vec<String> = conn
        .prepare_cached("SELECT id FROM users WHERE team_id = ?1")?
        .query_map([team.to_string()], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let exists = conn
        .query_row(
            "SELECT 1 FROM teams WHERE id = ?1",
            [team.to_string()],
            |_| Ok(()),
        )
        .optional()?;
    if exists.is_none() {
        return Err(ServerError::NotFound(format!("team {team}")));
    }
    conn.execute(
        "INSERT INTO budgets (team_id, monthly_limit_micros, alert_threshold_pct, hard_cap_micros, offline_allowance_micros)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (team_id) DO UPDATE SET monthly_limit_micros = excluded.monthly_limit_micros,
             alert_threshold_pct = excluded.alert_threshold_pct, hard_cap_micros = excluded.hard_cap_micros,
             offline_allowance_micros = excluded.offline_allowance_micros",
        params![
            team.to_string(),
            i(b.monthly_limit_micros)?,
            b.alert_threshold_pct,
            i(b.hard_cap_micros)?,
            i(b.offline_allowance_micros)?
        ],
    )?;
    let ctx = Ctx::load(conn)?;
    fanout(
        conn,
        &ctx.actors,
        BUDGET,
        &team.to_string(),
        &Audience::Budget(team),
        &|_| true,
    )?;
    let members = members
        .iter()
        .map(|m| user_id(m))
        .collect::<Result<Vec<_>>>()?;
    touch_me(conn, &members)
}

fn spent(conn: &Connection, team: TeamId, month: &str) -> Result<u64> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT spent_micros FROM spend WHERE team_id = ?1 AND month = ?2")?
        .query_row(params![team.to_string(), month], |r| r.get(0))
        .optional()?;
    Ok(v.map_or(0, u))
}

fn reserved(conn: &Connection, team: TeamId, month: &str, now: OffsetDateTime) -> Result<u64> {
    let v: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(amount_micros), 0) FROM reservations
             WHERE team_id = ?1 AND state = 'open' AND expires_at > ?3 AND month = ?2",
        )?
        .query_row(params![team.to_string(), month, to_ms(now)], |r| r.get(0))?;
    Ok(u(v))
}

/// The team's budget and this month's spend, or `None` without a budget.
pub(super) fn budget(
    conn: &Connection,
    team: TeamId,
    now: OffsetDateTime,
) -> Result<Option<BudgetView>> {
    let row = conn
        .prepare_cached(
            "SELECT monthly_limit_micros, alert_threshold_pct, hard_cap_micros, offline_allowance_micros
             FROM budgets WHERE team_id = ?1",
        )?
        .query_row([team.to_string()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u8>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)))
        .optional()?;
    let Some((limit, pct, cap, offline)) = row else {
        return Ok(None);
    };
    let month = month_of(now);
    Ok(Some(BudgetView {
        team,
        spent_micros: spent(conn, team, &month)?,
        reserved_micros: reserved(conn, team, &month, now)?,
        month,
        monthly_limit_micros: u(limit),
        alert_threshold_pct: pct,
        hard_cap_micros: u(cap),
        offline_allowance_micros: u(offline),
    }))
}

pub(super) fn budget_teams(conn: &Connection) -> Result<Vec<TeamId>> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT team_id FROM budgets ORDER BY team_id")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    ids.iter().map(|s| parse(s, "team id")).collect()
}

pub(super) fn budgets(conn: &Connection, now: OffsetDateTime) -> Result<Vec<BudgetView>> {
    let mut out = Vec::new();
    for team in budget_teams(conn)? {
        out.extend(budget(conn, team, now)?);
    }
    Ok(out)
}

/// Holds `amount` from the team's budget if spend + open reservations + amount stay within the
/// hard cap.
pub(super) fn reserve(conn: &Connection, a: ReserveArgs) -> Result<Reservation> {
    let cap: Option<i64> = conn
        .prepare_cached("SELECT hard_cap_micros FROM budgets WHERE team_id = ?1")?
        .query_row([a.team.to_string()], |r| r.get(0))
        .optional()?;
    let cap = u(cap.ok_or(ServerError::NoBudget)?);
    let month = month_of(a.now);
    let used = spent(conn, a.team, &month)?.saturating_add(reserved(conn, a.team, &month, a.now)?);
    let available = cap.saturating_sub(used);
    if a.amount_micros > available {
        return Err(ServerError::OverCap {
            requested: a.amount_micros,
            available,
        });
    }
    let id = ReservationId::new();
    let expires_at = a.now + Duration::seconds(i64::from(a.ttl_secs.clamp(1, 3600)));
    conn.prepare_cached(
        "INSERT INTO reservations (id, team_id, user_id, source, endpoint, month, amount_micros, state, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9)",
    )?
    .execute(params![
        id.to_string(),
        a.team.to_string(),
        a.user.as_str(),
        a.source,
        a.endpoint,
        month,
        i(a.amount_micros)?,
        to_ms(a.now),
        to_ms(expires_at)
    ])?;
    Ok(Reservation {
        id,
        team: a.team,
        amount_micros: a.amount_micros,
        expires_at,
        remaining_micros: available - a.amount_micros,
    })
}

/// Adds committed spend; alerts the team's managers the first time the month crosses the alert
/// threshold. Returns the month's spend and whether this crossed it.
fn add_spend(
    conn: &Connection,
    team: TeamId,
    month: &str,
    amount: u64,
    now: OffsetDateTime,
) -> Result<(u64, bool)> {
    let (total, alerted): (i64, bool) = conn
        .prepare_cached(
            "INSERT INTO spend (team_id, month, spent_micros) VALUES (?1, ?2, ?3)
             ON CONFLICT (team_id, month) DO UPDATE SET spent_micros = spent_micros + excluded.spent_micros
             RETURNING spent_micros, alerted",
        )?
        .query_row(params![team.to_string(), month, i(amount)?], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let total = u(total);
    let limits: Option<(i64, u8)> = conn
        .query_row(
            "SELECT monthly_limit_micros, alert_threshold_pct FROM budgets WHERE team_id = ?1",
            [team.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let ctx = Ctx::load(conn)?;
    let crossed = match limits {
        Some((limit, pct)) if !alerted && limit > 0 => {
            u128::from(total) * 100 >= u128::from(u(limit)) * u128::from(pct)
        }
        _ => false,
    };
    if crossed {
        let (limit, pct) = limits.unwrap_or((0, 0));
        conn.execute(
            "UPDATE spend SET alerted = 1 WHERE team_id = ?1 AND month = ?2",
            params![team.to_string(), month],
        )?;
        conn.execute(
            "INSERT OR REPLACE INTO alerts (team_id, month, spent_micros, monthly_limit_micros, threshold_pct, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![team.to_string(), month, i(total)?, limit, pct, to_ms(now)],
        )?;
        let key = format!("{team}{SEP}{month}");
        fanout(
            conn,
            &ctx.actors,
            ALERT,
            &key,
            &Audience::Alert(team),
            &|_| true,
        )?;
    }
    if amount > 0 && limits.is_some() {
        fanout(
            conn,
            &ctx.actors,
            BUDGET,
            &team.to_string(),
            &Audience::Budget(team),
            &|_| true,
        )?;
    }
    Ok((total, crossed))
}

pub(super) fn alert(conn: &Connection, key: &str) -> Result<Option<BudgetAlert>> {
    let Some((team, month)) = key.split_once(SEP) else {
        return Ok(None);
    };
    let team: TeamId = parse(team, "team id")?;
    conn.prepare_cached(
        "SELECT spent_micros, monthly_limit_micros, threshold_pct, at FROM alerts WHERE team_id = ?1 AND month = ?2",
    )?
    .query_row(params![team.to_string(), month], |r| {
        Ok(BudgetAlert {
            team,
            month: month.to_owned(),
            spent_micros: u(r.get(0)?),
            monthly_limit_micros: u(r.get(1)?),
            threshold_pct: r.get(2)?,
            at: from_ms(r.get(3)?),
        })
    })
    .optional()
    .map_err(Into::into)
}

/// Commits (with the actual cost, at most the amount held) or releases a reservation.
pub(super) fn settle(conn: &Connection, a: SettleArgs) -> Result<Settlement> {
    let row = conn
        .prepare_cached("SELECT team_id, user_id, month, amount_micros, state, expires_at FROM reservations WHERE id = ?1")?
        .query_row([a.reservation.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get::<_, String>(4)?, r.get::<_, i64>(5)?))
        })
        .optional()?;
    let Some((team, owner, month, amount, state, expires)) = row else {
        return Err(ServerError::NotFound(format!(
            "reservation {}",
            a.reservation
        )));
    };
    if user_id(&owner)? != a.user && !a.by_admin {
        return Err(ServerError::denied("settle another user's reservation"));
    }
    if state != "open" || expires <= to_ms(a.now) {
        return Err(ServerError::ReservationGone(a.reservation.to_string()));
    }
    let team: TeamId = parse(&team, "team id")?;
    let (state, charged) = match a.actual_micros {
        Some(actual) if actual > u(amount) => {
            return Err(ServerError::Invalid(format!(
                "actual cost {actual} is above the {} reserved; reserve the full price first",
                u(amount)
            )));
        }
        Some(actual) => (SettlementState::Committed, actual),
        None => (SettlementState::Released, 0),
    };
    let name = match state {
        SettlementState::Committed => "committed",
        SettlementState::Released => "released",
    };
    conn.execute(
        "UPDATE reservations SET state = ?2, charged_micros = ?3 WHERE id = ?1",
        params![a.reservation.to_string(), name, i(charged)?],
    )?;
    let (spent_micros, crossed_alert) = match state {
        SettlementState::Committed => add_spend(conn, team, &month, charged, a.now)?,
        SettlementState::Released => (spent(conn, team, &month)?, false),
    };
    Ok(Settlement {
        reservation: a.reservation,
        state,
        charged_micros: charged,
        spent_micros,
        crossed_alert,
    })
}

/// Stores usage records once each; records paid without a reservation add to the team's spend.
pub(super) fn record_usage(
    conn: &Connection,
    user: &UserId,
    team: Option<TeamId>,
    records: Vec<UsageRecord>,
    now: OffsetDateTime,
) -> Result<UsageAck> {
    let mut ack = UsageAck {
        accepted: 0,
        duplicates: 0,
    };
    for r in records {
        let n = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO usage (id, user_id, team_id, source, endpoint, domain, cost_micros, status,
                     duration_ms, at, reservation_id, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                r.id.to_string(),
                user.as_str(),
                team.map(|t| t.to_string()),
                r.source,
                r.endpoint,
                r.domain,
                i(r.cost_micros)?,
                r.status,
                i(r.duration_ms)?,
                to_ms(r.at),
                r.reservation.map(|x| x.to_string()),
                to_ms(now)
            ])?;
        if n == 0 {
            ack.duplicates += 1;
            continue;
        }
        ack.accepted += 1;
        if let (Some(team), None, true) = (team, r.reservation, r.cost_micros > 0) {
            add_spend(conn, team, &month_of(r.at), r.cost_micros, now)?;
        }
    }
    Ok(ack)
}
