//! Budgets, reservations and their settlement, and committed spend, on PostgreSQL.
//!
//! The hard cap holds under any concurrency because every transaction that changes a team's
//! committed spend or open reservations locks the team's `budgets` row first
//! (`SELECT ... FOR UPDATE`): a reservation sums spend and open holds only once it holds that
//! lock, in one statement, and inserts its hold before releasing it at commit. Settling also
//! runs under the writers' lock (it fans the budget out), which it always takes before the row.

use deadpool_postgres::GenericClient;
use pf_core::TeamId;
use pf_sync::{
    BudgetAlert, BudgetInput, BudgetView, Reservation, ReservationId, Settlement, SettlementState,
};
use std::collections::HashSet;
use time::{Duration, OffsetDateTime};
use tokio_postgres::Row;

use super::ctx::{self, execute, query, query_one, query_opt};
use super::feed::{Item, fanout, touch_me};
use super::people::members_of;
use crate::ServerError;
use crate::policy::Audience;
use crate::store::model::{ALERT, BUDGET, SEP, i, parse, u, user_id};
use crate::store::{ReserveArgs, Result, SettleArgs, from_ms, month_of, to_ms};

pub(super) async fn put_budget<C: GenericClient>(
    c: &C,
    team: TeamId,
    b: BudgetInput,
) -> Result<()> {
    if b.alert_threshold_pct > 100 {
        return Err(ServerError::Invalid(
            "alert_threshold_pct must be 0..=100".into(),
        ));
    }
    if query_opt(c, "SELECT 1 FROM teams WHERE id = $1", &[&team.to_string()])
        .await?
        .is_none()
    {
        return Err(ServerError::NotFound(format!("team {team}")));
    }
    let members = members_of(c, team).await?;
    execute(
        c,
        "INSERT INTO budgets (team_id, monthly_limit_micros, alert_threshold_pct, hard_cap_micros,
             offline_allowance_micros)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (team_id) DO UPDATE SET monthly_limit_micros = excluded.monthly_limit_micros,
             alert_threshold_pct = excluded.alert_threshold_pct,
             hard_cap_micros = excluded.hard_cap_micros,
             offline_allowance_micros = excluded.offline_allowance_micros",
        &[
            &team.to_string(),
            &i(b.monthly_limit_micros)?,
            &i16::from(b.alert_threshold_pct),
            &i(b.hard_cap_micros)?,
            &i(b.offline_allowance_micros)?,
        ],
    )
    .await?;
    let ctx = ctx::load(c).await?;
    let item = Item::changed(team.to_string(), Audience::Budget(team));
    fanout(c, &ctx.actors, BUDGET, vec![item], &HashSet::new()).await?;
    touch_me(c, &members).await
}

/// Budgets with this month's spend and open holds: `$1` the month, `$2` now (ms).
const BUDGET_VIEW: &str = "SELECT b.team_id, b.monthly_limit_micros, b.alert_threshold_pct,
        b.hard_cap_micros, b.offline_allowance_micros,
        COALESCE((SELECT s.spent_micros FROM spend s
            WHERE s.team_id = b.team_id AND s.month = $1), 0),
        COALESCE((SELECT SUM(r.amount_micros) FROM reservations r
            WHERE r.team_id = b.team_id AND r.state = 'open' AND r.expires_at > $2
              AND r.month = $1), 0)::bigint
    FROM budgets b";

fn budget_view(r: &Row, month: &str) -> Result<BudgetView> {
    Ok(BudgetView {
        team: parse(r.try_get(0)?, "team id")?,
        month: month.to_owned(),
        monthly_limit_micros: u(r.try_get(1)?),
        alert_threshold_pct: u8::try_from(r.try_get::<_, i16>(2)?).unwrap_or(100),
        hard_cap_micros: u(r.try_get(3)?),
        offline_allowance_micros: u(r.try_get(4)?),
        spent_micros: u(r.try_get(5)?),
        reserved_micros: u(r.try_get(6)?),
    })
}

/// The team's budget and this month's spend, or `None` without a budget.
pub(super) async fn budget<C: GenericClient>(
    c: &C,
    team: TeamId,
    now: OffsetDateTime,
) -> Result<Option<BudgetView>> {
    let month = month_of(now);
    let sql = format!("{BUDGET_VIEW} WHERE b.team_id = $3");
    query_opt(c, &sql, &[&month, &to_ms(now), &team.to_string()])
        .await?
        .map(|r| budget_view(&r, &month))
        .transpose()
}

