//! Detection throughput on one core: ~200 varied, realistic homepages (60-150 KB of HTML each,
//! with several fetched scripts), run through the built-in rule set. Prints pages/s and MB/s.
//!
//! `cargo bench -p pf-detect`

use pf_detect::{Page, Resource, Ruleset, search_provider};
use std::hint::black_box;
use std::time::{Duration, Instant};
use url::Url;

const PAGES: usize = 200;
const ROUNDS: usize = 10;

/// A small deterministic generator (xorshift64*), so every run measures the same pages.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn word(&mut self) -> &'static str {
        const WORDS: [&str; 24] = [
            "trail",
            "running",
            "shoe",
            "jacket",
            "waterproof",
            "hiking",
            "summit",
            "alpine",
            "tent",
            "pack",
            "merino",
            "base",
            "layer",
            "fleece",
            "glove",
            "boot",
            "camp",
            "light",
            "ultra",
            "storm",
            "river",
            "ridge",
            "outdoor",
            "gear",
        ];
        WORDS[self.below(WORDS.len())]
    }
}

const SEARCH: [&str; 17] = [
    r#"<script src="https://cdn.jsdelivr.net/npm/algoliasearch@4.24.0/dist/algoliasearch-lite.umd.js"></script><script>const searchClient = algoliasearch('K1ZTWZLT8V', '0f7c4c7b1c1b6be0576ff61c053d5f9a');</script>"#,
    r#"<script>(function(w,d,t,u,n,s,e){w['SwiftypeObject']=n;w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments);};s=d.createElement(t);e=d.getElementsByTagName(t)[0];s.async=1;s.src=u;e.parentNode.insertBefore(s,e);})(window,document,'script','//s.swiftypecdn.com/install/v2/st.js','_st');_st('install','zxQvWfHd','2.0.0');</script>"#,
    r#"<script src="https://static.cloud.coveo.com/searchui/v2.10116/js/CoveoJsSearch.Lazy.min.js"></script><div class="CoveoSearchInterface"><div class="CoveoSearchbox"></div></div>"#,
    r#"<script src="https://cnstrc.com/js/cust/acme_9Ud6ls.js" async></script><div data-cnstrc-search></div>"#,
    r#"<script>var br_data = br_data || {}; br_data.acct_id = "6413"; br_data.ptype = "homepage";</script>"#,
    r#"<script src="https://snapui.searchspring.io/y56s6x/bundle.js" id="searchspring-context"></script>"#,
    r#"<script src="https://js.klevu.com/core/v2/klevu.js"></script><script>klevu({ search: { apiKey: "klevu-1646519147" } });</script>"#,
    r#"<script src="https://assets.sitescdn.net/answers-search-bar/v1.4/answers.min.js" async></script><script>ANSWERS.init({ apiKey: "3517add8" });</script>"#,
    r#"<script>const dfLayerOptions = { installationId: 'c6a0b8f3', zone: 'eu1' };</script>"#,
    r#"<script>const a = new TypesenseInstantSearchAdapter({ server: { nodes: [{ host: "abc-1.a1.typesense.net" }] } });</script>"#,
    r#"<script>const c = instantMeiliSearch("https://ms-adf78ae33284-106.lon.meilisearch.io", "a63d");</script>"#,
    r#"<script src="https://cloud.google.com/ai/gen-app-builder/client?hl=en_US"></script><gen-search-widget configId="2a6c" triggerId="t"></gen-search-widget>"#,
    r#"<script src="https://cdn.jsdelivr.net/npm/@elastic/app-search-javascript@8.13.0/dist/elastic_app_search.umd.js"></script><div class="sui-layout"></div>"#,
    r#"<script src="https://search.nosto.com/api/templates?merchant=shopify-55555" async></script>"#,
    r#"<script async src="https://cdn.attraqt.io/tracker/latest/tracker.min.js"></script>"#,
    "",
    "<!-- old search: elasticsearch -->",
];

const PLATFORM: [&str; 8] = [
    r#"<script>var Shopify = Shopify || {}; Shopify.shop = "acme.myshopify.com"; Shopify.theme = {"name":"Dawn"};</script><div id="shopify-section-header" class="shopify-section"></div>"#,
    r#"<script type="text/x-magento-init">{"*": {"Magento_Ui/js/core/app": {}}}</script><div data-mage-init='{"dropdown":{}}'></div>"#,
    r#"<script src="/on/demandware.static/Sites-Acme-Site/-/en_US/v1700/js/main.js"></script>"#,
    r#"<script src="https://cdn11.bigcommerce.com/s-abc123/stencil/dist/theme-bundle.main.js"></script><script>var BCData = {};</script>"#,
    r#"<meta name="generator" content="WooCommerce 8.5.1"><script src="/wp-content/plugins/woocommerce/assets/js/frontend/add-to-cart.min.js"></script>"#,
    r#"<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script><script src="/_next/static/chunks/main-3f1c.js" defer></script>"#,
    r#"<div id="__nuxt"></div><script>window.__NUXT__={config:{}}</script><script src="/_nuxt/entry.3fa1.js"></script>"#,
    r#"<script src="/etc.clientlibs/acme/clientlibs/clientlib-site.min.js"></script><div class="aem-Grid aem-Grid--12"></div>"#,
];

