//! Desktop notifications the app decided to send, keyed so that each event is notified once:
//! recorded before it is shown, marked sent after, so a crash in between re-sends it at the next
//! start and a restart never sends a sent one again.

use pf_core::Domain;
use rusqlite::params;
use serde::Serialize;
use time::OffsetDateTime;

use crate::{Store, StoreError, row, ts};

/// A notification to show (or shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// What makes it one event, e.g. `hot_lead:costco.com:2026-11-26`.
    pub key: String,
    /// `hot_lead`, `competitor_dropped`, ...
    pub kind: String,
    pub domain: Domain,
    pub title: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Records a notification unless one with the same key exists. Answers whether it is new
    /// (and so should be shown).
    pub fn record_notification(&self, n: &Notification) -> Result<bool, StoreError> {
        let inserted = self.conn.execute(
            "INSERT INTO notifications (key, kind, domain, title, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO NOTHING",
            params![
                n.key,
                n.kind,
                n.domain.as_str(),
                n.title,
                n.body,
                ts::format(n.created_at)
            ],
        )?;
        Ok(inserted == 1)
    }

    /// Marks a notification as shown.
    pub fn mark_notification_sent(&self, key: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE notifications SET sent_at = ?2 WHERE key = ?1",
            params![key, ts::format(at)],
        )?;
        Ok(())
    }

    /// Notifications recorded but never shown (the app stopped in between), oldest first.
    pub fn unsent_notifications(&self) -> Result<Vec<Notification>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, kind, domain, title, body, created_at FROM notifications
             WHERE sent_at IS NULL ORDER BY created_at",
        )?;
        let rows = stmt.query_map([], row::texts::<6>)?;
        let mut out = Vec::new();
        for r in rows {
            let [key, kind, domain, title, body, at] = r?;
            out.push(Notification {
                key,
                kind,
                domain: row::domain(&domain)?,
                title,
                body,
                created_at: ts::parse(&at)?,
            });
        }
        Ok(out)
    }

    /// How many notifications were shown (for tests and the Ops page).
    pub fn count_sent_notifications(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM notifications WHERE sent_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeySource, OpenOptions};
    use time::macros::datetime;

    #[test]
    fn a_notification_is_recorded_once_and_unsent_until_marked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        let n = Notification {
            key: "hot_lead:costco.com:2026-11-26".into(),
            kind: "hot_lead".into(),
            domain: Domain::parse("costco.com").expect("domain"),
            title: "Costco is hot".into(),
            body: "score 81".into(),
            created_at: datetime!(2026-11-26 10:00 UTC),
        };
        assert!(store.record_notification(&n).expect("record"));
        assert!(
            !store.record_notification(&n).expect("again"),
            "same event twice"
        );
        assert_eq!(
            store.unsent_notifications().expect("unsent"),
            vec![n.clone()]
        );
        store
            .mark_notification_sent(&n.key, datetime!(2026-11-26 10:00:01 UTC))
            .expect("mark");
        assert!(store.unsent_notifications().expect("unsent").is_empty());
        assert!(!store.record_notification(&n).expect("after restart"));
        assert_eq!(store.count_sent_notifications().expect("count"), 1);
    }
}
