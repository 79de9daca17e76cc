//! Enrichment jobs: what was asked (as JSON), when, and how it ended, so an interrupted job can
//! be found and resumed.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;

use crate::{JobId, Store, StoreError, row, ts};

/// A recorded job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRecord {
    pub id: JobId,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    pub request: serde_json::Value,
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

impl Store {
    /// Records a job as running (or running again, when resumed).
    pub fn start_job(&self, id: &JobId, request: &serde_json::Value) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO jobs (id, started_at, request, status) VALUES (?1, ?2, ?3, 'running')
             ON CONFLICT (id) DO UPDATE SET status = 'running', finished_at = NULL",
            params![
                id.as_str(),
                ts::format(ts::now()),
                serde_json::to_string(request)?
            ],
        )?;
        Ok(())
    }

    /// Records how a job ended: `complete`, `partial` or `failed`.
    pub fn finish_job(&self, id: &JobId, status: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE jobs SET status = ?2, finished_at = ?3 WHERE id = ?1",
            params![id.as_str(), status, ts::format(ts::now())],
        )?;
        Ok(())
    }

    /// The most recent job that never finished (the process was stopped), if any.
    pub fn unfinished_job(&self) -> Result<Option<JobRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, started_at, request, status, finished_at FROM jobs
             WHERE status = 'running' ORDER BY started_at DESC LIMIT 1",
        )?;
        stmt.query_row([], job_row).optional()?.transpose()
    }

    /// The latest jobs, newest first (running ones included).
    pub fn recent_jobs(&self, limit: usize) -> Result<Vec<JobRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, started_at, request, status, finished_at FROM jobs
             ORDER BY started_at DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], job_row)?;
        rows.map(|r| r?).collect()
    }
}

fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<JobRecord, StoreError>> {
    let [id, at, request, status] = row::texts::<4>(r)?;
    let finished: Option<String> = r.get(4)?;
    Ok((|| {
        Ok(JobRecord {
            id: JobId::new(id),
            started_at: ts::parse(&at)?,
            request: serde_json::from_str(&request)?,
            status,
            finished_at: finished.as_deref().map(ts::parse).transpose()?,
        })
    })())
}

#[cfg(test)]
mod tests {
    use crate::{JobId, KeySource, OpenOptions, Store};

    #[test]
    fn an_unfinished_job_is_found_until_it_finishes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        assert!(store.unfinished_job().expect("query").is_none());
        let job = JobId::new("job-7");
        store
            .start_job(&job, &serde_json::json!({"domains": ["costco.com"]}))
            .expect("start");
        let found = store.unfinished_job().expect("query").expect("running");
        assert_eq!(found.id, job);
        assert_eq!(found.request["domains"][0], "costco.com");
        store.finish_job(&job, "partial").expect("finish");
        assert!(store.unfinished_job().expect("query").is_none());
        let recent = store.recent_jobs(5).expect("recent");
        assert_eq!(recent.len(), 1);
        assert_eq!(recent[0].status, "partial");
        assert!(recent[0].finished_at.is_some());
    }
}
