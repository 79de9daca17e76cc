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

use std::error::Error;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use pf_core::{Domain, NewAccount};
use pf_store::{KeySource, OpenOptions, PASSPHRASE_ENV, Store};
use serde::Deserialize;
use serde_json::json;

type TestResult<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

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
    let app = app_binary()?;

    let driver = TauriDriver::start()?;
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app, "args": ["--data-dir", data.path()] }),
    );
    let client = ClientBuilder::rustls()?
        .capabilities(caps)
        .connect(&driver.url())
        .await?;

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
    let first = rows[0].find(Locator::Css("td")).await?.text().await?;
    assert!(!first.trim().is_empty(), "rows show names");
    Ok(())
}

/// Saves `NAME.png` into `$PF_SCREENSHOT_DIR` when it is set (for the README and for eyes).
async fn screenshot(client: &Client, name: &str) -> TestResult {
    if let Some(dir) = std::env::var_os("PF_SCREENSHOT_DIR") {
        let png = client.screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
    }
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

/// The custom-protocol build of the app, as an absolute path: `$PF_DESKTOP_BIN`, else the binary
/// cargo built for this test run (which has the embedded UI only with `--features
/// custom-protocol`; without it the app would load the dev server URL).
fn app_binary() -> TestResult<PathBuf> {
    let path = match std::env::var_os("PF_DESKTOP_BIN") {
        Some(bin) => PathBuf::from(bin),
        None if cfg!(feature = "custom-protocol") => {
            PathBuf::from(env!("CARGO_BIN_EXE_partnerforge-desktop"))
        }
        None => {
            return Err(
                "the app must embed the UI: run with `--features custom-protocol` \
                        (after `trunk build --config ui/Trunk.toml`), or set PF_DESKTOP_BIN"
                    .into(),
            );
        }
    };
    let path = std::path::absolute(&path)?;
    if !path.is_file() {
        return Err(format!(
            "no app binary at {}: run `trunk build --config ui/Trunk.toml && cargo build \
             -p partnerforge-desktop --features custom-protocol`, or set PF_DESKTOP_BIN",
            path.display()
        )
        .into());
    }
    Ok(path)
}

/// What the page shows, read in one script call so it is consistent.
#[derive(Debug, Deserialize)]
struct Page {
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

async fn read_page(client: &Client) -> TestResult<Page> {
    let value = client.execute(READ_PAGE, Vec::new()).await?;
    Ok(serde_json::from_value(value)?)
}

/// Polls the page until `done` holds, or fails with the last page seen.
async fn wait_for(
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

/// `tauri-driver` on a free port, in its own process group; dropping it ends the group (the
/// driver, WebKitWebDriver and the app) even when the test fails.
struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    fn start() -> TestResult<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new(tauri_driver_binary());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // Reaches the app through WebKitWebDriver: the store's key comes from it.
            .env(PASSPHRASE_ENV, PASSPHRASE)
            .stdout(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|e| {
            format!("cannot start tauri-driver ({e}): `cargo install tauri-driver`")
        })?;
        let driver = Self { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > Duration::from_secs(20) {
                return Err("tauri-driver did not listen within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver; then make sure the group is gone.
        #[cfg(unix)]
        {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tauri_driver_binary() -> PathBuf {
    let name = "tauri-driver";
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|home| PathBuf::from(home).join(".cargo").join("bin").join(name))
                .filter(|p| p.is_file())
        })
        .unwrap_or_else(|| PathBuf::from(name))
}

fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}
