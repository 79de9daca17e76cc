//! The desktop app's figures, measured in the real window under WebDriver (run with
//! `xvfb-run -a cargo bench -p partnerforge-desktop --bench desktop`, after
//! `trunk build --release --config ui/Trunk.toml && cargo build --release -p partnerforge-desktop
//! --features custom-protocol`; `PF_DESKTOP_BIN` picks another binary):
//!
//! - cold start: from starting the app to the first painted accounts list (wall clock);
//! - brief open time with 10,000 accounts stored: from the click on a row to the first frame
//!   painted with the brief's content, measured inside the page, over 20 opens;
//! - idle memory: resident memory of the app and its WebKit processes after 5 s idle;
//! - the release binary's size.
//!
//! The store is seeded first: one account enriched against the in-process mock APIs, its
//! results copied to 10,000 accounts (so every brief is a full one). `PF_BENCH_ACCOUNTS` changes
//! the count.

#[path = "../tests/desktop/driver.rs"]
#[allow(dead_code)] // shared with the tests, which use all of it
mod driver;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use driver::{TestResult, launch};
use fantoccini::Client;
use pf_core::{Domain, NewAccount};
use pf_engine::{Config, Engine, JobRequest, Registry};
use pf_store::{JobId, KeySource, OpenOptions, PASSPHRASE_ENV, Store};
use serde_json::Value;

const PASSPHRASE: &str = "desktop-bench-passphrase";
const OPENS: usize = 20;

fn main() -> TestResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> TestResult {
    let accounts: usize = std::env::var("PF_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    if std::env::var_os("PF_DESKTOP_BIN").is_none() {
        let release = target_dir().join("release").join("partnerforge-desktop");
        if release.is_file() {
            driver::set_app_binary(release);
        }
    }
    let data = tempfile::tempdir()?;
    let t = Instant::now();
    seed(data.path(), accounts).await?;
    eprintln!(
        "seeded {accounts} accounts with full intelligence in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let dir = data.path().to_str().ok_or("temp dir is not UTF-8")?;

    let started = Instant::now();
    let (drv, client) = launch(&["--data-dir", dir], &[(PASSPHRASE_ENV, PASSPHRASE)]).await?;
    let outcome = measure(&client, started).await;
    let closed = client.close().await;
    drop(drv);
    let figures = outcome?;
    closed?;
    let backend = backend_brief_ms(data.path())?;
    println!(
        "desktop figures ({accounts} accounts stored, binary {}):",
        driver::app_binary()?.display()
    );
    println!(
        "  cold start to first painted accounts list: {:.0} ms",
        figures.cold_ms
    );
    println!(
        "  brief open, click to painted, {OPENS} opens: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (goal < 100 ms)",
        figures.p50, figures.p95, figures.max
    );
    println!(
        "  click to the brief in the DOM (before paint): p50 {:.1} ms; idle frame interval {:.1} ms",
        figures.dom_p50, figures.frame_ms
    );
    println!(
        "  of which the shell builds the brief (the command alone): p50 {:.1} ms, p95 {:.1} ms",
        backend.0, backend.1
    );
    println!(
        "  idle memory (app + WebKit processes, RSS): {:.0} MB",
        figures.idle_mb
    );
    match std::fs::metadata(target_dir().join("release").join("partnerforge-desktop")) {
        Ok(m) => println!("  release binary: {:.1} MB", m.len() as f64 / 1e6),
        Err(_) => println!(
            "  release binary: not built (cargo build --release -p partnerforge-desktop --features custom-protocol)"
        ),
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

struct Figures {
    cold_ms: f64,
    p50: f64,
    p95: f64,
    max: f64,
    /// Click to the brief's content in the DOM (before painting).
    dom_p50: f64,
    /// The webview's idle frame interval (software rendering under Xvfb).
    frame_ms: f64,
    idle_mb: f64,
}

const LIST_READY: &str = "const t = document.querySelector('table#accounts'); return !!t && t.dataset.ready === 'true' && t.querySelectorAll('tbody tr').length > 0;";

const OPEN_BRIEF: &str = r#"
const done = arguments[arguments.length - 1];
const rows = document.querySelectorAll('table#accounts tbody tr[data-domain]');
const row = rows[arguments[0] % rows.length];
const domain = row.dataset.domain;
let inDom = null;
const t0 = performance.now();
// The brief's content is in the DOM: the next frame paints it. A rAF callback runs just before
// that paint, and a task queued from it runs just after: that is "painted".
const seen = () => {
  const b = document.querySelector('#brief');
  return b && b.dataset.domain === domain && b.querySelector('.intel-card') !== null;
};
const observer = new MutationObserver(() => {
  if (inDom !== null || !seen()) return;
  inDom = performance.now() - t0;
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => done([performance.now() - t0, inDom]), 0));
});
observer.observe(document.body, { subtree: true, childList: true, attributes: true });
row.click();
"#;

/// The webview's frame interval while idle, averaged over 30 frames.
const FRAME_INTERVAL: &str = r#"
const done = arguments[arguments.length - 1];
let n = 0; const t0 = performance.now();
function tick() { if (++n === 30) done((performance.now() - t0) / 30); else requestAnimationFrame(tick); }
requestAnimationFrame(tick);
"#;

async fn until(client: &Client, script: &str, timeout: Duration) -> TestResult {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if client.execute(script, Vec::new()).await.ok() == Some(Value::Bool(true)) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("timed out: {script}").into())
}

