//! Privacy requests on SQLite: filing one (acting on `accounts` and `users` in the same
//! transaction and handing the order to every user with a live token), laptops' reports, and
//! completion, which drops the subject from the request row and the order from the feed.

use pf_core::{PrivacyKind, PrivacyRequestId, PrivacyStatus, UserId};
use pf_sync::{PrivacyOrder, PrivacyReport, PrivacyRequestInput, PrivacyRequestView};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use time::OffsetDateTime;

use super::audit;
use super::ctx::{to_json, user_id};
use super::feed::{PRIVACY, next_seq, remove_item, resync, touch_me, upsert};
use crate::ServerError;
use crate::store::privacy::{
    Filing, LaptopRow, REQUEST_COLUMNS, RequestRow, ServerWork, audit_detail, audit_target,
};
use crate::store::{AuditRecord, Result, to_ms};

fn request_row(r: &Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        status: r.get(2)?,
        email: r.get(3)?,
        name: r.get(4)?,
        masked: r.get(5)?,
        correction: r.get(6)?,
        filed_by: r.get(7)?,
        filed_at: r.get(8)?,
        completed_at: r.get(9)?,
        server_records: r.get(10)?,
    })
}

fn load(conn: &Connection, id: &str) -> Result<Option<RequestRow>> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM privacy_requests WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], request_row)
        .optional()?)
}

fn laptops(conn: &Connection, id: &str) -> Result<Vec<LaptopRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT token_id, user_id, reported_at, records, export FROM privacy_laptops
         WHERE request_id = ?1 ORDER BY user_id, token_id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Acts on the server's own rows: every account's JSON and every user's display name.
fn act(conn: &Connection, f: &Filing) -> Result<ServerWork> {
    let mut work = ServerWork::default();
    let mut stmt = conn.prepare_cached("SELECT id, domain, attrs, deal_intel FROM accounts")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, domain, attrs): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let intel: Option<String> = r.get(3)?;
        f.account(&mut work, &id, &domain, &attrs, intel.as_deref())?;
    }
    let mut stmt = conn.prepare_cached("SELECT id, display_name FROM users")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, display): (String, Option<String>) = (r.get(0)?, r.get(1)?);
        f.user(&mut work, &id, display.as_deref())?;
    }
    Ok(work)
}

/// Files a request: acts on the server's tables, records the laptops expected, sends the order.
pub(super) fn file(
    conn: &Connection,
    input: PrivacyRequestInput,
    by: UserId,
    now: OffsetDateTime,
) -> Result<PrivacyRequestView> {
    let f = Filing::new(input, by)?;
    let work = act(conn, &f)?;
    let now_ms = to_ms(now);
    for a in &work.accounts {
        conn.execute(
            "UPDATE accounts SET attrs = ?2, deal_intel = ?3, updated_at = ?4 WHERE id = ?1",
            params![a.id, a.attrs, a.deal_intel, now_ms],
        )?;
    }
    for (user, name) in &work.users {
        conn.execute(
            "UPDATE users SET display_name = ?2 WHERE id = ?1",
            params![user.as_str(), name],
        )?;
    }
    let id = f.id.to_string();
    let correction = f.correction.as_ref().map(to_json).transpose()?;
    conn.execute(
        "INSERT INTO privacy_requests (id, kind, status, subject_email, subject_name,
             subject_masked, correction, filed_by, filed_at, completed_at, server_records,
             server_export)
         VALUES (?1, ?2, 'processing', ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10)",
        params![
            id,
            f.kind.as_str(),
            f.subject.email(),
            f.subject.name(),
            f.subject.masked(),
            correction,
            f.filed_by.as_str(),
            now_ms,
            to_json(&work.records)?,
            work.export(f.kind)?,
        ],
    )?;
    let expected = conn.execute(
        "INSERT INTO privacy_laptops (request_id, token_id, user_id)
         SELECT ?1, t.id, t.user_id FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE u.active = 1 AND (t.expires_at IS NULL OR t.expires_at > ?2)",
        params![id, now_ms],
    )?;
    audit::append(
        conn,
        now,
        &AuditRecord::new(
            Some(&f.filed_by),
            "privacy.file",
            audit_target(&id),
            audit_detail(f.id, f.kind.as_str()),
        ),
    )?;
    if expected > 0 {
        let users: BTreeSet<String> = laptops(conn, &id)?.into_iter().map(|l| l.1).collect();
        let seq = next_seq(conn)?;
        for u in &users {
            upsert(conn, &user_id(u)?, PRIVACY, &id, seq, false)?;
        }
    }
    if !work.accounts.is_empty() {
        let changed: HashSet<String> = work.accounts.iter().map(|a| a.id.clone()).collect();
        resync(conn, &HashSet::new(), &changed)?;
    }
    let renamed: Vec<UserId> = work.users.iter().map(|u| u.0.clone()).collect();
    touch_me(conn, &renamed)?;
    complete_if_done(conn, &id, now, Some(&f.filed_by))?;
    view(conn, &id)?.ok_or_else(|| ServerError::Internal("privacy request vanished".into()))
}