const TAGS: [&str; 6] = [
    r#"<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-ABC1234');</script>"#,
    r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABCDE12345"></script><script>gtag('config', 'G-ABCDE12345');</script>"#,
    r#"<script>(function(h,o,t,j,a,r){h._hjSettings={hjid:1234567,hjsv:6};})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>"#,
    r#"<script src="//tags.tiqcdn.com/utag/acme/main/prod/utag.js" async></script>"#,
    r#"<script src="https://cdn.optimizely.com/js/1234567890.js"></script>"#,
    r#"<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="abc"></script>"#,
];

fn product(rng: &mut Rng, i: usize, out: &mut String) {
    let (a, b, c) = (rng.word(), rng.word(), rng.word());
    let price = 20 + rng.below(400);
    out.push_str(&format!(
        r#"<li class="grid__item product-card product-card--{a}" data-product-id="{i}" data-variant="{i}01">
<a href="/products/{a}-{b}-{c}-{i}" class="product-card__link full-unstyled-link" aria-label="{a} {b} {c}">
<img src="/cdn/shop/products/{a}-{b}-{i}.jpg?v=1700&amp;width=533" srcset="/cdn/shop/products/{a}-{b}-{i}.jpg?width=165 165w, /cdn/shop/products/{a}-{b}-{i}.jpg?width=360 360w" loading="lazy" width="533" height="533" alt="{a} {b}">
<h3 class="card__heading h5">{a} {b} {c}</h3></a>
<span class="price-item price-item--regular">${price}.00</span><button type="button" class="quick-add__submit button button--full-width" name="add">Add to cart</button></li>
"#
    ));
}

fn js_blob(rng: &mut Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 256);
    s.push_str("/*! app bundle */!function(){\"use strict\";");
    let pieces = [
        "function n(e,t){return e&&t.push(e),t}",
        "var r=document.querySelectorAll(\".product-card\");",
        "for(var o=0;o<r.length;o++){r[o].addEventListener(\"click\",function(e){e.preventDefault()})}",
        "const i={api:\"/api/cart\",method:\"POST\",headers:{\"Content-Type\":\"application/json\"}};",
        "fetch(i.api,i).then(function(e){return e.json()}).catch(function(){});",
        "e.exports=function(e){return null!=e&&\"object\"==typeof e};",
        "t.default={name:\"carousel\",props:{slides:Array,autoplay:Boolean}};",
        "window.dataLayer=window.dataLayer||[];dataLayer.push({event:\"view_item_list\"});",
    ];
    while s.len() < bytes {
        s.push_str(pieces[rng.below(pieces.len())]);
        if rng.below(20_000) == 0 {
            s.push_str("var h=\"https://\"+a+\"-dsn.algolia.net/1/indexes/*/queries\";");
        }
    }
    s.push_str("}();");
    s
}

fn page(rng: &mut Rng, n: usize) -> Page {
    let target = 60_000 + rng.below(90_001);
    let search = SEARCH[rng.below(SEARCH.len())];
    let platform = PLATFORM[rng.below(PLATFORM.len())];
    let mut html = String::with_capacity(target + 8_192);
    html.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    html.push_str(&format!("<title>Acme {n} Outdoor</title><meta name=\"description\" content=\"Outdoor gear for every trail\"><meta property=\"og:title\" content=\"Acme {n}\">"));
    html.push_str("<link rel=\"stylesheet\" href=\"/assets/base.css?v=3\"><link rel=\"preconnect\" href=\"https://fonts.gstatic.com\">");
    for _ in 0..1 + rng.below(3) {
        html.push_str(rng.pick(&TAGS));
    }
    html.push_str(platform);
    html.push_str("<script src=\"/assets/app.js\" defer></script><script src=\"/assets/vendor.js\" defer></script>");
    html.push_str("</head><body class=\"template-index\"><header class=\"header\"><nav><ul class=\"list-menu\">");
    for i in 0..40 + rng.below(80) {
        let w = rng.word();
        html.push_str(&format!("<li><a href=\"/collections/{w}-{i}\" class=\"header__menu-item list-menu__item link\">{w}</a></li>"));
    }
    html.push_str("</ul></nav><form action=\"/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" placeholder=\"Search\"></form></header>");
    html.push_str(search);
    html.push_str("<main id=\"MainContent\"><ul class=\"grid product-grid\">");
    let mut i = 0;
    while html.len() < target.saturating_sub(6_000) {
        product(rng, i, &mut html);
        i += 1;
        if i % 40 == 0 {
            html.push_str("<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"ItemList\",\"itemListElement\":[]}</script>");
        }
    }
    html.push_str("</ul></main><footer class=\"footer\"><p>&copy; Acme Outdoor. All rights reserved.</p></footer>");
    html.push_str("<script>window.__STATE__ = {\"cart\":{\"items\":[],\"total\":0},\"locale\":\"en-US\",\"currency\":\"USD\"};</script></body></html>");
    let url = Url::parse(&format!("https://www.acme{n}.com/")).expect("url");
    let scripts = (0..2 + rng.below(4))
        .map(|k| {
            let size = 8_000 + rng.below(52_000);
            Resource {
                url: url.join(&format!("/assets/chunk-{k}.js")).expect("url"),
                body: js_blob(rng, size),
            }
        })
        .collect();
    Page {
        final_url: url.clone(),
        url,
        status: 200,
        headers: vec![
            ("content-type".into(), "text/html; charset=utf-8".into()),
            ("server".into(), "cloudflare".into()),
            ("cf-ray".into(), "84a1b2c3d4e5f6a7-LHR".into()),
            ("set-cookie".into(), "_shopify_y=8a1b; path=/".into()),
        ],
        html,
        scripts,
    }
}

