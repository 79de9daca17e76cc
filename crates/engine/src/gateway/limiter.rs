//! A token bucket per source: `rate` tokens per second, bursts up to `burst`.

use std::time::{Duration, Instant};

/// A token bucket. Not thread-safe by itself; the gateway keeps it behind a mutex.
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// `rate` calls per second (a rate of 0 or less means unlimited), `burst` at most at once.
    pub fn new(rate: f64, burst: f64) -> Self {
        let burst = burst.max(1.0);
        Self {
            rate,
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
    }

    /// Takes a token if one is there; otherwise says how long until one will be.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / self.rate))
        }
    }

    /// Changes the rate (e.g. from configuration or a server lease).
    pub fn set_rate(&mut self, rate: f64) {
        self.rate = rate;
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Tokens a call could take at `now`, without taking one. An unlimited bucket (rate 0)
    /// always has its full burst.
    pub fn available(&self, now: Instant) -> f64 {
        if self.rate <= 0.0 {
            return self.burst;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        (self.tokens + elapsed * self.rate).min(self.burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_paces_at_its_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 2.0);
        assert!(b.try_take(t0).is_ok());
        assert!(b.try_take(t0).is_ok());
        let wait = b.try_take(t0).expect_err("burst used up");
        assert!((wait.as_secs_f64() - 0.1).abs() < 0.01, "{wait:?}");
        assert!(b.try_take(t0 + Duration::from_millis(100)).is_ok());
        assert!(b.try_take(t0 + Duration::from_millis(100)).is_err());
    }

    #[test]
    fn available_tokens_refill_at_the_rate_up_to_the_burst() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 2.0);
        b.try_take(t0).expect("first");
        b.try_take(t0).expect("second");
        assert!(b.available(t0) < 0.01);
        let half = b.available(t0 + Duration::from_millis(50));
        assert!((half - 0.5).abs() < 0.01, "{half}");
        assert!((b.available(t0 + Duration::from_secs(5)) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn a_zero_rate_is_unlimited() {
        let mut b = TokenBucket::new(0.0, 1.0);
        let t0 = Instant::now();
        for _ in 0..100 {
            assert!(b.try_take(t0).is_ok());
        }
    }
}
