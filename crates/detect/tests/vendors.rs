//! One realistic page per site-search vendor, written the way the vendor's own install snippet
//! looks: each is detected with evidence, and is the page's search provider.

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
fn algolia_instantsearch() {
    let p = page(
        r#"
<div id="searchbox"></div><div id="hits"></div>
<script src="https://cdn.jsdelivr.net/npm/algoliasearch@4.24.0/dist/algoliasearch-lite.umd.js" integrity="sha256-b2n6fSEJ" crossorigin="anonymous"></script>
<script src="https://cdn.jsdelivr.net/npm/instantsearch.js@4.75.0/dist/instantsearch.production.min.js"></script>
<script>
  const searchClient = algoliasearch('latency', '6be0576ff61c053d5f9a3225e2a90f76');
  const search = instantsearch({ indexName: 'instant_search', searchClient });
  search.addWidgets([instantsearch.widgets.searchBox({ container: '#searchbox' })]);
  search.start();
</script>"#,
    );
    let d = provider(&p, "Algolia");
    assert!(has(
        &d,
        EvidenceKind::ScriptSrc,
        "algoliasearch-lite.umd.js"
    ));
    assert!(has(
        &d,
        EvidenceKind::InlineScript,
        "algoliasearch('latency'"
    ));
    let all = Ruleset::builtin().detect(&p);
    assert!(all.iter().any(|d| d.technology == "InstantSearch"));
}

#[test]
fn algolia_found_only_in_a_fetched_bundle() {
    let mut p =
        page(r#"<script src="/static/js/main.4f2a.js" defer></script><div id="root"></div>"#);
    p.scripts.push(Resource {
        url: url("https://www.acme-outdoor.com/static/js/main.4f2a.js"),
        body: r#"!function(){var e="XYZ123ABC";fetch("https://"+e+"-dsn.algolia.net/1/indexes/*/queries",{method:"POST"})}();"#.into(),
    });
    let d = provider(&p, "Algolia");
    let e = d
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::Url)
        .expect("url evidence");
    assert_eq!(e.matched, "-dsn.algolia.net/1/indexes/*/queries");
    assert_eq!(
        e.location,
        "script https://www.acme-outdoor.com/static/js/main.4f2a.js"
    );
}

#[test]
fn algolia_shopify_app() {
    let p = page(
        r#"
<script>var Shopify = Shopify || {}; Shopify.shop = "acme-outdoor.myshopify.com"; Shopify.locale = "en";</script>
<script src="//www.acme-outdoor.com/cdn/shop/t/12/assets/algolia_config.js?v=1706"></script>
<script>window.algoliaShopify = window.algoliaShopify || {}; algoliaShopify.config = {"app_id":"K1ZTWZLT8V","search_api_key":"a4cb"};</script>
<script src="//cdn.shopify.com/s/files/1/0554/t/12/assets/algolia_init.js?v=1706" defer></script>"#,
    );
    provider(&p, "Algolia");
    let all = Ruleset::builtin().detect(&p);
    let app = all
        .iter()
        .find(|d| d.technology == "Algolia for Shopify")
        .expect("the app");
    assert_eq!(app.category, Category::PlatformExtension);
    let shopify = all
        .iter()
        .find(|d| d.technology == "Shopify")
        .expect("Shopify");
    assert!(shopify.confidence >= app.confidence);
}

#[test]
fn elastic_app_search_and_search_ui() {
    let p = page(
        r#"
<script src="https://cdn.jsdelivr.net/npm/@elastic/app-search-javascript@8.13.0/dist/elastic_app_search.umd.js"></script>
<script>
  var client = window.ElasticAppSearch.createClient({
    searchKey: "search-soaewu2ye6uc45dr8mcd54v8",
    endpointBase: "https://acme-prod.ent.us-central1.gcp.cloud.es.io",
    engineName: "products"
  });
</script>
<div class="sui-layout"><div class="sui-layout-header"><form><div class="sui-search-box"><input class="sui-search-box__text-input"></div></form></div></div>"#,
    );
    let d = provider(&p, "Elasticsearch");
    assert!(has(&d, EvidenceKind::Url, "gcp.cloud.es.io"));
    assert!(has(&d, EvidenceKind::Dom, "sui-layout"));
}

#[test]
fn swiftype_site_search_embed() {
    let p = page(
        r#"
<input type="text" class="st-default-search-input">
<script type="text/javascript">
  (function(w,d,t,u,n,s,e){w['SwiftypeObject']=n;w[n]=w[n]||function(){
  (w[n].q=w[n].q||[]).push(arguments);};s=d.createElement(t);
  e=d.getElementsByTagName(t)[0];s.async=1;s.src=u;e.parentNode.insertBefore(s,e);
  })(window,document,'script','//s.swiftypecdn.com/install/v2/st.js','_st');
  _st('install','zxQvWfHd-Unyr5FXZs1N','2.0.0');
</script>"#,
    );
    let d = provider(&p, "Swiftype");
    assert!(has(&d, EvidenceKind::InlineScript, "SwiftypeObject"));
}

