//! `partnerforge config get KEY | set KEY VALUE | list`: the data dir's `config.toml`, with the
//! environment overrides shown for what they are.

use anyhow::Result;
use pf_engine::Config;
use pf_engine::config::{KEYS, env_name};
use std::path::Path;

use crate::table;

pub fn get(dir: &Path, key: &str) -> Result<i32> {
    let c = Config::load(dir)?;
    match c.get(key) {
        Some(v) => {
            out!("{v}");
            Ok(0)
        }
        None => {
            eprintln!("{key} is not set (see `partnerforge config list`)");
            Ok(1)
        }
    }
}

pub fn set(dir: &Path, key: &str, value: &str) -> Result<i32> {
    let mut c = Config::load(dir)?;
    c.set(key, value)?;
    c.save()?;
    if std::env::var_os(env_name(key)).is_some() {
        eprintln!(
            "note: {} is set in the environment and overrides the file",
            env_name(key)
        );
    }
    out!("{key} = {}", c.get(key).unwrap_or_default());
    Ok(0)
}

pub fn list(dir: &Path) -> Result<i32> {
    let c = Config::load(dir)?;
    let mut rows: Vec<Vec<String>> = KEYS
        .iter()
        .map(|(k, _, doc)| {
            vec![
                (*k).to_owned(),
                c.get(k).unwrap_or_default(),
                (*doc).to_owned(),
            ]
        })
        .collect();
    for (k, v) in c.file_entries() {
        if !KEYS.iter().any(|(fixed, _, _)| *fixed == k) {
            rows.push(vec![k, v, String::new()]);
        }
    }
    out!(
        "{}",
        table::render(&["KEY", "VALUE", "MEANING"], &rows).trim_end()
    );
    out!("file: {}", c.path().display());
    Ok(0)
}
