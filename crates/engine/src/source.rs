//! The `Source` trait: one external (or local) data provider. Each source lives in one file under
//! `sources/`, describes itself ([`SourceDescriptor`]), fetches through the [`Gateway`] (which
//! applies rate limits, the circuit breaker, retries, the budget guard and the usage log) and
//! turns the provider's response into cited [`Fact`]s.

use async_trait::async_trait;
use pf_core::{Domain, ModuleId, SourceId, SourceRef};
use serde::Serialize;
use time::OffsetDateTime;
use url::Url;
use zeroize::Zeroizing;

use crate::gateway::{CallSpec, Reply, Verdict};
use crate::{Fact, Gateway};

/// Whether calls cost money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Free,
    Paid,
}

/// One priced endpoint of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Stable name used in the usage log and price list, e.g. `domain-api`.
    pub name: &'static str,
    /// Default price per call in micro-dollars (configuration may override it).
    pub price_micros: u64,
    /// Whether the provider charges for a call that finds no data.
    pub charges_misses: bool,
}

/// What a source is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceDescriptor {
    pub id: SourceId,
    pub name: &'static str,
    pub version: &'static str,
    pub kind: SourceKind,
    /// The modules this source can feed.
    pub feeds: Vec<ModuleId>,
    /// How much its facts are trusted, 0..=1 (website 1.0, BuiltWith 0.9, ...).
    pub trust: f64,
    pub endpoints: Vec<Endpoint>,
    /// Default calls per second.
    pub rate_per_sec: f64,
    /// Whether it needs an API key to work.
    pub needs_key: bool,
    /// Where it is reached by default (the real provider).
    pub default_base_url: &'static str,
}

impl SourceDescriptor {
    /// The default price of `endpoint`, 0 when unknown.
    pub fn price(&self, endpoint: &str) -> u64 {
        self.endpoints
            .iter()
            .find(|e| e.name == endpoint)
            .map(|e| e.price_micros)
            .unwrap_or(0)
    }
}

/// A source's effective configuration.
#[derive(Clone)]
pub struct SourceConfig {
    /// Base URL; tests and the demo point it at `crates/mock-apis` (`http://127.0.0.1:PORT/<id>`).
    pub base_url: Url,
    /// The API key from the OS keyring, if any.
    pub api_key: Option<Zeroizing<String>>,
    /// The User-Agent to declare (SEC requires a company name and contact e-mail).
    pub user_agent: String,
    /// Prices per endpoint in micro-dollars (defaults from the descriptor, overridable).
    pub prices: Vec<(String, u64)>,
}

impl std::fmt::Debug for SourceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceConfig")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl SourceConfig {
    /// The configured price of an endpoint.
    pub fn price(&self, endpoint: &str) -> u64 {
        self.prices
            .iter()
            .find(|(e, _)| e == endpoint)
            .map(|(_, p)| *p)
            .unwrap_or(0)
    }
    /// `base_url` joined with a relative path (`v22/api.json`), keeping the base's own path.
    pub fn url(&self, path: &str) -> Result<Url, SourceError> {
        let mut base = self.base_url.clone();
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        base.join(path.trim_start_matches('/'))
            .map_err(|e| SourceError::Config(format!("bad URL path `{path}`: {e}")))
    }
}

/// What the engine knows about the account when it asks a source (some sources look up by
/// name or ticker, not domain).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountHint {
    pub domain: Domain,
    pub name: Option<String>,
    pub ticker: Option<String>,
}

/// Everything a source needs for one fetch.
pub struct SourceContext<'a> {
    pub gateway: &'a Gateway,
    pub config: &'a SourceConfig,
    pub account: &'a AccountHint,
    pub now: OffsetDateTime,
}

impl SourceContext<'_> {
    /// A call of `source`'s `endpoint` about this account: the configured price, whether the
    /// provider charges a miss (from the descriptor's endpoint), and the declared User-Agent.
    pub fn call(
        &self,
        source: &SourceDescriptor,
        endpoint: &'static str,
        url: Url,
        classify: fn(&Reply) -> Verdict,
    ) -> CallSpec {
        let charges_misses = source
            .endpoints
            .iter()
            .any(|e| e.name == endpoint && e.charges_misses);
        CallSpec {
            source: source.id.clone(),
            endpoint,
            domain: Some(self.account.domain.clone()),
            url,
            headers: vec![("User-Agent".into(), self.config.user_agent.clone())],
            cost_micros: self.config.price(endpoint),
            charges_misses,
            classify,
        }
    }

    /// A citation for a fact this source read from `url` via `endpoint`.
    pub fn cite(
        &self,
        source: &SourceDescriptor,
        endpoint: &str,
        url: Option<&Url>,
        confidence: f64,
    ) -> SourceRef {
        let confidence = confidence.clamp(0.0, 1.0);
        // Construction only fails for a confidence outside 0..=1, which the clamp rules out.
        SourceRef::new(
            source.id.clone(),
            endpoint,
            url.map(redact_url),
            self.now,
            confidence,
        )
        .unwrap_or_else(|_| unreachable_citation(source, self.now))
    }
}

