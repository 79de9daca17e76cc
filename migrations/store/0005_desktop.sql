-- 0005: what the desktop app remembers between runs: logged calls and brief opens (the default
-- "what changed since" date), notifications already sent (never twice, not again at restart),
-- and enrichment asked for while offline (run when the network returns).

CREATE TABLE call_log (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    note        TEXT CHECK (note IS NULL OR length(note) <= 2000)
) STRICT;

CREATE INDEX call_log_account_time ON call_log(account_id, at);

CREATE TABLE brief_views (
    account_id  TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    opened_at   TEXT NOT NULL,
    previous_at TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE notifications (
    key         TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    domain      TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
) STRICT, WITHOUT ROWID;

CREATE INDEX notifications_unsent ON notifications(sent_at) WHERE sent_at IS NULL;

CREATE TABLE enrich_queue (
    domain      TEXT PRIMARY KEY NOT NULL,
    force       INTEGER NOT NULL CHECK (force IN (0, 1)),
    queued_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
