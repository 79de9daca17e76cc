//! The per-user change feed on PostgreSQL: writing it (fan-out of items to their audiences, a
//! full resync when users or territories change) and reading it (`/v1/changes`). Writers hold
//! the writers' lock (see the parent module), so the `counters` row hands out sequence numbers in
//! commit order. Fan-out works in chunks: one read of who had the items, one block of sequence
//! numbers, one `UNNEST` upsert, rather than a round trip per row.

use deadpool_postgres::GenericClient;
use pf_core::{Actor, UserId};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

use super::ctx::{self, execute, query, query_one};
use super::{people, privacy, settings, spend};
use crate::ServerError;
use crate::policy::{Audience, account_scope, in_audience, territory_scope};
use crate::store::model::{
    ACCOUNT, ALERT, BUDGET, Ctx, FLAG, LIMIT, ME, PRICE, PRIVACY, RETENTION, SEP, TERRITORY,
    feed_changes, parse, u, user_id,
};
use crate::store::{FeedItem, FeedPage, Result};

/// Items fanned out per round trip.
const CHUNK: usize = 1_000;

/// One item to fan out: its key, who may see it, and whether its content changed (then everyone
/// in the audience gets it again).
pub(super) struct Item {
    pub key: String,
    pub audience: Audience,
    pub changed: bool,
}

impl Item {
    pub fn changed(key: impl Into<String>, audience: Audience) -> Self {
        Self {
            key: key.into(),
            audience,
            changed: true,
        }
    }
}

/// Allocates `n` consecutive sequence numbers; returns the first.
pub(super) async fn next_seqs<C: GenericClient>(c: &C, n: usize) -> Result<u64> {
    let n = i64::try_from(n).map_err(|_| ServerError::Internal("too many sequences".into()))?;
    let row = query_one(
        c,
        "UPDATE counters SET value = value + $1 WHERE name = 'seq' RETURNING value",
        &[&n],
    )
    .await?;
    let end: i64 = row.try_get(0)?;
    Ok(u(end - n + 1))
}

/// Feed rows to write: (user, kind, key, seq, removed).
#[derive(Default)]
pub(super) struct Rows {
    users: Vec<String>,
    kinds: Vec<String>,
    keys: Vec<String>,
    seqs: Vec<i64>,
    removed: Vec<bool>,
}

impl Rows {
    pub(super) fn push(&mut self, user: &UserId, kind: &str, key: &str, seq: u64, removed: bool) {
        self.users.push(user.as_str().to_owned());
        self.kinds.push(kind.to_owned());
        self.keys.push(key.to_owned());
        self.seqs.push(i64::try_from(seq).unwrap_or(i64::MAX));
        self.removed.push(removed);
    }

    /// Upserts every row in one statement (no (user, kind, key) twice).
    pub(super) async fn write<C: GenericClient>(self, c: &C) -> Result<()> {
        if self.users.is_empty() {
            return Ok(());
        }
        execute(
            c,
            "INSERT INTO feed (user_id, kind, key, seq, removed)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bool[])
             ON CONFLICT (user_id, kind, key)
             DO UPDATE SET seq = excluded.seq, removed = excluded.removed",
            &[
                &self.users,
                &self.kinds,
                &self.keys,
                &self.seqs,
                &self.removed,
            ],
        )
        .await?;
        Ok(())
    }
}

/// Sends each item to the users now in its audience (again to all of them when it `changed`,
/// and to `forced` users), and a removal to users who had it and no longer may. One sequence
/// number per item that changes for anyone, in item order.
pub(super) async fn fanout<C: GenericClient>(
    c: &C,
    actors: &[Actor],
    kind: &str,
    items: Vec<Item>,
    forced: &HashSet<UserId>,
) -> Result<()> {
    for chunk in items.chunks(CHUNK) {
        let keys: Vec<&str> = chunk.iter().map(|i| i.key.as_str()).collect();
        // key -> user -> has it (not removed).
        let mut had: HashMap<String, HashMap<String, bool>> = HashMap::new();
        // A join with the keys rather than `key = ANY($2)`, which a generic plan tests row by row.
        for r in query(
            c,
            "SELECT f.key, f.user_id, f.removed
             FROM UNNEST($2::text[]) AS k(key) JOIN feed f ON f.key = k.key AND f.kind = $1",
            &[&kind, &keys],
        )
        .await?
        {
            let removed: bool = r.try_get(2)?;
            had.entry(r.try_get(0)?)
                .or_default()
                .insert(r.try_get(1)?, !removed);
        }
        // (item index, user, removed) for every row that changes.
        let mut writes: Vec<(usize, &UserId, bool)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (n, item) in chunk.iter().enumerate().rev() {
            if !seen.insert(item.key.as_str()) {
                continue; // The same key later in the chunk wins.
            }
            let holders = had.get(item.key.as_str());
            for actor in actors {
                let now = in_audience(actor, &item.audience);
                let before = holders
                    .and_then(|h| h.get(actor.user.as_str()))
                    .copied()
                    .unwrap_or(false);
                let force = item.changed || forced.contains(&actor.user);
                if feed_changes(now, before, force) {
                    writes.push((n, &actor.user, !now));
                }
            }
        }
        if writes.is_empty() {
            continue;
        }
        writes.sort_by_key(|w| w.0);
        let mut ordinal: HashMap<usize, u64> = HashMap::new();
        for w in &writes {
            let next = ordinal.len() as u64;
            ordinal.entry(w.0).or_insert(next);
        }
        let first = next_seqs(c, ordinal.len()).await?;
        let mut rows = Rows::default();
        for (n, user, removed) in writes {
            let seq = first + ordinal.get(&n).copied().unwrap_or(0);
            rows.push(user, kind, &chunk[n].key, seq, removed);
        }
        rows.write(c).await?;
    }
    Ok(())
}

