//! The AE's own timeline of an account: logged calls and brief opens. The brief compares
//! against the last logged call, else the previous time the brief was opened.

use pf_core::AccountId;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::{Store, StoreError, ts};

/// Opens of the same brief closer together than this count as one look (a reload after
/// logging a call must not move the comparison date to a second ago).
pub const SAME_LOOK: Duration = Duration::minutes(30);

/// A logged call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallEntry {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub note: Option<String>,
}

impl Store {
    /// Records a call with the account at `at`. Notes longer than 2,000 characters are refused.
    pub fn log_call(
        &self,
        account: AccountId,
        at: OffsetDateTime,
        note: Option<&str>,
    ) -> Result<CallEntry, StoreError> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 2000) {
            return Err(StoreError::Invalid(
                "a call note is at most 2,000 characters".into(),
            ));
        }
        self.conn.execute(
            "INSERT INTO call_log (account_id, at, note) VALUES (?1, ?2, ?3)",
            params![account.to_string(), ts::format(at), note],
        )?;
        Ok(CallEntry {
            at: ts::parse(&ts::format(at))?,
            note: note.map(str::to_owned),
        })
    }

    /// The account's logged calls, newest first.
    pub fn calls(&self, account: AccountId, limit: usize) -> Result<Vec<CallEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, note FROM call_log WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![
                account.to_string(),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (at, note) = row?;
            out.push(CallEntry {
                at: ts::parse(&at)?,
                note,
            });
        }
        Ok(out)
    }

    /// Records that the brief was opened at `now` and answers the previous look's time (before
    /// this one), if there was one. Opens within [`SAME_LOOK`] of the last one keep its answer.
    pub fn brief_opened(
        &self,
        account: AccountId,
        now: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let id = account.to_string();
        let last: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT opened_at, previous_at FROM brief_views WHERE account_id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let previous = match &last {
            None => None,
            Some((opened, previous)) => {
                let opened = ts::parse(opened)?;
                if now - opened < SAME_LOOK {
                    previous.as_deref().map(ts::parse).transpose()?
                } else {
                    Some(opened)
                }
            }
        };
        self.conn.execute(
            "INSERT INTO brief_views (account_id, opened_at, previous_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id) DO UPDATE SET opened_at = excluded.opened_at,
                                                     previous_at = excluded.previous_at",
            params![id, ts::format(now), previous.map(ts::format)],
        )?;
        Ok(previous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeySource, OpenOptions};
    use pf_core::{Domain, NewAccount};
    use time::macros::datetime;

    fn store_with_account() -> (tempfile::TempDir, Store, AccountId) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        let new = NewAccount {
            domain: Some(Domain::parse("costco.com").expect("domain")),
            name: Some("Costco".into()),
            ..NewAccount::default()
        };
        let id = store.upsert_account(&new).expect("upsert").id();
        (dir, store, id)
    }

    #[test]
    fn calls_are_listed_newest_first_with_notes() {
        let (_dir, store, id) = store_with_account();
        store
            .log_call(id, datetime!(2026-11-01 10:00 UTC), Some("  intro  "))
            .expect("log");
        store
            .log_call(id, datetime!(2026-11-20 15:30 UTC), None)
            .expect("log");
        let calls = store.calls(id, 10).expect("calls");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].at, datetime!(2026-11-20 15:30 UTC));
        assert_eq!(calls[1].note.as_deref(), Some("intro"));
        let long = "x".repeat(2001);
        assert!(
            store
                .log_call(id, datetime!(2026-11-21 0:00 UTC), Some(&long))
                .is_err()
        );
        assert_eq!(
            store.calls(id, 10).expect("calls").len(),
            2,
            "nothing half-written"
        );
    }

    #[test]
    fn brief_opens_answer_the_previous_look_and_reloads_keep_it() {
        let (_dir, store, id) = store_with_account();
        let first = datetime!(2026-11-01 9:00 UTC);
        assert_eq!(store.brief_opened(id, first).expect("open"), None);
        let reload = first + Duration::minutes(5);
        assert_eq!(
            store.brief_opened(id, reload).expect("open"),
            None,
            "same look"
        );
        let next_day = datetime!(2026-11-02 9:00 UTC);
        assert_eq!(
            store.brief_opened(id, next_day).expect("open"),
            Some(reload)
        );
        let reload = next_day + Duration::minutes(1);
        assert_eq!(
            store.brief_opened(id, reload).expect("open"),
            Some(first + Duration::minutes(5))
        );
    }
}
