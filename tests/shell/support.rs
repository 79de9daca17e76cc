//! What every shell test needs: an [`AppState`] over a fresh store in a temporary data dir (the
//! sample accounts seeded, `config.toml` written before the state is built), a [`Recorder`]
//! installed as the emitter, the mock APIs' configuration, and small assertion helpers.
//!
//! Paid sources are disabled in every configuration written here. The engine reads paid keys
//! from the OS keyring and the shell has no way to give a test engine a key in memory (only the
//! demo session does, with its own in-process mock), so these tests enrich with the free sources
//! only and never read or write a developer's real keyring entries.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use partnerforge_desktop::events::Recorder;
use partnerforge_desktop::{AppState, CommandError};
use pf_core::Domain;
use pf_engine::Config;
use pf_mock_apis::Endpoints;
use pf_store::{KeySource, OpenOptions, Store};
use serde_json::Value;
use tempfile::TempDir;

/// The local user every test configuration names.
pub const USER: &str = "ae@example.com";

/// A shell over a fresh store. Fields drop in order: the state before its data dir.
pub struct Shell {
    pub state: Arc<AppState>,
    pub events: Arc<Recorder>,
    pub dir: TempDir,
}

impl Shell {
    /// Unencrypted store (fast), samples seeded, the base configuration plus `extra`.
    pub fn new(extra: &[(String, String)]) -> Self {
        Self::with_key(KeySource::Unencrypted, extra)
    }

    pub fn with_key(key: KeySource, extra: &[(String, String)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        write_config(dir.path(), extra);
        let store = Store::open(&OpenOptions::new(dir.path()).key(key)).expect("open the store");
        assert!(store.seed_sample_accounts().expect("seed the samples") > 0);
        let state = Arc::new(AppState::ready(store, dir.path()));
        let events = Arc::new(Recorder::default());
        state.set_emitter(events.clone());
        Self { state, events, dir }
    }

    /// A shell whose every source calls `mock`.
    pub fn on_mock(mock: &Endpoints) -> Self {
        Self::new(&mock_config(mock))
    }

    pub fn session(&self) -> Arc<partnerforge_desktop::Session> {
        self.state.session().expect("the session is open")
    }

    pub fn count_queued(&self) -> u64 {
        self.session()
            .with_store(|s| s.count_queued())
            .expect("count the queue")
    }

    pub fn count_jobs(&self) -> usize {
        self.session()
            .with_store(|s| s.recent_jobs(100))
            .expect("read the jobs")
            .len()
    }
}

/// Writes `config.toml`: the test user, paid sources off, then `extra`.
pub fn write_config(dir: &Path, extra: &[(String, String)]) {
    let mut config = Config::load(dir).expect("load config.toml");
    config.set("user", USER).expect("set user");
    for source in pf_engine::sources::builtin() {
        let d = source.descriptor();
        if d.needs_key {
            config
                .set(&format!("sources.{}.enabled", d.id), "false")
                .expect("disable a paid source");
        }
    }
    for (k, v) in extra {
        config.set(k, v).expect("set an extra key");
    }
    config.save().expect("save config.toml");
}

/// Every builtin source pointed at the mock, without rate limits.
pub fn mock_config(mock: &Endpoints) -> Vec<(String, String)> {
    pf_engine::sources::builtin()
        .iter()
        .flat_map(|source| {
            let id = source.descriptor().id.as_str().to_owned();
            [
                (format!("sources.{id}.base_url"), mock.url_for(&id)),
                (format!("sources.{id}.rate_per_sec"), "0".to_owned()),
            ]
        })
        .collect()
}

/// A loopback port nobody listens on now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

pub fn domain(raw: &str) -> Domain {
    Domain::parse(raw).expect("a valid domain")
}

/// The error code of a result that must be an error.
pub fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> String {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code,
    }
}

/// Polls the recorder until an `event` payload satisfies `matches`; panics with everything
/// recorded after `within`.
pub async fn wait_for(
    events: &Recorder,
    event: &str,
    within: Duration,
    matches: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        if let Some(p) = events.payloads(event).into_iter().find(|p| matches(p)) {
            return p;
        }
        if Instant::now() > deadline {
            let all = events.events.lock().map(|e| e.clone()).unwrap_or_default();
            panic!("no matching `{event}` within {within:?}; recorded: {all:#?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The finished progress event of `job`.
pub async fn job_finished(events: &Recorder, job: &str) -> Value {
    wait_for(
        events,
        partnerforge_desktop::events::ENRICH_PROGRESS,
        Duration::from_secs(120),
        |p| p["job"] == job && p["finished"] == true,
    )
    .await
}
