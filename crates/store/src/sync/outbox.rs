//! The outbox: every call the engine logs while a sync server is configured also waits here
//! until the server has acknowledged it. Each record carries a stable id; the server counts an id
//! once, so a push retried after a lost answer never counts twice, and a record is marked pushed
//! only after the acknowledgement arrived, so nothing is lost when the server vanishes mid-push.
//!
//! Budget settlements (commit or release of a server reservation) that could not reach the
//! server wait in `sync_settlements` and are retried by the next sync.

use pf_core::{Domain, SourceId};
use rusqlite::params;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Store, StoreError, UsageRecord, UsageStatus, ts};

/// One usage record to push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The server's idempotency key.
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub source: SourceId,
    pub endpoint: String,
    pub domain: Option<Domain>,
    pub cost_micros: u64,
    pub status: UsageStatus,
    pub duration_ms: u64,
    /// The server reservation the call was paid from; `None` for free calls and calls paid from
    /// the offline allowance (the server adds those to the team's spend when they arrive).
    pub reservation: Option<Uuid>,
}

impl OutboxEntry {
    /// The outbox copy of a usage-log record, with a new id.
    pub fn new(rec: &UsageRecord, reservation: Option<Uuid>) -> Self {
        Self {
            id: Uuid::now_v7(),
            at: rec.at,
            source: rec.source.clone(),
            endpoint: rec.endpoint.clone(),
            domain: rec.domain.clone(),
            cost_micros: rec.cost_micros,
            status: rec.status,
            duration_ms: rec.duration_ms,
            reservation,
        }
    }
}

/// A commit (`actual_micros: Some`) or release (`None`) the server has not confirmed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSettlement {
    pub reservation: Uuid,
    pub actual_micros: Option<u64>,
}

fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("uuid `{text}`")))
}

impl Store {
    /// Appends a call to the usage log and to the outbox, in one transaction.
    pub fn log_usage_outboxed(
        &self,
        rec: &UsageRecord,
        entry: &OutboxEntry,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            self.log_usage(rec)?;
            conn.prepare_cached(
                "INSERT INTO sync_outbox (id, at, source, endpoint, domain, cost_micros, status,
                   duration_ms, reservation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                entry.id.to_string(),
                ts::format(entry.at),
                entry.source.as_str(),
                entry.endpoint,
                entry.domain.as_ref().map(Domain::as_str),
                int(entry.cost_micros),
                entry.status.as_str(),
                int(entry.duration_ms),
                entry.reservation.map(|r| r.to_string()),
            ])?;
            Ok(())
        })
    }

    /// Up to `limit` records not yet acknowledged, oldest first.
    pub fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, source, endpoint, domain, cost_micros, status, duration_ms, reservation
             FROM sync_outbox WHERE pushed_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                crate::row::texts::<4>(r)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ([id, at, source, endpoint], domain, cost, status, dur, reservation) = row?;
            out.push(OutboxEntry {
                id: uuid(&id)?,
                at: ts::parse(&at)?,
                source: SourceId::new(&source)
                    .map_err(|_| StoreError::Corrupt(format!("outbox source `{source}`")))?,
                endpoint,
                domain: domain.as_deref().map(crate::row::domain).transpose()?,
                cost_micros: u64::try_from(cost).unwrap_or(0),
                status: UsageStatus::parse(&status)?,
                duration_ms: u64::try_from(dur).unwrap_or(0),
                reservation: reservation.as_deref().map(uuid).transpose()?,
            });
        }
        Ok(out)
    }

    /// Marks records acknowledged by the server. Answers how many were still pending.
    pub fn mark_outbox_pushed(&self, ids: &[Uuid]) -> Result<u64, StoreError> {
        self.write(|conn| {
            let now = ts::format(ts::now());
            let mut stmt = conn.prepare_cached(
                "UPDATE sync_outbox SET pushed_at = ?2 WHERE id = ?1 AND pushed_at IS NULL",
            )?;
            let mut n = 0;
            for id in ids {
                n += stmt.execute(params![id.to_string(), now])? as u64;
            }
            Ok(n)
        })
    }

    /// Records waiting to be pushed, and records pushed.
    pub fn outbox_counts(&self) -> Result<(u64, u64), StoreError> {
        let (pending, pushed): (i64, i64) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE pushed_at IS NULL), count(*) FILTER (WHERE pushed_at IS NOT NULL)
             FROM sync_outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            u64::try_from(pending).unwrap_or(0),
            u64::try_from(pushed).unwrap_or(0),
        ))
    }

    /// What calls paid from the offline allowance cost that the server has not seen yet: the
    /// allowance is used up by this, and given back when the records are pushed.
    pub fn offline_spend_pending(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT coalesce(sum(cost_micros), 0) FROM sync_outbox
             WHERE pushed_at IS NULL AND reservation IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Keeps a settlement the server did not confirm, for the next sync to retry.
    pub fn add_pending_settlement(&self, s: PendingSettlement) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sync_settlements (reservation, actual_micros, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (reservation) DO UPDATE SET actual_micros = excluded.actual_micros",
            params![
                s.reservation.to_string(),
                s.actual_micros.map(int),
                ts::format(ts::now())
            ],
        )?;
        Ok(())
    }

    /// Settlements waiting for the server, oldest first.
    pub fn pending_settlements(&self) -> Result<Vec<PendingSettlement>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reservation, actual_micros FROM sync_settlements ORDER BY created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
        })?;
        rows.map(|row| {
            let (id, actual) = row?;
            Ok(PendingSettlement {
                reservation: uuid(&id)?,
                actual_micros: actual.map(|a| u64::try_from(a).unwrap_or(0)),
            })
        })
        .collect()
    }

    /// Forgets a settlement the server has answered.
    pub fn remove_pending_settlement(&self, reservation: Uuid) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM sync_settlements WHERE reservation = ?1",
            [reservation.to_string()],
        )?;
        Ok(())
    }
}
