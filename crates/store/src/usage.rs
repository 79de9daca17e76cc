//! The usage log: one row per external call (user, source, endpoint, domain, cost, status,
//! duration). Money is integer micro-dollars, never floats.

use pf_core::{Domain, SourceId, UserId};
use rusqlite::params;
use serde::Serialize;
use time::OffsetDateTime;

use crate::{Store, StoreError, ts};

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageStatus {
    Ok,
    Error,
    RateLimited,
    Timeout,
    BudgetRefused,
    CircuitOpen,
}

impl UsageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UsageStatus::Ok => "ok",
            UsageStatus::Error => "error",
            UsageStatus::RateLimited => "rate_limited",
            UsageStatus::Timeout => "timeout",
            UsageStatus::BudgetRefused => "budget_refused",
            UsageStatus::CircuitOpen => "circuit_open",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "ok" => UsageStatus::Ok,
            "error" => UsageStatus::Error,
            "rate_limited" => UsageStatus::RateLimited,
            "timeout" => UsageStatus::Timeout,
            "budget_refused" => UsageStatus::BudgetRefused,
            "circuit_open" => UsageStatus::CircuitOpen,
            other => return Err(StoreError::Corrupt(format!("usage status `{other}`"))),
        })
    }
}

/// One external call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub user: UserId,
    pub source: SourceId,
    pub endpoint: String,
    pub domain: Option<Domain>,
    pub cost_micros: u64,
    pub status: UsageStatus,
    pub duration_ms: u64,
}

impl Store {
    /// Appends a call to the usage log.
    pub fn log_usage(&self, rec: &UsageRecord) -> Result<(), StoreError> {
        let cost = i64::try_from(rec.cost_micros)
            .map_err(|_| StoreError::Corrupt("cost out of range".into()))?;
        let dur = i64::try_from(rec.duration_ms).unwrap_or(i64::MAX);
        self.conn.prepare_cached(
            "INSERT INTO usage_log (at, user_id, source, endpoint, domain, cost_micros, status, duration_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?.execute(params![
            ts::format(rec.at), rec.user.as_str(), rec.source.as_str(), rec.endpoint,
            rec.domain.as_ref().map(Domain::as_str), cost, rec.status.as_str(), dur
        ])?;
        Ok(())
    }

    /// Calls at or after `since`, oldest first.
    pub fn usage_since(&self, since: OffsetDateTime) -> Result<Vec<UsageRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, user_id, source, endpoint, domain, cost_micros, status, duration_ms
             FROM usage_log WHERE at >= ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([ts::format(since)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, user, source, endpoint, domain, cost, status, dur) = row?;
            let corrupt = |what: &str| StoreError::Corrupt(what.to_owned());
            out.push(UsageRecord {
                at: ts::parse(&at)?,
                user: UserId::new(&user).map_err(|_| corrupt("usage user"))?,
                source: SourceId::new(&source).map_err(|_| corrupt("usage source"))?,
                endpoint,
                domain: domain
                    .as_deref()
                    .map(Domain::parse)
                    .transpose()
                    .map_err(|_| corrupt("usage domain"))?,
                cost_micros: u64::try_from(cost).map_err(|_| corrupt("usage cost"))?,
                status: UsageStatus::parse(&status)?,
                duration_ms: u64::try_from(dur).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// Total cost in micro-dollars of the calls at or after `since`.
    pub fn usage_cost_since(&self, since: OffsetDateTime) -> Result<u64, StoreError> {
        let total: i64 = self.conn.query_row(
            "SELECT coalesce(sum(cost_micros), 0) FROM usage_log WHERE at >= ?1",
            [ts::format(since)],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(total).unwrap_or(0))
    }
}
