//! `partnerforge-mock-apis --port PORT`: serves the mock provider APIs on loopback until killed.
//! The first line on stdout is the base URL (`http://127.0.0.1:PORT`); logs go to stderr.

#![forbid(unsafe_code)]

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use pf_mock_apis::{MockApis, MockConfig};

/// Mock BuiltWith, SimilarWeb, Yahoo Finance, SEC EDGAR, job boards and company websites.
#[derive(Debug, Parser)]
#[command(name = "partnerforge-mock-apis", version, about)]
struct Args {
    /// Port to listen on, on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0, env = "PF_MOCK_PORT")]
    port: u16,
    /// The data date (YYYY-MM-DD) histories are generated up to; default today (UTC).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<time::Date>,
    /// How late `slow-` domains answer, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    slow_ms: u64,
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let mut config = MockConfig {
        slow_delay: std::time::Duration::from_millis(args.slow_ms),
        ..MockConfig::default()
    };
    if let Some(d) = args.as_of {
        config.as_of = d;
    }
    let mock = MockApis::start_with(config, args.port)
        .await
        .context("starting the mock APIs")?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", mock.base_url()).context("writing the base URL")?;
        out.flush().context("flushing stdout")?;
    }
    tracing::info!("serving; stop with Ctrl-C");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    mock.shutdown().await;
    Ok(())
}
