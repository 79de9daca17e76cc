//! What the sync server decides about enrichment, read from the synced items and applied where
//! the CLI and the desktop shell build their engine ([`ServerPolicy`]):
//!
//! - **prices**: the server's price per `(source, endpoint)` overrides `config.toml` and the
//!   environment (`sources.<id>.price.<endpoint>`, set for the process only, never saved), so
//!   the engine prices, and the [`ServerMeter`](crate::ServerMeter) reserves, what the server
//!   says;
//! - **module flags**: a flag `module.<Mxx>` that is off for the user turns that module off
//!   (`Engine::with_disabled_modules`); a flag that is on or absent leaves it on.
//!
//! Without a server configured the policy is empty and changes nothing.

use pf_core::ModuleId;
use pf_engine::{Config, Engine};
use pf_store::Store;
use std::collections::BTreeMap;

use crate::{ClientError, convert, flags};

/// The prefix of the flags that switch modules (`module.M10`).
pub const MODULE_FLAG_PREFIX: &str = "module.";

/// The server's prices and the modules its flags turn off for the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerPolicy {
    /// Micro-dollars per call, by `(source, endpoint)`.
    pub prices: BTreeMap<(String, String), u64>,
    /// Modules turned off, with the reason enrichment reports.
    pub disabled: BTreeMap<ModuleId, String>,
}

impl ServerPolicy {
    /// The policy of the configured server; empty when not logged in.
    pub fn read(store: &Store) -> Result<Self, ClientError> {
        if store.sync_identity()?.is_none() {
            return Ok(Self::default());
        }
        let mut prices = BTreeMap::new();
        for (key, data) in store.synced_items(convert::kind::PRICE)? {
            let (Some(source), Some(endpoint), Some(micros)) = (
                data["source"].as_str(),
                data["endpoint"].as_str(),
                data["price_micros"].as_u64(),
            ) else {
                tracing::warn!(%key, "synced price without source, endpoint or amount: ignored");
                continue;
            };
            prices.insert((source.to_owned(), endpoint.to_owned()), micros);
        }
        Ok(Self {
            prices,
            disabled: disabled_modules(&flags(store)?),
        })
    }

    /// Sets the server's prices in `config` (for this process only). A price whose source or
    /// endpoint cannot be a configuration key is logged and ignored.
    pub fn apply_prices(&self, config: &mut Config) {
        for ((source, endpoint), micros) in &self.prices {
            let key = format!("sources.{source}.price.{endpoint}");
            let usd = format!("{}", *micros as f64 / 1e6);
            if source.contains('.') || endpoint.contains('.') {
                tracing::warn!(%key, "synced price is not a configuration key: ignored");
            } else if let Err(e) = config.override_value(&key, &usd) {
                tracing::warn!(%key, "synced price ignored: {e}");
            }
        }
    }

    /// The engine with the server's module switches.
    pub fn apply_to_engine(&self, engine: Engine) -> Engine {
        engine.with_disabled_modules(self.disabled.clone())
    }
}

/// The modules whose `module.<Mxx>` flag is off, with the reason enrichment reports
/// (`disabled by feature flag module.M10`). Flags that name no module are not about modules.
pub fn disabled_modules(flags: &BTreeMap<String, bool>) -> BTreeMap<ModuleId, String> {
    flags
        .iter()
        .filter(|(_, on)| !**on)
        .filter_map(|(key, _)| {
            let id: ModuleId = key.strip_prefix(MODULE_FLAG_PREFIX)?.parse().ok()?;
            Some((id, format!("disabled by feature flag {key}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_module_flags_that_are_off_disable_a_module() {
        let flags: BTreeMap<String, bool> = [
            ("module.M10", false),
            ("module.M03", true),
            ("module.nope", false),
            ("ops_page", false),
        ]
        .into_iter()
        .map(|(k, on)| (k.to_owned(), on))
        .collect();
        let off = disabled_modules(&flags);
        assert_eq!(
            off.into_iter().collect::<Vec<_>>(),
            vec![(
                ModuleId::INITIATIVES,
                "disabled by feature flag module.M10".to_owned()
            )]
        );
    }

    #[test]
    fn prices_become_config_overrides_in_dollars() {
        let policy = ServerPolicy {
            prices: [(("builtwith".to_owned(), "domain-api".to_owned()), 40_000)].into(),
            disabled: BTreeMap::new(),
        };
        let mut config = Config::in_memory();
        policy.apply_prices(&mut config);
        assert_eq!(
            config.get("sources.builtwith.price.domain-api").as_deref(),
            Some("0.04")
        );
    }
}
