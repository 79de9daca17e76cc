-- The sync server's schema (PostgreSQL), table for table the SQLite one
-- (migrations/server/sqlite/0001_init.sql). Times are Unix milliseconds (UTC, BIGINT); money is
-- integer micros of a US dollar (BIGINT); JSON columns hold pf-sync wire types as TEXT (parsed by
-- the server, never queried), so both backends store the same bytes.

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'ae', 'sdr', 'viewer')),
    team_id      TEXT REFERENCES teams(id) ON DELETE SET NULL,
    display_name TEXT,
    active       BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX users_by_team ON users(team_id);

-- Bearer tokens: the id is public (it is part of the token), the hash is sha256 of the whole token.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash       BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX tokens_by_user ON tokens(user_id);

CREATE TABLE territories (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    owner    TEXT NOT NULL REFERENCES users(id),
    rule     TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX territories_by_owner ON territories(owner);

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
    updated_at     BIGINT NOT NULL
);

-- One row per team with a budget. Every write that changes a team's committed spend or open
-- reservations first locks this row (`SELECT ... FOR UPDATE`), so the hard-cap check and the
-- reservation are atomic under any concurrency.
CREATE TABLE budgets (
    team_id                  TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    monthly_limit_micros     BIGINT NOT NULL CHECK (monthly_limit_micros >= 0),
    alert_threshold_pct      SMALLINT NOT NULL CHECK (alert_threshold_pct BETWEEN 0 AND 100),
    hard_cap_micros          BIGINT NOT NULL CHECK (hard_cap_micros >= 0),
    offline_allowance_micros BIGINT NOT NULL CHECK (offline_allowance_micros >= 0)
);

-- Committed spend per team and month (YYYY-MM); `alerted` once the alert threshold was crossed.
CREATE TABLE spend (
    team_id      TEXT NOT NULL,
    month        TEXT NOT NULL,
    spent_micros BIGINT NOT NULL DEFAULT 0,
    alerted      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (team_id, month)
);

CREATE TABLE reservations (
    id             TEXT PRIMARY KEY,
    team_id        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    source         TEXT NOT NULL,
    endpoint       TEXT NOT NULL,
    month          TEXT NOT NULL,
    amount_micros  BIGINT NOT NULL CHECK (amount_micros >= 0),
    state          TEXT NOT NULL CHECK (state IN ('open', 'committed', 'released')),
    charged_micros BIGINT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX reservations_open ON reservations(team_id, state, expires_at);

CREATE TABLE alerts (
    team_id              TEXT NOT NULL,
    month                TEXT NOT NULL,
    spent_micros         BIGINT NOT NULL,
    monthly_limit_micros BIGINT NOT NULL,
    threshold_pct        SMALLINT NOT NULL,
    at                   BIGINT NOT NULL,
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
    cost_micros    BIGINT NOT NULL,
    status         TEXT NOT NULL,
    duration_ms    BIGINT NOT NULL,
    at             BIGINT NOT NULL,
    reservation_id TEXT,
    received_at    BIGINT NOT NULL
);

CREATE TABLE prices (
    source       TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    price_micros BIGINT NOT NULL CHECK (price_micros >= 0),
    PRIMARY KEY (source, endpoint)
);

-- Leases lock their source's row here (`FOR UPDATE`): the sum of a window's grants and the new
-- grant are one atomic step per source.
CREATE TABLE source_limits (
    source      TEXT PRIMARY KEY,
    max_calls   BIGINT NOT NULL CHECK (max_calls >= 0),
    window_secs BIGINT NOT NULL CHECK (window_secs > 0)
);

CREATE TABLE leases (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    granted      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
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
-- change as that user sees it. `/v1/changes` reads `seq > cursor` for one user: one range scan
-- (the index carries the other columns, so it is an index-only scan once vacuumed).
-- Feed writers are serialised by a transaction-level advisory lock, so seq order is commit order.
CREATE TABLE feed (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (user_id, kind, key)
);
CREATE INDEX feed_by_user_seq ON feed(user_id, seq) INCLUDE (kind, key, removed);
CREATE INDEX feed_by_item ON feed(kind, key);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('seq', 0);
