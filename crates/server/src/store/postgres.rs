//! [`PgStore`]: the PostgreSQL [`ServerStore`], selected by `DATABASE_URL=postgres://...`, through
//! tokio-postgres and a deadpool connection pool. It keeps the guarantees the SQLite store gets
//! from its single writer:
//! - every write is one transaction;
//! - writes that touch the change feed (or what decides audiences: users, teams, territories,
//!   accounts, settings, spend) take one transaction-level advisory lock first
//!   ([`WRITERS_LOCK`]), so they run one after another and sequence order equals commit order: a
//!   reader that sees seq N committed has seen every seq below it, and `/v1/changes` cursors
//!   never skip a row;
//! - a reservation locks its team's `budgets` row (`SELECT ... FOR UPDATE`) before summing spend
//!   and open holds, so two reservations never both see the same headroom; committing spend
//!   locks the same row;
//! - a lease locks its source's `source_limits` row, so a window's grants never exceed the limit.
//!
//! Reservations and leases do not take the writers' lock (they write no feed rows), so they run
//! concurrently across teams and sources. Locks are always taken in the order writers' lock, then
//! rows, so no two transactions wait on each other in a cycle.

mod accounts;
mod audit;
mod connect;
mod ctx;
mod feed;
mod migrate;
mod people;
mod privacy;
mod settings;
mod spend;
mod usage;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use pf_core::{
    AccountId, FeatureFlag, PrivacyRequestId, PrivacyStatus, TeamId, TerritoryId, UserId,
};
use pf_sync::{
    AccountInput, AssignmentInput, AuditEntry, AuditQuery, BudgetInput, BudgetView, Lease, Me,
    PriceEntry, PrivacyReport, PrivacyRequestInput, PrivacyRequestView, Reservation,
    RetentionPolicy, Settlement, SourceLimit, SyncedAccount, Team, Territory, TerritoryInput,
    UsageAck, UsageRecord, User, UserInput,
};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio_postgres::NoTls;
use tokio_postgres::config::SslMode;

pub use connect::{describe, parse_url};

use super::{
    AssignGuard, AuditRecord, ErasureCleanup, FeedPage, PurgeReport, ReserveArgs, Result,
    ServerStore, SettleArgs, StoredToken, TokenGrant,
};
use crate::ServerError;

/// Connections the pool keeps at most.
const POOL_SIZE: usize = 16;

/// The key of the transaction-level advisory lock every feed writer holds (`PFWRITER`).
pub(crate) const WRITERS_LOCK: i64 = 0x5046_5752_4954_4552;

/// The PostgreSQL implementation of [`ServerStore`]. Cheap to clone (shared pool).
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    // Dropped before `_temp`: the pool's connections go before a temporary database is dropped.
    pool: Pool,
    target: String,
    /// Rewrites the tables that held a completed request's subject ([`privacy::compact`]).
    cleanup: ErasureCleanup,
    _temp: Option<connect::TempDatabase>,
}

impl PgStore {
    /// Connects to the database at `url` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_config(parse_url(url)?, None).await
    }

    /// A store in a new, empty database on the server `admin_url` points to (its role needs
    /// `CREATEDB`); the database is dropped when the last handle goes. For tests and benches.
    pub async fn open_temp(admin_url: &str) -> Result<Self> {
        let (temp, config) = connect::TempDatabase::create(parse_url(admin_url)?).await?;
        Self::open_config(config, Some(temp)).await
    }

    async fn open_config(
        mut config: tokio_postgres::Config,
        temp: Option<connect::TempDatabase>,
    ) -> Result<Self> {
        if config.get_ssl_mode() == SslMode::Require {
            return Err(ServerError::NotBuilt(
                "TLS to PostgreSQL (sslmode=require) is not built yet; connect over a private \
                 network or a Unix socket with sslmode=disable or prefer"
                    .into(),
            ));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let target = describe(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(15)))
            .build()
            .map_err(|e| ServerError::Internal(format!("PostgreSQL pool: {e}")))?;
        let mut client = pool.get().await.map_err(|e| {
            ServerError::Internal(format!(
                "cannot connect to PostgreSQL at {target}: {}",
                connect::root_cause(&e)
            ))
        })?;
        migrate::apply(&mut client).await?;
        drop(client);
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                target,
                cleanup: ErasureCleanup::default(),
                _temp: temp,
            }),
        })
    }

    /// Where the store is: `user@host:port/database`, without the password.
    pub fn target(&self) -> &str {
        &self.inner.target
    }

    async fn client(&self) -> Result<Object> {
        Ok(self.inner.pool.get().await?)
    }

    /// After a privacy request completed: rewrites the tables that held the subject
    /// ([`privacy::compact`]), so no dead row version keeps them in a table file.
    async fn compact_after(&self, completed: bool) {
        let compact = || async { privacy::compact(&self.client().await?).await };
        self.inner.cleanup.after(completed, compact).await;
    }
}

