//! Cited intelligence per (account, module). Every write keeps a history snapshot when the data
//! changed. A write without a source is refused here and, again, by the schema (ADR 0002).

use pf_core::{AccountId, Intelligence, ModuleId, SourceRef};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;

use crate::{Store, StoreError, diff, row, ts};

/// One module's stored result for an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredIntelligence {
    pub account_id: AccountId,
    pub module: ModuleId,
    pub intelligence: Intelligence,
    #[serde(with = "time::serde::rfc3339")]
    pub fetched_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl StoredIntelligence {
    /// Whether the result is past its freshness limit at `now`.
    pub fn is_stale(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }
}

fn check_sources(sources: &[SourceRef]) -> Result<(), StoreError> {
    if sources.is_empty() || sources.iter().any(|s| s.source().as_str().is_empty()) {
        return Err(StoreError::Unsourced);
    }
    Ok(())
}

impl Store {
    /// Stores a module's result. Returns the change summary when the data changed (and a
    /// history snapshot was written), `None` when only freshness and sources were renewed.
    pub fn put_intelligence(
        &self,
        account: AccountId,
        module: ModuleId,
        intel: &Intelligence,
        fetched_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        check_sources(intel.sources())?;
        // Records of people erased from this laptop are never written again.
        let kept = self.without_suppressed(intel.data())?;
        let data = serde_json::to_string(kept.as_ref())?;
        let sources = serde_json::to_string(intel.sources())?;
        let expires_at = expires_at.max(fetched_at);
        self.write(|conn| {
            let previous: Option<String> = conn
                .query_row(
                    "SELECT data FROM intelligence WHERE account_id = ?1 AND module = ?2",
                    params![account.to_string(), module.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            let previous: Option<serde_json::Value> = previous.map(|p| serde_json::from_str(&p)).transpose()?;
            let summary = diff::summarise(previous.as_ref(), kept.as_ref());
            conn.execute(
                "INSERT INTO intelligence (account_id, module, data, sources, fetched_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account_id, module) DO UPDATE SET
                   data = excluded.data, sources = excluded.sources,
                   fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
                params![account.to_string(), module.to_string(), data, sources, ts::format(fetched_at), ts::format(expires_at)],
            )?;
            if let Some(summary) = &summary {
                conn.execute(
                    "INSERT INTO history (account_id, module, recorded_at, data, sources, summary)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![account.to_string(), module.to_string(), ts::format(fetched_at), data, sources, summary],
                )?;
            }
            Ok(summary)
        })
    }

    /// Each account's `field` of one module's data, by domain, where it is a string: e.g. every
    /// account's search provider (`M06`, `search_provider`), for comparing competitors.
    pub fn module_field_by_domain(
        &self,
        module: ModuleId,
        field: &str,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.domain, json_extract(i.data, '$.' || ?2) FROM intelligence i
             JOIN accounts a ON a.id = i.account_id
             WHERE i.module = ?1 AND json_type(i.data, '$.' || ?2) = 'text'",
        )?;
        let rows = stmt.query_map(params![module.to_string(), field], crate::row::texts::<2>)?;
        rows.map(|r| r.map(|[d, v]| (d, v)).map_err(StoreError::from))
            .collect()
    }

    /// Every module result stored for an account, in module order.
    pub fn intelligence_for(
        &self,
        account: AccountId,
    ) -> Result<Vec<StoredIntelligence>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT module, data, sources, fetched_at, expires_at FROM intelligence
             WHERE account_id = ?1 ORDER BY module",
        )?;
        let rows = stmt.query_map([account.to_string()], row::texts::<5>)?;
        rows.map(|r| decode(account, r?)).collect()
    }

    /// One module's result for an account.
    pub fn module_intelligence(
        &self,
        account: AccountId,
        module: ModuleId,
    ) -> Result<Option<StoredIntelligence>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT module, data, sources, fetched_at, expires_at FROM intelligence
             WHERE account_id = ?1 AND module = ?2",
        )?;
        stmt.query_row(
            params![account.to_string(), module.to_string()],
            row::texts::<5>,
        )
        .optional()?
        .map(|r| decode(account, r))
        .transpose()
    }
}

/// Decodes `module, data, sources, fetched_at, expires_at`.
fn decode(
    account: AccountId,
    [module, data, sources, fetched, expires]: [String; 5],
) -> Result<StoredIntelligence, StoreError> {
    let module = row::module(&module)?;
    let data: serde_json::Value = serde_json::from_str(&data)?;
    let sources: Vec<SourceRef> = serde_json::from_str(&sources)?;
    let mut it = sources.into_iter();
    let first = it.next().ok_or(StoreError::Unsourced)?;
    Ok(StoredIntelligence {
        account_id: account,
        module,
        intelligence: Intelligence::new(data, first, it),
        fetched_at: ts::parse(&fetched)?,
        expires_at: ts::parse(&expires)?,
    })
}