fn unreachable_citation(source: &SourceDescriptor, now: OffsetDateTime) -> SourceRef {
    #[allow(clippy::expect_used)]
    SourceRef::new(source.id.clone(), "unknown", None, now, 0.5).expect("0.5 is a valid confidence")
}

/// A URL as it may be stored or shown: query parameters that carry secrets are removed.
pub fn redact_url(url: &Url) -> String {
    let secret = |k: &str| {
        let k = k.to_ascii_lowercase();
        k.contains("key") || k.contains("token") || k.contains("crumb") || k.contains("secret")
    };
    let mut out = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !secret(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        out.set_query(None);
    } else {
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out.to_string()
}

/// A redirect hop as shown to users: the URL, or under a base URL the path below it.
pub fn redirect_label(url: &Url, base: &Url) -> String {
    let b = base.as_str().trim_end_matches('/');
    if base.scheme() != "direct" && url.as_str().starts_with(b) {
        return url.as_str()[b.len()..].trim_start_matches('/').to_owned();
    }
    redact_url(url)
}

/// Whether a source is reachable and usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "detail", rename_all = "snake_case")]
pub enum Health {
    Ok,
    NoKey,
    Degraded(String),
    Down(String),
}

/// Why a source produced no facts. Each has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("no data for this domain")]
    NoData,
    #[error("no API key configured for {0}")]
    NoKey(String),
    #[error("the provider refused the credentials: {0}")]
    Auth(String),
    #[error("the provider account is out of credits")]
    OutOfCredits,
    #[error("rate limited by the provider{}", .retry_after_secs.map(|s| format!(", retry after {s} s")).unwrap_or_default())]
    RateLimited { retry_after_secs: Option<u64> },
    #[error("the provider answered {status}: {detail}")]
    Upstream { status: u16, detail: String },
    #[error("malformed response: {0}")]
    Malformed(String),
    #[error("the response exceeded {limit} bytes")]
    TooLarge { limit: usize },
    #[error("timed out after {0} ms")]
    Timeout(u64),
    #[error("network error: {0}")]
    Network(String),
    #[error("circuit open for {source_id}: {reason}")]
    CircuitOpen { source_id: String, reason: String },
    #[error("budget: needed ${needed:.2}, ${left:.2} left this month")]
    Budget { needed: f64, left: f64 },
    /// The sync server cannot be reached and the offline allowance it set is used up.
    #[error(
        "budget: the sync server is unreachable and the offline allowance is spent (needed ${needed:.2}, ${left:.2} left); paid calls resume when it is reachable again"
    )]
    OfflineAllowanceSpent { needed: f64, left: f64 },
    #[error("configuration: {0}")]
    Config(String),
}

impl SourceError {
    pub fn code(&self) -> &'static str {
        match self {
            SourceError::NoData => "source.no_data",
            SourceError::NoKey(_) => "source.no_key",
            SourceError::Auth(_) => "source.auth",
            SourceError::OutOfCredits => "source.out_of_credits",
            SourceError::RateLimited { .. } => "source.rate_limited",
            SourceError::Upstream { .. } => "source.upstream",
            SourceError::Malformed(_) => "source.malformed",
            SourceError::TooLarge { .. } => "source.too_large",
            SourceError::Timeout(_) => "source.timeout",
            SourceError::Network(_) => "source.network",
            SourceError::CircuitOpen { .. } => "source.circuit_open",
            SourceError::Budget { .. } => "source.budget",
            SourceError::OfflineAllowanceSpent { .. } => "budget.offline_allowance_spent",
            SourceError::Config(_) => "source.config",
        }
    }
}

/// A data provider. Implementations are stateless apart from configuration; the engine holds the
/// rate limiter, breaker and budget for them.
#[async_trait]
pub trait Source: Send + Sync {
    fn descriptor(&self) -> &SourceDescriptor;

    /// Fetches what the provider knows about the account and turns it into cited facts.
    /// `Err(SourceError::NoData)` when the provider has nothing on it.
    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError>;

    /// The endpoints one `fetch` calls when the provider answers, once each, in order: what a
    /// refresh is priced at before it runs ([`crate::Engine::estimate`]). By default every
    /// endpoint of the descriptor once; a source that pages or skips endpoints says so here.
    fn planned_calls(&self) -> Vec<&'static str> {
        self.descriptor().endpoints.iter().map(|e| e.name).collect()
    }

    /// A cheap reachability check (no paid call).
    async fn health_check(&self, cx: &SourceContext<'_>) -> Health {
        if self.descriptor().needs_key && cx.config.api_key.is_none() {
            return Health::NoKey;
        }
        Health::Ok
    }
}
