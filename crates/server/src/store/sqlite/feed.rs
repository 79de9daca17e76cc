//! The per-user change feed: writing it (fan-out of one item to its audience, and a full resync
//! when users or territories change) and reading it (`/v1/changes`).

use pf_core::{Actor, UserId};
use rusqlite::{Connection, params};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

use super::ctx::{Ctx, all_accounts, load_account, parse, user_id};
use super::{people, privacy, settings, spend};
use crate::ServerError;
use crate::policy::{Audience, account_scope, in_audience, territory_scope};
use crate::store::{FeedItem, FeedPage, Result};

use crate::store::model::feed_changes;
pub(super) use crate::store::model::{
    ACCOUNT, ALERT, BUDGET, FLAG, LIMIT, ME, PRICE, PRIVACY, RETENTION, SEP, TERRITORY,
};

/// The next change sequence number.
pub(super) fn next_seq(conn: &Connection) -> Result<u64> {
    let v: i64 = conn
        .prepare_cached("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value")?
        .query_row([], |r| r.get(0))?;
    u64::try_from(v).map_err(|_| ServerError::Corrupt(format!("sequence {v}")))
}

pub(super) fn upsert(
    conn: &Connection,
    user: &UserId,
    kind: &str,
    key: &str,
    seq: u64,
    removed: bool,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO feed (user_id, kind, key, seq, removed) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, kind, key) DO UPDATE SET seq = excluded.seq, removed = excluded.removed",
    )?
    .execute(params![user.as_str(), kind, key, seq as i64, removed])?;
    Ok(())
}

/// Sends one item to the users now in its audience (again to those `force` picks: its content
/// changed), and a removal to users who had it and no longer are. One sequence number for all.
pub(super) fn fanout(
    conn: &Connection,
    actors: &[Actor],
    kind: &str,
    key: &str,
    audience: &Audience,
    force: &dyn Fn(&Actor) -> bool,
) -> Result<()> {
    let mut had: HashMap<String, bool> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT user_id, removed FROM feed WHERE kind = ?1 AND key = ?2")?;
    let mut rows = stmt.query(params![kind, key])?;
    while let Some(r) = rows.next()? {
        let removed: bool = r.get(1)?;
        had.insert(r.get(0)?, !removed);
    }
    let mut seq = None;
    for actor in actors {
        let now = in_audience(actor, audience);
        let before = had.get(actor.user.as_str()).copied().unwrap_or(false);
        if feed_changes(now, before, force(actor)) {
            let s = match seq {
                Some(s) => s,
                None => *seq.insert(next_seq(conn)?),
            };
            upsert(conn, &actor.user, kind, key, s, !now)?;
        }
    }
    Ok(())
}

/// Sends everyone who had the item its removal.
pub(super) fn remove_item(conn: &Connection, kind: &str, key: &str) -> Result<()> {
    let seq = next_seq(conn)?;
    conn.prepare_cached(
        "UPDATE feed SET seq = ?1, removed = 1 WHERE kind = ?2 AND key = ?3 AND removed = 0",
    )?
    .execute(params![seq as i64, kind, key])?;
    Ok(())
}

/// Re-decides every item for every active user after users, teams or territories changed:
/// new audiences get the item, lost ones a removal. Items are sent again to `users` (their role,
/// team or territories changed) and accounts in `accounts` are sent again to all who see them.
pub(super) fn resync(
    conn: &Connection,
    users: &HashSet<UserId>,
    accounts: &HashSet<String>,
) -> Result<()> {
    let ctx = Ctx::load(conn)?;
    let forced = |a: &Actor| users.contains(&a.user);
    for actor in ctx.actors.iter().filter(|a| users.contains(&a.user)) {
        let seq = next_seq(conn)?;
        upsert(conn, &actor.user, ME, actor.user.as_str(), seq, false)?;
    }
    for row in all_accounts(conn)? {
        let key = row.id.to_string();
        let changed = accounts.contains(&key);
        let scope = account_scope(&ctx.account(row));
        let force = |a: &Actor| changed || forced(a);
        fanout(
            conn,
            &ctx.actors,
            ACCOUNT,
            &key,
            &Audience::Account(scope),
            &force,
        )?;
    }
    for t in &ctx.territories {
        let scope = territory_scope(t, ctx.team_of(&t.owner));
        fanout(
            conn,
            &ctx.actors,
            TERRITORY,
            &t.id.to_string(),
            &Audience::Territory(scope),
            &|_| true,
        )?;
    }
    for team in spend::budget_teams(conn)? {
        fanout(
            conn,
            &ctx.actors,
            BUDGET,
            &team.to_string(),
            &Audience::Budget(team),
            &forced,
        )?;
    }
    for p in settings::prices(conn)? {
        let key = format!("{}{SEP}{}", p.source, p.endpoint);
        fanout(conn, &ctx.actors, PRICE, &key, &Audience::Spenders, &forced)?;
    }
    for l in settings::limits(conn)? {
        fanout(
            conn,
            &ctx.actors,
            LIMIT,
            &l.source,
            &Audience::Spenders,
            &forced,
        )?;
    }
    for f in settings::flags(conn)? {
        fanout(
            conn,
            &ctx.actors,
            FLAG,
            &f.key,
            &Audience::Everyone,
            &forced,
        )?;
    }
    fanout(
        conn,
        &ctx.actors,
        RETENTION,
        RETENTION,
        &Audience::Everyone,
        &forced,
    )
}

