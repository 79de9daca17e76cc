//! [`ServerStore`]: the one storage trait the HTTP layer uses, and the records it speaks.
//! [`SqliteStore`] and [`PgStore`] implement it, and both pass the same [`conformance`] suite.
//!
//! Contract every implementation keeps:
//! - each method is one transaction: it happens whole or not at all;
//! - the change feed is per user: one row per (user, kind, key) holding the sequence of the
//!   item's last change as that user sees it (`seq` from one counter that only grows, allocated
//!   inside the writing transaction; feed writers are serialised so a reader never sees seq N
//!   committed before seq N-1: SQLite has one writer, PostgreSQL an advisory lock). Who is in an item's audience is decided with
//!   [`crate::policy::in_audience`] when the item or the user changes; an item that leaves a
//!   user's audience gets a removal row;
//! - `reserve` never lets committed spend + open unexpired reservations exceed the hard cap, under
//!   any concurrency;
//! - `record_usage` is idempotent by record id; `lease` never grants more than a source's limit
//!   per window in total.

mod audited;
pub mod conformance;
mod model;
pub(crate) mod postgres;
mod privacy;
mod sqlite;

pub use audited::audited;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use pf_core::{
    AccountId, AccountScope, Actor, FeatureFlag, PrivacyRequestId, PrivacyStatus, TeamId,
    TerritoryId, UserId,
};
use pf_sync::{
    AccountInput, AssignmentInput, AuditEntry, AuditQuery, BudgetAlert, BudgetInput, BudgetView,
    Lease, Me, PriceEntry, PrivacyOrder, PrivacyReport, PrivacyRequestInput, PrivacyRequestView,
    Reservation, ReservationId, RetentionPolicy, Settlement, SourceLimit, SyncedAccount, Team,
    Territory, TerritoryInput, UsageAck, UsageRecord, User, UserInput,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::ServerError;

pub type Result<T> = std::result::Result<T, ServerError>;

/// A token as stored: its public id, its owner, the hash of its text, and its expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub id: String,
    pub user: UserId,
    pub hash: Vec<u8>,
    pub expires_at: Option<OffsetDateTime>,
}

/// A token found by id, with its user as an actor (`None` when the user was deactivated).
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub token: StoredToken,
    pub actor: Option<Actor>,
}

/// An item of a user's change feed, loaded in its current state. The HTTP layer renders it for
/// the caller with [`crate::policy::render`].
#[derive(Debug, Clone, PartialEq)]
pub enum FeedItem {
    Me(Me),
    /// The full account (nothing withheld: rendering strips per role).
    Account(SyncedAccount),
    AccountRemoved(AccountId),
    /// A territory and its owner's team.
    Territory(Territory, Option<TeamId>),
    TerritoryRemoved(TerritoryId),
    Budget(BudgetView),
    BudgetAlert(BudgetAlert),
    Price(PriceEntry),
    PriceRemoved {
        source: String,
        endpoint: String,
    },
    SourceLimit(SourceLimit),
    Flag(FeatureFlag),
    FlagRemoved(String),
    Retention(RetentionPolicy),
    /// An open privacy request for the user's laptops to carry out.
    PrivacyOrder(PrivacyOrder),
    /// The request completed: laptops forget the order.
    PrivacyOrderRemoved(PrivacyRequestId),
}

/// One line to append to the audit log (the store stamps its time and sequence).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// `None` for the system (a retention purge).
    pub actor: Option<UserId>,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
}

impl AuditRecord {
    pub fn new(
        actor: Option<&UserId>,
        action: &str,
        target: impl Into<String>,
        detail: serde_json::Value,
    ) -> Self {
        Self {
            actor: actor.cloned(),
            action: action.to_owned(),
            target: target.into(),
            detail,
        }
    }
}

/// What one retention purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PurgeReport {
    /// Usage records older than the policy's `usage_days` (none when it is 0: keep).
    pub usage: u64,
    /// Rate-limit leases older than a day (every window has ended).
    pub leases: u64,
    /// Settled (or long expired) reservations older than a day.
    pub reservations: u64,
    /// Privacy requests completed because the laptops they still waited for are gone.
    pub privacy_completed: u64,
}

/// One page of a user's feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPage {
    pub entries: Vec<(u64, FeedItem)>,
    /// The cursor to pull from next: the last entry's seq, or `since` when the page is empty.
    pub next: u64,
    pub more: bool,
}

/// A reservation request, already authorised, with the amount priced.
#[derive(Debug, Clone)]
pub struct ReserveArgs {
    pub team: TeamId,
    pub user: UserId,
    pub source: String,
    pub endpoint: String,
    pub amount_micros: u64,
    pub ttl_secs: u32,
    pub now: OffsetDateTime,
}

/// Settle a reservation: commit `Some(actual)` or release (`None`). Only the user who reserved
/// it (or an admin, `by_admin`) may.
#[derive(Debug, Clone)]
pub struct SettleArgs {
    pub reservation: ReservationId,
    pub user: UserId,
    pub by_admin: bool,
    pub actual_micros: Option<u64>,
    pub now: OffsetDateTime,
}

/// Decides, inside the assigning transaction, whether moving an account from the first scope
/// to the second is allowed.
pub type AssignGuard = Box<dyn Fn(&AccountScope, &AccountScope) -> bool + Send>;

