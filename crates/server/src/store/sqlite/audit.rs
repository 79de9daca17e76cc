//! The audit log on SQLite (append-only: the schema's triggers refuse UPDATE and DELETE) and
//! the retention purge.

use pf_sync::{AuditEntry, AuditQuery};
use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::ctx::{json, to_json, user_id};
use super::{privacy, settings};
use crate::store::model::{DAY_MS, MAX_AUDIT, u};
use crate::store::{AuditRecord, PurgeReport, Result, from_ms, to_ms};

/// Appends one entry; its sequence number.
pub(super) fn append(conn: &Connection, now: OffsetDateTime, r: &AuditRecord) -> Result<u64> {
    let seq: i64 = conn
        .prepare_cached(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)
             RETURNING seq",
        )?
        .query_row(
            params![
                to_ms(now),
                r.actor.as_ref().map(|a| a.as_str()),
                r.action,
                r.target,
                to_json(&r.detail)?
            ],
            |row| row.get(0),
        )?;
    Ok(u(seq))
}

/// Entries after `since`, oldest first, filtered by action and actor.
pub(super) fn query(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let since = i64::try_from(q.since.unwrap_or(0)).unwrap_or(i64::MAX);
    let limit = q.limit.unwrap_or(MAX_AUDIT).min(MAX_AUDIT);
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, action, target, detail FROM audit_log
         WHERE seq > ?1 AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR actor = ?3)
         ORDER BY seq LIMIT ?4",
    )?;
    let actor = q.actor.as_deref().map(str::to_lowercase);
    let mut rows = stmt.query(params![since, q.action, actor, limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let actor: Option<String> = r.get(2)?;
        out.push(AuditEntry {
            seq: u(r.get(0)?),
            at: from_ms(r.get(1)?),
            actor: actor.as_deref().map(user_id).transpose()?,
            action: r.get(3)?,
            target: r.get(4)?,
            detail: json(&r.get::<_, String>(5)?, "audit detail")?,
        });
    }
    Ok(out)
}

/// Deletes usage older than the policy keeps it, leases and settled reservations older than a
/// day; completes privacy requests no live laptop is left to report on; audits the counts.
pub(super) fn purge(conn: &Connection, now: OffsetDateTime) -> Result<PurgeReport> {
    let policy = settings::retention(conn)?;
    let now_ms = to_ms(now);
    let usage = if policy.usage_days == 0 {
        0
    } else {
        let cutoff = now_ms - i64::from(policy.usage_days) * DAY_MS;
        conn.execute("DELETE FROM usage WHERE at < ?1", [cutoff])?
    };
    let leases = conn.execute(
        "DELETE FROM leases WHERE created_at < ?1",
        [now_ms - DAY_MS],
    )?;
    let reservations = conn.execute(
        "DELETE FROM reservations WHERE created_at < ?1 AND (state <> 'open' OR expires_at < ?1)",
        [now_ms - DAY_MS],
    )?;
    let report = PurgeReport {
        usage: usage as u64,
        leases: leases as u64,
        reservations: reservations as u64,
        privacy_completed: privacy::complete_abandoned(conn, now)?,
    };
    let detail = serde_json::json!({
        "usage": report.usage, "leases": report.leases, "reservations": report.reservations,
        "privacy_completed": report.privacy_completed, "usage_days": policy.usage_days,
    });
    append(
        conn,
        now,
        &AuditRecord::new(None, "retention.purge", "retention", detail),
    )?;
    Ok(report)
}
