//! Organisation settings on PostgreSQL: the price list, per-source limits and the leases handed
//! out under them, feature flags and the retention policy. Each settings change is fanned out to
//! its audience. A lease locks its source's limit row, so the window's grants are summed and
//! extended atomically per source.

use deadpool_postgres::GenericClient;
use pf_core::{FeatureFlag, UserId};
use pf_sync::{Lease, LeaseId, PriceEntry, RetentionPolicy, SourceLimit};
use std::collections::HashSet;
use time::{Duration, OffsetDateTime};
use tokio_postgres::Row;

use super::ctx::{self, execute, query, query_one, query_opt};
use super::feed::{Item, fanout, remove_item};
use crate::ServerError;
use crate::policy::Audience;
use crate::store::model::{FLAG, LIMIT, PRICE, RETENTION, check_key, json, price_key, to_json, u};
use crate::store::{Result, from_ms, to_ms};

/// Fans one changed item out to its audience.
async fn send<C: GenericClient>(c: &C, kind: &str, key: String, audience: Audience) -> Result<()> {
    let ctx = ctx::load(c).await?;
    fanout(
        c,
        &ctx.actors,
        kind,
        vec![Item::changed(key, audience)],
        &HashSet::new(),
    )
    .await
}

pub(super) async fn put_price<C: GenericClient>(c: &C, p: PriceEntry) -> Result<PriceEntry> {
    check_key("source", &p.source)?;
    check_key("endpoint", &p.endpoint)?;
    let micros = i64::try_from(p.price_micros)
        .map_err(|_| ServerError::Invalid("price too large".into()))?;
    execute(
        c,
        "INSERT INTO prices (source, endpoint, price_micros) VALUES ($1, $2, $3)
         ON CONFLICT (source, endpoint) DO UPDATE SET price_micros = excluded.price_micros",
        &[&p.source, &p.endpoint, &micros],
    )
    .await?;
    send(
        c,
        PRICE,
        price_key(&p.source, &p.endpoint),
        Audience::Spenders,
    )
    .await?;
    Ok(p)
}

pub(super) async fn delete_price<C: GenericClient>(
    c: &C,
    source: &str,
    endpoint: &str,
) -> Result<PriceEntry> {
    let p = price(c, source, endpoint)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("price {source}/{endpoint}")))?;
    execute(
        c,
        "DELETE FROM prices WHERE source = $1 AND endpoint = $2",
        &[&source, &endpoint],
    )
    .await?;
    remove_item(c, PRICE, &price_key(source, endpoint)).await?;
    Ok(p)
}

fn price_row(r: &Row) -> Result<PriceEntry> {
    Ok(PriceEntry {
        source: r.try_get(0)?,
        endpoint: r.try_get(1)?,
        price_micros: u(r.try_get(2)?),
    })
}

pub(super) async fn price<C: GenericClient>(
    c: &C,
    source: &str,
    endpoint: &str,
) -> Result<Option<PriceEntry>> {
    query_opt(
        c,
        "SELECT source, endpoint, price_micros FROM prices WHERE source = $1 AND endpoint = $2",
        &[&source, &endpoint],
    )
    .await?
    .map(|r| price_row(&r))
    .transpose()
}

pub(super) async fn prices<C: GenericClient>(c: &C) -> Result<Vec<PriceEntry>> {
    query(
        c,
        "SELECT source, endpoint, price_micros FROM prices
         ORDER BY source COLLATE \"C\", endpoint COLLATE \"C\"",
        &[],
    )
    .await?
    .iter()
    .map(price_row)
    .collect()
}

fn u32_of(v: i64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| ServerError::Corrupt(format!("{what} {v}")))
}

fn limit_row(r: &Row) -> Result<SourceLimit> {
    Ok(SourceLimit {
        source: r.try_get(0)?,
        max_calls: u32_of(r.try_get(1)?, "max_calls")?,
        window_secs: u32_of(r.try_get(2)?, "window_secs")?,
    })
}

pub(super) async fn put_limit<C: GenericClient>(c: &C, l: SourceLimit) -> Result<SourceLimit> {
    check_key("source", &l.source)?;
    if l.window_secs == 0 || l.window_secs > 86_400 {
        return Err(ServerError::Invalid("window_secs must be 1..=86400".into()));
    }
    execute(
        c,
        "INSERT INTO source_limits (source, max_calls, window_secs) VALUES ($1, $2, $3)
         ON CONFLICT (source) DO UPDATE SET max_calls = excluded.max_calls,
             window_secs = excluded.window_secs",
        &[
            &l.source,
            &i64::from(l.max_calls),
            &i64::from(l.window_secs),
        ],
    )
    .await?;
    send(c, LIMIT, l.source.clone(), Audience::Spenders).await?;
    Ok(l)
}

