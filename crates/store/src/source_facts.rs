//! The per-source fact cache: what each source last said about an account (the engine's facts
//! as JSON, each cited), with when it was fetched and when it goes stale. The engine reads it
//! before any call, so a held result is never paid for twice.

use pf_core::{AccountId, SourceId};
use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use crate::{Store, StoreError, row, ts};

/// A cached source answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedFacts {
    /// A JSON array of the engine's facts.
    pub facts: serde_json::Value,
    pub fetched_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Store {
    /// Keeps what a source said about an account, replacing the previous answer.
    pub fn put_source_facts(
        &self,
        account: AccountId,
        source: &SourceId,
        facts: &serde_json::Value,
        fetched_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let facts = self.without_suppressed(facts)?;
        let text = serde_json::to_string(facts.as_ref())?;
        self.conn
            .prepare_cached(
                "INSERT INTO source_facts (account_id, source, facts, fetched_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id, source) DO UPDATE SET facts = excluded.facts,
                   fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
            )?
            .execute(params![
                account.to_string(),
                source.as_str(),
                text,
                ts::format(fetched_at),
                ts::format(expires_at.max(fetched_at))
            ])?;
        Ok(())
    }

    /// What a source last said about an account, fresh or not.
    pub fn source_facts(
        &self,
        account: AccountId,
        source: &SourceId,
    ) -> Result<Option<CachedFacts>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT facts, fetched_at, expires_at FROM source_facts WHERE account_id = ?1 AND source = ?2",
        )?;
        let found = stmt
            .query_row(
                params![account.to_string(), source.as_str()],
                row::texts::<3>,
            )
            .optional()?;
        found
            .map(|[facts, fetched, expires]| {
                Ok(CachedFacts {
                    facts: serde_json::from_str(&facts)?,
                    fetched_at: ts::parse(&fetched)?,
                    expires_at: ts::parse(&expires)?,
                })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeySource, OpenOptions};
    use pf_core::{Domain, NewAccount};
    use time::macros::datetime;

    #[test]
    fn cached_facts_round_trip_and_are_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        let id = store
            .upsert_account(&NewAccount {
                domain: Some(Domain::parse("costco.com").expect("d")),
                ..Default::default()
            })
            .expect("insert")
            .id();
        let src = SourceId::new("builtwith").expect("source");
        assert!(store.source_facts(id, &src).expect("read").is_none());
        let t = datetime!(2026-11-01 00:00 UTC);
        store
            .put_source_facts(
                id,
                &src,
                &serde_json::json!([{"field": "a"}]),
                t,
                t + time::Duration::days(7),
            )
            .expect("put");
        store
            .put_source_facts(
                id,
                &src,
                &serde_json::json!([{"field": "b"}]),
                t,
                t + time::Duration::days(7),
            )
            .expect("put");
        let got = store
            .source_facts(id, &src)
            .expect("read")
            .expect("present");
        assert_eq!(got.facts, serde_json::json!([{"field": "b"}]));
        assert_eq!(got.fetched_at, t);
    }
}
