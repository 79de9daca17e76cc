//! Script URLs: which scripts a page loads ([`script_urls`]) and which of them the `website`
//! source may fetch ([`fetchable_scripts`]: same registrable site, or a known CDN host).

use crate::scan::{self, Doc};
use crate::{Limits, Ruleset};
use std::collections::HashSet;
use std::net::IpAddr;
use url::Url;

/// `text` cut to at most `max` bytes, at a character boundary.
pub(crate) fn cap(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// Every `<script src>` of `html`, resolved against `base` (or the page's own `<base href>`, as
/// a browser would), `http`/`https` only, deduplicated, in page order. Bounded like detection:
/// the first [`Limits::max_html_bytes`] of HTML, at most [`Limits::max_script_urls`] URLs.
pub fn script_urls(html: &str, base: &Url) -> Vec<Url> {
    let limits = Limits::default();
    let html = cap(html, limits.max_html_bytes);
    let doc = scan::scan(html, limits.max_script_urls, |_| {});
    resolve(&doc, base)
}

/// The script URLs a scanned document names, resolved (see [`script_urls`]).
pub(crate) fn resolve(doc: &Doc<'_>, base: &Url) -> Vec<Url> {
    let own_base = doc
        .base_href
        .and_then(|href| base.join(scan::attr_value(href).trim()).ok())
        .filter(is_web);
    let base = own_base.as_ref().unwrap_or(base);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for raw in &doc.script_srcs {
        let src = scan::attr_value(raw);
        let Ok(url) = base.join(src.trim()) else {
            continue;
        };
        if is_web(&url) && seen.insert(url.as_str().to_string()) {
            out.push(url);
        }
    }
    out
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// The scripts among `urls` that may be fetched for `site`: `http`/`https` URLs on the same
/// registrable domain as `site` (`static.shop.example.co.uk` for `www.example.co.uk`; for an IP
/// address or single-label host, the same host) or on a CDN host of the built-in rule file; at
/// most `max`, deduplicated (ignoring `#fragment`s), in the order given. Third-party tags
/// (analytics, tag managers, vendors' own hosts) are left out: their URL already says what they
/// are, and fetching them costs time and bandwidth for nothing.
pub fn fetchable_scripts(urls: &[Url], site: &Url, max: usize) -> Vec<Url> {
    Ruleset::builtin().fetchable_scripts(urls, site, max)
}

pub(crate) fn fetchable(urls: &[Url], site: &Url, max: usize, cdn_hosts: &[String]) -> Vec<Url> {
    let Some(site_key) = site.host_str().map(site_key) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for url in urls {
        if out.len() >= max {
            break;
        }
        let Some(host) = url.host_str() else { continue };
        if !is_web(url) || !(site_key_eq(host, &site_key) || is_cdn(host, cdn_hosts)) {
            continue;
        }
        let mut key = url.clone();
        key.set_fragment(None);
        if seen.insert(key.as_str().to_string()) {
            out.push(url.clone());
        }
    }
    out
}

fn site_key_eq(host: &str, key: &str) -> bool {
    site_key(host) == key
}

/// The registrable domain of `host` (lower case), or the host itself for IP addresses and names
/// the public suffix list cannot split.
pub(crate) fn site_key(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<IpAddr>().is_ok() {
        return host;
    }
    match psl::domain_str(&host) {
        Some(d) => d.to_string(),
        None => host,
    }
}

/// Whether `host` is one of `cdn_hosts` or a subdomain of one.
pub(crate) fn is_cdn(host: &str, cdn_hosts: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    cdn_hosts.iter().any(|c| {
        host == *c
            || (host.len() > c.len()
                && host.ends_with(c.as_str())
                && host.as_bytes()[host.len() - c.len() - 1] == b'.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_respects_char_boundaries() {
        assert_eq!(cap("héllo", 2), "h");
        assert_eq!(cap("héllo", 3), "hé");
        assert_eq!(cap("abc", 10), "abc");
    }

    #[test]
    fn site_keys() {
        assert_eq!(site_key("static.shop.example.co.uk"), "example.co.uk");
        assert_eq!(site_key("WWW.Example.com."), "example.com");
        assert_eq!(site_key("127.0.0.1"), "127.0.0.1");
        assert_eq!(site_key("[::1]"), "[::1]");
    }

    #[test]
    fn cdn_suffix_match_needs_a_dot() {
        let cdns = vec!["cloudfront.net".to_string()];
        assert!(is_cdn("d1234.cloudfront.net", &cdns));
        assert!(is_cdn("cloudfront.net", &cdns));
        assert!(!is_cdn("evilcloudfront.net", &cdns));
    }
}