pub(super) async fn limit<C: GenericClient>(c: &C, source: &str) -> Result<Option<SourceLimit>> {
    query_opt(
        c,
        "SELECT source, max_calls, window_secs FROM source_limits WHERE source = $1",
        &[&source],
    )
    .await?
    .map(|r| limit_row(&r))
    .transpose()
}

pub(super) async fn limits<C: GenericClient>(c: &C) -> Result<Vec<SourceLimit>> {
    query(
        c,
        "SELECT source, max_calls, window_secs FROM source_limits ORDER BY source COLLATE \"C\"",
        &[],
    )
    .await?
    .iter()
    .map(limit_row)
    .collect()
}

/// Grants up to `calls` calls to `source` in the current window, within the source's limit.
pub(super) async fn lease<C: GenericClient>(
    c: &C,
    user: &UserId,
    source: &str,
    calls: u32,
    now: OffsetDateTime,
) -> Result<Lease> {
    let row = query_opt(
        c,
        "SELECT source, max_calls, window_secs FROM source_limits WHERE source = $1 FOR UPDATE",
        &[&source],
    )
    .await?;
    let Some(limit) = row.map(|r| limit_row(&r)).transpose()? else {
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
    let now_ms = to_ms(now);
    let window_ms = i64::from(limit.window_secs.max(1)) * 1000;
    let start = now_ms - now_ms.rem_euclid(window_ms);
    let end = start + window_ms;
    let used: i64 = query_one(
        c,
        "SELECT COALESCE(SUM(granted), 0)::bigint FROM leases WHERE source = $1 AND window_start = $2",
        &[&source, &start],
    )
    .await?
    .try_get(0)?;
    let left = u64::from(limit.max_calls).saturating_sub(u(used));
    let granted = u32::try_from(left.min(u64::from(calls))).unwrap_or(0);
    let id = LeaseId::new();
    if granted > 0 {
        execute(
            c,
            "INSERT INTO leases (id, source, user_id, window_start, granted, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id.to_string(),
                &source,
                &user.as_str(),
                &start,
                &i64::from(granted),
                &now_ms,
            ],
        )
        .await?;
    }
    Ok(Lease {
        id,
        source: source.to_owned(),
        granted,
        limit: Some(limit.max_calls),
        window_secs: limit.window_secs,
        window_ends_at: from_ms(end),
        retry_after_ms: (granted == 0).then(|| u(end - now_ms)),
    })
}

pub(super) async fn put_flag<C: GenericClient>(c: &C, f: FeatureFlag) -> Result<FeatureFlag> {
    check_key("flag key", &f.key)?;
    execute(
        c,
        "INSERT INTO flags (key, flag) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET flag = excluded.flag",
        &[&f.key, &to_json(&f)?],
    )
    .await?;
    send(c, FLAG, f.key.clone(), Audience::Everyone).await?;
    Ok(f)
}

pub(super) async fn delete_flag<C: GenericClient>(c: &C, key: &str) -> Result<FeatureFlag> {
    let f = flag(c, key)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("flag {key}")))?;
    execute(c, "DELETE FROM flags WHERE key = $1", &[&key]).await?;
    remove_item(c, FLAG, key).await?;
    Ok(f)
}

pub(super) async fn flag<C: GenericClient>(c: &C, key: &str) -> Result<Option<FeatureFlag>> {
    query_opt(c, "SELECT flag FROM flags WHERE key = $1", &[&key])
        .await?
        .map(|r| json(r.try_get(0)?, "flag"))
        .transpose()
}

pub(super) async fn flags<C: GenericClient>(c: &C) -> Result<Vec<FeatureFlag>> {
    query(c, "SELECT flag FROM flags ORDER BY key COLLATE \"C\"", &[])
        .await?
        .iter()
        .map(|r| json(r.try_get(0)?, "flag"))
        .collect()
}

pub(super) async fn put_retention<C: GenericClient>(
    c: &C,
    p: RetentionPolicy,
) -> Result<RetentionPolicy> {
    execute(
        c,
        "INSERT INTO retention (id, policy) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET policy = excluded.policy",
        &[&to_json(&p)?],
    )
    .await?;
    send(c, RETENTION, RETENTION.to_owned(), Audience::Everyone).await?;
    Ok(p)
}

/// The retention policy; the default until an admin sets one.
pub(super) async fn retention<C: GenericClient>(c: &C) -> Result<RetentionPolicy> {
    match query_opt(c, "SELECT policy FROM retention WHERE id = 1", &[]).await? {
        Some(r) => json(r.try_get(0)?, "retention policy"),
        None => Ok(RetentionPolicy::default()),
    }
}
