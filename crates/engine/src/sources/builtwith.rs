//! `builtwith` (paid): BuiltWith's Domain API v22 (`GET v22/api.json?KEY=&LOOKUP=`) for a
//! domain's technology history, and its Relationships API rv4 (`GET rv4/api.json?KEY=&LOOKUP=
//! [&OFFSET=]`) for domains that share an identifier (analytics id, ad id, ...) with it.
//!
//! Facts: `tech.technologies` (every technology across all `Paths`, deduplicated by name, with
//! categories and first/last detection as RFC 3339), `search.provider` (a live "Site Search"
//! technology: `{name, first_seen, last_seen}`), `profile.name`, `profile.country`,
//! `profile.industry`, `profile.employees` (from `Meta` / `Attributes`, beside `Result`) and
//! `family.related_domains` (`[{domain, relation: "shared_id", identifier_type, identifier,
//! first, last, evidence}]`, at most [`MAX_RELATIONSHIP_PAGES`] pages).
//!
//! Error conventions (api-formats.md B.1, B.2, B.8): errors usually arrive inside a **200** body
//! (`{"Errors":[{"Code":-3,"Message":..}]}`): -3 is out of credits, -2 a bad key, -8 an invalid or
//! unsupported domain (a miss that BuiltWith does not bill, so it is answered as
//! `Verdict::Fail(SourceError::NoData)`, which the gateway settles uncharged even though the
//! endpoint otherwise charges misses), anything else is `Upstream`. Rate limiting is a 429 with a
//! JSON `retryAfterSeconds` (a `Retry-After` header, when present, wins). Any other non-200 is an
//! error. A 200 body that cannot be parsed is left for `fetch` to report as `Malformed` (and counts
//! as charged: BuiltWith did bill the lookup). The key travels in the query (`KEY=`), which
//! citations redact; error texts are scrubbed of it as well.

pub mod domain;
pub mod relationships;

use async_trait::async_trait;
use pf_core::{ModuleId, SourceId};
use serde_json::Value;
use std::time::Duration;

use crate::gateway::snippet;
use crate::{
    Endpoint, Fact, Reply, Source, SourceContext, SourceDescriptor, SourceError, SourceKind,
    Verdict,
};

/// The source id.
pub const ID: &str = "builtwith";
/// The Domain API endpoint name (usage log and price list).
pub const DOMAIN_API: &str = "domain-api";
/// The Relationships API endpoint name.
pub const RELATIONSHIPS_API: &str = "relationships-api";
/// The most Relationships pages fetched for one domain (each page is a paid call).
pub const MAX_RELATIONSHIP_PAGES: usize = 3;
/// A technology last detected this many days before now still counts as live.
pub const LIVE_WINDOW_DAYS: i64 = 90;

/// BuiltWith's Domain and Relationships APIs.
#[derive(Debug)]
pub struct BuiltWith {
    descriptor: SourceDescriptor,
}

impl Default for BuiltWith {
    fn default() -> Self {
        Self::new()
    }
}

impl BuiltWith {
    pub fn new() -> Self {
        #[allow(clippy::expect_used)]
        let id = SourceId::new(ID).expect("`builtwith` is a valid source id");
        Self {
            descriptor: SourceDescriptor {
                id,
                name: "BuiltWith",
                version: "v22/rv4",
                kind: SourceKind::Paid,
                feeds: vec![ModuleId::TECH_STACK, ModuleId::DOMAIN_FAMILY],
                trust: 0.9,
                endpoints: vec![
                    Endpoint {
                        name: DOMAIN_API,
                        price_micros: 100_000,
                        charges_misses: true,
                    },
                    Endpoint {
                        name: RELATIONSHIPS_API,
                        price_micros: 50_000,
                        charges_misses: false,
                    },
                ],
                rate_per_sec: 1.0,
                needs_key: true,
                default_base_url: "https://api.builtwith.com",
            },
        }
    }
}

#[async_trait]
impl Source for BuiltWith {
    fn descriptor(&self) -> &SourceDescriptor {
        &self.descriptor
    }

    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError> {
        let key = cx
            .config
            .api_key
            .as_ref()
            .ok_or_else(|| SourceError::NoKey(ID.into()))?;
        let key: &str = key.as_str();
        let lookup = cx.account.domain.as_str();

        let mut url = cx.config.url("v22/api.json")?;
        url.query_pairs_mut()
            .append_pair("KEY", key)
            .append_pair("LOOKUP", lookup);
        let reply = cx
            .gateway
            .send(&cx.call(&self.descriptor, DOMAIN_API, url.clone(), classify))
            .await
            .map_err(|e| scrub(e, key))?;
        let mut facts =
            domain::facts(&reply.body, cx, &self.descriptor, &url).map_err(|e| scrub(e, key))?;

        match relationships::fetch(self, cx, key).await {
            Ok(mut more) => facts.append(&mut more),
            Err(SourceError::NoData) => {}
            Err(e) => {
                let e = scrub(e, key);
                tracing::warn!(
                    source = ID,
                    code = e.code(),
                    "relationships lookup failed: {e}"
                );
                if facts.is_empty() {
                    return Err(e);
                }
            }
        }
        if facts.is_empty() {
            Err(SourceError::NoData)
        } else {
            Ok(facts)
        }
    }
}

