//! `website`: PartnerForge's own detection. Fetches the homepage (following and recording
//! redirects) and the scripts it loads (bounded in count and bytes; same site and known CDNs
//! only), and matches the fingerprint rules of `pf-detect` against them. Every detection keeps
//! its evidence and a confidence. Free, trust 1.0.
//!
//! Base URL: `direct:` (the default) fetches `https://DOMAIN/`; any other base turns
//! `https://DOMAIN/` into `BASE_URL/DOMAIN/` (the mock APIs serve sites that way), and then only
//! scripts under the base are fetched.

use async_trait::async_trait;
use pf_core::{Domain, ModuleId, SourceId};
use pf_detect::{Page, Resource, Ruleset};
use serde_json::{Value, json};
use std::sync::Arc;
use url::Url;

use crate::fact::fields;
use crate::gateway::{CallSpec, Reply, Verdict, default_classify};
use crate::source::{Endpoint, SourceKind};
use crate::{Fact, Source, SourceContext, SourceDescriptor, SourceError};

/// The default base: fetch sites directly.
pub const DIRECT: &str = "direct:";
/// At most this many scripts are fetched per homepage.
pub const MAX_SCRIPTS: usize = 12;

pub struct Website {
    descriptor: SourceDescriptor,
    rules: Arc<Ruleset>,
}

impl Website {
    pub fn new(rules: Arc<Ruleset>) -> Self {
        let descriptor = SourceDescriptor {
            id: SourceId::new("website").unwrap_or_else(|_| crate::sources::unreachable_id()),
            name: "Website detection",
            version: "1",
            kind: SourceKind::Free,
            feeds: vec![ModuleId::TECH_STACK, ModuleId::DOMAIN_FAMILY],
            trust: 1.0,
            endpoints: vec![
                Endpoint {
                    name: "homepage",
                    price_micros: 0,
                    charges_misses: false,
                },
                Endpoint {
                    name: "asset",
                    price_micros: 0,
                    charges_misses: false,
                },
            ],
            rate_per_sec: 20.0,
            needs_key: false,
            default_base_url: DIRECT,
        };
        Self { descriptor, rules }
    }

    /// With the built-in rule set.
    pub fn builtin() -> Self {
        Self::new(Arc::new(Ruleset::builtin()))
    }

    /// With the built-in rules extended (or overridden by name) by the user's rule file.
    pub fn with_user_rules(path: &std::path::Path) -> Result<Self, SourceError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SourceError::Config(format!("{}: {e}", path.display())))?;
        let rules = Ruleset::builtin()
            .extend_toml(&text)
            .map_err(|e| SourceError::Config(format!("{}: {e} ({})", path.display(), e.code())))?;
        Ok(Self::new(Arc::new(rules)))
    }
}

/// Pages: 2xx ok, 404/410 no data, 429/5xx retry, binary bodies refused.
pub fn classify_page(reply: &Reply) -> Verdict {
    match default_classify(reply) {
        Verdict::Ok if looks_binary(&reply.body) => Verdict::Fail(SourceError::Malformed(
            "the page is binary, not HTML".into(),
        )),
        Verdict::Fail(SourceError::Auth(_)) => Verdict::Fail(SourceError::Upstream {
            status: reply.status,
            detail: "the site refused the request".into(),
        }),
        other => other,
    }
}

pub fn looks_binary(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    head.contains(&0)
        || (head.len() >= 4
            && (head.starts_with(b"\x89PNG")
                || head.starts_with(b"PK\x03\x04")
                || head.starts_with(b"%PDF")))
}

fn home_url(base: &Url, domain: &Domain) -> Result<Url, SourceError> {
    if base.as_str() == DIRECT || base.scheme() == "direct" {
        Url::parse(&format!("https://{domain}/")).map_err(|e| SourceError::Config(e.to_string()))
    } else {
        let mut b = base.clone();
        if !b.path().ends_with('/') {
            let p = format!("{}/", b.path());
            b.set_path(&p);
        }
        b.join(&format!("{domain}/"))
            .map_err(|e| SourceError::Config(e.to_string()))
    }
}

/// The site a URL belongs to: its host, or with a base URL the first path segment under it.
fn site_of(url: &Url, base: &Url) -> Option<String> {
    if base.scheme() != "direct"
        && url
            .as_str()
            .starts_with(base.as_str().trim_end_matches('/'))
    {
        let rest = url
            .as_str()
            .get(base.as_str().trim_end_matches('/').len()..)?;
        return rest
            .trim_start_matches('/')
            .split('/')
            .next()
            .map(str::to_owned)
            .filter(|s| !s.is_empty());
    }
    url.host_str().map(str::to_owned)
}

impl Website {
    /// A page or script request: the declared User-Agent, asking for HTML.
    fn spec(&self, cx: &SourceContext<'_>, endpoint: &'static str, url: Url) -> CallSpec {
        let mut spec = cx.call(&self.descriptor, endpoint, url, classify_page);
        spec.headers.push((
            "accept".into(),
            "text/html,application/xhtml+xml,*/*;q=0.8".into(),
        ));
        spec
    }

