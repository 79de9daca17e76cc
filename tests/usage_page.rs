//! The Usage page's team budget in the real window: the manager of a team with a budget on the
//! sync server logs in and syncs, and the page shows the team's bar past its alert threshold
//! ("warm": $85 of $100, spent by an AE of the team on their own laptop), with the team's spend
//! from the server, and the alert naming the team. (AEs see their own spend only: team budgets
//! are the managers'.)

use fantoccini::Client;
use pf_server::testing::{TestServer, seed_org};
use pf_store::PASSPHRASE_ENV;
use pf_sync::{BudgetInput, CommitRequest, ReserveRequest};
use serde_json::json;

use crate::admin_page::{click, log_in_and_sync, until};
use crate::desktop::driver::{TestResult, launch, screenshot};
use std::time::Duration;

const FIRST_PAINT: Duration = Duration::from_secs(45);
const STEP: Duration = Duration::from_secs(20);
const SPENT: u64 = 85_000_000;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs tauri-driver, WebKitWebDriver, Xvfb, a keyring session and a custom-protocol build; run by scripts/test.sh"]
async fn a_manager_sees_the_team_budget_past_its_threshold() -> TestResult {
    let server = TestServer::start().await?;
    let org = seed_org(server.store.as_ref()).await?;
    let budget = BudgetInput {
        monthly_limit_micros: 100_000_000,
        alert_threshold_pct: 80,
        hard_cap_micros: 150_000_000,
        offline_allowance_micros: 5_000_000,
    };
    server.store.put_budget(org.team_a, budget).await?;
    // An AE of the team spent $85 on their laptop.
    let ae = server.client(&org.tokens["ae@a.test"])?;
    let held = ae
        .reserve(&ReserveRequest {
            source: "builtwith".into(),
            endpoint: "domain-api".into(),
            calls: 1,
            amount_micros: Some(SPENT),
            account: None,
            ttl_secs: Some(600),
        })
        .await?;
    ae.commit(&CommitRequest {
        reservation: held.id,
        actual_micros: SPENT,
    })
    .await?;

    let data = tempfile::tempdir()?;
    let dir = data.path().to_str().ok_or("temp dir is not UTF-8")?;
    let (driver, client) = launch(
        &["--data-dir", dir, "--no-samples"],
        &[(PASSPHRASE_ENV, "usage-page-test-passphrase")],
    )
    .await?;
    let outcome = drive(&client, &server.url(), &org.tokens["manager@a.test"]).await;
    let closed = client.close().await;
    drop(driver);
    outcome?;
    closed?;
    Ok(())
}

async fn drive(client: &Client, url: &str, token: &str) -> TestResult {
    until(
        client,
        FIRST_PAINT,
        "the app",
        "return !!document.querySelector('#nav-settings');",
    )
    .await?;
    log_in_and_sync(client, url, token).await?;
    click(client, "#nav-usage").await?;
    let bar = until(
        client,
        STEP,
        "the team's budget bar",
        "const t = document.querySelector('#team-budget'); const b = t && t.querySelector('.budget');
         return b && {micros: t.dataset.micros, state: b.dataset.state,
                      text: t.querySelector('.budget-text').textContent};",
    )
    .await?;
    assert_eq!(bar["micros"], json!(SPENT.to_string()), "{bar}");
    assert_eq!(bar["state"], json!("warm"), "past 80% of the limit: {bar}");
    assert_eq!(bar["text"], json!("$85.00 of $100.00 (85%)"), "{bar}");
    let alert = until(
        client,
        STEP,
        "the budget alert",
        "const a = document.querySelector('.budget-alert'); return a && a.textContent;",
    )
    .await?;
    assert_eq!(
        alert,
        json!("Team Enterprise East passed 80% of its monthly budget: $85.00 of $100.00."),
        "the alert names the team"
    );
    screenshot(client, "usage-team-budget").await?;
    Ok(())
}
