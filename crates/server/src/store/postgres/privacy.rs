//! Privacy requests on PostgreSQL, statement for statement the SQLite ones: filing (acting on
//! `accounts` and `users` in the same transaction, under the writers' lock, and handing the
//! order to every user with a live token), laptops' reports, and completion, which drops the
//! subject from the request row and the order from the feed.

use deadpool_postgres::GenericClient;
use pf_core::{PrivacyKind, PrivacyRequestId, PrivacyStatus, UserId};
use pf_sync::{PrivacyOrder, PrivacyReport, PrivacyRequestInput, PrivacyRequestView};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use time::OffsetDateTime;
use tokio_postgres::Row;

use super::audit;
use super::ctx::{execute, query, query_one, query_opt};
use super::feed::{Rows, next_seqs, remove_item, resync, touch_me};
use crate::ServerError;
use crate::store::model::{PRIVACY, to_json, user_id};
use crate::store::privacy::{
    Filing, LaptopRow, REQUEST_COLUMNS, RequestRow, ServerWork, audit_detail, audit_target,
};
use crate::store::{AuditRecord, Result, to_ms};

fn request_row(r: &Row) -> Result<RequestRow> {
    Ok(RequestRow {
        id: r.try_get(0)?,
        kind: r.try_get(1)?,
        status: r.try_get(2)?,
        email: r.try_get(3)?,
        name: r.try_get(4)?,
        masked: r.try_get(5)?,
        correction: r.try_get(6)?,
        filed_by: r.try_get(7)?,
        filed_at: r.try_get(8)?,
        completed_at: r.try_get(9)?,
        server_records: r.try_get(10)?,
    })
}

async fn load<C: GenericClient>(c: &C, id: &str) -> Result<Option<RequestRow>> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM privacy_requests WHERE id = $1");
    query_opt(c, &sql, &[&id])
        .await?
        .map(|r| request_row(&r))
        .transpose()
}

async fn laptops<C: GenericClient>(c: &C, id: &str) -> Result<Vec<LaptopRow>> {
    query(
        c,
        "SELECT token_id, user_id, reported_at, records, export FROM privacy_laptops
         WHERE request_id = $1 ORDER BY user_id COLLATE \"C\", token_id COLLATE \"C\"",
        &[&id],
    )
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
        ))
    })
    .collect()
}

/// Acts on the server's own rows: every account's JSON and every user's display name.
async fn act<C: GenericClient>(c: &C, f: &Filing) -> Result<ServerWork> {
    let mut work = ServerWork::default();
    for r in query(c, "SELECT id, domain, attrs, deal_intel FROM accounts", &[]).await? {
        let (id, domain, attrs): (String, String, String) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        let intel: Option<String> = r.try_get(3)?;
        f.account(&mut work, &id, &domain, &attrs, intel.as_deref())?;
    }
    for r in query(c, "SELECT id, display_name FROM users", &[]).await? {
        let (id, display): (String, Option<String>) = (r.try_get(0)?, r.try_get(1)?);
        f.user(&mut work, &id, display.as_deref())?;
    }
    Ok(work)
}

