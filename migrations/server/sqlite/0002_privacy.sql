-- Privacy requests (GDPR/CCPA access, erasure, rectification), the laptops each one waits for,
-- and the append-only audit log. Times are Unix milliseconds (UTC).
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
    filed_at       INTEGER NOT NULL,
    completed_at   INTEGER,
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
    reported_at INTEGER,
    records     TEXT NOT NULL DEFAULT '{}',
    export      TEXT,
    PRIMARY KEY (request_id, token_id)
);
CREATE INDEX privacy_laptops_by_token ON privacy_laptops(token_id);

-- Who did what to which record. Append-only: the triggers refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    actor  TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_action ON audit_log(action, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
