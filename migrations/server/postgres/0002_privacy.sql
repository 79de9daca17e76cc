-- Privacy requests (GDPR/CCPA access, erasure, rectification), the laptops each one waits for,
-- and the append-only audit log, table for table the SQLite ones
-- (migrations/server/sqlite/0002_privacy.sql). Times are Unix milliseconds (UTC, BIGINT); JSON
-- columns are TEXT, as in 0001.
--
-- Columns that hold personal data on this server:
--   users.display_name                  a person's name (erased or rectified by a request);
--   accounts.deal_intel (its `notes`)   free text that may name contacts;
--   accounts.attrs                      free text (tags) that may name contacts;
--   privacy_requests.subject_email,
--   privacy_requests.subject_name,
--   privacy_requests.correction         the subject, in clear only while the request is open:
--                                       set to NULL at completion (`subject_masked` stays);
--   privacy_requests.server_export,
--   privacy_laptops.export              access requests only: what is held on the subject,
--                                       kept to be handed to them.
-- The audit log never holds a subject's e-mail or name: its targets are record ids.

CREATE TABLE privacy_requests (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('access', 'erasure', 'rectification')),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed')),
    subject_email  TEXT,
    subject_name   TEXT,
    subject_masked TEXT NOT NULL,
    correction     TEXT,
    filed_by       TEXT NOT NULL,
    filed_at       BIGINT NOT NULL,
    completed_at   BIGINT,
    server_records TEXT NOT NULL,
    server_export  TEXT
);
CREATE INDEX privacy_requests_by_filed ON privacy_requests(filed_at);

-- The laptops a request waits for: the live tokens (not expired) of active users at filing time.
-- A token revoked or expired since, or whose user was deleted, no longer counts.
CREATE TABLE privacy_laptops (
    request_id  TEXT NOT NULL REFERENCES privacy_requests(id) ON DELETE CASCADE,
    token_id    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    reported_at BIGINT,
    records     TEXT NOT NULL DEFAULT '{}',
    export      TEXT,
    PRIMARY KEY (request_id, token_id)
);
CREATE INDEX privacy_laptops_by_token ON privacy_laptops(token_id);

-- Who did what to which record. Append-only: the trigger refuses every UPDATE, DELETE and
-- TRUNCATE.
CREATE TABLE audit_log (
    seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_action ON audit_log(action, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
