//! SEC EDGAR: tickers, columnar submissions with former names, company facts, access rules.

#[path = "support/helpers.rs"]
mod helpers;

use helpers::{UA, client, get, mock, send};
use pf_mock_apis::{Fault, FaultKind};
use serde_json::Value;

async fn sec(base: &str, path: &str) -> helpers::Got {
    send(
        client()
            .get(format!("{base}/{path}"))
            .header("user-agent", UA),
    )
    .await
}

fn ticker<'a>(tickers: &'a Value, symbol: &str) -> &'a Value {
    tickers
        .as_object()
        .expect("object")
        .values()
        .find(|v| v["ticker"] == symbol)
        .expect("listed")
}

#[tokio::test]
async fn ticker_to_cik_to_submissions_and_facts() {
    let m = mock().await;
    let base = m.url_for("sec_edgar");
    let tickers = sec(&base, "files/company_tickers.json").await.json();
    assert_eq!(ticker(&tickers, "COST")["cik_str"], 909_832);
    assert_eq!(ticker(&tickers, "TGT")["title"], "TARGET CORP");
    assert!(
        tickers.as_object().expect("object").len() > 500,
        "fixtures plus generated listed companies"
    );
    assert!(tickers.get("0").is_some(), "keyed by position");

    let sub = sec(&base, "submissions/CIK0000027419.json").await;
    assert_eq!(sub.status, 200);
    let sub = sub.json();
    assert_eq!(sub["cik"], "27419");
    assert_eq!(sub["tickers"], serde_json::json!(["TGT"]));
    assert_eq!(sub["formerNames"][0]["name"], "DAYTON HUDSON CORP");
    assert!(sub["formerNames"][0]["from"].is_string() && sub["formerNames"][0]["to"].is_string());
    let recent = sub["filings"]["recent"].as_object().expect("columnar");
    let n = recent["accessionNumber"].as_array().expect("array").len();
    assert!(n > 10);
    assert!(
        recent
            .values()
            .all(|col| col.as_array().map(Vec::len) == Some(n)),
        "parallel arrays"
    );
    let forms: Vec<&str> = recent["form"]
        .as_array()
        .expect("forms")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(forms.contains(&"10-K") && forms.contains(&"10-Q") && forms.contains(&"8-K"));

    let costco = sec(&base, "submissions/CIK0000909832.json").await.json();
    let names: Vec<&str> = costco["formerNames"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["COSTCO COMPANIES INC", "PRICE COSTCO INC"]);
    assert_eq!(
        sec(&base, "submissions/CIK0000764478.json").await.json()["website"],
        "https://www.bestbuy.com"
    );

    let facts = sec(&base, "api/xbrl/companyfacts/CIK0000909832.json")
        .await
        .json();
    assert_eq!(facts["cik"], 909_832);
    let rev = &facts["facts"]["us-gaap"]["RevenueFromContractWithCustomerExcludingAssessedTax"]["units"]
        ["USD"];
    let rows = rev.as_array().expect("revenue rows");
    assert!(rows.iter().any(|r| r["fp"] == "FY"
        && r["form"] == "10-K"
        && r["frame"].is_string()
        && r["start"].is_string()));
    let annual: Vec<&Value> = rows.iter().filter(|r| r["fp"] == "FY").collect();
    let repeated = annual.iter().any(|a| {
        annual
            .iter()
            .any(|b| a["end"] == b["end"] && a["filed"] != b["filed"])
    });
    assert!(repeated, "the same period repeats in a later filing");
    let target = sec(&base, "api/xbrl/companyfacts/CIK0000027419.json")
        .await
        .json();
    assert!(target["facts"]["us-gaap"]["Revenues"]["units"]["USD"].is_array());
    assert!(
        target["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"].is_array()
    );
    assert_eq!(m.count_for("sec_edgar", "submissions", "target.com"), 1);
    assert_eq!(m.count("sec_edgar", "company-tickers"), 1);
}

#[tokio::test]
async fn undeclared_tools_are_refused_and_unknown_ciks_are_404() {
    let m = mock().await;
    let base = m.url_for("sec_edgar");
    for path in [
        "files/company_tickers.json",
        "submissions/CIK0000909832.json",
        "api/xbrl/companyfacts/CIK0000909832.json",
    ] {
        let got = get(&format!("{base}/{path}")).await;
        assert_eq!(got.status, 403, "{path}");
        assert!(
            got.header("content-type")
                .expect("type")
                .starts_with("text/html")
        );
        assert!(got.text().contains(
            "identified as part of a network of automated tools outside of the acceptable policy"
        ));
    }
    let no_email = send(
        client()
            .get(format!("{base}/files/company_tickers.json"))
            .header("user-agent", "MyBot/1.0"),
    )
    .await;
    assert_eq!(no_email.status, 403);
    assert_eq!(
        sec(&base, "submissions/CIK0000000001.json").await.status,
        404
    );
    assert_eq!(sec(&base, "submissions/CIK1.json").await.status, 404);
    assert_eq!(m.count_for("sec_edgar", "submissions", "CIK0000000001"), 1);
}

#[tokio::test]
async fn rate_limit_page_is_a_fault_kind() {
    let m = mock().await;
    let base = m.url_for("sec_edgar");
    m.set_fault(Fault::new("sec_edgar", FaultKind::RateLimitPage).endpoint("submissions"));
    let got = sec(&base, "submissions/CIK0000909832.json").await;
    assert_eq!(got.status, 403);
    assert!(
        got.text()
            .contains("<title>SEC.gov | Request Rate Threshold Exceeded</title>")
    );
    assert!(got.text().contains("limited for 10 minutes"));
    assert_eq!(
        sec(&base, "submissions/CIK0000909832.json").await.status,
        200
    );
}
