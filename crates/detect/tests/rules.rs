//! The rule file: the built-in set's coverage, extending and overriding it with a user file, and
//! the error (with its code and the rule named) for each kind of bad file.

use pf_detect::{Category, DetectError, Page, Ruleset};
use std::collections::HashSet;
use url::Url;

fn page(html: &str) -> Page {
    Page::from_html(Url::parse("https://www.acme.com/").expect("url"), html)
}

fn err(text: &str) -> DetectError {
    Ruleset::from_toml(text).expect_err("the file should be refused")
}

const ONE_RULE: &str = r#"
[[rule]]
name = "Acme Search"
category = "site_search"
vendor = "Acme Inc."
website = "https://acme.example"
matchers = [ { script_src = 'cdn\.acmesearch\.example/', weight = 0.9 } ]
"#;

#[test]
fn builtin_covers_the_vendors_the_design_names() {
    let rules = Ruleset::builtin();
    assert!(rules.len() >= 100, "{} rules", rules.len());
    assert_eq!(
        rules.unfiltered_matchers(),
        0,
        "every text matcher has a prefilter literal"
    );
    let techs: Vec<_> = rules.technologies().collect();
    let search: HashSet<&str> = techs
        .iter()
        .filter(|t| t.category == Category::SiteSearch)
        .map(|t| t.name)
        .collect();
    for vendor in [
        "Algolia",
        "Elasticsearch",
        "Swiftype",
        "Coveo",
        "Constructor",
        "Bloomreach Discovery",
        "Lucidworks Fusion",
        "Searchspring",
        "Klevu",
        "Yext Search",
        "Doofinder",
        "Typesense",
        "Meilisearch",
        "Google Vertex AI Search for commerce",
        "Attraqt",
        "Nosto Search",
    ] {
        assert!(search.contains(vendor), "{vendor} missing");
    }
    let all: HashSet<&str> = techs.iter().map(|t| t.name).collect();
    for tech in [
        "Algolia for Shopify",
        "Shopify",
        "Shopify Plus",
        "Magento",
        "Salesforce Commerce Cloud",
        "BigCommerce",
        "WooCommerce",
        "commercetools",
        "SAP Commerce Cloud",
        "VTEX",
        "Wix",
        "Squarespace",
        "WordPress",
        "Drupal",
        "Adobe Experience Manager",
        "Sitecore",
        "Contentful",
        "Contentstack",
        "Google Tag Manager",
        "Tealium",
        "Adobe Launch",
        "Segment",
        "Google Analytics 4",
        "Universal Analytics",
        "Adobe Analytics",
        "Hotjar",
        "Heap",
        "Mixpanel",
        "Amplitude",
        "Cloudflare",
        "Akamai",
        "Fastly",
        "Optimizely",
        "VWO",
        "React",
        "Next.js",
        "Vue.js",
        "Nuxt",
        "Angular",
    ] {
        assert!(all.contains(tech), "{tech} missing");
    }
    for t in &techs {
        assert!(t.matchers > 0, "{} has no matchers", t.name);
        assert!(
            t.website.starts_with("https://"),
            "{} has no website",
            t.name
        );
    }
    assert!(rules.cdn_hosts().iter().any(|h| h == "cdn.shopify.com"));
}

#[test]
fn builtin_rule_file_round_trips_through_from_toml() {
    let again = Ruleset::from_toml(pf_detect::BUILTIN_RULES).expect("valid");
    assert_eq!(again.len(), Ruleset::builtin().len());
    assert_eq!(again.matcher_count(), Ruleset::builtin().matcher_count());
}

#[test]
fn a_user_file_adds_a_vendor() {
    let rules = Ruleset::builtin().extend_toml(ONE_RULE).expect("extended");
    assert_eq!(rules.len(), Ruleset::builtin().len() + 1);
    let found = rules.detect(&page(
        r#"<script src="https://cdn.acmesearch.example/v2/loader.js"></script>"#,
    ));
    let d = pf_detect::search_provider(&found).expect("provider");
    assert_eq!(d.technology, "Acme Search");
    assert_eq!(d.vendor, "Acme Inc.");
    assert_eq!(d.vendor_url, "https://acme.example");
    assert_eq!(
        d.evidence[0].matched,
        "https://cdn.acmesearch.example/v2/loader.js"
    );
    assert_eq!(d.evidence[0].location, "script src");
}

