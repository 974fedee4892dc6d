-- 0005: full-text search over the timeline (FTS5), filled behind imports so they stay fast.
-- Append-only: never edit this file once released.

-- A stable integer row id per indexed event (FTS5 rows are keyed by integers).
CREATE TABLE fts_rows (
    rowid    INTEGER PRIMARY KEY,
    case_seq INTEGER NOT NULL,
    id       BLOB NOT NULL,
    UNIQUE (case_seq, id)
) STRICT;

-- Contentless: the text lives in the records and ops; the index holds only terms.
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = '', contentless_delete = 1);

-- How far each case's commits have been indexed: every op before (commit_seq, op_index).
CREATE TABLE fts_progress (
    case_seq   INTEGER PRIMARY KEY,
    commit_seq INTEGER NOT NULL,
    op_index   INTEGER NOT NULL
) STRICT;
