//! Reading the materialized state and the commits.

use std::collections::BTreeMap;

use casebook_ledger::merge::{RecordKey, RecordState};
use casebook_ledger::{CaseId, Commit, CommitHeader, CommitId, OpLine, RecordId, RecordKind};
use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Map, Value};

use crate::ledger::{CaseIndex, OpReader, commit_id, decode, for_each_op, values};
use crate::{Store, StoreError};

/// A record's current state as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// Kind.
    pub kind: RecordKind,
    /// Id.
    pub id: RecordId,
    /// Winning field values.
    pub values: Map<String, Value>,
    /// Tombstoned.
    pub deleted: bool,
    /// Fields in conflict.
    pub conflicts: i64,
    /// Who first wrote it (author name in that commit).
    pub created_by: String,
    /// When first written (that commit's hlc, µs).
    pub created_at: u64,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSide {
    /// The value written.
    pub value: Value,
    /// The commit that wrote it.
    pub commit: CommitId,
    /// Its author's name.
    pub author: String,
    /// Its hlc.
    pub hlc: u64,
}

/// A field with concurrent writes of different values.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// Record kind.
    pub kind: RecordKind,
    /// Record id.
    pub id: RecordId,
    /// Field name.
    pub field: String,
    /// The value shown.
    pub winner: ConflictSide,
    /// The values kept beside it.
    pub others: Vec<ConflictSide>,
}

/// A stored commit's header facts.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitRow {
    /// Local order.
    pub seq: i64,
    /// Id.
    pub id: CommitId,
    /// Parsed header.
    pub header: CommitHeader,
    /// When received here (µs).
    pub received_at: i64,
}

/// Where a timeline page starts: beside an event's keyset position (time µs, id), reading on in
/// time order or back against it. A page always comes out in time order either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek {
    /// The events after this position (the next page).
    After(i64, RecordId),
    /// The events before this position (the page before; its last event is the one just before).
    Before(i64, RecordId),
}

/// Filters for a timeline page. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Earliest `occurred_at` (µs, inclusive).
    pub from: Option<i64>,
    /// Latest `occurred_at` (µs, exclusive).
    pub to: Option<i64>,
    /// Exact host.
    pub host: Option<String>,
    /// Exact source.
    pub source: Option<String>,
    /// Exact phase word.
    pub phase: Option<String>,
    /// Key events only.
    pub key_only: bool,
    /// Only events first written by this author (name as in their commits).
    pub author: Option<String>,
}

const RECORD_COLS: &str = "r.kind, r.id, r.data, r.prov, r.deleted, r.conflicts, c.author_name, c.hlc";

/// Appends ` AND …?` with its parameter, numbering the placeholder.
fn push_arg(
    sql: &mut String,
    args: &mut Vec<rusqlite::types::Value>,
    clause: &str,
    v: rusqlite::types::Value,
) {
    args.push(v);
    sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
}

/// A row of [`RECORD_COLS`] before interpretation.
struct RawRecord {
    kind: i64,
    id: Vec<u8>,
    data: Option<String>,
    prov: String,
    deleted: bool,
    conflicts: i64,
    author: String,
    hlc: i64,
}

fn record_row(r: &Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
        kind: r.get(0)?,
        id: r.get(1)?,
        data: r.get(2)?,
        prov: r.get(3)?,
        deleted: r.get(4)?,
        conflicts: r.get(5)?,
        author: r.get(6)?,
        hlc: r.get(7)?,
    })
}

fn to_record(conn: &rusqlite::Connection, ops: &mut OpReader, t: RawRecord) -> Result<RecordRow, StoreError> {
    let RawRecord { kind, id, data, prov, deleted, conflicts, author, hlc } = t;
    let kind =
        RecordKind::from_code(kind).ok_or_else(|| StoreError::Corrupt(format!("record kind {kind}")))?;
    let id: [u8; 16] = id.try_into().map_err(|_| StoreError::Corrupt("record id".into()))?;
    let values = values(conn, data.as_deref(), &prov, ops)?;
    Ok(RecordRow {
        kind,
        id: RecordId::from_bytes(id),
        values,
        deleted,
        conflicts,
        created_by: author,
        created_at: hlc as u64,
    })
}

