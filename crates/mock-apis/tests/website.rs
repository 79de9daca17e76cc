//! Company websites: vendor markup on homepages and their scripts, platforms, headers, cookies,
//! redirects and hostile pages.

#[path = "support/helpers.rs"]
mod helpers;

use helpers::{client, get, mock, send};
use pf_mock_apis::data::{self, Platform, SearchVendor};

/// Fetches a homepage following redirects, then every relative script it loads; returns the
/// homepage text, the homepage's headers and the concatenated script texts.
async fn site(base: &str, domain: &str) -> (String, reqwest::header::HeaderMap, String) {
    let c = reqwest::Client::new();
    let resp = c
        .get(format!("{base}/{domain}/"))
        .send()
        .await
        .expect("homepage");
    assert_eq!(resp.status(), 200, "{domain}");
    let final_url = resp.url().clone();
    let headers = resp.headers().clone();
    let html = resp.text().await.expect("html");
    let mut scripts = String::new();
    for src in html
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        if src.starts_with("http") || src.starts_with("//") {
            continue;
        }
        let url = final_url.join(src).expect("relative URL");
        let got = send(c.get(url.clone())).await;
        assert_eq!(got.status, 200, "{url}");
        scripts.push_str(&got.text());
    }
    (html, headers, scripts)
}

fn markers(v: SearchVendor) -> &'static [&'static str] {
    match v {
        SearchVendor::Algolia => &["-dsn.algolia.net", "algoliasearch("],
        SearchVendor::Elasticsearch => &["/_search"],
        SearchVendor::Swiftype => &["swiftype"],
        SearchVendor::Coveo => &["static.cloud.coveo.com"],
        SearchVendor::Constructor => &["cnstrc.com", "ConstructorioClient"],
        SearchVendor::Bloomreach => &["br_data", "core.dxpapi.com"],
        SearchVendor::Lucidworks => &["lucidworks", "fusion"],
        SearchVendor::Searchspring => &["snapui.searchspring.io"],
        SearchVendor::Klevu => &["js.klevu.com", "klevu_"],
        SearchVendor::Yext => &["yextapis"],
        SearchVendor::Doofinder => &["cdn.doofinder.com"],
        SearchVendor::Typesense => &["typesense"],
        SearchVendor::Meilisearch => &["meilisearch"],
    }
}

#[tokio::test]
async fn every_vendor_leaves_its_markers_on_some_generated_site() {
    let m = mock().await;
    let base = m.url_for("website");
    let pool = data::sample_domains(1500);
    for v in SearchVendor::ALL {
        let domains: Vec<&String> = pool
            .iter()
            .filter(|d| data::profile(d).search == Some(v))
            .take(3)
            .collect();
        assert!(!domains.is_empty(), "no sample uses {v:?}");
        for d in domains {
            let (html, _, scripts) = site(&base, d).await;
            let all = format!("{html}\n{scripts}");
            for marker in markers(v) {
                assert!(all.contains(marker), "{v:?} on {d}: missing {marker}");
            }
            for other in SearchVendor::ALL.iter().filter(|o| **o != v) {
                let first = markers(*other)[0];
                assert!(
                    !all.contains(first),
                    "{d} uses {v:?} but shows {other:?}'s {first}"
                );
            }
        }
    }
}

#[tokio::test]
async fn fixtures_show_their_vendor_platform_and_tags() {
    let m = mock().await;
    let base = m.url_for("website");
    let (costco, headers, _) = site(&base, "costco.com").await;
    assert!(costco.contains("/_search") && costco.contains("googletagmanager.com/gtm.js?id=GTM-"));
    assert!(costco.contains("gtag/js?id=G-") && costco.contains("assets.adobedtm.com"));
    assert_eq!(
        headers.get("server").and_then(|v| v.to_str().ok()),
        Some("AkamaiGHost")
    );
    let (target, _, _) = site(&base, "target.com").await;
    assert!(
        target.contains("static.cloud.coveo.com/searchui")
            && target.contains("Coveo.SearchEndpoint")
    );
    let (bestbuy, _, scripts) = site(&base, "bestbuy.com").await;
    assert!(format!("{bestbuy}{scripts}").contains("algoliasearch("));
    let (ulta, _, scripts) = site(&base, "ulta.com").await;
    assert!(ulta.contains("cnstrc.com") && format!("{ulta}{scripts}").contains("demandware"));
    let (allbirds, headers, _) = site(&base, "allbirds.com").await;
    assert!(allbirds.contains("cdn.shopify.com") && allbirds.contains("snapui.searchspring.io"));
    assert_eq!(
        headers.get("x-shopify-stage").and_then(|v| v.to_str().ok()),
        Some("production")
    );
    assert!(
        headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.starts_with("_shopify_y=")))
    );
    let (hm, _, _) = site(&base, "hm.com").await;
    assert!(hm.contains("br_data"));
}

