//! `partnerforge-server`: `init` creates the database and the first admin (printing their token
//! once), `serve` runs the sync API (and the daily retention purge), `purge` runs the retention
//! purge once. `DATABASE_URL=postgres://...` (or `postgresql://`) selects
//! PostgreSQL instead of SQLite. Logs go to stderr, without colours, never with tokens or the
//! database URL's password.
#![forbid(unsafe_code)]

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use pf_core::UserId;
use pf_server::{Backend, ServeConfig, ServerError, TlsFiles, open_store};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "partnerforge-server",
    version,
    about = "PartnerForge sync server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database and the first admin; prints the admin's token once (on stdout).
    Init {
        #[command(flatten)]
        db: DbArgs,
        /// The first admin's user id (an e-mail or login).
        #[arg(long, default_value = "admin")]
        admin: String,
    },
    /// Run the server.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// PEM certificate chain: serve HTTPS (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Request bodies above this many bytes get 413.
        #[arg(long, default_value_t = pf_server::http::DEFAULT_MAX_BODY)]
        max_body_bytes: usize,
    },
    /// Delete what the retention policy no longer keeps, once (`serve` does it daily); prints
    /// the counts as JSON on stdout.
    Purge {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(clap::Args)]
struct DbArgs {
    /// Where the SQLite database lives (default: the OS data directory).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// `postgres://...` selects PostgreSQL instead of SQLite.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

impl DbArgs {
    fn backend(&self) -> anyhow::Result<Backend> {
        let dir = match &self.data_dir {
            Some(d) => d.clone(),
            None => directories::ProjectDirs::from("com", "PartnerForge", "partnerforge-server")
                .map(|p| p.data_dir().to_path_buf())
                .context("no data directory for this user: pass --data-dir")?,
        };
        Ok(Backend::select(&dir, self.database_url.as_deref())?)
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    if let Err(e) = run(Cli::parse()) {
        match e.downcast_ref::<ServerError>() {
            Some(se) => eprintln!("error [{}]: {e:#}", se.code().as_str()),
            None => eprintln!("error: {e:#}"),
        }
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async {
        match cli.command {
            Command::Init { db, admin } => {
                let backend = db.backend()?;
                let store = open_store(&backend).await?;
                let admin = UserId::new(&admin).context("--admin is not a valid user id")?;
                let token = pf_server::init(store.as_ref(), admin).await?;
                eprintln!(
                    "created the database and admin `{}`; their token follows, shown this once:",
                    token.user
                );
                println!("{}", token.token);
                Ok(())
            }
            Command::Serve {
                db,
                listen,
                tls_cert,
                tls_key,
                max_body_bytes,
            } => {
                let backend = db.backend()?;
                let store = open_store(&backend).await?;
                let tls = match (tls_cert, tls_key) {
                    (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
                    _ => None,
                };
                let scheme = if tls.is_some() { "https" } else { "http" };
                let config = ServeConfig {
                    listen,
                    tls,
                    max_body: max_body_bytes,
                    ..ServeConfig::default()
                };
                pf_server::serve(
                    store,
                    config,
                    |addr| tracing::info!(%addr, scheme, "partnerforge-server listening"),
                    async {
                        let _ = tokio::signal::ctrl_c().await;
                        tracing::info!("shutting down");
                    },
                )
                .await?;
                Ok(())
            }
            Command::Purge { db } => {
                let store = open_store(&db.backend()?).await?;
                let report = pf_server::retention::purge_once(store.as_ref()).await?;
                println!("{}", serde_json::to_string(&report)?);
                Ok(())
            }
        }
    })
}
