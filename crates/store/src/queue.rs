//! Enrichment asked for while offline: kept here so it survives a restart, and run (then
//! removed) when the network returns. One entry per domain; asking again keeps the first time
//! and upgrades to a forced refresh if either asked for one.

use pf_core::Domain;
use rusqlite::params;
use serde::Serialize;
use time::OffsetDateTime;

use crate::{Store, StoreError, row, ts};

/// One queued domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedEnrichment {
    pub domain: Domain,
    pub force: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
}

impl Store {
    /// Queues domains for enrichment; answers how many are queued in all.
    pub fn queue_enrichment(
        &self,
        domains: &[Domain],
        force: bool,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.batch(|store| {
            for d in domains {
                store.conn.execute(
                    "INSERT INTO enrich_queue (domain, force, queued_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (domain) DO UPDATE SET force = max(force, excluded.force)",
                    params![d.as_str(), i64::from(force), ts::format(at)],
                )?;
            }
            Ok(())
        })?;
        self.count_queued()
    }

    /// Everything queued, oldest first.
    pub fn queued_enrichments(&self) -> Result<Vec<QueuedEnrichment>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT domain, force, queued_at FROM enrich_queue ORDER BY queued_at, domain",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (domain, force, at) = r?;
            out.push(QueuedEnrichment {
                domain: row::domain(&domain)?,
                force: force != 0,
                queued_at: ts::parse(&at)?,
            });
        }
        Ok(out)
    }

    /// Removes domains from the queue (their job has started).
    pub fn dequeue(&self, domains: &[Domain]) -> Result<(), StoreError> {
        self.batch(|store| {
            for d in domains {
                store
                    .conn
                    .execute("DELETE FROM enrich_queue WHERE domain = ?1", [d.as_str()])?;
            }
            Ok(())
        })
    }

    /// How many domains wait for the network.
    pub fn count_queued(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM enrich_queue", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeySource, OpenOptions};
    use time::macros::datetime;

    #[test]
    fn queued_domains_survive_reopen_merge_and_leave_when_dequeued() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = OpenOptions::new(dir.path()).key(KeySource::Unencrypted);
        let a = Domain::parse("costco.com").expect("domain");
        let b = Domain::parse("target.com").expect("domain");
        {
            let store = Store::open(&opts).expect("open");
            let t = datetime!(2026-11-26 9:00 UTC);
            assert_eq!(
                store
                    .queue_enrichment(std::slice::from_ref(&a), false, t)
                    .expect("queue"),
                1
            );
            let later = datetime!(2026-11-26 9:05 UTC);
            assert_eq!(
                store
                    .queue_enrichment(&[a.clone(), b.clone()], true, later)
                    .expect("queue"),
                2
            );
        }
        let store = Store::open(&opts).expect("reopen");
        let queued = store.queued_enrichments().expect("list");
        assert_eq!(queued.len(), 2);
        assert_eq!(queued[0].domain, a);
        assert_eq!(
            queued[0].queued_at,
            datetime!(2026-11-26 9:00 UTC),
            "first ask kept"
        );
        assert!(queued[0].force, "a later forced ask upgrades");
        store.dequeue(&[a]).expect("dequeue");
        assert_eq!(store.count_queued().expect("count"), 1);
    }
}
