//! Tauri commands: each one hands off to the store and maps the answer to a small DTO.
//!
//! Errors cross to the UI as `{ "code": ..., "message": ... }` ([`CommandError`]), so the UI can
//! show the code and decide what to do. Messages come from [`pf_store::StoreError`]'s `Display`,
//! which never contains secrets.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use pf_core::{Account, AccountId};
use pf_store::{OpenOptions, SearchHit, Store, StoreError};
use serde::Serialize;
use tauri::State;

/// How many full-text hits a search reads before they are grouped by account.
pub const SEARCH_LIMIT: usize = 500;

/// A command's failure as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct CommandError {
    /// Stable machine-readable code, e.g. `store.wrong_key` or `desktop.bad_arguments`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl CommandError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(err: StoreError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

/// One row of the accounts table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountRow {
    pub id: AccountId,
    pub name: String,
    pub domain: String,
    pub region: Option<String>,
    pub segment: Option<String>,
    /// For search results: what matched (`Company`, `Technology stack`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// For search results: the text around the best match, matches in `[brackets]`.
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
            matched: None,
            snippet: None,
        }
    }
}

/// The shell's state: the open store, or the reason it could not be opened.
pub struct AppState {
    store: Result<Mutex<Store>, CommandError>,
}

impl AppState {
    /// Resolves the data dir (flag, else env, else OS dir), opens the store there and seeds the
    /// sample accounts if it is empty. Never fails: a failure is kept and returned by every
    /// command.
    pub fn open(data_dir_flag: Option<&Path>) -> Self {
        let opened = pf_store::resolve_data_dir(data_dir_flag).and_then(|dir| {
            tracing::info!(data_dir = %dir.display(), "opening store");
            let store = Store::open(&OpenOptions::new(dir))?;
            match store.seed_sample_accounts() {
                Ok(0) => {}
                Ok(n) => tracing::info!(accounts = n, "empty store: seeded sample accounts"),
                Err(err) => tracing::warn!(code = err.code(), "could not seed samples: {err}"),
            }
            Ok(store)
        });
        match opened {
            Ok(store) => Self::ready(store),
            Err(err) => {
                tracing::error!(code = err.code(), "cannot open the store: {err}");
                Self::failed(err.into())
            }
        }
    }

    /// A state over an already open store.
    pub fn ready(store: Store) -> Self {
        Self {
            store: Ok(Mutex::new(store)),
        }
    }

    /// A state whose every command fails with `err`.
    pub fn failed(err: CommandError) -> Self {
        Self { store: Err(err) }
    }

    /// Runs `f` on the store. A poisoned lock is recovered: the store's writes are transactional.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, CommandError> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        let guard = store.lock().unwrap_or_else(PoisonError::into_inner);
        f(&guard).map_err(CommandError::from)
    }
}

/// Every account, as the store orders them.
#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountRow>, CommandError> {
    list_rows(&state)
}

