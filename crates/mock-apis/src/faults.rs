//! Faults on demand: by domain prefix (`fault500-shop.com`) or queued through `POST /__faults`
//! (or [`crate::MockApis::set_fault`]) for the next N matching calls. Each provider renders a
//! fault in its own real convention (BuiltWith's 429 JSON with `retryAfterSeconds`, its `-3`
//! credits error inside a 200 body, SimilarWeb's 403, SEC's HTML pages...).

use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::respond::{error_page, json, text, with_header};
use crate::{Provider, builtwith, sec, similarweb, yahoo};

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// HTTP 500.
    #[serde(rename = "500", alias = "server_error")]
    ServerError,
    /// HTTP 429 with `Retry-After` (BuiltWith: its JSON body with `retryAfterSeconds`).
    #[serde(rename = "429", alias = "rate_limited")]
    RateLimited,
    /// The normal answer, late (`delay_ms`, default 3 s).
    #[serde(rename = "slow")]
    Slow,
    /// The normal answer cut halfway.
    #[serde(rename = "truncated")]
    Truncated,
    /// An HTML error page with status 502.
    #[serde(rename = "html_error")]
    HtmlError,
    /// BuiltWith `-3` in a 200 body; SimilarWeb 403; others a plain 403.
    #[serde(rename = "out_of_credits")]
    OutOfCredits,
    /// The SEC's "Request Rate Threshold Exceeded" HTML page with status 403.
    #[serde(rename = "rate_limit_page")]
    RateLimitPage,
}

impl FaultKind {
    /// The fault a domain (or board token) asks for by its prefix, if any.
    pub fn from_prefix(key: &str) -> Option<FaultKind> {
        let key = key.strip_prefix("www.").unwrap_or(key);
        [
            ("fault500-", FaultKind::ServerError),
            ("fault429-", FaultKind::RateLimited),
            ("slow-", FaultKind::Slow),
            ("truncated-", FaultKind::Truncated),
            ("htmlerror-", FaultKind::HtmlError),
            ("credits-", FaultKind::OutOfCredits),
        ]
        .into_iter()
        .find(|(p, _)| key.starts_with(p))
        .map(|(_, k)| k)
    }
}

fn one() -> u32 {
    1
}

/// A fault to inject into the next `times` calls matching provider (and endpoint, and domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// A source id (`builtwith`, `similarweb`, `yahoo_finance`, `sec_edgar`, `job_boards`,
    /// `website`), or `*` for any.
    pub provider: String,
    /// Only this endpoint (`domain-api`...), if given.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Only calls about this domain, if given.
    #[serde(default)]
    pub domain: Option<String>,
    pub kind: FaultKind,
    /// How many matching calls it applies to (default 1; 0 = until reset).
    #[serde(default = "one")]
    pub times: u32,
    /// Seconds for `Retry-After` / `retryAfterSeconds` (default 1).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Delay for `slow` in milliseconds (default: the server's slow delay, 3 s).
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

impl Fault {
    /// A fault for the next call to `provider`.
    pub fn new(provider: &str, kind: FaultKind) -> Self {
        Self {
            provider: provider.to_owned(),
            endpoint: None,
            domain: None,
            kind,
            times: 1,
            retry_after: None,
            delay_ms: None,
        }
    }
    pub fn endpoint(mut self, endpoint: &str) -> Self {
        self.endpoint = Some(endpoint.to_owned());
        self
    }
    pub fn domain(mut self, domain: &str) -> Self {
        self.domain = Some(domain.to_owned());
        self
    }
    /// Applies to `n` calls (0 = until reset).
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.delay_ms = Some(ms);
        self
    }

    fn matches(&self, provider: Provider, endpoint: &str, domain: Option<&str>) -> bool {
        (self.provider == "*" || self.provider == provider.id())
            && self.endpoint.as_deref().is_none_or(|e| e == endpoint)
            && self
                .domain
                .as_deref()
                .is_none_or(|d| domain.is_some_and(|x| x.eq_ignore_ascii_case(d)))
    }
}

/// A fault chosen for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Active {
    pub kind: FaultKind,
    pub retry_after: u64,
    pub delay: Duration,
}

impl Active {
    /// The fault a prefix asks for, with default retry hint and the server's slow delay.
    pub fn from_prefix(key: &str, slow: Duration) -> Option<Active> {
        FaultKind::from_prefix(key).map(|kind| Active {
            kind,
            retry_after: 1,
            delay: slow,
        })
    }
}

/// The queue of pending faults.
#[derive(Debug, Default)]
pub struct FaultQueue {
    pending: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub fn push(&self, fault: Fault) {
        self.lock().push(fault);
    }
    /// Faults still waiting to fire.
    pub fn pending(&self) -> Vec<Fault> {
        self.lock().clone()
    }
    pub fn clear(&self) {
        self.lock().clear();
    }
    /// The first pending fault matching this call, consuming one of its uses.
    pub fn take(
        &self,
        provider: Provider,
        endpoint: &str,
        domain: Option<&str>,
        slow: Duration,
    ) -> Option<Active> {
        let mut q = self.lock();
        let i = q
            .iter()
            .position(|f| f.matches(provider, endpoint, domain))?;
        let f = q[i].clone();
        match f.times {
            0 => {}
            1 => {
                q.remove(i);
            }
            _ => q[i].times -= 1,
        }
        Some(Active {
            kind: f.kind,
            retry_after: f.retry_after.unwrap_or(1),
            delay: f.delay_ms.map(Duration::from_millis).unwrap_or(slow),
        })
    }
}

