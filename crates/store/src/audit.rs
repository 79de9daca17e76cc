//! The laptop's append-only audit log: who did what to which record — privacy requests, role,
//! territory and budget changes that arrived by sync, configuration and budget changes made
//! here, exports and API key changes. The schema refuses UPDATE and DELETE; a target names a
//! record (`account:<id>`, `privacy:<id>`, `source:builtwith`), never a privacy subject.

use rusqlite::{Connection, params};
use serde::Serialize;
use time::OffsetDateTime;

use crate::{Store, StoreError, ts};

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
}

/// Appends inside the caller's transaction.
pub(crate) fn append(
    conn: &Connection,
    at: OffsetDateTime,
    actor: Option<&str>,
    action: &str,
    target: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ts::format(at), actor, action, target, detail.to_string()],
    )?;
    Ok(())
}

impl Store {
    /// Appends one entry.
    pub fn audit(
        &self,
        actor: Option<&str>,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        append(&self.conn, ts::now(), actor, action, target, &detail)
    }

    /// Who acts on this laptop, for the audit log: the signed-in user of the sync server, else
    /// the OS user.
    pub fn local_actor(&self) -> Result<String, StoreError> {
        if let Some(id) = self.sync_identity()? {
            return Ok(id.profile.user.to_string());
        }
        let user = std::env::var("USER").unwrap_or_else(|_| "local".into());
        Ok(format!("{user}@local"))
    }

    /// Entries after `since` (a sequence number), optionally of one action (or action prefix
    /// ending in `.`), oldest first, at most `limit`.
    pub fn audit_log(
        &self,
        since: Option<i64>,
        action: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let pattern = match action {
            Some(a) if a.ends_with('.') => format!("{a}%"),
            Some(a) => a.to_owned(),
            None => "%".to_owned(),
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, action, target, detail FROM audit_log
             WHERE seq > ?1 AND action LIKE ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![since.unwrap_or(0), pattern, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, actor, action, target, detail) = row?;
            out.push(AuditRecord {
                seq,
                at: ts::parse(&at)?,
                actor,
                action,
                target,
                detail: serde_json::from_str(&detail)?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::{OpenOptions, Store};

    #[test]
    fn the_audit_log_is_append_only_and_filters_by_action() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(&OpenOptions::new(dir.path()).key(crate::KeySource::Unencrypted))
            .expect("open");
        store
            .audit(
                Some("ana@acme.com"),
                "key.change",
                "source:builtwith",
                serde_json::json!({"op": "set"}),
            )
            .expect("append");
        store
            .audit(
                None,
                "retention.purge",
                "laptop",
                serde_json::json!({"removed": 3}),
            )
            .expect("append");
        let keys = store.audit_log(None, Some("key."), 10).expect("query");
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].actor.as_deref(), Some("ana@acme.com"));
        assert_eq!(
            store
                .audit_log(Some(keys[0].seq), None, 10)
                .expect("since")
                .len(),
            1
        );
        assert!(
            store
                .conn
                .execute("UPDATE audit_log SET action = 'x'", [])
                .is_err()
        );
        assert!(store.conn.execute("DELETE FROM audit_log", []).is_err());
        assert_eq!(store.audit_log(None, None, 10).expect("all").len(), 2);
    }
}
