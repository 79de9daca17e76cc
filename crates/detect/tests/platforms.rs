//! E-commerce platforms, CMSs, tag managers, analytics, CDNs (from headers), A/B testing and JS
//! frameworks, each from markup the way the product ships it.

use pf_detect::{Category, Detection, EvidenceKind, Page, Ruleset};
use url::Url;

fn page(html: &str, headers: &[(&str, &str)]) -> Page {
    let mut p = Page::from_html(Url::parse("https://www.acme.com/").expect("url"), html);
    p.headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    p
}

fn detect(p: &Page) -> Vec<Detection> {
    Ruleset::builtin().detect(p)
}

/// Asserts `name` was found in `category` with at least `min` confidence; returns it.
fn found<'a>(all: &'a [Detection], name: &str, category: Category, min: f64) -> &'a Detection {
    let names: Vec<_> = all
        .iter()
        .map(|d| format!("{} {:.2}", d.technology, d.confidence))
        .collect();
    let d = all
        .iter()
        .find(|d| d.technology == name)
        .unwrap_or_else(|| panic!("{name} not in {names:?}"));
    assert_eq!(d.category, category, "{name}");
    assert!(d.confidence >= min, "{name}: {} < {min}", d.confidence);
    assert!(!d.evidence.is_empty(), "{name} has no evidence");
    d
}

#[test]
fn shopify_from_globals_headers_and_cookies() {
    let p = page(
        r#"<script>var Shopify = Shopify || {}; Shopify.shop = "acme.myshopify.com"; Shopify.theme = {"name":"Dawn","id":1337};</script>
<script src="//www.acme.com/cdn/shop/t/3/assets/global.js?v=1" defer></script>
<div id="shopify-section-header" class="shopify-section"></div>"#,
        &[
            ("X-ShopId", "55512"),
            (
                "Set-Cookie",
                "_shopify_y=8a1b; path=/; expires=Sat, 01 Mar 2025 10:00:00 GMT",
            ),
            ("Powered-By", "Shopify"),
        ],
    );
    let all = detect(&p);
    let d = found(&all, "Shopify", Category::EcommercePlatform, 0.99);
    for kind in [
        EvidenceKind::InlineScript,
        EvidenceKind::Header,
        EvidenceKind::Cookie,
        EvidenceKind::Dom,
    ] {
        assert!(
            d.evidence.iter().any(|e| e.kind == kind),
            "no {kind} evidence"
        );
    }
    let cookie = d
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::Cookie)
        .expect("cookie");
    assert_eq!(cookie.matched, "_shopify_y");
}

#[test]
fn shopify_plus_implies_shopify() {
    let p = page(
        r#"<script>window.ShopifyAnalytics = window.ShopifyAnalytics || {}; var meta = {"plan":"shopify_plus","currency":"USD"};</script>"#,
        &[],
    );
    let all = detect(&p);
    let plus = found(&all, "Shopify Plus", Category::EcommercePlatform, 0.8);
    let shop = found(
        &all,
        "Shopify",
        Category::EcommercePlatform,
        plus.confidence,
    );
    assert!(
        shop.evidence
            .iter()
            .any(|e| e.kind == EvidenceKind::Implied && e.matched == "Shopify Plus")
    );
}

#[test]
fn magento_2() {
    let p = page(
        r#"<script type="text/x-magento-init">{"*": {"Magento_Ui/js/core/app": {"components": {}}}}</script>
<script src="https://www.acme.com/static/version1700000000/frontend/Acme/default/en_US/requirejs/require.js"></script>
<div class="minicart-wrapper" data-mage-init='{"dropdown":{}}'></div>"#,
        &[("Set-Cookie", "X-Magento-Vary=9bf9a5; path=/; secure")],
    );
    found(&detect(&p), "Magento", Category::EcommercePlatform, 0.99);
}

#[test]
fn salesforce_commerce_cloud() {
    let p = page(
        r#"<script src="/on/demandware.static/Sites-Acme-Site/-/en_US/v1700000000/js/main.js"></script>
<script>var dw = dw || {}; dw.ac._capture({id: "P-123", type: "detail"});</script>"#,
        &[
            ("Set-Cookie", "dwsid=xyz; path=/; HttpOnly"),
            ("Set-Cookie", "dwanonymous_8d2f0a=abc; path=/"),
        ],
    );
    found(
        &detect(&p),
        "Salesforce Commerce Cloud",
        Category::EcommercePlatform,
        0.99,
    );
}

