//! Running the server: choosing the backend, `init` (database and first admin), and `serve`
//! (plain HTTP or TLS through rustls) until a shutdown signal.

use axum_server::tls_rustls::RustlsConfig;
use pf_core::{Role, UserId};
use pf_sync::{IssuedToken, TokenRequest, UserInput};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::http::{AppState, DEFAULT_MAX_BODY, router};
use crate::store::StoredToken;
use crate::{PgStore, ServerError, ServerStore, SqliteStore, auth};

/// The database file inside a data directory.
pub const SQLITE_FILE: &str = "server.sqlite3";

/// Where the server keeps its data. Its `Debug` and `Display` never show a URL's password.
#[derive(Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL (it may hold a password).
    Postgres(String),
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Sqlite(path) => write!(f, "SQLite at {}", path.display()),
            Backend::Postgres(url) => match crate::store::postgres::parse_url(url) {
                Ok(config) => write!(
                    f,
                    "PostgreSQL at {}",
                    crate::store::postgres::describe(&config)
                ),
                Err(_) => f.write_str("PostgreSQL at an unparsable DATABASE_URL"),
            },
        }
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Backend({self})")
    }
}

impl Backend {
    /// `DATABASE_URL=postgres://...` selects PostgreSQL; otherwise SQLite in `data_dir`.
    pub fn select(data_dir: &Path, database_url: Option<&str>) -> Result<Self, ServerError> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Backend::Sqlite(data_dir.join(SQLITE_FILE))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Backend::Postgres(url.to_owned()))
            }
            Some(_) => Err(ServerError::Invalid(
                "DATABASE_URL must be postgres://... (or unset, for SQLite)".into(),
            )),
        }
    }
}

/// Opens the backend's store (creating the SQLite directory if needed) and applies pending
/// migrations. Logs where the data is, never a password.
pub async fn open_store(backend: &Backend) -> Result<Arc<dyn ServerStore>, ServerError> {
    let store: Arc<dyn ServerStore> = match backend {
        Backend::Sqlite(path) => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let path = path.clone();
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
                .await
                .map_err(|e| ServerError::Internal(format!("opening the database: {e}")))??;
            Arc::new(store)
        }
        Backend::Postgres(url) => Arc::new(PgStore::open(url).await?),
    };
    tracing::info!(database = %backend, "opened the server database");
    Ok(store)
}

/// Issues a token for `user`; the store keeps only its hash. The text is returned once.
pub async fn issue_token(
    store: &dyn ServerStore,
    user: UserId,
    req: TokenRequest,
) -> Result<IssuedToken, ServerError> {
    let expires_at = match req.expires_in_secs {
        Some(secs) => {
            let secs = i64::try_from(secs)
                .map_err(|_| ServerError::Invalid("expires_in_secs is too large".into()))?;
            Some(time::OffsetDateTime::now_utc() + time::Duration::seconds(secs))
        }
        None => None,
    };
    let token = auth::generate();
    store
        .insert_token(StoredToken {
            id: token.id.clone(),
            user: user.clone(),
            hash: token.hash.to_vec(),
            expires_at,
        })
        .await?;
    Ok(IssuedToken {
        user,
        token: token.text,
        expires_at,
    })
}

/// Creates the first admin and their token. Refuses a database that already has users.
pub async fn init(store: &dyn ServerStore, admin: UserId) -> Result<IssuedToken, ServerError> {
    if !store.list_users().await?.is_empty() {
        return Err(ServerError::Conflict(
            "the server is already initialised (it has users); issue tokens with the admin API"
                .into(),
        ));
    }
    store
        .put_user(UserInput {
            id: admin.clone(),
            role: Role::Admin,
            team: None,
            display_name: Some("Administrator".into()),
        })
        .await?;
    issue_token(store, admin, TokenRequest::default()).await
}

/// TLS certificate chain and private key, PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub tls: Option<TlsFiles>,
    pub max_body: usize,
    /// When the first daily retention purge runs after start; `None`: never while serving.
    pub purge_after: Option<std::time::Duration>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            tls: None,
            max_body: DEFAULT_MAX_BODY,
            purge_after: Some(crate::retention::FIRST_PURGE_AFTER),
        }
    }
}

/// Serves the API until `shutdown` completes, purging by the retention policy daily meanwhile.
/// `on_bound` learns the bound address (port 0 binds a free one).
pub async fn serve(
    store: Arc<dyn ServerStore>,
    config: ServeConfig,
    on_bound: impl FnOnce(SocketAddr) + Send,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let purge = config
        .purge_after
        .map(|after| crate::retention::spawn_daily(Arc::clone(&store), after));
    let served = serve_api(store, config, on_bound, shutdown).await;
    if let Some(task) = purge {
        task.abort();
    }
    served
}

async fn serve_api(
    store: Arc<dyn ServerStore>,
    config: ServeConfig,
    on_bound: impl FnOnce(SocketAddr) + Send,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let app = router(AppState::new(store, config.max_body)?);
    match config.tls {
        None => {
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            on_bound(listener.local_addr()?);
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await?;
        }
        Some(tls) => {
            let rustls = RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| ServerError::Invalid(format!("TLS certificate or key: {e}")))?;
            let listener = std::net::TcpListener::bind(config.listen)?;
            listener.set_nonblocking(true)?;
            on_bound(listener.local_addr()?);
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener, rustls)
                .handle(handle)
                .serve(app.into_make_service())
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_selects_the_backend() {
        let dir = Path::new("/data");
        assert_eq!(
            Backend::select(dir, None).ok(),
            Some(Backend::Sqlite(dir.join(SQLITE_FILE)))
        );
        assert!(matches!(
            Backend::select(dir, Some("postgres://u@h/db")),
            Ok(Backend::Postgres(_))
        ));
        assert!(Backend::select(dir, Some("mysql://x")).is_err());
    }

    #[test]
    fn a_postgres_backend_never_shows_its_password() {
        let b = Backend::Postgres("postgres://pf:hunter2@db.example:5433/pf".into());
        for shown in [format!("{b}"), format!("{b:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("pf@db.example:5433/pf"), "{shown}");
        }
    }

    #[tokio::test]
    async fn a_bad_postgres_url_is_refused_without_echoing_it() {
        let err = open_store(&Backend::Postgres(
            "postgres://pf:hunter2@db/x?sslmode=bogus".into(),
        ))
        .await
        .err();
        let err = err.map(|e| (e.code().as_str(), e.to_string()));
        assert!(
            matches!(&err, Some(("request.invalid", m)) if !m.contains("hunter2")),
            "{err:?}"
        );
    }
}