/// Reads a BuiltWith reply (both APIs share the envelope and the error codes).
pub fn classify(reply: &Reply) -> Verdict {
    match reply.status {
        200 => body_errors(&reply.body),
        429 => Verdict::Retry {
            after: reply
                .retry_after()
                .or_else(|| retry_after_in_body(&reply.body)),
            reason: "HTTP 429: BuiltWith rate limit".into(),
        },
        401 | 403 => Verdict::Fail(SourceError::Auth(format!(
            "BuiltWith answered HTTP {}",
            reply.status
        ))),
        500..=599 => Verdict::Retry {
            after: reply.retry_after(),
            reason: format!("HTTP {}", reply.status),
        },
        s => Verdict::Fail(SourceError::Upstream {
            status: s,
            detail: redact_tokens(&snippet(&reply.body)),
        }),
    }
}

/// The verdict for a 200 body: its `Errors` array, unless the lookup still produced results.
fn body_errors(body: &[u8]) -> Verdict {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        // Not JSON: `fetch` reports it as malformed with a reason.
        return Verdict::Ok;
    };
    let Some(first) = v
        .get("Errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    else {
        return Verdict::Ok;
    };
    let has_results = v
        .get("Results")
        .and_then(Value::as_array)
        .is_some_and(|rs| {
            rs.iter()
                .any(|r| r.get("Lookup").is_some_and(|l| !l.is_null()))
        });
    let code = first.get("Code").and_then(|c| {
        c.as_i64()
            .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let message = first.get("Message").and_then(Value::as_str).unwrap_or("");
    match code {
        Some(-3) => Verdict::Fail(SourceError::OutOfCredits),
        Some(-2) => Verdict::Fail(SourceError::Auth(
            "BuiltWith rejected the API key (error -2)".into(),
        )),
        // An invalid or unsupported root domain: nothing to find, and BuiltWith does not bill it.
        Some(-8) => Verdict::Fail(SourceError::NoData),
        _ if has_results => Verdict::Ok,
        Some(c) => Verdict::Fail(SourceError::Upstream {
            status: 200,
            detail: format!(
                "BuiltWith error {c}: {}",
                redact_tokens(&snippet(message.as_bytes()))
            ),
        }),
        None => Verdict::Fail(SourceError::Upstream {
            status: 200,
            detail: "BuiltWith error without a code".into(),
        }),
    }
}

/// `retryAfterSeconds` from a 429 body (a number, or a number in a string).
fn retry_after_in_body(body: &[u8]) -> Option<Duration> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let s = v.get("retryAfterSeconds")?;
    let secs = s
        .as_f64()
        .or_else(|| s.as_str().and_then(|t| t.trim().parse().ok()))?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

/// Removes long key-like tokens (GUIDs, hex strings) from provider text used in errors.
fn redact_tokens(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let keyish = w.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 20
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_'\"{}().,:".contains(c));
            if keyish { "<redacted>" } else { w }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The same error with every occurrence of the key replaced.
pub(crate) fn scrub(err: SourceError, key: &str) -> SourceError {
    if key.is_empty() {
        return err;
    }
    let clean = |s: String| s.replace(key, "<redacted>");
    match err {
        SourceError::Auth(s) => SourceError::Auth(clean(s)),
        SourceError::Upstream { status, detail } => SourceError::Upstream {
            status,
            detail: clean(detail),
        },
        SourceError::Malformed(s) => SourceError::Malformed(clean(s)),
        SourceError::Network(s) => SourceError::Network(clean(s)),
        SourceError::Config(s) => SourceError::Config(clean(s)),
        SourceError::CircuitOpen { source_id, reason } => SourceError::CircuitOpen {
            source_id,
            reason: clean(reason),
        },
        other => other,
    }
}

/// An epoch-milliseconds BuiltWith time: a number, a numeric string, or `"/Date(1555542000000)/"`.
pub(crate) fn epoch_ms(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => {
            let inner = s.trim().trim_start_matches("/Date(").trim_end_matches(")/");
            let end = inner
                .char_indices()
                .skip(1)
                .find(|(_, c)| !c.is_ascii_digit())
                .map_or(inner.len(), |(i, _)| i);
            inner[..end].parse().ok()
        }
        _ => None,
    }
    .filter(|ms| *ms > 0)
}

/// Epoch milliseconds as RFC 3339.
pub(crate) fn rfc3339_ms(ms: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builtwith_times_parse_from_numbers_numeric_strings_and_date_wrappers() {
        assert_eq!(epoch_ms(&json!(1555542000000_i64)), Some(1555542000000));
        assert_eq!(
            epoch_ms(&json!("/Date(1555542000000)/")),
            Some(1555542000000)
        );
        assert_eq!(
            epoch_ms(&json!("/Date(1555542000000+0000)/")),
            Some(1555542000000)
        );
        assert_eq!(epoch_ms(&json!("1555542000000")), Some(1555542000000));
        assert_eq!(epoch_ms(&json!(null)), None);
        assert_eq!(epoch_ms(&json!(0)), None);
        assert_eq!(
            rfc3339_ms(1555542000000).as_deref(),
            Some("2019-04-17T23:00:00Z")
        );
    }

    #[test]
    fn long_key_like_tokens_are_redacted_from_provider_messages() {
        let out = redact_tokens("Key 'a1b2c3d4-e5f6-a7b8-c9d0-e1f2a3b4c5d6' is not valid");
        assert_eq!(out, "Key <redacted> is not valid");
    }
}
