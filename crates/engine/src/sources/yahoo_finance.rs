//! `yahoo_finance` (free, unofficial): Yahoo's quoteSummary for the account's ticker, behind the
//! cookie/crumb flow (api-formats.md B.4):
//! 1. `cookie`: a GET that sets Yahoo's session cookie. With the default base
//!    (`https://query2.finance.yahoo.com`) that is `https://fc.yahoo.com/` (it answers 404 but
//!    sets the cookie for `.yahoo.com`); with any other base (the mock, a proxy) it is the base
//!    URL itself, without a trailing slash (`{mock}/yahoo_finance`, the consent page). The
//!    gateway's HTTP client keeps cookies, so later calls carry it.
//! 2. `crumb`: `GET {base}/v1/test/getcrumb` -> the crumb as plain text; cached in the source (per
//!    base URL) so a batch fetches it once.
//! 3. `quote-summary`: `GET {base}/v10/finance/quoteSummary/{SYMBOL}?modules=price,summaryDetail,
//!    financialData,assetProfile&formatted=false&crumb=..`. A 401 ("Invalid Crumb") refreshes the
//!    cookie and crumb once and retries; a second 401 is an `Auth` error.
//!
//! Without `cx.account.ticker` the source answers `NoData` without a call. 404 or a
//! `quoteType` of `NONE` is `NoData`; 429 ("Too Many Requests", text) is retried with backoff.
//! Facts: profile (name, ticker, industry, country, employees, description, website), market
//! cap and revenue in USD (only when the currency is USD), revenue growth, other figures, and
//! the executives (`companyOfficers`: name, title, age, pay). Numbers are read plain or as
//! `{raw, fmt}` objects, so `formatted=true` answers parse too.

pub mod quote;

use async_trait::async_trait;
use pf_core::{ModuleId, SourceId};
use tokio::sync::Mutex;
use url::Url;

use crate::gateway::snippet;
use crate::{
    Endpoint, Fact, Reply, Source, SourceContext, SourceDescriptor, SourceError, SourceKind,
    Verdict,
};

/// The source id.
pub const ID: &str = "yahoo_finance";
/// Endpoint names.
pub const COOKIE: &str = "cookie";
pub const CRUMB: &str = "crumb";
pub const QUOTE_SUMMARY: &str = "quote-summary";
const DEFAULT_BASE_HOST: &str = "query2.finance.yahoo.com";
const COOKIE_URL: &str = "https://fc.yahoo.com/";
const MODULES: &str = "price,summaryDetail,financialData,assetProfile";
/// The `Auth` text the quoteSummary classifier gives a 401, which triggers one crumb refresh.
const INVALID_CRUMB: &str = "Yahoo refused the crumb (HTTP 401 Invalid Crumb)";

/// Yahoo Finance quoteSummary.
pub struct YahooFinance {
    descriptor: SourceDescriptor,
    /// `(base URL, crumb)` of the last successful crumb request.
    crumb: Mutex<Option<(String, String)>>,
}

impl std::fmt::Debug for YahooFinance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session crumb stays out of logs.
        f.debug_struct("YahooFinance")
            .field("descriptor", &self.descriptor)
            .finish_non_exhaustive()
    }
}

impl Default for YahooFinance {
    fn default() -> Self {
        Self::new()
    }
}

impl YahooFinance {
    pub fn new() -> Self {
        #[allow(clippy::expect_used)]
        let id = SourceId::new(ID).expect("`yahoo_finance` is a valid source id");
        let free = |name| Endpoint {
            name,
            price_micros: 0,
            charges_misses: false,
        };
        Self {
            descriptor: SourceDescriptor {
                id,
                name: "Yahoo Finance",
                version: "quoteSummary v10",
                kind: SourceKind::Free,
                feeds: vec![
                    ModuleId::COMPANY_PROFILE,
                    ModuleId::FINANCIALS,
                    ModuleId::EXECUTIVES,
                ],
                trust: 0.8,
                endpoints: vec![free(COOKIE), free(CRUMB), free(QUOTE_SUMMARY)],
                rate_per_sec: 2.0,
                needs_key: false,
                default_base_url: "https://query2.finance.yahoo.com",
            },
            crumb: Mutex::new(None),
        }
    }

