//! [`ServerMeter`]: the engine's budget guard and rate limiter when a sync server is
//! configured. It implements the engine's `Meter` trait, so the gateway does not change:
//!
//! - before a paid call it takes a call from the source's rate-limit lease ([`lease`]) and
//!   reserves the cost on the server (`/v1/budget/reserve`); over the team's hard cap the call is
//!   refused (`source.budget`), and nothing is spent;
//! - after the call it commits the actual cost, or releases the hold when nothing was charged; a
//!   settlement that cannot reach the server is kept in the store and retried by the next sync;
//! - when the server cannot be reached, paid calls are paid from the offline allowance the
//!   server set (`/v1/me`, $5 by default): what offline calls cost counts against it until the
//!   records are pushed, and past it calls stop with `budget.offline_allowance_spent`. After a
//!   failure the server is left alone for [`MeterSettings::offline_retry`];
//! - every call, paid or free, goes to the local usage log and the outbox in one transaction.
//!
//! The `Meter` trait is synchronous; the server calls run on a private runtime thread
//! (`bridge`), each bounded by [`MeterSettings::rpc_timeout`].

mod lease;
mod offline;

use pf_core::UserId;
use pf_engine::gateway::CallSpec;
use pf_engine::meter::{Meter, Outcome, Reservation};
use pf_engine::{EventBus, SourceError};
use pf_store::{OutboxEntry, PendingSettlement, Store, UsageRecord};
use pf_sync::{
    CommitRequest, ErrorCode, LeaseRequest, ReleaseRequest, ReservationId, ReserveRequest,
    SyncClient, SyncError,
};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

use crate::bridge::Bridge;
use crate::error::unreachable;
use crate::{ClientError, convert};
use lease::Leases;

/// The offline allowance when the server has not said (`/v1/me` always does).
pub const DEFAULT_OFFLINE_ALLOWANCE_MICROS: u64 = 5_000_000;

/// How the meter talks to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeterSettings {
    /// The longest a paid call waits for the server's answer before going offline.
    pub rpc_timeout: Duration,
    /// After the server was unreachable, how long paid calls use the allowance before trying
    /// the server again.
    pub offline_retry: Duration,
    /// How many calls one lease asks for.
    pub lease_batch: u32,
    /// How long a reservation holds money unsettled (the server caps it at 3600 s).
    pub hold_ttl_secs: u32,
}

impl Default for MeterSettings {
    fn default() -> Self {
        Self {
            rpc_timeout: Duration::from_secs(5),
            offline_retry: Duration::from_secs(30),
            lease_batch: 4,
            hold_ttl_secs: 3600,
        }
    }
}

/// What a reservation holds.
enum Hold {
    Server {
        id: ReservationId,
        amount: u64,
    },
    Offline {
        amount: u64,
    },
    /// The server has no budget for the user's team: nothing to hold.
    Unmetered,
}

#[derive(Default)]
struct State {
    offline_until: Option<Instant>,
    /// Offline holds of calls in flight (not yet in the outbox).
    offline_in_flight: u64,
    holds: HashMap<u64, Hold>,
    leases: Leases,
    /// The team's spend this month as the last settlement reported it.
    spent: u64,
    limit: u64,
}

/// The result of one server call.
enum Rpc<T> {
    Ok(T),
    Unreachable,
    Refused(SyncError),
}

/// The budget guard and usage logger backed by the sync server.
pub struct ServerMeter {
    store: Arc<Mutex<Store>>,
    user: UserId,
    client: SyncClient,
    bridge: Bridge,
    events: EventBus,
    settings: MeterSettings,
    state: Mutex<State>,
    tickets: AtomicU64,
}

fn usd(micros: u64) -> f64 {
    micros as f64 / 1e6
}