pub(super) async fn budgets<C: GenericClient>(
    c: &C,
    now: OffsetDateTime,
) -> Result<Vec<BudgetView>> {
    let month = month_of(now);
    let sql = format!("{BUDGET_VIEW} ORDER BY b.team_id COLLATE \"C\"");
    query(c, &sql, &[&month, &to_ms(now)])
        .await?
        .iter()
        .map(|r| budget_view(r, &month))
        .collect()
}

pub(super) async fn budget_teams<C: GenericClient>(c: &C) -> Result<Vec<TeamId>> {
    query(
        c,
        "SELECT team_id FROM budgets ORDER BY team_id COLLATE \"C\"",
        &[],
    )
    .await?
    .iter()
    .map(|r| parse(r.try_get(0)?, "team id"))
    .collect()
}

async fn spent<C: GenericClient>(c: &C, team: TeamId, month: &str) -> Result<u64> {
    Ok(query_opt(
        c,
        "SELECT spent_micros FROM spend WHERE team_id = $1 AND month = $2",
        &[&team.to_string(), &month],
    )
    .await?
    .map(|r| r.try_get(0))
    .transpose()?
    .map_or(0, u))
}

/// Holds `amount` from the team's budget if spend + open reservations + amount stay within the
/// hard cap. Locks the budget row for the rest of the transaction.
pub(super) async fn reserve<C: GenericClient>(c: &C, a: ReserveArgs) -> Result<Reservation> {
    let team = a.team.to_string();
    let cap: i64 = query_opt(
        c,
        "SELECT hard_cap_micros FROM budgets WHERE team_id = $1 FOR UPDATE",
        &[&team],
    )
    .await?
    .ok_or(ServerError::NoBudget)?
    .try_get(0)?;
    let month = month_of(a.now);
    let used: i64 = query_one(
        c,
        "SELECT COALESCE((SELECT spent_micros FROM spend WHERE team_id = $1 AND month = $2), 0)
              + COALESCE((SELECT SUM(amount_micros) FROM reservations
                  WHERE team_id = $1 AND state = 'open' AND expires_at > $3 AND month = $2), 0)::bigint",
        &[&team, &month, &to_ms(a.now)],
    )
    .await?
    .try_get(0)?;
    let available = u(cap).saturating_sub(u(used));
    if a.amount_micros > available {
        return Err(ServerError::OverCap {
            requested: a.amount_micros,
            available,
        });
    }
    let id = ReservationId::new();
    let expires_at = a.now + Duration::seconds(i64::from(a.ttl_secs.clamp(1, 3600)));
    execute(
        c,
        "INSERT INTO reservations (id, team_id, user_id, source, endpoint, month, amount_micros,
             state, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)",
        &[
            &id.to_string(),
            &team,
            &a.user.as_str(),
            &a.source,
            &a.endpoint,
            &month,
            &i(a.amount_micros)?,
            &to_ms(a.now),
            &to_ms(expires_at),
        ],
    )
    .await?;
    Ok(Reservation {
        id,
        team: a.team,
        amount_micros: a.amount_micros,
        expires_at,
        remaining_micros: available - a.amount_micros,
    })
}