    /// The cached crumb, or a fresh one (cookie first) when there is none or `refresh` is set.
    async fn crumb(&self, cx: &SourceContext<'_>, refresh: bool) -> Result<String, SourceError> {
        let base = cx.config.base_url.as_str().to_owned();
        let mut cached = self.crumb.lock().await;
        if let Some((b, c)) = cached.as_ref()
            && !refresh
            && *b == base
        {
            return Ok(c.clone());
        }
        *cached = None;
        let cookie_url = if cx.config.base_url.host_str() == Some(DEFAULT_BASE_HOST) {
            Url::parse(COOKIE_URL).map_err(|e| SourceError::Config(format!("cookie URL: {e}")))?
        } else {
            let mut base = cx.config.base_url.clone();
            let path = base.path().trim_end_matches('/').to_owned();
            base.set_path(&path);
            base
        };
        cx.gateway
            .send(&cx.call(&self.descriptor, COOKIE, cookie_url, classify_cookie))
            .await?;
        let reply = cx
            .gateway
            .send(&cx.call(
                &self.descriptor,
                CRUMB,
                cx.config.url("v1/test/getcrumb")?,
                classify_crumb,
            ))
            .await?;
        let crumb = reply.text().trim().to_owned();
        *cached = Some((base, crumb.clone()));
        Ok(crumb)
    }
}

#[async_trait]
impl Source for YahooFinance {
    fn descriptor(&self) -> &SourceDescriptor {
        &self.descriptor
    }

    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError> {
        let Some(ticker) = cx
            .account
            .ticker
            .as_deref()
            .map(|t| t.trim().to_ascii_uppercase())
            .filter(|t| !t.is_empty())
        else {
            return Err(SourceError::NoData);
        };
        if ticker.len() > 20
            || !ticker
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-^=".contains(c))
        {
            return Err(SourceError::Config(format!(
                "`{ticker}` is not a ticker symbol"
            )));
        }
        for attempt in 0..2 {
            let crumb = self.crumb(cx, attempt > 0).await?;
            let mut url = cx
                .config
                .url(&format!("v10/finance/quoteSummary/{ticker}"))?;
            url.query_pairs_mut()
                .append_pair("modules", MODULES)
                .append_pair("formatted", "false")
                .append_pair("crumb", &crumb);
            match cx
                .gateway
                .send(&cx.call(&self.descriptor, QUOTE_SUMMARY, url.clone(), classify_quote))
                .await
            {
                Ok(reply) => return quote::facts(&reply.body, cx, &self.descriptor, &url),
                Err(SourceError::Auth(m)) if attempt == 0 && m == INVALID_CRUMB => {
                    tracing::debug!(
                        source = ID,
                        "invalid crumb; refreshing the cookie and crumb once"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        Err(SourceError::Auth(INVALID_CRUMB.into()))
    }
}

/// The cookie request only has to set a cookie: any answer below 500 will do (fc.yahoo.com 404s).
pub fn classify_cookie(reply: &Reply) -> Verdict {
    match reply.status {
        429 => Verdict::Retry {
            after: reply.retry_after(),
            reason: "HTTP 429: Yahoo rate limit".into(),
        },
        500..=599 => Verdict::Retry {
            after: reply.retry_after(),
            reason: format!("HTTP {}", reply.status),
        },
        _ => Verdict::Ok,
    }
}

/// The crumb is a short plain-text token.
pub fn classify_crumb(reply: &Reply) -> Verdict {
    match reply.status {
        200 => {
            let t = reply.text();
            let t = t.trim();
            if t.is_empty()
                || t.len() > 64
                || t.chars().any(|c| c.is_whitespace() || "<>{}".contains(c))
            {
                Verdict::Fail(SourceError::Malformed(
                    "Yahoo's getcrumb answer is not a crumb".into(),
                ))
            } else {
                Verdict::Ok
            }
        }
        401 | 403 => Verdict::Fail(SourceError::Auth(format!(
            "Yahoo refused the crumb request (HTTP {})",
            reply.status
        ))),
        _ => classify_quote(reply),
    }
}

/// Reads a quoteSummary reply.
pub fn classify_quote(reply: &Reply) -> Verdict {
    match reply.status {
        200..=299 => Verdict::Ok,
        401 => Verdict::Fail(SourceError::Auth(INVALID_CRUMB.into())),
        403 => Verdict::Fail(SourceError::Auth(
            "Yahoo refused the request (HTTP 403)".into(),
        )),
        404 => Verdict::NoData,
        429 => Verdict::Retry {
            after: reply.retry_after(),
            reason: "HTTP 429: Yahoo Too Many Requests".into(),
        },
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
