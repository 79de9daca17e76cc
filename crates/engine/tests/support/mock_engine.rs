//! An engine over a fresh unencrypted store with every source pointed at the mock APIs, unlimited
//! rates, demo keys for the paid sources, and extra configuration pairs. Included by the tests
//! that run the whole engine (`#[path]`, no mod.rs).

use pf_core::SourceId;
use pf_engine::{Config, Engine, Registry};
use pf_mock_apis::Endpoints;
use pf_store::{KeySource, OpenOptions, Store};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A GUID-shaped key the mock accepts.
pub const KEY: &str = "00000000-0000-4000-8000-000000000000";

pub fn engine(dir: &Path, mock: &Endpoints, extra: &[(&str, &str)]) -> Engine {
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
            .expect("unlimited in tests");
    }
    config.set("user", "tester@example.com").expect("user");
    for (k, v) in extra {
        config.set(k, v).expect("extra configuration");
    }
    let mut e = Engine::new(
        Arc::new(Mutex::new(store)),
        &config,
        pf_engine::sources::builtin(),
        Registry::configured(&config).expect("registry"),
    )
    .expect("engine");
    for id in ["builtwith", "similarweb"] {
        e = e.with_session_key(&SourceId::new(id).expect("id"), KEY);
    }
    e
}
