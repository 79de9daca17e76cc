//! The desktop's JSON file log: an enrichment of two domains logged through the app's own file
//! subscriber gives JSON lines only, every engine line of the job carries its `job_id` and every
//! line about a domain its `domain`, the BuiltWith key set for the run appears in no line, and
//! the file rotates daily with at most seven files kept.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use partnerforge_desktop::logging;
use pf_core::SourceId;
use pf_engine::{Config, Engine, JobRequest, Registry};
use pf_mock_apis::MockApis;
use pf_store::{JobId, KeySource, OpenOptions, Store};
use serde_json::Value;
use tracing_subscriber::EnvFilter;

use crate::support::domain;

/// A GUID-shaped BuiltWith key, unlike any the mock or the code knows.
const SECRET_KEY: &str = "7f3c9a2e-51d4-4b8e-9c0a-6e2f1d8b4a73";

fn engine(dir: &Path, mock: &pf_mock_apis::Endpoints) -> Engine {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Unencrypted)).expect("store");
    let mut config = Config::in_memory();
    for s in pf_engine::sources::builtin() {
        let id = s.descriptor().id.clone();
        config
            .set(
                &format!("sources.{id}.base_url"),
                &mock.url_for(id.as_str()),
            )
            .expect("base url");
        config
            .set(&format!("sources.{id}.rate_per_sec"), "0")
            .expect("rate");
    }
    config.set("user", "logger@example.com").expect("user");
    Engine::new(
        Arc::new(Mutex::new(store)),
        &config,
        pf_engine::sources::builtin(),
        Registry::configured(&config).expect("registry"),
    )
    .expect("engine")
    .with_session_key(&SourceId::new("builtwith").expect("id"), SECRET_KEY)
}

fn log_lines(dir: &Path) -> Vec<Value> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir).expect("log dir") {
        let path = entry.expect("entry").path();
        if !std::fs::symlink_metadata(&path).expect("meta").is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read log");
        assert!(
            !text.contains(SECRET_KEY),
            "the API key leaked into {}",
            path.display()
        );
        for line in text.lines() {
            lines.push(
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")),
            );
        }
    }
    lines
}

/// A field of the innermost span a line was emitted in.
fn span_field<'a>(line: &'a Value, field: &str) -> Option<&'a str> {
    line.get("span")?.get(field)?.as_str()
}

#[tokio::test]
async fn every_line_of_a_job_names_its_job_and_domain_and_no_key() {
    let mock = MockApis::start().await.expect("mock APIs");
    let data = tempfile::tempdir().expect("data dir");
    let logs = tempfile::tempdir().expect("log dir");
    let e = engine(data.path(), &mock);
    let subscriber = logging::file_subscriber(
        logs.path(),
        EnvFilter::new("warn,pf_engine=debug,partnerforge_desktop=debug"),
    )
    .expect("file logger");
    let domains = ["costco.com", "target.com"];
    // tracing-core asks only the registering thread's subscriber about a new callsite while a
    // single dispatcher exists; other tests enriching on other threads (no subscriber) would
    // then switch the engine's callsites off for this one. A second live dispatcher makes it
    // ask every dispatcher.
    let _second = tracing::Dispatch::new(tracing_subscriber::registry());
    let report = {
        // Current-thread test runtime: the scoped subscriber sees all the job's work.
        let _guard = tracing::subscriber::set_default(subscriber);
        e.enrich(&JobRequest {
            job: JobId::new("log-job-1"),
            domains: domains.iter().map(|d| domain(d)).collect(),
            modules: None,
            force: false,
        })
        .await
        .expect("job")
    };
    assert!(
        mock.count("builtwith", "domain-api") >= 2,
        "the key was used"
    );

    let lines = log_lines(logs.path());
    let engine_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| {
            l["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("pf_engine"))
        })
        .collect();
    assert!(
        engine_lines.len() > 20,
        "{} engine lines",
        engine_lines.len()
    );
    let mut per_domain: BTreeMap<String, usize> = BTreeMap::new();
    let mut module_lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut call_lines = 0;
    for line in &engine_lines {
        assert_eq!(span_field(line, "job_id"), Some("log-job-1"), "{line}");
        let message = line["fields"]["message"].as_str().unwrap_or_default();
        if matches!(message, "enrichment started" | "enrichment finished") {
            assert_eq!(line["span"]["name"], "job", "{line}");
            continue;
        }
        // Everything else runs for one domain, down to the gateway's calls.
        let d = span_field(line, "domain").unwrap_or_else(|| panic!("no domain: {line}"));
        assert!(domains.contains(&d), "{line}");
        let spans = line["spans"].as_array().expect("span list");
        assert_eq!(spans.first().map(|s| &s["name"]), Some(&Value::from("job")));
        *per_domain.entry(d.to_owned()).or_default() += 1;
        if message == "module finished" {
            *module_lines.entry(d.to_owned()).or_default() += 1;
        }
        if message == "call" {
            call_lines += 1;
            assert!(line["fields"]["source"].is_string(), "{line}");
            let text = line.to_string();
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "a URL: {text}"
            );
        }
    }
    assert_eq!(per_domain.len(), 2, "{per_domain:?}");
    for d in &report.domains {
        assert_eq!(
            module_lines.get(d.domain.as_str()),
            Some(&d.modules.len()),
            "one line per module for {}",
            d.domain
        );
    }
    assert!(
        call_lines >= 4,
        "the gateway's calls are logged in their domain: {call_lines}"
    );
}

#[test]
fn the_log_rotates_daily_and_keeps_seven_files() {
    let logs = tempfile::tempdir().expect("log dir");
    let old: Vec<String> = (1..=9)
        .map(|day| format!("partnerforge.2026-10-0{day}.log"))
        .collect();
    for name in &old {
        std::fs::write(logs.path().join(name), "{}\n").expect("old log");
        // Distinct creation times: pruning keeps the newest.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::write(logs.path().join("other.txt"), "not a log").expect("other");
    let subscriber =
        logging::file_subscriber(logs.path(), EnvFilter::new("info")).expect("file logger");
    tracing::subscriber::with_default(subscriber, || tracing::info!("after the restart"));

    let today = time::OffsetDateTime::now_utc().date();
    let current = format!(
        "partnerforge.{:04}-{:02}-{:02}.log",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let files: Vec<String> = std::fs::read_dir(logs.path())
        .expect("dir")
        .filter_map(|e| {
            let e = e.ok()?;
            e.metadata()
                .ok()?
                .is_file()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .filter(|n| n.starts_with(logging::LOG_PREFIX) && n.ends_with(".log"))
        .collect();
    assert!(
        files.contains(&current),
        "today's file {current} in {files:?}"
    );
    assert_eq!(files.len(), logging::MAX_LOG_FILES, "{files:?}");
    assert_eq!(logging::MAX_LOG_FILES, 7);
    for gone in &old[..3] {
        assert!(
            !files.contains(gone),
            "{gone} should have been pruned: {files:?}"
        );
    }
    assert!(
        logs.path().join("other.txt").exists(),
        "only log files are pruned"
    );
    let written = std::fs::read_to_string(logs.path().join(&current)).expect("today");
    let line: Value = serde_json::from_str(written.lines().next().expect("a line")).expect("JSON");
    assert_eq!(line["fields"]["message"], "after the restart");
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(logs.path().join(logging::LATEST_LINK))
            .expect("link")
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        Some(current)
    );
}
