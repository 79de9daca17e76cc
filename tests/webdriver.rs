//! End-to-end test of the desktop app through WebDriver: the real binary, the real encrypted
//! store, the real webview.
//!
//! It seeds a store in a temp dir with four accounts, starts `tauri-driver` (which starts
//! Debian's `WebKitWebDriver`, which starts the app with `--data-dir`), and drives the accounts
//! page: all four listed (no sample accounts, the store was not empty), a search narrows the
//! table, a query with FTS syntax errors does not break the page, clearing lists all four again.
//!
//! Set `PF_SCREENSHOT_DIR` to keep screenshots of the list and of a search.
//!
//! Needs: `tauri-driver` (PATH or `~/.cargo/bin`), `WebKitWebDriver` (apt `webkit2gtk-driver`),
//! an X display (`xvfb-run -a`), and the UI built (`trunk build --config ui/Trunk.toml`). The app
//! is `$PF_DESKTOP_BIN`, else the binary cargo builds for this run, which must embed the UI:
//! `xvfb-run -a cargo test -p partnerforge-desktop --features custom-protocol --test webdriver
//! -- --include-ignored`.

mod admin_page;
mod desktop;
mod journey;
mod privacy_page;
mod usage_page;

use std::path::Path;
use std::time::{Duration, Instant};

use desktop::driver::{TestResult, launch, screenshot};
use fantoccini::{Client, Locator};
use pf_core::{Domain, NewAccount};
use pf_store::{KeySource, OpenOptions, PASSPHRASE_ENV, Store};
use serde::Deserialize;

const PASSPHRASE: &str = "webdriver-test-passphrase";
const ACCOUNTS: [(&str, &str, &str, &str); 4] = [
    ("costco.com", "Costco", "NA", "Enterprise"),
    ("target.com", "Target", "NA", "Enterprise"),
    ("bestbuy.com", "Best Buy", "NA", "Enterprise"),
    ("homedepot.com", "The Home Depot", "NA", "Enterprise"),
];
/// First paint of a cold webview can take ~5 s on a loaded machine.
const FIRST_PAINT: Duration = Duration::from_secs(45);
const STEP: Duration = Duration::from_secs(15);

#[tokio::test]
#[ignore = "needs tauri-driver, WebKitWebDriver, Xvfb and a custom-protocol build; run by scripts/test.sh"]
async fn accounts_are_listed_and_search_filters() -> TestResult {
    let data = tempfile::tempdir()?;
    seed_store(data.path())?;
    let dir = data.path().to_str().ok_or("temp dir is not UTF-8")?;
    // The store's key comes from the passphrase the app inherits through the driver.
    let (driver, client) = launch(&["--data-dir", dir], &[(PASSPHRASE_ENV, PASSPHRASE)]).await?;

    let outcome = drive(&client).await;
    // End the session (closes the app) before the driver goes, whatever happened.
    let closed = client.close().await;
    drop(driver);
    outcome?;
    closed?;
    Ok(())
}

async fn drive(client: &Client) -> TestResult {
    let all: Vec<&str> = ACCOUNTS.iter().map(|a| a.0).collect();
    let page = wait_for(client, FIRST_PAINT, |p| p.ready && p.has_domains(&all)).await?;
    assert_eq!(page.title, "PartnerForge", "header shows the product name");
    assert!(
        page.count.starts_with("4 accounts"),
        "count: {:?}",
        page.count
    );
    screenshot(client, "accounts").await?;

    let search = client.find(Locator::Css("#search")).await?;
    search.send_keys("costco").await?;
    let page = wait_for(client, STEP, |p| p.ready && p.has_domains(&["costco.com"])).await?;
    assert!(
        page.count.starts_with("1 account"),
        "count: {:?}",
        page.count
    );
    screenshot(client, "search").await?;

    // Broken FTS syntax is searched as plain words or reported, never a dead page.
    search.clear().await?;
    search.send_keys("\"unclosed").await?;
    let page = wait_for(client, STEP, |p| {
        p.query == "\"unclosed" && ((p.ready && p.empty) || p.error.is_some())
    })
    .await?;
    assert!(
        page.domains.is_empty(),
        "nothing matches: {:?}",
        page.domains
    );

    // Clearing the box lists every account again.
    search.clear().await?;
    let page = wait_for(client, STEP, |p| p.ready && p.has_domains(&all)).await?;
    assert_eq!(page.error, None);
    assert_eq!(page.marks, 0, "plain rows again, no snippets");

    // The same rows as WebDriver elements (not only via script).
    let rows = client
        .find_all(Locator::Css("table#accounts tbody tr"))
        .await?;
    assert_eq!(rows.len(), 4);
    let first = rows[0]
        .find(Locator::Css("td.cell-name"))
        .await?
        .text()
        .await?;
    assert!(!first.trim().is_empty(), "rows show names");
    Ok(())
}

/// Opens a store in `dir` with the test passphrase and adds the four accounts.
fn seed_store(dir: &Path) -> TestResult {
    let opts = OpenOptions::new(dir).key(KeySource::Passphrase(PASSPHRASE.into()));
    let store = Store::open(&opts)?;
    for (domain, name, region, segment) in ACCOUNTS {
        let new = NewAccount {
            domain: Some(Domain::parse(domain)?),
            name: Some(name.into()),
            region: Some(region.into()),
            segment: Some(segment.into()),
            ..NewAccount::default()
        };
        store.upsert_account(&new)?;
    }
    Ok(())
}

/// What the page shows, read in one script call so it is consistent.
#[derive(Debug, Deserialize)]
pub(crate) struct Page {
    ready: bool,
    title: String,
    count: String,
    query: String,
    domains: Vec<String>,
    /// Highlighted matches in search snippets.
    marks: usize,
    empty: bool,
    error: Option<String>,
}

impl Page {
    fn has_domains(&self, expected: &[&str]) -> bool {
        let mut seen: Vec<&str> = self.domains.iter().map(String::as_str).collect();
        let mut expected = expected.to_vec();
        seen.sort_unstable();
        expected.sort_unstable();
        seen == expected
    }
}

const READ_PAGE: &str = r#"
const table = document.querySelector('table#accounts');
const text = (sel) => { const e = document.querySelector(sel); return e ? e.textContent.trim() : ''; };
const error = document.querySelector('#error');
const search = document.querySelector('#search');
return {
  ready: !!table && table.dataset.ready === 'true',
  title: text('#app-title'),
  count: text('#count'),
  query: search ? search.value : '',
  domains: Array.from(document.querySelectorAll('table#accounts tbody tr'), r => r.dataset.domain),
  marks: document.querySelectorAll('table#accounts tbody mark').length,
  empty: !!document.querySelector('#empty'),
  error: error ? error.dataset.code + ': ' + error.textContent.trim() : null,
};
"#;

pub(crate) async fn read_page(client: &Client) -> TestResult<Page> {
    let value = client.execute(READ_PAGE, Vec::new()).await?;
    Ok(serde_json::from_value(value)?)
}

/// Polls the page until `done` holds, or fails with the last page seen.
pub(crate) async fn wait_for(
    client: &Client,
    timeout: Duration,
    done: impl Fn(&Page) -> bool,
) -> TestResult<Page> {
    let start = Instant::now();
    let mut last = None;
    while start.elapsed() < timeout {
        // The page may not exist yet right after the session starts.
        if let Ok(page) = read_page(client).await {
            if done(&page) {
                return Ok(page);
            }
            last = Some(page);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out after {timeout:?}; last page: {last:#?}").into())
}
