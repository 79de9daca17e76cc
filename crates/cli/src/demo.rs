//! Building the engine for a command, and `--demo`: the mock APIs started in-process with every
//! source pointed at them and demo keys in memory, so a newcomer without keys or network sees
//! the whole flow. Everything printed in demo mode says it is demo data. With a sync server
//! configured (`partnerforge login`), the engine's budget guard is the server's, and so are its
//! prices and the module flags (`pf_client::ServerPolicy`).

use anyhow::{Context, Result};
use pf_client::{MeterSettings, ServerMeter};
use pf_engine::{Config, Engine, EventBus, Meter, Registry};
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
        // Logged in: the server's prices and module flags apply.
        let policy = pf_client::ServerPolicy::read(&store)?;
        policy.apply_prices(&mut config);
        let store = Arc::new(Mutex::new(store));
        let events = EventBus::default();
        let meter = server_meter(&store, &events)?;
        let mut engine = policy.apply_to_engine(Engine::with_meter(
            store,
            &config,
            pf_engine::sources::configured(&config)?,
            Registry::configured(&config)?,
            events,
            meter,
        )?);
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

/// With a sync server configured, paid calls are reserved and settled on the server (offline:
/// from its allowance); without one, the local budget in config.toml applies.
fn server_meter(store: &Arc<Mutex<Store>>, events: &EventBus) -> Result<Option<Arc<dyn Meter>>> {
    let (url, token) = {
        let s = store
            .lock()
            .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
        match pf_client::connect(&s) {
            Ok(Some((client, token))) => (client.base().to_string(), token),
            Ok(None) => return Ok(None),
            // Reading needs no token; paid calls are refused by the server until a new login.
            Err(e @ pf_client::ClientError::NoToken) => {
                tracing::warn!(code = e.code(), "{e}");
                let url = s.sync_identity()?.map(|i| i.server_url).unwrap_or_default();
                (url, zeroize::Zeroizing::new(String::new()))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let meter = ServerMeter::new(
        store.clone(),
        &url,
        &token,
        events.clone(),
        MeterSettings::default(),
    )?;
    Ok(Some(Arc::new(meter)))
}
