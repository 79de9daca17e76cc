//! `similarweb` (paid): SimilarWeb's REST API v1, two endpoints priced per call:
//! - `visits`: `GET v1/website/{domain}/total-traffic-and-engagement/visits?api_key=&start_date=
//!   YYYY-MM&end_date=YYYY-MM&country=world&granularity=monthly&main_domain_only=false&format=json`
//!   over the last 12 full months before `cx.now` -> `traffic.monthly_visits` (latest month,
//!   rounded) and `traffic.history` (`[{month: "YYYY-MM", visits}]`);
//! - `similar-sites`: `GET v1/website/{domain}/similar-sites/similarsites?api_key=&format=json`
//!   -> `traffic.similar_sites` (`[{domain, score}]`, score 0..1, at most 40).
//!
//! Error conventions (api-formats.md B.3, B.8): 401 is overloaded: "Data not found" is a miss
//! (`NoData`, not charged: SimilarWeb bills no credits for it, so `charges_misses` is false),
//! a plain-text `invalid API key` is `Auth`; 403 is an invalid key (`Auth`) or no credits left
//! (`OutOfCredits`), told apart by its text; 429 (over 10 requests/s) is retried with backoff;
//! a JSON `meta.status: "Error"` with application codes 101-103 (dates, granularity, country
//! not in the package) is a `Config` error. The key travels as `api_key=`, which citations redact.

use async_trait::async_trait;
use pf_core::{ModuleId, SourceId};
use serde_json::{Value, json};
use url::Url;

use crate::fact::fields;
use crate::gateway::snippet;
use crate::{
    Endpoint, Fact, Reply, Source, SourceContext, SourceDescriptor, SourceError, SourceKind,
    Verdict,
};

/// The source id.
pub const ID: &str = "similarweb";
/// Total visits endpoint name.
pub const VISITS: &str = "visits";
/// Similar sites endpoint name.
pub const SIMILAR_SITES: &str = "similar-sites";
/// The most similar sites kept (SimilarWeb returns the top 40).
const MAX_SIMILAR: usize = 40;

/// SimilarWeb's traffic and similar-sites endpoints.
#[derive(Debug)]
pub struct SimilarWeb {
    descriptor: SourceDescriptor,
}

impl Default for SimilarWeb {
    fn default() -> Self {
        Self::new()
    }
}

impl SimilarWeb {
    pub fn new() -> Self {
        #[allow(clippy::expect_used)]
        let id = SourceId::new(ID).expect("`similarweb` is a valid source id");
        Self {
            descriptor: SourceDescriptor {
                id,
                name: "SimilarWeb",
                version: "v1",
                kind: SourceKind::Paid,
                feeds: vec![ModuleId::TRAFFIC, ModuleId::COMPETITORS],
                trust: 0.7,
                endpoints: vec![
                    Endpoint {
                        name: VISITS,
                        price_micros: 80_000,
                        charges_misses: false,
                    },
                    Endpoint {
                        name: SIMILAR_SITES,
                        price_micros: 80_000,
                        charges_misses: false,
                    },
                ],
                rate_per_sec: 5.0,
                needs_key: true,
                default_base_url: "https://api.similarweb.com",
            },
        }
    }

    async fn call(
        &self,
        cx: &SourceContext<'_>,
        endpoint: &'static str,
        url: &Url,
    ) -> Result<Value, SourceError> {
        let spec = cx.call(&self.descriptor, endpoint, url.clone(), classify);
        let reply = cx.gateway.send(&spec).await?;
        serde_json::from_slice(&reply.body).map_err(|e| {
            SourceError::Malformed(format!("SimilarWeb {endpoint} body is not JSON ({e})"))
        })
    }
}

#[async_trait]
impl Source for SimilarWeb {
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
        let domain = cx.account.domain.as_str();
        let (start, end) = last_full_months(cx.now, 12);