impl ServerMeter {
    /// A meter for the logged-in user of `store`, talking to `server_url` with `token`.
    pub fn new(
        store: Arc<Mutex<Store>>,
        server_url: &str,
        token: &str,
        events: EventBus,
        settings: MeterSettings,
    ) -> Result<Self, ClientError> {
        let (identity, budget) = {
            let s = store.lock().unwrap_or_else(PoisonError::into_inner);
            let identity = s.sync_identity()?.ok_or(ClientError::NotLoggedIn)?;
            let budget = match &identity.profile.team {
                Some(team) => s.synced_item(convert::kind::BUDGET, team)?,
                None => None,
            };
            (identity, budget)
        };
        let http = reqwest::Client::builder()
            .connect_timeout(settings.rpc_timeout.min(Duration::from_secs(3)))
            .timeout(settings.rpc_timeout)
            .build()
            .map_err(|e| ClientError::Protocol(format!("HTTP client: {e}")))?;
        let client = SyncClient::with_http(http, server_url, token)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let field = |k: &str| budget.as_ref().and_then(|b| b[k].as_u64()).unwrap_or(0);
        let state = State {
            spent: field("spent_micros"),
            limit: field("monthly_limit_micros"),
            ..State::default()
        };
        Ok(Self {
            store,
            user: identity.profile.user,
            client,
            bridge: Bridge::start()?,
            events,
            settings,
            state: Mutex::new(state),
            tickets: AtomicU64::new(0),
        })
    }