async fn measure(client: &Client, started: Instant) -> TestResult<Figures> {
    until(client, LIST_READY, Duration::from_secs(90)).await?;
    let cold_ms = started.elapsed().as_secs_f64() * 1e3;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle_mb = app_rss_mb();
    let frame_ms = client
        .execute_async(FRAME_INTERVAL, Vec::new())
        .await?
        .as_f64()
        .unwrap_or(-1.0);
    let mut samples = Vec::new();
    let mut dom = Vec::new();
    for i in 0..OPENS {
        let v = client
            .execute_async(OPEN_BRIEF, vec![Value::from(i * 7)])
            .await?;
        samples.push(v[0].as_f64().ok_or("no timing")?);
        dom.push(v[1].as_f64().unwrap_or(-1.0));
        client
            .execute(
                "document.querySelector('#nav-accounts').click(); return true;",
                Vec::new(),
            )
            .await?;
        until(client, LIST_READY, Duration::from_secs(30)).await?;
        // Let the list settle (its own paint) before the next click.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    samples.sort_by(f64::total_cmp);
    dom.sort_by(f64::total_cmp);
    let pct = |v: &[f64], p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    Ok(Figures {
        cold_ms,
        p50: pct(&samples, 0.5),
        p95: pct(&samples, 0.95),
        max: pct(&samples, 1.0),
        dom_p50: pct(&dom, 0.5),
        frame_ms,
        idle_mb,
    })
}

/// The brief command alone, on the same store: p50 and p95 over 20 opens of different accounts.
fn backend_brief_ms(dir: &Path) -> TestResult<(f64, f64)> {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Passphrase(PASSPHRASE.into())))?;
    let domains: Vec<String> = store
        .list_accounts()?
        .iter()
        .step_by(97)
        .take(OPENS)
        .map(|a| a.domain.as_str().to_owned())
        .collect();
    let state = partnerforge_desktop::AppState::ready(store, dir);
    let session = state.session().map_err(|e| e.message)?;
    let mut samples = Vec::new();
    for d in &domains {
        let t = Instant::now();
        partnerforge_desktop::commands::brief::open(
            &session,
            d,
            None,
            time::OffsetDateTime::now_utc(),
        )
        .map_err(|e| e.message)?;
        samples.push(t.elapsed().as_secs_f64() * 1e3);
    }
    samples.sort_by(f64::total_cmp);
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    Ok((pct(0.5), pct(0.95)))
}

/// RSS of the app and every process below it (WebKit's web and network processes).
fn app_rss_mb() -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    let mut procs = Vec::new();
    for e in entries.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let name = status.lines().next().unwrap_or_default().to_owned();
        procs.push((pid, field("PPid:") as u32, field("VmRSS:"), name));
    }
    let roots: Vec<u32> = procs
        .iter()
        .filter(|p| p.3.contains("partnerforge-de"))
        .map(|p| p.0)
        .collect();
    let mut tree = roots.clone();
    let mut grew = true;
    while grew {
        grew = false;
        for p in &procs {
            if tree.contains(&p.1) && !tree.contains(&p.0) {
                tree.push(p.0);
                grew = true;
            }
        }
    }
    procs
        .iter()
        .filter(|p| tree.contains(&p.0))
        .map(|p| p.2 as f64 / 1024.0)
        .sum()
}

/// A store with `n` accounts, each with the full intelligence of one real enrichment.
async fn seed(dir: &Path, n: usize) -> TestResult {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Passphrase(PASSPHRASE.into())))?;
    let mock = pf_mock_apis::MockApis::start()
        .await
        .map_err(|e| format!("mock APIs: {e}"))?;
    let mut config = Config::in_memory();
    for source in pf_engine::sources::builtin() {
        let id = source.descriptor().id.clone();
        config.set(
            &format!("sources.{id}.base_url"),
            &mock.url_for(id.as_str()),
        )?;
    }
    store.upsert_account(&NewAccount {
        domain: Some(Domain::parse("costco.com")?),
        name: Some("Costco Wholesale".into()),
        ..NewAccount::default()
    })?;
    let store = Arc::new(Mutex::new(store));
    let mut engine = Engine::new(
        store.clone(),
        &config,
        pf_engine::sources::configured(&config)?,
        Registry::configured(&config)?,
    )?;
    let ids: Vec<_> = engine.source_ids().cloned().collect();
    for id in ids {
        engine = engine.with_session_key(&id, "00000000-0000-4000-8000-000000000000");
    }
    let costco = Domain::parse("costco.com")?;
    engine
        .enrich(&JobRequest {
            job: JobId::new("bench-seed"),
            domains: vec![costco.clone()],
            modules: None,
            force: false,
        })
        .await?;
    let store = store.lock().map_err(|_| "poisoned")?;
    let source = store.require_account(&costco)?;
    let results = store.intelligence_for(source.id)?;
    let domains = pf_mock_apis::data::sample_domains(n);
    for chunk in domains.chunks(500) {
        store.batch(|s| {
            for (i, d) in chunk.iter().enumerate() {
                let Ok(domain) = Domain::parse(d) else {
                    continue;
                };
                let name = d.split('.').next().unwrap_or(d).to_owned();
                let new = NewAccount {
                    domain: Some(domain),
                    name: Some(name),
                    region: Some(["NA", "EMEA", "APAC"][i % 3].into()),
                    ..NewAccount::default()
                };
                let id = s.upsert_account(&new)?.id();
                for r in &results {
                    s.put_intelligence(id, r.module, &r.intelligence, r.fetched_at, r.expires_at)?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}
