-- 0004: the inbox: folders watched for incoming bundles, and what became of each file seen.
-- Append-only: never edit this file once released.

CREATE TABLE inbox_dirs (
    path     TEXT PRIMARY KEY,
    added_at INTEGER NOT NULL
) STRICT;

-- One row per distinct content (key = SHA-256 of the file, or a marker for files that could not be
-- read or are not bundles at all). `paths` lists every place it was seen (JSON array).
CREATE TABLE inbox_items (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    state      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    paths      TEXT NOT NULL,
    size       INTEGER NOT NULL,
    stored     TEXT,
    preview    TEXT,
    first_seen INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX inbox_items_by_state ON inbox_items(state);
