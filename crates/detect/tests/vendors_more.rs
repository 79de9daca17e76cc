//! One realistic page per site-search vendor (continued from `vendors.rs`): Klevu, Yext,
//! Doofinder, Typesense, Meilisearch, Google, Attraqt, Nosto, and a self-hosted Elasticsearch.

use pf_detect::{
    Category, Detection, EvidenceKind, MAX_SNIPPET, Page, Resource, Ruleset, search_provider,
};
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).expect("test URL")
}

fn page(body: &str) -> Page {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Acme Outdoor</title>\
         </head><body><header><a href=\"/\">Acme</a></header><main>{body}</main></body></html>"
    );
    Page::from_html(url("https://www.acme-outdoor.com/"), html)
}

/// Detects `page`, asserts `vendor` is its search provider with evidence, returns the detection.
fn provider(page: &Page, vendor: &str) -> Detection {
    let found = Ruleset::builtin().detect(page);
    let names: Vec<_> = found
        .iter()
        .map(|d| format!("{} {:.2}", d.technology, d.confidence))
        .collect();
    let p =
        search_provider(&found).unwrap_or_else(|| panic!("no search provider; found {names:?}"));
    assert_eq!(p.technology, vendor, "found {names:?}");
    assert_eq!(p.category, Category::SiteSearch);
    assert!(
        p.confidence >= 0.9 && p.confidence <= 1.0,
        "{vendor}: confidence {}",
        p.confidence
    );
    assert!(!p.evidence.is_empty());
    for e in &p.evidence {
        assert!(e.matched.len() <= MAX_SNIPPET, "{e:?}");
        assert!(!e.matched.is_empty() && !e.location.is_empty(), "{e:?}");
    }
    p.clone()
}

fn has(d: &Detection, kind: EvidenceKind, needle: &str) -> bool {
    d.evidence
        .iter()
        .any(|e| e.kind == kind && e.matched.contains(needle))
}

#[test]
fn klevu_v2() {
    let p = page(
        r##"
<input type="text" name="q" id="search" class="klevu-search-input">
<script src="https://js.klevu.com/core/v2/klevu.js"></script>
<script type="text/javascript">
  klevu({
    url: { search: 'https://eucs29v2.ksearchnet.com/cs/v2/search' },
    search: { searchBoxSelector: "#search", apiKey: "klevu-164651914788114877" }
  });
</script>"##,
    );
    let d = provider(&p, "Klevu");
    assert!(has(&d, EvidenceKind::Url, "eucs29v2.ksearchnet.com"));
}

#[test]
fn yext_answers() {
    let p = page(
        r#"
<link rel="stylesheet" type="text/css" href="https://assets.sitescdn.net/answers-search-bar/v1.4/answers.css">
<div class="search_form"></div>
<script>
  function initAnswers() {
    ANSWERS.init({
      apiKey: "3517add824e992916861b76e456724d9",
      experienceKey: "acme-answers",
      businessId: "3215760",
      experienceVersion: "PRODUCTION",
      onReady: function() {
        ANSWERS.addComponent("SearchBar", { container: ".search_form", verticalKey: "products" });
      },
    });
  }
</script>
<script src="https://assets.sitescdn.net/answers-search-bar/v1.4/answers.min.js" onload="ANSWERS.domReady(initAnswers)" async defer></script>"#,
    );
    let d = provider(&p, "Yext Search");
    assert!(has(&d, EvidenceKind::InlineScript, "ANSWERS.init"));
}

#[test]
fn doofinder_layer() {
    let p = page(
        r#"
<script>
  const dfLayerOptions = {
    installationId: 'c6a0b8f3-2f2e-4f2c-9a6d-6d1f1d9b6f0e',
    zone: 'eu1'
  };
  (function (l, a, y, e, r, s) {
    r = l.createElement(a); r.onload = e; r.async = 1; r.src = y;
    s = l.getElementsByTagName(a)[0]; s.parentNode.insertBefore(r, s);
  })(document, 'script', 'https://cdn.doofinder.com/livelayer/1/js/loader.min.js', function () {
    doofinderLoader.load(dfLayerOptions);
  });
</script>"#,
    );
    let d = provider(&p, "Doofinder");
    assert!(has(&d, EvidenceKind::InlineScript, "dfLayerOptions"));
}

