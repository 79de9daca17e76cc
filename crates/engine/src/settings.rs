//! The engine's typed settings, read from [`Config`]: who calls, what we sell against whom,
//! the budget, concurrency, call limits and scoring thresholds.

use pf_core::UserId;
use std::time::Duration;

use crate::EngineError;
use crate::config::Config;
use crate::gateway::GatewaySettings;
use crate::meter::BudgetSettings;

/// Score thresholds for the priority bands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub hot: u32,
    pub warm: u32,
    pub cool: u32,
}

impl Thresholds {
    /// `hot`, `warm`, `cool` or `cold` for a score.
    pub fn priority(&self, score: u32) -> &'static str {
        if score >= self.hot {
            "hot"
        } else if score >= self.warm {
            "warm"
        } else if score >= self.cool {
            "cool"
        } else {
            "cold"
        }
    }
}

/// Everything modules and the orchestrator read from configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineSettings {
    pub user: UserId,
    pub home_vendor: String,
    pub competitors: Vec<String>,
    pub budget: BudgetSettings,
    pub concurrency: usize,
    pub gateway: GatewaySettings,
    pub thresholds: Thresholds,
    pub max_scripts: usize,
    /// Per fact field (`profile.name`), how conflicts are resolved when not by trust x freshness.
    pub strategies: std::collections::BTreeMap<String, crate::merge::Strategy>,
}

impl PartialEq for GatewaySettings {
    fn eq(&self, other: &Self) -> bool {
        self.timeout == other.timeout
            && self.max_body_bytes == other.max_body_bytes
            && self.max_attempts == other.max_attempts
    }
}

impl EngineSettings {
    pub fn from_config(c: &Config) -> Result<Self, EngineError> {
        let user_raw = c.get("user").unwrap_or_else(|| "me@localhost".into());
        let user = UserId::new(&user_raw)
            .map_err(|_| EngineError::Config(format!("user = `{user_raw}` is not a user id")))?;
        let limit_usd: f64 = c.get_parsed("budget.monthly_limit_usd", 100.0)?;
        if !(limit_usd.is_finite() && limit_usd >= 0.0) {
            return Err(EngineError::Config(
                "budget.monthly_limit_usd must be zero or more".into(),
            ));
        }
        let threshold: f64 = c.get_parsed("budget.alert_threshold", 0.8)?;
        let gateway = GatewaySettings {
            timeout: Duration::from_secs(c.get_parsed("gateway.timeout_secs", 20)?),
            max_body_bytes: c
                .get_parsed::<usize>("gateway.max_body_mb", 8)?
                .saturating_mul(1024 * 1024),
            max_attempts: c.get_parsed("gateway.max_attempts", 4)?,
            ..GatewaySettings::default()
        };
        Ok(Self {
            user,
            home_vendor: c.get("home_vendor").unwrap_or_else(|| "Algolia".into()),
            competitors: c.get_list("competitors").unwrap_or_default(),
            budget: BudgetSettings {
                monthly_limit_micros: (limit_usd * 1e6).round() as u64,
                alert_threshold: threshold.clamp(0.0, 1.0),
                hard_cap: c.get_parsed("budget.hard_cap", true)?,
            },
            concurrency: c.get_parsed::<usize>("jobs.concurrency", 4)?.max(1),
            gateway,
            thresholds: Thresholds {
                hot: c.get_parsed("scoring.hot", 75)?,
                warm: c.get_parsed("scoring.warm", 55)?,
                cool: c.get_parsed("scoring.cool", 35)?,
            },
            max_scripts: c.get_parsed("website.max_scripts", 12)?,
            strategies: strategies(c)?,
        })
    }

    /// Whether a vendor name is one of the competitors (case-insensitive).
    pub fn is_competitor(&self, vendor: &str) -> bool {
        self.competitors
            .iter()
            .any(|c| c.eq_ignore_ascii_case(vendor))
    }

    /// Whether a vendor name is the home vendor.
    pub fn is_home(&self, vendor: &str) -> bool {
        self.home_vendor.eq_ignore_ascii_case(vendor)
    }
}

/// `conflicts.<field>` keys: `trust` (the default), `newest` or `manual`.
fn strategies(
    c: &Config,
) -> Result<std::collections::BTreeMap<String, crate::merge::Strategy>, EngineError> {
    use crate::merge::Strategy;
    let mut out = std::collections::BTreeMap::new();
    for (key, value) in c.file_entries() {
        let Some(field) = key.strip_prefix("conflicts.") else {
            continue;
        };
        let s = match value.as_str() {
            "trust" => Strategy::TrustFreshness,
            "newest" => Strategy::Newest,
            "manual" => Strategy::Manual,
            other => {
                return Err(EngineError::Config(format!(
                    "{key} = `{other}`: use trust, newest or manual"
                )));
            }
        };
        out.insert(field.to_owned(), s);
    }
    Ok(out)
}

impl Default for EngineSettings {
    fn default() -> Self {
        // The documented defaults parse; this cannot fail.
        Self::from_config(&Config::in_memory()).unwrap_or_else(|_| unreachable_defaults())
    }
}

#[allow(clippy::expect_used)]
fn unreachable_defaults() -> EngineSettings {
    EngineSettings {
        user: UserId::new("me@localhost").expect("valid literal"),
        home_vendor: "Algolia".into(),
        competitors: Vec::new(),
        budget: BudgetSettings::default(),
        concurrency: 4,
        gateway: GatewaySettings::default(),
        thresholds: Thresholds {
            hot: 75,
            warm: 55,
            cool: 35,
        },
        max_scripts: 12,
        strategies: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_priorities_follow_thresholds() {
        let s = EngineSettings::default();
        assert_eq!(s.budget.monthly_limit_micros, 100_000_000);
        assert!(s.is_competitor("coveo"));
        assert!(!s.is_competitor("Algolia"));
        assert_eq!(s.thresholds.priority(80), "hot");
        assert_eq!(s.thresholds.priority(60), "warm");
        assert_eq!(s.thresholds.priority(40), "cool");
        assert_eq!(s.thresholds.priority(10), "cold");
    }
}
