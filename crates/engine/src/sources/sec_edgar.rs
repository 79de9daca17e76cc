//! `sec_edgar` (free, official): SEC EDGAR's JSON APIs (api-formats.md B.5).
//! 1. `tickers`: `files/company_tickers.json` (`{"0":{"cik_str":320193,"ticker":"AAPL","title":..}}`)
//!    maps the account's ticker (else its exact or normalised company name) to a CIK. The file
//!    lives on `www.sec.gov`, not `data.sec.gov`: with the default base (`https://data.sec.gov`)
//!    it is read from `https://www.sec.gov/files/company_tickers.json`; with any other base (the
//!    mock: `{mock}/sec_edgar`) from `{base}/files/company_tickers.json`. It is fetched once and
//!    kept in memory (per URL) so a batch does not refetch it per domain.
//! 2. `submissions`: `submissions/CIK##########.json` -> name, CIK, SIC description as industry,
//!    ticker, website, former names (`profile.former_names`, renames and mergers) and the recent
//!    10-K/10-Q/8-K filings (`filings.recent`), read from EDGAR's columnar `filings.recent`.
//! 3. `companyfacts`: `api/xbrl/companyfacts/CIK##########.json` -> the latest fiscal year's
//!    revenue (`financials.revenue_usd`, its period in `financials.revenue_period`) and the
//!    growth over the year before (`financials.revenue_growth`). A miss here keeps step 2's facts.
//!
//! SEC wants a declared User-Agent with a company name and a contact e-mail: without an e-mail in
//! `cx.config.user_agent` the source fails with `Config` before any call. The rate-limit page
//! ("Request Rate Threshold Exceeded", 403) blocks for 10 minutes: it is `Retry { after: 600 s }`
//! (beyond the gateway's longest wait, so the call fails fast as `RateLimited`), and the source
//! then refuses its own calls until the block has passed, since calling again extends it. The
//! "automated tools" page is a `Config` error naming the User-Agent requirement.

pub mod companyfacts;
pub mod submissions;
pub mod tickers;

pub use tickers::{Listed, find, normalise_name};

use async_trait::async_trait;
use pf_core::{ModuleId, SourceId};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use url::Url;

use crate::gateway::snippet;
use crate::{
    Endpoint, Fact, Health, Reply, Source, SourceContext, SourceDescriptor, SourceError,
    SourceKind, Verdict,
};

/// The source id.
pub const ID: &str = "sec_edgar";
/// Endpoint names.
pub const TICKERS: &str = "tickers";
pub const SUBMISSIONS: &str = "submissions";
pub const COMPANY_FACTS: &str = "companyfacts";
/// How long SEC blocks a client that went over 10 requests per second.
pub const RATE_LIMIT_BLOCK: Duration = Duration::from_secs(600);
const DEFAULT_BASE_HOST: &str = "data.sec.gov";
const WWW_TICKERS_URL: &str = "https://www.sec.gov/files/company_tickers.json";
const UA_REQUIRED: &str = "SEC EDGAR requires a declared User-Agent with a company name and a contact e-mail \
     (e.g. `Acme Corp sales-ops@acme.com`); set sources.sec_edgar.user_agent";

/// SEC EDGAR submissions and company facts.
#[derive(Debug)]
pub struct SecEdgar {
    descriptor: SourceDescriptor,
    /// `(tickers URL, rows)` once fetched.
    tickers: Mutex<Option<(String, Arc<Vec<Listed>>)>>,
    /// While SEC's 10-minute block lasts, no call is made.
    blocked_until: std::sync::Mutex<Option<Instant>>,
}

impl Default for SecEdgar {
    fn default() -> Self {
        Self::new()
    }
}

impl SecEdgar {
    pub fn new() -> Self {
        #[allow(clippy::expect_used)]
        let id = SourceId::new(ID).expect("`sec_edgar` is a valid source id");
        let free = |name| Endpoint {
            name,
            price_micros: 0,
            charges_misses: false,
        };
        Self {
            descriptor: SourceDescriptor {
                id,
                name: "SEC EDGAR",
                version: "submissions+xbrl",
                kind: SourceKind::Free,
                feeds: vec![
                    ModuleId::COMPANY_PROFILE,
                    ModuleId::DOMAIN_FAMILY,
                    ModuleId::FINANCIALS,
                ],
                trust: 0.9,
                endpoints: vec![free(TICKERS), free(SUBMISSIONS), free(COMPANY_FACTS)],
                rate_per_sec: 5.0,
                needs_key: false,
                default_base_url: "https://data.sec.gov",
            },
            tickers: Mutex::new(None),
            blocked_until: std::sync::Mutex::new(None),
        }
    }

    /// Sends one call, honouring (and recording) SEC's 10-minute block.
    async fn send(
        &self,
        cx: &SourceContext<'_>,
        endpoint: &'static str,
        url: &Url,
    ) -> Result<Reply, SourceError> {
        let now = Instant::now();
        let until = *self
            .blocked_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(left) = until
            .and_then(|u| u.checked_duration_since(now))
            .filter(|d| !d.is_zero())
        {
            return Err(SourceError::RateLimited {
                retry_after_secs: Some(left.as_secs().max(1)),
            });
        }
        let spec = cx.call(&self.descriptor, endpoint, url.clone(), classify);
        let result = cx.gateway.send(&spec).await;
        if let Err(SourceError::RateLimited {
            retry_after_secs: Some(s),
        }) = &result
            && *s >= RATE_LIMIT_BLOCK.as_secs()
        {
            let mut b = self
                .blocked_until
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *b = Some(Instant::now() + Duration::from_secs(*s));
        }
        result
    }