    /// True while paid calls use the offline allowance (the server was just unreachable).
    pub fn is_offline(&self) -> bool {
        self.lock()
            .offline_until
            .is_some_and(|t| Instant::now() < t)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Calls the server on the bridge; an unreachable server switches to the allowance.
    fn rpc<T, F, Fut>(&self, call: F) -> Rpc<T>
    where
        F: FnOnce(SyncClient) -> Fut,
        Fut: Future<Output = Result<T, SyncError>> + Send + 'static,
        T: Send + 'static,
    {
        let result = match self
            .bridge
            .run(call(self.client.clone()), self.settings.rpc_timeout)
        {
            None => Rpc::Unreachable,
            Some(Ok(v)) => Rpc::Ok(v),
            Some(Err(e)) if unreachable(&e) => Rpc::Unreachable,
            Some(Err(e)) => Rpc::Refused(e),
        };
        if matches!(result, Rpc::Unreachable) {
            tracing::info!("sync server unreachable: paid calls use the offline allowance");
            self.lock().offline_until = Some(Instant::now() + self.settings.offline_retry);
        }
        result
    }

    /// `None`: the server is unreachable, pay from the allowance.
    fn reserve_online(
        &self,
        spec: &CallSpec,
        ticket: u64,
    ) -> Option<Result<Reservation, SourceError>> {
        match self.take_lease(spec) {
            Err(e) => return Some(Err(e)),
            Ok(false) => return None,
            Ok(true) => {}
        }
        let cost = spec.cost_micros;
        let req = ReserveRequest {
            source: spec.source.to_string(),
            endpoint: spec.endpoint.to_owned(),
            calls: 1,
            amount_micros: Some(cost),
            account: None,
            ttl_secs: Some(self.settings.hold_ttl_secs),
        };
        let held = |hold| {
            self.lock().holds.insert(ticket, hold);
            Ok(Reservation {
                micros: cost,
                ticket,
            })
        };
        match self.rpc(move |c| async move { c.reserve(&req).await }) {
            Rpc::Ok(r) => Some(held(Hold::Server {
                id: r.id,
                amount: r.amount_micros,
            })),
            Rpc::Unreachable => None,
            Rpc::Refused(e) => Some(match e.error_code() {
                Some(ErrorCode::OverCap) => Err(self.refuse(spec, 0, false)),
                Some(ErrorCode::NoBudget) => held(Hold::Unmetered),
                _ => Err(SourceError::Config(format!(
                    "the sync server refused the paid call: {e}"
                ))),
            }),
        }
    }

    /// Takes a call from the source's lease, asking the server for one when needed. `Ok(false)`:
    /// the server is unreachable (no lease offline; the allowance bounds the spend).
    fn take_lease(&self, spec: &CallSpec) -> Result<bool, SourceError> {
        if self
            .lock()
            .leases
            .take(&spec.source, OffsetDateTime::now_utc())
        {
            return Ok(true);
        }
        let req = LeaseRequest {
            source: spec.source.to_string(),
            calls: self.settings.lease_batch.max(1),
        };
        match self.rpc(move |c| async move { c.lease(&req).await }) {
            Rpc::Ok(lease) if lease.granted == 0 => {
                self.log(spec, &Outcome::RateLimited, 0, Duration::ZERO, None);
                Err(SourceError::RateLimited {
                    retry_after_secs: Some(lease.retry_after_ms.unwrap_or(1000).div_ceil(1000)),
                })
            }
            Rpc::Ok(lease) => {
                self.lock().leases.grant(&spec.source, &lease);
                Ok(true)
            }
            Rpc::Unreachable => Ok(false),
            Rpc::Refused(e) => Err(SourceError::Config(format!(
                "the sync server refused a rate-limit lease: {e}"
            ))),
        }
    }

    /// Commits (or releases) a server hold; kept for the next sync when the server is away.
    fn settle_server(&self, id: ReservationId, actual: u64) {
        let result = if actual > 0 {
            let req = CommitRequest {
                reservation: id,
                actual_micros: actual,
            };
            self.rpc(move |c| async move { c.commit(&req).await })
        } else {
            let req = ReleaseRequest { reservation: id };
            self.rpc(move |c| async move { c.release(&req).await })
        };
        match result {
            Rpc::Ok(settlement) => self.lock().spent = settlement.spent_micros,
            Rpc::Unreachable => {
                let pending = PendingSettlement {
                    reservation: id.as_uuid(),
                    actual_micros: (actual > 0).then_some(actual),
                };
                if let Err(e) = self.store().add_pending_settlement(pending) {
                    tracing::error!(code = e.code(), "cannot keep a settlement for later: {e}");
                }
            }
            Rpc::Refused(e) => {
                tracing::warn!(%id, "the sync server refused a settlement: {e}");
            }
        }
    }

    fn log(
        &self,
        spec: &CallSpec,
        outcome: &Outcome,
        cost: u64,
        elapsed: Duration,
        reservation: Option<ReservationId>,
    ) {
        let rec = UsageRecord {
            at: OffsetDateTime::now_utc(),
            user: self.user.clone(),
            source: spec.source.clone(),
            endpoint: spec.endpoint.to_owned(),
            domain: spec.domain.clone(),
            cost_micros: cost,
            status: outcome.status(),
            duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        };
        let entry = OutboxEntry::new(&rec, reservation.map(|r| r.as_uuid()));
        if let Err(e) = self.store().log_usage_outboxed(&rec, &entry) {
            tracing::error!(code = e.code(), "could not write the usage log: {e}");
        }
    }
}

impl Meter for ServerMeter {
    fn reserve(&self, spec: &CallSpec) -> Result<Reservation, SourceError> {
        if spec.cost_micros == 0 {
            return Ok(Reservation::of(0));
        }
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.is_offline()
            && let Some(result) = self.reserve_online(spec, ticket)
        {
            return result;
        }
        self.reserve_offline(spec, ticket)
    }

    fn settle(
        &self,
        spec: &CallSpec,
        reservation: Option<Reservation>,
        outcome: &Outcome,
        elapsed: Duration,
    ) -> u64 {
        let cost = if outcome.charged() {
            spec.cost_micros
        } else {
            0
        };
        let hold = reservation
            .filter(|r| r.ticket != 0)
            .and_then(|r| self.lock().holds.remove(&r.ticket));
        match hold {
            Some(Hold::Server { id, amount }) => {
                self.settle_server(id, cost.min(amount));
                self.log(spec, outcome, cost, elapsed, Some(id));
            }
            Some(Hold::Offline { amount }) => {
                let mut s = self.lock();
                self.log(spec, outcome, cost, elapsed, None);
                s.offline_in_flight = s.offline_in_flight.saturating_sub(amount);
            }
            Some(Hold::Unmetered) | None => self.log(spec, outcome, cost, elapsed, None),
        }
        cost
    }

    fn spent_and_limit(&self) -> (u64, u64) {
        let s = self.lock();
        (s.spent, s.limit)
    }
}