#[test]
fn a_user_rule_overrides_the_builtin_of_the_same_name() {
    let user = r#"
        [[rule]]
        name = "ALGOLIA"
        category = "site_search"
        website = "https://www.algolia.com"
        matchers = [ { html = 'data-our-algolia-proxy', weight = 0.9 } ]
    "#;
    let rules = Ruleset::builtin().extend_toml(user).expect("extended");
    assert_eq!(rules.len(), Ruleset::builtin().len(), "replaced, not added");
    let classic = page(
        r#"<script src="https://cdn.jsdelivr.net/npm/algoliasearch@4/dist/algoliasearch-lite.umd.js"></script>"#,
    );
    assert!(
        !rules
            .detect(&classic)
            .iter()
            .any(|d| d.technology.eq_ignore_ascii_case("algolia"))
    );
    let proxied = page(r#"<div data-our-algolia-proxy="1"></div>"#);
    let found = rules.detect(&proxied);
    assert_eq!(
        pf_detect::search_provider(&found).map(|d| d.technology.as_str()),
        Some("ALGOLIA")
    );
    // Rules that imply the replaced one still resolve to it.
    let shopify_app = page(r#"<script>window.algoliaShopify = {};</script>"#);
    assert!(
        rules
            .detect(&shopify_app)
            .iter()
            .any(|d| d.technology == "ALGOLIA")
    );
}

#[test]
fn a_user_file_may_imply_builtin_rules_and_add_cdn_hosts() {
    let user = r#"
        [cdns]
        hosts = ["static.acme-cdn.example"]

        [[rule]]
        name = "Acme Shopify Search App"
        category = "platform_extension"
        implies = ["Shopify", "Acme Search"]
        matchers = [ { inline_script = 'AcmeShopifySearch\.init', weight = 0.9 } ]
    "#;
    let rules = Ruleset::builtin()
        .extend_toml(ONE_RULE)
        .and_then(|r| r.extend_toml(user))
        .expect("extended");
    assert!(
        rules
            .cdn_hosts()
            .iter()
            .any(|h| h == "static.acme-cdn.example")
    );
    let found = rules.detect(&page("<script>AcmeShopifySearch.init({})</script>"));
    let names: HashSet<_> = found.iter().map(|d| d.technology.as_str()).collect();
    assert!(
        names.contains("Shopify") && names.contains("Acme Search"),
        "{names:?}"
    );
}

#[test]
fn extending_with_an_unknown_reference_fails() {
    let user = r#"
        [[rule]]
        name = "Acme App"
        category = "platform_extension"
        implies = ["Shopfiy"]
        matchers = [ { html = 'acme-app' } ]
    "#;
    let standalone = Ruleset::from_toml(user).expect("a file alone may name rules it lacks");
    assert_eq!(standalone.detect(&page("acme-app")).len(), 1);
    let e = Ruleset::builtin().extend_toml(user).expect_err("typo");
    assert_eq!(e.code(), "detect.rules.unknown_reference");
    assert_eq!(e.rule(), Some("Acme App"));
    assert!(e.to_string().contains("Shopfiy"));
}

#[test]
fn bad_files_give_the_right_error() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("[[rule]\nname = 'x'", "detect.rules.toml", None),
        (
            "[[rule]]\nname = 'X'\ncategory = 'cms'\nmatchers = [ { html = 'x' } ]\ncolour = 'red'",
            "detect.rules.toml",
            None,
        ),
        ("[[rule]]\ncategory = 'cms'", "detect.rules.toml", None),
        (
            "[[rule]]\nname = 'Broken'\ncategory = 'site_search'\nmatchers = [ { script_src = 'algolia(' } ]",
            "detect.rules.invalid_regex",
            Some("Broken"),
        ),
        (
            "[[rule]]\nname = 'Huge'\ncategory = 'site_search'\nmatchers = [ { html = '(?:\\w{100}){100}' } ]",
            "detect.rules.invalid_regex",
            Some("Huge"),
        ),
        (
            "[[rule]]\nname = 'Hdr'\ncategory = 'cdn'\nmatchers = [ { header = 'server', pattern = '[' } ]",
            "detect.rules.invalid_regex",
            Some("Hdr"),
        ),
        (
            "[[rule]]\nname = 'Odd'\ncategory = 'search'\nmatchers = []",
            "detect.rules.unknown_category",
            Some("Odd"),
        ),
        (
            "[[rule]]\nname = 'Twice'\ncategory = 'cms'\n[[rule]]\nname = 'twice'\ncategory = 'cms'",
            "detect.rules.duplicate_name",
            Some("twice"),
        ),
        (
            "[[rule]]\nname = '  '\ncategory = 'cms'",
            "detect.rules.invalid_name",
            None,
        ),
        (
            "[[rule]]\nname = 'Two'\ncategory = 'cms'\nmatchers = [ { html = 'a', url = 'b' } ]",
            "detect.rules.invalid_matcher",
            Some("Two"),
        ),
        (
            "[[rule]]\nname = 'None'\ncategory = 'cms'\nmatchers = [ { weight = 0.5 } ]",
            "detect.rules.invalid_matcher",
            Some("None"),
        ),
        (
            "[[rule]]\nname = 'Pat'\ncategory = 'cms'\nmatchers = [ { html = 'a', pattern = 'b' } ]",
            "detect.rules.invalid_matcher",
            Some("Pat"),
        ),
        (
            "[[rule]]\nname = 'Dom'\ncategory = 'cms'\nmatchers = [ { dom = '.a b' } ]",
            "detect.rules.invalid_matcher",
            Some("Dom"),
        ),
        (
            "[[rule]]\nname = 'Heavy'\ncategory = 'cms'\nmatchers = [ { html = 'a', weight = 1.5 } ]",
            "detect.rules.invalid_weight",
            Some("Heavy"),
        ),
        (
            "[[rule]]\nname = 'Zero'\ncategory = 'cms'\nmatchers = [ { html = 'a', weight = 0.0 } ]",
            "detect.rules.invalid_weight",
            Some("Zero"),
        ),
        (
            "[cdns]\nhosts = ['https://cdn.example.com/js']",
            "detect.rules.invalid_cdn_host",
            None,
        ),
    ];
    for (text, code, rule) in cases {
        let e = err(text);
        assert_eq!(e.code(), *code, "{text}\n=> {e}");
        assert_eq!(e.rule(), *rule, "{text}\n=> {e}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn regex_errors_name_the_rule_kind_and_pattern() {
    let e = err(
        "[[rule]]\nname = 'Broken'\ncategory = 'site_search'\nmatchers = [ { html = 'ok' }, { inline_script = 'algolia(' } ]",
    );
    let msg = e.to_string();
    assert!(
        msg.contains("Broken")
            && msg.contains("inline_script")
            && msg.contains("#1")
            && msg.contains("algolia("),
        "{msg}"
    );
}

#[test]
fn oversized_files_are_refused() {
    let big = format!("# {}\n", "x".repeat(5 * 1024 * 1024));
    assert_eq!(err(&big).code(), "detect.rules.too_large");
    let long = format!(
        "[[rule]]\nname = 'Long'\ncategory = 'cms'\nmatchers = [ {{ html = '{}' }} ]",
        "a".repeat(3000)
    );
    assert_eq!(err(&long).code(), "detect.rules.invalid_matcher");
}

#[test]
fn an_empty_file_is_an_empty_set() {
    let rules = Ruleset::from_toml("").expect("empty is fine");
    assert!(rules.is_empty());
    assert!(
        rules
            .detect(&page(
                "<script src='https://cdn.shopify.com/x.js'></script>"
            ))
            .is_empty()
    );
}

#[test]
fn a_ruleset_is_shared_across_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<Ruleset>();
    let rules = Ruleset::builtin();
    let html = r#"<script src="https://cnstrc.com/js/cust/acme.js"></script>"#;
    let found = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| rules.detect(&page(html))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect::<Vec<_>>()
    });
    assert_eq!(found[0], found[1]);
}
