//! `job_boards` (free): the public job boards of Greenhouse and Lever, looked up by board token =
//! the domain's first label (`costco.com` -> `costco`). Greenhouse is tried first
//! (`v1/boards/{token}/jobs?content=false`), then Lever (`v0/postings/{token}?mode=json`); a 404
//! from both is `NoData`. A board that exists but lists nothing gives an empty `hiring.jobs`.
//!
//! Base URL design: the configured base is a prefix under which `greenhouse/` and `lever/` sit
//! (the mock serves `{mock}/job_boards/greenhouse/v1/boards/costco/jobs` and
//! `{mock}/job_boards/lever/v0/postings/costco`). The default base,
//! `https://boards-api.greenhouse.io`, is the one exception: it maps `greenhouse/` to
//! `https://boards-api.greenhouse.io/` and `lever/` to `https://api.lever.co/`, the two real hosts.
//!
//! Facts: `hiring.jobs` (`[{title, department, location, url, posted_at, board,
//! search_related}]`, search-related postings first, at most [`MAX_JOBS`]) and
//! `hiring.open_jobs_count` (every posting on the board). `search_related` marks titles about
//! site search, relevance, discovery, merchandising or recommendations (see [`is_search_related`]).

use async_trait::async_trait;
use pf_core::{ModuleId, SourceId};
use serde_json::{Value, json};
use url::Url;

use crate::fact::fields;
use crate::{
    Endpoint, Fact, Source, SourceContext, SourceDescriptor, SourceError, SourceKind,
    default_classify,
};

/// The source id.
pub const ID: &str = "job_boards";
/// Endpoint names.
pub const GREENHOUSE: &str = "greenhouse";
pub const LEVER: &str = "lever";
/// The most postings listed in `hiring.jobs`.
pub const MAX_JOBS: usize = 200;
/// Every posting on the board (integer).
pub const OPEN_JOBS_COUNT: &str = "hiring.open_jobs_count";
const DEFAULT_BASE: &str = "https://boards-api.greenhouse.io";
const GREENHOUSE_HOST: &str = "boards-api.greenhouse.io";
const LEVER_BASE: &str = "https://api.lever.co/";

/// Greenhouse and Lever public job boards.
#[derive(Debug)]
pub struct JobBoards {
    descriptor: SourceDescriptor,
}

impl Default for JobBoards {
    fn default() -> Self {
        Self::new()
    }
}

impl JobBoards {
    pub fn new() -> Self {
        #[allow(clippy::expect_used)]
        let id = SourceId::new(ID).expect("`job_boards` is a valid source id");
        let free = |name| Endpoint {
            name,
            price_micros: 0,
            charges_misses: false,
        };
        Self {
            descriptor: SourceDescriptor {
                id,
                name: "Job boards (Greenhouse, Lever)",
                version: "greenhouse v1, lever v0",
                kind: SourceKind::Free,
                feeds: vec![ModuleId::HIRING],
                trust: 0.8,
                endpoints: vec![free(GREENHOUSE), free(LEVER)],
                rate_per_sec: 5.0,
                needs_key: false,
                default_base_url: DEFAULT_BASE,
            },
        }
    }

    async fn get(
        &self,
        cx: &SourceContext<'_>,
        endpoint: &'static str,
        url: &Url,
    ) -> Result<Value, SourceError> {
        // 2xx ok, 404 no board, 429/5xx retried, the rest errors: the boards have no quirks.
        let spec = cx.call(&self.descriptor, endpoint, url.clone(), default_classify);
        let reply = cx.gateway.send(&spec).await?;
        serde_json::from_slice(&reply.body)
            .map_err(|e| SourceError::Malformed(format!("{endpoint} board body is not JSON ({e})")))
    }
}

/// The Greenhouse and Lever URLs for a board token under `base` (see the module doc).
pub fn board_urls(base: &Url, token: &str) -> Result<(Url, Url), SourceError> {
    let bad = |e: url::ParseError| SourceError::Config(format!("job board URL: {e}"));
    let (greenhouse, lever) = if base.host_str() == Some(GREENHOUSE_HOST) {
        (
            Url::parse(&format!("{DEFAULT_BASE}/")).map_err(bad)?,
            Url::parse(LEVER_BASE).map_err(bad)?,
        )
    } else {
        let mut b = base.clone();
        if !b.path().ends_with('/') {
            let p = format!("{}/", b.path());
            b.set_path(&p);
        }
        (
            b.join("greenhouse/").map_err(bad)?,
            b.join("lever/").map_err(bad)?,
        )
    };
    let mut g = greenhouse
        .join(&format!("v1/boards/{token}/jobs"))
        .map_err(bad)?;
    g.query_pairs_mut().append_pair("content", "false");
    let mut l = lever.join(&format!("v0/postings/{token}")).map_err(bad)?;
    l.query_pairs_mut().append_pair("mode", "json");
    Ok((g, l))
}

