//! Paying from the offline allowance while the server cannot be reached, and refusing a call
//! for budget (over the team's hard cap, or past the allowance).

use pf_engine::gateway::CallSpec;
use pf_engine::meter::{Outcome, Reservation};
use pf_engine::{EngineEvent, SourceError};
use std::time::Duration;

use super::{DEFAULT_OFFLINE_ALLOWANCE_MICROS, Hold, ServerMeter, usd};

impl ServerMeter {
    pub(super) fn reserve_offline(
        &self,
        spec: &CallSpec,
        ticket: u64,
    ) -> Result<Reservation, SourceError> {
        let cost = spec.cost_micros;
        // State before store, here and in `settle`, so no call sees a cost in neither place.
        let mut s = self.lock();
        let (allowance, pending) = {
            let store = self.store();
            let allowance = store
                .sync_identity()
                .ok()
                .flatten()
                .map_or(DEFAULT_OFFLINE_ALLOWANCE_MICROS, |i| {
                    i.profile.offline_allowance_micros
                });
            let pending = store.offline_spend_pending().unwrap_or_else(|e| {
                tracing::error!(code = e.code(), "cannot read the offline spend: {e}");
                u64::MAX
            });
            (allowance, pending)
        };
        let used = pending.saturating_add(s.offline_in_flight);
        if used.saturating_add(cost) > allowance {
            drop(s);
            return Err(self.refuse(spec, allowance.saturating_sub(used), true));
        }
        s.offline_in_flight += cost;
        s.holds.insert(ticket, Hold::Offline { amount: cost });
        Ok(Reservation {
            micros: cost,
            ticket,
        })
    }

    /// Refuses a paid call for budget: tells the subscribers, logs it, answers the error.
    pub(super) fn refuse(&self, spec: &CallSpec, left: u64, offline: bool) -> SourceError {
        let needed = spec.cost_micros;
        self.events.publish(EngineEvent::BudgetExhausted {
            needed_micros: needed,
            left_micros: left,
        });
        self.log(spec, &Outcome::BudgetRefused, 0, Duration::ZERO, None);
        if offline {
            SourceError::OfflineAllowanceSpent {
                needed: usd(needed),
                left: usd(left),
            }
        } else {
            SourceError::Budget {
                needed: usd(needed),
                left: usd(left),
            }
        }
    }
}
