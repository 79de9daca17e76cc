//! The Admin page in the real window, against an in-process sync server: an admin logs in from
//! Settings, the `Admin` entry appears in the navigation, a territory form with no name is
//! refused next to the field before anything is sent, then a territory, a budget (after a hard
//! cap below the limit is refused) and a flag are saved and listed. Then the Accounts page shows
//! the synced accounts, and its territory filter narrows them to one territory's and back.

use std::time::{Duration, Instant};

use fantoccini::Client;
use pf_server::testing::{TestServer, seed_org};
use pf_store::PASSPHRASE_ENV;
use serde_json::{Value, json};

use crate::desktop::driver::{TestResult, launch, screenshot};

const FIRST_PAINT: Duration = Duration::from_secs(45);
const STEP: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs tauri-driver, WebKitWebDriver, Xvfb, a keyring session and a custom-protocol build; run by scripts/test.sh"]
async fn an_admin_edits_territories_budgets_and_flags() -> TestResult {
    let server = TestServer::start().await?;
    let org = seed_org(server.store.as_ref()).await?;
    let data = tempfile::tempdir()?;
    let dir = data.path().to_str().ok_or("temp dir is not UTF-8")?;
    let (driver, client) = launch(
        &["--data-dir", dir, "--no-samples"],
        &[(PASSPHRASE_ENV, "admin-page-test-passphrase")],
    )
    .await?;
    let token = org.tokens["admin@a.test"].clone();
    let outcome = drive(&client, &server.url(), &token, &org.team_a.to_string()).await;
    let closed = client.close().await;
    drop(driver);
    outcome?;
    closed?;
    Ok(())
}

async fn drive(client: &Client, url: &str, token: &str, team: &str) -> TestResult {
    until(
        client,
        FIRST_PAINT,
        "the app",
        "return !!document.querySelector('#nav-settings');",
    )
    .await?;
    assert!(
        !exists(client, "#nav-admin").await?,
        "no Admin page before logging in"
    );
    log_in_and_sync(client, url, token).await?;
    until(
        client,
        STEP,
        "the Admin entry",
        "return !!document.querySelector('#nav-admin');",
    )
    .await?;
    click(client, "#nav-admin").await?;
    until(
        client,
        STEP,
        "the Admin page",
        "const a = document.querySelector('#admin'); return a && a.dataset.ready === 'true' && a.dataset.role;",
    )
    .await?;

    // Checked before sending: no name.
    click(client, "#territory-save").await?;
    let code = until(
        client,
        STEP,
        "the name error",
        "const e = document.querySelector('#err-territory-name'); return e && e.dataset.code;",
    )
    .await?;
    assert_eq!(code, json!("ui.invalid"));

    fill(client, "#territory-name", "dach").await?;
    fill(client, "#territory-owner", "manager@a.test").await?;
    fill(client, "#territory-members", "ae@a.test").await?;
    fill(client, "#territory-countries", "DE, AT, CH").await?;
    click(client, "#territory-save").await?;
    until(
        client,
        STEP,
        "the new territory in the list",
        "return document.querySelector('#territory-list').textContent.includes('dach');",
    )
    .await?;

    select(client, "#budget-team", team).await?;
    fill(client, "#budget-monthly_limit", "500").await?;
    fill(client, "#budget-hard_cap", "100").await?;
    click(client, "#budget-save").await?;
    until(
        client,
        STEP,
        "the hard cap error",
        "return !!document.querySelector('#err-budget-hard_cap');",
    )
    .await?;
    fill(client, "#budget-hard_cap", "600").await?;
    click(client, "#budget-save").await?;
    let listed = format!(
        "return !!document.querySelector('#budget-list li[data-team=\"{team}\"] .budget');"
    );
    until(client, STEP, "the team's budget bar", &listed).await?;

    fill(client, "#flag-key", "new-brief").await?;
    fill(client, "#flag-rollout", "30").await?;
    click(client, "#flag-save").await?;
    until(
        client,
        STEP,
        "the flag in the list",
        "return !!document.querySelector('#flag-list tr[data-key=\"new-brief\"]');",
    )
    .await?;
    screenshot(client, "admin").await?;

    // The accounts the server gave this laptop, narrowed by a synced territory and back.
    click(client, "#nav-accounts").await?;
    until(
        client,
        STEP,
        "the synced accounts",
        "return !!document.querySelector('tbody tr[data-domain=\"costco.com\"]');",
    )
    .await?;
    until(
        client,
        STEP,
        "the synced territories in the filter",
        "return [...document.querySelectorAll('#filter-territory option')].some(o => o.value === 'emea');",
    )
    .await?;
    select(client, "#filter-territory", "emea").await?;
    let shown = until(
        client,
        STEP,
        "only the territory's accounts",
        "const d = [...document.querySelectorAll('tbody tr[data-domain]')].map(r => r.dataset.domain).sort();
         return !d.includes('costco.com') && d.length > 0 && d.join(',');",
    )
    .await?;
    assert_eq!(shown, json!("tesco.co.uk,zalando.de"), "emea's accounts");
    screenshot(client, "accounts-territory-filter").await?;
    select(client, "#filter-territory", "").await?;
    until(
        client,
        STEP,
        "every account again",
        "return document.querySelectorAll('tbody tr[data-domain]').length === 4;",
    )
    .await?;
    Ok(())
}

