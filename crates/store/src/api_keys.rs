//! Paid-source API keys: values in the OS keyring only, names (never values) in the database so
//! they can be listed.

use pf_core::SourceId;
use zeroize::Zeroizing;

use crate::key::secret;
use crate::{Store, StoreError, ts};

fn keyring_user(source: &SourceId) -> String {
    format!("api-key:{source}")
}

impl Store {
    /// Puts a source's API key into the OS keyring and records its name.
    pub fn set_api_key(&self, source: &SourceId, value: &str) -> Result<(), StoreError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(StoreError::EmptySecret);
        }
        secret::set(&keyring_user(source), value)?;
        self.conn.execute(
            "INSERT INTO api_key_names (source, set_at) VALUES (?1, ?2)
             ON CONFLICT (source) DO UPDATE SET set_at = excluded.set_at",
            rusqlite::params![source.as_str(), ts::format(ts::now())],
        )?;
        self.audit_key_change(source, "set")
    }

    /// `key.change` in the audit log: which source's key, set or deleted (never the value).
    fn audit_key_change(&self, source: &SourceId, op: &str) -> Result<(), StoreError> {
        let actor = self.local_actor()?;
        self.audit(
            Some(&actor),
            "key.change",
            &format!("source:{}", source.as_str()),
            serde_json::json!({ "op": op }),
        )
    }

    /// The names of the sources that have a key, with when it was set. Never the values.
    pub fn api_key_names(&self) -> Result<Vec<(SourceId, time::OffsetDateTime)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source, set_at FROM api_key_names ORDER BY source")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (source, at) = row?;
            let source = SourceId::new(&source)
                .map_err(|_| StoreError::Corrupt(format!("source `{source}`")))?;
            out.push((source, ts::parse(&at)?));
        }
        Ok(out)
    }

    /// A source's API key from the keyring, for the engine's calls.
    pub fn api_key(&self, source: &SourceId) -> Result<Option<Zeroizing<String>>, StoreError> {
        secret::get(&keyring_user(source))
    }

    /// Removes a source's key from the keyring and its name from the list.
    pub fn delete_api_key(&self, source: &SourceId) -> Result<bool, StoreError> {
        let removed = secret::delete(&keyring_user(source))?;
        let n = self.conn.execute(
            "DELETE FROM api_key_names WHERE source = ?1",
            [source.as_str()],
        )?;
        if removed || n > 0 {
            self.audit_key_change(source, "delete")?;
        }
        Ok(removed || n > 0)
    }
}