        let mut url = cx.config.url(&format!(
            "v1/website/{domain}/total-traffic-and-engagement/visits"
        ))?;
        url.query_pairs_mut()
            .append_pair("api_key", key)
            .append_pair("start_date", &start)
            .append_pair("end_date", &end)
            .append_pair("country", "world")
            .append_pair("granularity", "monthly")
            .append_pair("main_domain_only", "false")
            .append_pair("format", "json");
        let mut facts = Vec::new();
        match self.call(cx, VISITS, &url).await {
            Ok(body) => facts.extend(visits_facts(&body, cx, &self.descriptor, &url)?),
            Err(SourceError::NoData) => {}
            Err(e) => return Err(super::builtwith::scrub(e, key)),
        }

        let mut url = cx
            .config
            .url(&format!("v1/website/{domain}/similar-sites/similarsites"))?;
        url.query_pairs_mut()
            .append_pair("api_key", key)
            .append_pair("format", "json");
        match self.call(cx, SIMILAR_SITES, &url).await {
            Ok(body) => facts.extend(similar_facts(&body, cx, &self.descriptor, &url)?),
            Err(SourceError::NoData) => {}
            Err(e) if facts.is_empty() => return Err(super::builtwith::scrub(e, key)),
            Err(e) => {
                let e = super::builtwith::scrub(e, key);
                tracing::warn!(source = ID, code = e.code(), "similar sites failed: {e}");
            }
        }
        if facts.is_empty() {
            Err(SourceError::NoData)
        } else {
            Ok(facts)
        }
    }
}

/// Reads a SimilarWeb reply.
pub fn classify(reply: &Reply) -> Verdict {
    let text = reply.text().to_ascii_lowercase();
    match reply.status {
        200 => match app_error(&reply.body) {
            Some(v) => v,
            None => Verdict::Ok,
        },
        401 if text.contains("data not found") => Verdict::NoData,
        401 if text.contains("invalid api key") => {
            Verdict::Fail(SourceError::Auth("SimilarWeb: invalid API key".into()))
        }
        401 => Verdict::Fail(SourceError::Auth("SimilarWeb answered HTTP 401".into())),
        403 => {
            let credits = ["credit", "quota", "hits", "limit"]
                .iter()
                .any(|w| text.contains(w));
            let invalid = text.contains("invalid");
            if credits && !invalid {
                Verdict::Fail(SourceError::OutOfCredits)
            } else if invalid && !credits {
                Verdict::Fail(SourceError::Auth(
                    "SimilarWeb: invalid API key (HTTP 403)".into(),
                ))
            } else {
                Verdict::Fail(SourceError::Auth(
                    "SimilarWeb refused the call (HTTP 403): invalid API key or no credits left"
                        .into(),
                ))
            }
        }
        404 => Verdict::NoData,
        429 => Verdict::Retry {
            after: reply.retry_after(),
            reason: "HTTP 429: SimilarWeb rate limit".into(),
        },
        400 => app_error(&reply.body).unwrap_or_else(|| {
            Verdict::Fail(SourceError::Upstream {
                status: 400,
                detail: snippet(&reply.body),
            })
        }),
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

/// The verdict for a JSON `{"meta":{"status":"Error","error_code":..,"error_message":..}}`.
fn app_error(body: &[u8]) -> Option<Verdict> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let meta = v.get("meta")?;
    let status = meta.get("status").and_then(Value::as_str).unwrap_or("");
    if !status.eq_ignore_ascii_case("error") {
        return None;
    }
    let code = meta.get("error_code").and_then(|c| {
        c.as_i64()
            .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
    });
    let message = meta
        .get("error_message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .take(120)
        .collect::<String>();
    Some(match code {
        _ if message.to_ascii_lowercase().contains("data not found") => Verdict::NoData,
        Some(c @ 101..=103) => Verdict::Fail(SourceError::Config(format!(
            "SimilarWeb error {c}: {message}"
        ))),
        c => Verdict::Fail(SourceError::Upstream {
            status: 200,
            detail: format!(
                "SimilarWeb error {}: {message}",
                c.map_or("?".into(), |c| c.to_string())
            ),
        }),
    })
}

/// `(start, end)` as `YYYY-MM` for the `n` full months before `now`'s month.
pub fn last_full_months(now: time::OffsetDateTime, n: i32) -> (String, String) {
    let index = now.year() * 12 + i32::from(u8::from(now.month())) - 1;
    let fmt = |i: i32| format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1);
    (fmt(index - n.max(1)), fmt(index - 1))
}

pub fn visits_facts(
    body: &Value,
    cx: &SourceContext<'_>,
    d: &SourceDescriptor,
    url: &Url,
) -> Result<Vec<Fact>, SourceError> {
    let rows = body
        .get("visits")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            SourceError::Malformed("SimilarWeb visits body has no `visits` array".into())
        })?;
    let mut months: Vec<(String, u64)> = rows
        .iter()
        .filter_map(|r| {
            let date = r.get("date").and_then(Value::as_str)?;
            let month = date
                .get(..7)
                .filter(|m| m.as_bytes().get(4) == Some(&b'-'))?;
            let visits = r
                .get("visits")
                .and_then(Value::as_f64)
                .filter(|v| v.is_finite() && *v >= 0.0)?;
            Some((month.to_owned(), visits.round() as u64))
        })
        .collect();
    months.sort();
    months.dedup_by(|a, b| a.0 == b.0);
    let Some((_, latest)) = months.last().cloned() else {
        return Ok(Vec::new());
    };
    let history: Vec<Value> = months
        .into_iter()
        .map(|(month, visits)| json!({"month": month, "visits": visits}))
        .collect();
    Ok(vec![
        Fact::new(
            fields::TRAFFIC_MONTHLY_VISITS,
            json!(latest),
            cx.cite(d, VISITS, Some(url), 0.8),
        ),
        Fact::new(
            fields::TRAFFIC_HISTORY,
            Value::Array(history),
            cx.cite(d, VISITS, Some(url), 0.8),
        ),
    ])
}