#[test]
fn bigcommerce_and_woocommerce() {
    let bc = page(
        r#"<script src="https://cdn11.bigcommerce.com/s-abc123/stencil/b1c2/e/d3e4/dist/theme-bundle.main.js"></script>
<script>var BCData = {"csrf_token":"abc","product_attributes":{}};</script>"#,
        &[],
    );
    found(
        &detect(&bc),
        "BigCommerce",
        Category::EcommercePlatform,
        0.99,
    );
    let woo = page(
        r#"<meta name="generator" content="WooCommerce 8.5.1">
<script src="https://www.acme.com/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart.min.js?ver=8.5.1"></script>
<body class="home woocommerce-js">"#,
        &[],
    );
    let all = detect(&woo);
    let w = found(&all, "WooCommerce", Category::EcommercePlatform, 0.99);
    found(&all, "WordPress", Category::Cms, w.confidence);
}

#[test]
fn commercetools_sap_vtex() {
    let ct = page(
        r#"<img src="https://images.cdn.europe-west1.gcp.commercetools.com/2f1c/hero-Xy12.jpg" alt="">"#,
        &[],
    );
    found(
        &detect(&ct),
        "commercetools",
        Category::EcommercePlatform,
        0.9,
    );
    let sap = page(
        r#"<script src="/_ui/responsive/common/js/acc.global.js"></script><script>ACC.config.contextPath = "/acme";</script>"#,
        &[],
    );
    found(
        &detect(&sap),
        "SAP Commerce Cloud",
        Category::EcommercePlatform,
        0.95,
    );
    let vtex = page(
        r#"<link rel="stylesheet" href="https://acme.vtexassets.com/_v/public/assets/v1/bundle/css/asset.min.css">
<div class="vtex-store-components-3-x-container"></div>"#,
        &[],
    );
    found(&detect(&vtex), "VTEX", Category::EcommercePlatform, 0.95);
}

#[test]
fn wix_and_squarespace() {
    let wix = page(
        r#"<meta name="generator" content="Wix.com Website Builder">"#,
        &[("x-wix-request-id", "1700.123")],
    );
    found(&detect(&wix), "Wix", Category::EcommercePlatform, 0.99);
    let sq = page(
        r#"<!-- This is Squarespace. --><!-- acme-outdoor -->
<script>Static.SQUARESPACE_CONTEXT = {"facebookAppId":"314192535267336"};</script>"#,
        &[],
    );
    let all = detect(&sq);
    let d = found(&all, "Squarespace", Category::EcommercePlatform, 0.99);
    let marker = d
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::Html)
        .expect("comment marker");
    assert_eq!(
        marker.location, "html",
        "a pattern aimed at a comment is not a leftover"
    );
}

#[test]
fn cms_wordpress_drupal_aem_sitecore_headless() {
    let wp = page(
        r#"<meta name="generator" content="WordPress 6.4.2">
<link rel="https://api.w.org/" href="https://www.acme.com/wp-json/">
<script src="https://www.acme.com/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>"#,
        &[],
    );
    let all = detect(&wp);
    found(&all, "WordPress", Category::Cms, 0.99);
    found(&all, "jQuery", Category::JsLibrary, 0.9);
    let drupal = page(
        r#"<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">
<form data-drupal-selector="search-block-form"></form>"#,
        &[("X-Drupal-Cache", "HIT")],
    );
    found(&detect(&drupal), "Drupal", Category::Cms, 0.99);
    let aem = page(
        r#"<script src="/etc.clientlibs/acme/clientlibs/clientlib-site.lc-5b2f-lc.min.js"></script><div class="aem-Grid aem-Grid--12"></div>"#,
        &[],
    );
    found(
        &detect(&aem),
        "Adobe Experience Manager",
        Category::Cms,
        0.99,
    );
    let sc = page(
        r#"<img src="/-/media/project/acme/hero.jpg?h=600&amp;w=1200">"#,
        &[("Set-Cookie", "SC_ANALYTICS_GLOBAL_COOKIE=1a2b; path=/")],
    );
    found(&detect(&sc), "Sitecore", Category::Cms, 0.95);
    let ctf = page(
        r#"<img src="https://images.ctfassets.net/k8bk2bpe1h47/4u1pTQ/hero.jpg?w=1200"><img src="https://images.contentstack.io/v3/assets/blt1a2b/blt3c4d/hero.png">"#,
        &[],
    );
    let all = detect(&ctf);
    found(&all, "Contentful", Category::Cms, 0.9);
    found(&all, "Contentstack", Category::Cms, 0.9);
}

