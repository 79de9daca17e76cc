//! The audit log on PostgreSQL (append-only: the schema's trigger refuses UPDATE, DELETE and
//! TRUNCATE) and the retention purge, as on SQLite.

use deadpool_postgres::GenericClient;
use pf_sync::{AuditEntry, AuditQuery};
use time::OffsetDateTime;

use super::ctx::{execute, query, query_one};
use super::{privacy, settings};
use crate::store::model::{DAY_MS, MAX_AUDIT, json, to_json, u, user_id};
use crate::store::{AuditRecord, PurgeReport, Result, from_ms, to_ms};

/// Appends one entry; its sequence number. Callers hold the writers' lock, so sequence order is
/// commit order and `since` paging never skips an entry.
pub(super) async fn append<C: GenericClient>(
    c: &C,
    now: OffsetDateTime,
    r: &AuditRecord,
) -> Result<u64> {
    let seq: i64 = query_one(
        c,
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)
         RETURNING seq",
        &[
            &to_ms(now),
            &r.actor.as_ref().map(|a| a.as_str()),
            &r.action,
            &r.target,
            &to_json(&r.detail)?,
        ],
    )
    .await?
    .try_get(0)?;
    Ok(u(seq))
}

/// Entries after `since`, oldest first, filtered by action and actor.
pub(super) async fn query_log<C: GenericClient>(c: &C, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let since = i64::try_from(q.since.unwrap_or(0)).unwrap_or(i64::MAX);
    let limit = i64::from(q.limit.unwrap_or(MAX_AUDIT).min(MAX_AUDIT));
    let actor = q.actor.as_deref().map(str::to_lowercase);
    let rows = query(
        c,
        "SELECT seq, at, actor, action, target, detail FROM audit_log
         WHERE seq > $1 AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR actor = $3)
         ORDER BY seq LIMIT $4",
        &[&since, &q.action, &actor, &limit],
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let actor: Option<String> = r.try_get(2)?;
        out.push(AuditEntry {
            seq: u(r.try_get(0)?),
            at: from_ms(r.try_get(1)?),
            actor: actor.as_deref().map(user_id).transpose()?,
            action: r.try_get(3)?,
            target: r.try_get(4)?,
            detail: json(r.try_get(5)?, "audit detail")?,
        });
    }
    Ok(out)
}

/// Deletes usage older than the policy keeps it, leases and settled reservations older than a
/// day; completes privacy requests no live laptop is left to report on; audits the counts.
pub(super) async fn purge<C: GenericClient>(c: &C, now: OffsetDateTime) -> Result<PurgeReport> {
    let policy = settings::retention(c).await?;
    let now_ms = to_ms(now);
    let usage = if policy.usage_days == 0 {
        0
    } else {
        let cutoff = now_ms - i64::from(policy.usage_days) * DAY_MS;
        execute(c, "DELETE FROM usage WHERE at < $1", &[&cutoff]).await?
    };
    let day_ago = now_ms - DAY_MS;
    let leases = execute(c, "DELETE FROM leases WHERE created_at < $1", &[&day_ago]).await?;
    let reservations = execute(
        c,
        "DELETE FROM reservations WHERE created_at < $1 AND (state <> 'open' OR expires_at < $1)",
        &[&day_ago],
    )
    .await?;
    let report = PurgeReport {
        usage,
        leases,
        reservations,
        privacy_completed: privacy::complete_abandoned(c, now).await?,
    };
    let detail = serde_json::json!({
        "usage": report.usage, "leases": report.leases, "reservations": report.reservations,
        "privacy_completed": report.privacy_completed, "usage_days": policy.usage_days,
    });
    append(
        c,
        now,
        &AuditRecord::new(None, "retention.purge", "retention", detail),
    )
    .await?;
    Ok(report)
}
