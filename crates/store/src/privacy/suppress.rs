//! Erasures that stick: an erased person is remembered only as one-way digests of their
//! normalised e-mail and name, and every later write of intelligence or cached source answers
//! drops the records (objects in lists: an officer, a contact) one of whose own text fields has
//! such a digest. A source that still lists the person cannot bring them back by a refresh.
//! Free-text mentions are not caught this way (a digest cannot be searched for inside a text).

use pf_core::Subject;
use rusqlite::{Connection, params};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

use crate::{Store, StoreError, ts};

/// The digest of a text as suppression compares it: lower-cased, spacing collapsed.
pub(crate) fn digest(text: &str) -> String {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Sha256::digest(norm.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Remembers an erased subject (inside the erasure's transaction).
pub(crate) fn remember(conn: &Connection, s: &Subject) -> Result<(), StoreError> {
    let now = ts::format(ts::now());
    let add = |text: &str, kind: &str| {
        conn.execute(
            "INSERT INTO privacy_suppressions (digest, kind, at) VALUES (?1, ?2, ?3)
             ON CONFLICT (digest) DO NOTHING",
            params![digest(text), kind, now],
        )
    };
    add(s.email(), "email")?;
    if let Some(n) = s.name() {
        add(n, "name")?;
    }
    Ok(())
}

/// Removes the records of suppressed people from `value`; answers how many went.
pub(crate) fn drop_suppressed(value: &mut Value, set: &HashSet<String>) -> usize {
    match value {
        Value::Array(items) => {
            let before = items.len();
            items.retain(|it| match it {
                Value::Object(m) => !m
                    .values()
                    .any(|v| v.as_str().is_some_and(|t| set.contains(&digest(t)))),
                _ => true,
            });
            let removed = before - items.len();
            removed
                + items
                    .iter_mut()
                    .map(|v| drop_suppressed(v, set))
                    .sum::<usize>()
        }
        Value::Object(m) => m.values_mut().map(|v| drop_suppressed(v, set)).sum(),
        _ => 0,
    }
}

impl Store {
    /// The digests of every erased person (empty on most laptops: then nothing is checked).
    pub(crate) fn suppressed(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT digest FROM privacy_suppressions")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<HashSet<_>, _>>()?)
    }

    /// `value` without the records of erased people (borrowed as is when there are none).
    pub(crate) fn without_suppressed<'a>(
        &self,
        value: &'a Value,
    ) -> Result<std::borrow::Cow<'a, Value>, StoreError> {
        let set = self.suppressed()?;
        if set.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(value));
        }
        let mut owned = value.clone();
        let n = drop_suppressed(&mut owned, &set);
        if n > 0 {
            tracing::info!(
                records = n,
                "records of erased people dropped before storing"
            );
        }
        Ok(std::borrow::Cow::Owned(owned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suppressed_records_are_dropped_by_digest_and_others_kept() {
        let set: HashSet<String> = [digest("Jane   DOE")].into_iter().collect();
        let mut v = json!({"officers": [{"name": "Jane Doe", "title": "CFO"}, {"name": "John Roe"}],
                           "nested": [[{"contact": "jane doe"}]]});
        assert_eq!(drop_suppressed(&mut v, &set), 2);
        assert_eq!(v["officers"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["officers"][0]["name"], "John Roe");
        assert_eq!(digest("a").len(), 64);
    }
}
