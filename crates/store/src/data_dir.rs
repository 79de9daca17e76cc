//! Where the database lives: `--data-dir`, else `PARTNERFORGE_DATA_DIR`, else the OS data dir.

use std::path::{Path, PathBuf};

use crate::StoreError;

/// The environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "PARTNERFORGE_DATA_DIR";
/// The database file's name inside the data directory.
pub const DB_FILE: &str = "partnerforge.db";

/// Resolves the data directory: the flag, else `PARTNERFORGE_DATA_DIR`, else the OS data dir
/// (`~/.local/share/partnerforge` on Linux, `~/Library/Application Support/...` on macOS).
pub fn resolve_data_dir(flag: Option<&Path>) -> Result<PathBuf, StoreError> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("com", "PartnerForge", "partnerforge")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or(StoreError::NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_flag_wins() {
        let dir = resolve_data_dir(Some(Path::new("/tmp/pf-flag"))).ok();
        assert_eq!(dir, Some(PathBuf::from("/tmp/pf-flag")));
    }
}