/// Begins a write transaction holding the writers' lock (until commit or rollback).
async fn begin_write(client: &mut Object) -> Result<deadpool_postgres::Transaction<'_>> {
    let tx = client.transaction().await?;
    let lock = tx
        .prepare_cached("SELECT pg_advisory_xact_lock($1)")
        .await?;
    tx.execute(&lock, &[&WRITERS_LOCK]).await?;
    Ok(tx)
}

/// Runs `$body` in a transaction bound to `$tx` and commits it if the body succeeds (a failed
/// body drops the transaction, which rolls it back). `write` holds the writers' lock; `locked`
/// relies on the row locks the body takes.
/// The audit entry the caller made pending ([`audited`](super::audited)) is appended in the
/// same transaction.
macro_rules! tx {
    (write $store:ident, |$tx:ident| $body:expr) => {{
        let pending = super::audited::take();
        let mut client = $store.client().await?;
        let $tx = begin_write(&mut client).await?;
        let out = $body?;
        append_pending(&$tx, pending, &out).await?;
        $tx.commit().await?;
        Ok(out)
    }};
    (locked $store:ident, |$tx:ident| $body:expr) => {{
        let pending = super::audited::take();
        let mut client = $store.client().await?;
        let $tx = client.transaction().await?;
        let out = $body?;
        append_pending(&$tx, pending, &out).await?;
        $tx.commit().await?;
        Ok(out)
    }};
}

/// Appends the pending audit entry for `out`, if there is one.
async fn append_pending<C: deadpool_postgres::GenericClient, T: 'static>(
    c: &C,
    pending: Option<super::audited::PendingEntry>,
    out: &T,
) -> Result<()> {
    if let Some(pending) = pending {
        let entry = super::audited::entry_for(pending, out)?;
        audit::append(c, OffsetDateTime::now_utc(), &entry).await?;
    }
    Ok(())
}

#[async_trait]
impl ServerStore for PgStore {
    async fn put_user(&self, input: UserInput) -> Result<User> {
        tx!(write self, |tx| people::put_user(&tx, input).await)
    }
    async fn deactivate_user(&self, id: UserId) -> Result<User> {
        tx!(write self, |tx| people::deactivate_user(&tx, &id).await)
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        people::list_users(&self.client().await?).await
    }
    async fn insert_token(&self, token: StoredToken) -> Result<()> {
        tx!(write self, |tx| people::insert_token(&tx, &token).await)
    }
    async fn find_token(&self, id: String) -> Result<Option<TokenGrant>> {
        people::find_token(&self.client().await?, &id).await
    }
    async fn me(&self, user: UserId) -> Result<Option<Me>> {
        people::me(&self.client().await?, &user).await
    }

    async fn create_team(&self, name: String) -> Result<Team> {
        tx!(write self, |tx| people::create_team(&tx, &name).await)
    }
    async fn rename_team(&self, id: TeamId, name: String) -> Result<Team> {
        tx!(write self, |tx| people::rename_team(&tx, id, &name).await)
    }
    async fn delete_team(&self, id: TeamId) -> Result<Team> {
        tx!(write self, |tx| people::delete_team(&tx, id).await)
    }
    async fn list_teams(&self) -> Result<Vec<Team>> {
        people::list_teams(&self.client().await?).await
    }

    async fn create_territory(&self, input: TerritoryInput) -> Result<Territory> {
        let id = TerritoryId::new();
        tx!(write self, |tx| accounts::put_territory(&tx, id, input, true).await)
    }
    async fn update_territory(&self, id: TerritoryId, input: TerritoryInput) -> Result<Territory> {
        tx!(write self, |tx| accounts::put_territory(&tx, id, input, false).await)
    }
    async fn delete_territory(&self, id: TerritoryId) -> Result<Territory> {
        tx!(write self, |tx| accounts::delete_territory(&tx, id).await)
    }
    async fn list_territories(&self) -> Result<Vec<Territory>> {
        Ok(ctx::load(&self.client().await?).await?.territories)
    }
    async fn put_accounts(&self, input: Vec<AccountInput>) -> Result<Vec<AccountId>> {
        tx!(write self, |tx| accounts::put_accounts(&tx, input).await)
    }
    async fn account(&self, id: AccountId) -> Result<Option<SyncedAccount>> {
        let client = self.client().await?;
        let ctx = ctx::load(&client).await?;
        ctx::load_account(&client, &ctx, id).await
    }
    async fn assign(&self, input: AssignmentInput, guard: AssignGuard) -> Result<SyncedAccount> {
        tx!(write self, |tx| accounts::assign(&tx, input, guard).await)
    }

