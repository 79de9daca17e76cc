//! The Privacy page in the real window, local-only set-up: an access request writes its export
//! and completes, an erasure needs a second click to confirm and completes with the subject
//! masked, the audit log lists both, and "Purge now" runs the retention purge.

use fantoccini::Client;
use pf_store::PASSPHRASE_ENV;
use std::time::Duration;

use crate::admin_page::{click, exists, fill, select, until};
use crate::desktop::driver::{TestResult, launch, screenshot};

const FIRST_PAINT: Duration = Duration::from_secs(45);
const STEP: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs tauri-driver, WebKitWebDriver, Xvfb, a keyring session and a custom-protocol build; run by scripts/test.sh"]
async fn a_user_files_access_and_erasure_requests_and_reads_the_audit_log() -> TestResult {
    let data = tempfile::tempdir()?;
    let exports = tempfile::tempdir()?;
    let dir = data.path().to_str().ok_or("temp dir is not UTF-8")?;
    let out = exports.path().to_str().ok_or("temp dir is not UTF-8")?;
    let (driver, client) = launch(
        &["--data-dir", dir],
        &[
            (PASSPHRASE_ENV, "privacy-page-test-passphrase"),
            ("PARTNERFORGE_EXPORT_DIR", out),
        ],
    )
    .await?;
    let outcome = drive(&client).await;
    let closed = client.close().await;
    drop(driver);
    outcome?;
    closed?;
    let written: Vec<_> = std::fs::read_dir(exports.path())?.flatten().collect();
    assert_eq!(
        written.len(),
        0,
        "the access export named the subject: the erasure deleted it"
    );
    Ok(())
}

async fn drive(client: &Client) -> TestResult {
    until(
        client,
        FIRST_PAINT,
        "the app",
        "return !!document.querySelector('#nav-privacy');",
    )
    .await?;
    click(client, "#nav-privacy").await?;
    until(
        client,
        STEP,
        "the privacy page",
        "return document.querySelector('section#privacy')?.dataset.ready === 'true';",
    )
    .await?;
    assert!(
        !exists(client, "#privacy-managed").await?,
        "local-only: requests are filed here"
    );

    select(client, "#privacy-kind", "access").await?;
    fill(client, "#privacy-email", "ana.buyer@costco.com").await?;
    fill(client, "#privacy-name", "Ana Buyer").await?;
    click(client, "#privacy-submit").await?;
    until(client, STEP, "the completed access request",
        "return !!document.querySelector('table#privacy-requests tr[data-kind=\"access\"][data-status=\"completed\"]');").await?;
    until(client, STEP, "the export path",
        "return (document.querySelector('#privacy-last')?.textContent || '').includes('privacy-access-');").await?;

    select(client, "#privacy-kind", "erasure").await?;
    fill(client, "#privacy-email", "ana.buyer@costco.com").await?;
    fill(client, "#privacy-name", "Ana Buyer").await?;
    click(client, "#privacy-submit").await?;
    until(client, STEP, "the confirmation step",
        "return (document.querySelector('#privacy-submit')?.textContent || '').includes('confirm');").await?;
    assert!(
        !exists(client, "tr[data-kind=\"erasure\"]").await?,
        "nothing erased before confirming"
    );
    click(client, "#privacy-submit").await?;
    until(client, STEP, "the completed erasure",
        "return !!document.querySelector('table#privacy-requests tr[data-kind=\"erasure\"][data-status=\"completed\"]');").await?;
    let subjects = until(client, STEP, "masked subjects",
        "const t = document.querySelector('table#privacy-requests').textContent; return t.includes('a***@costco.com') ? t : false;").await?;
    assert!(
        !subjects.to_string().contains("ana.buyer@"),
        "completed requests show only the mask: {subjects}"
    );

    until(client, STEP, "the audit log",
        "return document.querySelectorAll('table#audit-log tr[data-action=\"privacy.complete\"]').length === 2;").await?;
    fill(client, "#audit-filter", "export.").await?;
    until(client, STEP, "the filtered audit log",
        "const rows = [...document.querySelectorAll('table#audit-log tbody tr')]; return rows.length > 0 && rows.every(r => r.dataset.action.startsWith('export.'));").await?;

    click(client, "#retention-purge").await?;
    until(client, STEP, "the purge toast",
        "return [...document.querySelectorAll('.toast[data-kind=\"success\"]')].some(t => t.textContent.includes('Retention purge'));").await?;
    screenshot(client, "privacy-page").await?;
    Ok(())
}