/// CPU time used by this thread so far (Linux `/proc`, 10 ms resolution); `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `detect` over `pages` `ROUNDS` times; returns (wall seconds, CPU seconds if known).
fn measure(rules: &Ruleset, pages: &[Page], found: &mut usize) -> (f64, Option<f64>) {
    let cpu0 = thread_cpu();
    let t = Instant::now();
    for _ in 0..ROUNDS {
        for p in pages {
            *found += black_box(rules.detect(black_box(p))).len();
        }
    }
    let wall = t.elapsed().as_secs_f64();
    let cpu = cpu0
        .zip(thread_cpu())
        .map(|(a, b)| (b - a).as_secs_f64())
        .filter(|c| *c > 0.0);
    (wall, cpu)
}

fn report(what: &str, pages: usize, bytes: usize, (wall, cpu): (f64, Option<f64>)) {
    let n = (pages * ROUNDS) as f64;
    let mb = (bytes * ROUNDS) as f64 / 1e6;
    match cpu {
        Some(cpu) => println!(
            "{what}, one core: {:.0} pages/s, {:.0} MB/s ({:.0} us/page) by CPU time; {:.0} pages/s by wall clock",
            n / cpu,
            mb / cpu,
            cpu / n * 1e6,
            n / wall
        ),
        None => println!(
            "{what}, one core: {:.0} pages/s, {:.0} MB/s ({:.0} us/page) by wall clock",
            n / wall,
            mb / wall,
            wall / n * 1e6
        ),
    }
}

fn main() {
    let start = Instant::now();
    let rules = Ruleset::builtin();
    let compile = start.elapsed();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pages: Vec<Page> = (0..PAGES).map(|n| page(&mut rng, n)).collect();
    let html_bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let script_bytes: usize = pages
        .iter()
        .flat_map(|p| &p.scripts)
        .map(|s| s.body.len())
        .sum();
    let scripts: usize = pages.iter().map(|p| p.scripts.len()).sum();

    // Warm-up, and a sanity check that the pages are detected as written.
    let mut providers = 0;
    for p in &pages {
        providers += usize::from(search_provider(&rules.detect(p)).is_some());
    }
    let mut found = 0usize;
    let full = measure(&rules, &pages, &mut found);
    let html_only: Vec<Page> = pages
        .iter()
        .map(|p| Page {
            scripts: Vec::new(),
            ..p.clone()
        })
        .collect();
    let html = measure(&rules, &html_only, &mut found);

    println!(
        "pf-detect bench: {} rules, {} matchers, compiled in {:.0} ms",
        rules.len(),
        rules.matcher_count(),
        compile.as_secs_f64() * 1e3
    );
    println!(
        "pages: {PAGES} x {ROUNDS} rounds; HTML avg {:.0} KB; {:.1} fetched scripts/page, avg {:.0} KB; \
         {providers} pages with a search provider; {:.1} detections/page",
        html_bytes as f64 / PAGES as f64 / 1e3,
        scripts as f64 / PAGES as f64,
        script_bytes as f64 / scripts.max(1) as f64 / 1e3,
        found as f64 / (2 * PAGES * ROUNDS) as f64,
    );
    report(
        "detect (HTML + scripts)",
        PAGES,
        html_bytes + script_bytes,
        full,
    );
    report("detect (HTML only)", PAGES, html_bytes, html);
}
