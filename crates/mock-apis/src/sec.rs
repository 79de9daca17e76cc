//! SEC EDGAR: `company_tickers.json`, submissions and XBRL company facts (api-formats B.5).
//!
//! Every request needs a declared User-Agent with a contact e-mail address; without one the
//! answer is 403 with the "undeclared automated tool" HTML page. The rate-limit page ("Request
//! Rate Threshold Exceeded", 403) comes as the `rate_limit_page` fault. Unknown CIKs get 404.

mod filings;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::data::{self, universe};
use crate::respond;
use crate::server::Shared;
use crate::{MockConfig, Provider};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/files/company_tickers.json", get(company_tickers))
        .route("/submissions/{file}", get(submissions))
        .route("/api/xbrl/companyfacts/{file}", get(company_facts))
}

const PAGE_STYLE: &str = "body{font-family:Arial,Helvetica,sans-serif;margin:2em}h1{color:#0a3a6b}";

/// The page the SEC sends to undeclared automated tools (status 403).
pub fn undeclared_page() -> Response {
    respond::html(
        StatusCode::FORBIDDEN,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>SEC.gov | Your Request Originates from an Undeclared Automated Tool</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<h1>Your Request Originates from an Undeclared Automated Tool</h1>\n<p>To allow for equitable access to all users, SEC reserves the right to limit requests originating from undeclared automated tools. Your request has been identified as part of a network of automated tools outside of the acceptable policy and will be managed until action is taken to declare your traffic.</p>\n<p>Please declare your traffic by updating your user agent to include company specific information.</p>\n<p>For best practices on efficiently downloading information from SEC.gov, including the latest EDGAR filings, visit sec.gov/developer.</p>\n<p>Reference ID: 0.mock.partnerforge</p>\n</body>\n</html>\n"
        ),
    )
}

/// The SEC's rate-limit page.
pub fn threshold_page(status: StatusCode) -> Response {
    respond::html(
        status,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>SEC.gov | Request Rate Threshold Exceeded</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<h1>Request Rate Threshold Exceeded</h1>\n<p>Your request rate has exceeded the SEC's maximum allowable requests per second. Your access to SEC.gov will be limited for 10 minutes.</p>\n<p>Please manage your request rate so that it does not exceed 10 requests per second, and declare your traffic by including company specific information in your user agent.</p>\n<p>Reference ID: 0.mock.partnerforge</p>\n</body>\n</html>\n"
        ),
    )
}

fn no_such_key() -> Response {
    respond::bytes(
        StatusCode::NOT_FOUND,
        "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
    )
}

/// Whether the User-Agent declares a contact e-mail address.
pub fn declared(headers: &HeaderMap) -> bool {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ua.split(|c: char| {
        c.is_whitespace() || c == '(' || c == ')' || c == ';' || c == '<' || c == '>'
    })
    .any(|w| {
        w.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.ends_with('.')
        })
    })
}

/// `CIK0000320193.json` -> 320193.
fn parse_cik(file: &str) -> Option<u64> {
    let digits = file.strip_prefix("CIK")?.strip_suffix(".json")?;
    (digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

async fn company_tickers(State(s): State<Shared>, headers: HeaderMap) -> Response {
    s.answer(Provider::Sec, "company-tickers", &[], false, || {
        if !declared(&headers) {
            return undeclared_page();
        }
        let mut out = Map::new();
        let listed = universe::get()
            .companies()
            .iter()
            .filter_map(|c| c.listing.cik.map(|cik| (cik, c)));
        for (i, (cik, c)) in listed.enumerate() {
            out.insert(
                i.to_string(),
                json!({"cik_str": cik, "ticker": c.listing.ticker, "title": c.listing.sec_name}),
            );
        }
        respond::json(StatusCode::OK, &Value::Object(out))
    })
    .await
}

/// The company behind a `CIK##########.json` file name, and the key its calls are counted under.
fn lookup(file: &str) -> (Option<data::Profile>, String) {
    let company = parse_cik(file).and_then(|cik| universe::get().by_cik(cik));
    match company {
        Some(c) => (Some(data::profile(&c.domain)), c.domain.clone()),
        None => (None, file.trim_end_matches(".json").to_owned()),
    }
}

async fn submissions(
    State(s): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (profile, key) = lookup(&file);
    let config = s.config.clone();
    s.answer(Provider::Sec, "submissions", &[key.as_str()], false, || {
        render(&headers, profile, |p, l| {
            filings::submissions(&config, p, l)
        })
    })
    .await
}

async fn company_facts(
    State(s): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (profile, key) = lookup(&file);
    let config: MockConfig = s.config.clone();
    s.answer(
        Provider::Sec,
        "company-facts",
        &[key.as_str()],
        false,
        || {
            render(&headers, profile, |p, l| {
                filings::company_facts(&config, p, l)
            })
        },
    )
    .await
}

fn render(
    headers: &HeaderMap,
    profile: Option<data::Profile>,
    build: impl FnOnce(&data::Profile, &data::Listing) -> Value,
) -> Response {
    if !declared(headers) {
        return undeclared_page();
    }
    match profile
        .as_ref()
        .and_then(|p| p.listing.as_ref().map(|l| (p, l)))
    {
        Some((p, l)) => respond::json(StatusCode::OK, &build(p, l)),
        None => no_such_key(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_needs_an_email() {
        let ua = |s: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::USER_AGENT, s.parse().expect("header"));
            declared(&h)
        };
        assert!(ua("PartnerForge admin@example.com"));
        assert!(ua("Acme Corp (ops@acme.co.uk)"));
        assert!(!ua("reqwest/0.13"));
        assert!(!ua("python-requests/2.31 @home"));
        assert!(!declared(&HeaderMap::new()));
    }

    #[test]
    fn cik_file_names() {
        assert_eq!(parse_cik("CIK0000909832.json"), Some(909_832));
        assert_eq!(parse_cik("CIK909832.json"), None);
        assert_eq!(parse_cik("CIK0000909832.xml"), None);
    }
}
