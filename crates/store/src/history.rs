//! History: every change to an account's intelligence, with its sources and a readable summary.

use pf_core::{AccountId, ModuleId, SourceRef};
use serde::Serialize;
use time::OffsetDateTime;

use crate::{Store, StoreError, row, ts};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub module: ModuleId,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// e.g. `search_provider: Elasticsearch -> none`
    pub summary: String,
    pub data: serde_json::Value,
    pub sources: Vec<SourceRef>,
}

impl Store {
    /// An account's changes, oldest first, optionally only those at or after `since`.
    pub fn history(
        &self,
        account: AccountId,
        since: Option<OffsetDateTime>,
    ) -> Result<Vec<Snapshot>, StoreError> {
        let since = since.map(ts::format).unwrap_or_default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT module, recorded_at, summary, data, sources FROM history
             WHERE account_id = ?1 AND recorded_at >= ?2 ORDER BY recorded_at, id",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![account.to_string(), since],
            row::texts::<5>,
        )?;
        let mut out = Vec::new();
        for r in rows {
            let [module, at, summary, data, sources] = r?;
            out.push(Snapshot {
                module: row::module(&module)?,
                recorded_at: ts::parse(&at)?,
                summary,
                data: serde_json::from_str(&data)?,
                sources: serde_json::from_str(&sources)?,
            });
        }
        Ok(out)
    }

    /// The number of history snapshots in the store.
    pub fn count_snapshots(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM history", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