/// Logs in from Settings › Sync server and runs one sync round with "Sync now" (whether or not
/// the sources' hosts answer here: the background loop waits for them).
pub(crate) async fn log_in_and_sync(client: &Client, url: &str, token: &str) -> TestResult {
    click(client, "#nav-settings").await?;
    until(
        client,
        STEP,
        "the sync form",
        "return !!document.querySelector('#server-url');",
    )
    .await?;
    fill(client, "#server-url", url).await?;
    fill(client, "#server-token", token).await?;
    click(client, "#server-login").await?;
    // The app reloads after a login: press "Sync now" whenever it can be pressed until the
    // form says when it last synced.
    let v = until(
        client,
        STEP,
        "a finished sync",
        "const w = document.querySelector('#sync-who'); const e = document.querySelector('#err-sync');
         if (e) return 'error ' + e.dataset.code;
         if (w && w.textContent.includes('last sync')) return 'synced';
         const s = document.querySelector('#settings-sync'); const b = document.querySelector('#sync-now');
         if (s && s.dataset.loggedIn === 'true' && b && !b.disabled) b.click();
         return false;",
    )
    .await?;
    match v.as_str() {
        Some("synced") => Ok(()),
        _ => Err(format!("the sync: {v}").into()),
    }
}

/// Polls `script` until it returns something truthy.
pub(crate) async fn until(
    client: &Client,
    timeout: Duration,
    what: &str,
    script: &str,
) -> TestResult<Value> {
    let start = Instant::now();
    let mut last = Value::Null;
    while start.elapsed() < timeout {
        if let Ok(v) = client.execute(script, Vec::new()).await {
            if !matches!(&v, Value::Null | Value::Bool(false)) && v.as_str() != Some("") {
                return Ok(v);
            }
            last = v;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Err(format!("timed out after {timeout:?} waiting for {what}; last: {last}").into())
}

pub(crate) async fn exists(client: &Client, css: &str) -> TestResult<bool> {
    let v = client
        .execute(
            "return !!document.querySelector(arguments[0]);",
            vec![json!(css)],
        )
        .await?;
    Ok(v == json!(true))
}

pub(crate) async fn click(client: &Client, css: &str) -> TestResult {
    client
        .execute(
            "document.querySelector(arguments[0]).click(); return true;",
            vec![json!(css)],
        )
        .await?;
    Ok(())
}

/// Sets a field's value the way typing does.
pub(crate) async fn fill(client: &Client, css: &str, text: &str) -> TestResult {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('input', { bubbles: true })); return true;",
            vec![json!(css), json!(text)],
        )
        .await?;
    Ok(())
}

pub(crate) async fn select(client: &Client, css: &str, value: &str) -> TestResult {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('change', { bubbles: true })); return e.value === arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await?;
    Ok(())
}
