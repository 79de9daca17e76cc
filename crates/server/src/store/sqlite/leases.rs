//! Rate-limit leases: fixed windows per source; within one window the grants of all laptops
//! together never exceed the source's limit (the check and the grant are one write transaction).

use pf_core::UserId;
use pf_sync::{Lease, LeaseId};
use rusqlite::{Connection, OptionalExtension, params};
use time::{Duration, OffsetDateTime};

use crate::store::model::u;
use crate::store::{Result, from_ms, to_ms};

/// Grants up to `calls` calls to `source` in the current window, within the source's limit.
pub(super) fn lease(
    conn: &Connection,
    user: &UserId,
    source: &str,
    calls: u32,
    now: OffsetDateTime,
) -> Result<Lease> {
    let limit: Option<(u32, u32)> = conn
        .prepare_cached("SELECT max_calls, window_secs FROM source_limits WHERE source = ?1")?
        .query_row([source], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let now_ms = to_ms(now);
    let Some((max, window)) = limit else {
        return Ok(Lease {
            id: LeaseId::new(),
            source: source.to_owned(),
            granted: calls,
            limit: None,
            window_secs: 60,
            window_ends_at: now + Duration::seconds(60),
            retry_after_ms: None,
        });
    };
    let window_ms = i64::from(window.max(1)) * 1000;
    let start = now_ms - now_ms.rem_euclid(window_ms);
    let end = start + window_ms;
    let used: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(granted), 0) FROM leases WHERE source = ?1 AND window_start = ?2",
        )?
        .query_row(params![source, start], |r| r.get(0))?;
    let left = u64::from(max).saturating_sub(u(used));
    let granted = u32::try_from(left.min(u64::from(calls))).unwrap_or(0);
    let id = LeaseId::new();
    if granted > 0 {
        conn.prepare_cached(
            "INSERT INTO leases (id, source, user_id, window_start, granted, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id.to_string(), source, user.as_str(), start, granted, now_ms])?;
    }
    Ok(Lease {
        id,
        source: source.to_owned(),
        granted,
        limit: Some(max),
        window_secs: window,
        window_ends_at: from_ms(end),
        retry_after_ms: (granted == 0).then(|| u(end - now_ms)),
    })
}
