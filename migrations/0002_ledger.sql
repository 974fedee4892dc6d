-- 0002: the signed ledger (commits and their ops, exact bytes) and the state derived from it.
-- Append-only: never edit this file once released.

-- Local small numbers for case ids.
CREATE TABLE cases (
    seq INTEGER PRIMARY KEY,
    id  BLOB NOT NULL UNIQUE
) STRICT;

-- Every commit, as its exact header bytes and signature. `seq` is local application order, which is
-- always a topological order (a commit is stored only after all its parents).
CREATE TABLE commits (
    seq         INTEGER PRIMARY KEY,
    id          BLOB NOT NULL UNIQUE,
    case_seq    INTEGER NOT NULL REFERENCES cases(seq),
    hlc         INTEGER NOT NULL,
    author      TEXT NOT NULL,
    author_key  INTEGER NOT NULL,
    author_name TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    signature   TEXT NOT NULL,
    op_count    INTEGER NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX commits_by_case ON commits(case_seq, seq);

CREATE TABLE commit_parents (
    child  INTEGER NOT NULL REFERENCES commits(seq) DEFERRABLE INITIALLY DEFERRED,
    parent BLOB NOT NULL,
    PRIMARY KEY (child, parent)
) STRICT, WITHOUT ROWID;

-- The commits no other commit of the case names as parent.
CREATE TABLE heads (
    case_seq   INTEGER NOT NULL,
    commit_seq INTEGER NOT NULL,
    PRIMARY KEY (case_seq, commit_seq)
) STRICT, WITHOUT ROWID;

-- A commit's op lines, exact bytes, joined by '\n', in zstd-compressed chunks of up to 256 ops, so a
-- million-op commit streams and a record's op can be read without decompressing the whole commit.
CREATE TABLE op_chunks (
    commit_seq INTEGER NOT NULL REFERENCES commits(seq) DEFERRABLE INITIALLY DEFERRED,
    first_op   INTEGER NOT NULL,
    op_count   INTEGER NOT NULL,
    raw_bytes  INTEGER NOT NULL,
    lines_zstd BLOB NOT NULL,
    PRIMARY KEY (commit_seq, first_op)
) STRICT;

-- Materialized state: one row per record, rebuilt from commits at will.
--   data: winning field values (JSON object), or NULL when the record was written by exactly one op:
--         its values are then that op's fields, read from op_chunks (a million imported events are
--         not stored twice);
--   prov: per-field frontier (JSON): {"*":[seq,op]} is the stamp of every field not listed; a listed
--         field has [[seq,op], ...] with the winner's entry as [seq,op] and the others as
--         [seq,op,value] (kept values of a conflict).
CREATE TABLE records (
    case_seq    INTEGER NOT NULL REFERENCES cases(seq),
    kind        INTEGER NOT NULL,
    id          BLOB NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    conflicts   INTEGER NOT NULL DEFAULT 0,
    created_seq INTEGER NOT NULL,
    data        TEXT,
    prov        TEXT NOT NULL,
    lookup      TEXT,
    tlp         TEXT,
    occurred_at INTEGER,
    host        TEXT,
    source      TEXT,
    phase       TEXT,
    key_event   INTEGER,
    PRIMARY KEY (case_seq, kind, id)
) STRICT, WITHOUT ROWID;
-- The timeline's indexes hold live events only, so pages, filters and counts never touch the rows of
-- deleted ones.
CREATE INDEX events_by_time ON records(case_seq, occurred_at, id) WHERE kind = 1 AND deleted = 0;
CREATE INDEX events_by_host ON records(case_seq, host, occurred_at, id) WHERE kind = 1 AND deleted = 0;
CREATE INDEX records_by_lookup ON records(case_seq, kind, lookup) WHERE lookup IS NOT NULL;
CREATE INDEX records_in_conflict ON records(case_seq) WHERE conflicts > 0;
CREATE INDEX records_with_tlp ON records(case_seq) WHERE tlp IS NOT NULL;
