//! An open store and the engine over it. The engine is rebuilt when settings, API keys or the
//! sync server change (it reads them once); the store stays open. With a sync server configured
//! the engine's budget guard is `pf_client::ServerMeter`, and the server's prices and module
//! flags apply (`pf_client::ServerPolicy`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use pf_client::{Identity, MeterSettings, ServerMeter, ServerPolicy};
use pf_engine::{Config, Engine, EventBus, Meter, Registry};
use pf_store::Store;
use pf_sync::SyncClient;
use zeroize::Zeroizing;

use crate::CommandError;

/// A GUID-shaped key the mock APIs accept; never a real key.
const DEMO_KEY: &str = "00000000-0000-4000-8000-000000000000";
/// Who the usage log names in the demo.
const DEMO_USER: &str = "demo@partnerforge.local";

/// The mock APIs of `--demo`, kept alive as long as the session.
pub struct DemoApis {
    handle: pf_mock_apis::MockApisHandle,
}

impl DemoApis {
    /// Starts the mock APIs on their own thread.
    pub fn start() -> Result<Self, CommandError> {
        let handle = pf_mock_apis::MockApis::spawn_in_thread().map_err(|e| {
            CommandError::new("desktop.demo", format!("cannot start the demo APIs: {e}"))
        })?;
        tracing::info!(base = %handle.base_url(), "demo mode: sources answer from the mock APIs");
        Ok(Self { handle })
    }

    pub fn url_for(&self, source: &str) -> String {
        self.handle.url_for(source)
    }
}

/// An open store with its configuration and engine.
pub struct Session {
    pub data_dir: PathBuf,
    pub store: Arc<Mutex<Store>>,
    config: Mutex<Config>,
    engine: RwLock<Result<Arc<Engine>, CommandError>>,
    /// One bus for every engine this session builds.
    events: EventBus,
    /// Counts what the engines publish on `events` (the Ops page and `/metrics`).
    metrics: pf_engine::Metrics,
    demo: Option<DemoApis>,
    /// The sync token once read or given (the keyring is asked once per session).
    sync_token: Mutex<Option<Zeroizing<String>>>,
}

impl Session {
    /// Wraps an open store: loads `config.toml` and builds the engine. A bad configuration is
    /// kept as the engine's error (reading still works) and shown where enrichment is asked for.
    pub fn new(store: Store, data_dir: &Path, demo: Option<DemoApis>) -> Self {
        let config = Config::load(data_dir).unwrap_or_else(|err| {
            tracing::warn!(
                code = err.code(),
                "config.toml unreadable, using defaults: {err}"
            );
            Config::in_memory()
        });
        let store = Arc::new(Mutex::new(store));
        let events = EventBus::default();
        let metrics = pf_engine::Metrics::new();
        metrics.attach(&events);
        let session = Self {
            data_dir: data_dir.to_owned(),
            store,
            config: Mutex::new(config),
            engine: RwLock::new(Err(CommandError::new("desktop.starting", "starting"))),
            events,
            metrics,
            demo,
            sync_token: Mutex::new(None),
        };
        let _ = session.rebuild_engine();
        session
    }

    /// The engine events of this session, whichever engine publishes them.
    pub fn events(&self) -> &EventBus {
        &self.events
    }

    /// The session's engine metrics (every engine it built counts here).
    pub fn metrics(&self) -> &pf_engine::Metrics {
        &self.metrics
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// Runs `f` on the store.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, pf_store::StoreError>,
    ) -> Result<T, CommandError> {
        let guard = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        f(&guard).map_err(CommandError::from)
    }

