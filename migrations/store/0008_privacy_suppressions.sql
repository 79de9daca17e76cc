-- 0008: people erased from this laptop, kept as one-way digests (SHA-256 of the normalised
-- e-mail or name, never the text), so a later enrichment that fetches them again from a source
-- drops their records before anything is written: an erasure sticks.
CREATE TABLE privacy_suppressions (
    digest  TEXT PRIMARY KEY NOT NULL CHECK (length(digest) = 64),
    kind    TEXT NOT NULL CHECK (kind IN ('email', 'name')),
    at      TEXT NOT NULL
) STRICT, WITHOUT ROWID;
