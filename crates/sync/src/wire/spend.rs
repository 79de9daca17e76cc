//! Spend: usage records, budget reservations and their settlement, prices, and rate-limit leases.

use pf_core::{AccountId, TeamId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{LeaseId, Micros, ReservationId, UsageId};

/// One paid or free call, as the laptop logged it. `id` is made by the client, so pushing the
/// same record twice counts it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    pub id: UsageId,
    pub source: String,
    pub endpoint: String,
    #[serde(default)]
    pub domain: Option<String>,
    pub cost_micros: Micros,
    /// `ok`, `error`, `timeout`, ... as the engine logged it.
    pub status: String,
    #[serde(default)]
    pub duration_ms: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The reservation this call was paid from. Without one (offline allowance) the record's cost
    /// is added to the team's spend; with one, the commit already counted it.
    #[serde(default)]
    pub reservation: Option<ReservationId>,
}

/// `POST /v1/usage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageBatch {
    pub records: Vec<UsageRecord>,
}

/// The answer to a usage push: new records, and records the server already had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageAck {
    pub accepted: u32,
    pub duplicates: u32,
}

/// `POST /v1/budget/reserve`: hold money from the caller's team budget before a paid call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveRequest {
    pub source: String,
    pub endpoint: String,
    /// How many calls; the price list gives the amount. Default 1.
    #[serde(default = "one")]
    pub calls: u32,
    /// An explicit amount instead of the price list's.
    #[serde(default)]
    pub amount_micros: Option<Micros>,
    /// The account the calls are for; when given, the caller must be allowed to enrich it.
    #[serde(default)]
    pub account: Option<AccountId>,
    /// How long the hold lasts unsettled (default 300 s, at most 3600 s).
    #[serde(default)]
    pub ttl_secs: Option<u32>,
}

fn one() -> u32 {
    1
}

/// A granted reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub id: ReservationId,
    pub team: TeamId,
    pub amount_micros: Micros,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// What is left under the hard cap after this reservation.
    pub remaining_micros: Micros,
}

/// `POST /v1/budget/commit`: the call was made and cost this much (at most the reserved amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitRequest {
    pub reservation: ReservationId,
    pub actual_micros: Micros,
}

/// `POST /v1/budget/release`: the call was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    pub reservation: ReservationId,
}

/// How a reservation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementState {
    Committed,
    Released,
}

/// The answer to a commit or release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub reservation: ReservationId,
    pub state: SettlementState,
    pub charged_micros: Micros,
    /// The team's spend this month after the settlement.
    pub spent_micros: Micros,
    /// True when this settlement took the team across its alert threshold.
    pub crossed_alert: bool,
}

/// `PUT /v1/admin/budgets/{team}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetInput {
    pub monthly_limit_micros: Micros,
    /// Percent of the monthly limit at which the team's managers are alerted (default 80).
    #[serde(default = "eighty")]
    pub alert_threshold_pct: u8,
    /// Never exceeded: reservations beyond it are refused.
    pub hard_cap_micros: Micros,
    /// What a laptop may spend offline (default $5).
    #[serde(default = "five_dollars")]
    pub offline_allowance_micros: Micros,
}

fn eighty() -> u8 {
    80
}

fn five_dollars() -> Micros {
    5_000_000
}

/// A team's budget and this month's spend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetView {
    pub team: TeamId,
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub monthly_limit_micros: Micros,
    pub alert_threshold_pct: u8,
    pub hard_cap_micros: Micros,
    pub offline_allowance_micros: Micros,
    pub spent_micros: Micros,
    pub reserved_micros: Micros,
}

/// A team crossed its alert threshold this month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetAlert {
    pub team: TeamId,
    pub month: String,
    pub spent_micros: Micros,
    pub monthly_limit_micros: Micros,
    pub threshold_pct: u8,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The price of one call to a source's endpoint (`PUT /v1/admin/prices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEntry {
    pub source: String,
    pub endpoint: String,
    pub price_micros: Micros,
}

/// The organisation's limit for a source: at most `max_calls` per `window_secs`, all laptops
/// together (`PUT /v1/admin/limits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLimit {
    pub source: String,
    pub max_calls: u32,
    pub window_secs: u32,
}

/// `POST /v1/ratelimit/lease`: ask for an allowance of calls to a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    pub source: String,
    pub calls: u32,
}

/// An allowance: the caller may make `granted` calls before `window_ends_at`. Zero granted means
/// wait `retry_after_ms`. A source without a configured limit grants what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub id: LeaseId,
    pub source: String,
    pub granted: u32,
    pub limit: Option<u32>,
    pub window_secs: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub window_ends_at: OffsetDateTime,
    pub retry_after_ms: Option<u64>,
}
