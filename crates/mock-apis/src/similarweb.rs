//! SimilarWeb REST API v1: total visits per month and similar sites (api-formats B.3).
//!
//! Errors: 401 with the plain-text body `invalid API key` when the key is missing (or is
//! `invalid`); 401 `{"meta":{"status":"Error","error_code":401,"error_message":"Data not found"}}`
//! for unknown, mis-cased or malformed domains; 403 when out of credits (`credits-` domains);
//! 400 with error code 101 (dates out of range) or 102 (granularity not supported).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use time::{Date, Month};

use crate::data::{self, Profile, Rng, is_valid_domain, ymd};
use crate::respond::{self, param};
use crate::server::Shared;
use crate::{MockConfig, Provider};

/// How many months of history the mock has.
pub const HISTORY_MONTHS: i32 = 36;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/website/{domain}/total-traffic-and-engagement/visits",
            get(visits),
        )
        .route(
            "/v1/website/{domain}/similar-sites/similarsites",
            get(similar_sites),
        )
}

/// SimilarWeb's JSON error envelope.
pub fn error(status: StatusCode, code: u16, message: &str) -> Response {
    respond::json(
        status,
        &json!({"meta": {"status": "Error", "error_code": code, "error_message": message}}),
    )
}

fn data_not_found() -> Response {
    error(StatusCode::UNAUTHORIZED, 401, "Data not found")
}

/// The key check, then the domain check: `Err(response)` when the call must fail.
fn check(
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    domain: &str,
) -> Result<Profile, Box<Response>> {
    let key = param(q, "api_key").or_else(|| headers.get("api-key").and_then(|v| v.to_str().ok()));
    match key.map(str::trim) {
        None | Some("") | Some("invalid") => {
            return Err(Box::new(respond::text(
                StatusCode::UNAUTHORIZED,
                "invalid API key",
            )));
        }
        _ => {}
    }
    if domain != domain.to_ascii_lowercase()
        || domain.starts_with("www.")
        || !is_valid_domain(domain)
    {
        return Err(Box::new(data_not_found()));
    }
    let p = data::profile(domain);
    if p.no_data {
        Err(Box::new(data_not_found()))
    } else {
        Ok(p)
    }
}

/// A month as (year, month 1..=12), counted as `year * 12 + month - 1`.
fn month_index(d: Date) -> i32 {
    d.year() * 12 + i32::from(u8::from(d.month())) - 1
}

fn month_start(index: i32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    Date::from_calendar_date(index.div_euclid(12), month, 1).ok()
}

fn month_end(index: i32) -> Option<Date> {
    month_start(index + 1)?.previous_day()
}

/// Parses `YYYY-MM` (or `YYYY-MM-DD`) into a month index.
fn parse_month(s: &str) -> Option<i32> {
    let mut it = s.split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: i32 = it.next()?.parse().ok()?;
    (1..=12).contains(&m).then_some(y * 12 + m - 1)
}

/// Visits of one month for a profile: a base, a seasonal swing, a trend, noise and, for some
/// domains, a jump in the latest month.
pub fn monthly_visits(p: &Profile, month: i32, last: i32) -> f64 {
    let mut r = Rng::new(&format!("{}#{month}", p.domain), "visits");
    let season =
        1.0 + 0.12 * ((month.rem_euclid(12) as f64 - 1.5) / 12.0 * std::f64::consts::TAU).cos();
    let trend = 1.0 + 0.004 * f64::from(month - last);
    let noise = 0.93 + r.unit() * 0.14;
    let jump = if p.traffic_jump && month == last {
        1.4
    } else {
        1.0
    };
    (p.monthly_visits * season * trend * noise * jump * 100.0).round() / 100.0
}

async fn visits(
    State(s): State<Shared>,
    Path(domain): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let config = s.config.clone();
    s.answer(
        Provider::SimilarWeb,
        "visits",
        &[domain.as_str()],
        true,
        || render_visits(&config, &q, &headers, &domain),
    )
    .await
}

