//! `partnerforge`: the command line over the PartnerForge store — import accounts from CSV,
//! list and search them, read their change history, and manage API keys in the OS keyring.
//! Human-readable tables by default; `--json` gives stable output documented in the README.

/// Prints a line to stdout; a closed pipe (`partnerforge accounts | head`) ends quietly.
macro_rules! out {
    ($($t:tt)*) => { $crate::emit(&format!($($t)*)) };
}

mod import;
mod open;
mod show;
mod table;

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
    /// API keys of paid sources, kept in the OS keyring.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
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

fn run(cli: Cli) -> Result<i32> {
    let store = open::open_store(cli.data_dir.as_deref())?;
    match cli.command {
        Command::Import { file, json, strict } => import::run(&store, &file, json, strict),
        Command::Accounts { json } => show::accounts(&store, json),
        Command::Search { query, json, limit } => show::search(&store, &query, limit, json),
        Command::History {
            domain,
            since,
            json,
        } => show::history(&store, &domain, since.as_deref(), json),
        Command::Keys { command } => match command {
            KeysCommand::Set { source } => show::keys_set(&store, &source),
            KeysCommand::List { json } => show::keys_list(&store, json),
            KeysCommand::Delete { source } => show::keys_delete(&store, &source),
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
            match e.downcast_ref::<pf_store::StoreError>() {
                Some(se) => eprintln!("error[{}]: {se}", se.code()),
                None => eprintln!("error: {e:#}"),
            }
            1
        }
    };
    std::process::exit(code);
}
