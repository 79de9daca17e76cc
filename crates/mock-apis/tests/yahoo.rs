//! Yahoo Finance: cookie, crumb and quoteSummary.

#[path = "support/helpers.rs"]
mod helpers;

use helpers::{get, mock, send};

/// A client with a cookie store and a crumb obtained the way real clients do.
async fn session(base: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let consent = send(c.get(format!("{base}/consent"))).await;
    assert_eq!(consent.status, 200);
    assert!(
        consent
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with("A3=")))
    );
    let crumb = send(c.get(format!("{base}/v1/test/getcrumb"))).await;
    assert_eq!(crumb.status, 200);
    let crumb = crumb.text();
    assert_eq!(crumb.len(), 11);
    (c, crumb)
}

fn quote_url(base: &str, symbol: &str, crumb: &str, formatted: bool) -> reqwest::Url {
    let mut u =
        reqwest::Url::parse(&format!("{base}/v10/finance/quoteSummary/{symbol}")).expect("url");
    u.query_pairs_mut()
        .append_pair("modules", "price,summaryDetail,financialData,assetProfile")
        .append_pair("formatted", if formatted { "true" } else { "false" })
        .append_pair("crumb", crumb);
    u
}

#[tokio::test]
async fn quote_summary_after_the_cookie_and_crumb_flow() {
    let m = mock().await;
    let base = m.url_for("yahoo_finance");
    let (c, crumb) = session(&base).await;
    let got = send(c.get(quote_url(&base, "COST", &crumb, false))).await;
    assert_eq!(got.status, 200);
    assert_eq!(
        got.header("cache-control").as_deref(),
        Some("public, max-age=1, stale-while-revalidate=9")
    );
    let body = got.json();
    assert!(body["quoteSummary"]["error"].is_null());
    let r = &body["quoteSummary"]["result"][0];
    assert_eq!(r["price"]["symbol"], "COST");
    assert_eq!(r["price"]["quoteType"], "EQUITY");
    assert!(r["price"]["regularMarketPrice"].is_f64());
    assert!(r["summaryDetail"]["marketCap"].is_u64());
    assert!(
        r["financialData"]["totalRevenue"]
            .as_u64()
            .expect("revenue")
            > 200_000_000_000
    );
    assert_eq!(r["assetProfile"]["website"], "https://www.costco.com");
    assert_eq!(r["assetProfile"]["city"], "Issaquah");
    let officers = r["assetProfile"]["companyOfficers"]
        .as_array()
        .expect("officers");
    assert!(
        officers.len() >= 3
            && officers
                .iter()
                .all(|o| o["name"].is_string() && o["title"].is_string())
    );
    // formatted=true wraps numbers.
    let formatted = send(c.get(quote_url(&base, "COST", &crumb, true)))
        .await
        .json();
    let cap = &formatted["quoteSummary"]["result"][0]["price"]["marketCap"];
    assert!(cap["raw"].is_u64() && cap["fmt"].as_str().expect("fmt").ends_with('B'));
    // Listed abroad: Yahoo knows H&M.
    let hm = send(c.get(quote_url(&base, "HM-B.ST", &crumb, false)))
        .await
        .json();
    assert_eq!(hm["quoteSummary"]["result"][0]["price"]["currency"], "SEK");
    assert_eq!(
        m.count_for("yahoo_finance", "quote-summary", "costco.com"),
        2
    );
    assert_eq!(m.count("yahoo_finance", "getcrumb"), 1);
}

#[tokio::test]
async fn crumb_and_cookie_are_required() {
    let m = mock().await;
    let base = m.url_for("yahoo_finance");
    let no_cookie = get(&format!("{base}/v1/test/getcrumb")).await;
    assert_eq!(no_cookie.status, 401);
    assert_eq!(no_cookie.json()["finance"]["error"]["code"], "Unauthorized");
    // The consent page sets the cookie with or without the trailing slash (and `fc` with a 404).
    for (path, status) in [("", 200), ("/", 200), ("/consent", 200), ("/fc", 404)] {
        let got = get(&format!("{base}{path}")).await;
        assert_eq!(got.status, status, "{path}");
        assert!(
            got.header("set-cookie")
                .is_some_and(|c| c.starts_with("A3=d=")),
            "{path}"
        );
    }
    let (c, crumb) = session(&base).await;
    let invalid = |got: helpers::Got| {
        assert_eq!(got.status, 401);
        let body = got.json();
        assert!(body["finance"]["result"].is_null());
        assert_eq!(body["finance"]["error"]["code"], "Unauthorized");
        assert_eq!(body["finance"]["error"]["description"], "Invalid Crumb");
    };
    invalid(send(c.get(quote_url(&base, "COST", "wrongcrumb1", false))).await);
    // The right crumb without the cookie it belongs to.
    invalid(get(quote_url(&base, "COST", &crumb, false).as_str()).await);
    let mut no_crumb = quote_url(&base, "COST", "", false);
    no_crumb.set_query(Some("modules=price"));
    invalid(send(c.get(no_crumb)).await);
}

#[tokio::test]
async fn unknown_symbols_are_404_and_noneq_is_none() {
    let m = mock().await;
    let base = m.url_for("yahoo_finance");
    let (c, crumb) = session(&base).await;
    let missing = send(c.get(quote_url(&base, "ZZZZQ", &crumb, false))).await;
    assert_eq!(missing.status, 404);
    let body = missing.json();
    assert!(body["quoteSummary"]["result"].is_null());
    assert_eq!(body["quoteSummary"]["error"]["code"], "Not Found");
    let none = send(c.get(quote_url(&base, "NONEQ", &crumb, false)))
        .await
        .json();
    assert_eq!(
        none["quoteSummary"]["result"][0]["price"]["quoteType"],
        "NONE"
    );
    assert_eq!(m.count_for("yahoo_finance", "quote-summary", "ZZZZQ"), 1);
}
