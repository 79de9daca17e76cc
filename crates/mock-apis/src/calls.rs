//! Counting the calls received, per provider, endpoint and domain, so tests can prove that
//! nothing paid was called twice (`GET /__calls`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// How many times one (provider, endpoint, domain) was called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCount {
    /// The source id: `builtwith`, `similarweb`, `yahoo_finance`, `sec_edgar`, `job_boards`, `website`.
    pub provider: String,
    /// `domain-api`, `relationships-api`, `visits`, `similar-sites`, `getcrumb`, `quote-summary`,
    /// `company-tickers`, `submissions`, `company-facts`, `greenhouse`, `lever`, `homepage`, `asset`.
    pub endpoint: String,
    /// The domain looked up. Yahoo and SEC calls name the company's domain when the mock knows it,
    /// else the symbol or CIK; job boards the board token when no domain is known; `null` for
    /// calls about no one (`company-tickers`, `getcrumb`).
    pub domain: Option<String>,
    pub count: u64,
}

type Key = (String, String, Option<String>);

/// The call counter shared by every handler.
#[derive(Debug, Default)]
pub struct CallLog {
    counts: Mutex<BTreeMap<Key, u64>>,
}

impl CallLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Key, u64>> {
        // A panic while holding this lock cannot leave the map inconsistent (one insert), so a
        // poisoned lock is still usable.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one call.
    pub fn record(&self, provider: &str, endpoint: &str, domain: Option<&str>) {
        tracing::debug!(provider, endpoint, domain, "call");
        *self
            .lock()
            .entry((
                provider.to_owned(),
                endpoint.to_owned(),
                domain.map(str::to_owned),
            ))
            .or_insert(0) += 1;
    }

    /// Every count, ordered by provider, endpoint, domain.
    pub fn snapshot(&self) -> Vec<CallCount> {
        self.lock()
            .iter()
            .map(|((provider, endpoint, domain), count)| CallCount {
                provider: provider.clone(),
                endpoint: endpoint.clone(),
                domain: domain.clone(),
                count: *count,
            })
            .collect()
    }

    /// Calls to one endpoint of a provider, over all domains.
    pub fn count(&self, provider: &str, endpoint: &str) -> u64 {
        self.lock()
            .iter()
            .filter(|((p, e, _), _)| p == provider && e == endpoint)
            .map(|(_, c)| c)
            .sum()
    }

    /// Calls to one endpoint of a provider for one domain.
    pub fn count_for(&self, provider: &str, endpoint: &str, domain: &str) -> u64 {
        self.lock()
            .iter()
            .filter(|((p, e, d), _)| p == provider && e == endpoint && d.as_deref() == Some(domain))
            .map(|(_, c)| c)
            .sum()
    }

    /// Total calls received.
    pub fn total(&self) -> u64 {
        self.lock().values().sum()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_sums_per_endpoint() {
        let log = CallLog::default();
        log.record("builtwith", "domain-api", Some("a.com"));
        log.record("builtwith", "domain-api", Some("a.com"));
        log.record("builtwith", "domain-api", Some("b.com"));
        log.record("sec_edgar", "company-tickers", None);
        assert_eq!(log.count("builtwith", "domain-api"), 3);
        assert_eq!(log.count_for("builtwith", "domain-api", "a.com"), 2);
        assert_eq!(log.total(), 4);
        let snap = log.snapshot();
        assert_eq!(snap.len(), 3);
        assert_eq!(snap[0].domain.as_deref(), Some("a.com"));
        log.clear();
        assert_eq!(log.total(), 0);
    }
}
