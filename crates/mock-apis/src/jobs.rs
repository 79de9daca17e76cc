//! Public job boards: Greenhouse (`/greenhouse/v1/boards/{token}/jobs`) and Lever
//! (`/lever/v0/postings/{company}?mode=json`). The board token is the domain's first label
//! (`costco.com` -> `costco`); calls are counted under the token. A company uses one board or
//! none; the other answers 404 (Greenhouse `{"status":404,...}`, Lever `{"ok":false,...}`).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use crate::data::{self, BoardKind, Rng, days_ago_date, days_ago_ms, fixtures, generate, rfc3339};
use crate::respond::{self, param};
use crate::server::Shared;
use crate::{MockConfig, Provider};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/greenhouse/v1/boards/{token}/jobs", get(greenhouse))
        .route("/lever/v0/postings/{company}", get(lever))
}

/// Which board a token uses: (kind, hiring for search, job count), or none.
pub fn board(token: &str) -> Option<(BoardKind, bool, u32)> {
    fixtures::board(token).unwrap_or_else(|| generate::board(token))
}

const GENERAL: [(&str, &str); 14] = [
    ("Senior Software Engineer, Checkout", "Engineering"),
    ("Staff Engineer, Platform", "Engineering"),
    ("Data Engineer", "Engineering"),
    ("Site Reliability Engineer", "Engineering"),
    ("Product Manager, Mobile App", "Product"),
    ("Senior Product Designer", "Product"),
    ("Lifecycle Marketing Manager", "Marketing"),
    ("SEO Specialist", "Marketing"),
    ("Store Manager", "Retail Operations"),
    ("Distribution Center Associate", "Supply Chain"),
    ("Merchandising Analyst", "Merchandising"),
    ("Financial Analyst", "Finance"),
    ("Customer Care Specialist", "Customer Experience"),
    ("Recruiting Coordinator", "People"),
];
const SEARCH: [(&str, &str); 5] = [
    ("Head of Search & Discovery", "Product"),
    ("Senior Search Relevance Engineer", "Engineering"),
    ("Product Manager, Site Search", "Product"),
    ("Machine Learning Engineer, Search Ranking", "Engineering"),
    ("Elasticsearch Platform Engineer", "Engineering"),
];

/// One job: id, title, department, location, days since it was posted.
struct Job {
    id: u64,
    title: &'static str,
    department: &'static str,
    location: String,
    age_days: i64,
}

fn jobs(token: &str, search_hiring: bool, count: u32) -> Vec<Job> {
    let p = data::profile(&format!("{token}.com"));
    let mut r = Rng::new(token, "jobs");
    let mut out: Vec<Job> = Vec::new();
    let searches = if search_hiring {
        r.range(1, 2) as usize
    } else {
        0
    };
    for i in 0..count as usize {
        let (title, department) = match i {
            0 if searches > 0 => SEARCH[0],
            _ if i < searches => SEARCH[1 + r.below(SEARCH.len() as u64 - 1) as usize],
            _ => *r.pick(&GENERAL),
        };
        let location = if r.chance(0.3) {
            "Remote - US".to_owned()
        } else {
            format!("{}, {}", p.city, p.state)
        };
        out.push(Job {
            id: 4_000_000_000 + r.below(900_000_000),
            title,
            department,
            location,
            age_days: r.range(1, 120) as i64,
        });
    }
    out
}

fn greenhouse_404() -> Response {
    respond::json(
        StatusCode::NOT_FOUND,
        &json!({"status": 404, "error": "Job board not found"}),
    )
}

async fn greenhouse(
    State(s): State<Shared>,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let token = token.to_ascii_lowercase();
    let config = s.config.clone();
    s.answer(
        Provider::Jobs,
        "greenhouse",
        &[token.as_str()],
        true,
        || {
            let Some((BoardKind::Greenhouse, search, count)) = board(&token) else {
                return greenhouse_404();
            };
            let content = param(&q, "content").is_some_and(|v| v == "true");
            let list: Vec<Value> = jobs(&token, search, count)
                .iter()
                .map(|j| greenhouse_job(&config, &token, j, content))
                .collect();
            respond::json(
                StatusCode::OK,
                &json!({"jobs": list, "meta": {"total": count}}),
            )
        },
    )
    .await
}

