//! Organisation settings handed to every laptop: the price list, per-source limits, feature
//! flags and the retention policy. Each change is fanned out to its audience.

use pf_core::FeatureFlag;
use pf_sync::{PriceEntry, RetentionPolicy, SourceLimit};
use rusqlite::{Connection, OptionalExtension, params};

use super::ctx::{Ctx, json, to_json};
use super::feed::{FLAG, LIMIT, PRICE, RETENTION, fanout, remove_item};
use crate::ServerError;
use crate::policy::Audience;
use crate::store::Result;
use crate::store::model::{check_key, price_key};

pub(super) fn put_price(conn: &Connection, p: PriceEntry) -> Result<PriceEntry> {
    check_key("source", &p.source)?;
    check_key("endpoint", &p.endpoint)?;
    let micros = i64::try_from(p.price_micros)
        .map_err(|_| ServerError::Invalid("price too large".into()))?;
    conn.execute(
        "INSERT INTO prices (source, endpoint, price_micros) VALUES (?1, ?2, ?3)
         ON CONFLICT (source, endpoint) DO UPDATE SET price_micros = excluded.price_micros",
        params![p.source, p.endpoint, micros],
    )?;
    let ctx = Ctx::load(conn)?;
    fanout(
        conn,
        &ctx.actors,
        PRICE,
        &price_key(&p.source, &p.endpoint),
        &Audience::Spenders,
        &|_| true,
    )?;
    Ok(p)
}

pub(super) fn delete_price(conn: &Connection, source: &str, endpoint: &str) -> Result<PriceEntry> {
    let p = price(conn, source, endpoint)?
        .ok_or_else(|| ServerError::NotFound(format!("price {source}/{endpoint}")))?;
    conn.execute(
        "DELETE FROM prices WHERE source = ?1 AND endpoint = ?2",
        params![source, endpoint],
    )?;
    remove_item(conn, PRICE, &price_key(source, endpoint))?;
    Ok(p)
}

pub(super) fn price(conn: &Connection, source: &str, endpoint: &str) -> Result<Option<PriceEntry>> {
    conn.prepare_cached("SELECT price_micros FROM prices WHERE source = ?1 AND endpoint = ?2")?
        .query_row(params![source, endpoint], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| {
            v.map(|m| PriceEntry {
                source: source.to_owned(),
                endpoint: endpoint.to_owned(),
                price_micros: u64::try_from(m).unwrap_or(0),
            })
        })
        .map_err(Into::into)
}

pub(super) fn prices(conn: &Connection) -> Result<Vec<PriceEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source, endpoint, price_micros FROM prices ORDER BY source, endpoint",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PriceEntry {
            source: r.get(0)?,
            endpoint: r.get(1)?,
            price_micros: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

pub(super) fn put_limit(conn: &Connection, l: SourceLimit) -> Result<SourceLimit> {
    check_key("source", &l.source)?;
    if l.window_secs == 0 || l.window_secs > 86_400 {
        return Err(ServerError::Invalid("window_secs must be 1..=86400".into()));
    }
    conn.execute(
        "INSERT INTO source_limits (source, max_calls, window_secs) VALUES (?1, ?2, ?3)
         ON CONFLICT (source) DO UPDATE SET max_calls = excluded.max_calls, window_secs = excluded.window_secs",
        params![l.source, l.max_calls, l.window_secs],
    )?;
    let ctx = Ctx::load(conn)?;
    fanout(
        conn,
        &ctx.actors,
        LIMIT,
        &l.source,
        &Audience::Spenders,
        &|_| true,
    )?;
    Ok(l)
}

pub(super) fn limit(conn: &Connection, source: &str) -> Result<Option<SourceLimit>> {
    conn.prepare_cached("SELECT max_calls, window_secs FROM source_limits WHERE source = ?1")?
        .query_row([source], |r| {
            Ok(SourceLimit {
                source: source.to_owned(),
                max_calls: r.get(0)?,
                window_secs: r.get(1)?,
            })
        })
        .optional()
        .map_err(Into::into)
}

pub(super) fn limits(conn: &Connection) -> Result<Vec<SourceLimit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source, max_calls, window_secs FROM source_limits ORDER BY source",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SourceLimit {
            source: r.get(0)?,
            max_calls: r.get(1)?,
            window_secs: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

pub(super) fn put_flag(conn: &Connection, f: FeatureFlag) -> Result<FeatureFlag> {
    check_key("flag key", &f.key)?;
    conn.execute(
        "INSERT INTO flags (key, flag) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET flag = excluded.flag",
        params![f.key, to_json(&f)?],
    )?;
    let ctx = Ctx::load(conn)?;
    fanout(
        conn,
        &ctx.actors,
        FLAG,
        &f.key,
        &Audience::Everyone,
        &|_| true,
    )?;
    Ok(f)
}

pub(super) fn delete_flag(conn: &Connection, key: &str) -> Result<FeatureFlag> {
    let f = flag(conn, key)?.ok_or_else(|| ServerError::NotFound(format!("flag {key}")))?;
    conn.execute("DELETE FROM flags WHERE key = ?1", [key])?;
    remove_item(conn, FLAG, key)?;
    Ok(f)
}

pub(super) fn flag(conn: &Connection, key: &str) -> Result<Option<FeatureFlag>> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT flag FROM flags WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    raw.map(|s| json(&s, "flag")).transpose()
}

pub(super) fn flags(conn: &Connection) -> Result<Vec<FeatureFlag>> {
    let mut stmt = conn.prepare_cached("SELECT flag FROM flags ORDER BY key")?;
    let raw = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    raw.iter().map(|s| json(s, "flag")).collect()
}

pub(super) fn put_retention(conn: &Connection, p: RetentionPolicy) -> Result<RetentionPolicy> {
    conn.execute(
        "INSERT INTO retention (id, policy) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy",
        [to_json(&p)?],
    )?;
    let ctx = Ctx::load(conn)?;
    fanout(
        conn,
        &ctx.actors,
        RETENTION,
        RETENTION,
        &Audience::Everyone,
        &|_| true,
    )?;
    Ok(p)
}

/// The retention policy; the default until an admin sets one.
pub(super) fn retention(conn: &Connection) -> Result<RetentionPolicy> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT policy FROM retention WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    raw.map_or(Ok(RetentionPolicy::default()), |s| {
        json(&s, "retention policy")
    })
}