/// Files a request: acts on the server's tables, records the laptops expected, sends the order.
pub(super) async fn file<C: GenericClient>(
    c: &C,
    input: PrivacyRequestInput,
    by: UserId,
    now: OffsetDateTime,
) -> Result<PrivacyRequestView> {
    let f = Filing::new(input, by)?;
    let work = act(c, &f).await?;
    let now_ms = to_ms(now);
    for a in &work.accounts {
        execute(
            c,
            "UPDATE accounts SET attrs = $2, deal_intel = $3, updated_at = $4 WHERE id = $1",
            &[&a.id, &a.attrs, &a.deal_intel, &now_ms],
        )
        .await?;
    }
    for (user, name) in &work.users {
        execute(
            c,
            "UPDATE users SET display_name = $2 WHERE id = $1",
            &[&user.as_str(), name],
        )
        .await?;
    }
    let id = f.id.to_string();
    let correction = f.correction.as_ref().map(to_json).transpose()?;
    execute(
        c,
        "INSERT INTO privacy_requests (id, kind, status, subject_email, subject_name,
             subject_masked, correction, filed_by, filed_at, completed_at, server_records,
             server_export)
         VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $8, NULL, $9, $10)",
        &[
            &id,
            &f.kind.as_str(),
            &f.subject.email(),
            &f.subject.name(),
            &f.subject.masked(),
            &correction,
            &f.filed_by.as_str(),
            &now_ms,
            &to_json(&work.records)?,
            &work.export(f.kind)?,
        ],
    )
    .await?;
    let expected = execute(
        c,
        "INSERT INTO privacy_laptops (request_id, token_id, user_id)
         SELECT $1, t.id, t.user_id FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE u.active AND (t.expires_at IS NULL OR t.expires_at > $2)",
        &[&id, &now_ms],
    )
    .await?;
    let record = AuditRecord::new(
        Some(&f.filed_by),
        "privacy.file",
        audit_target(&id),
        audit_detail(f.id, f.kind.as_str()),
    );
    audit::append(c, now, &record).await?;
    if expected > 0 {
        let users: BTreeSet<String> = laptops(c, &id).await?.into_iter().map(|l| l.1).collect();
        let seq = next_seqs(c, 1).await?;
        let mut rows = Rows::default();
        for u in &users {
            rows.push(&user_id(u)?, PRIVACY, &id, seq, false);
        }
        rows.write(c).await?;
    }
    if !work.accounts.is_empty() {
        let changed: HashSet<String> = work.accounts.iter().map(|a| a.id.clone()).collect();
        resync(c, &HashSet::new(), &changed).await?;
    }
    let renamed: Vec<UserId> = work.users.iter().map(|u| u.0.clone()).collect();
    touch_me(c, &renamed).await?;
    complete_if_done(c, &id, now, Some(&f.filed_by)).await?;
    view(c, &id)
        .await?
        .ok_or_else(|| ServerError::Internal("privacy request vanished".into()))
}

/// Stores a laptop's report (again: it replaces the first) and completes the request when no
/// expected laptop is left.
pub(super) async fn report<C: GenericClient>(
    c: &C,
    id: PrivacyRequestId,
    token: &str,
    report: PrivacyReport,
    now: OffsetDateTime,
) -> Result<PrivacyStatus> {
    let key = id.to_string();
    let row = load(c, &key)
        .await?
        .ok_or_else(|| ServerError::PrivacyNotFound(key.clone()))?;
    let user: String = query_opt(
        c,
        "SELECT user_id FROM privacy_laptops WHERE request_id = $1 AND token_id = $2",
        &[&key, &token],
    )
    .await?
    .ok_or_else(|| ServerError::PrivacyNotExpected(key.clone()))?
    .try_get(0)?;
    if row.status()? == PrivacyStatus::Completed {
        return Ok(PrivacyStatus::Completed);
    }
    let export = match (row.kind.parse::<PrivacyKind>(), report.export) {
        (Ok(PrivacyKind::Access), Some(v)) => Some(to_json(&v)?),
        _ => None,
    };
    execute(
        c,
        "UPDATE privacy_laptops SET reported_at = $3, records = $4, export = $5
         WHERE request_id = $1 AND token_id = $2",
        &[
            &key,
            &token,
            &to_ms(now),
            &to_json(&report.records)?,
            &export,
        ],
    )
    .await?;
    let actor = user_id(&user)?;
    Ok(if complete_if_done(c, &key, now, Some(&actor)).await? {
        PrivacyStatus::Completed
    } else {
        PrivacyStatus::Processing
    })
}

