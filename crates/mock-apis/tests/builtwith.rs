//! BuiltWith Domain and Relationships APIs: envelope shape, errors in 200 bodies, 429.

#[path = "support/helpers.rs"]
mod helpers;

use helpers::{KEY, get, mock};
use serde_json::Value;

fn techs(result: &Value) -> Vec<&Value> {
    result["Result"]["Paths"]
        .as_array()
        .expect("Paths")
        .iter()
        .flat_map(|p| p["Technologies"].as_array().expect("Technologies").iter())
        .collect()
}

fn tech<'a>(result: &'a Value, name: &str) -> Option<&'a Value> {
    techs(result).into_iter().find(|t| t["Name"] == name)
}

#[tokio::test]
async fn domain_api_envelope_matches_the_documented_shape() {
    let m = mock().await;
    let got = get(&format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP=costco.com",
        m.url_for("builtwith")
    ))
    .await;
    assert_eq!(got.status, 200);
    assert!(
        got.header("content-type")
            .expect("content type")
            .starts_with("application/json")
    );
    let body = got.json();
    assert_eq!(body["Errors"], serde_json::json!([]));
    let r = &body["Results"][0];
    assert_eq!(r["Lookup"], "costco.com");
    assert_eq!(r["Result"]["IsDB"], "True");
    // Meta and Attributes sit beside Result, not inside it.
    assert_eq!(r["Meta"]["CompanyName"], "Costco Wholesale Corporation");
    assert!(r["Attributes"]["Employees"].as_u64().expect("employees") > 100_000);
    assert!(r["Result"].get("Meta").is_none());
    let es = tech(r, "Elasticsearch").expect("costco runs Elasticsearch");
    assert_eq!(es["Categories"], serde_json::json!(["Site Search"]));
    assert_eq!(es["IsPremium"], "no");
    let first = es["FirstDetected"].as_i64().expect("epoch ms");
    let last = es["LastDetected"].as_i64().expect("epoch ms");
    assert!(
        first > 1_000_000_000_000 && first < last,
        "epoch milliseconds, first before last"
    );
    assert!(
        techs(r).iter().any(|t| t.get("Parent").is_some()),
        "a versioned entry names its parent"
    );
}

