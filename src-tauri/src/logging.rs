//! Logs: human-readable lines to stderr, and JSON lines to a daily rotating file under
//! `<data dir>/logs/` (`partnerforge.YYYY-MM-DD.log`, the last [`MAX_LOG_FILES`] kept, and
//! `partnerforge.log` linking to the newest where the OS allows links). `RUST_LOG` overrides the
//! level.
//!
//! Every JSON line carries the fields of the spans it was emitted in (`span` for the innermost,
//! `spans` for all): the engine runs a job inside a `job` span (`job_id`) and each domain inside
//! a `domain` span (`job_id`, `domain`), so a line about a domain says which job and domain it
//! belongs to. Nothing secret or personal is logged: API keys, passphrases and tokens never
//! reach a log call, and URLs (which can carry a key) are not logged by the gateway.

use std::path::Path;

use tracing::Subscriber;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;

/// The log directory, under the data dir.
pub const LOG_DIR: &str = "logs";
/// Log files are `<prefix>.<date>.<suffix>`.
pub const LOG_PREFIX: &str = "partnerforge";
pub const LOG_SUFFIX: &str = "log";
/// The link to the newest log file, under the log directory.
pub const LATEST_LINK: &str = "partnerforge.log";
/// Daily files kept (about a week).
pub const MAX_LOG_FILES: usize = 7;

/// A daily rotating appender in `dir`, pruned to [`MAX_LOG_FILES`] when opened and at each
/// rotation.
pub fn file_appender(dir: &Path) -> Result<RollingFileAppender, String> {
    let builder = || {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(LOG_PREFIX)
            .filename_suffix(LOG_SUFFIX)
            .max_log_files(MAX_LOG_FILES)
    };
    builder()
        .latest_symlink(LATEST_LINK)
        .build(dir)
        // Links can be refused (e.g. Windows without the privilege): rotate without one.
        .or_else(|_| builder().build(dir))
        .map_err(|e| format!("cannot open the log file in {}: {e}", dir.display()))
}

/// The JSON-lines layer over `appender`: timestamp, level, target, the event's fields, and the
/// fields of the current span and of every span it is in.
pub fn json_layer<S>(appender: RollingFileAppender) -> impl tracing_subscriber::Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_ansi(false)
        .with_writer(appender)
}

/// A subscriber writing JSON lines to a rotating file in `dir` (and nothing to stderr), with
/// `filter`: what the app installs, without the stderr copy; tests install it for a scope.
pub fn file_subscriber(
    dir: &Path,
    filter: EnvFilter,
) -> Result<impl Subscriber + Send + Sync, String> {
    let appender = file_appender(dir)?;
    Ok(tracing_subscriber::registry()
        .with(filter)
        .with(json_layer(appender)))
}

/// Installs the app's logging: stderr always, the JSON file when the data dir can be found.
/// A second initialisation (e.g. from a test harness) is harmless and ignored.
pub fn init(data_dir_flag: Option<&Path>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(std::io::stderr);
    let appender = pf_store::resolve_data_dir(data_dir_flag)
        .ok()
        .map(|dir| file_appender(&dir.join(LOG_DIR)));
    let registry = tracing_subscriber::registry().with(filter).with(stderr);
    let _ = match appender {
        Some(Ok(appender)) => registry.with(json_layer(appender)).try_init(),
        Some(Err(message)) => {
            let done = registry.try_init();
            tracing::warn!("{message}; logging to stderr only");
            done
        }
        None => registry.try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_dir_that_cannot_be_made_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").expect("file");
        let err = file_appender(&file.join("logs")).expect_err("a file is in the way");
        assert!(err.contains("not-a-dir"), "{err}");
    }

    #[test]
    fn a_writable_dir_gets_todays_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        file_appender(dir.path()).expect("appender");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .collect();
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("partnerforge.20") && n.ends_with(".log")),
            "{names:?}"
        );
    }
}
