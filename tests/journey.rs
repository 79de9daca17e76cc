//! The AE's first day, end to end in the real window: start on an empty encrypted store (key in
//! the OS keyring) in demo mode, import a CSV (with a rejected row in the preview), enrich three
//! accounts against the mock APIs, receive the hot-lead notification on the session bus and click
//! it (the brief opens), check the brief's sections and source badges, search with the palette,
//! see the spend on the usage page, and save an API key in Settings. After the app closes: the
//! database on disk is encrypted, and the API key is in the keyring but in no file the app wrote.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::desktop::bus::NotificationDaemon;
use crate::desktop::driver::{TestResult, launch, screenshot};

const CSV: &str = "domain,name,region,segment\n\
costco.com,Costco Wholesale,NA,Enterprise\n\
target.com,Target,NA,Enterprise\n\
not a domain,Broken Row,NA,SMB\n\
bestbuy.com,Best Buy,NA,Enterprise\n";
const ENRICHED: [&str; 3] = ["bestbuy.com", "costco.com", "target.com"];
/// A made-up key that must end up in the keyring and nowhere else.
const API_KEY: &str = "pf-e2e-secret-9d2c41f7a6";
const SLOW: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(20);

/// Polls `script` (a function body returning a value) until it returns something truthy.
async fn until(client: &Client, timeout: Duration, what: &str, script: &str) -> TestResult<Value> {
    let start = Instant::now();
    let mut last = Value::Null;
    while start.elapsed() < timeout {
        if let Ok(v) = client.execute(script, Vec::new()).await {
            let truthy = !matches!(&v, Value::Null | Value::Bool(false))
                && v.as_array().is_none_or(|a| !a.is_empty())
                && v.as_str().is_none_or(|s| !s.is_empty());
            if truthy {
                return Ok(v);
            }
            last = v;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Err(format!("timed out after {timeout:?} waiting for {what}; last: {last}").into())
}

async fn click(client: &Client, css: &str) -> TestResult {
    client.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

/// Sets a field's value the way typing does (an `input` event), for multi-line text.
async fn fill(client: &Client, css: &str, text: &str) -> TestResult {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('input', { bubbles: true })); return true;",
            vec![json!(css), json!(text)],
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs tauri-driver, WebKitWebDriver, Xvfb, a session bus with a keyring and a custom-protocol build; run by scripts/test.sh"]
async fn an_ae_imports_enriches_is_notified_reads_the_brief_and_sees_the_spend() -> TestResult {
    let daemon = NotificationDaemon::start().await?;
    let data = tempfile::tempdir()?;
    let exports = tempfile::tempdir()?;
    let dir = data.path().to_str().ok_or("temp dir is not UTF-8")?;
    let export_dir = exports.path().to_str().ok_or("temp dir is not UTF-8")?;
    // Demo scores put Costco at 60 and Target at 63: a hot threshold of 60 makes both hot.
    let (driver, client) = launch(
        &["--data-dir", dir, "--demo", "--no-samples"],
        &[
            ("PARTNERFORGE_SCORING_HOT", "60"),
            ("PARTNERFORGE_EXPORT_DIR", export_dir),
        ],
    )
    .await?;
    let outcome = journey(&client, &daemon).await;
    let closed = client.close().await;
    drop(driver);
    outcome?;
    closed?;
    after_the_run(data.path())
}

async fn journey(client: &Client, daemon: &NotificationDaemon) -> TestResult {
    // An empty store, in demo mode.
    until(client, SLOW, "the empty accounts page", "return document.querySelector('#empty') !== null && document.querySelector('table#accounts').dataset.ready === 'true';").await?;
    until(
        client,
        STEP,
        "the DEMO badge",
        "return document.querySelector('#demo-badge') !== null;",
    )
    .await?;

    // Import: the preview shows the rejected row, the confirm imports the three good ones.
    click(client, "#import-open").await?;
    fill(client, "#import-text", CSV).await?;
    click(client, "#import-preview").await?;
    let summary = until(client, STEP, "the import preview", "const s = document.querySelector('#import-summary'); return s && [s.dataset.accepted, s.dataset.rejected];").await?;
    assert_eq!(summary, json!(["3", "1"]), "3 rows to import, 1 rejected");
    let rejected = client
        .find(Locator::Css("#import-rejected tr[data-line]"))
        .await?
        .text()
        .await?;
    assert!(
        rejected.contains("not a domain"),
        "the rejected row is shown: {rejected}"
    );
    click(client, "#import-confirm").await?;
    let rows = until(client, STEP, "three imported rows", "const r = Array.from(document.querySelectorAll('table#accounts tbody tr'), r => r.dataset.domain).sort(); return r.length === 3 ? r : null;").await?;
    assert_eq!(rows, json!(ENRICHED));
    screenshot(client, "accounts").await?;

    // Enrich the three selected accounts; progress shows, then every row has a score.
    click(client, "#select-all").await?;
    click(client, "#enrich-selected").await?;
    until(client, SLOW, "scores on all three rows", "return document.querySelectorAll('table#accounts tbody tr .score-badge[data-score]').length === 3 && document.querySelector('#job-progress') === null;").await?;
    screenshot(client, "accounts-enriched").await?;

    // The hot-lead notification reached the session bus once per hot account.
    let start = Instant::now();
    let hot = loop {
        let hot: Vec<_> = daemon
            .shown()
            .into_iter()
            .filter(|n| n.summary.contains("is hot"))
            .collect();
        if !hot.is_empty() || start.elapsed() > STEP {
            break hot;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        !hot.is_empty(),
        "a hot-lead notification: {:?}",
        daemon.shown()
    );
    let first = &hot[0];
    assert_eq!(first.app_name, "PartnerForge");
    assert!(!first.body.is_empty(), "the notification says why");
    assert!(
        first.actions.iter().any(|a| a == "default"),
        "clickable: {:?}",
        first.actions
    );
    let mut summaries: Vec<&str> = hot.iter().map(|n| n.summary.as_str()).collect();
    summaries.dedup();
    assert_eq!(
        summaries.len(),
        hot.len(),
        "each hot account notified once: {summaries:?}"
    );

    // Clicking it opens that account's brief.
    daemon.click(first.id).await?;
    let domain = until(client, STEP, "the brief opened by the click", "const b = document.querySelector('#brief'); return b && b.dataset.ready === 'true' && b.dataset.domain;").await?;
    let domain = domain.as_str().unwrap_or_default().to_owned();
    assert!(ENRICHED.contains(&domain.as_str()), "brief of {domain}");
    let name = if domain == "costco.com" {
        "Costco"
    } else {
        "Target"
    };
    assert!(
        first.summary.contains(name),
        "the notification named the account it opens: {} vs {domain}",
        first.summary
    );

    // The brief: sections with source badges, and the "what changed" block.
    let modules = until(client, STEP, "brief sections", "return Array.from(document.querySelectorAll('#brief .intel-card[data-module]'), c => c.dataset.module);").await?;
    let modules: Vec<String> = serde_json::from_value(modules)?;
    for m in ["M01", "M02", "M03", "M06"] {
        assert!(modules.iter().any(|x| x == m), "section {m} in {modules:?}");
    }
    let sources = until(client, STEP, "source badges", "return Array.from(new Set(Array.from(document.querySelectorAll('#brief .source-badge[data-source]'), b => b.dataset.source))).sort();").await?;
    let sources: Vec<String> = serde_json::from_value(sources)?;
    for s in ["builtwith", "similarweb", "website"] {
        assert!(sources.iter().any(|x| x == s), "badge {s} in {sources:?}");
    }
    assert!(
        client.find(Locator::Css("#changes")).await.is_ok(),
        "what changed since the last call"
    );
    screenshot(client, "brief").await?;

    // Search everything from the palette.
    click(client, "#palette-open").await?;
    let input = client.find(Locator::Css("#palette-input")).await?;
    input.send_keys("Target").await?;
    let hits = until(client, STEP, "palette results", "return Array.from(document.querySelectorAll('.palette-result[data-domain]'), r => r.dataset.domain);").await?;
    assert!(
        hits.as_array()
            .is_some_and(|h| h.iter().any(|d| d == "target.com")),
        "target.com found: {hits}"
    );
    input.send_keys("\u{e00c}").await?; // Escape closes it.
    until(
        client,
        STEP,
        "the palette closed by Escape",
        "return document.querySelector('#palette') === null;",
    )
    .await?;

    // The spend appears on the usage page.
    click(client, "#nav-usage").await?;
    let spent = until(client, STEP, "spend on the usage page", "const t = document.querySelector('#usage-total[data-micros]'); return t && Number(t.dataset.micros) > 0 && Number(t.dataset.micros);").await?;
    assert!(spent.as_f64().unwrap_or(0.0) > 0.0);
    until(client, STEP, "the usage page painted", "const u = document.querySelector('section#usage'); return !!u && u.dataset.ready === 'true' && document.querySelector('#brief') === null;").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    screenshot(client, "usage").await?;

    // A click on a row of the accounts list opens that account's brief.
    click(client, "#nav-accounts").await?;
    until(client, STEP, "the accounts list", "return document.querySelector('table#accounts tbody tr[data-domain=\"bestbuy.com\"]') !== null;").await?;
    click(
        client,
        "table#accounts tbody tr[data-domain='bestbuy.com'] td.cell-name",
    )
    .await?;
    until(client, STEP, "Best Buy's brief", "const b = document.querySelector('#brief'); return !!b && b.dataset.ready === 'true' && b.dataset.domain === 'bestbuy.com';").await?;

    // An API key entered in Settings goes to the keyring.
    click(client, "#nav-settings").await?;
    let field = until(
        client,
        STEP,
        "the BuiltWith key field",
        "return document.querySelector('#key-builtwith') !== null;",
    )
    .await;
    field?;
    client
        .find(Locator::Css("#key-builtwith"))
        .await?
        .send_keys(API_KEY)
        .await?;
    click(client, "#save-key-builtwith").await?;
    until(client, STEP, "the key saved and the field cleared", "const k = document.querySelector('#key-builtwith'); return k && k.value === '' && document.body.textContent.includes('Key set');").await?;
    screenshot(client, "settings").await?;
    Ok(())
}

/// After the app closed: an encrypted file, and the key nowhere on disk but in the keyring.
fn after_the_run(data: &Path) -> TestResult {
    let db = data.join("demo").join(pf_store::DB_FILE);
    let bytes = std::fs::read(&db)?;
    assert!(
        bytes.len() >= 4096,
        "the store was written: {} bytes",
        bytes.len()
    );
    assert!(
        !bytes.starts_with(b"SQLite format 3\0"),
        "the database on disk is encrypted"
    );
    // Neither the file nor its write-ahead log holds a readable account domain.
    for file in [db.clone(), db.with_extension("db-wal")] {
        if let Ok(content) = std::fs::read(&file) {
            assert!(
                !content.windows(10).any(|w| w == b"costco.com"),
                "plaintext in {}",
                file.display()
            );
        }
    }
    let mut scanned = 0;
    for entry in walk(data)? {
        let content = std::fs::read(&entry)?;
        scanned += 1;
        assert!(
            !content
                .windows(API_KEY.len())
                .any(|w| w == API_KEY.as_bytes()),
            "the API key leaked into {}",
            entry.display()
        );
    }
    let log = data.join(partnerforge_desktop::LOG_FILE);
    assert!(
        std::fs::metadata(&log)?.len() > 0,
        "the app logged to {}",
        log.display()
    );
    assert!(scanned >= 3, "database, log and more scanned: {scanned}");
    // The key is in the OS keyring: the store reads it back from there.
    let store = pf_store::Store::open(&pf_store::OpenOptions::new(data.join("demo")))?;
    let id = pf_core::SourceId::new("builtwith")?;
    assert_eq!(
        store.api_key(&id)?.as_deref().map(String::as_str),
        Some(API_KEY)
    );
    store.delete_api_key(&id)?;
    Ok(())
}

fn walk(dir: &Path) -> TestResult<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}
