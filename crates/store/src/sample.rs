//! The embedded default: a handful of well-known retailers so a first launch has something to
//! show, from a data file written by hand from public facts (`crates/store/data/`); no third-party
//! list is shipped in the app.

use crate::{Store, StoreError};

/// The sample accounts, embedded from `crates/store/data/sample_accounts.csv` (see its
/// `SOURCE.md` for where the facts come from and why the file may ship).
const SAMPLES_CSV: &str = include_str!("../data/sample_accounts.csv");

impl Store {
    /// Inserts the sample accounts when the store has no accounts at all; returns how many were
    /// added (0 when the store already had accounts).
    pub fn seed_sample_accounts(&self) -> Result<usize, StoreError> {
        if self.count_accounts()? > 0 {
            return Ok(0);
        }
        let parsed = crate::parse_csv(SAMPLES_CSV.as_bytes())?;
        if let Some(bad) = parsed.rejected.first() {
            return Err(StoreError::Corrupt(format!(
                "sample_accounts.csv line {}: {}",
                bad.line, bad.reason
            )));
        }
        self.batch(|store| {
            for (_, account) in &parsed.accepted {
                store.upsert_account(account)?;
            }
            Ok(parsed.accepted.len())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{KeySource, OpenOptions, Store};
    use pf_core::Domain;

    #[test]
    fn every_sample_row_is_seeded_once_into_an_empty_store_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        let rows = super::SAMPLES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(store.seed_sample_accounts().expect("seed"), rows);
        assert_eq!(store.count_accounts().expect("count"), rows as u64);
        let costco = store
            .account_by_domain(&Domain::parse("costco.com").expect("domain"))
            .expect("read")
            .expect("costco is a sample");
        assert_eq!(costco.country.as_deref(), Some("US"));
        assert_eq!(costco.segment.as_deref(), Some("Enterprise"));
        assert_eq!(
            store.seed_sample_accounts().expect("again"),
            0,
            "not over existing data"
        );
    }
}
