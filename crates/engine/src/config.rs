//! `config.toml` in the data dir: documented keys with defaults, overridden by `PARTNERFORGE_` +
//! the key upper-cased with `.`/`-` as `_` (`PARTNERFORGE_SOURCES_BUILTWITH_BASE_URL`);
//! `partnerforge config get|set KEY [VALUE]` reads and writes it. Keys: [`KEYS`], plus
//! `sources.<id>.{base_url,rate_per_sec,trust,enabled,user_agent,price.<endpoint>}`,
//! `modules.<Mxx>.{policy,sources,freshness_days}` and `conflicts.<field>` (`trust`, `newest`, `manual`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::EngineError;

/// The file's name in the data dir.
pub const CONFIG_FILE: &str = "config.toml";

/// Fixed keys, their defaults and what they mean.
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "user",
        "me@localhost",
        "who the usage log names as the caller",
    ),
    (
        "home_vendor",
        "Algolia",
        "the search vendor the AEs sell; the others are competitors",
    ),
    (
        "competitors",
        "[\"Elasticsearch\", \"Coveo\", \"Constructor\", \"Bloomreach\", \"Lucidworks\", \"Searchspring\", \"Klevu\", \"Yext\", \"Doofinder\", \"Swiftype\", \"Typesense\", \"Meilisearch\"]",
        "site-search vendors that count as competitors",
    ),
    (
        "budget.monthly_limit_usd",
        "100.0",
        "the team's monthly spend limit on paid sources",
    ),
    (
        "budget.alert_threshold",
        "0.8",
        "fraction of the limit at which a BudgetThreshold event fires",
    ),
    (
        "budget.hard_cap",
        "true",
        "refuse paid calls past the limit",
    ),
    ("jobs.concurrency", "4", "domains enriched at once"),
    ("gateway.timeout_secs", "20", "timeout of one HTTP call"),
    ("gateway.max_body_mb", "8", "largest response accepted"),
    (
        "gateway.max_attempts",
        "4",
        "attempts per call, retries included",
    ),
    (
        "scoring.hot",
        "75",
        "score at and above which an account is hot",
    ),
    (
        "scoring.warm",
        "55",
        "score at and above which an account is warm",
    ),
    (
        "scoring.cool",
        "35",
        "score at and above which an account is cool (below: cold)",
    ),
    ("website.max_scripts", "12", "scripts fetched per homepage"),
    (
        "scoring.intent_window_days",
        "180",
        "intent signals older than this give no points",
    ),
    ("metrics.listen", "", "local /metrics address; empty: off"),
    (
        "notifications.enabled",
        "true",
        "desktop notifications for hot leads and lost competitor products",
    ),
];

/// The configuration file plus environment overrides, plus values set for this process only
/// ([`Config::override_value`]: what the sync server decides), which win over both.
#[derive(Debug, Clone)]
pub struct Config {
    path: PathBuf,
    table: toml::Table,
    overrides: BTreeMap<String, String>,
}

/// The environment variable that overrides `key`.
pub fn env_name(key: &str) -> String {
    format!(
        "PARTNERFORGE_{}",
        key.to_ascii_uppercase().replace(['.', '-'], "_")
    )
}

fn valid_key(key: &str) -> bool {
    if KEYS.iter().any(|(k, _, _)| *k == key) || key == "website.rules_file" {
        return true;
    }
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["sources", id, field] => {
            !id.is_empty()
                && ["base_url", "rate_per_sec", "trust", "enabled", "user_agent"].contains(field)
        }
        ["sources", id, "price", endpoint] => !id.is_empty() && !endpoint.is_empty(),
        ["conflicts", area, name] => !area.is_empty() && !name.is_empty(),
        ["scoring", "weights", name] => [
            "size",
            "ecommerce",
            "traffic",
            "search",
            "industry",
            "competitor_removed",
            "search_hiring",
            "growth",
            "initiatives",
            "fit",
            "intent",
        ]
        .contains(name),
        ["modules", m, field] => {
            m.parse::<pf_core::ModuleId>().is_ok()
                && ["policy", "sources", "freshness_days"].contains(field)
        }
        _ => false,
    }
}

