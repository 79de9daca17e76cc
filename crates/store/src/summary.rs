//! The accounts table's view: each account with the few enrichment results the table sorts and
//! filters on (score and priority from M13, search provider from M06, when it was last enriched),
//! read in one query.

use pf_core::Account;
use serde::Serialize;
use time::OffsetDateTime;

use crate::accounts::{COLUMNS, row_to_account};
use crate::{Store, StoreError, ts};

/// One account with its headline enrichment results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSummary {
    pub account: Account,
    pub score: Option<u32>,
    pub priority: Option<String>,
    pub search_provider: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_enriched: Option<OffsetDateTime>,
}

impl Store {
    /// Every account with its score, priority, search provider and last enrichment, ordered
    /// like [`Store::list_accounts`].
    pub fn account_summaries(&self) -> Result<Vec<AccountSummary>, StoreError> {
        let columns = COLUMNS
            .split(',')
            .map(|c| format!("a.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns},
                    json_extract(h.data, '$.score'), json_extract(h.data, '$.priority'),
                    json_extract(s.data, '$.search_provider'),
                    (SELECT max(i.fetched_at) FROM intelligence i WHERE i.account_id = a.id)
             FROM accounts a
             LEFT JOIN intelligence h ON h.account_id = a.id AND h.module = 'M13'
             LEFT JOIN intelligence s ON s.account_id = a.id AND s.module = 'M06'
             ORDER BY a.name COLLATE NOCASE, a.domain"
        );
        let n = COLUMNS.split(',').count();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            let account = row_to_account(r)?;
            let score: Option<i64> = r.get(n)?;
            let priority: Option<String> = r.get(n + 1)?;
            let provider: Option<String> = r.get(n + 2)?;
            let last: Option<String> = r.get(n + 3)?;
            Ok((account, score, priority, provider, last))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (account, score, priority, search_provider, last) = row?;
            out.push(AccountSummary {
                account: account?,
                score: score.and_then(|s| u32::try_from(s).ok()),
                priority,
                search_provider,
                last_enriched: last.as_deref().map(ts::parse).transpose()?,
            });
        }
        Ok(out)
    }
}