/// Rows of [`RECORD_COLS`] as records, reading lazily stored ones from their op chunks.
fn to_records(
    conn: &rusqlite::Connection,
    rows: impl Iterator<Item = rusqlite::Result<RawRecord>>,
) -> Result<Vec<RecordRow>, StoreError> {
    let mut ops = OpReader::default();
    rows.map(|r| to_record(conn, &mut ops, r?)).collect()
}

impl Store {
    pub(crate) fn case_seq(&self, case: &CaseId) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT seq FROM cases WHERE id = ?1")?
            .query_row([case.as_bytes().as_slice()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("case {case}")))
    }

    /// Every case id in the vault, oldest first.
    pub fn case_ids(&self) -> Result<Vec<CaseId>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM cases ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        rows.map(|b| {
            let b: [u8; 16] = b?.try_into().map_err(|_| StoreError::Corrupt("case id".into()))?;
            Ok(CaseId::from_bytes(b))
        })
        .collect()
    }

    /// The records of one kind in a case, in creation order.
    pub fn records(
        &self,
        case: &CaseId,
        kind: RecordKind,
        include_deleted: bool,
    ) -> Result<Vec<RecordRow>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLS} FROM records r JOIN commits c ON c.seq = r.created_seq \
             WHERE r.case_seq = ?1 AND r.kind = ?2 AND (?3 OR r.deleted = 0) ORDER BY r.id"
        ))?;
        to_records(&self.conn, stmt.query_map(params![case_seq, kind.code(), include_deleted], record_row)?)
    }

    /// One record.
    pub fn record(
        &self,
        case: &CaseId,
        kind: RecordKind,
        id: &RecordId,
    ) -> Result<Option<RecordRow>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {RECORD_COLS} FROM records r JOIN commits c ON c.seq = r.created_seq \
                 WHERE r.case_seq = ?1 AND r.kind = ?2 AND r.id = ?3"
            ))?
            .query_row(params![case_seq, kind.code(), id.as_bytes().as_slice()], record_row)
            .optional()?;
        row.map(|r| to_record(&self.conn, &mut OpReader::default(), r)).transpose()
    }

    /// The live record of `kind` whose lookup key is `lookup` (observable `type\tvalue`, evidence sha256).
    pub fn find_by_lookup(
        &self,
        case: &CaseId,
        kind: RecordKind,
        lookup: &str,
    ) -> Result<Option<RecordRow>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {RECORD_COLS} FROM records r JOIN commits c ON c.seq = r.created_seq \
                 WHERE r.case_seq = ?1 AND r.kind = ?2 AND r.lookup = ?3 AND r.deleted = 0 ORDER BY r.id LIMIT 1"
            ))?
            .query_row(params![case_seq, kind.code(), lookup], record_row)
            .optional()?;
        row.map(|r| to_record(&self.conn, &mut OpReader::default(), r)).transpose()
    }

    /// A page of a case's live events in (time, id) order, after the keyset cursor `after`.
    pub fn events(
        &self,
        case: &CaseId,
        filter: &EventFilter,
        after: Option<(i64, RecordId)>,
        limit: u32,
    ) -> Result<Vec<RecordRow>, StoreError> {
        self.events_where(case, filter, after.map(|(t, id)| Seek::After(t, id)), limit, None)
    }

    /// A page of a case's live events in (time, id) order, the `limit` that come just before or after
    /// `seek` (from the start without one).
    pub fn events_from(
        &self,
        case: &CaseId,
        filter: &EventFilter,
        seek: Option<Seek>,
        limit: u32,
    ) -> Result<Vec<RecordRow>, StoreError> {
        self.events_where(case, filter, seek, limit, None)
    }

    /// [`Store::events`], optionally restricted to rows of the text index matching `fts` (an FTS5 query).
    pub(crate) fn events_where(
        &self,
        case: &CaseId,
        filter: &EventFilter,
        seek: Option<Seek>,
        limit: u32,
        fts: Option<&str>,
    ) -> Result<Vec<RecordRow>, StoreError> {
        let case_seq = self.case_seq(case)?;
        // Only the conditions in use go into the SQL, so the planner seeks the time index to the cursor
        // instead of scanning from the start (`?x IS NULL OR …` defeats that).
        // The access path is chosen here, not left to a planner without statistics: matches of a text
        // query first (then sorted), else the host index when filtering by host, else the time index.
        let mut args: Vec<rusqlite::types::Value> = vec![case_seq.into()];
        let from = match (fts, &filter.host) {
            (Some(q), _) => {
                args.push(q.to_string().into());
                "(SELECT m.id AS id FROM events_fts f JOIN fts_rows m ON m.rowid = f.rowid \
                 WHERE events_fts MATCH ?2 AND m.case_seq = ?1) hit CROSS JOIN records r ON r.id = hit.id \
                 AND r.case_seq = ?1 AND r.kind = 1"
            }
            (None, Some(_)) => "records r INDEXED BY events_by_host",
            (None, None) => "records r INDEXED BY events_by_time",
        };
        let mut sql = format!(
            "SELECT {RECORD_COLS} FROM {from} JOIN commits c ON c.seq = r.created_seq \
             WHERE r.case_seq = ?1 AND r.kind = 1 AND r.deleted = 0"
        );
        let backwards = matches!(seek, Some(Seek::Before(..)));
        if let Some(Seek::After(t, id) | Seek::Before(t, id)) = seek {
            let cmp = if backwards { "<" } else { ">" };
            args.push(t.into());
            args.push(id.as_bytes().to_vec().into());
            sql.push_str(&format!(" AND (r.occurred_at, r.id) {cmp} (?{}, ?{})", args.len() - 1, args.len()));
        }
        if let Some(v) = filter.from {
            push_arg(&mut sql, &mut args, " AND r.occurred_at >= ?", v.into());
        }
        if let Some(v) = filter.to {
            push_arg(&mut sql, &mut args, " AND r.occurred_at < ?", v.into());
        }
        if let Some(v) = &filter.host {
            push_arg(&mut sql, &mut args, " AND r.host = ?", v.clone().into());
        }
        if let Some(v) = &filter.source {
            push_arg(&mut sql, &mut args, " AND r.source = ?", v.clone().into());
        }
        if let Some(v) = &filter.phase {
            push_arg(&mut sql, &mut args, " AND r.phase = ?", v.clone().into());
        }
        if filter.key_only {
            sql.push_str(" AND r.key_event = 1");
        }
        if let Some(v) = &filter.author {
            push_arg(&mut sql, &mut args, " AND c.author_name = ?", v.clone().into());
        }
        args.push(i64::from(limit).into());
        // Reading back, the index is walked backwards from the cursor; the page is then turned round.
        let order = if backwards { "DESC" } else { "ASC" };
        sql.push_str(&format!(" ORDER BY r.occurred_at {order}, r.id {order} LIMIT ?{}", args.len()));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = to_records(&self.conn, stmt.query_map(rusqlite::params_from_iter(args), record_row)?)?;
        if backwards {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Ids of records of `kind` whose hex id (without hyphens) starts or ends with `fragment`; at most
    /// `limit`, so a caller can tell "unique" from "ambiguous".
    pub fn find_ids(
        &self,
        case: &CaseId,
        kind: RecordKind,
        fragment: &str,
        limit: u32,
    ) -> Result<Vec<RecordId>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let frag = fragment.to_ascii_uppercase();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM records WHERE case_seq = ?1 AND kind = ?2 \
             AND (substr(hex(id), 1, length(?3)) = ?3 OR substr(hex(id), -length(?3)) = ?3) LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![case_seq, kind.code(), frag, limit], |r| r.get::<_, Vec<u8>>(0))?;
        rows.map(|b| {
            let b: [u8; 16] = b?.try_into().map_err(|_| StoreError::Corrupt("record id".into()))?;
            Ok(RecordId::from_bytes(b))
        })
        .collect()
    }

    /// Number of live records of each kind in a case.
    pub fn record_counts(&self, case: &CaseId) -> Result<Vec<(RecordKind, u64)>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, count(*) FROM records WHERE case_seq = ?1 AND deleted = 0 GROUP BY kind ORDER BY kind",
        )?;
        let rows = stmt.query_map([case_seq], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = vec![];
        for r in rows {
            let (k, n) = r?;
            if let Some(k) = RecordKind::from_code(k) {
                out.push((k, n as u64));
            }
        }
        Ok(out)
    }

    /// Every record of a case with its full merge state (frontiers included), for comparison and tests.
    pub fn case_state(&self, case: &CaseId) -> Result<BTreeMap<RecordKey, RecordState>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let idx = CaseIndex::load(&self.conn, case_seq)?;
        let mut ops = OpReader::default();
        let mut stmt = self.conn.prepare("SELECT kind, id, data, prov FROM records WHERE case_seq = ?1")?;
        let rows = stmt.query_map([case_seq], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = BTreeMap::new();
        for r in rows {
            let (k, id, data, prov) = r?;
            let kind =
                RecordKind::from_code(k).ok_or_else(|| StoreError::Corrupt(format!("record kind {k}")))?;
            let id: [u8; 16] = id.try_into().map_err(|_| StoreError::Corrupt("record id".into()))?;
            out.insert(
                (kind, RecordId::from_bytes(id)),
                decode(&self.conn, kind, data.as_deref(), &prov, &idx, &mut ops)?,
            );
        }
        Ok(out)
    }

    /// The fields in conflict in a case, with every side's value and author.
    pub fn conflicts(&self, case: &CaseId) -> Result<Vec<Conflict>, StoreError> {
        conflicts_in(&self.conn, self.case_seq(case)?)
    }

    /// The commits of a case in local order (a topological order).
    pub fn commits(&self, case: &CaseId) -> Result<Vec<CommitRow>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id, bytes, received_at FROM commits WHERE case_seq = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([case_seq], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?, r.get::<_, i64>(3)?))
        })?;
        let mut out = vec![];
        for r in rows {
            let (seq, id, bytes, received_at) = r?;
            let header = casebook_ledger::commit::parse_header(&bytes)
                .map_err(|e| StoreError::Corrupt(format!("commit #{seq}: {e}")))?;
            out.push(CommitRow { seq, id: commit_id(&id), header, received_at });
        }
        Ok(out)
    }

    /// Whole commits (header bytes, signature, op lines) of a case, in local order, for handing on.
    pub fn full_commits(&self, case: &CaseId) -> Result<Vec<Commit>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id, bytes, signature FROM commits WHERE case_seq = ?1 ORDER BY seq")?;
        let rows = stmt
            .query_map([case_seq], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = vec![];
        for (seq, id, bytes, signature) in rows {
            let header = casebook_ledger::commit::parse_header(&bytes)
                .map_err(|e| StoreError::Corrupt(format!("commit #{seq}: {e}")))?;
            let mut ops: Vec<OpLine> = Vec::with_capacity(header.op_count as usize);
            for_each_op(&self.conn, seq, |_, line| {
                ops.push(line);
                Ok(())
            })?;
            out.push(Commit { id: commit_id(&id), bytes, signature, header, ops });
        }
        Ok(out)
    }
}

