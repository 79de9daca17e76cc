-- 0006: the laptop side of the sync server. Who this laptop is to the server (the token itself
-- lives in the OS keyring, never here), where its pull stands, what the server handed it
-- (accounts keyed by the server's id; territories, budgets, prices, limits, flags and retention
-- as JSON items), the outbox of usage records to push (each pushed until the server acked it,
-- the server counting each id once), and budget settlements that could not reach the server.

CREATE TABLE sync_identity (
    id                       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    server_url               TEXT NOT NULL,
    user_id                  TEXT NOT NULL,
    role                     TEXT NOT NULL,
    team_id                  TEXT,
    team_name                TEXT,
    display_name             TEXT,
    territories              TEXT NOT NULL DEFAULT '[]',
    offline_allowance_micros INTEGER NOT NULL DEFAULT 5000000 CHECK (offline_allowance_micros >= 0),
    logged_in_at             TEXT NOT NULL,
    last_sync_at             TEXT,
    -- The server's opaque pull cursor; NULL pulls everything from the start.
    cursor                   TEXT
) STRICT;

CREATE TABLE synced_accounts (
    server_id   TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    data        TEXT NOT NULL CHECK (json_valid(data)),
    synced_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE synced_items (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    data        TEXT NOT NULL CHECK (json_valid(data)),
    synced_at   TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_outbox (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL,
    source       TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    domain       TEXT,
    cost_micros  INTEGER NOT NULL CHECK (cost_micros >= 0),
    status       TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL CHECK (duration_ms >= 0),
    reservation  TEXT,
    pushed_at    TEXT
) STRICT;

CREATE INDEX sync_outbox_unpushed ON sync_outbox(seq) WHERE pushed_at IS NULL;

CREATE TABLE sync_settlements (
    reservation   TEXT PRIMARY KEY NOT NULL,
    -- NULL: release the hold; else commit this actual cost.
    actual_micros INTEGER CHECK (actual_micros IS NULL OR actual_micros >= 0),
    created_at    TEXT NOT NULL
) STRICT, WITHOUT ROWID;