/// Completes the request when every expected laptop still live has reported (see the SQLite
/// twin). True when it is (now or already) completed.
async fn complete_if_done<C: GenericClient>(
    c: &C,
    id: &str,
    now: OffsetDateTime,
    actor: Option<&UserId>,
) -> Result<bool> {
    let Some(row) = load(c, id).await? else {
        return Ok(false);
    };
    if row.status()? == PrivacyStatus::Completed {
        return Ok(true);
    }
    let now_ms = to_ms(now);
    let waiting: i64 = query_one(
        c,
        "SELECT COUNT(*) FROM privacy_laptops l
         JOIN tokens t ON t.id = l.token_id JOIN users u ON u.id = l.user_id
         WHERE l.request_id = $1 AND l.reported_at IS NULL AND u.active
           AND (t.expires_at IS NULL OR t.expires_at > $2)",
        &[&id, &now_ms],
    )
    .await?
    .try_get(0)?;
    if waiting > 0 {
        return Ok(false);
    }
    execute(
        c,
        "UPDATE privacy_requests SET status = 'completed', completed_at = $2,
             subject_email = NULL, subject_name = NULL, correction = NULL WHERE id = $1",
        &[&id, &now_ms],
    )
    .await?;
    remove_item(c, PRIVACY, id).await?;
    let record = AuditRecord::new(
        actor,
        "privacy.complete",
        audit_target(id),
        audit_detail(row.id()?, &row.kind),
    );
    audit::append(c, now, &record).await?;
    Ok(true)
}

/// Completes every open request no live laptop is left to report on; how many.
pub(super) async fn complete_abandoned<C: GenericClient>(
    c: &C,
    now: OffsetDateTime,
) -> Result<u64> {
    let open = query(
        c,
        "SELECT id FROM privacy_requests WHERE status <> 'completed'",
        &[],
    )
    .await?;
    let mut n = 0;
    for r in open {
        let id: String = r.try_get(0)?;
        if complete_if_done(c, &id, now, None).await? {
            n += 1;
        }
    }
    Ok(n)
}

pub(super) async fn view<C: GenericClient>(c: &C, id: &str) -> Result<Option<PrivacyRequestView>> {
    match load(c, id).await? {
        Some(row) => Ok(Some(row.view(&laptops(c, id).await?)?)),
        None => Ok(None),
    }
}

pub(super) async fn views<C: GenericClient>(c: &C) -> Result<Vec<PrivacyRequestView>> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM privacy_requests ORDER BY filed_at DESC, id COLLATE \"C\" DESC"
    );
    let mut out = Vec::new();
    for r in query(c, &sql, &[]).await? {
        let row = request_row(&r)?;
        out.push(row.view(&laptops(c, &row.id).await?)?);
    }
    Ok(out)
}

pub(super) async fn export<C: GenericClient>(c: &C, id: PrivacyRequestId) -> Result<Value> {
    let key = id.to_string();
    let row = load(c, &key)
        .await?
        .ok_or_else(|| ServerError::PrivacyNotFound(key.clone()))?;
    let server: Option<String> = query_one(
        c,
        "SELECT server_export FROM privacy_requests WHERE id = $1",
        &[&key],
    )
    .await?
    .try_get(0)?;
    row.export(server.as_deref(), &laptops(c, &key).await?)
}

/// The order behind a feed row; `None` once the request completed.
pub(super) async fn order<C: GenericClient>(c: &C, id: &str) -> Result<Option<PrivacyOrder>> {
    match load(c, id).await? {
        Some(row) => row.order(),
        None => Ok(None),
    }
}

/// The tables a privacy request's subject can be in (besides the request itself).
const SUBJECT_TABLES: &str = "accounts, users, privacy_requests, privacy_laptops";

/// Rewrites the tables that held a completed request's subject. PostgreSQL keeps an updated
/// row's old version in the table file until a vacuum, and a plain vacuum only marks its space
/// free; `VACUUM FULL` writes each table anew and drops the old file, so the erased values are
/// in no table or index file afterwards (statistics are taken again, replacing any sample of
/// the old values). It locks the four tables for as long as the rewrite takes: milliseconds to
/// seconds, and erasures are rare. The write-ahead log keeps the old values until its segments
/// are recycled, as backups do until they expire.
pub(super) async fn compact<C: GenericClient>(c: &C) -> Result<()> {
    c.batch_execute(&format!("VACUUM (FULL, ANALYZE) {SUBJECT_TABLES}"))
        .await?;
    tracing::info!(
        tables = SUBJECT_TABLES,
        "tables that held an erased subject rewritten"
    );
    Ok(())
}