    /// The engine, or why it could not be built.
    pub fn engine(&self) -> Result<Arc<Engine>, CommandError> {
        self.engine
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A copy of the configuration as saved (the demo's mock URLs are not in it).
    pub fn config(&self) -> Config {
        self.config
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sets one key, checks the whole configuration still makes an engine, saves it and swaps
    /// the engine. A refused value changes nothing.
    pub fn set_config(&self, key: &str, value: &str) -> Result<Arc<Engine>, CommandError> {
        let mut config = self.config.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = config.clone();
        next.set(key, value)?;
        pf_engine::EngineSettings::from_config(&next)?;
        let engine = build_engine(
            &self.store,
            &next,
            self.demo.as_ref(),
            &self.events,
            self.meter(),
        )?;
        next.save()?;
        *config = next;
        *self.engine.write().unwrap_or_else(PoisonError::into_inner) = Ok(engine.clone());
        Ok(engine)
    }

    /// The base URLs the sources call (the demo's mock URLs in the demo): what the network
    /// probe tries to reach.
    pub fn source_urls(&self) -> Vec<url::Url> {
        let config = self.config();
        pf_engine::sources::builtin()
            .iter()
            .filter_map(|source| {
                let d = source.descriptor();
                let raw = match &self.demo {
                    Some(demo) => demo.url_for(d.id.as_str()),
                    None => config
                        .get(&format!("sources.{}.base_url", d.id))
                        .unwrap_or_else(|| d.default_base_url.to_owned()),
                };
                url::Url::parse(&raw).ok()
            })
            .collect()
    }

    /// Rebuilds the engine from the saved configuration (after an API key or the sync server
    /// changed).
    pub fn rebuild_engine(&self) -> Result<Arc<Engine>, CommandError> {
        let config = self.config();
        let engine = build_engine(
            &self.store,
            &config,
            self.demo.as_ref(),
            &self.events,
            self.meter(),
        );
        *self.engine.write().unwrap_or_else(PoisonError::into_inner) = engine.clone();
        engine
    }

    /// Logs in to a sync server (the token is checked first), keeps the token (in the OS
    /// keyring when `remember`, in memory for this session in any case) and switches the
    /// engine's budget guard to the server's.
    pub async fn log_in(
        &self,
        url: &str,
        token: &str,
        remember: bool,
    ) -> Result<Identity, CommandError> {
        let identity = pf_client::login(&self.store, url, token, remember).await?;
        *self
            .sync_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            Some(Zeroizing::new(token.trim().to_owned()));
        self.rebuild_engine()?;
        tracing::info!(server = %identity.server_url, user = %identity.user, "logged in to the sync server");
        Ok(identity)
    }

    /// Forgets the sync server and its token; the engine goes back to the local budget.
    pub fn log_out(&self) -> Result<(), CommandError> {
        self.with_store(|s| s.clear_sync_login())?;
        *self
            .sync_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        self.rebuild_engine()?;
        Ok(())
    }

    /// The server's prices and module flags as the store has them now (what the next engine
    /// applies).
    pub fn server_policy(&self) -> Result<ServerPolicy, CommandError> {
        let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(ServerPolicy::read(&store)?)
    }

    /// The configured server and who the user is there.
    pub fn identity(&self) -> Result<Option<Identity>, CommandError> {
        let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(pf_client::identity(&store)?)
    }

    /// The server's URL and the token, when a server is configured. A missing token gives an
    /// empty one: reading works, and the server refuses paid calls until the next login.
    fn sync_target(&self) -> Option<(String, Zeroizing<String>)> {
        let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let url = store.sync_identity().ok().flatten()?.server_url;
        let mut cached = self
            .sync_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if cached.is_none() {
            *cached = pf_client::token(&store).unwrap_or_else(|e| {
                tracing::warn!(code = e.code(), "no sync token: {e}");
                None
            });
        }
        let token = cached.clone().unwrap_or_default();
        Some((url, token))
    }

    /// A client for the configured server, `None` when there is none.
    pub fn sync_client(&self) -> Result<Option<SyncClient>, CommandError> {
        let Some((url, token)) = self.sync_target() else {
            return Ok(None);
        };
        if token.is_empty() {
            return Err(pf_client::ClientError::NoToken.into());
        }
        SyncClient::new(&url, token.as_str())
            .map(Some)
            .map_err(|e| CommandError::new("sync.protocol", e.to_string()))
    }

    /// The server's meter when a server is configured.
    fn meter(&self) -> Option<Arc<dyn Meter>> {
        let (url, token) = self.sync_target()?;
        match ServerMeter::new(
            self.store.clone(),
            &url,
            &token,
            self.events.clone(),
            MeterSettings::default(),
        ) {
            Ok(m) => Some(Arc::new(m)),
            Err(e) => {
                tracing::error!(code = e.code(), "cannot meter through the sync server: {e}");
                None
            }
        }
    }
}

/// The engine for a configuration; in the demo every source points at the mock APIs and
/// carries the demo key in memory only.
fn build_engine(
    store: &Arc<Mutex<Store>>,
    config: &Config,
    demo: Option<&DemoApis>,
    events: &EventBus,
    meter: Option<Arc<dyn Meter>>,
) -> Result<Arc<Engine>, CommandError> {
    let mut config = config.clone();
    // Logged in: the server's prices and module flags apply.
    let policy = {
        let store = store.lock().unwrap_or_else(PoisonError::into_inner);
        ServerPolicy::read(&store)?
    };
    policy.apply_prices(&mut config);
    if let Some(demo) = demo {
        for source in pf_engine::sources::builtin() {
            let id = source.descriptor().id.clone();
            config.set(
                &format!("sources.{id}.base_url"),
                &demo.url_for(id.as_str()),
            )?;
        }
        config.set("user", DEMO_USER)?;
    }
    let mut engine = policy.apply_to_engine(Engine::with_meter(
        store.clone(),
        &config,
        pf_engine::sources::configured(&config)?,
        Registry::configured(&config)?,
        events.clone(),
        meter,
    )?);
    if demo.is_some() {
        let ids: Vec<_> = engine.source_ids().cloned().collect();
        for id in ids {
            engine = engine.with_session_key(&id, DEMO_KEY);
        }
    }
    Ok(Arc::new(engine))
}
