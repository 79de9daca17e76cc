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
            out.push(decode(r?)?);
        }
        Ok(out)
    }

    /// Each module's data as it stood at `at`: per module, the latest snapshot recorded at or
    /// before `at`, in module order. A module first recorded after `at` has none.
    pub fn snapshots_at(
        &self,
        account: AccountId,
        at: OffsetDateTime,
    ) -> Result<Vec<Snapshot>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT module, recorded_at, summary, data, sources FROM history h
             WHERE account_id = ?1 AND recorded_at <= ?2
               AND id = (SELECT id FROM history l
                         WHERE l.account_id = h.account_id AND l.module = h.module
                           AND l.recorded_at <= ?2
                         ORDER BY l.recorded_at DESC, l.id DESC LIMIT 1)
             ORDER BY module",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![account.to_string(), ts::format(at)],
            row::texts::<5>,
        )?;
        let mut out = Vec::new();
        for r in rows {
            out.push(decode(r?)?);
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

/// Decodes `module, recorded_at, summary, data, sources`.
fn decode([module, at, summary, data, sources]: [String; 5]) -> Result<Snapshot, StoreError> {
    Ok(Snapshot {
        module: row::module(&module)?,
        recorded_at: ts::parse(&at)?,
        summary,
        data: serde_json::from_str(&data)?,
        sources: serde_json::from_str(&sources)?,
    })
}

#[cfg(test)]
mod tests {
    use crate::{KeySource, OpenOptions, Store};
    use pf_core::{Domain, Intelligence, ModuleId, NewAccount, SourceId, SourceRef};
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn snapshots_at_give_each_modules_latest_data_at_or_before_the_instant() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        let id = store
            .upsert_account(&NewAccount {
                domain: Some(Domain::parse("acme.com").expect("d")),
                ..Default::default()
            })
            .expect("insert")
            .id();
        let put = |module: ModuleId, data: serde_json::Value, at| {
            let src = SourceRef::new(SourceId::new("website").expect("id"), "t", None, at, 1.0)
                .expect("ref");
            store
                .put_intelligence(id, module, &Intelligence::new(data, src, []), at, at)
                .expect("put");
        };
        let (oct, nov, dec) = (
            datetime!(2026-10-01 00:00 UTC),
            datetime!(2026-11-01 00:00 UTC),
            datetime!(2026-12-01 00:00 UTC),
        );
        put(ModuleId::TECH_STACK, json!({"p": "Elasticsearch"}), oct);
        put(ModuleId::TECH_STACK, json!({"p": "Algolia"}), dec);
        put(ModuleId::TRAFFIC, json!({"v": 1}), nov);
        let at = |t| store.snapshots_at(id, t).expect("read");
        let mid = at(datetime!(2026-11-15 00:00 UTC));
        let got: Vec<_> = mid.iter().map(|s| (s.module, s.data.clone())).collect();
        assert_eq!(
            got,
            vec![
                (ModuleId::TECH_STACK, json!({"p": "Elasticsearch"})),
                (ModuleId::TRAFFIC, json!({"v": 1})),
            ]
        );
        assert_eq!(
            at(dec)[0].data,
            json!({"p": "Algolia"}),
            "inclusive of the instant"
        );
        assert!(at(datetime!(2026-09-01 00:00 UTC)).is_empty());
    }
}
