//! Every external call goes through the [`Gateway`]: the source's token bucket, its circuit
//! breaker, the budget guard (cost reserved before the call), a timeout, a response size cap,
//! redirects followed by hand (and recorded), retries with exponential backoff and jitter that
//! honour `Retry-After` (or a source's own hint), and one usage-log record per call.

pub mod breaker;
pub mod limiter;

use bytes::Bytes;
use pf_core::{Domain, SourceId};
use rand::Rng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

use crate::events::{EngineEvent, EventBus};
use crate::meter::{Meter, Outcome, Reservation};
use crate::source::SourceError;
use breaker::{Admission, Breaker, BreakerState};
use limiter::TokenBucket;

/// One HTTP request a source wants made.
#[derive(Debug, Clone)]
pub struct CallSpec {
    pub source: SourceId,
    /// The priced endpoint name (`domain-api`), as in the usage log.
    pub endpoint: &'static str,
    pub domain: Option<Domain>,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    /// What the call costs if the provider charges for it, in micro-dollars.
    pub cost_micros: u64,
    /// Whether a "no data" answer is charged.
    pub charges_misses: bool,
    /// How the source reads a reply.
    pub classify: fn(&Reply) -> Verdict,
}

/// A reply as received (after redirects).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub final_url: Url,
    /// URLs redirected through, in order (excluding the final one).
    pub redirects: Vec<Url>,
}

impl Reply {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// `Retry-After` in seconds, when given as a number.
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    }
}

/// A source's reading of a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Ok,
    /// The provider has nothing for this lookup (charged if the spec says misses are charged;
    /// return `Fail(SourceError::NoData)` for a miss that is never charged).
    NoData,
    /// Try again later (rate limit, transient server error).
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    Fail(SourceError),
}

/// The default reading: 2xx ok, 404 no data, 429 and 5xx retry, 401/403 auth, else upstream.
pub fn default_classify(reply: &Reply) -> Verdict {
    match reply.status {
        200..=299 => Verdict::Ok,
        404 => Verdict::NoData,
        429 => Verdict::Retry {
            after: reply.retry_after(),
            reason: "HTTP 429".into(),
        },
        500..=599 => Verdict::Retry {
            after: reply.retry_after(),
            reason: format!("HTTP {}", reply.status),
        },
        401 | 403 => Verdict::Fail(SourceError::Auth(format!("HTTP {}", reply.status))),
        s => Verdict::Fail(SourceError::Upstream {
            status: s,
            detail: snippet(&reply.body),
        }),
    }
}

/// The first 200 characters of a body, for error messages.
pub fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

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
        self.inner.events.publish(EngineEvent::CallMade {
            source: spec.source.clone(),
            endpoint: spec.endpoint.to_owned(),
            cost_micros: cost,
            status: outcome.status().as_str().to_owned(),
        });
    }

    /// One request with redirects followed by hand, a timeout and a size cap.
    async fn fetch(&self, spec: &CallSpec) -> Result<Reply, SourceError> {
        let s = &self.inner.settings;
        let mut url = spec.url.clone();
        let mut redirects = Vec::new();
        let deadline = Instant::now() + s.timeout;
        loop {
            let mut req = self.inner.http.get(url.clone());
            for (k, v) in &spec.headers {
                req = req.header(k, v);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let timeout_ms = u64::try_from(s.timeout.as_millis()).unwrap_or(u64::MAX);
            let resp = tokio::time::timeout(left, req.send())
                .await
                .map_err(|_| SourceError::Timeout(timeout_ms))?
                .map_err(|e| SourceError::Network(network_message(&e)))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status)
                && status != 304
                && let Some(next) = resp
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l).ok())
            {
                redirects.push(url.clone());
                if redirects.len() > s.max_redirects {
                    return Err(SourceError::Upstream {
                        status,
                        detail: format!("more than {} redirects", s.max_redirects),
                    });
                }
                url = next;
                continue;
            }
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            if let Some(len) = resp.content_length()
                && len > s.max_body_bytes as u64
            {
                return Err(SourceError::TooLarge {
                    limit: s.max_body_bytes,
                });
            }
            let body = tokio::time::timeout(
                deadline.saturating_duration_since(Instant::now()),
                read_capped(resp, s.max_body_bytes),
            )
            .await
            .map_err(|_| SourceError::Timeout(timeout_ms))??;
            return Ok(Reply {
                status,
                headers,
                body,
                final_url: url,
                redirects,
            });
        }
    }
}

async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Bytes, SourceError> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| SourceError::Network(network_message(&e)))?
    {
        if buf.len() + chunk.len() > cap {
            return Err(SourceError::TooLarge { limit: cap });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// A network error without the URL (which may carry a key in its query).
fn network_message(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_body() || e.is_decode() {
        "broken response body"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}
