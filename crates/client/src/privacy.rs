//! Privacy orders from the sync server, carried out on this laptop at the next sync. Each order
//! (access, erasure or rectification of one person) arrives through the change feed, is carried
//! out by the store (which audits it), and is reported to the server with the records affected
//! — and for access, everything found, with sources and dates. Only once the server took the
//! report is the order forgotten and the request completed here, so a laptop that goes offline
//! mid-way reports at its next sync; a repeated erasure finds nothing more and reports again.

use pf_core::{Correction, PrivacyKind, PrivacyRequestId, Role, Subject};
use pf_store::{PrivacyOrigin, Store};
use pf_sync::{
    ErrorCode, PrivacyOrder, PrivacyReport, PrivacyRequestInput, PrivacyRequestView, SyncClient,
};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::ClientError;
use crate::convert::kind;

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Files a request on the server (a laptop with a sync server files nothing locally): admins
/// only; anyone else gets [`ClientError::ServerManaged`] before anything is sent.
pub async fn file_on_server(
    identity: &crate::Identity,
    client: &SyncClient,
    kind: PrivacyKind,
    subject: &Subject,
    correction: Option<Correction>,
) -> Result<PrivacyRequestView, ClientError> {
    if identity.role != Role::Admin {
        return Err(ClientError::ServerManaged);
    }
    let input = PrivacyRequestInput {
        kind,
        email: subject.email().to_owned(),
        name: subject.name().map(str::to_owned),
        correction,
    };
    Ok(client.file_privacy(&input).await?)
}

/// Carries out every pending order and reports it; answers how many were reported.
pub async fn carry_out_orders(
    store: &Mutex<Store>,
    client: &SyncClient,
) -> Result<u32, ClientError> {
    let orders = lock(store).synced_items(kind::PRIVACY_ORDER)?;
    let mut reported = 0;
    for (_, data) in orders {
        let order: PrivacyOrder = serde_json::from_value(data)
            .map_err(|e| ClientError::Protocol(format!("a privacy order: {e}")))?;
        if carry_out(store, client, &order).await? {
            reported += 1;
        }
    }
    Ok(reported)
}

async fn carry_out(
    store: &Mutex<Store>,
    client: &SyncClient,
    order: &PrivacyOrder,
) -> Result<bool, ClientError> {
    let subject = match Subject::new(&order.email, order.name.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            // The server checked it too: an order it should not have sent. Keep it out of the
            // way and say so; the admin sees this laptop never reported.
            tracing::warn!(request = %order.id, code = e.code(), "privacy order refused");
            return Ok(false);
        }
    };
    let outcome = lock(store).carry_out_privacy(
        order.id,
        order.kind,
        &subject,
        order.correction.as_ref(),
        PrivacyOrigin::Server,
        "server",
    )?;
    if outcome.request.reported_at.is_some() {
        lock(store).forget_privacy_order(order.id)?;
        return Ok(false);
    }
    let export = (order.kind == PrivacyKind::Access)
        .then(|| serde_json::to_value(&outcome.found))
        .transpose()
        .map_err(|e| ClientError::Protocol(e.to_string()))?;
    let report = PrivacyReport {
        records: outcome.request.records.clone(),
        export,
    };
    match client.report_privacy(order.id, &report).await {
        Ok(_) => {}
        // The request was completed or withdrawn meanwhile: nothing more to tell.
        Err(e) if gone(e.error_code()) => {
            tracing::info!(request = %order.id, "privacy request no longer open on the server");
        }
        Err(e) => return Err(e.into()),
    }
    done(store, order.id)?;
    tracing::info!(request = %order.id, kind = %order.kind, "privacy order carried out and reported");
    Ok(true)
}

fn gone(code: Option<ErrorCode>) -> bool {
    matches!(
        code,
        Some(ErrorCode::NotFound | ErrorCode::PrivacyNotFound | ErrorCode::PrivacyNotExpected)
    )
}

fn done(store: &Mutex<Store>, id: PrivacyRequestId) -> Result<(), ClientError> {
    let s = lock(store);
    s.mark_privacy_reported(id)?;
    s.forget_privacy_order(id)?;
    Ok(())
}