    async fn scripts(&self, cx: &SourceContext<'_>, html: &str, page_url: &Url) -> Vec<Resource> {
        let base = &cx.config.base_url;
        let all = pf_detect::script_urls(html, page_url);
        let chosen: Vec<Url> = if base.scheme() == "direct" {
            self.rules.fetchable_scripts(&all, page_url, MAX_SCRIPTS)
        } else {
            all.into_iter()
                .filter(|u| u.as_str().starts_with(base.as_str().trim_end_matches('/')))
                .take(MAX_SCRIPTS)
                .collect()
        };
        let mut out = Vec::new();
        for url in chosen {
            match cx.gateway.send(&self.spec(cx, "asset", url.clone())).await {
                Ok(reply) if !looks_binary(&reply.body) => {
                    out.push(Resource {
                        url,
                        body: String::from_utf8_lossy(&reply.body).into_owned(),
                    });
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(script = %url, "script not fetched: {e}"),
            }
        }
        out
    }
}

#[async_trait]
impl Source for Website {
    fn descriptor(&self) -> &SourceDescriptor {
        &self.descriptor
    }

    async fn fetch(&self, cx: &SourceContext<'_>) -> Result<Vec<Fact>, SourceError> {
        let url = home_url(&cx.config.base_url, &cx.account.domain)?;
        let reply = cx
            .gateway
            .send(&self.spec(cx, "homepage", url.clone()))
            .await?;
        let html = String::from_utf8_lossy(&reply.body).into_owned();
        let scripts = self.scripts(cx, &html, &reply.final_url).await;
        let page = Page {
            url: url.clone(),
            final_url: reply.final_url.clone(),
            status: reply.status,
            headers: reply.headers.clone(),
            html,
            scripts,
        };
        let detections = self.rules.detect(&page);
        let cite = |confidence: f64| {
            cx.cite(
                &self.descriptor,
                "homepage",
                Some(&reply.final_url),
                confidence,
            )
        };
        let tech: Vec<Value> = detections
            .iter()
            .map(|d| {
                let evidence: Vec<Value> = d
                    .evidence
                    .iter()
                    .take(3)
                    .map(|e| json!({"kind": e.kind.as_str(), "matched": e.matched, "location": e.location}))
                    .collect();
                json!({
                    "name": d.technology,
                    "category": d.category.as_str(),
                    "vendor": d.vendor,
                    "confidence": (d.confidence * 100.0).round() / 100.0,
                    "evidence": evidence,
                })
            })
            .collect();
        let provider = pf_detect::search_provider(&detections);
        let mut facts = vec![
            Fact::new(fields::TECH_TECHNOLOGIES, Value::Array(tech), cite(0.9)),
            Fact::new(
                fields::SEARCH_PROVIDER,
                provider
                    .map(|p| json!(crate::vendor::canonical(&p.technology)))
                    .unwrap_or(Value::Null),
                cite(provider.map(|p| p.confidence).unwrap_or(0.6)),
            ),
        ];
        if !reply.redirects.is_empty() {
            let base = &cx.config.base_url;
            let chain: Vec<Value> = reply
                .redirects
                .iter()
                .chain([&reply.final_url])
                .map(|u| json!(crate::source::redirect_label(u, base)))
                .collect();
            facts.push(Fact::new(
                fields::FAMILY_REDIRECTS,
                Value::Array(chain),
                cite(1.0),
            ));
            let own = cx.account.domain.as_str();
            let landed = site_of(&reply.final_url, base).and_then(|s| Domain::parse(&s).ok());
            if let Some(d) = landed.filter(|d| d.as_str() != own) {
                facts.push(Fact::new(
                    fields::FAMILY_RELATED,
                    json!([{"domain": d.as_str(), "relation": "redirect", "evidence": format!("{own} redirects to {d}")}]),
                    cite(1.0),
                ));
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_urls_are_direct_or_under_the_base() {
        let d = Domain::parse("costco.com").expect("domain");
        let direct = Url::parse(DIRECT).expect("direct");
        assert_eq!(
            home_url(&direct, &d).expect("url").as_str(),
            "https://costco.com/"
        );
        let mock = Url::parse("http://127.0.0.1:9/website").expect("base");
        assert_eq!(
            home_url(&mock, &d).expect("url").as_str(),
            "http://127.0.0.1:9/website/costco.com/"
        );
        let landed = Url::parse("http://127.0.0.1:9/website/www.costco.co.uk/").expect("url");
        assert_eq!(site_of(&landed, &mock).as_deref(), Some("www.costco.co.uk"));
    }

    #[test]
    fn binary_bodies_are_recognised() {
        assert!(looks_binary(b"\x89PNG\r\n"));
        assert!(looks_binary(b"<html>\0</html>"));
        assert!(!looks_binary(b"<!doctype html><html></html>"));
    }
}