    async fn put_budget(&self, team: TeamId, input: BudgetInput) -> Result<()> {
        tx!(write self, |tx| spend::put_budget(&tx, team, input).await)
    }
    async fn budgets(&self, now: OffsetDateTime) -> Result<Vec<BudgetView>> {
        spend::budgets(&self.client().await?, now).await
    }
    async fn reserve(&self, args: ReserveArgs) -> Result<Reservation> {
        tx!(locked self, |tx| spend::reserve(&tx, args).await)
    }
    async fn settle(&self, args: SettleArgs) -> Result<Settlement> {
        tx!(write self, |tx| spend::settle(&tx, args).await)
    }
    async fn record_usage(
        &self,
        user: UserId,
        team: Option<TeamId>,
        records: Vec<UsageRecord>,
        now: OffsetDateTime,
    ) -> Result<UsageAck> {
        tx!(write self, |tx| usage::record_usage(&tx, &user, team, records, now).await)
    }

    async fn put_price(&self, price: PriceEntry) -> Result<PriceEntry> {
        tx!(write self, |tx| settings::put_price(&tx, price).await)
    }
    async fn delete_price(&self, source: String, endpoint: String) -> Result<PriceEntry> {
        tx!(write self, |tx| settings::delete_price(&tx, &source, &endpoint).await)
    }
    async fn prices(&self) -> Result<Vec<PriceEntry>> {
        settings::prices(&self.client().await?).await
    }
    async fn put_limit(&self, limit: SourceLimit) -> Result<SourceLimit> {
        tx!(write self, |tx| settings::put_limit(&tx, limit).await)
    }
    async fn limits(&self) -> Result<Vec<SourceLimit>> {
        settings::limits(&self.client().await?).await
    }
    async fn lease(
        &self,
        user: UserId,
        source: String,
        calls: u32,
        now: OffsetDateTime,
    ) -> Result<Lease> {
        tx!(locked self, |tx| settings::lease(&tx, &user, &source, calls, now).await)
    }

    async fn put_flag(&self, flag: FeatureFlag) -> Result<FeatureFlag> {
        tx!(write self, |tx| settings::put_flag(&tx, flag).await)
    }
    async fn delete_flag(&self, key: String) -> Result<FeatureFlag> {
        tx!(write self, |tx| settings::delete_flag(&tx, &key).await)
    }
    async fn flags(&self) -> Result<Vec<FeatureFlag>> {
        settings::flags(&self.client().await?).await
    }
    async fn put_retention(&self, policy: RetentionPolicy) -> Result<RetentionPolicy> {
        tx!(write self, |tx| settings::put_retention(&tx, policy).await)
    }
    async fn retention(&self) -> Result<RetentionPolicy> {
        settings::retention(&self.client().await?).await
    }

    async fn changes(&self, user: UserId, since: u64, limit: u32) -> Result<FeedPage> {
        feed::changes(&self.client().await?, &user, since, limit).await
    }

    async fn file_privacy(
        &self,
        input: PrivacyRequestInput,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<PrivacyRequestView> {
        let view: Result<PrivacyRequestView> =
            tx!(write self, |tx| privacy::file(&tx, input, by, now).await);
        let view = view?;
        self.compact_after(view.status == PrivacyStatus::Completed)
            .await;
        Ok(view)
    }
    async fn report_privacy(
        &self,
        id: PrivacyRequestId,
        token: String,
        report: PrivacyReport,
        now: OffsetDateTime,
    ) -> Result<PrivacyStatus> {
        let status: Result<PrivacyStatus> =
            tx!(write self, |tx| privacy::report(&tx, id, &token, report, now).await);
        let status = status?;
        self.compact_after(status == PrivacyStatus::Completed).await;
        Ok(status)
    }
    async fn privacy_requests(&self) -> Result<Vec<PrivacyRequestView>> {
        privacy::views(&self.client().await?).await
    }
    async fn privacy_request(&self, id: PrivacyRequestId) -> Result<Option<PrivacyRequestView>> {
        privacy::view(&self.client().await?, &id.to_string()).await
    }
    async fn privacy_export(&self, id: PrivacyRequestId) -> Result<serde_json::Value> {
        privacy::export(&self.client().await?, id).await
    }
    async fn append_audit(&self, record: AuditRecord) -> Result<u64> {
        tx!(write self, |tx| audit::append(&tx, OffsetDateTime::now_utc(), &record).await)
    }
    async fn audit(&self, query: AuditQuery) -> Result<Vec<AuditEntry>> {
        audit::query_log(&self.client().await?, &query).await
    }
    async fn purge(&self, now: OffsetDateTime) -> Result<PurgeReport> {
        let report: Result<PurgeReport> = tx!(write self, |tx| audit::purge(&tx, now).await);
        let report = report?;
        self.compact_after(report.privacy_completed > 0).await;
        Ok(report)
    }
}
