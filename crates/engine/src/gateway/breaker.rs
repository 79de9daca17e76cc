//! A circuit breaker per source: closed -> open after consecutive failures -> half-open after a
//! cool-down (one trial call) -> closed on success, open again on failure.

use serde::Serialize;
use std::time::{Duration, Instant};

/// The breaker's state as shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BreakerState {
    Closed,
    Open { reason: String, retry_in_secs: u64 },
    HalfOpen,
}

impl BreakerState {
    /// The state as the `circuit_breaker_state` gauge shows it: 0 closed, 1 half-open, 2 open.
    pub fn gauge(&self) -> u8 {
        match self {
            BreakerState::Closed => 0,
            BreakerState::HalfOpen => 1,
            BreakerState::Open { .. } => 2,
        }
    }
}

#[derive(Debug)]
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    failures: u32,
    open_since: Option<(Instant, String)>,
    trial_in_flight: bool,
}

/// What the breaker says about a call about to be made.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// The one trial call of a half-open breaker.
    Trial,
    Refused {
        reason: String,
    },
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown,
            failures: 0,
            open_since: None,
            trial_in_flight: false,
        }
    }

    pub fn admit(&mut self, now: Instant) -> Admission {
        match &self.open_since {
            None => Admission::Allowed,
            Some((since, reason)) => {
                if now.saturating_duration_since(*since) >= self.cooldown && !self.trial_in_flight {
                    self.trial_in_flight = true;
                    Admission::Trial
                } else {
                    Admission::Refused {
                        reason: reason.clone(),
                    }
                }
            }
        }
    }

    pub fn on_success(&mut self) {
        self.failures = 0;
        self.open_since = None;
        self.trial_in_flight = false;
    }

    /// Records a failure; returns true when this failure opened the circuit.
    pub fn on_failure(&mut self, now: Instant, reason: &str) -> bool {
        self.failures += 1;
        let was_open = self.open_since.is_some();
        if self.trial_in_flight || self.failures >= self.threshold {
            self.open_since = Some((now, reason.to_owned()));
            self.trial_in_flight = false;
            return !was_open || self.failures == self.threshold;
        }
        false
    }

    pub fn state(&self, now: Instant) -> BreakerState {
        match &self.open_since {
            None => BreakerState::Closed,
            Some(_) if self.trial_in_flight => BreakerState::HalfOpen,
            Some((since, reason)) => {
                let elapsed = now.saturating_duration_since(*since);
                if elapsed >= self.cooldown {
                    BreakerState::HalfOpen
                } else {
                    BreakerState::Open {
                        reason: reason.clone(),
                        retry_in_secs: (self.cooldown - elapsed).as_secs(),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_half_opens_after_cooldown_and_closes_on_success() {
        let t0 = Instant::now();
        let mut b = Breaker::new(3, Duration::from_secs(30));
        assert!(!b.on_failure(t0, "500"));
        assert!(!b.on_failure(t0, "500"));
        assert!(
            b.on_failure(t0, "HTTP 500 three times"),
            "the third failure opens it"
        );
        assert!(matches!(b.admit(t0), Admission::Refused { reason } if reason.contains("500")));
        assert!(matches!(b.state(t0), BreakerState::Open { .. }));
        let later = t0 + Duration::from_secs(31);
        assert_eq!(b.admit(later), Admission::Trial);
        assert!(
            matches!(b.admit(later), Admission::Refused { .. }),
            "only one trial at a time"
        );
        b.on_success();
        assert_eq!(b.state(later), BreakerState::Closed);
        assert_eq!(b.admit(later), Admission::Allowed);
    }

    #[test]
    fn a_failed_trial_opens_it_again() {
        let t0 = Instant::now();
        let mut b = Breaker::new(1, Duration::from_secs(10));
        assert!(b.on_failure(t0, "timeout"));
        let later = t0 + Duration::from_secs(11);
        assert_eq!(b.admit(later), Admission::Trial);
        b.on_failure(later, "timeout again");
        assert!(matches!(b.admit(later), Admission::Refused { .. }));
    }
}