#[test]
fn coveo_jsui() {
    let p = page(
        r#"
<link rel="stylesheet" href="https://static.cloud.coveo.com/searchui/v2.10116/css/CoveoFullSearch.min.css"/>
<script class="coveo-script" src="https://static.cloud.coveo.com/searchui/v2.10116/js/CoveoJsSearch.Lazy.min.js"></script>
<script>
  document.addEventListener('DOMContentLoaded', function () {
    Coveo.SearchEndpoint.configureCloudV2Endpoint('acmeoutdoorprod1', 'xx564559b1-0045-48e1-953c-3addd1ee4457');
    Coveo.init(document.getElementById('search'));
  });
</script>
<div id="search" class="CoveoSearchInterface" data-enable-history="true">
  <div class="CoveoSearchbox" data-enable-omnibox="true"></div>
  <div class="CoveoResultList"></div>
</div>"#,
    );
    let d = provider(&p, "Coveo");
    assert!(has(&d, EvidenceKind::ScriptSrc, "static.cloud.coveo.com"));
    assert!(has(&d, EvidenceKind::Dom, "CoveoSearchInterface"));
}

#[test]
fn coveo_atomic() {
    let p = page(
        r#"
<script type="module" src="https://static.cloud.coveo.com/atomic/v2/atomic.esm.js"></script>
<atomic-search-interface id="search" language="en"><atomic-search-box></atomic-search-box></atomic-search-interface>"#,
    );
    let d = provider(&p, "Coveo");
    assert!(has(&d, EvidenceKind::Dom, "<atomic-search-interface"));
}

#[test]
fn constructor() {
    let p = page(
        r#"
<script src="https://cnstrc.com/js/cust/acme_outdoor_9Ud6ls.js" async></script>
<div data-cnstrc-search data-cnstrc-num-results="120">
  <div data-cnstrc-item-id="SKU-2231" data-cnstrc-item-name="Trail Runner 3">Trail Runner 3</div>
</div>"#,
    );
    let d = provider(&p, "Constructor");
    assert!(has(&d, EvidenceKind::ScriptSrc, "cnstrc.com/js/cust/"));
    assert!(has(&d, EvidenceKind::Dom, "data-cnstrc-search"));
}

#[test]
fn bloomreach_discovery_pixel() {
    let p = page(
        r#"
<script type="text/javascript">
  var br_data = br_data || {};
  br_data.acct_id = "6413";
  br_data.ptype = "homepage";
  br_data.domain_key = "acme_outdoor";
  (function() {
    var brtrk = document.createElement('script');
    brtrk.type = 'text/javascript';
    brtrk.async = true;
    brtrk.src = "//cdns.brsrvr.com/v1/br-trk-6413.js";
    var s = document.getElementsByTagName('script')[0];
    s.parentNode.insertBefore(brtrk, s);
  })();
</script>"#,
    );
    let d = provider(&p, "Bloomreach Discovery");
    assert!(has(&d, EvidenceKind::InlineScript, "br_data.acct_id"));
    assert!(has(
        &d,
        EvidenceKind::Url,
        "cdns.brsrvr.com/v1/br-trk-6413.js"
    ));
}

#[test]
fn lucidworks_fusion() {
    let mut p = page(
        r#"
<script>window.searchConfig = { fusionHost: "https://search.acme-outdoor.com", app: "acme", queryProfile: "acme_web" };</script>
<script src="/assets/search.js"></script>"#,
    );
    p.scripts.push(Resource {
        url: url("https://www.acme-outdoor.com/assets/search.js"),
        body: r#"function q(t){return fetch(searchConfig.fusionHost+"/api/apps/acme/query/acme_web?q="+encodeURIComponent(t))}"#
            .into(),
    });
    let d = provider(&p, "Lucidworks Fusion");
    assert!(has(&d, EvidenceKind::Url, "/api/apps/acme/query/acme_web"));
}

#[test]
fn searchspring_snap() {
    let p = page(
        r#"
<div id="searchspring-content"></div>
<script src="https://snapui.searchspring.io/y56s6x/bundle.js" id="searchspring-context">
  shopper = { id: "" };
</script>"#,
    );
    let d = provider(&p, "Searchspring");
    assert!(has(
        &d,
        EvidenceKind::ScriptSrc,
        "snapui.searchspring.io/y56s6x/bundle.js"
    ));
}