/// Sends everyone who had the item its removal.
pub(super) async fn remove_item<C: GenericClient>(c: &C, kind: &str, key: &str) -> Result<()> {
    let seq = i64::try_from(next_seqs(c, 1).await?).unwrap_or(i64::MAX);
    execute(
        c,
        "UPDATE feed SET seq = $1, removed = TRUE WHERE kind = $2 AND key = $3 AND NOT removed",
        &[&seq, &kind, &key],
    )
    .await?;
    Ok(())
}

/// Sends each of `users` their identity again (their team, territories or budget changed).
pub(super) async fn touch_me<C: GenericClient>(c: &C, users: &[UserId]) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let first = next_seqs(c, users.len()).await?;
    let mut rows = Rows::default();
    for (n, user) in users.iter().enumerate() {
        rows.push(user, ME, user.as_str(), first + n as u64, false);
    }
    rows.write(c).await
}

/// Re-decides every item for every active user after users, teams or territories changed:
/// new audiences get the item, lost ones a removal. Items are sent again to `users` (their role,
/// team or territories changed) and accounts in `accounts` are sent again to all who see them.
pub(super) async fn resync<C: GenericClient>(
    c: &C,
    users: &HashSet<UserId>,
    accounts: &HashSet<String>,
) -> Result<()> {
    let ctx = ctx::load(c).await?;
    let me: Vec<UserId> = ctx
        .actors
        .iter()
        .filter(|a| users.contains(&a.user))
        .map(|a| a.user.clone())
        .collect();
    touch_me(c, &me).await?;
    let items = ctx::all_accounts(c)
        .await?
        .into_iter()
        .map(|row| {
            let key = row.id.to_string();
            Item {
                changed: accounts.contains(&key),
                audience: Audience::Account(account_scope(&ctx.account(row))),
                key,
            }
        })
        .collect();
    fanout(c, &ctx.actors, ACCOUNT, items, users).await?;
    let items = ctx
        .territories
        .iter()
        .map(|t| {
            let scope = territory_scope(t, ctx.team_of(&t.owner));
            Item::changed(t.id.to_string(), Audience::Territory(scope))
        })
        .collect();
    fanout(c, &ctx.actors, TERRITORY, items, users).await?;
    let unchanged = |key: String, audience: Audience| Item {
        key,
        audience,
        changed: false,
    };
    let budgets = spend::budget_teams(c).await?;
    let items = budgets
        .into_iter()
        .map(|team| unchanged(team.to_string(), Audience::Budget(team)))
        .collect();
    fanout(c, &ctx.actors, BUDGET, items, users).await?;
    let items = settings::prices(c)
        .await?
        .into_iter()
        .map(|p| {
            unchanged(
                format!("{}{SEP}{}", p.source, p.endpoint),
                Audience::Spenders,
            )
        })
        .collect();
    fanout(c, &ctx.actors, PRICE, items, users).await?;
    let items = settings::limits(c)
        .await?
        .into_iter()
        .map(|l| unchanged(l.source, Audience::Spenders))
        .collect();
    fanout(c, &ctx.actors, LIMIT, items, users).await?;
    let items = settings::flags(c)
        .await?
        .into_iter()
        .map(|f| unchanged(f.key, Audience::Everyone))
        .collect();
    fanout(c, &ctx.actors, FLAG, items, users).await?;
    let items = vec![unchanged(RETENTION.to_owned(), Audience::Everyone)];
    fanout(c, &ctx.actors, RETENTION, items, users).await
}

