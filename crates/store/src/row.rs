//! Small helpers for reading rows: text columns in bulk, and the typed values every repository
//! decodes the same way.

use pf_core::{AccountId, Domain, ModuleId};
use rusqlite::Row;

use crate::StoreError;

/// Reads the first `N` columns of a row as text.
pub(crate) fn texts<const N: usize>(r: &Row<'_>) -> rusqlite::Result<[String; N]> {
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(out)
}

/// A stored module id (`M06`).
pub(crate) fn module(text: &str) -> Result<ModuleId, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("module `{text}`")))
}

/// A stored domain.
pub(crate) fn domain(text: &str) -> Result<Domain, StoreError> {
    Domain::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored account id.
pub(crate) fn account_id(text: &str) -> Result<AccountId, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("account id `{text}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_reads_leading_columns_and_module_rejects_garbage() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        let [a, b] = conn
            .query_row("SELECT 'x', 'y', 'z'", [], texts::<2>)
            .expect("row");
        assert_eq!((a.as_str(), b.as_str()), ("x", "y"));
        assert!(module("M06").is_ok());
        assert_eq!(
            module("M100").err().map(|e| e.code()),
            Some("store.corrupt")
        );
    }
}
