-- 0002: what each source last said about an account, so a refresh within its freshness limit,
-- a resumed job or another module fed by the same source never repeats a paid call.

CREATE TABLE source_facts (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (length(source) > 0),
    facts       TEXT NOT NULL CHECK (json_valid(facts) AND json_type(facts) = 'array'),
    fetched_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL CHECK (expires_at >= fetched_at),
    PRIMARY KEY (account_id, source)
) STRICT, WITHOUT ROWID;
