-- 0003: enrichment jobs, so `partnerforge enrich --resume` finds the job that was interrupted.

CREATE TABLE jobs (
    id          TEXT PRIMARY KEY NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    request     TEXT NOT NULL CHECK (json_valid(request)),
    status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed'))
) STRICT, WITHOUT ROWID;

CREATE INDEX jobs_started ON jobs(started_at);