/// Everything the server stores. Object safe: the HTTP layer holds an `Arc<dyn ServerStore>`.
#[async_trait]
pub trait ServerStore: Send + Sync + 'static {
    // Users, tokens, identity.
    async fn put_user(&self, input: UserInput) -> Result<User>;
    async fn deactivate_user(&self, id: UserId) -> Result<User>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn insert_token(&self, token: StoredToken) -> Result<()>;
    async fn find_token(&self, id: String) -> Result<Option<TokenGrant>>;
    async fn me(&self, user: UserId) -> Result<Option<Me>>;

    // Teams.
    async fn create_team(&self, name: String) -> Result<Team>;
    async fn rename_team(&self, id: TeamId, name: String) -> Result<Team>;
    async fn delete_team(&self, id: TeamId) -> Result<Team>;
    async fn list_teams(&self) -> Result<Vec<Team>>;

    // Territories, accounts, assignments.
    async fn create_territory(&self, input: TerritoryInput) -> Result<Territory>;
    async fn update_territory(&self, id: TerritoryId, input: TerritoryInput) -> Result<Territory>;
    async fn delete_territory(&self, id: TerritoryId) -> Result<Territory>;
    async fn list_territories(&self) -> Result<Vec<Territory>>;
    async fn put_accounts(&self, accounts: Vec<AccountInput>) -> Result<Vec<AccountId>>;
    async fn account(&self, id: AccountId) -> Result<Option<SyncedAccount>>;
    async fn assign(&self, input: AssignmentInput, guard: AssignGuard) -> Result<SyncedAccount>;

    // Budgets, spend, usage.
    async fn put_budget(&self, team: TeamId, input: BudgetInput) -> Result<()>;
    async fn budgets(&self, now: OffsetDateTime) -> Result<Vec<BudgetView>>;
    async fn reserve(&self, args: ReserveArgs) -> Result<Reservation>;
    async fn settle(&self, args: SettleArgs) -> Result<Settlement>;
    async fn record_usage(
        &self,
        user: UserId,
        team: Option<TeamId>,
        records: Vec<UsageRecord>,
        now: OffsetDateTime,
    ) -> Result<UsageAck>;

    // Prices, limits, leases.
    async fn put_price(&self, price: PriceEntry) -> Result<PriceEntry>;
    async fn delete_price(&self, source: String, endpoint: String) -> Result<PriceEntry>;
    async fn prices(&self) -> Result<Vec<PriceEntry>>;
    async fn put_limit(&self, limit: SourceLimit) -> Result<SourceLimit>;
    async fn limits(&self) -> Result<Vec<SourceLimit>>;
    async fn lease(
        &self,
        user: UserId,
        source: String,
        calls: u32,
        now: OffsetDateTime,
    ) -> Result<Lease>;

    // Flags and retention.
    async fn put_flag(&self, flag: FeatureFlag) -> Result<FeatureFlag>;
    async fn delete_flag(&self, key: String) -> Result<FeatureFlag>;
    async fn flags(&self) -> Result<Vec<FeatureFlag>>;
    async fn put_retention(&self, policy: RetentionPolicy) -> Result<RetentionPolicy>;
    async fn retention(&self) -> Result<RetentionPolicy>;

    // The change feed.
    /// The user's feed after `since`, at most `limit` entries. `since` beyond the newest
    /// sequence is `BadCursor`. With nothing new: no entries, `next == since`.
    async fn changes(&self, user: UserId, since: u64, limit: u32) -> Result<FeedPage>;

    // Privacy requests, the audit log, retention.
    /// Files a request and acts on the server's own tables in the same transaction; the order
    /// goes to every user with a live token (their laptops are expected to report). Writes the
    /// `privacy.file` audit entry (and `privacy.complete` when no laptop is expected).
    async fn file_privacy(
        &self,
        input: PrivacyRequestInput,
        by: UserId,
        now: OffsetDateTime,
    ) -> Result<PrivacyRequestView>;
    /// A laptop's report, by the id of the token it signed in with. Idempotent; completes the
    /// request when no expected laptop is left to report.
    async fn report_privacy(
        &self,
        id: PrivacyRequestId,
        token: String,
        report: PrivacyReport,
        now: OffsetDateTime,
    ) -> Result<PrivacyStatus>;
    /// Every request, newest first.
    async fn privacy_requests(&self) -> Result<Vec<PrivacyRequestView>>;
    async fn privacy_request(&self, id: PrivacyRequestId) -> Result<Option<PrivacyRequestView>>;
    /// An access request's export: the server's findings and each laptop's export.
    async fn privacy_export(&self, id: PrivacyRequestId) -> Result<serde_json::Value>;
    async fn append_audit(&self, record: AuditRecord) -> Result<u64>;
    async fn audit(&self, query: AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Deletes what the retention policy no longer keeps and writes a `retention.purge` entry.
    async fn purge(&self, now: OffsetDateTime) -> Result<PurgeReport>;
}

/// Making a completed privacy request reach the database's files (each backend says how: a WAL
/// checkpoint, a table rewrite), run after the request's transaction committed. A failure is
/// logged and remembered, and the next purge runs it again; the request itself stays completed.
#[derive(Default)]
pub(crate) struct ErasureCleanup {
    due: std::sync::atomic::AtomicBool,
}

impl ErasureCleanup {
    /// Runs `clean` when a request just `completed`, or when an earlier run failed.
    pub(crate) async fn after<F, Fut>(&self, completed: bool, clean: F)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        use std::sync::atomic::Ordering;
        if !(self.due.swap(false, Ordering::SeqCst) || completed) {
            return;
        }
        if let Err(e) = clean().await {
            self.due.store(true, Ordering::SeqCst);
            tracing::error!(error = %e, "erased data not yet cleaned from the database files; the next purge tries again");
        }
    }
}

/// `YYYY-MM` of a time (UTC): the budget month.
pub fn month_of(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

/// Unix milliseconds.
pub fn to_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// From Unix milliseconds.
pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
