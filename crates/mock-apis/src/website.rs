//! The companies' own websites: `/website/{domain}/` serves the homepage, `/website/{domain}/{path}`
//! its same-site scripts and pages. A base URL of `http://HOST/website` turns `https://DOMAIN/`
//! into `http://HOST/website/DOMAIN/`.
//!
//! Some domains redirect (301 to `www.`, to a regional storefront, or from a former domain to
//! the new one). Hostile sites by prefix: `huge-` (a 20 MB page), `loop-` (endless redirects),
//! `binary-` (binary bytes labelled `text/html`), `badenc-` (invalid UTF-8). `nodata-` domains
//! serve a parked page with no technology on it.

mod markup;
mod vendors;

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;

use crate::data::{self, Profile, Redirect, Rng};
use crate::respond::{self, with_header};
use crate::server::Shared;
use crate::{MockConfig, Provider};

pub use markup::{Asset, Page};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/{domain}", get(homepage))
        .route("/{domain}/", get(homepage))
        .route("/{domain}/{*path}", get(asset))
}

/// The profile a host serves: `www.`, `www2.` and `us.` storefronts belong to the bare domain.
fn site_profile(host: &str) -> Profile {
    let h = host
        .strip_prefix("www2.")
        .or_else(|| host.strip_prefix("us."))
        .unwrap_or(host);
    data::profile(h)
}

/// The homepage (and its assets) of a host.
pub fn page(config: &MockConfig, host: &str) -> Page {
    markup::page(&site_profile(host), host, config.as_of.year())
}

/// Where a request for `host`'s homepage is sent instead, if anywhere.
fn redirect_target(p: &Profile, host: &str) -> Option<(String, String)> {
    match &p.redirect {
        Some(Redirect::Www) if !host.starts_with("www.") => {
            Some((format!("www.{host}"), "/".to_owned()))
        }
        Some(Redirect::To { host: h, path }) if h != host => Some((h.clone(), path.clone())),
        _ => None,
    }
}

fn location(headers: &HeaderMap, host: &str, path: &str) -> String {
    let rel = format!("/website/{host}{path}");
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(origin) => format!("http://{origin}{rel}"),
        None => rel,
    }
}

async fn homepage(
    State(s): State<Shared>,
    Path(domain): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let host = domain.to_ascii_lowercase();
    let config = s.config.clone();
    s.answer(
        Provider::Website,
        "homepage",
        &[host.as_str()],
        true,
        || render_home(&config, &host, &headers, &q),
    )
    .await
}

