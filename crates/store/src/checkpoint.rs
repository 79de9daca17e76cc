//! Checkpoints of the engine's resumable jobs: each (job, domain, module) result is written
//! before the next wave, so a retried job resumes and never repeats a paid call it holds.

use pf_core::{Domain, ModuleId};
use rusqlite::params;
use serde::Serialize;
use std::fmt;

use crate::{Store, StoreError, row, ts};

/// A job's identifier (a UUID v7 chosen by the engine, or any stable text).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct JobId(String);

impl JobId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a module ended inside a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointState {
    Done,
    Failed,
    Skipped,
}

impl CheckpointState {
    fn as_str(self) -> &'static str {
        match self {
            CheckpointState::Done => "done",
            CheckpointState::Failed => "failed",
            CheckpointState::Skipped => "skipped",
        }
    }
}

/// One module's checkpoint in a job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkpoint {
    pub domain: Domain,
    pub module: ModuleId,
    pub state: CheckpointState,
    pub result: Option<serde_json::Value>,
    pub detail: Option<String>,
}

impl Store {
    /// Records (or replaces) a module's checkpoint in a job.
    pub fn save_checkpoint(&self, job: &JobId, cp: &Checkpoint) -> Result<(), StoreError> {
        let result = cp.result.as_ref().map(serde_json::to_string).transpose()?;
        self.conn.prepare_cached(
            "INSERT INTO job_checkpoints (job_id, domain, module, state, result, detail, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (job_id, domain, module) DO UPDATE SET
               state = excluded.state, result = excluded.result, detail = excluded.detail,
               updated_at = excluded.updated_at",
        )?.execute(params![
            job.as_str(), cp.domain.as_str(), cp.module.to_string(), cp.state.as_str(), result, cp.detail,
            ts::format(ts::now())
        ])?;
        Ok(())
    }

    /// Every checkpoint of a job.
    pub fn checkpoints(&self, job: &JobId) -> Result<Vec<Checkpoint>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT domain, module, state, result, detail FROM job_checkpoints WHERE job_id = ?1 ORDER BY domain, module",
        )?;
        let rows = stmt.query_map([job.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (domain, module, state, result, detail) = row?;
            out.push(Checkpoint {
                domain: row::domain(&domain)?,
                module: row::module(&module)?,
                state: match state.as_str() {
                    "done" => CheckpointState::Done,
                    "failed" => CheckpointState::Failed,
                    _ => CheckpointState::Skipped,
                },
                result: result.as_deref().map(serde_json::from_str).transpose()?,
                detail,
            });
        }
        Ok(out)
    }

    /// Forgets a finished job's checkpoints.
    pub fn clear_checkpoints(&self, job: &JobId) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM job_checkpoints WHERE job_id = ?1",
            [job.as_str()],
        )?)
    }
}