#[tokio::test]
async fn older_versions_and_flags_are_accepted() {
    let m = mock().await;
    let base = m.url_for("builtwith");
    for v in ["v21", "v20"] {
        let got = get(&format!("{base}/{v}/api.json?KEY={KEY}&LOOKUP=target.com")).await;
        assert_eq!(got.json()["Results"][0]["Lookup"], "target.com", "{v}");
    }
    let body = get(&format!(
        "{base}/v22/api.json?KEY={KEY}&LOOKUP=target.com&NOMETA=yes&NOATTR=yes&HIDETEXT=yes"
    ))
    .await
    .json();
    let r = &body["Results"][0];
    assert!(r["Meta"].is_null() && r["Attributes"].is_null());
    assert!(
        techs(r)
            .iter()
            .all(|t| t.get("Description").is_none() && t.get("Link").is_none())
    );
    assert_eq!(
        get(&format!("{base}/v19/api.json?KEY={KEY}&LOOKUP=target.com"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn history_shows_a_replaced_vendor_and_a_stale_one() {
    let m = mock().await;
    let base = m.url_for("builtwith");
    let target = get(&format!("{base}/v22/api.json?KEY={KEY}&LOOKUP=target.com"))
        .await
        .json();
    let r = &target["Results"][0];
    let coveo = tech(r, "Coveo").expect("Coveo now");
    let es = tech(r, "Elasticsearch").expect("Elasticsearch before");
    let day = 86_400_000;
    assert!(coveo["LastDetected"].as_i64() > es["LastDetected"].as_i64().map(|l| l + 300 * day));
    assert!(
        coveo["FirstDetected"].as_i64() < es["LastDetected"].as_i64(),
        "the replacement overlaps"
    );
    // Ulta: BuiltWith still reports Bloomreach live while the site shows Constructor (a conflict).
    let ulta = get(&format!("{base}/v22/api.json?KEY={KEY}&LOOKUP=ulta.com"))
        .await
        .json();
    let r = &ulta["Results"][0];
    assert!(tech(r, "Constructor").is_some() && tech(r, "Bloomreach").is_some());
}

#[tokio::test]
async fn errors_arrive_inside_a_200_body() {
    let m = mock().await;
    let base = m.url_for("builtwith");
    let bad_key = get(&format!(
        "{base}/v22/api.json?KEY=not-a-guid&LOOKUP=costco.com"
    ))
    .await;
    assert_eq!(bad_key.status, 200);
    assert_eq!(bad_key.json()["Errors"][0]["Code"], -2);
    let missing_key = get(&format!("{base}/v22/api.json?LOOKUP=costco.com"))
        .await
        .json();
    assert_eq!(missing_key["Errors"][0]["Code"], -2);
    let bad_domain = get(&format!(
        "{base}/v22/api.json?KEY={KEY}&LOOKUP=not_a_domain"
    ))
    .await;
    assert_eq!(bad_domain.status, 200);
    let body = bad_domain.json();
    assert_eq!(body["Errors"][0]["Code"], -8);
    assert_eq!(body["Results"], serde_json::json!([]));
    let credits = get(&format!(
        "{base}/v22/api.json?KEY={KEY}&LOOKUP=credits-shop.com"
    ))
    .await;
    assert_eq!(credits.status, 200);
    let body = credits.json();
    assert_eq!(body["Errors"][0]["Code"], -3);
    assert_eq!(
        body["Errors"][0]["Message"],
        "You've run out of API Credits."
    );
    assert!(body["Errors"][0]["Lookup"].is_null());
}

#[tokio::test]
async fn rate_limit_is_a_429_with_body_hint_and_header() {
    let m = mock().await;
    let got = get(&format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP=fault429-shop.com",
        m.url_for("builtwith")
    ))
    .await;
    assert_eq!(got.status, 429);
    assert_eq!(got.header("retry-after").as_deref(), Some("1"));
    let body = got.json();
    assert_eq!(body["error"], "Rate limit exceeded");
    assert_eq!(body["retryAfterSeconds"], 1);
}

#[tokio::test]
async fn nodata_domains_have_empty_paths_and_lookups_can_be_batched() {
    let m = mock().await;
    let url = format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP=nodata-shop.com,bestbuy.com",
        m.url_for("builtwith")
    );
    let body = get(&url).await.json();
    let results = body["Results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["Result"]["Paths"], serde_json::json!([]));
    assert!(tech(&results[1], "Algolia").is_some());
    assert_eq!(m.count_for("builtwith", "domain-api", "nodata-shop.com"), 1);
    assert_eq!(m.count_for("builtwith", "domain-api", "bestbuy.com"), 1);
}

#[tokio::test]
async fn relationships_list_shared_identifiers_with_iso_dates() {
    let m = mock().await;
    let body = get(&format!(
        "{}/rv4/api.json?KEY={KEY}&LOOKUP=costco.com",
        m.url_for("builtwith")
    ))
    .await
    .json();
    let rel = &body["Relationships"][0];
    assert_eq!(rel["Domain"], "costco.com");
    let matched: Vec<&str> = rel["Identifiers"]
        .as_array()
        .expect("identifiers")
        .iter()
        .flat_map(|i| i["Matches"].as_array().expect("matches").iter())
        .filter_map(|x| x["Domain"].as_str())
        .collect();
    for d in [
        "costco.ca",
        "costco.co.uk",
        "costcobusinessdelivery.com",
        "costcotravel.com",
    ] {
        assert!(matched.contains(&d), "{d} in {matched:?}");
    }
    let first = rel["Identifiers"][0]["First"].as_str().expect("ISO date");
    assert!(first.ends_with('Z') && first.contains('T'));
    assert_eq!(body["max_per_page"], 500);
    assert_eq!(body["more_results"], false);
    assert!(body["results"].as_u64().expect("count") >= 4);
    let ulta = get(&format!(
        "{}/rv4/api.json?KEY={KEY}&LOOKUP=ulta.com",
        m.url_for("builtwith")
    ))
    .await
    .json();
    assert!(
        ulta.to_string().contains("ultasalon.com"),
        "the former domain shares the old analytics id"
    );
    let bad = get(&format!(
        "{}/rv4/api.json?KEY=nope&LOOKUP=costco.com",
        m.url_for("builtwith")
    ))
    .await
    .json();
    assert_eq!(bad["Errors"][0]["Code"], -2);
    assert_eq!(m.count("builtwith", "relationships-api"), 3);
}

#[tokio::test]
async fn same_domain_same_body_for_any_domain() {
    let m = mock().await;
    let url = format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP=some-random-shop.io",
        m.url_for("builtwith")
    );
    let a = get(&url).await.body;
    let b = get(&url).await.body;
    assert_eq!(a, b);
    let other = get(&format!(
        "{}/v22/api.json?KEY={KEY}&LOOKUP=another-shop.io",
        m.url_for("builtwith")
    ))
    .await
    .body;
    assert_ne!(a, other);
}
