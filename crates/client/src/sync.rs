//! One sync round ([`sync_once`]): retry the budget settlements the server has not confirmed,
//! pull every page since the cursor (each page applied with its cursor in one transaction), push
//! the usage outbox in batches (a record is marked pushed only after the server acknowledged it;
//! the server counts each id once, so a push repeated after a lost answer counts nothing twice),
//! and refresh `/v1/me`. An error stops the round where it is; everything done before it stays
//! done and the next round carries on from there.

use pf_store::{PendingSettlement, Store, SyncPage};
use pf_sync::{
    CommitRequest, Cursor, ErrorCode, ReleaseRequest, ReservationId, SyncClient, UsageBatch,
};
use serde::Serialize;
use std::sync::{Mutex, MutexGuard, PoisonError};
use time::OffsetDateTime;

use crate::{ClientError, convert};

/// Changes asked for per page.
pub const PAGE_SIZE: u32 = 1000;
/// Usage records per push (the server takes up to 10,000).
pub const PUSH_BATCH: usize = 500;

/// What one round did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Changes pulled.
    pub pulled: u32,
    pub pages: u32,
    /// Accounts and items stored.
    pub applied: u32,
    /// Accounts removed with their local data.
    pub removed: u32,
    /// Usage records the server took as new.
    pub pushed: u32,
    /// Usage records the server already had (an earlier push whose answer was lost).
    pub duplicates: u32,
    /// Budget settlements retried and answered.
    pub settled: u32,
    /// Privacy orders carried out here and reported to the server.
    pub privacy: u32,
    /// Usage records still waiting.
    pub pending: u64,
    /// Whether the pull started from the beginning (first sync, or the server refused the
    /// cursor).
    pub full: bool,
    /// The cursor after the pull.
    pub cursor: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One round against `client`'s server for the identity configured in `store`.
pub async fn sync_once(
    store: &Mutex<Store>,
    client: &SyncClient,
) -> Result<SyncReport, ClientError> {
    if lock(store).sync_identity()?.is_none() {
        return Err(ClientError::NotLoggedIn);
    }
    let mut report = SyncReport {
        pulled: 0,
        pages: 0,
        applied: 0,
        removed: 0,
        pushed: 0,
        duplicates: 0,
        settled: 0,
        privacy: 0,
        pending: 0,
        full: false,
        cursor: String::new(),
        at: OffsetDateTime::now_utc(),
    };
    report.settled = settle_pending(store, client).await?;
    pull(store, client, &mut report).await?;
    report.privacy = crate::privacy::carry_out_orders(store, client).await?;
    push(store, client, &mut report).await?;
    let me = client.me().await?;
    let s = lock(store);
    s.update_sync_profile(&convert::profile(&me))?;
    report.at = OffsetDateTime::now_utc();
    s.mark_synced(report.at)?;
    report.pending = s.outbox_counts()?.0;
    Ok(report)
}

async fn settle_pending(store: &Mutex<Store>, client: &SyncClient) -> Result<u32, ClientError> {
    let pending = lock(store).pending_settlements()?;
    let mut done = 0;
    for PendingSettlement {
        reservation,
        actual_micros,
    } in pending
    {
        let id = ReservationId::from_uuid(reservation);
        let result = match actual_micros {
            Some(actual) => client
                .commit(&CommitRequest {
                    reservation: id,
                    actual_micros: actual,
                })
                .await
                .map(|_| ()),
            None => client
                .release(&ReleaseRequest { reservation: id })
                .await
                .map(|_| ()),
        };
        match result {
            Ok(()) => {}
            // Already settled (the first answer was lost) or expired: nothing more to do.
            Err(e) if e.error_code() == Some(ErrorCode::ReservationGone) => {
                tracing::info!(%id, "settlement already done or expired on the server");
            }
            Err(e) => return Err(e.into()),
        }
        lock(store).remove_pending_settlement(reservation)?;
        done += 1;
    }
    Ok(done)
}

async fn pull(
    store: &Mutex<Store>,
    client: &SyncClient,
    report: &mut SyncReport,
) -> Result<(), ClientError> {
    let mut cursor = match lock(store).sync_cursor()? {
        Some(text) => Cursor::decode(&text).unwrap_or(Cursor::START),
        None => Cursor::START,
    };
    let mut restarted = false;
    report.full = cursor == Cursor::START;
    let started = pf_store_now();
    loop {
        let page = match client.changes(cursor, Some(PAGE_SIZE)).await {
            Err(e) if e.error_code() == Some(ErrorCode::BadCursor) && !restarted => {
                // A cursor from another server or a restored database: start over.
                tracing::warn!("the sync server refused the cursor: pulling everything again");
                lock(store).reset_sync_cursor()?;
                restarted = true;
                report.full = true;
                cursor = Cursor::START;
                continue;
            }
            other => other?,
        };
        let changes = page
            .changes
            .iter()
            .map(|c| convert::change(&c.item))
            .collect::<Result<Vec<_>, _>>()?;
        let applied = lock(store).apply_sync_page(&SyncPage {
            changes,
            cursor: page.next.encode(),
        })?;
        report.pages += 1;
        report.pulled += u32::try_from(page.changes.len()).unwrap_or(u32::MAX);
        report.applied += applied.accounts + applied.items;
        report.removed += applied.removed;
        cursor = page.next;
        if !page.more {
            break;
        }
    }
    if report.full {
        // A full pull names every account the user may see: the others are gone.
        report.removed += lock(store).prune_synced_accounts(started)?;
    }
    report.cursor = cursor.encode();
    Ok(())
}

/// The store's clock, truncated like its timestamps, so "synced before this pull" compares
/// right against what the store wrote.
fn pf_store_now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc() - time::Duration::milliseconds(1);
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

async fn push(
    store: &Mutex<Store>,
    client: &SyncClient,
    report: &mut SyncReport,
) -> Result<(), ClientError> {
    loop {
        let batch = lock(store).outbox_pending(PUSH_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        let records = batch.iter().map(convert::usage).collect();
        let ack = client.push_usage(&UsageBatch { records }).await?;
        let ids: Vec<uuid::Uuid> = batch.iter().map(|e| e.id).collect();
        lock(store).mark_outbox_pushed(&ids)?;
        report.pushed += ack.accepted;
        report.duplicates += ack.duplicates;
    }
}