/// A page of `user`'s feed after `since`. A first pull (`since` 0) skips removals. The page and
/// the newest sequence (to refuse cursors from the future) come from one statement.
pub(super) async fn changes<C: GenericClient>(
    c: &C,
    user: &UserId,
    since: u64,
    limit: u32,
) -> Result<FeedPage> {
    let since_i =
        i64::try_from(since).map_err(|_| ServerError::BadCursor("out of range".into()))?;
    let rows = query(
        c,
        "SELECT c.value, f.kind, f.key, f.seq, f.removed FROM counters c
         LEFT JOIN LATERAL (
             SELECT kind, key, seq, removed FROM feed
             WHERE user_id = $1 AND seq > $2 AND (NOT removed OR $2 > 0)
             ORDER BY seq LIMIT $3
         ) f ON TRUE
         WHERE c.name = 'seq' ORDER BY f.seq",
        &[&user.as_str(), &since_i, &(i64::from(limit) + 1)],
    )
    .await?;
    let mut raw: Vec<(String, String, u64, bool)> = Vec::with_capacity(rows.len());
    let mut head = 0i64;
    for r in &rows {
        head = r.try_get(0)?;
        if let Some(kind) = r.try_get::<_, Option<String>>(1)? {
            let seq: i64 = r.try_get(3)?;
            raw.push((kind, r.try_get(2)?, u(seq), r.try_get(4)?));
        }
    }
    if raw.is_empty() {
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
    let ctx = ctx::load(c).await?;
    let account_ids: Vec<String> = raw
        .iter()
        .filter(|r| r.0 == ACCOUNT && !r.3)
        .map(|r| r.1.clone())
        .collect();
    let mut accounts = ctx::load_accounts(c, &ctx, &account_ids).await?;
    let now = OffsetDateTime::now_utc();
    let mut entries = Vec::with_capacity(raw.len());
    for (kind, key, seq, removed) in raw {
        let item = if kind == ACCOUNT {
            let id = parse(&key, "account id")?;
            match (removed, accounts.remove(&id)) {
                (false, Some(a)) => Some(FeedItem::Account(a)),
                _ => Some(FeedItem::AccountRemoved(id)),
            }
        } else {
            load_item(c, &ctx, &kind, &key, removed, now).await?
        };
        if let Some(item) = item {
            entries.push((seq, item));
        }
    }
    Ok(FeedPage {
        entries,
        next,
        more,
    })
}

/// The current state of one feed item other than an account; a removal when it is gone.
async fn load_item<C: GenericClient>(
    c: &C,
    ctx: &Ctx,
    kind: &str,
    key: &str,
    removed: bool,
    now: OffsetDateTime,
) -> Result<Option<FeedItem>> {
    Ok(match kind {
        ME => people::me(c, &user_id(key)?).await?.map(FeedItem::Me),
        TERRITORY => {
            let id = parse(key, "territory id")?;
            match (removed, ctx.territory(id)) {
                (false, Some(t)) => Some(FeedItem::Territory(t.clone(), ctx.team_of(&t.owner))),
                _ => Some(FeedItem::TerritoryRemoved(id)),
            }
        }
        BUDGET if !removed => spend::budget(c, parse(key, "team id")?, now)
            .await?
            .map(FeedItem::Budget),
        ALERT if !removed => spend::alert(c, key).await?.map(FeedItem::BudgetAlert),
        PRICE => {
            let (source, endpoint) = key.split_once(SEP).unwrap_or((key, ""));
            match (removed, settings::price(c, source, endpoint).await?) {
                (false, Some(p)) => Some(FeedItem::Price(p)),
                _ => Some(FeedItem::PriceRemoved {
                    source: source.into(),
                    endpoint: endpoint.into(),
                }),
            }
        }
        LIMIT if !removed => settings::limit(c, key).await?.map(FeedItem::SourceLimit),
        FLAG => match (removed, settings::flag(c, key).await?) {
            (false, Some(f)) => Some(FeedItem::Flag(f)),
            _ => Some(FeedItem::FlagRemoved(key.to_owned())),
        },
        RETENTION if !removed => Some(FeedItem::Retention(settings::retention(c).await?)),
        PRIVACY => match (removed, privacy::order(c, key).await?) {
            (false, Some(o)) => Some(FeedItem::PrivacyOrder(o)),
            _ => Some(FeedItem::PrivacyOrderRemoved(parse(
                key,
                "privacy request id",
            )?)),
        },
        _ => None,
    })
}
