-- 0001: the vault itself: owner identity, partners, hash-chained audit log.
-- Append-only: never edit this file once released; add 0002_*.sql instead.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Exactly one row: the vault owner's identity. Secrets live only here, inside the encrypted file.
CREATE TABLE identity (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    name            TEXT NOT NULL,
    org             TEXT NOT NULL,
    age_secret      TEXT NOT NULL,
    age_recipient   TEXT NOT NULL,
    minisign_secret TEXT NOT NULL,
    minisign_public TEXT NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE partners (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    org             TEXT NOT NULL,
    age_recipient   TEXT NOT NULL UNIQUE,
    minisign_public TEXT NOT NULL UNIQUE,
    fingerprint     TEXT NOT NULL,
    verified        INTEGER NOT NULL CHECK (verified IN (0, 1)),
    max_tlp         TEXT NOT NULL,
    added_at        INTEGER NOT NULL,
    verified_at     INTEGER
) STRICT;

-- What entered or left the vault. Each row's hash covers the previous row's hash (a chain).
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
) STRICT;
