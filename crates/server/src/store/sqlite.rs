//! [`SqliteStore`]: the default [`ServerStore`], one SQLite file (WAL) through rusqlite. Writes go
//! through one connection behind a mutex, each an `IMMEDIATE` transaction, which serialises
//! writers (so feed sequences commit in order); reads use a small pool of reader connections.
//! All database work runs on tokio's blocking pool.

mod accounts;
mod audit;
mod ctx;
mod feed;
mod leases;
mod migrate;
mod people;
mod privacy;
mod settings;
mod spend;

use async_trait::async_trait;
use pf_core::{
    AccountId, FeatureFlag, PrivacyRequestId, PrivacyStatus, TeamId, TerritoryId, UserId,
};
use pf_sync::{
    AccountInput, AssignmentInput, AuditEntry, AuditQuery, BudgetInput, BudgetView, Lease, Me,
    PriceEntry, PrivacyReport, PrivacyRequestInput, PrivacyRequestView, Reservation,
    RetentionPolicy, Settlement, SourceLimit, SyncedAccount, Team, Territory, TerritoryInput,
    UsageAck, UsageRecord, User, UserInput,
};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

use super::{
    AssignGuard, AuditRecord, ErasureCleanup, FeedPage, PurgeReport, ReserveArgs, Result,
    ServerStore, SettleArgs, StoredToken, TokenGrant, audited,
};
use crate::ServerError;

/// Reader connections kept open for reuse.
const READERS: usize = 8;

/// The SQLite implementation of [`ServerStore`]. Cheap to clone (shared handle).
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Checkpoints after a completed privacy request.
    cleanup: ErasureCleanup,
    // Keeps a temporary database's directory alive as long as the store.
    _temp: Option<tempfile::TempDir>,
}