pub fn similar_facts(
    body: &Value,
    cx: &SourceContext<'_>,
    d: &SourceDescriptor,
    url: &Url,
) -> Result<Vec<Fact>, SourceError> {
    let rows = body
        .get("similar_sites")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            SourceError::Malformed(
                "SimilarWeb similar-sites body has no `similar_sites` array".into(),
            )
        })?;
    let own = cx.account.domain.as_str();
    let sites: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            let raw = r
                .get("url")
                .or_else(|| r.get("site"))
                .and_then(Value::as_str)?;
            let domain = host_of(raw)?;
            let score = r
                .get("score")
                .and_then(Value::as_f64)
                .filter(|s| s.is_finite())
                .map(|s| s.clamp(0.0, 1.0));
            (domain != own).then(|| json!({"domain": domain, "score": score}))
        })
        .take(MAX_SIMILAR)
        .collect();
    if sites.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Fact::new(
        fields::TRAFFIC_SIMILAR_SITES,
        Value::Array(sites),
        cx.cite(d, SIMILAR_SITES, Some(url), 0.7),
    )])
}

/// `rival.com` from `rival.com`, `www.rival.com/` or `https://rival.com/x`.
fn host_of(raw: &str) -> Option<String> {
    let s = raw
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = s
        .split(['/', '?', '#'])
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    (!host.is_empty() && host.contains('.')).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_last_twelve_full_months_end_with_the_previous_month() {
        assert_eq!(
            last_full_months(datetime!(2025-03-15 12:00 UTC), 12),
            ("2024-03".into(), "2025-02".into())
        );
        assert_eq!(
            last_full_months(datetime!(2025-01-01 00:00 UTC), 12),
            ("2024-01".into(), "2024-12".into())
        );
    }

    #[test]
    fn similar_site_urls_are_reduced_to_hosts() {
        assert_eq!(
            host_of("https://www.Rival.com/x").as_deref(),
            Some("rival.com")
        );
        assert_eq!(host_of("rival.co.uk").as_deref(), Some("rival.co.uk"));
        assert_eq!(host_of("   "), None);
    }
}
