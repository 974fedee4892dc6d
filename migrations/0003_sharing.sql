-- 0003: sharing with partners: what was last exchanged per partner and case, and refused bundles.
-- Append-only: never edit this file once released.

-- Heads last sent to and last received from a partner, per case (JSON arrays of commit ids, hex).
CREATE TABLE partner_sync (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    case_seq   INTEGER NOT NULL REFERENCES cases(seq),
    sent       TEXT NOT NULL DEFAULT '[]',
    received   TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (partner_id, case_seq)
) STRICT;

-- Bundles refused, with the reason. The file itself is kept in <vault>/quarantine/<name>.
CREATE TABLE quarantine (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    name   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    origin TEXT NOT NULL,
    reason TEXT NOT NULL
) STRICT;
