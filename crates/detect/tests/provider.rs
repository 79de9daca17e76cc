//! Choosing the search provider: strong evidence wins over leftovers, weak mentions are not a
//! provider, and a page without a search vendor has none.

use pf_detect::{
    COMMENT_FACTOR, Category, Detection, Evidence, EvidenceKind, Page, Ruleset,
    SEARCH_PROVIDER_MIN_CONFIDENCE, search_provider,
};
use url::Url;

fn page(html: &str) -> Page {
    Page::from_html(Url::parse("https://www.acme.com/").expect("url"), html)
}

#[test]
fn algolia_beats_a_leftover_elasticsearch_comment() {
    let p = page(
        r#"<html><head>
<!-- Search: legacy Elasticsearch widget removed in 2021, see SEARCH-412 -->
<script src="https://cdn.jsdelivr.net/npm/algoliasearch@4.24.0/dist/algoliasearch-lite.umd.js"></script>
</head><body>
<form class="search"><input id="q"></form>
<script>const client = algoliasearch('K1ZTWZLT8V', '0f7c4c7b1c1b');</script>
</body></html>"#,
    );
    let found = Ruleset::builtin().detect(&p);
    let provider = search_provider(&found).expect("a provider");
    assert_eq!(provider.technology, "Algolia");
    let es = found
        .iter()
        .find(|d| d.technology == "Elasticsearch")
        .expect("the leftover is still reported");
    assert!(
        es.confidence < SEARCH_PROVIDER_MIN_CONFIDENCE,
        "{}",
        es.confidence
    );
    let e = &es.evidence[0];
    assert_eq!(e.location, "html comment");
    assert!(e.matched.contains("Elasticsearch widget removed"));
    assert!((e.weight - 0.3 * COMMENT_FACTOR).abs() < 1e-9);
}

#[test]
fn a_page_without_a_search_vendor_has_no_provider() {
    let p = page(
        r#"<html><head><meta name="generator" content="WordPress 6.4.2">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABCDE12345"></script></head>
<body><form role="search" action="/"><input type="search" name="s" placeholder="Search products"></form>
<p>Find the best search for your trails.</p></body></html>"#,
    );
    let found = Ruleset::builtin().detect(&p);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|d| d.category != Category::SiteSearch),
        "{found:?}"
    );
    assert!(search_provider(&found).is_none());
}

#[test]
fn a_bare_mention_is_not_a_provider() {
    let p = page("<p>We moved from Klevu to something better last year.</p>");
    let found = Ruleset::builtin().detect(&p);
    let klevu = found
        .iter()
        .find(|d| d.technology == "Klevu")
        .expect("mention reported");
    assert!(klevu.confidence < SEARCH_PROVIDER_MIN_CONFIDENCE);
    assert!(search_provider(&found).is_none());
}

#[test]
fn search_provider_picks_the_most_confident_site_search() {
    let d = |name: &str, category, confidence| Detection {
        technology: name.into(),
        category,
        vendor: name.into(),
        vendor_url: String::new(),
        confidence,
        evidence: vec![Evidence {
            kind: EvidenceKind::Html,
            matched: name.into(),
            location: "html".into(),
            weight: confidence,
        }],
    };
    let list = vec![
        d("Coveo", Category::SiteSearch, 0.6),
        d("Algolia", Category::SiteSearch, 0.97),
        d("Shopify", Category::EcommercePlatform, 0.99),
        d("Klevu", Category::SiteSearch, 0.45),
    ];
    assert_eq!(
        search_provider(&list).map(|p| p.technology.as_str()),
        Some("Algolia")
    );
    assert!(search_provider(&list[2..]).is_none());
    assert!(search_provider(&[]).is_none());
}

#[test]
fn confidence_combines_weights() {
    let rules = Ruleset::from_toml(
        r#"
        [[rule]]
        name = "Acme Search"
        category = "site_search"
        matchers = [
          { html = 'acme-search-a', weight = 0.5 },
          { html = 'acme-search-b', weight = 0.5 },
          { html = 'acme-search-c', weight = 0.5 },
        ]
        "#,
    )
    .expect("rules");
    let one = rules.detect(&page("<i>acme-search-a</i>"));
    assert!((one[0].confidence - 0.5).abs() < 1e-9);
    let two = rules.detect(&page("<i>acme-search-a acme-search-b acme-search-a</i>"));
    assert!((two[0].confidence - 0.75).abs() < 1e-9);
    assert_eq!(
        two[0].evidence.len(),
        2,
        "one piece of evidence per matcher"
    );
    let three = rules.detect(&page("<i>acme-search-a acme-search-b acme-search-c</i>"));
    assert!((three[0].confidence - 0.875).abs() < 1e-9);
}

#[test]
fn excludes_drop_the_less_confident_rival() {
    let rules = Ruleset::from_toml(
        r#"
        [[rule]]
        name = "Nuxt-ish"
        category = "js_framework"
        excludes = ["Plain Vue"]
        matchers = [ { html = 'nuxt-marker', weight = 0.9 } ]

        [[rule]]
        name = "Plain Vue"
        category = "js_framework"
        matchers = [ { html = 'vue-marker', weight = 0.6 } ]
        "#,
    )
    .expect("rules");
    let both = rules.detect(&page("nuxt-marker vue-marker"));
    assert_eq!(
        both.iter()
            .map(|d| d.technology.as_str())
            .collect::<Vec<_>>(),
        ["Nuxt-ish"]
    );
    let only = rules.detect(&page("vue-marker"));
    assert_eq!(only[0].technology, "Plain Vue");
}

#[test]
fn implication_cycles_terminate() {
    let rules = Ruleset::from_toml(
        r#"
        [[rule]]
        name = "A"
        category = "cms"
        implies = ["B"]
        matchers = [ { html = 'marker-a', weight = 0.7 } ]
        [[rule]]
        name = "B"
        category = "cms"
        implies = ["A"]
        matchers = [ { html = 'marker-b', weight = 0.4 } ]
        "#,
    )
    .expect("rules");
    let found = rules.detect(&page("marker-a marker-b"));
    assert_eq!(found.len(), 2);
    assert!(
        found.iter().all(|d| (d.confidence - 0.7).abs() < 1e-9),
        "{found:?}"
    );
}
