//! Every external call goes through the [`Gateway`]: the source's token bucket, its circuit
//! breaker, the budget guard (cost reserved before the call), a timeout, a response size cap,
//! redirects followed by hand (and recorded), retries with exponential backoff and jitter that
//! honour `Retry-After` (or a source's own hint), and one usage-log record per call.

pub mod breaker;
mod call;
mod http;
pub mod limiter;

pub use call::{CallSpec, Reply, Verdict, default_classify, snippet};

use pf_core::SourceId;
use rand::Rng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::events::{EngineEvent, EventBus};
use crate::meter::{Meter, Outcome, Reservation};
use crate::source::SourceError;
use breaker::{Admission, Breaker, BreakerState};
use limiter::TokenBucket;

/// Call settings shared by all sources.
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured by waiting; longer ones fail the call.
    pub max_retry_wait: Duration,
    pub breaker_threshold: u32,
    pub breaker_cooldown: Duration,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            max_attempts: 4,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(20),
            max_retry_wait: Duration::from_secs(60),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
        }
    }
}

struct Limits {
    bucket: Mutex<TokenBucket>,
    breaker: Mutex<Breaker>,
}

/// The one door to the outside. Cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    settings: GatewaySettings,
    limits: Mutex<HashMap<SourceId, Arc<Limits>>>,
    rates: Mutex<HashMap<SourceId, f64>>,
    meter: Arc<dyn Meter>,
    events: EventBus,
}

