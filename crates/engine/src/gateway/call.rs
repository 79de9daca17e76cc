//! What a source asks the gateway for ([`CallSpec`]), what comes back ([`Reply`]), and how the
//! source reads it ([`Verdict`]).

use bytes::Bytes;
use pf_core::{Domain, SourceId};
use std::time::Duration;
use url::Url;

use crate::source::SourceError;

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