#[test]
fn tag_managers() {
    let p = page(
        r#"<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-ABC1234');</script>
<script src="//tags.tiqcdn.com/utag/acme/main/prod/utag.js" async></script>
<script src="https://assets.adobedtm.com/launch-EN1234567890abcdef.min.js" async></script>
<script>!function(){var analytics=window.analytics=window.analytics||[];analytics._writeKey="abc";analytics.SNIPPET_VERSION="4.15.3";
analytics.load=function(key){var t=document.createElement("script");t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";}}();</script>"#,
        &[],
    );
    let all = detect(&p);
    for name in ["Google Tag Manager", "Tealium", "Adobe Launch", "Segment"] {
        found(&all, name, Category::TagManager, 0.9);
    }
}

#[test]
fn analytics() {
    let p = page(
        r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABCDE12345"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-ABCDE12345');</script>
<script>ga('create', 'UA-1234567-1', 'auto'); ga('send', 'pageview');</script>
<script src="/assets/js/AppMeasurement.min.js"></script>
<script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:1234567,hjsv:6};})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>
<script>window.heap=window.heap||[],heap.load=function(e,t){};heap.load("1234567890");</script>
<script>mixpanel.init("0123456789abcdef", {track_pageview: true});</script>
<script src="https://cdn.amplitude.com/libs/analytics-browser-2.7.1-min.js.gz"></script>"#,
        &[],
    );
    let all = detect(&p);
    for name in [
        "Google Analytics 4",
        "Universal Analytics",
        "Adobe Analytics",
        "Hotjar",
        "Heap",
        "Mixpanel",
        "Amplitude",
    ] {
        found(&all, name, Category::Analytics, 0.85);
    }
}

#[test]
fn cdns_from_headers() {
    let cf = page(
        "<p>hi</p>",
        &[
            ("Server", "cloudflare"),
            ("CF-RAY", "84a1b2c3d4e5f6a7-LHR"),
            ("cf-cache-status", "DYNAMIC"),
        ],
    );
    let all = detect(&cf);
    let d = found(&all, "Cloudflare", Category::Cdn, 0.99);
    assert!(d.evidence.iter().any(|e| e.location == "header cf-ray"));
    let ak = page(
        "<p>hi</p>",
        &[
            ("Server", "AkamaiGHost"),
            ("Set-Cookie", "_abck=ABC~0~; Domain=.acme.com"),
        ],
    );
    found(&detect(&ak), "Akamai", Category::Cdn, 0.99);
    let fastly = page(
        "<p>hi</p>",
        &[
            ("X-Served-By", "cache-lhr7321-LHR"),
            ("X-Timer", "S1700000000.123,VS0,VE1"),
        ],
    );
    found(&detect(&fastly), "Fastly", Category::Cdn, 0.95);
    let cloudfront = page(
        "<p>hi</p>",
        &[
            ("Via", "1.1 abc.cloudfront.net (CloudFront)"),
            ("X-Amz-Cf-Pop", "LHR61-P1"),
        ],
    );
    found(
        &detect(&cloudfront),
        "Amazon CloudFront",
        Category::Cdn,
        0.99,
    );
}

#[test]
fn ab_testing() {
    let p = page(
        r#"<script src="https://cdn.optimizely.com/js/1234567890.js"></script>
<script type='text/javascript' id='vwoCode'>window._vwo_code || (function() { var account_id=123456, version=2.1; })();</script>"#,
        &[],
    );
    let all = detect(&p);
    found(&all, "Optimizely", Category::AbTesting, 0.95);
    found(&all, "VWO", Category::AbTesting, 0.95);
}

#[test]
fn js_frameworks() {
    let next = page(
        r#"<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script>
<script src="/_next/static/chunks/main-3f1c.js" defer></script>"#,
        &[("X-Powered-By", "Next.js")],
    );
    let all = detect(&next);
    found(&all, "Next.js", Category::JsFramework, 0.99);
    found(&all, "React", Category::JsFramework, 0.99);
    let nuxt = page(
        r#"<div id="__nuxt"><div data-v-7ba5bd90 class="page"></div></div><script>window.__NUXT__={config:{}}</script>"#,
        &[],
    );
    let all = detect(&nuxt);
    found(&all, "Nuxt", Category::JsFramework, 0.99);
    found(&all, "Vue.js", Category::JsFramework, 0.99);
    let ng = page(
        r#"<app-root _nghost-ng-c123="" ng-version="17.0.8"><div _ngcontent-ng-c123=""></div></app-root>"#,
        &[],
    );
    found(&detect(&ng), "Angular", Category::JsFramework, 0.99);
}

#[test]
fn detections_are_sorted_by_category_then_confidence() {
    let p = page(
        r#"<script src="https://cdn.jsdelivr.net/npm/algoliasearch@4/dist/algoliasearch-lite.umd.js"></script>
<script>var Shopify = {}; Shopify.shop = "acme.myshopify.com";</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABCDE12345"></script>
<p>Search powered by Coveo</p>"#,
        &[("cf-ray", "1-LHR")],
    );
    let all = detect(&p);
    assert!(all.len() >= 4);
    for w in all.windows(2) {
        let ok = w[0].category < w[1].category
            || (w[0].category == w[1].category && w[0].confidence >= w[1].confidence);
        assert!(ok, "{} before {}", w[0].technology, w[1].technology);
    }
    assert_eq!(all[0].technology, "Algolia");
    assert_eq!(all[1].technology, "Coveo");
}
