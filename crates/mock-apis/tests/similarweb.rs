//! SimilarWeb visits and similar sites: envelope and the overloaded 401/403 conventions.

#[path = "support/helpers.rs"]
mod helpers;

use helpers::{SW_KEY, get, mock};
use pf_mock_apis::{Fault, FaultKind};

fn visits_url(base: &str, domain: &str, query: &str) -> String {
    format!("{base}/v1/website/{domain}/total-traffic-and-engagement/visits?{query}")
}

#[tokio::test]
async fn visits_envelope_has_meta_and_float_visits() {
    let m = mock().await;
    let base = m.url_for("similarweb");
    let as_of = m.config().as_of;
    let (y, mo) = (as_of.year(), u8::from(as_of.month()) as i32);
    let (ey, em) = if mo == 1 { (y - 1, 12) } else { (y, mo - 1) };
    let (sy, sm) = if em > 5 {
        (ey, em - 5)
    } else {
        (ey - 1, em + 7)
    };
    let q = format!(
        "api_key={SW_KEY}&start_date={sy}-{sm:02}&end_date={ey}-{em:02}&granularity=monthly&main_domain_only=false&format=json"
    );
    let got = get(&visits_url(&base, "bestbuy.com", &q)).await;
    assert_eq!(got.status, 200);
    let body = got.json();
    assert_eq!(body["meta"]["status"], "Success");
    assert_eq!(body["meta"]["request"]["granularity"], "Monthly");
    assert_eq!(body["meta"]["request"]["domain"], "bestbuy.com");
    assert_eq!(body["meta"]["request"]["main_domain_only"], false);
    let visits = body["visits"].as_array().expect("visits");
    assert_eq!(visits.len(), 6);
    assert_eq!(visits[0]["date"], format!("{sy}-{sm:02}-01"));
    assert!(visits.iter().all(|v| v["visits"].is_f64()));
    // Best Buy's latest month jumps.
    let last = visits[5]["visits"].as_f64().expect("float");
    let before = visits[4]["visits"].as_f64().expect("float");
    assert!(last > before * 1.1, "{last} vs {before}");
    // Defaults: the last 12 complete months.
    let default = get(&visits_url(
        &base,
        "costco.com",
        &format!("api_key={SW_KEY}"),
    ))
    .await
    .json();
    assert_eq!(default["visits"].as_array().expect("visits").len(), 12);
    assert_eq!(
        get(&visits_url(&base, "costco.com", &q)).await.body,
        get(&visits_url(&base, "costco.com", &q)).await.body
    );
}

#[tokio::test]
async fn similar_sites_are_scored() {
    let m = mock().await;
    let got = get(&format!(
        "{}/v1/website/costco.com/similar-sites/similarsites?api_key={SW_KEY}",
        m.url_for("similarweb")
    ))
    .await;
    let body = got.json();
    let sites = body["similar_sites"].as_array().expect("similar_sites");
    assert_eq!(sites[0]["url"], "samsclub.com");
    let scores: Vec<f64> = sites
        .iter()
        .map(|s| s["score"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] > w[1]) && scores.iter().all(|s| (0.0..=1.0).contains(s))
    );
    assert_eq!(m.count("similarweb", "similar-sites"), 1);
}

#[tokio::test]
async fn error_conventions() {
    let m = mock().await;
    let base = m.url_for("similarweb");
    let ok = format!("api_key={SW_KEY}");
    for domain in ["CNN.COM", "nodata-shop.com", "www.costco.com"] {
        let got = get(&visits_url(&base, domain, &ok)).await;
        assert_eq!(got.status, 401, "{domain}");
        let body = got.json();
        assert_eq!(body["meta"]["status"], "Error");
        assert_eq!(body["meta"]["error_code"], 401);
        assert_eq!(body["meta"]["error_message"], "Data not found");
    }
    let no_key = get(&visits_url(&base, "costco.com", "")).await;
    assert_eq!(no_key.status, 401);
    assert_eq!(no_key.text(), "invalid API key");
    assert!(
        no_key
            .header("content-type")
            .expect("type")
            .starts_with("text/plain")
    );
    let credits = get(&visits_url(&base, "credits-shop.com", &ok)).await;
    assert_eq!(credits.status, 403);
    assert_eq!(credits.json()["meta"]["error_code"], 403);
    let weekly = get(&visits_url(
        &base,
        "costco.com",
        &format!("{ok}&granularity=weekly"),
    ))
    .await;
    assert_eq!(
        (weekly.status, weekly.json()["meta"]["error_code"].as_u64()),
        (400, Some(102))
    );
    let backwards = get(&visits_url(
        &base,
        "costco.com",
        &format!("{ok}&start_date=2024-06&end_date=2024-01"),
    ))
    .await;
    assert_eq!(backwards.json()["meta"]["error_code"], 101);
    m.set_fault(
        Fault::new("similarweb", FaultKind::RateLimited)
            .endpoint("visits")
            .retry_after(2),
    );
    let limited = get(&visits_url(&base, "costco.com", &ok)).await;
    assert_eq!(
        (limited.status, limited.header("retry-after").as_deref()),
        (429, Some("2"))
    );
    assert_eq!(get(&visits_url(&base, "costco.com", &ok)).await.status, 200);
}