/// A page of `user`'s feed after `since`. A first pull (`since` 0) skips removals.
pub(super) fn changes(
    conn: &Connection,
    user: &UserId,
    since: u64,
    limit: u32,
) -> Result<FeedPage> {
    let since_i =
        i64::try_from(since).map_err(|_| ServerError::BadCursor("out of range".into()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT kind, key, seq, removed FROM feed
         WHERE user_id = ?1 AND seq > ?2 AND (removed = 0 OR ?2 > 0)
         ORDER BY seq LIMIT ?3",
    )?;
    let mut rows = stmt.query(params![user.as_str(), since_i, i64::from(limit) + 1])?;
    let mut raw: Vec<(String, String, u64, bool)> = Vec::new();
    while let Some(r) = rows.next()? {
        raw.push((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64, r.get(3)?));
    }
    drop(rows);
    if raw.is_empty() {
        let head: i64 = conn
            .prepare_cached("SELECT value FROM counters WHERE name = 'seq'")?
            .query_row([], |r| r.get(0))?;
        if since_i > head {
            return Err(ServerError::BadCursor(
                "the cursor is ahead of this server's log".into(),
            ));
        }
        return Ok(FeedPage {
            entries: Vec::new(),
            next: since,
            more: false,
        });
    }
    let more = raw.len() > limit as usize;
    raw.truncate(limit as usize);
    let next = raw.last().map(|r| r.2).unwrap_or(since);
    let ctx = Ctx::load(conn)?;
    let now = OffsetDateTime::now_utc();
    let mut entries = Vec::with_capacity(raw.len());
    for (kind, key, seq, removed) in raw {
        if let Some(item) = load_item(conn, &ctx, &kind, &key, removed, now)? {
            entries.push((seq, item));
        }
    }
    Ok(FeedPage {
        entries,
        next,
        more,
    })
}

/// The current state of one feed item; a removal when it is gone.
fn load_item(
    conn: &Connection,
    ctx: &Ctx,
    kind: &str,
    key: &str,
    removed: bool,
    now: OffsetDateTime,
) -> Result<Option<FeedItem>> {
    Ok(match kind {
        ME => people::me(conn, &user_id(key)?)?.map(FeedItem::Me),
        ACCOUNT => {
            let id = parse(key, "account id")?;
            match (removed, load_account(conn, ctx, id)?) {
                (false, Some(a)) => Some(FeedItem::Account(a)),
                _ => Some(FeedItem::AccountRemoved(id)),
            }
        }
        TERRITORY => {
            let id = parse(key, "territory id")?;
            match (removed, ctx.territory(id)) {
                (false, Some(t)) => Some(FeedItem::Territory(t.clone(), ctx.team_of(&t.owner))),
                _ => Some(FeedItem::TerritoryRemoved(id)),
            }
        }
        BUDGET if !removed => {
            spend::budget(conn, parse(key, "team id")?, now)?.map(FeedItem::Budget)
        }
        ALERT if !removed => spend::alert(conn, key)?.map(FeedItem::BudgetAlert),
        PRICE => {
            let (source, endpoint) = key.split_once(SEP).unwrap_or((key, ""));
            match (removed, settings::price(conn, source, endpoint)?) {
                (false, Some(p)) => Some(FeedItem::Price(p)),
                _ => Some(FeedItem::PriceRemoved {
                    source: source.into(),
                    endpoint: endpoint.into(),
                }),
            }
        }
        LIMIT if !removed => settings::limit(conn, key)?.map(FeedItem::SourceLimit),
        FLAG => match (removed, settings::flag(conn, key)?) {
            (false, Some(f)) => Some(FeedItem::Flag(f)),
            _ => Some(FeedItem::FlagRemoved(key.to_owned())),
        },
        RETENTION if !removed => Some(FeedItem::Retention(settings::retention(conn)?)),
        PRIVACY => {
            let id = parse(key, "privacy request id")?;
            match (removed, privacy::order(conn, key)?) {
                (false, Some(o)) => Some(FeedItem::PrivacyOrder(o)),
                _ => Some(FeedItem::PrivacyOrderRemoved(id)),
            }
        }
        _ => None,
    })
}

/// Sends each of `users` their identity again (their team or budget changed).
pub(super) fn touch_me(conn: &Connection, users: &[UserId]) -> Result<()> {
    for u in users {
        let seq = next_seq(conn)?;
        upsert(conn, u, ME, u.as_str(), seq, false)?;
    }
    Ok(())
}
