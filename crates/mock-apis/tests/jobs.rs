//! Greenhouse and Lever public job boards.

#[path = "support/helpers.rs"]
mod helpers;

use helpers::{get, mock};

#[tokio::test]
async fn greenhouse_board_with_content() {
    let m = mock().await;
    let got = get(&format!(
        "{}/greenhouse/v1/boards/costco/jobs?content=true",
        m.url_for("job_boards")
    ))
    .await;
    assert_eq!(got.status, 200);
    let body = got.json();
    let jobs = body["jobs"].as_array().expect("jobs");
    assert_eq!(body["meta"]["total"].as_u64(), Some(jobs.len() as u64));
    let j = &jobs[0];
    assert!(j["id"].is_u64() && j["title"].is_string() && j["location"]["name"].is_string());
    assert!(
        j["absolute_url"]
            .as_str()
            .expect("url")
            .contains("/costco/jobs/")
    );
    assert!(j["updated_at"].as_str().expect("date").contains('T'));
    assert!(j["departments"][0]["name"].is_string() && j["content"].is_string());
    assert!(
        jobs.iter()
            .any(|j| j["title"] == "Head of Search & Discovery"),
        "costco is hiring for search"
    );
    let plain = get(&format!(
        "{}/greenhouse/v1/boards/costco/jobs",
        m.url_for("job_boards")
    ))
    .await
    .json();
    assert!(plain["jobs"][0].get("content").is_none());
    assert_eq!(m.count_for("job_boards", "greenhouse", "costco"), 2);
}

#[tokio::test]
async fn lever_postings_in_json_mode() {
    let m = mock().await;
    let got = get(&format!(
        "{}/lever/v0/postings/target?mode=json",
        m.url_for("job_boards")
    ))
    .await;
    assert_eq!(got.status, 200);
    let list = got.json();
    let posts = list.as_array().expect("an array");
    assert_eq!(posts.len(), 18);
    let p = &posts[0];
    assert!(p["id"].is_string() && p["text"].is_string());
    assert!(p["categories"]["team"].is_string() && p["categories"]["location"].is_string());
    assert_eq!(p["categories"]["commitment"], "Full-time");
    assert!(p["createdAt"].as_i64().expect("epoch ms") > 1_000_000_000_000);
    assert!(
        p["hostedUrl"]
            .as_str()
            .expect("url")
            .starts_with("https://jobs.lever.co/target/")
    );
    assert!(
        posts
            .iter()
            .any(|p| p["text"].as_str().is_some_and(|t| t.contains("Search")))
    );
    let html = get(&format!(
        "{}/lever/v0/postings/target",
        m.url_for("job_boards")
    ))
    .await;
    assert!(html.text().starts_with("<div class='lever'>"));
}

#[tokio::test]
async fn unknown_boards_are_404_and_prefix_faults_apply() {
    let m = mock().await;
    let base = m.url_for("job_boards");
    let gh = get(&format!("{base}/greenhouse/v1/boards/bestbuy/jobs")).await;
    assert_eq!(gh.status, 404);
    assert_eq!(gh.json()["status"], 404);
    let lever = get(&format!("{base}/lever/v0/postings/costco?mode=json")).await;
    assert_eq!(lever.status, 404);
    assert_eq!(lever.json()["ok"], false);
    assert_eq!(
        get(&format!("{base}/lever/v0/postings/nodata-shop?mode=json"))
            .await
            .status,
        404
    );
    assert_eq!(
        get(&format!("{base}/greenhouse/v1/boards/fault500-shop/jobs"))
            .await
            .status,
        500
    );
    let a = get(&format!("{base}/greenhouse/v1/boards/northwind/jobs"))
        .await
        .body;
    assert_eq!(
        a,
        get(&format!("{base}/greenhouse/v1/boards/northwind/jobs"))
            .await
            .body
    );
}