/// Answers a call: the normal rendering, or the fault's version of it.
pub async fn apply(
    active: Option<Active>,
    provider: Provider,
    render: impl FnOnce() -> Response,
) -> Response {
    let Some(a) = active else { return render() };
    match a.kind {
        FaultKind::Slow => {
            tokio::time::sleep(a.delay).await;
            render()
        }
        FaultKind::Truncated => truncate(render()).await,
        _ => status_fault(a, provider),
    }
}

/// Cuts a response's body in half (keeping status and content type).
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let full = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = full.slice(..full.len() / 2);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

fn status_fault(a: Active, provider: Provider) -> Response {
    let retry = a.retry_after.to_string();
    match a.kind {
        FaultKind::ServerError => match provider {
            Provider::BuiltWith | Provider::Sec | Provider::Website => {
                error_page(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Provider::SimilarWeb => similarweb::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                500,
                "Internal Server Error",
            ),
            Provider::Yahoo => yahoo::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                "Internal error",
            ),
            Provider::Jobs => json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({"status": 500, "error": "Internal Server Error"}),
            ),
        },
        FaultKind::RateLimited => {
            let resp = match provider {
                Provider::BuiltWith => builtwith::rate_limited(a.retry_after),
                Provider::SimilarWeb => {
                    similarweb::error(StatusCode::TOO_MANY_REQUESTS, 429, "Too Many Requests")
                }
                Provider::Yahoo => text(StatusCode::TOO_MANY_REQUESTS, "Edge: Too Many Requests"),
                Provider::Sec => sec::threshold_page(StatusCode::TOO_MANY_REQUESTS),
                Provider::Jobs => json(
                    StatusCode::TOO_MANY_REQUESTS,
                    &serde_json::json!({"status": 429, "error": "Too Many Requests"}),
                ),
                Provider::Website => error_page(StatusCode::TOO_MANY_REQUESTS),
            };
            with_header(resp, "retry-after", &retry)
        }
        FaultKind::HtmlError => error_page(StatusCode::BAD_GATEWAY),
        FaultKind::OutOfCredits => match provider {
            Provider::BuiltWith => {
                builtwith::error_response(-3, "You've run out of API Credits.", None)
            }
            Provider::SimilarWeb => {
                similarweb::error(StatusCode::FORBIDDEN, 403, "User has no data credits left")
            }
            _ => text(StatusCode::FORBIDDEN, "Forbidden"),
        },
        FaultKind::RateLimitPage => sec::threshold_page(StatusCode::FORBIDDEN),
        FaultKind::Slow | FaultKind::Truncated => error_page(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_map_to_kinds() {
        assert_eq!(
            FaultKind::from_prefix("fault429-shop.com"),
            Some(FaultKind::RateLimited)
        );
        assert_eq!(
            FaultKind::from_prefix("www.htmlerror-shop.com"),
            Some(FaultKind::HtmlError)
        );
        assert_eq!(FaultKind::from_prefix("shop.com"), None);
    }

    #[test]
    fn queue_consumes_uses_in_order() {
        let q = FaultQueue::default();
        let slow = Duration::from_millis(5);
        q.push(Fault::new("builtwith", FaultKind::ServerError).times(2));
        q.push(
            Fault::new("similarweb", FaultKind::RateLimited)
                .endpoint("visits")
                .domain("a.com"),
        );
        assert!(
            q.take(Provider::SimilarWeb, "visits", Some("b.com"), slow)
                .is_none()
        );
        assert!(
            q.take(Provider::SimilarWeb, "similar-sites", Some("a.com"), slow)
                .is_none()
        );
        assert_eq!(
            q.take(Provider::SimilarWeb, "visits", Some("A.com"), slow)
                .map(|a| a.kind),
            Some(FaultKind::RateLimited)
        );
        assert!(
            q.take(Provider::BuiltWith, "domain-api", None, slow)
                .is_some()
        );
        assert!(
            q.take(Provider::BuiltWith, "domain-api", None, slow)
                .is_some()
        );
        assert!(
            q.take(Provider::BuiltWith, "domain-api", None, slow)
                .is_none()
        );
        q.push(Fault::new("*", FaultKind::Slow).times(0).delay_ms(7));
        for _ in 0..3 {
            assert_eq!(
                q.take(Provider::Website, "homepage", None, slow)
                    .map(|a| a.delay),
                Some(Duration::from_millis(7))
            );
        }
    }

    #[test]
    fn fault_json_uses_the_documented_names() {
        let f: Fault = serde_json::from_str(
            r#"{"provider":"builtwith","kind":"429","times":2,"retry_after":3}"#,
        )
        .expect("parses");
        assert_eq!(f.kind, FaultKind::RateLimited);
        assert_eq!((f.times, f.retry_after, f.endpoint), (2, Some(3), None));
        let f: Fault = serde_json::from_str(r#"{"provider":"sec_edgar","kind":"html_error"}"#)
            .expect("parses");
        assert_eq!((f.kind, f.times), (FaultKind::HtmlError, 1));
    }
}