fn poisoned<T>(_: T) -> ServerError {
    ServerError::Internal("a database lock was poisoned by a panic".into())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path.to_path_buf(), None)
    }

    /// A store in a fresh temporary directory, deleted when the last handle drops (tests, benches).
    pub fn open_temp() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("server.sqlite3");
        Self::open_with(path, Some(dir))
    }

    fn open_with(path: PathBuf, temp: Option<tempfile::TempDir>) -> Result<Self> {
        let mut writer = connect(&path)?;
        migrate::apply(&mut writer)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                cleanup: ErasureCleanup::default(),
                _temp: temp,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Moves everything in the write-ahead log into the database file and truncates the log
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`): afterwards the file alone holds the data, and
    /// `secure_delete` has zeroed what was deleted. Waits (up to about 25 s) for readers that
    /// keep the log busy.
    pub async fn checkpoint(&self) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let conn = inner.writer.lock().map_err(poisoned)?;
            for attempt in 0..50 {
                let busy: i64 =
                    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
                if busy == 0 {
                    return Ok(());
                }
                std::thread::sleep(std::time::Duration::from_millis(20 * (attempt + 1)));
            }
            Err(ServerError::Internal(
                "the write-ahead log stayed busy: readers kept it from being checkpointed".into(),
            ))
        })
        .await
        .map_err(|e| ServerError::Internal(format!("database task failed: {e}")))?
    }

    /// After a privacy request completed: checkpoints, so the old values leave the write-ahead
    /// log too.
    async fn checkpoint_after(&self, completed: bool) {
        self.inner
            .cleanup
            .after(completed, || self.checkpoint())
            .await;
    }

    /// Runs `f` in one write transaction on the blocking pool; commits only if it succeeds.
    /// The audit entry its caller made pending ([`audited`](super::audited)) is appended in
    /// the same transaction.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let pending = audited::take();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().map_err(poisoned)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            if let Some(pending) = pending {
                let entry = audited::entry_for(pending, &out)?;
                audit::append(&tx, OffsetDateTime::now_utc(), &entry)?;
            }
            tx.commit()?;
            Ok(out)
        })
        .await
        .map_err(|e| ServerError::Internal(format!("database task failed: {e}")))?
    }

    /// Runs `f` on a reader connection on the blocking pool.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let pooled = inner.readers.lock().map_err(poisoned)?.pop();
            let conn = match pooled {
                Some(c) => c,
                None => {
                    let c = connect(&inner.path)?;
                    c.pragma_update(None, "query_only", true)?;
                    c
                }
            };
            let out = f(&conn);
            let mut readers = inner.readers.lock().map_err(poisoned)?;
            if readers.len() < READERS {
                readers.push(conn);
            }
            out
        })
        .await
        .map_err(|e| ServerError::Internal(format!("database task failed: {e}")))?
    }
}

/// The names of the embedded SQLite migrations, in order (the PostgreSQL ones must match).
#[cfg(test)]
pub(crate) fn migration_names() -> Vec<&'static str> {
    migrate::MIGRATIONS.iter().map(|m| m.1).collect()
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Deleted and overwritten content is zeroed, so an erased person leaves no bytes behind.
    conn.pragma_update(None, "secure_delete", true)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

#[async_trait]
impl ServerStore for SqliteStore {
    async fn put_user(&self, input: UserInput) -> Result<User> {
        self.write(move |tx| people::put_user(tx, input)).await
    }
    async fn deactivate_user(&self, id: UserId) -> Result<User> {
        self.write(move |tx| people::deactivate_user(tx, &id)).await
    }
    async fn list_users(&self) -> Result<Vec<User>> {
        self.read(people::list_users).await
    }
    async fn insert_token(&self, token: StoredToken) -> Result<()> {
        self.write(move |tx| people::insert_token(tx, &token)).await
    }
    async fn find_token(&self, id: String) -> Result<Option<TokenGrant>> {
        self.read(move |c| people::find_token(c, &id)).await
    }
    async fn me(&self, user: UserId) -> Result<Option<Me>> {
        self.read(move |c| people::me(c, &user)).await
    }

    async fn create_team(&self, name: String) -> Result<Team> {
        self.write(move |tx| people::create_team(tx, &name)).await
    }
    async fn rename_team(&self, id: TeamId, name: String) -> Result<Team> {
        self.write(move |tx| people::rename_team(tx, id, &name))
            .await
    }
    async fn delete_team(&self, id: TeamId) -> Result<Team> {
        self.write(move |tx| people::delete_team(tx, id)).await
    }
    async fn list_teams(&self) -> Result<Vec<Team>> {
        self.read(people::list_teams).await
    }

    async fn create_territory(&self, input: TerritoryInput) -> Result<Territory> {
        self.write(move |tx| accounts::put_territory(tx, TerritoryId::new(), input, true))
            .await
    }
    async fn update_territory(&self, id: TerritoryId, input: TerritoryInput) -> Result<Territory> {
        self.write(move |tx| accounts::put_territory(tx, id, input, false))
            .await
    }
    async fn delete_territory(&self, id: TerritoryId) -> Result<Territory> {
        self.write(move |tx| accounts::delete_territory(tx, id))
            .await
    }
    async fn list_territories(&self) -> Result<Vec<Territory>> {
        self.read(|c| Ok(ctx::Ctx::load(c)?.territories)).await
    }
    async fn put_accounts(&self, input: Vec<AccountInput>) -> Result<Vec<AccountId>> {
        self.write(move |tx| accounts::put_accounts(tx, input))
            .await
    }
    async fn account(&self, id: AccountId) -> Result<Option<SyncedAccount>> {
        self.read(move |c| {
            let ctx = ctx::Ctx::load(c)?;
            ctx::load_account(c, &ctx, id)
        })
        .await
    }
    async fn assign(&self, input: AssignmentInput, guard: AssignGuard) -> Result<SyncedAccount> {
        self.write(move |tx| accounts::assign(tx, input, guard))
            .await
    }

    async fn put_budget(&self, team: TeamId, input: BudgetInput) -> Result<()> {
        self.write(move |tx| spend::put_budget(tx, team, input))
            .await
    }
    async fn budgets(&self, now: OffsetDateTime) -> Result<Vec<BudgetView>> {
        self.read(move |c| spend::budgets(c, now)).await
    }
    async fn reserve(&self, args: ReserveArgs) -> Result<Reservation> {
        self.write(move |tx| spend::reserve(tx, args)).await
    }
    async fn settle(&self, args: SettleArgs) -> Result<Settlement> {
        self.write(move |tx| spend::settle(tx, args)).await
    }
    async fn record_usage(
        &self,
        user: UserId,
        team: Option<TeamId>,
        records: Vec<UsageRecord>,
        now: OffsetDateTime,
    ) -> Result<UsageAck> {
        self.write(move |tx| spend::record_usage(tx, &user, team, records, now))
            .await
    }

    async fn put_price(&self, price: PriceEntry) -> Result<PriceEntry> {
        self.write(move |tx| settings::put_price(tx, price)).await
    }
    async fn delete_price(&self, source: String, endpoint: String) -> Result<PriceEntry> {
        self.write(move |tx| settings::delete_price(tx, &source, &endpoint))
            .await
    }
    async fn prices(&self) -> Result<Vec<PriceEntry>> {
        self.read(settings::prices).await
    }
    async fn put_limit(&self, limit: SourceLimit) -> Result<SourceLimit> {
        self.write(move |tx| settings::put_limit(tx, limit)).await
    }
    async fn limits(&self) -> Result<Vec<SourceLimit>> {
        self.read(settings::limits).await
    }
    async fn lease(
        &self,
        user: UserId,
        source: String,
        calls: u32,
        now: OffsetDateTime,
    ) -> Result<Lease> {
        self.write(move |tx| leases::lease(tx, &user, &source, calls, now))
            .await
    }

    async fn put_flag(&self, flag: FeatureFlag) -> Result<FeatureFlag> {
        self.write(move |tx| settings::put_flag(tx, flag)).await
    }
    async fn delete_flag(&self, key: String) -> Result<FeatureFlag> {
        self.write(move |tx| settings::delete_flag(tx, &key)).await
    }
    async fn flags(&self) -> Result<Vec<FeatureFlag>> {
        self.read(settings::flags).await
    }
    async fn put_retention(&self, policy: RetentionPolicy) -> Result<RetentionPolicy> {
        self.write(move |tx| settings::put_retention(tx, policy))
            .await
    }
    async fn retention(&self) -> Result<RetentionPolicy> {
        self.read(settings::retention).await
    }

    async fn changes(&self, user: UserId, since: u64, limit: u32) -> Result<FeedPage> {
        self.read(move |c| feed::changes(c, &user, since, limit))
            .await
    }

    async fn file_privacy(
        &self,
        input: PrivacyRequestInput,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<PrivacyRequestView> {
        let view = self
            .write(move |tx| privacy::file(tx, input, by, now))
            .await?;
        self.checkpoint_after(view.status == PrivacyStatus::Completed)
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
        let status = self
            .write(move |tx| privacy::report(tx, id, &token, report, now))
            .await?;
        self.checkpoint_after(status == PrivacyStatus::Completed)
            .await;
        Ok(status)
    }
    async fn privacy_requests(&self) -> Result<Vec<PrivacyRequestView>> {
        self.read(privacy::views).await
    }
    async fn privacy_request(&self, id: PrivacyRequestId) -> Result<Option<PrivacyRequestView>> {
        self.read(move |c| privacy::view(c, &id.to_string())).await
    }
    async fn privacy_export(&self, id: PrivacyRequestId) -> Result<serde_json::Value> {
        self.read(move |c| privacy::export(c, id)).await
    }
    async fn append_audit(&self, record: AuditRecord) -> Result<u64> {
        self.write(move |tx| audit::append(tx, OffsetDateTime::now_utc(), &record))
            .await
    }
    async fn audit(&self, query: AuditQuery) -> Result<Vec<AuditEntry>> {
        self.read(move |c| audit::query(c, &query)).await
    }
    async fn purge(&self, now: OffsetDateTime) -> Result<PurgeReport> {
        let report = self.write(move |tx| audit::purge(tx, now)).await?;
        self.checkpoint_after(report.privacy_completed > 0).await;
        Ok(report)
    }
}