fn render_home(
    config: &MockConfig,
    host: &str,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Response {
    let bare = host.strip_prefix("www.").unwrap_or(host);
    if !data::is_valid_domain(host) {
        return respond::error_page(StatusCode::BAD_REQUEST);
    }
    if bare.starts_with("loop-") {
        let hop: u64 = q.get("hop").and_then(|h| h.parse().ok()).unwrap_or(0);
        return respond::redirect(
            StatusCode::FOUND,
            &location(headers, host, &format!("/?hop={}", hop + 1)),
        );
    }
    if bare.starts_with("huge-") {
        return respond::bytes(
            StatusCode::OK,
            "text/html; charset=utf-8",
            huge(config.huge_bytes),
        );
    }
    if bare.starts_with("binary-") {
        return respond::bytes(StatusCode::OK, "text/html; charset=utf-8", binary(host));
    }
    let p = site_profile(host);
    if p.no_data {
        return respond::html(
            StatusCode::OK,
            format!(
                "<!DOCTYPE html>\n<html><head><title>{host}</title></head><body><p>This domain is parked.</p></body></html>\n"
            ),
        );
    }
    if let Some((to, path)) = redirect_target(&p, host) {
        return respond::redirect(
            StatusCode::MOVED_PERMANENTLY,
            &location(headers, &to, &path),
        );
    }
    serve_page(
        markup::page(&p, host, config.as_of.year()),
        bare.starts_with("badenc-"),
    )
}

fn serve_page(page: Page, bad_encoding: bool) -> Response {
    let mut resp = if bad_encoding {
        respond::bytes(
            StatusCode::OK,
            "text/html; charset=utf-8",
            break_encoding(&page.html),
        )
    } else {
        respond::html(StatusCode::OK, page.html)
    };
    resp = with_header(resp, "cache-control", "max-age=0, private, must-revalidate");
    for (name, value) in &page.headers {
        resp = with_header(resp, name, value);
    }
    for c in &page.cookies {
        resp = with_header(resp, "set-cookie", c);
    }
    resp
}

async fn asset(
    State(s): State<Shared>,
    Path((domain, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let host = domain.to_ascii_lowercase();
    let p = site_profile(&host);
    // A redirect's landing page (`www2.hm.com/en_us/index.html`) is the homepage.
    let landing = match &p.redirect {
        Some(Redirect::To { host: h, path: lp }) => {
            h == &host && lp.trim_matches('/') == path.trim_matches('/')
        }
        _ => false,
    };
    if landing {
        let config = s.config.clone();
        let q = HashMap::new();
        return s
            .answer(
                Provider::Website,
                "homepage",
                &[host.as_str()],
                true,
                || render_home(&config, &host, &headers, &q),
            )
            .await;
    }
    let config = s.config.clone();
    s.answer(Provider::Website, "asset", &[host.as_str()], true, || {
        if p.no_data {
            return respond::error_page(StatusCode::NOT_FOUND);
        }
        let page = markup::page(&p, &host, config.as_of.year());
        // Relative references from a page in a sub-directory land under it: match by suffix.
        let found = page
            .assets
            .into_iter()
            .find(|a| path == a.path || path.ends_with(&format!("/{}", a.path)));
        match found {
            Some(a) => respond::bytes(StatusCode::OK, a.content_type, a.body),
            None => respond::error_page(StatusCode::NOT_FOUND),
        }
    })
    .await
}

/// A page of `size` bytes (built once per size and shared).
fn huge(size: usize) -> Bytes {
    static CACHE: OnceLock<Bytes> = OnceLock::new();
    let build = || {
        let mut s = String::with_capacity(size + 64);
        s.push_str("<!DOCTYPE html>\n<html><head><title>Catalogue</title></head><body>\n");
        let line = "<div class=\"filler\">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.</div>\n";
        while s.len() + line.len() <= size {
            s.push_str(line);
        }
        Bytes::from(s)
    };
    let cached = CACHE.get_or_init(build);
    if cached.len().abs_diff(size) < 200 {
        cached.clone()
    } else {
        build()
    }
}

/// 64 KiB of binary (a PNG signature then noise), served as `text/html`.
fn binary(host: &str) -> Vec<u8> {
    let mut r = Rng::new(host, "binary");
    let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    while out.len() < 64 * 1024 {
        out.extend_from_slice(&r.next_u64().to_le_bytes());
    }
    out
}

/// The page with invalid UTF-8 sequences in its title and body.
fn break_encoding(html: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len() + 64);
    let bad: &[u8] = b"Caf\xe9 \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc \xff\xfe";
    for (i, part) in html.split("</title>").enumerate() {
        if i > 0 {
            out.extend_from_slice(bad);
            out.extend_from_slice(b"</title>");
        }
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(b"<!-- ");
    out.extend_from_slice(bad);
    out.extend_from_slice(b" -->\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_bodies() {
        assert!(std::str::from_utf8(&break_encoding("<title>x</title><p>ok</p>")).is_err());
        assert!(std::str::from_utf8(&binary("binary-x.com")).is_err());
        assert!(huge(1 << 20).len() > 1_000_000);
        assert!(huge(1 << 20).len() <= 1 << 20);
    }

    #[test]
    fn redirects() {
        let costco = site_profile("costco.com");
        assert_eq!(
            redirect_target(&costco, "costco.com"),
            Some(("www.costco.com".into(), "/".into()))
        );
        assert_eq!(
            redirect_target(&site_profile("www.costco.com"), "www.costco.com"),
            None
        );
        let hm = site_profile("hm.com");
        assert_eq!(
            redirect_target(&hm, "hm.com"),
            Some(("www2.hm.com".into(), "/en_us/index.html".into()))
        );
        assert_eq!(
            redirect_target(&site_profile("www2.hm.com"), "www2.hm.com"),
            None
        );
    }
}