/// The fields in conflict in the case `case_seq` (inside or outside a transaction).
pub(crate) fn conflicts_in(conn: &rusqlite::Connection, case_seq: i64) -> Result<Vec<Conflict>, StoreError> {
    let idx = CaseIndex::load(conn, case_seq)?;
    let mut ops = OpReader::default();
    let mut stmt = conn.prepare(
        "SELECT kind, id, data, prov FROM records WHERE case_seq = ?1 AND conflicts > 0 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_seq], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let author = |id: &CommitId| -> Result<String, StoreError> {
        Ok(conn
            .prepare_cached("SELECT author_name FROM commits WHERE id = ?1")?
            .query_row([id.0.as_slice()], |r| r.get(0))?)
    };
    let mut out = vec![];
    for r in rows {
        let (k, id, data, prov) = r?;
        let kind = RecordKind::from_code(k).ok_or_else(|| StoreError::Corrupt(format!("record kind {k}")))?;
        let id: [u8; 16] = id.try_into().map_err(|_| StoreError::Corrupt("record id".into()))?;
        let state = decode(conn, kind, data.as_deref(), &prov, &idx, &mut ops)?;
        for (field, fs) in state.conflicts() {
            let side = |e: &casebook_ledger::Entry| -> Result<ConflictSide, StoreError> {
                Ok(ConflictSide {
                    value: e.value.clone(),
                    commit: e.stamp.commit,
                    author: author(&e.stamp.commit)?,
                    hlc: e.stamp.hlc,
                })
            };
            let winner = side(fs.winner().expect("a conflict has a winner"))?;
            let others = fs.losers().map(side).collect::<Result<_, _>>()?;
            out.push(Conflict { kind, id: RecordId::from_bytes(id), field: field.clone(), winner, others });
        }
    }
    Ok(out)
}
