-- 0007: personal data marked where it is stored, privacy requests, the audit log, exports and
-- retention purges.

-- Every intelligence row and history snapshot carries its data class and whether it is personal
-- data (executives, quoted speakers, job-post contacts). Kept in step with
-- pf_core::DataClass::of_module by a test.
ALTER TABLE intelligence ADD COLUMN data_class TEXT GENERATED ALWAYS AS (
    CASE module
        WHEN 'M04' THEN 'hiring_signals'
        WHEN 'M07' THEN 'financials'
        WHEN 'M08' THEN 'executives'
        WHEN 'M10' THEN 'quotes'
        WHEN 'M02' THEN 'technology' WHEN 'M03' THEN 'technology' WHEN 'M06' THEN 'technology'
        WHEN 'M01' THEN 'company' WHEN 'M05' THEN 'company' WHEN 'M09' THEN 'company'
        ELSE 'derived'
    END) VIRTUAL;
ALTER TABLE intelligence ADD COLUMN personal INTEGER GENERATED ALWAYS AS (
    module IN ('M04', 'M08', 'M10')) VIRTUAL;

ALTER TABLE history ADD COLUMN data_class TEXT GENERATED ALWAYS AS (
    CASE module
        WHEN 'M04' THEN 'hiring_signals'
        WHEN 'M07' THEN 'financials'
        WHEN 'M08' THEN 'executives'
        WHEN 'M10' THEN 'quotes'
        WHEN 'M02' THEN 'technology' WHEN 'M03' THEN 'technology' WHEN 'M06' THEN 'technology'
        WHEN 'M01' THEN 'company' WHEN 'M05' THEN 'company' WHEN 'M09' THEN 'company'
        ELSE 'derived'
    END) VIRTUAL;
ALTER TABLE history ADD COLUMN personal INTEGER GENERATED ALWAYS AS (
    module IN ('M04', 'M08', 'M10')) VIRTUAL;

-- Cached raw responses of the sources that return people (officers, job-post contacts, quotes).
ALTER TABLE source_facts ADD COLUMN personal INTEGER GENERATED ALWAYS AS (
    source IN ('yahoo_finance', 'job_boards', 'web_search')) VIRTUAL;

-- Search documents built from personal modules.
ALTER TABLE search_docs ADD COLUMN personal INTEGER GENERATED ALWAYS AS (
    field IN ('M04', 'M08', 'M10')) VIRTUAL;

-- Privacy requests carried out on this laptop: filed here (local-only set-up) or ordered by the
-- sync server. The subject is held in clear only while the request is open; once completed it
-- is replaced by its mask (`j***@acme.com (J.D.)`).
CREATE TABLE privacy_requests (
    id            TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    kind          TEXT NOT NULL CHECK (kind IN ('access', 'erasure', 'rectification')),
    origin        TEXT NOT NULL CHECK (origin IN ('local', 'server')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed')),
    subject_email TEXT,
    subject_name  TEXT,
    correction    TEXT CHECK (correction IS NULL OR json_valid(correction)),
    subject_masked TEXT NOT NULL,
    records       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(records)),
    filed_by      TEXT NOT NULL,
    filed_at      TEXT NOT NULL,
    completed_at  TEXT,
    reported_at   TEXT,
    CHECK (status <> 'completed' OR (subject_email IS NULL AND subject_name IS NULL))
) STRICT;

-- Append-only: who did what to which record. Never holds a privacy subject's e-mail or name.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT,
    action  TEXT NOT NULL CHECK (length(action) > 0),
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
) STRICT;
CREATE INDEX audit_log_action ON audit_log(action, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Briefs and reports the app wrote to disk, so an erasure can find the files that name the
-- subject and an audit can say who exported what.
CREATE TABLE exports (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    account_id  TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    kind        TEXT NOT NULL,
    path        TEXT NOT NULL,
    personal    INTEGER NOT NULL CHECK (personal IN (0, 1)),
    erased_at   TEXT
) STRICT;

-- The daily retention purge: when it last ran and what it removed.
CREATE TABLE retention_runs (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    policy   TEXT NOT NULL CHECK (json_valid(policy)),
    removed  TEXT NOT NULL CHECK (json_valid(removed))
) STRICT;