impl Gateway {
    pub fn new(
        settings: GatewaySettings,
        meter: Arc<dyn Meter>,
        events: EventBus,
    ) -> Result<Self, SourceError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SourceError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                settings,
                limits: Mutex::new(HashMap::new()),
                rates: Mutex::new(HashMap::new()),
                meter,
                events,
            }),
        })
    }

    pub fn events(&self) -> &EventBus {
        &self.inner.events
    }

    pub fn settings(&self) -> &GatewaySettings {
        &self.inner.settings
    }

    /// Sets a source's rate (calls per second); takes effect at once.
    pub fn set_rate(&self, source: &SourceId, rate: f64) {
        if let Ok(mut rates) = self.inner.rates.lock() {
            rates.insert(source.clone(), rate);
        }
        if let Ok(mut b) = self.limits(source).bucket.lock() {
            b.set_rate(rate);
        }
    }

    fn limits(&self, source: &SourceId) -> Arc<Limits> {
        let mut map = self
            .inner
            .limits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(source.clone())
            .or_insert_with(|| {
                let rate = self
                    .inner
                    .rates
                    .lock()
                    .ok()
                    .and_then(|r| r.get(source).copied())
                    .unwrap_or(0.0);
                Arc::new(Limits {
                    bucket: Mutex::new(TokenBucket::new(rate, 1.0)),
                    breaker: Mutex::new(Breaker::new(
                        self.inner.settings.breaker_threshold,
                        self.inner.settings.breaker_cooldown,
                    )),
                })
            })
            .clone()
    }

    /// The breaker state of a source.
    pub fn breaker_state(&self, source: &SourceId) -> BreakerState {
        let limits = self.limits(source);
        let b = limits
            .breaker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        b.state(Instant::now())
    }

    /// Every source the gateway has limits for, with its breaker state and the tokens its
    /// bucket holds now (read at scrape time by the metrics).
    pub fn limit_states(&self) -> Vec<(SourceId, BreakerState, f64)> {
        let all: Vec<(SourceId, Arc<Limits>)> = self
            .inner
            .limits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(id, l)| (id.clone(), l.clone()))
            .collect();
        let now = Instant::now();
        let mut out: Vec<_> = all
            .into_iter()
            .map(|(id, limits)| {
                let state = limits
                    .breaker
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .state(now);
                let tokens = limits
                    .bucket
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .available(now);
                (id, state, tokens)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    async fn wait_for_token(&self, limits: &Limits) {
        loop {
            let wait = {
                let mut b = limits
                    .bucket
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                match b.try_take(Instant::now()) {
                    Ok(()) => return,
                    Err(wait) => wait,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let s = &self.inner.settings;
        let exp = s.backoff_base.saturating_mul(1u32 << attempt.min(16));
        let capped = exp.min(s.backoff_max);
        let jitter = rand::rng().random_range(0.5..1.5);
        capped.mul_f64(jitter)
    }

    /// Makes the call: breaker, budget reservation, rate limit, request, classification, retries,
    /// usage log. Returns the reply only when the source's classifier says `Ok`.
    pub async fn send(&self, spec: &CallSpec) -> Result<Reply, SourceError> {
        let limits = self.limits(&spec.source);
        let mut attempt = 0_u32;
        loop {
            let admission = {
                let mut b = limits
                    .breaker
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                b.admit(Instant::now())
            };
            if let Admission::Refused { reason } = admission {
                self.record(spec, None, Outcome::CircuitOpen, Duration::ZERO);
                return Err(SourceError::CircuitOpen {
                    source_id: spec.source.to_string(),
                    reason,
                });
            }
            let reservation = self.inner.meter.reserve(spec)?;
            self.wait_for_token(&limits).await;
            let started = Instant::now();
            let result = self.fetch(spec).await;
            let elapsed = started.elapsed();
            let (verdict, reply) = match result {
                Ok(reply) => ((spec.classify)(&reply), Some(reply)),
                Err(SourceError::Timeout(ms)) => (
                    Verdict::Retry {
                        after: None,
                        reason: format!("timed out after {ms} ms"),
                    },
                    None,
                ),
                Err(SourceError::Network(e)) => (
                    Verdict::Retry {
                        after: None,
                        reason: e,
                    },
                    None,
                ),
                Err(e) => (Verdict::Fail(e), None),
            };
            match verdict {
                Verdict::Ok => {
                    self.breaker_success(&limits, spec);
                    self.record(spec, Some(reservation), Outcome::Ok, elapsed);
                    return reply.ok_or_else(|| SourceError::Malformed("no reply".into()));
                }
                Verdict::NoData => {
                    self.breaker_success(&limits, spec);
                    let outcome = if spec.charges_misses {
                        Outcome::NoDataCharged
                    } else {
                        Outcome::NoData
                    };
                    self.record(spec, Some(reservation), outcome, elapsed);
                    return Err(SourceError::NoData);
                }
                // A source saying "no data" through `Fail` marks a miss the provider does not charge.
                Verdict::Fail(SourceError::NoData) => {
                    self.breaker_success(&limits, spec);
                    self.record(spec, Some(reservation), Outcome::NoData, elapsed);
                    return Err(SourceError::NoData);
                }
                Verdict::Fail(err) => {
                    // Credentials and malformed answers are not the provider being down.
                    if matches!(
                        err,
                        SourceError::Upstream { .. } | SourceError::TooLarge { .. }
                    ) {
                        self.breaker_failure(&limits, spec, &err.to_string());
                    }
                    self.record(spec, Some(reservation), Outcome::Error(err.code()), elapsed);
                    return Err(err);
                }
                Verdict::Retry { after, reason } => {
                    let rate_limited =
                        reply.as_ref().is_some_and(|r| r.status == 429) || reason.contains("429");
                    let outcome = if rate_limited {
                        Outcome::RateLimited
                    } else {
                        Outcome::Error("source.upstream")
                    };
                    self.record(spec, Some(reservation), outcome, elapsed);
                    if !rate_limited {
                        self.breaker_failure(&limits, spec, &reason);
                    }
                    attempt += 1;
                    let s = &self.inner.settings;
                    if attempt >= s.max_attempts {
                        if rate_limited {
                            // Still 429 after every attempt: the call gave up, and a provider
                            // that keeps doing that opens the breaker (no retry storm).
                            let why = format!("rate limited (429) on every attempt: {reason}");
                            self.breaker_failure(&limits, spec, &why);
                        }
                        return Err(if rate_limited {
                            SourceError::RateLimited {
                                retry_after_secs: after.map(|d| d.as_secs()),
                            }
                        } else {
                            SourceError::Upstream {
                                status: reply.map(|r| r.status).unwrap_or(0),
                                detail: reason,
                            }
                        });
                    }
                    let wait = match after {
                        Some(a) if a > s.max_retry_wait => {
                            self.breaker_failure(&limits, spec, &reason);
                            return Err(SourceError::RateLimited {
                                retry_after_secs: Some(a.as_secs()),
                            });
                        }
                        Some(a) => a.max(self.backoff(attempt - 1) / 4),
                        None => self.backoff(attempt - 1),
                    };
                    tracing::debug!(source = %spec.source, endpoint = spec.endpoint, attempt, ?wait, %reason, "retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn breaker_success(&self, limits: &Limits, spec: &CallSpec) {
        let mut b = limits
            .breaker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let was_open = !matches!(b.state(Instant::now()), BreakerState::Closed);
        b.on_success();
        if was_open {
            self.inner.events.publish(EngineEvent::CircuitClosed {
                source: spec.source.clone(),
            });
        }
    }

    fn breaker_failure(&self, limits: &Limits, spec: &CallSpec, reason: &str) {
        let opened = {
            let mut b = limits
                .breaker
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            b.on_failure(Instant::now(), reason)
        };
        if opened {
            tracing::warn!(source = %spec.source, reason, "circuit opened");
            self.inner.events.publish(EngineEvent::CircuitOpened {
                source: spec.source.clone(),
                reason: reason.to_owned(),
            });
        }
    }

    fn record(
        &self,
        spec: &CallSpec,
        reservation: Option<Reservation>,
        outcome: Outcome,
        elapsed: Duration,
    ) {
        let cost = self
            .inner
            .meter
            .settle(spec, reservation, &outcome, elapsed);
        let status = outcome.status().as_str().to_owned();
        // Source, endpoint name and status only: never the URL (some carry the API key).
        tracing::debug!(source = %spec.source, endpoint = spec.endpoint, status, ms = elapsed.as_millis() as u64, cost_micros = cost, "call");
        self.inner.events.publish(EngineEvent::CallMade {
            source: spec.source.clone(),
            endpoint: spec.endpoint.to_owned(),
            cost_micros: cost,
            status: status.clone(),
        });
        if outcome != Outcome::CircuitOpen {
            self.inner.events.publish(EngineEvent::CallTimed {
                source: spec.source.clone(),
                endpoint: spec.endpoint.to_owned(),
                status,
                seconds: elapsed.as_secs_f64(),
            });
        }
    }
}
