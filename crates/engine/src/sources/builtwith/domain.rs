//! Parsing BuiltWith's Domain API v22 envelope into facts: technologies aggregated across
//! `Result.Paths[]` and deduplicated by name (earliest first detection, latest last detection,
//! union of categories), the live site-search vendor, and the profile bits of `Meta` and
//! `Attributes` (which sit beside `Result`, not inside it). Parsing is lenient: unknown fields
//! are ignored, `Categories` may be null or missing, times may be epoch ms or `"/Date(..)/"`,
//! `IsDB` may be the string `"True"` or a boolean.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use url::Url;

use super::{LIVE_WINDOW_DAYS, epoch_ms, rfc3339_ms};
use crate::fact::fields;
use crate::{Fact, SourceContext, SourceDescriptor, SourceError};

/// The category BuiltWith files site-search products under.
const SITE_SEARCH: &str = "site search";
/// How many paths are listed as a technology's evidence.
const MAX_EVIDENCE_PATHS: usize = 5;

#[derive(Debug, Default)]
struct Tech {
    name: String,
    tag: Option<String>,
    parent: Option<String>,
    categories: Vec<String>,
    premium: Option<bool>,
    first: Option<i64>,
    last: Option<i64>,
    paths: Vec<String>,
}

/// The Domain API facts for the looked-up domain (empty when BuiltWith knows nothing of it).
pub fn facts(
    body: &[u8],
    cx: &SourceContext<'_>,
    descriptor: &SourceDescriptor,
    url: &Url,
) -> Result<Vec<Fact>, SourceError> {
    let root: Value = serde_json::from_slice(body).map_err(|e| {
        SourceError::Malformed(format!("BuiltWith Domain API body is not JSON ({e})"))
    })?;
    let results = root
        .get("Results")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            SourceError::Malformed("BuiltWith Domain API body has no `Results` array".into())
        })?;
    let lookup = cx.account.domain.as_str();
    let Some(entry) = results
        .iter()
        .find(|r| {
            r.get("Lookup")
                .and_then(Value::as_str)
                .is_some_and(|l| l.eq_ignore_ascii_case(lookup))
        })
        .or_else(|| results.first())
    else {
        return Ok(Vec::new());
    };

    let cite = |confidence: f64| cx.cite(descriptor, super::DOMAIN_API, Some(url), confidence);
    let mut out = Vec::new();
    let techs = technologies(entry.get("Result"));
    let now_ms = i64::try_from(cx.now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    let live_from = now_ms.saturating_sub(LIVE_WINDOW_DAYS * 86_400_000);
    let is_live = |t: &Tech| t.last.is_some_and(|l| l >= live_from);

    if !techs.is_empty() {
        let list: Vec<Value> = techs.values().map(|t| tech_json(t, is_live(t))).collect();
        out.push(Fact::new(
            fields::TECH_TECHNOLOGIES,
            Value::Array(list),
            cite(0.9),
        ));
    }
    let search = techs
        .values()
        .filter(|t| {
            t.categories
                .iter()
                .any(|c| c.eq_ignore_ascii_case(SITE_SEARCH))
                && is_live(t)
        })
        .max_by_key(|t| (t.last, t.first));
    // The provider is a name, comparable with the website's detection; when it was first and
    // last seen is in the technology list.
    if let Some(t) = search {
        out.push(Fact::new(
            fields::SEARCH_PROVIDER,
            json!(crate::vendor::canonical(&t.name)),
            cite(0.85),
        ));
    }

    let meta = entry.get("Meta");
    let text = |v: Option<&Value>, key: &str| {
        v.and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if let Some(name) = text(meta, "CompanyName") {
        out.push(Fact::new(fields::PROFILE_NAME, json!(name), cite(0.7)));
    }
    if let Some(country) = text(meta, "Country") {
        out.push(Fact::new(
            fields::PROFILE_COUNTRY,
            json!(country),
            cite(0.7),
        ));
    }
    if let Some(vertical) = text(meta, "Vertical") {
        out.push(Fact::new(
            fields::PROFILE_INDUSTRY,
            json!(vertical),
            cite(0.6),
        ));
    }
    let employees = entry
        .get("Attributes")
        .and_then(|a| a.get("Employees"))
        .and_then(Value::as_i64);
    if let Some(n) = employees.filter(|n| *n > 0) {
        out.push(Fact::new(fields::PROFILE_EMPLOYEES, json!(n), cite(0.5)));
    }
    Ok(out)
}

/// Every technology under `Result.Paths[].Technologies[]`, keyed by lower-case name.
fn technologies(result: Option<&Value>) -> BTreeMap<String, Tech> {
    let mut techs: BTreeMap<String, Tech> = BTreeMap::new();
    let paths = result
        .and_then(|r| r.get("Paths"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for path in paths {
        let place = path_label(path);
        let list = path
            .get("Technologies")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for t in list {
            let Some(name) = t
                .get("Name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
            else {
                continue;
            };
            let entry = techs
                .entry(name.to_ascii_lowercase())
                .or_insert_with(|| Tech {
                    name: name.to_owned(),
                    ..Tech::default()
                });
            let str_of = |k: &str| {
                t.get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            entry.tag = entry.tag.take().or_else(|| str_of("Tag"));
            entry.parent = entry.parent.take().or_else(|| str_of("Parent"));
            if entry.premium.is_none() {
                entry.premium = t.get("IsPremium").and_then(flag);
            }
            for c in t
                .get("Categories")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                if let Some(c) = c.as_str().map(str::trim).filter(|c| !c.is_empty())
                    && !entry.categories.iter().any(|e| e.eq_ignore_ascii_case(c))
                {
                    entry.categories.push(c.to_owned());
                }
            }
            if let Some(f) = t.get("FirstDetected").and_then(epoch_ms) {
                entry.first = Some(entry.first.map_or(f, |e| e.min(f)));
            }
            if let Some(l) = t.get("LastDetected").and_then(epoch_ms) {
                entry.last = Some(entry.last.map_or(l, |e| e.max(l)));
            }
            if let Some(p) = &place
                && entry.paths.len() < MAX_EVIDENCE_PATHS
                && !entry.paths.contains(p)
            {
                entry.paths.push(p.clone());
            }
        }
    }
    techs
}

/// `sub.domain.com/url` for a path entry.
fn path_label(path: &Value) -> Option<String> {
    let s = |k: &str| {
        path.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    let (domain, sub, url) = (s("Domain"), s("SubDomain"), s("Url"));
    if domain.is_empty() {
        return None;
    }
    let host = if sub.is_empty() {
        domain.to_owned()
    } else {
        format!("{sub}.{domain}")
    };
    Some(if url.is_empty() {
        host
    } else {
        format!("{host}/{}", url.trim_start_matches('/'))
    })
}

/// BuiltWith's booleans: `"True"`, `"yes"`, `true`, ...
pub(super) fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

fn tech_json(t: &Tech, live: bool) -> Value {
    let category = t.categories.first().cloned().or_else(|| t.tag.clone());
    let evidence = if t.paths.is_empty() {
        "BuiltWith Domain API".to_owned()
    } else {
        format!("BuiltWith index: {}", t.paths.join(", "))
    };
    json!({
        "name": t.name,
        "category": category,
        "categories": t.categories,
        "tag": t.tag,
        "parent": t.parent,
        "premium": t.premium,
        "first_seen": t.first.and_then(rfc3339_ms),
        "last_seen": t.last.and_then(rfc3339_ms),
        "live": live,
        "evidence": evidence,
        "confidence": 0.9,
    })
}
