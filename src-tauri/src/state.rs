//! The shell's state: how it was launched, the session (open, locked waiting for a passphrase,
//! or failed), the network's state and the running jobs. Every command starts here.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use pf_store::{KeySource, OpenOptions, Store, StoreError};

use crate::CommandError;
use crate::events::{Emitter, Nowhere};
use crate::session::{DemoApis, Session};

/// How the app was started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// `--data-dir PATH`.
    pub data_dir: Option<PathBuf>,
    /// `--demo`: mock APIs in-process, a separate store under `<data dir>/demo`.
    pub demo: bool,
    /// `--no-samples`: do not seed the sample accounts into an empty store.
    pub no_samples: bool,
}

/// Where the session stands.
enum Slot {
    Ready(Arc<Session>),
    /// No usable keyring: waiting for a passphrase. `creating`: the database does not exist yet.
    Locked {
        dir: PathBuf,
        creating: bool,
    },
    Failed(CommandError),
}

/// The shell's state, shared by every command and background task.
pub struct AppState {
    pub launch: Launch,
    slot: RwLock<Slot>,
    online: AtomicBool,
    emitter: OnceLock<Arc<dyn Emitter>>,
    /// Ids of the jobs running now.
    pub running: Mutex<Vec<String>>,
    /// Wakes the sync loop early (the network came back, a login).
    pub sync_wake: tokio::sync::Notify,
    /// One sync at a time (the loop and "Sync now").
    pub sync_gate: tokio::sync::Mutex<()>,
}

impl AppState {
    /// Resolves the data dir and opens the store there; never fails (a failure is kept and
    /// answered by every command).
    pub fn open(launch: Launch) -> Self {
        let slot = match pf_store::resolve_data_dir(launch.data_dir.as_deref()) {
            Ok(dir) => {
                let dir = if launch.demo { dir.join("demo") } else { dir };
                open_slot(&dir, KeySource::Auto, &launch)
            }
            Err(err) => Slot::Failed(err.into()),
        };
        Self::with_slot(launch, slot)
    }

    /// A state over an already open store (tests).
    pub fn ready(store: Store, data_dir: &Path) -> Self {
        let session = Session::new(store, data_dir, None);
        Self::with_slot(Launch::default(), Slot::Ready(Arc::new(session)))
    }

    /// A state whose every command fails with `err`.
    pub fn failed(err: CommandError) -> Self {
        Self::with_slot(Launch::default(), Slot::Failed(err))
    }

    fn with_slot(launch: Launch, slot: Slot) -> Self {
        Self {
            launch,
            slot: RwLock::new(slot),
            online: AtomicBool::new(true),
            emitter: OnceLock::new(),
            running: Mutex::new(Vec::new()),
            sync_wake: tokio::sync::Notify::new(),
            sync_gate: tokio::sync::Mutex::new(()),
        }
    }

    /// The open session, or why there is none.
    pub fn session(&self) -> Result<Arc<Session>, CommandError> {
        match &*self.slot.read().unwrap_or_else(PoisonError::into_inner) {
            Slot::Ready(s) => Ok(s.clone()),
            Slot::Locked { .. } => Err(CommandError::locked()),
            Slot::Failed(err) => Err(err.clone()),
        }
    }

    /// `ready`, `locked` or `failed`, whether a locked store is still to be created, and the
    /// failure.
    pub fn store_state(&self) -> (&'static str, bool, Option<CommandError>) {
        match &*self.slot.read().unwrap_or_else(PoisonError::into_inner) {
            Slot::Ready(_) => ("ready", false, None),
            Slot::Locked { creating, .. } => ("locked", *creating, None),
            Slot::Failed(err) => ("failed", false, Some(err.clone())),
        }
    }

    /// Opens a locked store with a passphrase. A wrong one keeps it locked and says so.
    pub fn unlock(&self, passphrase: &str) -> Result<Arc<Session>, CommandError> {
        let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        let dir = match &*slot {
            Slot::Ready(s) => return Ok(s.clone()),
            Slot::Failed(err) => return Err(err.clone()),
            Slot::Locked { dir, .. } => dir.clone(),
        };
        if passphrase.is_empty() {
            return Err(StoreError::EmptyPassphrase.into());
        }
        match open_slot(
            &dir,
            KeySource::Passphrase(passphrase.to_owned()),
            &self.launch,
        ) {
            Slot::Ready(s) => {
                *slot = Slot::Ready(s.clone());
                Ok(s)
            }
            Slot::Failed(err) => Err(err),
            Slot::Locked { .. } => Err(CommandError::locked()),
        }
    }

    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// Records the network's state; answers whether it changed.
    pub fn set_online(&self, online: bool) -> bool {
        self.online.swap(online, Ordering::SeqCst) != online
    }

    /// Where events go (set once the window exists).
    pub fn emitter(&self) -> Arc<dyn Emitter> {
        self.emitter
            .get()
            .cloned()
            .unwrap_or_else(|| Arc::new(Nowhere))
    }

    pub fn set_emitter(&self, emitter: Arc<dyn Emitter>) {
        let _ = self.emitter.set(emitter);
    }
}

/// Opens the store in `dir` with `key`, seeds the samples into an empty store, and builds the
/// session; a missing keyring becomes `Locked`.
fn open_slot(dir: &Path, key: KeySource, launch: &Launch) -> Slot {
    tracing::info!(data_dir = %dir.display(), demo = launch.demo, "opening store");
    match Store::open(&OpenOptions::new(dir).key(key)) {
        Ok(store) => {
            if !launch.no_samples {
                match store.seed_sample_accounts() {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(accounts = n, "empty store: seeded sample accounts"),
                    Err(err) => tracing::warn!(code = err.code(), "could not seed samples: {err}"),
                }
            }
            let demo = if launch.demo {
                match DemoApis::start() {
                    Ok(d) => Some(d),
                    Err(err) => return Slot::Failed(err),
                }
            } else {
                None
            };
            Slot::Ready(Arc::new(Session::new(store, dir, demo)))
        }
        Err(StoreError::NeedPassphrase { path }) => {
            tracing::info!("no usable keyring: asking for a passphrase");
            Slot::Locked {
                dir: dir.to_owned(),
                creating: !path.exists(),
            }
        }
        Err(err) => {
            tracing::error!(code = err.code(), "cannot open the store: {err}");
            Slot::Failed(err.into())
        }
    }
}
