//! Yahoo Finance (unofficial): the cookie and crumb flow and `quoteSummary` (api-formats B.4).
//!
//! `GET /consent` (or `/`, or `/fc`) sets the `A3` (and `A1`) cookie; `GET /v1/test/getcrumb`
//! returns a crumb as plain text only when that cookie comes back; `quoteSummary` needs both the
//! cookie and `crumb=`, else 401 `Invalid Crumb`. Unknown symbols get 404 with
//! `quoteSummary.error`; `NONEQ` returns a result whose `quoteType` is `NONE`.

mod modules;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use crate::data::{self, stable_hash, universe};
use crate::respond::{self, param, with_header};
use crate::server::Shared;
use crate::{MockConfig, Provider};

/// The symbol that answers with `quoteType: "NONE"` (an unlisted instrument).
pub const NONE_SYMBOL: &str = "NONEQ";

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(consent))
        .route("/consent", get(consent))
        .route("/fc", get(consent_fc))
        .route("/v1/test/getcrumb", get(getcrumb))
        .route("/v10/finance/quoteSummary/{symbol}", get(quote_summary))
}

/// Yahoo's `finance.error` envelope.
pub fn error(status: StatusCode, code: &str, description: &str) -> Response {
    respond::json(
        status,
        &json!({"finance": {"result": null, "error": {"code": code, "description": description}}}),
    )
}

fn quote_error(status: StatusCode, code: &str, description: &str) -> Response {
    respond::json(
        status,
        &json!({"quoteSummary": {"result": null, "error": {"code": code, "description": description}}}),
    )
}

fn signature(d: &str) -> String {
    format!("{:016x}", stable_hash(d, "yahoo-cookie"))
}

/// A fresh cookie value `d=...&S=...` whose `S` part signs the `d` part.
fn new_cookie() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(1);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let d = format!(
        "AQABBK{:016x}EAAAA",
        stable_hash(&n.to_string(), "yahoo-session")
    );
    format!("d={d}&S=AQAAA{}", signature(&d))
}

/// The `d=` part of a cookie this mock issued, if the request carries one.
fn session(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (name, value) = c.trim().split_once('=')?;
            if name != "A3" && name != "A1" {
                return None;
            }
            let d = value.strip_prefix("d=")?.split('&').next()?;
            let s = value.split("&S=AQAAA").nth(1)?;
            (s == signature(d)).then(|| d.to_owned())
        })
}

/// The crumb belonging to a session.
fn crumb_for(session: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";
    let mut h = stable_hash(session, "crumb");
    (0..11)
        .map(|_| {
            let c = ALPHABET[(h % 64) as usize];
            h /= 64;
            char::from(c)
        })
        .collect()
}

fn with_cookie(resp: Response) -> Response {
    let cookie = new_cookie();
    let attrs =
        "Expires=Fri, 31 Dec 2027 23:59:59 GMT; Max-Age=31557600; Path=/; SameSite=None; HttpOnly";
    let resp = with_header(resp, "set-cookie", &format!("A3={cookie}; {attrs}"));
    with_header(resp, "set-cookie", &format!("A1={cookie}; {attrs}"))
}

pub(crate) async fn consent(State(s): State<Shared>) -> Response {
    s.answer(Provider::Yahoo, "consent", &[], false, || {
        with_cookie(respond::html(
            StatusCode::OK,
            "<!DOCTYPE html><html><head><title>Yahoo is part of the Yahoo family of brands</title></head>\
             <body><form method=\"post\" action=\"/consent\"><button name=\"agree\" value=\"agree\">Accept all</button></form></body></html>"
                .to_owned(),
        ))
    })
    .await
}

async fn consent_fc(State(s): State<Shared>) -> Response {
    s.answer(Provider::Yahoo, "consent", &[], false, || {
        with_cookie(respond::error_page(StatusCode::NOT_FOUND))
    })
    .await
}

async fn getcrumb(State(s): State<Shared>, headers: HeaderMap) -> Response {
    s.answer(Provider::Yahoo, "getcrumb", &[], false, || {
        match session(&headers) {
            Some(sess) => respond::text(StatusCode::OK, &crumb_for(&sess)),
            None => error(StatusCode::UNAUTHORIZED, "Unauthorized", "Invalid Cookie"),
        }
    })
    .await
}

async fn quote_summary(
    State(s): State<Shared>,
    Path(symbol): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let symbol = symbol.to_ascii_uppercase();
    let company = universe::get().by_ticker(&symbol);
    let key = company
        .map(|c| c.domain.clone())
        .unwrap_or_else(|| symbol.clone());
    let config = s.config.clone();
    s.answer(
        Provider::Yahoo,
        "quote-summary",
        &[key.as_str()],
        false,
        || {
            render(
                &config,
                &symbol,
                company.map(|c| c.domain.as_str()),
                &headers,
                &q,
            )
        },
    )
    .await
}

fn render(
    config: &MockConfig,
    symbol: &str,
    domain: Option<&str>,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Response {
    let valid =
        session(headers).is_some_and(|sess| param(q, "crumb") == Some(crumb_for(&sess).as_str()));
    if !valid {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized", "Invalid Crumb");
    }
    let wanted: Vec<&str> = param(q, "modules")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    if wanted.is_empty() {
        return quote_error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Missing value for the \"modules\" argument",
        );
    }
    let result = if symbol == NONE_SYMBOL {
        modules::none_result(symbol, &wanted)
    } else if let Some(d) = domain {
        let p = data::profile(d);
        let Some(listing) = p.listing.as_ref() else {
            return quote_error(
                StatusCode::NOT_FOUND,
                "Not Found",
                &format!("Quote not found for symbol: {symbol}"),
            );
        };
        modules::result(config, &p, listing, &wanted)
    } else {
        return quote_error(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("Quote not found for symbol: {symbol}"),
        );
    };
    let formatted = param(q, "formatted").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    let result = if formatted {
        modules::format_numbers(result, None)
    } else {
        result
    };
    let resp = respond::json(
        StatusCode::OK,
        &json!({"quoteSummary": {"result": [result], "error": null}}),
    );
    with_header(
        resp,
        "cache-control",
        "public, max-age=1, stale-while-revalidate=9",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_signed_and_crumbs_follow_them() {
        let c = new_cookie();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            format!("B=x; A3={c}").parse().expect("header"),
        );
        let sess = session(&h).expect("our cookie is accepted");
        assert_eq!(crumb_for(&sess).len(), 11);
        let mut forged = HeaderMap::new();
        forged.insert(
            header::COOKIE,
            "A3=d=AQABBKforged&S=AQAAAbad".parse().expect("header"),
        );
        assert!(session(&forged).is_none());
    }
}