/// Reads `raw` as a TOML value (number, bool, array), else as a string.
fn parse_value(raw: &str) -> toml::Value {
    let wrapped = format!("v = {raw}");
    match wrapped.parse::<toml::Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.to_owned())),
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

fn render(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Config {
    /// Loads `config.toml` from the data dir (an absent file is an empty config).
    pub fn load(data_dir: &Path) -> Result<Self, EngineError> {
        let path = data_dir.join(CONFIG_FILE);
        let table = match std::fs::read_to_string(&path) {
            Ok(text) => text
                .parse::<toml::Table>()
                .map_err(|e| EngineError::Config(format!("{}: {e}", path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
            Err(e) => return Err(EngineError::Config(format!("{}: {e}", path.display()))),
        };
        Ok(Self {
            path,
            table,
            overrides: BTreeMap::new(),
        })
    }

    /// An empty configuration that is never saved (tests, the demo).
    pub fn in_memory() -> Self {
        Self {
            path: PathBuf::new(),
            table: toml::Table::new(),
            overrides: BTreeMap::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn file_value(&self, key: &str) -> Option<&toml::Value> {
        let mut parts = key.split('.');
        let first = parts.next()?;
        let mut v = self.table.get(first)?;
        for p in parts {
            v = v.as_table()?.get(p)?;
        }
        Some(v)
    }

    /// The effective value: an override, else environment, else file, else the documented
    /// default.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(v) = self.overrides.get(key) {
            return Some(v.clone());
        }
        if let Ok(v) = std::env::var(env_name(key)) {
            return Some(v);
        }
        if let Some(v) = self.file_value(key) {
            return Some(render(v));
        }
        KEYS.iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, d, _)| (*d).to_owned())
    }

    /// Typed read with a fallback, for the engine's settings.
    pub fn get_parsed<T: std::str::FromStr>(
        &self,
        key: &str,
        default: T,
    ) -> Result<T, EngineError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| EngineError::Config(format!("{key} = `{v}` is not valid"))),
        }
    }

    /// A list value (TOML array or comma-separated).
    pub fn get_list(&self, key: &str) -> Option<Vec<String>> {
        let raw = self.get(key)?;
        let list = match parse_value(&raw) {
            toml::Value::Array(items) => items.iter().map(render).collect(),
            _ => raw
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        };
        Some(list)
    }

    /// Sets a key in the file (not the environment). Unknown keys are refused.
    pub fn set(&mut self, key: &str, raw: &str) -> Result<(), EngineError> {
        if !valid_key(key) {
            return Err(EngineError::Config(format!(
                "unknown key `{key}` (see `partnerforge config list`)"
            )));
        }
        let parts: Vec<&str> = key.split('.').collect();
        let (last, parents) = parts
            .split_last()
            .ok_or_else(|| EngineError::Config("empty key".into()))?;
        let mut t = &mut self.table;
        for p in parents {
            let entry = t
                .entry((*p).to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            t = entry.as_table_mut().ok_or_else(|| {
                EngineError::Config(format!("`{p}` is not a table in {}", CONFIG_FILE))
            })?;
        }
        t.insert((*last).to_owned(), parse_value(raw));
        Ok(())
    }

    /// Sets a key for this process only, above the environment and the file; never saved (the
    /// sync server's price list). Unknown keys are refused.
    pub fn override_value(&mut self, key: &str, value: &str) -> Result<(), EngineError> {
        if !valid_key(key) {
            return Err(EngineError::Config(format!("unknown key `{key}`")));
        }
        self.overrides.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    /// Writes the file.
    pub fn save(&self) -> Result<(), EngineError> {
        if self.path.as_os_str().is_empty() {
            return Ok(());
        }
        let text =
            toml::to_string_pretty(&self.table).map_err(|e| EngineError::Config(e.to_string()))?;
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| EngineError::Config(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&self.path, text)
            .map_err(|e| EngineError::Config(format!("{}: {e}", self.path.display())))
    }

    /// Every key set in the file, with its value.
    pub fn file_entries(&self) -> Vec<(String, String)> {
        fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<(String, String)>) {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    toml::Value::Table(inner) => walk(&key, inner, out),
                    other => out.push((key, render(other))),
                }
            }
        }
        let mut out = Vec::new();
        walk("", &self.table, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_save_and_reload_with_typed_values() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = Config::load(dir.path()).expect("load");
        assert_eq!(c.get("budget.monthly_limit_usd").as_deref(), Some("100.0"));
        c.set("budget.monthly_limit_usd", "250").expect("set");
        c.set("sources.builtwith.base_url", "http://127.0.0.1:9/builtwith")
            .expect("set");
        c.set("modules.M03.sources", "[\"similarweb\"]")
            .expect("set");
        c.save().expect("save");
        let c = Config::load(dir.path()).expect("reload");
        assert_eq!(c.get("budget.monthly_limit_usd").as_deref(), Some("250"));
        assert_eq!(
            c.get_parsed("budget.monthly_limit_usd", 0.0).expect("f64"),
            250.0
        );
        assert_eq!(
            c.get("sources.builtwith.base_url").as_deref(),
            Some("http://127.0.0.1:9/builtwith")
        );
        assert_eq!(
            c.get_list("modules.M03.sources"),
            Some(vec!["similarweb".to_owned()])
        );
    }

    #[test]
    fn unknown_keys_are_refused_and_bad_values_are_named() {
        let mut c = Config::in_memory();
        assert!(c.set("budget.monthly_limt_usd", "1").is_err());
        assert!(c.set("sources.builtwith.colour", "red").is_err());
        c.set("jobs.concurrency", "many").expect("stored as text");
        let err = c
            .get_parsed::<usize>("jobs.concurrency", 4)
            .expect_err("not a number");
        assert!(err.to_string().contains("jobs.concurrency"));
    }

    #[test]
    fn desktop_notifications_are_on_by_default_and_can_be_turned_off() {
        let mut c = Config::in_memory();
        assert_eq!(
            c.get_parsed("notifications.enabled", false).ok(),
            Some(true)
        );
        c.set("notifications.enabled", "false")
            .expect("a known key");
        assert_eq!(
            c.get_parsed("notifications.enabled", true).ok(),
            Some(false)
        );
        c.set("notifications.enabled", "sometimes")
            .expect("stored as text");
        assert!(c.get_parsed::<bool>("notifications.enabled", true).is_err());
    }

    #[test]
    fn overrides_win_and_are_never_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = Config::load(dir.path()).expect("load");
        c.set("sources.builtwith.price.domain-api", "0.1")
            .expect("set");
        c.override_value("sources.builtwith.price.domain-api", "0.04")
            .expect("a price key");
        assert!(c.override_value("sources.builtwith.colour", "red").is_err());
        assert_eq!(
            c.get("sources.builtwith.price.domain-api").as_deref(),
            Some("0.04")
        );
        c.save().expect("save");
        let c = Config::load(dir.path()).expect("reload");
        assert_eq!(
            c.get("sources.builtwith.price.domain-api").as_deref(),
            Some("0.1")
        );
    }

    #[test]
    fn environment_names_follow_the_key() {
        assert_eq!(
            env_name("sources.builtwith.base_url"),
            "PARTNERFORGE_SOURCES_BUILTWITH_BASE_URL"
        );
        assert_eq!(env_name("budget.hard_cap"), "PARTNERFORGE_BUDGET_HARD_CAP");
    }
}