    /// `company_tickers.json`, fetched at most once per URL while it keeps answering.
    async fn listed(&self, cx: &SourceContext<'_>) -> Result<Arc<Vec<Listed>>, SourceError> {
        let url = tickers_url(&cx.config.base_url)
            .map_or_else(|| cx.config.url("files/company_tickers.json"), Ok)?;
        let mut cached = self.tickers.lock().await;
        if let Some((u, rows)) = cached.as_ref()
            && u == url.as_str()
        {
            return Ok(rows.clone());
        }
        let reply = self.send(cx, TICKERS, &url).await?;
        let rows = Arc::new(tickers::parse_tickers(&reply.body)?);
        *cached = Some((url.to_string(), rows.clone()));
        Ok(rows)
    }
}

#[async_trait]
impl Source for SecEdgar {
    fn descriptor(&self) -> &SourceDescriptor {
        &self.descriptor
    }

    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError> {
        if !declares_email(&cx.config.user_agent) {
            return Err(SourceError::Config(UA_REQUIRED.into()));
        }
        let (ticker, name) = (cx.account.ticker.as_deref(), cx.account.name.as_deref());
        if ticker.is_none_or(|t| t.trim().is_empty())
            && name.is_none_or(|n| normalise_name(n).is_empty())
        {
            return Err(SourceError::NoData);
        }
        let listed = self.listed(cx).await?;
        let Some(company) = find(&listed, ticker, name) else {
            return Err(SourceError::NoData);
        };
        let cik = format!("CIK{:010}", company.cik);

        let url = cx.config.url(&format!("submissions/{cik}.json"))?;
        let reply = self.send(cx, SUBMISSIONS, &url).await?;
        let mut facts = submissions::facts(&reply.body, company, cx, &self.descriptor, &url)?;

        let url = cx
            .config
            .url(&format!("api/xbrl/companyfacts/{cik}.json"))?;
        match self.send(cx, COMPANY_FACTS, &url).await {
            Ok(reply) => facts.extend(companyfacts::facts(
                &reply.body,
                cx,
                &self.descriptor,
                &url,
            )?),
            Err(e) => tracing::warn!(
                source = ID,
                code = e.code(),
                "company facts unavailable: {e}"
            ),
        }
        Ok(facts)
    }

    /// No call: a missing e-mail in the User-Agent, or SEC's block still running.
    async fn health_check(&self, cx: &SourceContext<'_>) -> Health {
        if !declares_email(&cx.config.user_agent) {
            return Health::Down(UA_REQUIRED.into());
        }
        let until = *self
            .blocked_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match until.and_then(|u| u.checked_duration_since(Instant::now())) {
            Some(left) => {
                Health::Degraded(format!("rate-limited by SEC for {} more s", left.as_secs()))
            }
            None => Health::Ok,
        }
    }
}

/// Reads an EDGAR reply, including its HTML error pages.
pub fn classify(reply: &Reply) -> Verdict {
    match reply.status {
        200..=299 => Verdict::Ok,
        404 => Verdict::NoData,
        403 | 429 => {
            // Both pages carry the title "Request Rate Threshold Exceeded"; their bodies differ.
            let text = reply.text().to_ascii_lowercase();
            let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
            let rate = has(&[
                "maximum allowable requests",
                "request rate has exceeded",
                "limited for 10 minutes",
            ]);
            let undeclared = has(&[
                "undeclared automated tool",
                "declare your traffic",
                "automated tools outside",
            ]);
            if rate || (!undeclared && text.contains("request rate threshold exceeded")) {
                // "429" in the reason makes the gateway log it as rate-limited (not as an outage).
                Verdict::Retry {
                    after: Some(RATE_LIMIT_BLOCK),
                    reason: "HTTP 429-equivalent: SEC request rate threshold exceeded".into(),
                }
            } else if undeclared {
                Verdict::Fail(SourceError::Config(UA_REQUIRED.into()))
            } else if reply.status == 429 {
                Verdict::Retry {
                    after: reply.retry_after(),
                    reason: "HTTP 429".into(),
                }
            } else {
                Verdict::Fail(SourceError::Auth(
                    "SEC refused the request (HTTP 403)".into(),
                ))
            }
        }
        500..=599 => Verdict::Retry {
            after: reply.retry_after(),
            reason: format!("HTTP {}", reply.status),
        },
        s => Verdict::Fail(SourceError::Upstream {
            status: s,
            detail: snippet(&reply.body),
        }),
    }
}

/// Where `company_tickers.json` lives for the real provider (`None`: under the base URL).
pub fn tickers_url(base: &Url) -> Option<Url> {
    (base.host_str() == Some(DEFAULT_BASE_HOST))
        .then(|| Url::parse(WWW_TICKERS_URL).ok())
        .flatten()
}

/// Whether a User-Agent carries something shaped like an e-mail address.
pub fn declares_email(user_agent: &str) -> bool {
    user_agent
        .split(|c: char| c.is_whitespace() || "()<>;,".contains(c))
        .any(|w| {
            w.split_once('@').is_some_and(|(local, host)| {
                !local.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
            })
        })
}