/// Adds committed spend, `amounts` in the order they were incurred, under the budget row's lock;
/// alerts the team's managers the first time the month crosses the alert threshold (the alert
/// carries the spend at the crossing). Returns the month's spend and whether this crossed it.
pub(super) async fn add_spend<C: GenericClient>(
    c: &C,
    team: TeamId,
    month: &str,
    amounts: &[u64],
    now: OffsetDateTime,
) -> Result<(u64, bool)> {
    let limits: Option<(i64, i16)> = query_opt(
        c,
        "SELECT monthly_limit_micros, alert_threshold_pct FROM budgets WHERE team_id = $1 FOR UPDATE",
        &[&team.to_string()],
    )
    .await?
    .map(|r| Ok::<_, tokio_postgres::Error>((r.try_get(0)?, r.try_get(1)?)))
    .transpose()?;
    let sum = amounts.iter().fold(0u64, |s, a| s.saturating_add(*a));
    let row = query_one(
        c,
        "INSERT INTO spend (team_id, month, spent_micros) VALUES ($1, $2, $3)
         ON CONFLICT (team_id, month) DO UPDATE SET spent_micros = spend.spent_micros + excluded.spent_micros
         RETURNING spent_micros, alerted",
        &[&team.to_string(), &month, &i(sum)?],
    )
    .await?;
    let (total, alerted): (i64, bool) = (row.try_get(0)?, row.try_get(1)?);
    let total = u(total);
    let crossing = match limits {
        Some((limit, pct)) if !alerted && limit > 0 => {
            let threshold = u128::from(u(limit)) * u128::from(u(i64::from(pct)));
            let mut acc = total.saturating_sub(sum);
            amounts.iter().find_map(|a| {
                acc = acc.saturating_add(*a);
                (u128::from(acc) * 100 >= threshold).then_some(acc)
            })
        }
        _ => None,
    };
    let ctx = match (crossing.is_some(), sum > 0 && limits.is_some()) {
        (false, false) => None,
        _ => Some(ctx::load(c).await?),
    };
    if let (Some(at_crossing), Some((limit, pct)), Some(ctx)) = (crossing, limits, &ctx) {
        execute(
            c,
            "UPDATE spend SET alerted = TRUE WHERE team_id = $1 AND month = $2",
            &[&team.to_string(), &month],
        )
        .await?;
        execute(
            c,
            "INSERT INTO alerts (team_id, month, spent_micros, monthly_limit_micros, threshold_pct, at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (team_id, month) DO UPDATE SET spent_micros = excluded.spent_micros,
                 monthly_limit_micros = excluded.monthly_limit_micros,
                 threshold_pct = excluded.threshold_pct, at = excluded.at",
            &[&team.to_string(), &month, &i(at_crossing)?, &limit, &pct, &to_ms(now)],
        )
        .await?;
        let item = Item::changed(format!("{team}{SEP}{month}"), Audience::Alert(team));
        fanout(c, &ctx.actors, ALERT, vec![item], &HashSet::new()).await?;
    }
    if let (true, Some(ctx)) = (sum > 0 && limits.is_some(), &ctx) {
        let item = Item::changed(team.to_string(), Audience::Budget(team));
        fanout(c, &ctx.actors, BUDGET, vec![item], &HashSet::new()).await?;
    }
    Ok((total, crossing.is_some()))
}

pub(super) async fn alert<C: GenericClient>(c: &C, key: &str) -> Result<Option<BudgetAlert>> {
    let Some((team, month)) = key.split_once(SEP) else {
        return Ok(None);
    };
    let team: TeamId = parse(team, "team id")?;
    let Some(r) = query_opt(
        c,
        "SELECT spent_micros, monthly_limit_micros, threshold_pct, at FROM alerts
         WHERE team_id = $1 AND month = $2",
        &[&team.to_string(), &month],
    )
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(BudgetAlert {
        team,
        month: month.to_owned(),
        spent_micros: u(r.try_get(0)?),
        monthly_limit_micros: u(r.try_get(1)?),
        threshold_pct: u8::try_from(r.try_get::<_, i16>(2)?).unwrap_or(100),
        at: from_ms(r.try_get(3)?),
    }))
}

/// Commits (with the actual cost, at most the amount held) or releases a reservation.
pub(super) async fn settle<C: GenericClient>(c: &C, a: SettleArgs) -> Result<Settlement> {
    let Some(r) = query_opt(
        c,
        "SELECT team_id, user_id, month, amount_micros, state, expires_at FROM reservations
         WHERE id = $1 FOR UPDATE",
        &[&a.reservation.to_string()],
    )
    .await?
    else {
        return Err(ServerError::NotFound(format!(
            "reservation {}",
            a.reservation
        )));
    };
    let (month, amount, state, expires): (String, i64, String, i64) =
        (r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?);
    if user_id(r.try_get(1)?)? != a.user && !a.by_admin {
        return Err(ServerError::denied("settle another user's reservation"));
    }
    if state != "open" || expires <= to_ms(a.now) {
        return Err(ServerError::ReservationGone(a.reservation.to_string()));
    }
    let team: TeamId = parse(r.try_get(0)?, "team id")?;
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
    execute(
        c,
        "UPDATE reservations SET state = $2, charged_micros = $3 WHERE id = $1",
        &[&a.reservation.to_string(), &name, &i(charged)?],
    )
    .await?;
    let (spent_micros, crossed_alert) = match state {
        SettlementState::Committed => add_spend(c, team, &month, &[charged], a.now).await?,
        SettlementState::Released => (spent(c, team, &month).await?, false),
    };
    Ok(Settlement {
        reservation: a.reservation,
        state,
        charged_micros: charged,
        spent_micros,
        crossed_alert,
    })
}