#[async_trait]
impl Source for JobBoards {
    fn descriptor(&self) -> &SourceDescriptor {
        &self.descriptor
    }

    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError> {
        let token = cx
            .account
            .domain
            .as_str()
            .split('.')
            .next()
            .unwrap_or("")
            .to_owned();
        if token.is_empty() || !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SourceError::NoData);
        }
        let (greenhouse, lever) = board_urls(&cx.config.base_url, &token)?;
        let (endpoint, url, jobs) = match self.get(cx, GREENHOUSE, &greenhouse).await {
            Ok(body) => (GREENHOUSE, greenhouse, greenhouse_jobs(&body)?),
            Err(SourceError::NoData) => {
                let body = self.get(cx, LEVER, &lever).await?;
                (LEVER, lever, lever_jobs(&body)?)
            }
            Err(e) => return Err(e),
        };
        let total = jobs.len();
        let (mut listed, others): (Vec<Value>, Vec<Value>) = jobs
            .into_iter()
            .partition(|j| j["search_related"].as_bool() == Some(true));
        listed.extend(others);
        listed.truncate(MAX_JOBS);
        // The token is guessed from the domain, so a board may belong to a namesake.
        let cite = |c: f64| cx.cite(&self.descriptor, endpoint, Some(&url), c);
        Ok(vec![
            Fact::new(fields::HIRING_JOBS, Value::Array(listed), cite(0.7)),
            Fact::new(OPEN_JOBS_COUNT, json!(total), cite(0.7)),
        ])
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v?.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn job(
    title: String,
    department: Option<String>,
    location: Option<String>,
    url: Option<String>,
    posted_at: Option<String>,
    board: &str,
) -> Value {
    json!({
        "search_related": is_search_related(&title),
        "title": title,
        "department": department,
        "location": location,
        "url": url,
        "posted_at": posted_at,
        "board": board,
    })
}

/// `{"jobs":[{title, location:{name}, absolute_url, first_published|updated_at, departments?}]}`.
pub fn greenhouse_jobs(body: &Value) -> Result<Vec<Value>, SourceError> {
    let list = body.get("jobs").and_then(Value::as_array).ok_or_else(|| {
        SourceError::Malformed("Greenhouse board body has no `jobs` array".into())
    })?;
    Ok(list
        .iter()
        .filter_map(|j| {
            let title = text(j.get("title"))?;
            let department = j
                .get("departments")
                .and_then(Value::as_array)
                .and_then(|d| d.iter().find_map(|d| text(d.get("name"))));
            let location = text(j.get("location").and_then(|l| l.get("name")));
            let posted = text(j.get("first_published")).or_else(|| text(j.get("updated_at")));
            Some(job(
                title,
                department,
                location,
                text(j.get("absolute_url")),
                posted,
                GREENHOUSE,
            ))
        })
        .collect())
}

/// `[{text, categories:{department, team, location}, hostedUrl, createdAt (epoch ms)}]`.
pub fn lever_jobs(body: &Value) -> Result<Vec<Value>, SourceError> {
    let list = body
        .as_array()
        .ok_or_else(|| SourceError::Malformed("Lever postings body is not an array".into()))?;
    Ok(list
        .iter()
        .filter_map(|p| {
            let title = text(p.get("text"))?;
            let cat = p.get("categories");
            let c = |k: &str| text(cat.and_then(|c| c.get(k)));
            let posted = p
                .get("createdAt")
                .and_then(Value::as_i64)
                .and_then(super::builtwith::rfc3339_ms);
            Some(job(
                title,
                c("department").or_else(|| c("team")),
                c("location"),
                text(p.get("hostedUrl")),
                posted,
                LEVER,
            ))
        })
        .collect())
}

/// Whether a job title is about site search, relevance, discovery, merchandising or
/// recommendations. Whole words only ("Research" is not "search"), and marketing or recruiting
/// senses of "search" (paid search, SEO/SEM, search engine marketing, executive search) do not count.
pub fn is_search_related(title: &str) -> bool {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let phrase = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    let marketing = phrase("paid", "search")
        || phrase("search", "engine")
        || phrase("executive", "search")
        || phrase("search", "marketing")
        || phrase("search", "advertising")
        || has("seo")
        || has("sem")
        || has("ppc");
    let search = has("search") && !marketing;
    let topical = [
        "relevance",
        "relevancy",
        "discovery",
        "recommendation",
        "recommendations",
        "recommender",
    ]
    .iter()
    .any(|w| has(w));
    // Merchandising is a store and buying job unless it is the online, on-site kind.
    let online = ["digital", "online", "ecommerce", "site", "onsite", "web"]
        .iter()
        .any(|w| has(w))
        || phrase("e", "commerce");
    let merchandising = (has("merchandising") || has("merchandiser")) && online;
    search || topical || merchandising
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_related_titles_are_recognised_by_whole_words() {
        for t in [
            "Head of Search",
            "Senior Search Engineer",
            "Relevance Engineer",
            "Product Manager, Discovery",
            "Digital Merchandising Lead",
            "ML Engineer - Recommendations",
            "Search & Personalization PM",
        ] {
            assert!(is_search_related(t), "{t}");
        }
        for t in [
            "Research Scientist",
            "Paid Search Manager",
            "SEO Specialist",
            "Executive Search Consultant",
            "Store Manager",
            "Search Engine Marketing Lead",
            "Merchandising Analyst",
            "Visual Merchandiser",
        ] {
            assert!(!is_search_related(t), "{t}");
        }
    }

    #[test]
    fn the_default_base_maps_to_the_real_hosts_and_any_other_base_is_a_prefix() {
        let (g, l) = board_urls(&Url::parse(DEFAULT_BASE).expect("url"), "costco").expect("urls");
        assert_eq!(
            g.as_str(),
            "https://boards-api.greenhouse.io/v1/boards/costco/jobs?content=false"
        );
        assert_eq!(
            l.as_str(),
            "https://api.lever.co/v0/postings/costco?mode=json"
        );
        let (g, l) = board_urls(
            &Url::parse("http://127.0.0.1:9/job_boards").expect("url"),
            "costco",
        )
        .expect("urls");
        assert_eq!(
            g.as_str(),
            "http://127.0.0.1:9/job_boards/greenhouse/v1/boards/costco/jobs?content=false"
        );
        assert_eq!(
            l.as_str(),
            "http://127.0.0.1:9/job_boards/lever/v0/postings/costco?mode=json"
        );
    }
}
