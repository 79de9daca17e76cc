//! `script_urls` (every `<script src>`, resolved) and `fetchable_scripts` (same site or a known
//! CDN, third parties dropped, at most `max`).

use pf_detect::{Ruleset, fetchable_scripts, script_urls};
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).expect("test URL")
}

fn strs(urls: &[Url]) -> Vec<&str> {
    urls.iter().map(Url::as_str).collect()
}

#[test]
fn script_urls_resolve_every_form_of_src() {
    let html = r#"<html><head>
<script src="/static/app.js?v=1&amp;x=2"></script>
<SCRIPT SRC='//cdn.shopify.com/s/files/1/t/3/assets/theme.js' defer></SCRIPT>
<script src=vendor/lib.js async></script>
<script type="module" src="https://cdn.jsdelivr.net/npm/algoliasearch@4/dist/algoliasearch-lite.esm.browser.js"></script>
<script src="  /static/app.js?v=1&x=2  "></script>
<script src="data:text/javascript,alert(1)"></script>
<script src="javascript:void(0)"></script>
<script src=""></script>
<script>var notASrc = '<script src="/in-a-string.js"></' + 'script>';</script>
<!-- <script src="/commented-out.js"></script> -->
<noscript><img src="/pixel.gif"></noscript>
<script data-src="/lazy.js"></script>
</head></html>"#;
    let got = script_urls(html, &url("https://www.acme.com/shop/index.html"));
    assert_eq!(
        strs(&got),
        [
            "https://www.acme.com/static/app.js?v=1&x=2",
            "https://cdn.shopify.com/s/files/1/t/3/assets/theme.js",
            "https://www.acme.com/shop/vendor/lib.js",
            "https://cdn.jsdelivr.net/npm/algoliasearch@4/dist/algoliasearch-lite.esm.browser.js",
        ]
    );
}

#[test]
fn script_urls_honour_base_href() {
    let html =
        r#"<head><base href="https://static.acme.com/v2/"><script src="main.js"></script></head>"#;
    assert_eq!(
        strs(&script_urls(html, &url("https://www.acme.com/"))),
        ["https://static.acme.com/v2/main.js"]
    );
}

#[test]
fn script_urls_survive_broken_markup() {
    let html = "<script src=\"/a.js\"><script src='/b.js'\n<p>x</p><script src=/c.js";
    let got = script_urls(html, &url("https://acme.com/"));
    assert_eq!(
        strs(&got),
        ["https://acme.com/a.js"],
        "an unclosed script swallows the rest, as in a browser"
    );
    assert!(script_urls("", &url("https://acme.com/")).is_empty());
    assert!(script_urls("<script src", &url("https://acme.com/")).is_empty());
}

#[test]
fn fetchable_keeps_same_site_and_cdns_and_drops_third_parties() {
    let site = url("https://www.acme.co.uk/");
    let urls: Vec<Url> = [
        "https://www.acme.co.uk/static/app.js",
        "https://static.acme.co.uk/js/search.js",
        "https://cdn.shopify.com/s/files/1/t/3/assets/algolia_config.js",
        "https://d1a2b3c4.cloudfront.net/bundle.js",
        "https://www.googletagmanager.com/gtm.js?id=GTM-ABC",
        "https://connect.facebook.net/en_US/fbevents.js",
        "https://static.hotjar.com/c/hotjar-123.js",
        "https://acme.com/other-registrable-domain.js",
        "https://evil-acme.co.uk/x.js",
        "https://www.acme.co.uk/static/app.js#again",
        "ftp://www.acme.co.uk/static/old.js",
    ]
    .iter()
    .map(|s| url(s))
    .collect();
    let got = fetchable_scripts(&urls, &site, 10);
    assert_eq!(
        strs(&got),
        [
            "https://www.acme.co.uk/static/app.js",
            "https://static.acme.co.uk/js/search.js",
            "https://cdn.shopify.com/s/files/1/t/3/assets/algolia_config.js",
            "https://d1a2b3c4.cloudfront.net/bundle.js",
        ]
    );
}

#[test]
fn fetchable_honours_max() {
    let site = url("https://acme.com/");
    let urls: Vec<Url> = (0..50)
        .map(|i| url(&format!("https://acme.com/js/{i}.js")))
        .collect();
    assert_eq!(fetchable_scripts(&urls, &site, 5).len(), 5);
    assert_eq!(
        strs(&fetchable_scripts(&urls, &site, 2)),
        ["https://acme.com/js/0.js", "https://acme.com/js/1.js"]
    );
    assert!(fetchable_scripts(&urls, &site, 0).is_empty());
}

#[test]
fn fetchable_on_a_loopback_mock_compares_hosts() {
    let site = url("http://127.0.0.1:4010/website/acme.com/");
    let urls = vec![
        url("http://127.0.0.1:4010/website/acme.com/app.js"),
        url("http://127.0.0.2/x.js"),
    ];
    assert_eq!(
        strs(&fetchable_scripts(&urls, &site, 8)),
        ["http://127.0.0.1:4010/website/acme.com/app.js"]
    );
}

#[test]
fn a_user_cdn_host_becomes_fetchable() {
    let rules = Ruleset::builtin()
        .extend_toml("[cdns]\nhosts = ['assets.acme-cdn.net']")
        .expect("extended");
    let site = url("https://www.acme.com/");
    let urls = vec![url("https://eu.assets.acme-cdn.net/app.js")];
    assert!(fetchable_scripts(&urls, &site, 4).is_empty());
    assert_eq!(rules.fetchable_scripts(&urls, &site, 4).len(), 1);
}

#[test]
fn script_urls_then_fetchable_is_the_website_flow() {
    let html = r#"<script src="/assets/app.js"></script>
<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>
<script src="https://cnstrc.com/js/cust/acme.js"></script>"#;
    let base = url("https://shop.acme.com/");
    let all = script_urls(html, &base);
    assert_eq!(all.len(), 3);
    assert_eq!(
        strs(&fetchable_scripts(&all, &base, 16)),
        ["https://shop.acme.com/assets/app.js"]
    );
}

#[test]
fn script_src_anchors_apply_to_each_url() {
    let rules = Ruleset::from_toml(
        "[[rule]]\nname = 'Anchored'\ncategory = 'ab_testing'\nmatchers = [ { script_src = '/at\\.js$' } ]",
    )
    .expect("rules");
    let html = r#"<script src="/lib/at.js"></script><script src="/app.js"></script>"#;
    let page = pf_detect::Page::from_html(url("https://acme.com/"), html);
    assert_eq!(
        rules.detect(&page).len(),
        1,
        "$ matches the end of the first URL, not only of the list"
    );
}