fn render_visits(
    config: &MockConfig,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    domain: &str,
) -> Response {
    let p = match check(q, headers, domain) {
        Ok(p) => p,
        Err(e) => return *e,
    };
    let granularity = param(q, "granularity")
        .unwrap_or("monthly")
        .to_ascii_lowercase();
    if granularity != "monthly" {
        return error(StatusCode::BAD_REQUEST, 102, "Granularity is not supported");
    }
    let last = month_index(config.as_of) - 1;
    let start = param(q, "start_date")
        .map(parse_month)
        .unwrap_or(Some(last - 11));
    let end = param(q, "end_date").map(parse_month).unwrap_or(Some(last));
    let (Some(start), Some(end)) = (start, end) else {
        return error(StatusCode::BAD_REQUEST, 101, "Date range is not valid");
    };
    let (start, end) = (start.max(last - HISTORY_MONTHS + 1), end.min(last));
    let (Some(start_day), Some(end_day), Some(updated)) =
        (month_start(start), month_end(end), month_end(last))
    else {
        return error(StatusCode::BAD_REQUEST, 101, "Date range is not valid");
    };
    if start > end {
        return error(StatusCode::BAD_REQUEST, 101, "Date range is not valid");
    }
    let visits: Vec<Value> = (start..=end)
        .filter_map(|m| {
            month_start(m).map(|d| json!({"date": ymd(d), "visits": monthly_visits(&p, m, last)}))
        })
        .collect();
    let flag = |name: &str| param(q, name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    respond::json(
        StatusCode::OK,
        &json!({
            "meta": {
                "request": {
                    "granularity": "Monthly",
                    "main_domain_only": flag("main_domain_only"),
                    "mtd": flag("mtd"),
                    "show_verified": flag("show_verified"),
                    "state": null,
                    "format": param(q, "format").unwrap_or("json"),
                    "domain": domain,
                    "start_date": ymd(start_day),
                    "end_date": ymd(end_day),
                    "country": param(q, "country").unwrap_or("world"),
                },
                "status": "Success",
                "last_updated": ymd(updated),
            },
            "visits": visits,
        }),
    )
}

async fn similar_sites(
    State(s): State<Shared>,
    Path(domain): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let config = s.config.clone();
    s.answer(Provider::SimilarWeb, "similar-sites", &[domain.as_str()], true, || {
        let p = match check(&q, &headers, &domain) {
            Ok(p) => p,
            Err(e) => return *e,
        };
        let updated = month_end(month_index(config.as_of) - 1).map(ymd).unwrap_or_default();
        let mut r = Rng::new(&p.domain, "similar-scores");
        let mut score = 0.9 + r.unit() * 0.08;
        let sites: Vec<Value> = p
            .similar
            .iter()
            .map(|d| {
                let v = json!({"url": d, "score": (score * 10_000.0).round() / 10_000.0});
                score -= 0.02 + r.unit() * 0.06;
                v
            })
            .collect();
        respond::json(
            StatusCode::OK,
            &json!({
                "meta": {"request": {"domain": domain, "format": "json"}, "status": "Success", "last_updated": updated},
                "similar_sites": sites,
            }),
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic() {
        assert_eq!(parse_month("2024-01"), Some(2024 * 12));
        assert_eq!(parse_month("2024-13"), None);
        assert_eq!(
            month_start(2024 * 12 + 1).map(ymd).as_deref(),
            Some("2024-02-01")
        );
        assert_eq!(
            month_end(2024 * 12 + 1).map(ymd).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(
            month_end(2023 * 12 + 11).map(ymd).as_deref(),
            Some("2023-12-31")
        );
    }

    #[test]
    fn visits_are_stable_and_jump_when_asked() {
        let mut p = data::profile("northwindgear.com");
        let a = monthly_visits(&p, 100, 100);
        assert_eq!(a, monthly_visits(&p, 100, 100));
        p.traffic_jump = true;
        assert!(monthly_visits(&p, 100, 100) > a * 1.3);
    }
}