/// Stores a laptop's report (again: it replaces the first) and completes the request when no
/// expected laptop is left.
pub(super) fn report(
    conn: &Connection,
    id: PrivacyRequestId,
    token: &str,
    report: PrivacyReport,
    now: OffsetDateTime,
) -> Result<PrivacyStatus> {
    let key = id.to_string();
    let row = load(conn, &key)?.ok_or_else(|| ServerError::PrivacyNotFound(key.clone()))?;
    let user: Option<String> = conn
        .prepare_cached(
            "SELECT user_id FROM privacy_laptops WHERE request_id = ?1 AND token_id = ?2",
        )?
        .query_row([&key, token], |r| r.get(0))
        .optional()?;
    let user = user.ok_or_else(|| ServerError::PrivacyNotExpected(key.clone()))?;
    if row.status()? == PrivacyStatus::Completed {
        return Ok(PrivacyStatus::Completed);
    }
    let export = match (row.kind.parse::<PrivacyKind>(), report.export) {
        (Ok(PrivacyKind::Access), Some(v)) => Some(to_json(&v)?),
        _ => None,
    };
    conn.execute(
        "UPDATE privacy_laptops SET reported_at = ?3, records = ?4, export = ?5
         WHERE request_id = ?1 AND token_id = ?2",
        params![key, token, to_ms(now), to_json(&report.records)?, export],
    )?;
    let actor = user_id(&user)?;
    Ok(if complete_if_done(conn, &key, now, Some(&actor))? {
        PrivacyStatus::Completed
    } else {
        PrivacyStatus::Processing
    })
}

/// Completes the request when every expected laptop still live has reported: the subject leaves
/// the row (only the masked form stays), the order leaves the feed, `privacy.complete` is
/// audited. True when it is (now or already) completed.
fn complete_if_done(
    conn: &Connection,
    id: &str,
    now: OffsetDateTime,
    actor: Option<&UserId>,
) -> Result<bool> {
    let Some(row) = load(conn, id)? else {
        return Ok(false);
    };
    if row.status()? == PrivacyStatus::Completed {
        return Ok(true);
    }
    let waiting: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM privacy_laptops l
             JOIN tokens t ON t.id = l.token_id JOIN users u ON u.id = l.user_id
             WHERE l.request_id = ?1 AND l.reported_at IS NULL AND u.active = 1
               AND (t.expires_at IS NULL OR t.expires_at > ?2)",
        )?
        .query_row(params![id, to_ms(now)], |r| r.get(0))?;
    if waiting > 0 {
        return Ok(false);
    }
    conn.execute(
        "UPDATE privacy_requests SET status = 'completed', completed_at = ?2,
             subject_email = NULL, subject_name = NULL, correction = NULL WHERE id = ?1",
        params![id, to_ms(now)],
    )?;
    remove_item(conn, PRIVACY, id)?;
    audit::append(
        conn,
        now,
        &AuditRecord::new(
            actor,
            "privacy.complete",
            audit_target(id),
            audit_detail(row.id()?, &row.kind),
        ),
    )?;
    Ok(true)
}

/// Completes every open request no live laptop is left to report on (tokens revoked or
/// expired, users deleted); how many.
pub(super) fn complete_abandoned(conn: &Connection, now: OffsetDateTime) -> Result<u64> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM privacy_requests WHERE status <> 'completed'")?;
    let open = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut n = 0;
    for id in open {
        if complete_if_done(conn, &id, now, None)? {
            n += 1;
        }
    }
    Ok(n)
}

pub(super) fn view(conn: &Connection, id: &str) -> Result<Option<PrivacyRequestView>> {
    match load(conn, id)? {
        Some(row) => Ok(Some(row.view(&laptops(conn, id)?)?)),
        None => Ok(None),
    }
}

pub(super) fn views(conn: &Connection) -> Result<Vec<PrivacyRequestView>> {
    let sql =
        format!("SELECT {REQUEST_COLUMNS} FROM privacy_requests ORDER BY filed_at DESC, id DESC");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], request_row)?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|row| row.view(&laptops(conn, &row.id)?))
        .collect()
}

pub(super) fn export(conn: &Connection, id: PrivacyRequestId) -> Result<Value> {
    let key = id.to_string();
    let row = load(conn, &key)?.ok_or_else(|| ServerError::PrivacyNotFound(key.clone()))?;
    let server: Option<String> = conn
        .prepare_cached("SELECT server_export FROM privacy_requests WHERE id = ?1")?
        .query_row([&key], |r| r.get(0))?;
    row.export(server.as_deref(), &laptops(conn, &key)?)
}

/// The order behind a feed row; `None` once the request completed.
pub(super) fn order(conn: &Connection, id: &str) -> Result<Option<PrivacyOrder>> {
    match load(conn, id)? {
        Some(row) => row.order(),
        None => Ok(None),
    }
}