#[tokio::test]
async fn platforms_leave_markers_headers_and_cookies() {
    let m = mock().await;
    let base = m.url_for("website");
    let pool = data::sample_domains(600);
    let cases: [(Platform, &str, Option<&str>, Option<&str>); 5] = [
        (
            Platform::Shopify,
            "cdn.shopify.com",
            Some("x-shopify-stage"),
            Some("_shopify_y="),
        ),
        (
            Platform::Magento,
            "Magento_",
            Some("x-powered-by"),
            Some("PHPSESSID="),
        ),
        (
            Platform::SalesforceCommerceCloud,
            "demandware",
            None,
            Some("dwsid="),
        ),
        (
            Platform::BigCommerce,
            "bigcommerce.com",
            None,
            Some("SHOP_SESSION_TOKEN="),
        ),
        (
            Platform::WooCommerce,
            "wp-content/plugins/woocommerce",
            Some("x-powered-by"),
            None,
        ),
    ];
    for (platform, marker, header, cookie) in cases {
        let d = pool
            .iter()
            .find(|d| data::profile(d).platform == Some(platform))
            .expect("a sample uses it");
        let (html, headers, _) = site(&base, d).await;
        assert!(html.contains(marker), "{platform:?} on {d}");
        if let Some(h) = header {
            assert!(headers.contains_key(h), "{platform:?} header {h}");
        }
        if let Some(c) = cookie {
            assert!(
                headers
                    .get_all("set-cookie")
                    .iter()
                    .any(|v| v.to_str().is_ok_and(|v| v.starts_with(c))),
                "{c}"
            );
        }
    }
    let wp = pool
        .iter()
        .find(|d| data::profile(d).platform == Some(Platform::WooCommerce))
        .expect("woo");
    assert!(
        site(&base, wp)
            .await
            .0
            .contains("<meta name=\"generator\" content=\"WordPress")
    );
}

#[tokio::test]
async fn redirects_can_be_recorded() {
    let m = mock().await;
    let base = m.url_for("website");
    let loc = |g: &helpers::Got| g.header("location").unwrap_or_default();
    let costco = get(&format!("{base}/costco.com/")).await;
    assert_eq!(costco.status, 301);
    assert!(loc(&costco).ends_with("/website/www.costco.com/"));
    let hm = get(&format!("{base}/hm.com/")).await;
    assert!(loc(&hm).ends_with("/website/www2.hm.com/en_us/index.html"));
    let renamed = get(&format!("{base}/ultasalon.com/")).await;
    assert_eq!(renamed.status, 301);
    assert!(loc(&renamed).ends_with("/website/www.ulta.com/"));
    assert_eq!(get(&format!("{base}/ulta.com/")).await.status, 200);
    assert_eq!(m.count_for("website", "homepage", "costco.com"), 1);
}

#[tokio::test]
async fn hostile_sites() {
    let m = mock().await;
    let base = m.url_for("website");
    let huge = get(&format!("{base}/huge-shop.com/")).await;
    assert!(huge.body.len() > 19 * 1024 * 1024 && huge.body.len() <= 20 * 1024 * 1024);
    let mut url = format!("{base}/loop-shop.com/");
    let mut seen = std::collections::HashSet::new();
    for _ in 0..30 {
        let got = get(&url).await;
        assert!(got.status == 302 || got.status == 301);
        url = got.header("location").expect("location");
        assert!(seen.insert(url.clone()), "each hop is a new URL");
    }
    let followed = reqwest::Client::new()
        .get(format!("{base}/loop-shop.com/"))
        .send()
        .await;
    assert!(followed.is_err(), "a redirect-following client gives up");
    let binary = get(&format!("{base}/binary-shop.com/")).await;
    assert!(
        binary
            .header("content-type")
            .expect("type")
            .starts_with("text/html")
    );
    assert!(std::str::from_utf8(&binary.body).is_err());
    let badenc = get(&format!("{base}/badenc-shop.com/")).await;
    assert!(std::str::from_utf8(&badenc.body).is_err());
    assert!(badenc.text().contains("<html"));
    let parked = get(&format!("{base}/nodata-shop.com/")).await;
    assert_eq!(parked.status, 200);
    assert!(parked.text().contains("parked") && !parked.text().contains("<script"));
    assert_eq!(
        get(&format!("{base}/htmlerror-shop.com/")).await.status,
        502
    );
    assert_eq!(
        send(client().get(format!("{base}/costco.com/no/such/file.js")))
            .await
            .status,
        404
    );
}