#[test]
fn typesense_with_instantsearch() {
    let p = page(
        r#"
<script src="https://cdn.jsdelivr.net/npm/typesense-instantsearch-adapter@2/dist/typesense-instantsearch-adapter.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/instantsearch.js@4.44.0"></script>
<script>
  const typesenseInstantsearchAdapter = new TypesenseInstantSearchAdapter({
    server: { apiKey: "xyz", nodes: [{ host: "abc123xyz-1.a1.typesense.net", port: 443, protocol: "https" }] },
    additionalSearchParameters: { query_by: "name,description" },
  });
  const search = instantsearch({ searchClient: typesenseInstantsearchAdapter.searchClient, indexName: "products" });
</script>
<div id="searchbox" class="ais-SearchBox"></div>"#,
    );
    let d = provider(&p, "Typesense");
    assert!(has(&d, EvidenceKind::Url, "a1.typesense.net"));
    let all = Ruleset::builtin().detect(&p);
    assert!(
        !all.iter().any(|d| d.technology == "Algolia"),
        "InstantSearch alone is not Algolia"
    );
}

#[test]
fn meilisearch_instant_meilisearch() {
    let p = page(
        r#"
<script src="https://cdn.jsdelivr.net/npm/@meilisearch/instant-meilisearch/dist/instant-meilisearch.umd.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/instantsearch.js@4"></script>
<script>
  const search = instantsearch({
    indexName: "products",
    searchClient: instantMeiliSearch("https://ms-adf78ae33284-106.lon.meilisearch.io", "a63da4928426f12639e19d62886f621130f3fa9ff3c7534c5d179f0f51c4f303").searchClient
  });
</script>"#,
    );
    let d = provider(&p, "Meilisearch");
    assert!(has(&d, EvidenceKind::Url, "meilisearch.io"));
}

#[test]
fn google_vertex_ai_search_widget() {
    let p = page(
        r#"
<script src="https://cloud.google.com/ai/gen-app-builder/client?hl=en_US"></script>
<gen-search-widget configId="2a6c4c2b-7f9f-4f1f-8c2a-7d1d2f0c1e6b" triggerId="searchWidgetTrigger"></gen-search-widget>
<input placeholder="Search here" id="searchWidgetTrigger" />"#,
    );
    let d = provider(&p, "Google Vertex AI Search for commerce");
    assert!(has(&d, EvidenceKind::Dom, "gen-search-widget"));
}

#[test]
fn google_retail_api_from_a_bundle() {
    let mut p = page(r#"<script src="/js/search.bundle.js"></script>"#);
    p.scripts.push(Resource {
        url: url("https://www.acme-outdoor.com/js/search.bundle.js"),
        body: "const u=`https://retail.googleapis.com/v2/projects/${p}/locations/global/catalogs/default_catalog/servingConfigs/default_search:search`;".into(),
    });
    provider(&p, "Google Vertex AI Search for commerce");
}

#[test]
fn attraqt_fredhopper() {
    let p = page(
        r#"
<script>
  window._attraqt = window._attraqt || [];
  _attraqt.push(['config', { trackerKey: 'a1b2c3', region: 'eu' }]);
</script>
<script async src="https://cdn.attraqt.io/tracker/latest/tracker.min.js"></script>
<a href="/search?fh_location=%2f%2fcatalog01%2fen_GB%2fcategories%3C%7bcatalog01_shoes%7d">Shoes</a>"#,
    );
    provider(&p, "Attraqt");
}

#[test]
fn nosto_search_implies_nosto() {
    let p = page(
        r#"
<script type="text/javascript" src="https://connect.nosto.com/include/shopify-55555" async></script>
<script src="https://search.nosto.com/api/templates?merchant=shopify-55555" async></script>
<div class="nosto_element" id="frontpage-nosto-1"></div>"#,
    );
    provider(&p, "Nosto Search");
    let all = Ruleset::builtin().detect(&p);
    let nosto = all.iter().find(|d| d.technology == "Nosto").expect("Nosto");
    assert_eq!(nosto.category, Category::Personalisation);
}

#[test]
fn self_hosted_elasticsearch_query_dsl() {
    let p = page(
        r#"
<form class="site-search" role="search" action="search"><input type="search" name="q"></form>
<script>
window.siteSearch = {
  endpoint: "/api/catalog/acme-products/_search",
  query: function (q) {
    return fetch(this.endpoint, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ size: 24, query: { multi_match: { query: q, fields: ["name^3", "brand"] } } }) });
  }
};
</script>"#,
    );
    // Indirect evidence (a query endpoint and the query DSL), so less certain than a vendor tag.
    let found = Ruleset::builtin().detect(&p);
    let d = search_provider(&found).expect("provider");
    assert_eq!(d.technology, "Elasticsearch");
    assert!(d.confidence > 0.8, "{}", d.confidence);
    assert!(has(
        d,
        EvidenceKind::Url,
        "/api/catalog/acme-products/_search"
    ));
    assert!(has(d, EvidenceKind::InlineScript, "multi_match"));
}