/// Accounts matching a full-text query, best first, one row per account. An empty query lists
/// every account.
#[tauri::command]
pub async fn search_accounts(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<AccountRow>, CommandError> {
    search_rows(&state, &query)
}

/// [`list_accounts`] without Tauri.
pub fn list_rows(state: &AppState) -> Result<Vec<AccountRow>, CommandError> {
    let accounts = state.with_store(Store::list_accounts)?;
    Ok(accounts.iter().map(AccountRow::from).collect())
}

/// [`search_accounts`] without Tauri.
pub fn search_rows(state: &AppState, query: &str) -> Result<Vec<AccountRow>, CommandError> {
    let query = query.trim();
    if query.is_empty() {
        return list_rows(state);
    }
    state.with_store(|store| {
        let hits = store.search(query, SEARCH_LIMIT)?;
        rows_from_hits(&hits, |id| store.account(id))
    })
}

/// Groups ranked hits by account (an account's first hit is its best) and fills in the table
/// fields with `lookup`. Hits of accounts that no longer exist are dropped.
pub fn rows_from_hits<E>(
    hits: &[SearchHit],
    mut lookup: impl FnMut(AccountId) -> Result<Option<Account>, E>,
) -> Result<Vec<AccountRow>, E> {
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for hit in hits.iter().filter(|hit| seen.insert(hit.account_id)) {
        if let Some(account) = lookup(hit.account_id)? {
            let snippet = Some(hit.snippet.trim().to_owned()).filter(|s| !s.is_empty());
            rows.push(AccountRow {
                matched: Some(hit.field_label.clone()),
                snippet,
                ..AccountRow::from(&account)
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    use pf_core::{Domain, NewAccount};
    use pf_store::KeySource;
    use serde_json::json;

    fn account(id: AccountId, domain: &str, name: &str) -> Account {
        let value = json!({
            "id": id, "domain": domain, "name": name, "region": "NA", "country": null,
            "segment": "Enterprise", "industry": null, "employees": null, "revenue_usd": null,
            "owner": null, "territory": null, "tags": [],
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        });
        serde_json::from_value(value).expect("valid account JSON")
    }

    fn hit(account: &Account, field: &str, snippet: &str) -> SearchHit {
        SearchHit {
            account_id: account.id,
            domain: account.domain.clone(),
            name: account.name.clone(),
            field: field.into(),
            field_label: format!("label {field}"),
            snippet: snippet.into(),
            score: 1.0,
        }
    }

    fn open_store(dir: &Path, domains: &[(&str, &str)]) -> Store {
        let opts = OpenOptions::new(dir).key(KeySource::Unencrypted);
        let store = Store::open(&opts).expect("open store");
        for (domain, name) in domains {
            let new = NewAccount {
                domain: Some(Domain::parse(domain).expect("domain")),
                name: Some((*name).into()),
                ..NewAccount::default()
            };
            store.upsert_account(&new).expect("upsert");
        }
        store
    }

    #[test]
    fn hits_are_grouped_by_account_keeping_the_best() {
        let costco = account(AccountId::new(), "costco.com", "Costco");
        let target = account(AccountId::new(), "target.com", "Target");
        let hits = [
            hit(&costco, "company", "[Costco] Wholesale"),
            hit(&target, "M02", " "),
            hit(&costco, "M02", "uses [Costco] search"),
        ];
        let by_id: HashMap<AccountId, Account> = [costco.clone(), target.clone()]
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let rows = rows_from_hits(&hits, |id| Ok::<_, ()>(by_id.get(&id).cloned()))
            .expect("no lookup error");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].domain, "costco.com");
        assert_eq!(rows[0].snippet.as_deref(), Some("[Costco] Wholesale"));
        assert_eq!(rows[0].matched.as_deref(), Some("label company"));
        assert_eq!(rows[0].region.as_deref(), Some("NA"));
        assert_eq!(rows[1].domain, "target.com");
        assert_eq!(rows[1].snippet, None, "blank snippets are dropped");
    }

    #[test]
    fn hits_of_vanished_accounts_are_dropped_and_errors_pass_through() {
        let gone = account(AccountId::new(), "gone.com", "Gone");
        let hits = [hit(&gone, "company", "[Gone]")];
        assert_eq!(rows_from_hits(&hits, |_| Ok::<_, ()>(None)), Ok(Vec::new()));
        assert_eq!(
            rows_from_hits(&hits, |_| Err::<Option<Account>, _>("boom")),
            Err("boom")
        );
    }

    #[test]
    fn errors_cross_as_code_and_message() {
        let err = CommandError::new("store.wrong_key", "the key is wrong");
        let value = serde_json::to_value(&err).expect("serialise");
        assert_eq!(
            value,
            json!({ "code": "store.wrong_key", "message": "the key is wrong" })
        );
        assert_eq!(err.to_string(), "the key is wrong (store.wrong_key)");
    }

    #[test]
    fn a_failed_state_answers_every_command_with_its_error() {
        let err = CommandError::new("store.need_passphrase", "set PARTNERFORGE_PASSPHRASE");
        let state = AppState::failed(err.clone());
        assert_eq!(list_rows(&state), Err(err.clone()));
        assert_eq!(search_rows(&state, "costco"), Err(err));
    }

    #[test]
    fn list_and_search_go_through_the_store() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = open_store(
            dir.path(),
            &[("costco.com", "Costco"), ("target.com", "Target")],
        );
        let state = AppState::ready(store);

        let all = list_rows(&state).expect("list");
        let mut domains: Vec<&str> = all.iter().map(|r| r.domain.as_str()).collect();
        domains.sort_unstable();
        assert_eq!(domains, ["costco.com", "target.com"]);
        assert!(
            all.iter()
                .all(|r| r.snippet.is_none() && r.matched.is_none())
        );

        let found = search_rows(&state, "  costco ").expect("search");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].domain, "costco.com");
        assert!(
            found[0]
                .snippet
                .as_deref()
                .unwrap_or_default()
                .contains("[Costco]")
        );

        assert_eq!(search_rows(&state, "   ").expect("blank").len(), 2);
        for broken in ["\"unclosed", "AND OR", "*", "NEAR(", "costco\""] {
            assert!(
                search_rows(&state, broken).is_ok(),
                "query {broken:?} must not fail"
            );
        }
    }
}
