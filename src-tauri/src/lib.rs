//! The PartnerForge desktop shell: a Tauri 2 window over the encrypted local store.
//!
//! The shell is thin on purpose. It finds the data directory (`--data-dir PATH`, else
//! `PARTNERFORGE_DATA_DIR`, else the OS data dir), opens the store (the store resolves the key:
//! `PARTNERFORGE_PASSPHRASE` wins, else the OS keyring), seeds the built-in sample accounts into
//! an empty store, and exposes a few commands ([`commands`]) that hand off to the store. If the
//! store cannot be opened the window still opens and every command returns that error, so the
//! UI can say what went wrong. Nothing below this crate knows about Tauri.

pub mod commands;

use std::ffi::OsString;
use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

pub use commands::{AccountRow, AppState, CommandError};

/// The command-line flag naming the data directory.
pub const DATA_DIR_FLAG: &str = "--data-dir";

/// Starts the app and blocks until its last window closes.
pub fn run() -> Result<(), tauri::Error> {
    init_logging();
    let state = match data_dir_flag(std::env::args_os()) {
        Ok(flag) => AppState::open(flag.as_deref()),
        Err(message) => {
            tracing::error!("{message}");
            AppState::failed(CommandError::new("desktop.bad_arguments", message))
        }
    };
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::list_accounts,
            commands::search_accounts,
        ])
        .run(tauri::generate_context!())
}

/// Logs to stderr without colours (machines read them too); `RUST_LOG` overrides the level.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second initialisation (e.g. from a test harness) is harmless; ignore it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// Finds `--data-dir PATH` or `--data-dir=PATH` in the process arguments (the first one is the
/// program name and is skipped). Other arguments are ignored: WebDriver and the OS may add their
/// own. A flag without a value is an error.
pub fn data_dir_flag<I>(args: I) -> Result<Option<PathBuf>, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter().skip(1);
    let mut found = None;
    while let Some(arg) = args.next() {
        if arg == DATA_DIR_FLAG {
            match args.next() {
                Some(value) if !value.is_empty() => found = Some(PathBuf::from(value)),
                _ => return Err(format!("{DATA_DIR_FLAG} needs a directory")),
            }
        } else if let Some(value) = arg
            .to_str()
            .and_then(|a| a.strip_prefix(DATA_DIR_FLAG))
            .and_then(|rest| rest.strip_prefix('='))
        {
            if value.is_empty() {
                return Err(format!("{DATA_DIR_FLAG} needs a directory"));
            }
            found = Some(PathBuf::from(value));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        std::iter::once("partnerforge-desktop")
            .chain(list.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn no_flag_means_no_override() {
        assert_eq!(data_dir_flag(args(&[])), Ok(None));
        assert_eq!(data_dir_flag(args(&["--verbose"])), Ok(None));
    }

    #[test]
    fn flag_with_separate_value() {
        assert_eq!(
            data_dir_flag(args(&["--data-dir", "/tmp/pf"])),
            Ok(Some(PathBuf::from("/tmp/pf")))
        );
    }

    #[test]
    fn flag_with_equals_value_and_last_wins() {
        assert_eq!(
            data_dir_flag(args(&["--data-dir=/a", "--other", "--data-dir", "/b"])),
            Ok(Some(PathBuf::from("/b")))
        );
        assert_eq!(
            data_dir_flag(args(&["--data-dir=/a"])),
            Ok(Some(PathBuf::from("/a")))
        );
    }

    #[test]
    fn flag_without_value_is_an_error() {
        assert!(data_dir_flag(args(&["--data-dir"])).is_err());
        assert!(data_dir_flag(args(&["--data-dir="])).is_err());
        assert!(data_dir_flag(args(&["--data-dir", ""])).is_err());
    }

    #[test]
    fn program_name_is_not_an_argument() {
        let only_program = vec![OsString::from("--data-dir")];
        assert_eq!(data_dir_flag(only_program), Ok(None));
    }
}
