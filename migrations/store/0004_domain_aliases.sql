-- 0004: former and alternative domains of an account (a rename, a merger, a redirect), so
-- looking up an old domain finds the company it became and its history follows it.

CREATE TABLE domain_aliases (
    domain      TEXT PRIMARY KEY NOT NULL CHECK (domain = lower(domain)),
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    added_at    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX domain_aliases_account ON domain_aliases(account_id);
