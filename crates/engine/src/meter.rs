//! Metering: every call reserves its cost before it is made and settles after, and every call
//! lands in the usage log. [`BudgetMeter`] enforces the month's team budget (alert threshold once,
//! hard cap refuses) from local settings. With a sync server configured, `pf-client`'s
//! `ServerMeter` implements the same trait against the server's reservations instead.

use pf_core::UserId;
use pf_store::{Store, UsageRecord, UsageStatus};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

use crate::events::{EngineEvent, EventBus};
use crate::gateway::CallSpec;
use crate::source::SourceError;

/// Money held for a call in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub micros: u64,
    /// The meter's own handle on the hold (e.g. which server reservation settles it); the
    /// gateway hands it back to [`Meter::settle`] untouched. Zero when the meter needs none.
    pub ticket: u64,
}

impl Reservation {
    /// A hold of `micros` without a ticket.
    pub fn of(micros: u64) -> Self {
        Self { micros, ticket: 0 }
    }
}

/// How a call ended, for the usage log and the budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    NoData,
    NoDataCharged,
    RateLimited,
    CircuitOpen,
    BudgetRefused,
    Error(&'static str),
}

impl Outcome {
    pub fn status(&self) -> UsageStatus {
        match self {
            Outcome::Ok | Outcome::NoData | Outcome::NoDataCharged => UsageStatus::Ok,
            Outcome::RateLimited => UsageStatus::RateLimited,
            Outcome::CircuitOpen => UsageStatus::CircuitOpen,
            Outcome::BudgetRefused => UsageStatus::BudgetRefused,
            Outcome::Error("source.timeout") => UsageStatus::Timeout,
            Outcome::Error(_) => UsageStatus::Error,
        }
    }
    /// Whether the provider charges for a call that ended like this.
    pub fn charged(&self) -> bool {
        matches!(self, Outcome::Ok | Outcome::NoDataCharged)
    }
}

/// Reserves and settles the cost of calls.
pub trait Meter: Send + Sync {
    /// Holds the call's cost, or refuses it (hard cap).
    fn reserve(&self, spec: &CallSpec) -> Result<Reservation, SourceError>;
    /// Settles a call: releases the reservation, logs it; returns what it cost.
    fn settle(
        &self,
        spec: &CallSpec,
        reservation: Option<Reservation>,
        outcome: &Outcome,
        elapsed: Duration,
    ) -> u64;
    /// Spent this month and the monthly limit, in micro-dollars, as far as this meter knows
    /// (`(0, 0)`: it does not keep a budget).
    fn spent_and_limit(&self) -> (u64, u64) {
        (0, 0)
    }
}

/// The month's budget, in micro-dollars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetSettings {
    /// 0 means no limit.
    pub monthly_limit_micros: u64,
    /// Fraction of the limit at which `BudgetThreshold` fires (once a month).
    pub alert_threshold: f64,
    /// Refuse paid calls past the limit (otherwise only warn).
    pub hard_cap: bool,
}

impl Default for BudgetSettings {
    fn default() -> Self {
        Self {
            monthly_limit_micros: 100_000_000,
            alert_threshold: 0.8,
            hard_cap: true,
        }
    }
}

struct State {
    reserved: u64,
    /// Spend recorded in the store this month plus what this process settled since.
    spent: u64,
    month_start: OffsetDateTime,
    threshold_fired: bool,
}

/// The local budget guard and usage logger.
pub struct BudgetMeter {
    store: Arc<Mutex<Store>>,
    user: UserId,
    settings: BudgetSettings,
    events: EventBus,
    state: Mutex<State>,
}

fn month_start(now: OffsetDateTime) -> OffsetDateTime {
    now.replace_day(1)
        .unwrap_or(now)
        .replace_time(time::Time::MIDNIGHT)
}

impl BudgetMeter {
    pub fn new(
        store: Arc<Mutex<Store>>,
        user: UserId,
        settings: BudgetSettings,
        events: EventBus,
    ) -> Result<Self, pf_store::StoreError> {
        let start = month_start(OffsetDateTime::now_utc());
        let spent = store
            .lock()
            .map_err(|_| pf_store::StoreError::Corrupt("store lock poisoned".into()))?
            .usage_cost_since(start)?;
        let threshold_fired = settings.monthly_limit_micros > 0
            && spent as f64 >= settings.alert_threshold * settings.monthly_limit_micros as f64;
        Ok(Self {
            store,
            user,
            settings,
            events,
            state: Mutex::new(State {
                reserved: 0,
                spent,
                month_start: start,
                threshold_fired,
            }),
        })
    }
}

impl Meter for BudgetMeter {
    fn spent_and_limit(&self) -> (u64, u64) {
        let s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (s.spent, self.settings.monthly_limit_micros)
    }

    fn reserve(&self, spec: &CallSpec) -> Result<Reservation, SourceError> {
        let cost = spec.cost_micros;
        if cost == 0 {
            return Ok(Reservation::of(0));
        }
        let mut s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = OffsetDateTime::now_utc();
        if month_start(now) != s.month_start {
            s.month_start = month_start(now);
            s.spent = 0;
            s.threshold_fired = false;
        }
        let limit = self.settings.monthly_limit_micros;
        let committed = s.spent + s.reserved;
        if limit > 0 && self.settings.hard_cap && committed + cost > limit {
            let left = limit.saturating_sub(committed);
            drop(s);
            self.events.publish(EngineEvent::BudgetExhausted {
                needed_micros: cost,
                left_micros: left,
            });
            self.log(spec, &Outcome::BudgetRefused, 0, Duration::ZERO);
            return Err(SourceError::Budget {
                needed: cost as f64 / 1e6,
                left: left as f64 / 1e6,
            });
        }
        s.reserved += cost;
        Ok(Reservation::of(cost))
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
        let fire = {
            let mut s = self
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(r) = reservation {
                s.reserved = s.reserved.saturating_sub(r.micros);
            }
            s.spent += cost;
            let limit = self.settings.monthly_limit_micros;
            let crossed = limit > 0
                && !s.threshold_fired
                && s.spent as f64 >= self.settings.alert_threshold * limit as f64;
            if crossed {
                s.threshold_fired = true;
            }
            crossed.then_some((s.spent, limit))
        };
        if let Some((spent, limit)) = fire {
            self.events.publish(EngineEvent::BudgetThreshold {
                spent_micros: spent,
                limit_micros: limit,
                threshold: self.settings.alert_threshold,
            });
        }
        self.log(spec, outcome, cost, elapsed);
        cost
    }
}

impl BudgetMeter {
    fn log(&self, spec: &CallSpec, outcome: &Outcome, cost: u64, elapsed: Duration) {
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
        match self.store.lock() {
            Ok(store) => {
                if let Err(e) = store.log_usage(&rec) {
                    tracing::error!(code = e.code(), "could not write the usage log: {e}");
                }
            }
            Err(_) => tracing::error!("store lock poisoned; usage record lost"),
        }
    }
}

/// A meter that charges nothing and logs nothing (unit tests of sources).
#[derive(Debug, Default, Clone, Copy)]
pub struct FreeMeter;

impl Meter for FreeMeter {
    fn reserve(&self, _spec: &CallSpec) -> Result<Reservation, SourceError> {
        Ok(Reservation::of(0))
    }
    fn settle(
        &self,
        spec: &CallSpec,
        _r: Option<Reservation>,
        outcome: &Outcome,
        _e: Duration,
    ) -> u64 {
        if outcome.charged() {
            spec.cost_micros
        } else {
            0
        }
    }
}
