//! BuiltWith: the Domain API (`/v22/api.json`, also v21 and v20) and the Relationships API
//! (`/rv4/api.json`), in their JSON envelopes (api-formats B.1, B.2).
//!
//! Errors arrive inside a 200 body (`Errors: [{Code, Message}]`): `-2` when `KEY` is not a GUID,
//! `-3` out of credits (`credits-` domains, or the `out_of_credits` fault), `-8` for a domain that
//! is not a valid root domain. A rate limit is a 429 with the JSON `{"error":"Rate limit
//! exceeded",...,"retryAfterSeconds":N}` and a `Retry-After` header.

mod relationships;
mod techs;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use crate::data::{self, Profile, days_ago_ms, is_valid_domain};
use crate::respond::{self, flag, param};
use crate::server::Shared;
use crate::{MockConfig, Provider};

/// The most domains one call may look up.
pub const MAX_LOOKUPS: usize = 16;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/{version}/api.json", get(domain_api))
        .route("/rv4/api.json", get(relationships::handler))
}

/// A 200 body carrying one error, as BuiltWith sends them.
pub fn error_response(code: i32, message: &str, lookup: Option<&str>) -> Response {
    respond::json(
        StatusCode::OK,
        &error_body(
            &[(code, message.to_owned(), lookup.map(str::to_owned))],
            vec![],
        ),
    )
}

fn error_body(errors: &[(i32, String, Option<String>)], results: Vec<Value>) -> Value {
    let errors: Vec<Value> = errors
        .iter()
        .map(|(code, msg, lookup)| json!({"Lookup": lookup, "Code": code, "Message": msg}))
        .collect();
    json!({"Errors": errors, "Results": results, "Trust": null})
}

/// The 429 answer (the caller adds `Retry-After`).
pub fn rate_limited(retry_after: u64) -> Response {
    respond::json(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({
            "error": "Rate limit exceeded",
            "maxConcurrentRequests": 8,
            "maxRequestsPerSecond": 1,
            "currentConcurrentRequests": 0,
            "currentRequestsInWindow": 1,
            "retryAfterSeconds": retry_after,
        }),
    )
}

/// Whether `key` has the shape of a GUID (8-4-4-4-12 hex digits).
pub fn is_guid(key: &str) -> bool {
    let parts: Vec<&str> = key.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The lookups of a request, lower-cased, at most [`MAX_LOOKUPS`].
pub(crate) fn lookups(query: &HashMap<String, String>) -> Vec<String> {
    param(query, "LOOKUP")
        .unwrap_or("")
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .take(MAX_LOOKUPS)
        .collect()
}

/// The key check shared by both APIs: `Some(error response)` when the key is missing or bad.
pub(crate) fn check_key(query: &HashMap<String, String>) -> Option<Response> {
    match param(query, "KEY") {
        Some(k) if is_guid(k) => None,
        _ => Some(error_response(
            -2,
            "The API key provided is not a valid GUID.",
            None,
        )),
    }
}

async fn domain_api(
    State(s): State<Shared>,
    Path(version): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !matches!(version.as_str(), "v22" | "v21" | "v20") {
        return respond::error_page(StatusCode::NOT_FOUND);
    }
    let domains = lookups(&q);
    let refs: Vec<&str> = domains.iter().map(String::as_str).collect();
    let config = s.config.clone();
    s.answer(Provider::BuiltWith, "domain-api", &refs, true, || {
        render(&config, &q, &domains)
    })
    .await
}

fn render(config: &MockConfig, q: &HashMap<String, String>, domains: &[String]) -> Response {
    if let Some(bad) = check_key(q) {
        return bad;
    }
    if domains.is_empty() {
        return error_response(-8, "No domain to look up.", None);
    }
    let mut errors = Vec::new();
    let mut results = Vec::new();
    for d in domains {
        if is_valid_domain(d) {
            results.push(result(config, q, &data::profile(d), d));
        } else {
            errors.push((
                -8,
                "Invalid or unsupported root domain.".to_owned(),
                Some(d.clone()),
            ));
        }
    }
    respond::json(StatusCode::OK, &error_body(&errors, results))
}

/// One entry of `Results`.
fn result(config: &MockConfig, q: &HashMap<String, String>, p: &Profile, lookup: &str) -> Value {
    let as_of = config.as_of;
    let mut r = data::Rng::new(&p.domain, "builtwith");
    let first_indexed = days_ago_ms(as_of, r.range(2500, 4500) as i64);
    let last_indexed = days_ago_ms(as_of, r.range(0, 6) as i64);
    if p.no_data {
        return json!({
            "Result": {"IsDB": "False", "Spend": 0, "SpendHistory": [], "Paths": []},
            "Meta": null, "Attributes": null, "FirstIndexed": 0, "LastIndexed": 0,
            "Lookup": lookup, "SalesRevenue": 0,
        });
    }
    let paths = techs::paths(config, q, p);
    let spend = (p.revenue_usd / 2_000_000).clamp(20, 250_000);
    let spend_history: Vec<Value> = (1..=3)
        .map(|m| json!({"D": days_ago_ms(as_of, 30 * m), "S": spend - spend / 10 * m as u64 / 3}))
        .collect();
    let meta = if flag(q, "NOMETA") {
        Value::Null
    } else {
        json!({
            "Majestic": r.range(100, 90_000), "Umbrella": r.range(100, 90_000), "Vertical": p.vertical,
            "Social": [format!("twitter.com/{}", data::first_label(&p.domain))],
            "CompanyName": p.company, "Telephones": null, "Emails": [format!("info@{}", p.domain)],
            "City": p.city, "State": p.state, "Postcode": p.postcode, "Country": p.country,
            "Names": null, "ARank": r.range(500, 2_000_000), "QRank": -1,
        })
    };
    let attributes = if flag(q, "NOATTR") {
        Value::Null
    } else {
        json!({
            "Employees": p.employees, "MJRank": r.range(100, 500_000), "MJTLDRank": r.range(100, 200_000),
            "RefSN": r.range(100, 20_000), "RefIP": r.range(100, 15_000), "Followers": r.range(1_000, 3_000_000),
            "Sitemap": r.range(100, 400_000), "GTMTags": r.range(0, 60), "QubitTags": 0, "TealiumTags": 0,
            "AdobeTags": r.range(0, 20), "CDimensions": r.range(0, 40), "CGoals": r.range(0, 20),
            "CMetrics": r.range(0, 20), "ProductCount": r.range(0, 90_000),
        })
    };
    json!({
        "Result": {"IsDB": "True", "Spend": spend, "SpendHistory": spend_history, "Paths": paths},
        "Meta": meta,
        "Attributes": attributes,
        "FirstIndexed": first_indexed,
        "LastIndexed": last_indexed,
        "Lookup": lookup,
        "SalesRevenue": p.revenue_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_shape() {
        assert!(is_guid(crate::DEMO_BUILTWITH_KEY));
        assert!(is_guid("ABCDEF01-2345-6789-abcd-ef0123456789"));
        assert!(!is_guid("not-a-guid"));
        assert!(!is_guid("6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4"));
    }

    #[test]
    fn lookups_are_split_lowered_and_capped() {
        let mut q = HashMap::new();
        let many: Vec<String> = (0..20).map(|i| format!("D{i}.com")).collect();
        q.insert("lookup".to_owned(), many.join(", "));
        let l = lookups(&q);
        assert_eq!(l.len(), MAX_LOOKUPS);
        assert_eq!(l[0], "d0.com");
    }
}
