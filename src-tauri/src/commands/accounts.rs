//! The accounts table, search and CSV import.

use std::collections::HashSet;

use pf_core::{Account, AccountId};
use pf_store::{AccountSummary, SearchHit, Store, StoreError};
use serde::Serialize;

use super::Shared;
use crate::CommandError;
use crate::events::{self, ACCOUNTS_CHANGED};
use crate::session::Session;

/// How many full-text hits a search reads.
pub const SEARCH_LIMIT: usize = 500;
/// How many hits the search palette shows.
pub const PALETTE_LIMIT: usize = 50;

/// One row of the accounts table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountRow {
    pub id: AccountId,
    pub name: String,
    pub domain: String,
    pub region: Option<String>,
    pub segment: Option<String>,
    pub score: Option<u32>,
    pub priority: Option<String>,
    pub search_provider: Option<String>,
    /// The territory the sync server put the account in.
    pub territory: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_enriched: Option<time::OffsetDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

impl From<&Account> for AccountRow {
    fn from(account: &Account) -> Self {
        Self {
            id: account.id,
            name: account.name.clone(),
            domain: account.domain.as_str().to_owned(),
            region: account.region.clone(),
            segment: account.segment.clone(),
            score: None,
            priority: None,
            search_provider: None,
            territory: account.territory.clone(),
            last_enriched: None,
            matched: None,
            snippet: None,
        }
    }
}

impl From<AccountSummary> for AccountRow {
    fn from(s: AccountSummary) -> Self {
        Self {
            score: s.score,
            priority: s.priority,
            search_provider: s.search_provider,
            last_enriched: s.last_enriched,
            ..AccountRow::from(&s.account)
        }
    }
}

/// Every account with its headline enrichment results.
pub fn list(session: &Session) -> Result<Vec<AccountRow>, CommandError> {
    let rows = session.with_store(Store::account_summaries)?;
    Ok(rows.into_iter().map(AccountRow::from).collect())
}

/// Accounts matching a full-text query, best first, one row per account; blank lists all.
pub fn search(session: &Session, query: &str) -> Result<Vec<AccountRow>, CommandError> {
    let query = query.trim();
    if query.is_empty() {
        return list(session);
    }
    let summaries = session.with_store(Store::account_summaries)?;
    let hits = session.with_store(|s| s.search(query, SEARCH_LIMIT))?;
    let by_id: std::collections::HashMap<AccountId, AccountSummary> =
        summaries.into_iter().map(|s| (s.account.id, s)).collect();
    rows_from_hits(&hits, |id| {
        Ok::<_, StoreError>(by_id.get(&id).cloned().map(AccountRow::from))
    })
    .map_err(CommandError::from)
}

/// Groups ranked hits by account (an account's first hit is its best); hits of accounts that
/// no longer exist are dropped.
pub fn rows_from_hits<E>(
    hits: &[SearchHit],
    mut lookup: impl FnMut(AccountId) -> Result<Option<AccountRow>, E>,
) -> Result<Vec<AccountRow>, E> {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for hit in hits.iter().filter(|hit| seen.insert(hit.account_id)) {
        if let Some(row) = lookup(hit.account_id)? {
            let snippet = Some(hit.snippet.trim().to_owned()).filter(|s| !s.is_empty());
            rows.push(AccountRow {
                matched: Some(hit.field_label.clone()),
                snippet,
                ..row
            });
        }
    }
    Ok(rows)
}

/// One hit of the search palette.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub domain: String,
    pub name: String,
    pub field_label: String,
    pub snippet: String,
}

/// Every matching field over all stored intelligence, best first.
pub fn search_fields(session: &Session, query: &str) -> Result<Vec<SearchResult>, CommandError> {
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let hits = session.with_store(|s| s.search(query, PALETTE_LIMIT))?;
    Ok(hits
        .into_iter()
        .map(|h| SearchResult {
            domain: h.domain.as_str().to_owned(),
            name: h.name,
            field_label: h.field_label,
            snippet: h.snippet.trim().to_owned(),
        })
        .collect())
}

/// A CSV import previewed or done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportPreview {
    pub committed: bool,
    pub rows: u64,
    pub accepted: Vec<ImportRow>,
    pub rejected: Vec<pf_store::RejectedRow>,
    pub inserted: u64,
    pub updated: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRow {
    pub line: u64,
    pub domain: String,
    pub name: String,
}

/// Previews (`commit: false`, nothing written) or imports a CSV text.
pub fn import(session: &Session, csv: &str, commit: bool) -> Result<ImportPreview, CommandError> {
    let parsed = pf_store::parse_csv(csv.as_bytes())?;
    let accepted = parsed
        .accepted
        .iter()
        .map(|(line, acc)| ImportRow {
            line: *line,
            domain: acc
                .domain
                .as_ref()
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            name: acc.name.clone().unwrap_or_default(),
        })
        .collect();
    let mut preview = ImportPreview {
        committed: false,
        rows: parsed.rows,
        accepted,
        rejected: parsed.rejected,
        inserted: 0,
        updated: 0,
    };
    if commit {
        let report = session.with_store(|s| s.import_csv(csv.as_bytes()))?;
        preview.committed = true;
        preview.inserted = report.imported as u64;
        preview.updated = report.updated as u64;
        preview.rejected = report.rejected;
    }
    Ok(preview)
}

#[tauri::command]
pub async fn list_accounts(state: Shared<'_>) -> Result<Vec<AccountRow>, CommandError> {
    list(state.session()?.as_ref())
}

#[tauri::command]
pub async fn search_accounts(
    state: Shared<'_>,
    query: String,
) -> Result<Vec<AccountRow>, CommandError> {
    search(state.session()?.as_ref(), &query)
}

#[tauri::command]
pub async fn search_intelligence(
    state: Shared<'_>,
    query: String,
) -> Result<Vec<SearchResult>, CommandError> {
    search_fields(state.session()?.as_ref(), &query)
}

#[tauri::command]
pub async fn import_csv(
    state: Shared<'_>,
    csv: String,
    commit: bool,
) -> Result<ImportPreview, CommandError> {
    let preview = import(state.session()?.as_ref(), &csv, commit)?;
    if preview.committed {
        events::emit(&*state.emitter(), ACCOUNTS_CHANGED, &());
    }
    Ok(preview)
}