fn greenhouse_job(config: &MockConfig, token: &str, j: &Job, content: bool) -> Value {
    let updated = rfc3339(
        days_ago_date(config.as_of, j.age_days),
        14 * 3600 + (j.id % 3600) as i64,
    )
    .replace('Z', "-04:00");
    let mut v = json!({
        "id": j.id,
        "internal_job_id": j.id / 7,
        "title": j.title,
        "updated_at": updated,
        "requisition_id": format!("REQ-{}", j.id % 100_000),
        "location": {"name": j.location},
        "absolute_url": format!("https://job-boards.greenhouse.io/{token}/jobs/{}", j.id),
        "metadata": null,
        "data_compliance": [{"type": "gdpr", "requires_consent": false, "requires_processing_consent": false, "requires_retention_consent": false, "retention_period": null}],
        "first_published": updated,
        "language": "en",
    });
    if content {
        v["content"] = json!(format!(
            "&lt;p&gt;We are hiring: {}, {} team.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Work with partners across the business&lt;/li&gt;&lt;/ul&gt;",
            j.title, j.department
        ));
        v["departments"] = json!([{"id": j.id % 10_000, "name": j.department, "child_ids": [], "parent_id": null}]);
        v["offices"] = json!([{"id": j.id % 1000, "name": j.location, "location": j.location, "child_ids": [], "parent_id": null}]);
    }
    v
}

async fn lever(
    State(s): State<Shared>,
    Path(company): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let token = company.to_ascii_lowercase();
    let config = s.config.clone();
    s.answer(Provider::Jobs, "lever", &[token.as_str()], true, || {
        let Some((BoardKind::Lever, search, count)) = board(&token) else {
            return respond::json(StatusCode::NOT_FOUND, &json!({"ok": false, "error": "Document not found"}));
        };
        let list = jobs(&token, search, count);
        let accept_json = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
        match param(&q, "mode") {
            Some("json") => {}
            None if accept_json => {}
            _ => {
                let items: String = list.iter().map(|j| format!("<li><a href=\"https://jobs.lever.co/{token}/{}\">{}</a></li>", uuid_like(j.id), j.title)).collect();
                return respond::html(StatusCode::OK, format!("<div class='lever'><ul>{items}</ul></div>"));
            }
        }
        let out: Vec<Value> = list
            .iter()
            .map(|j| {
                let id = uuid_like(j.id);
                json!({
                    "id": id,
                    "text": j.title,
                    "categories": {"team": j.department, "department": j.department, "location": j.location, "commitment": "Full-time", "allLocations": [j.location]},
                    "country": "US",
                    "createdAt": days_ago_ms(config.as_of, j.age_days) + (j.id % 86_400) as i64 * 1000,
                    "descriptionPlain": format!("We are hiring: {}, {} team.", j.title, j.department),
                    "description": format!("<div>We are hiring: {}, {} team.</div>", j.title, j.department),
                    "lists": [{"text": "What you'll do", "content": "<li>Work with partners across the business</li>"}],
                    "additional": "",
                    "additionalPlain": "",
                    "hostedUrl": format!("https://jobs.lever.co/{token}/{id}"),
                    "applyUrl": format!("https://jobs.lever.co/{token}/{id}/apply"),
                    "workplaceType": if j.location.starts_with("Remote") { "remote" } else { "on-site" },
                })
            })
            .collect();
        respond::json(StatusCode::OK, &Value::Array(out))
    })
    .await
}

/// A stable UUID-shaped id for a Lever posting.
fn uuid_like(id: u64) -> String {
    let h = data::stable_hash(&id.to_string(), "lever");
    let h2 = data::stable_hash(&id.to_string(), "lever2");
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        h2 >> 52,
        h2 & 0xffff_ffff_ffff
    )
}
