-- 0001: accounts, cited intelligence, history, usage log, job checkpoints, full-text search.
-- Append-only: never edit a released migration; add 0002_*.sql instead.

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    domain      TEXT NOT NULL UNIQUE CHECK (length(domain) BETWEEN 3 AND 253 AND domain = lower(domain)),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    region      TEXT,
    country     TEXT,
    segment     TEXT,
    industry    TEXT,
    employees   INTEGER CHECK (employees IS NULL OR employees >= 0),
    revenue_usd INTEGER CHECK (revenue_usd IS NULL OR revenue_usd >= 0),
    owner       TEXT,
    territory   TEXT,
    tags        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX accounts_owner ON accounts(owner);
CREATE INDEX accounts_territory ON accounts(territory);

-- One module's current result per account. No row without at least one named source (ADR 0002).
CREATE TABLE intelligence (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    module      TEXT NOT NULL CHECK (module GLOB 'M[0-9][0-9]' AND module <> 'M00'),
    data        TEXT NOT NULL CHECK (json_valid(data)),
    sources     TEXT NOT NULL CHECK (json_valid(sources) AND json_type(sources) = 'array'
                                     AND json_array_length(sources) > 0),
    fetched_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL CHECK (expires_at >= fetched_at),
    PRIMARY KEY (account_id, module)
) STRICT, WITHOUT ROWID;

-- Every change to an account's intelligence: the new value, its sources and a readable summary.
CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    module      TEXT NOT NULL CHECK (module GLOB 'M[0-9][0-9]' AND module <> 'M00'),
    recorded_at TEXT NOT NULL,
    data        TEXT NOT NULL CHECK (json_valid(data)),
    sources     TEXT NOT NULL CHECK (json_valid(sources) AND json_type(sources) = 'array'
                                     AND json_array_length(sources) > 0),
    summary     TEXT NOT NULL CHECK (length(summary) > 0)
) STRICT;

CREATE INDEX history_account_time ON history(account_id, recorded_at);

-- A source entry must name its source: enforced for both tables, whatever writes to them.
CREATE TRIGGER intelligence_sources_named_insert BEFORE INSERT ON intelligence
WHEN EXISTS (SELECT 1 FROM json_each(NEW.sources)
             WHERE json_type(value) <> 'object'
                OR coalesce(json_extract(value, '$.source'), '') = ''
                OR json_extract(value, '$.fetched_at') IS NULL)
BEGIN SELECT RAISE(ABORT, 'intelligence without a named source'); END;

CREATE TRIGGER intelligence_sources_named_update BEFORE UPDATE OF sources ON intelligence
WHEN EXISTS (SELECT 1 FROM json_each(NEW.sources)
             WHERE json_type(value) <> 'object'
                OR coalesce(json_extract(value, '$.source'), '') = ''
                OR json_extract(value, '$.fetched_at') IS NULL)
BEGIN SELECT RAISE(ABORT, 'intelligence without a named source'); END;

CREATE TRIGGER history_sources_named BEFORE INSERT ON history
WHEN EXISTS (SELECT 1 FROM json_each(NEW.sources)
             WHERE json_type(value) <> 'object'
                OR coalesce(json_extract(value, '$.source'), '') = '')
BEGIN SELECT RAISE(ABORT, 'history without a named source'); END;

-- Every paid or free call the engine makes. Money in integer micro-dollars.
CREATE TABLE usage_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    source      TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    domain      TEXT,
    cost_micros INTEGER NOT NULL CHECK (cost_micros >= 0),
    status      TEXT NOT NULL,
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0)
) STRICT;

CREATE INDEX usage_log_at ON usage_log(at);

-- Checkpoints of the engine's resumable jobs: one row per (job, domain, module).
CREATE TABLE job_checkpoints (
    job_id      TEXT NOT NULL,
    domain      TEXT NOT NULL,
    module      TEXT NOT NULL CHECK (module GLOB 'M[0-9][0-9]' AND module <> 'M00'),
    state       TEXT NOT NULL CHECK (state IN ('done', 'failed', 'skipped')),
    result      TEXT CHECK (result IS NULL OR json_valid(result)),
    detail      TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (job_id, domain, module)
) STRICT, WITHOUT ROWID;

-- Full-text search: one document per (account, field), mirrored into FTS5 (external content).
CREATE TABLE search_docs (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    body        TEXT NOT NULL,
    UNIQUE (account_id, field)
) STRICT;

CREATE VIRTUAL TABLE search_fts USING fts5(
    body, content = 'search_docs', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts(rowid, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO search_fts(rowid, body) VALUES (NEW.id, NEW.body);
END;

-- Accounts feed the `company` document: name, domain, industry, segment, tags.
CREATE TRIGGER accounts_search_ai AFTER INSERT ON accounts BEGIN
    INSERT INTO search_docs(account_id, field, body) VALUES (NEW.id, 'company',
        NEW.name || ' ' || NEW.domain || ' ' || coalesce(NEW.industry, '') || ' ' ||
        coalesce(NEW.segment, '') || ' ' || (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(NEW.tags)));
END;
CREATE TRIGGER accounts_search_au AFTER UPDATE ON accounts BEGIN
    UPDATE search_docs SET body =
        NEW.name || ' ' || NEW.domain || ' ' || coalesce(NEW.industry, '') || ' ' ||
        coalesce(NEW.segment, '') || ' ' || (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(NEW.tags))
    WHERE account_id = NEW.id AND field = 'company';
END;

-- Intelligence feeds one document per module: every text value in its JSON (tech names,
-- initiatives, quotes, hiring signals...).
CREATE TRIGGER intelligence_search_ai AFTER INSERT ON intelligence BEGIN
    INSERT INTO search_docs(account_id, field, body) VALUES (NEW.account_id, NEW.module,
        (SELECT coalesce(group_concat(value, ' '), '') FROM json_tree(NEW.data) WHERE type = 'text'));
END;
CREATE TRIGGER intelligence_search_au AFTER UPDATE OF data ON intelligence BEGIN
    UPDATE search_docs SET body =
        (SELECT coalesce(group_concat(value, ' '), '') FROM json_tree(NEW.data) WHERE type = 'text')
    WHERE account_id = NEW.account_id AND field = NEW.module;
END;
CREATE TRIGGER intelligence_search_ad AFTER DELETE ON intelligence BEGIN
    DELETE FROM search_docs WHERE account_id = OLD.account_id AND field = OLD.module;
END;

-- Names (never values) of the API keys the user put in the OS keyring.
CREATE TABLE api_key_names (
    source      TEXT PRIMARY KEY NOT NULL,
    set_at      TEXT NOT NULL
) STRICT, WITHOUT ROWID;
