-- The sync server's schema (SQLite). Times are Unix milliseconds (UTC); money is integer micros
-- of a US dollar; JSON columns hold pf-sync wire types.

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'ae', 'sdr', 'viewer')),
    team_id      TEXT REFERENCES teams(id) ON DELETE SET NULL,
    display_name TEXT,
    active       INTEGER NOT NULL DEFAULT 1
);

-- Bearer tokens: the id is public (it is part of the token), the hash is sha256 of the whole token.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash       BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);

CREATE TABLE territories (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    owner    TEXT NOT NULL REFERENCES users(id),
    rule     TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE territory_members (
    territory_id TEXT NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (territory_id, user_id)
);
CREATE INDEX territory_members_by_user ON territory_members(user_id);

-- Accounts known to the server. `territory_id` is derived from the territories' rules;
-- `explicit_owner` is set by hand (an assignment).
CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    domain         TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    attrs          TEXT NOT NULL,
    deal_intel     TEXT,
    explicit_owner TEXT REFERENCES users(id) ON DELETE SET NULL,
    territory_id   TEXT REFERENCES territories(id) ON DELETE SET NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE budgets (
    team_id                  TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    monthly_limit_micros     INTEGER NOT NULL CHECK (monthly_limit_micros >= 0),
    alert_threshold_pct      INTEGER NOT NULL CHECK (alert_threshold_pct BETWEEN 0 AND 100),
    hard_cap_micros          INTEGER NOT NULL CHECK (hard_cap_micros >= 0),
    offline_allowance_micros INTEGER NOT NULL CHECK (offline_allowance_micros >= 0)
);

-- Committed spend per team and month (YYYY-MM); `alerted` once the alert threshold was crossed.
CREATE TABLE spend (
    team_id      TEXT NOT NULL,
    month        TEXT NOT NULL,
    spent_micros INTEGER NOT NULL DEFAULT 0,
    alerted      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, month)
);

CREATE TABLE reservations (
    id             TEXT PRIMARY KEY,
    team_id        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    source         TEXT NOT NULL,
    endpoint       TEXT NOT NULL,
    month          TEXT NOT NULL,
    amount_micros  INTEGER NOT NULL CHECK (amount_micros >= 0),
    state          TEXT NOT NULL CHECK (state IN ('open', 'committed', 'released')),
    charged_micros INTEGER,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX reservations_open ON reservations(team_id, state, expires_at);

CREATE TABLE alerts (
    team_id              TEXT NOT NULL,
    month                TEXT NOT NULL,
    spent_micros         INTEGER NOT NULL,
    monthly_limit_micros INTEGER NOT NULL,
    threshold_pct        INTEGER NOT NULL,
    at                   INTEGER NOT NULL,
    PRIMARY KEY (team_id, month)
);

-- Usage records pushed by laptops, idempotent by the client's record id.
CREATE TABLE usage (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL,
    team_id        TEXT,
    source         TEXT NOT NULL,
    endpoint       TEXT NOT NULL,
    domain         TEXT,
    cost_micros    INTEGER NOT NULL,
    status         TEXT NOT NULL,
    duration_ms    INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    reservation_id TEXT,
    received_at    INTEGER NOT NULL
);

CREATE TABLE prices (
    source       TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    price_micros INTEGER NOT NULL CHECK (price_micros >= 0),
    PRIMARY KEY (source, endpoint)
);

CREATE TABLE source_limits (
    source      TEXT PRIMARY KEY,
    max_calls   INTEGER NOT NULL CHECK (max_calls >= 0),
    window_secs INTEGER NOT NULL CHECK (window_secs > 0)
);

CREATE TABLE leases (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    granted      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX leases_by_window ON leases(source, window_start);

CREATE TABLE flags (
    key  TEXT PRIMARY KEY,
    flag TEXT NOT NULL
);

CREATE TABLE retention (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    policy TEXT NOT NULL
);

-- The change log, per user: one row per (user, item), carrying the sequence of the item's last
-- change as that user sees it. `/v1/changes` reads `seq > cursor` for one user: one range scan.
CREATE TABLE feed (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX feed_by_user_seq ON feed(user_id, seq);
CREATE INDEX feed_by_item ON feed(kind, key);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('seq', 0);
