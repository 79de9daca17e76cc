//! The laptop's endpoints: health, identity, the change feed, usage, budget reservations and
//! rate-limit leases. Every one checks the caller's permission with `pf_core::can` (through
//! [`crate::policy`]) before touching the store.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use pf_core::{AccountScope, Action, Resource, Setting, can};
use pf_sync::{
    Change, ChangesPage, CommitRequest, Cursor, Lease, LeaseRequest, Me, ReleaseRequest,
    Reservation, ReserveRequest, Settlement, UsageAck, UsageBatch,
};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{ApiJson, AppState, Caller};
use crate::store::{ReserveArgs, SettleArgs};
use crate::{ServerError, policy};

/// Page size of `/v1/changes` when the caller names none, and the most it may ask for.
pub const DEFAULT_PAGE: u32 = 1000;
pub const MAX_PAGE: u32 = 5000;
/// The most usage records one push may carry.
pub const MAX_USAGE_BATCH: usize = 10_000;

pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

pub async fn me(State(s): State<AppState>, Caller(a): Caller) -> Result<Json<Me>, ServerError> {
    s.store
        .me(a.user)
        .await?
        .map(Json)
        .ok_or(ServerError::BadToken)
}

#[derive(Deserialize)]
pub struct ChangesQuery {
    since: Option<String>,
    limit: Option<u32>,
}

pub async fn changes(
    State(s): State<AppState>,
    Caller(a): Caller,
    q: Result<Query<ChangesQuery>, QueryRejection>,
) -> Result<Json<ChangesPage>, ServerError> {
    let Query(q) = q.map_err(|e| ServerError::Invalid(e.body_text()))?;
    let since = match q.since.as_deref().map(str::trim) {
        None | Some("") => Cursor::START,
        Some(text) => Cursor::decode(text).map_err(|e| ServerError::BadCursor(e.to_string()))?,
    };
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ServerError::Invalid(format!(
            "limit must be 1..={MAX_PAGE}"
        )));
    }
    let page = s.store.changes(a.user.clone(), since.seq(), limit).await?;
    let changes = page
        .entries
        .into_iter()
        .filter_map(|(seq, item)| policy::render(&a, item).map(|item| Change { seq, item }))
        .collect();
    Ok(Json(ChangesPage {
        changes,
        next: Cursor::from_seq(page.next),
        more: page.more,
    }))
}

fn check_text(what: &str, v: &str) -> Result<(), ServerError> {
    if v.trim().is_empty() || v.len() > 200 {
        return Err(ServerError::Invalid(format!(
            "{what} must be 1 to 200 characters"
        )));
    }
    Ok(())
}

pub async fn usage(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(batch): ApiJson<UsageBatch>,
) -> Result<Json<UsageAck>, ServerError> {
    if !policy::may_spend(&a) {
        return Err(ServerError::denied("record usage"));
    }
    if batch.records.len() > MAX_USAGE_BATCH {
        return Err(ServerError::Invalid(format!(
            "at most {MAX_USAGE_BATCH} records a push"
        )));
    }
    for r in &batch.records {
        check_text("source", &r.source)?;
        check_text("endpoint", &r.endpoint)?;
        check_text("status", &r.status)?;
    }
    let pushed = batch.records.clone();
    let ack = s
        .store
        .record_usage(a.user, a.team, batch.records, OffsetDateTime::now_utc())
        .await?;
    // Metrics count a push once: a push the server (partly) had already is not counted again.
    if ack.duplicates == 0 {
        s.metrics.usage(&pushed);
    }
    Ok(Json(ack))
}

pub async fn reserve(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(req): ApiJson<ReserveRequest>,
) -> Result<Json<Reservation>, ServerError> {
    if !policy::may_spend(&a) {
        s.metrics.reservation("denied");
        return Err(ServerError::denied("spend budget"));
    }
    check_text("source", &req.source)?;
    check_text("endpoint", &req.endpoint)?;
    let team = a.team.ok_or(ServerError::NoBudget)?;
    if let Some(id) = req.account {
        let account = s
            .store
            .account(id)
            .await?
            .ok_or_else(|| ServerError::NotFound(format!("account {id}")))?;
        let scope: AccountScope = policy::account_scope(&account);
        if !can(&a, Action::Enrich, &Resource::Account(scope)) {
            s.metrics.reservation("denied");
            return Err(ServerError::denied("enrich this account"));
        }
    }
    let amount = match req.amount_micros {
        Some(amount) => amount,
        None => {
            let price = s
                .store
                .prices()
                .await?
                .into_iter()
                .find(|p| p.source == req.source && p.endpoint == req.endpoint)
                .ok_or_else(|| {
                    ServerError::Invalid(format!(
                        "no price for {}/{}; send amount_micros",
                        req.source, req.endpoint
                    ))
                })?;
            price.price_micros.saturating_mul(u64::from(req.calls))
        }
    };
    let ttl_secs = req.ttl_secs.unwrap_or(300);
    if !(1..=3600).contains(&ttl_secs) {
        return Err(ServerError::Invalid("ttl_secs must be 1..=3600".into()));
    }
    let result = s
        .store
        .reserve(ReserveArgs {
            team,
            user: a.user,
            source: req.source,
            endpoint: req.endpoint,
            amount_micros: amount,
            ttl_secs,
            now: OffsetDateTime::now_utc(),
        })
        .await;
    s.metrics.reservation(match &result {
        Ok(_) => "granted",
        Err(ServerError::OverCap { .. }) => "over_cap",
        Err(ServerError::NoBudget) => "no_budget",
        Err(_) => "error",
    });
    result.map(Json)
}

async fn settle(
    s: &AppState,
    a: pf_core::Actor,
    reservation: pf_sync::ReservationId,
    actual_micros: Option<u64>,
) -> Result<Json<Settlement>, ServerError> {
    if !policy::may_spend(&a) {
        return Err(ServerError::denied("spend budget"));
    }
    let by_admin = policy::may(&a, Action::Administer, Setting::Roles);
    let result = s
        .store
        .settle(SettleArgs {
            reservation,
            user: a.user,
            by_admin,
            actual_micros,
            now: OffsetDateTime::now_utc(),
        })
        .await;
    if result.is_ok() {
        s.metrics.reservation(if actual_micros.is_some() {
            "committed"
        } else {
            "released"
        });
    }
    result.map(Json)
}

pub async fn commit(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(req): ApiJson<CommitRequest>,
) -> Result<Json<Settlement>, ServerError> {
    settle(&s, a, req.reservation, Some(req.actual_micros)).await
}

pub async fn release(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(req): ApiJson<ReleaseRequest>,
) -> Result<Json<Settlement>, ServerError> {
    settle(&s, a, req.reservation, None).await
}

pub async fn lease(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(req): ApiJson<LeaseRequest>,
) -> Result<Json<Lease>, ServerError> {
    if !policy::may_spend(&a) {
        return Err(ServerError::denied("lease calls"));
    }
    check_text("source", &req.source)?;
    if !(1..=10_000).contains(&req.calls) {
        return Err(ServerError::Invalid("calls must be 1..=10000".into()));
    }
    let lease = s
        .store
        .lease(a.user, req.source, req.calls, OffsetDateTime::now_utc())
        .await?;
    let outcome = match (lease.limit, lease.granted) {
        (None, _) => "unlimited",
        (Some(_), 0) => "exhausted",
        _ => "granted",
    };
    s.metrics.lease(&lease.source, outcome, lease.granted);
    Ok(Json(lease))
}
