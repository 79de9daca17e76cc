//! `partnerforge`: the command line over the PartnerForge store — import accounts from CSV,
//! list and search them, read their change history, manage API keys in the OS keyring, and log
//! in to and sync with a sync server.
//! Human-readable tables by default; `--json` gives stable output documented in the README.

/// Prints a line to stdout; a closed pipe (`partnerforge accounts | head`) ends quietly.
macro_rules! out {
    ($($t:tt)*) => { $crate::emit(&format!($($t)*)) };
}

mod brief;
mod config_cmd;
mod demo;
mod enrich;
mod import;
mod open;
mod privacy_cmd;
mod show;
mod sources;
mod sync_cmd;
mod table;
mod usage;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// PartnerForge: sales intelligence for account executives, on your laptop.
#[derive(Parser, Debug)]
#[command(name = "partnerforge", version, about)]
struct Cli {
    /// Data directory (default: $PARTNERFORGE_DATA_DIR, else the OS data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Run against built-in mock APIs with demo data (no keys, no network); uses DIR/demo.
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Import accounts from a CSV file (header row; `domain` or `website`/`url` required).
    Import {
        file: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Exit with status 3 when any row was rejected.
        #[arg(long)]
        strict: bool,
    },
    /// List accounts.
    Accounts {
        #[arg(long)]
        json: bool,
    },
    /// Full-text search over companies, technologies, initiatives, quotes and hiring signals.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        /// The most results to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// What changed in an account's intelligence, oldest first.
    History {
        domain: String,
        /// Only changes on or after this date (YYYY-MM-DD or RFC 3339).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Enrich accounts from the configured sources (a progress bar on a terminal).
    Enrich {
        /// Domains to enrich (added as accounts when new).
        domains: Vec<String>,
        /// Every account in the store.
        #[arg(long)]
        all: bool,
        /// Only these modules (and what they need), e.g. M02,M06.
        #[arg(long, value_name = "M02,M06")]
        modules: Option<String>,
        /// Refresh results that are still fresh.
        #[arg(long)]
        force: bool,
        /// Resume the job that was interrupted.
        #[arg(long)]
        resume: bool,
        #[arg(long)]
        json: bool,
    },
    /// The pre-call brief for an account.
    Brief {
        domain: String,
        /// md or json.
        #[arg(long, default_value = "md")]
        format: String,
        /// Show what changed since this date (YYYY-MM-DD or RFC 3339).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// Spend and calls from the usage log by source, endpoint, day and user.
    Usage {
        /// From this date (default: the start of this month).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The sources: key, health, breaker state, spend this month.
    Sources {
        #[arg(long)]
        json: bool,
    },
    /// Read or change config.toml in the data dir.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// API keys of paid sources, kept in the OS keyring.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Log in to a sync server: the token (from --token, PARTNERFORGE_SYNC_TOKEN, or standard
    /// input) is checked with the server, then kept in the OS keyring.
    Login {
        /// The server, e.g. https://sync.example.com/.
        url: String,
        /// The token (prefer standard input: a flag shows in the process list).
        #[arg(long)]
        token: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Forget the sync server and remove its token from the keyring.
    Logout,
    /// Pull assignments, territories, budgets, prices and flags from the sync server, apply
    /// them, and push the usage log.
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Privacy requests (GDPR/CCPA) about one person: access, erasure, rectification.
    Privacy {
        #[command(subcommand)]
        command: privacy_cmd::PrivacyCommand,
    },
    /// The append-only audit log: who did what to which record.
    Audit {
        /// Only this action, or every action under a prefix ending in `.` (`privacy.`).
        #[arg(long)]
        action: Option<String>,
        /// Only entries after this sequence number.
        #[arg(long)]
        since: Option<i64>,
        #[arg(long, default_value_t = 200)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Run the retention purge now (the app runs it daily).
    Purge {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Store SOURCE's API key, read from standard input, in the OS keyring.
    Set { source: String },
    /// List the sources that have a key (names only, never values).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove SOURCE's key from the OS keyring.
    Delete { source: String },
}

/// Writes one line to stdout, exiting quietly when the reader has gone away.
pub(crate) fn emit(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing output: {e}");
        std::process::exit(1);
    }
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// Print a key's effective value (environment, else file, else default).
    Get { key: String },
    /// Set a key in config.toml.
    Set { key: String, value: String },
    /// Every documented key with its effective value.
    List,
}

fn run(cli: Cli) -> Result<i32> {
    let base_dir = pf_store::resolve_data_dir(cli.data_dir.as_deref())?;
    let dir = if cli.demo {
        base_dir.join("demo")
    } else {
        base_dir
    };
    if let Command::Config { command } = &cli.command {
        return match command {
            ConfigCommand::Get { key } => config_cmd::get(&dir, key),
            ConfigCommand::Set { key, value } => config_cmd::set(&dir, key, value),
            ConfigCommand::List => config_cmd::list(&dir),
        };
    }
    let store = open::open_store(Some(&dir))?;
    match cli.command {
        Command::Login { url, token, json } => return sync_cmd::login(store, &url, token, json),
        Command::Logout => return sync_cmd::logout(&store),
        Command::Sync { json } => return sync_cmd::sync(store, json),
        _ => {}
    }
    let engine_command = matches!(
        cli.command,
        Command::Enrich { .. } | Command::Sources { .. }
    );
    if cli.demo || engine_command {
        return demo::with_engine(store, &dir, cli.demo, |engine| async move {
            match cli.command {
                Command::Enrich {
                    domains,
                    all,
                    modules,
                    force,
                    resume,
                    json,
                } => {
                    let args = enrich::EnrichArgs {
                        domains,
                        all,
                        modules,
                        force,
                        resume,
                        json,
                    };
                    enrich::run(&engine, &args).await
                }
                Command::Sources { json } => sources::run(&engine, json).await,
                other => {
                    let store = engine
                        .store()
                        .lock()
                        .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
                    plain(&store, other)
                }
            }
        });
    }
    plain(&store, cli.command)
}

/// Commands that need only the store.
fn plain(store: &pf_store::Store, command: Command) -> Result<i32> {
    match command {
        Command::Brief {
            domain,
            format,
            since,
        } => brief::run(
            store,
            &domain,
            &format,
            since.as_deref().map(show::parse_since).transpose()?,
        ),
        Command::Usage { since, json } => usage::run(
            store,
            since.as_deref().map(show::parse_since).transpose()?,
            json,
        ),
        Command::Enrich { .. } | Command::Sources { .. } | Command::Config { .. } => {
            anyhow::bail!("this command needs the engine")
        }
        Command::Login { .. } | Command::Logout | Command::Sync { .. } => {
            anyhow::bail!("this command needs the sync runtime")
        }
        Command::Import { file, json, strict } => import::run(store, &file, json, strict),
        Command::Accounts { json } => show::accounts(store, json),
        Command::Search { query, json, limit } => show::search(store, &query, limit, json),
        Command::History {
            domain,
            since,
            json,
        } => show::history(store, &domain, since.as_deref(), json),
        Command::Privacy { command } => privacy_cmd::run(store, command),
        Command::Audit {
            action,
            since,
            limit,
            json,
        } => privacy_cmd::audit(store, action.as_deref(), since, limit, json),
        Command::Purge { json } => privacy_cmd::purge(store, json),
        Command::Keys { command } => match command {
            KeysCommand::Set { source } => show::keys_set(store, &source),
            KeysCommand::List { json } => show::keys_list(store, json),
            KeysCommand::Delete { source } => show::keys_delete(store, &source),
        },
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARTNERFORGE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if let Some(se) = e.downcast_ref::<pf_store::StoreError>() {
                eprintln!("error[{}]: {se}", se.code());
            } else if let Some(ce) = e.downcast_ref::<pf_core::CoreError>() {
                eprintln!("error[{}]: {ce}", ce.code());
            } else if let Some(ce) = e.downcast_ref::<pf_client::ClientError>() {
                eprintln!("error[{}]: {ce}", ce.code());
            } else {
                eprintln!("error: {e:#}");
            }
            1
        }
    };
    std::process::exit(code);
}
