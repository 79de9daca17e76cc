//! Building the engine for a command, and `--demo`: the mock APIs started in-process with every
//! source pointed at them and demo keys in memory, so a newcomer without keys or network sees
//! the whole flow. Everything printed in demo mode says it is demo data.

use anyhow::{Context, Result};
use pf_engine::{Config, Engine, Registry};
use pf_store::Store;
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A GUID-shaped key the mock accepts; never a real key.
const DEMO_KEY: &str = "00000000-0000-4000-8000-000000000000";

pub fn with_engine<F, Fut>(store: Store, dir: &Path, demo: bool, f: F) -> Result<i32>
where
    F: FnOnce(Engine) -> Fut,
    Fut: Future<Output = Result<i32>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let mut config = Config::load(dir)?;
        let mock = if demo {
            let mock = pf_mock_apis::MockApis::start()
                .await
                .map_err(|e| anyhow::anyhow!("starting the demo APIs: {e}"))?;
            for source in pf_engine::sources::builtin() {
                let id = source.descriptor().id.clone();
                config.set(
                    &format!("sources.{id}.base_url"),
                    &mock.url_for(id.as_str()),
                )?;
            }
            config.set("user", "demo@partnerforge.local")?;
            if store.count_accounts()? == 0 {
                store.seed_sample_accounts()?;
            }
            eprintln!(
                "DEMO MODE: sources answer from built-in mock APIs at {}; every figure is made up.",
                mock.base_url()
            );
            Some(mock)
        } else {
            None
        };
        let store = Arc::new(Mutex::new(store));
        let mut engine = Engine::new(
            store,
            &config,
            pf_engine::sources::configured(&config)?,
            Registry::configured(&config)?,
        )?;
        if mock.is_some() {
            let ids: Vec<_> = engine.source_ids().cloned().collect();
            for id in ids {
                engine = engine.with_session_key(&id, DEMO_KEY);
            }
        }
        let code = f(engine).await;
        drop(mock);
        code
    })
}
