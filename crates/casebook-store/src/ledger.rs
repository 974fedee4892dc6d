//! Persisting commits and keeping the materialized tables in step with them.
//!
//! Every commit is stored as its exact bytes, with its op lines in `op_chunks`; the records it changes
//! are updated in the same transaction, through the ledger's merge rule ([`casebook_ledger::merge`]).
//! `rebuild` recomputes a case's records from its commits alone.

use std::collections::{HashMap, HashSet};

use casebook_ledger::commit::{self, CommitBuilder, Signer};
use casebook_ledger::merge::{Entry, FieldState, RecordState, Stamp};
use casebook_ledger::op::DELETED;
use casebook_ledger::{CaseId, Commit, CommitError, CommitId, Dag, KeyId, Op, OpLine, RecordKind};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use crate::{Store, StoreError};

/// Op lines are stored in zstd-compressed chunks of about this many uncompressed bytes: small, so
/// reading one lazily stored record decompresses little; big enough that, compressed, a chunk is
/// larger than a page, which SQLite stores without waste (overflow pages are filled). Smaller chunks
/// of short timeline lines compress to 2–3 KiB, one to a 4 KiB page: 64-op chunks left 37 % of the
/// op pages empty (measured on a million events: 15,662 pages then, 9,771 now).
const CHUNK_BYTES: usize = 32 << 10;
/// …or at most this many ops, whichever comes first.
const CHUNK_OPS: u64 = 256;
/// Largest uncompressed chunk accepted when reading (one op may be up to 4 MiB).
const MAX_CHUNK_RAW: usize = 8 << 20;
/// zstd level for op chunks: fast, and op lines compress well at any level.
const ZSTD_LEVEL: i32 = 1;

thread_local! {
    // zstd contexts are costly to create (a timeline page unpacks a chunk per row), so each thread keeps
    // one of each.
    static COMPRESSOR: std::cell::RefCell<zstd::bulk::Compressor<'static>> =
        std::cell::RefCell::new(zstd::bulk::Compressor::new(ZSTD_LEVEL).expect("a zstd compression context"));
    static DECOMPRESSOR: std::cell::RefCell<zstd::bulk::Decompressor<'static>> =
        std::cell::RefCell::new(zstd::bulk::Decompressor::new().expect("a zstd decompression context"));
}

/// Why commits could not be stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A commit failed verification.
    #[error("commit {id}: {source}")]
    Commit {
        /// The commit's id (hex).
        id: String,
        /// What is wrong.
        #[source]
        source: CommitError,
    },
    /// Parents are missing: the commits cannot be applied yet.
    #[error("missing parent commits: {}", .0.join(", "))]
    MissingParents(Vec<String>),
    /// The vault refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Store(e.into())
    }
}

/// Which earlier writes a commit supersedes.
enum Superseded<'a> {
    /// Everything already in the case: a local commit made on top of all heads.
    All,
    /// The commit's ancestors.
    Ancestors(&'a HashSet<CommitId>),
}

/// A case's commits as the merge needs them, loaded for the length of one transaction.
pub(crate) struct CaseIndex {
    pub(crate) case_seq: i64,
    dag: Option<Dag>,
    stamps: HashMap<i64, (u64, KeyId, CommitId)>,
    seqs: HashMap<CommitId, i64>,
}

impl CaseIndex {
    fn empty(case_seq: i64) -> Self {
        Self { case_seq, dag: None, stamps: HashMap::new(), seqs: HashMap::new() }
    }

    /// Loads every commit of the case (seq, hlc, key, id, parents).
    pub(crate) fn load(tx: &rusqlite::Connection, case_seq: i64) -> rusqlite::Result<Self> {
        let mut idx = Self::empty(case_seq);
        let mut dag = Dag::new();
        let mut parents: HashMap<i64, Vec<CommitId>> = HashMap::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT p.child, p.parent FROM commit_parents p JOIN commits c ON c.seq = p.child \
                 WHERE c.case_seq = ?1",
            )?;
            let mut rows = stmt.query([case_seq])?;
            while let Some(r) = rows.next()? {
                parents.entry(r.get(0)?).or_default().push(commit_id(r.get_ref(1)?.as_blob()?));
            }
        }
        let mut stmt = tx.prepare_cached(
            "SELECT seq, hlc, author_key, id FROM commits WHERE case_seq = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([case_seq])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let hlc = r.get::<_, i64>(1)? as u64;
            let key = KeyId(r.get::<_, i64>(2)? as u64);
            let id = commit_id(r.get_ref(3)?.as_blob()?);
            dag.insert(id, parents.remove(&seq).unwrap_or_default(), hlc);
            idx.register(seq, hlc, key, id);
        }
        idx.dag = Some(dag);
        Ok(idx)
    }

    fn register(&mut self, seq: i64, hlc: u64, key: KeyId, id: CommitId) {
        self.stamps.insert(seq, (hlc, key, id));
        self.seqs.insert(id, seq);
    }

    fn stamp(&self, seq: i64, op: u32) -> Result<Stamp, StoreError> {
        let (hlc, author, commit) =
            self.stamps.get(&seq).copied().ok_or_else(|| {
                StoreError::Corrupt(format!("record provenance names unknown commit #{seq}"))
            })?;
        Ok(Stamp { hlc, author, op_index: op, commit })
    }

    fn seq_of(&self, id: &CommitId) -> Result<i64, StoreError> {
        self.seqs.get(id).copied().ok_or_else(|| StoreError::Corrupt(format!("unknown commit {id}")))
    }
}

pub(crate) fn commit_id(b: &[u8]) -> CommitId {
    let mut a = [0u8; 32];
    if b.len() == 32 {
        a.copy_from_slice(b);
    }
    CommitId(a)
}

/// Local seq of a case, created on first use.
fn case_seq(tx: &rusqlite::Connection, case: &CaseId, create: bool) -> rusqlite::Result<Option<i64>> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT seq FROM cases WHERE id = ?1")?
        .query_row([case.as_bytes().as_slice()], |r| r.get(0))
        .optional()?;
    if found.is_some() || !create {
        return Ok(found);
    }
    tx.prepare_cached("INSERT INTO cases (id) VALUES (?1)")?.execute([case.as_bytes().as_slice()])?;
    Ok(Some(tx.last_insert_rowid()))
}

// ---- provenance encoding -------------------------------------------------------------------------

fn pair(v: &Value) -> Option<(i64, u32)> {
    let a = v.as_array()?;
    Some((a.first()?.as_i64()?, a.get(1)?.as_u64()? as u32))
}

/// A record's current values: `data`, or, when that is NULL, the fields of the one op that wrote it.
pub(crate) fn values(
    conn: &rusqlite::Connection,
    data: Option<&str>,
    prov: &str,
    ops: &mut OpReader,
) -> Result<Map<String, Value>, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("record state unreadable: {what}"));
    match data {
        Some(d) => serde_json::from_str(d).map_err(|_| corrupt("data")),
        None => {
            let prov: Map<String, Value> = serde_json::from_str(prov).map_err(|_| corrupt("prov"))?;
            let (seq, op) = prov.get("*").and_then(pair).ok_or_else(|| corrupt("no op reference"))?;
            ops.fields(conn, seq, op)
        }
    }
}

/// Rebuilds a record's merge state from its stored `data` (or its one op) and `prov`.
pub(crate) fn decode(
    conn: &rusqlite::Connection,
    kind: RecordKind,
    data: Option<&str>,
    prov: &str,
    idx: &CaseIndex,
    ops: &mut OpReader,
) -> Result<RecordState, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("record state unreadable: {what}"));
    let data = values(conn, data, prov, ops)?;
    let prov: Map<String, Value> = serde_json::from_str(prov).map_err(|_| corrupt("prov"))?;
    let default = prov.get("*").and_then(pair);
    let mut state = RecordState::new(kind);
    for (name, value) in data {
        let mut entries = Vec::new();
        match prov.get(&name) {
            Some(Value::Array(list)) => {
                for e in list {
                    let (seq, op) = pair(e).ok_or_else(|| corrupt("entry"))?;
                    let v = e.as_array().and_then(|a| a.get(2)).cloned().unwrap_or_else(|| value.clone());
                    entries.push(Entry { stamp: idx.stamp(seq, op)?, value: v });
                }
            }
            _ => {
                let (seq, op) = default.ok_or_else(|| corrupt("no default stamp"))?;
                entries.push(Entry { stamp: idx.stamp(seq, op)?, value: value.clone() });
            }
        }
        entries.sort_by_key(|e| e.stamp);
        state.fields.insert(name, FieldState { entries });
    }
    Ok(state)
}

/// Stored form of a record: (data, prov, number of fields in conflict).
pub(crate) fn encode(state: &RecordState, idx: &CaseIndex) -> Result<(String, String, i64), StoreError> {
    let mut data = Map::new();
    let mut prov = Map::new();
    let mut default: Option<(i64, u32)> = None;
    let mut conflicts = 0;
    for (name, field) in &state.fields {
        let Some(winner) = field.winner() else { continue };
        data.insert(name.clone(), winner.value.clone());
        if field.in_conflict() {
            conflicts += 1;
        }
        let w = (idx.seq_of(&winner.stamp.commit)?, winner.stamp.op_index);
        if field.entries.len() == 1 {
            match default {
                None => {
                    default = Some(w);
                    continue;
                }
                Some(d) if d == w => continue,
                Some(_) => {}
            }
        }
        let mut list = Vec::with_capacity(field.entries.len());
        for e in &field.entries {
            let seq = idx.seq_of(&e.stamp.commit)?;
            let mut item = vec![Value::from(seq), Value::from(e.stamp.op_index)];
            if !std::ptr::eq(e, winner) {
                item.push(e.value.clone());
            }
            list.push(Value::Array(item));
        }
        prov.insert(name.clone(), Value::Array(list));
    }
    if let Some((s, o)) = default {
        prov.insert("*".into(), Value::Array(vec![s.into(), o.into()]));
    }
    Ok((Value::Object(data).to_string(), Value::Object(prov).to_string(), conflicts))
}

// ---- applying ops --------------------------------------------------------------------------------

/// Denormalized columns kept for queries.
struct Columns<'a> {
    lookup: Option<std::borrow::Cow<'a, str>>,
    tlp: Option<&'a str>,
    occurred_at: Option<i64>,
    host: Option<&'a str>,
    source: Option<&'a str>,
    phase: Option<&'a str>,
    key_event: Option<bool>,
    deleted: bool,
}

fn columns(kind: RecordKind, v: &Map<String, Value>) -> Columns<'_> {
    // One pass over the fields (a handful) rather than a lookup per column: this runs for every op.
    let event = kind == RecordKind::Event;
    let mut c = Columns {
        lookup: None,
        tlp: None,
        occurred_at: None,
        host: None,
        source: None,
        phase: None,
        key_event: None,
        deleted: false,
    };
    let (mut obs_type, mut obs_value) = (None, None);
    for (k, val) in v {
        match k.as_str() {
            "tlp" => c.tlp = val.as_str(),
            DELETED => c.deleted = *val == Value::Bool(true),
            "occurred_at" if event => c.occurred_at = val.as_i64(),
            "host" if event => c.host = val.as_str(),
            "source" if event => c.source = val.as_str(),
            "phase" if event => c.phase = val.as_str(),
            "key_event" if event => c.key_event = val.as_bool(),
            "type" if kind == RecordKind::Observable => obs_type = val.as_str(),
            "value" if kind == RecordKind::Observable => obs_value = val.as_str(),
            "sha256" if kind == RecordKind::Evidence => c.lookup = val.as_str().map(Into::into),
            _ => {}
        }
    }
    if let (Some(t), Some(val)) = (obs_type, obs_value) {
        c.lookup = Some(format!("{t}\t{val}").into());
    }
    c
}

/// The columns of a new record row, in the order of [`INSERT_RECORD`]'s values after `case_seq`.
const RECORD_VALUES: usize = 13;
/// Inserts a record row written by one op, unless the record exists.
const INSERT_RECORD: &str = "INSERT INTO records (case_seq, kind, id, deleted, created_seq, data, prov, lookup, tlp, \
     occurred_at, host, source, phase, key_event) VALUES ";
/// New records inserted by one statement in a bulk write. A statement per row costs, for every row,
/// opening cursors on the table and each of its indexes, binding and resetting; one statement for 64
/// rows does that once (measured: −9 to −19 % on a million-event commit, with [`pack_chunks`]
/// working out the columns on the reading thread).
const FRESH_ROWS: usize = 64;

/// The provenance of a record written by exactly one op: every field from op `op` of commit `seq`.
fn single_prov(seq: i64, op: u32) -> String {
    let mut s = String::with_capacity(24);
    push_single_prov(&mut s, seq, op);
    s
}

fn push_single_prov(out: &mut String, seq: i64, op: u32) {
    use std::fmt::Write;
    let _ = write!(out, "{{\"*\":[{seq},{op}]}}");
}

/// The statement inserting `rows` new record rows (see [`insert_fresh`]).
fn insert_records_sql(rows: usize) -> String {
    let mut sql = String::from(INSERT_RECORD);
    for i in 0..rows {
        sql.push_str(if i == 0 { "(" } else { ",(" });
        for k in 1..=RECORD_VALUES {
            let sep = if k == 1 { "" } else { "," };
            // `data` (after created_seq, the 5th value) is NULL: the record's values are the op's.
            let data = if k == 6 { "NULL," } else { "" };
            sql.push_str(&format!("{sep}{data}?{}", i * RECORD_VALUES + k));
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (case_seq, kind, id) DO NOTHING");
    sql
}

/// A record row to insert: written by op `op_index` of the commit, with its columns worked out.
struct FreshRow<'a> {
    op: &'a Op,
    op_index: u32,
    columns: Columns<'a>,
}

/// Inserts, in one statement, the record row of each op whose record does not exist yet (an op
/// whose record appears earlier in `rows` counts as existing). Returns how many rows were inserted.
fn insert_fresh(
    tx: &rusqlite::Connection,
    case_seq: i64,
    seq: i64,
    rows: &[FreshRow<'_>],
) -> rusqlite::Result<usize> {
    static ONE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| insert_records_sql(1));
    static MANY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| insert_records_sql(FRESH_ROWS));
    let sql = match rows.len() {
        1 => ONE.as_str(),
        FRESH_ROWS => MANY.as_str(),
        n => return Err(rusqlite::Error::InvalidParameterCount(n, FRESH_ROWS)),
    };
    let mut stmt = tx.prepare_cached(sql)?;
    // Every row's provenance, in one buffer the statement borrows.
    let mut provs = String::with_capacity(rows.len() * 24);
    let mut ends = Vec::with_capacity(rows.len());
    for row in rows {
        push_single_prov(&mut provs, seq, row.op_index);
        ends.push(provs.len());
    }
    let mut start = 0;
    for (i, (row, end)) in rows.iter().zip(ends).enumerate() {
        let at = i * RECORD_VALUES + 1;
        let c = &row.columns;
        stmt.raw_bind_parameter(at, case_seq)?;
        stmt.raw_bind_parameter(at + 1, row.op.kind.code())?;
        stmt.raw_bind_parameter(at + 2, row.op.id.as_bytes().as_slice())?;
        stmt.raw_bind_parameter(at + 3, c.deleted)?;
        stmt.raw_bind_parameter(at + 4, seq)?;
        stmt.raw_bind_parameter(at + 5, &provs[start..end])?;
        stmt.raw_bind_parameter(at + 6, c.lookup.as_deref())?;
        stmt.raw_bind_parameter(at + 7, c.tlp)?;
        stmt.raw_bind_parameter(at + 8, c.occurred_at)?;
        stmt.raw_bind_parameter(at + 9, c.host)?;
        stmt.raw_bind_parameter(at + 10, c.source)?;
        stmt.raw_bind_parameter(at + 11, c.phase)?;
        stmt.raw_bind_parameter(at + 12, c.key_event)?;
        start = end;
    }
    stmt.raw_execute()
}

/// Whether the record of `op` was inserted by op `op_index` of commit `seq` itself (see
/// [`insert_fresh`]): its provenance names exactly that op.
fn written_by(
    tx: &rusqlite::Connection,
    case_seq: i64,
    op: &Op,
    seq: i64,
    op_index: u32,
) -> rusqlite::Result<bool> {
    let prov: String = tx
        .prepare_cached("SELECT prov FROM records WHERE case_seq = ?1 AND kind = ?2 AND id = ?3")?
        .query_row(params![case_seq, op.kind.code(), op.id.as_bytes().as_slice()], |r| r.get(0))?;
    Ok(prov == single_prov(seq, op_index))
}

/// Applies a group of [`FRESH_ROWS`] ops of commit `seq` (their stamps from `stamp`): the new records
/// in one statement, then, in order, each op whose record already existed (or came earlier in the
/// group) through the merge. Their op lines must be stored already.
fn apply_group(
    tx: &rusqlite::Connection,
    idx: &mut CaseIndex,
    seq: i64,
    rows: &[FreshRow<'_>],
    stamp: impl Fn(u32) -> Stamp,
    superseded: &Superseded<'_>,
) -> Result<(), StoreError> {
    let inserted = insert_fresh(tx, idx.case_seq, seq, rows)?;
    if inserted == rows.len() {
        return Ok(());
    }
    for row in rows {
        if !written_by(tx, idx.case_seq, row.op, seq, row.op_index)? {
            merge_op(tx, idx, row.op, stamp(row.op_index), superseded, None)?;
        }
    }
    Ok(())
}

/// Applies stored ops of commit `seq` in order: a full group at once ([`apply_group`]), fewer one by
/// one.
fn apply_ops(
    tx: &rusqlite::Connection,
    idx: &mut CaseIndex,
    seq: i64,
    ops: &[(u32, &Op)],
    stamp: impl Fn(u32) -> Stamp,
    superseded: &Superseded<'_>,
) -> Result<(), StoreError> {
    if ops.len() == FRESH_ROWS {
        let fields: Vec<_> = ops.iter().map(|(_, op)| op.effective_fields()).collect();
        let rows: Vec<FreshRow<'_>> = ops
            .iter()
            .zip(&fields)
            .map(|((i, op), f)| FreshRow { op, op_index: *i, columns: columns(op.kind, f) })
            .collect();
        return apply_group(tx, idx, seq, &rows, stamp, superseded);
    }
    for (i, op) in ops {
        apply_op(tx, idx, op, seq, stamp(*i), superseded, None)?;
    }
    Ok(())
}

/// Applies one op of commit `seq` (with `stamp`) to the records. Returns whether it created the record.
fn apply_op(
    tx: &rusqlite::Connection,
    idx: &mut CaseIndex,
    op: &Op,
    seq: i64,
    stamp: Stamp,
    superseded: &Superseded<'_>,
    pending: Option<&mut Chunker>,
) -> Result<bool, StoreError> {
    // Fast path: a record this case has never seen.
    let fields = op.effective_fields();
    let row = FreshRow { op, op_index: stamp.op_index, columns: columns(op.kind, &fields) };
    if insert_fresh(tx, idx.case_seq, seq, std::slice::from_ref(&row))? == 1 {
        return Ok(true);
    }
    merge_op(tx, idx, op, stamp, superseded, pending)?;
    Ok(false)
}

/// Applies one op (with `stamp`) to a record that exists, through the merge rule.
fn merge_op(
    tx: &rusqlite::Connection,
    idx: &mut CaseIndex,
    op: &Op,
    stamp: Stamp,
    superseded: &Superseded<'_>,
    pending: Option<&mut Chunker>,
) -> Result<(), StoreError> {
    let fields = op.effective_fields();
    let id = op.id.as_bytes().as_slice();
    // The record may be stored lazily (its values are an op's fields): that op must be readable.
    if let Some(chunks) = pending {
        chunks.flush(tx)?;
    }
    let (data, prov): (Option<String>, String) = tx
        .prepare_cached("SELECT data, prov FROM records WHERE case_seq = ?1 AND kind = ?2 AND id = ?3")?
        .query_row(params![idx.case_seq, op.kind.code(), id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if idx.dag.is_none() {
        // A local commit meets an existing record: decoding it needs the case's commits.
        let fresh = CaseIndex::load(tx, idx.case_seq)?;
        idx.dag = fresh.dag;
        idx.stamps.extend(fresh.stamps);
        idx.seqs.extend(fresh.seqs);
    }
    let mut state = decode(tx, op.kind, data.as_deref(), &prov, idx, &mut OpReader::default())?;
    let this = stamp.commit;
    match superseded {
        Superseded::All => state.apply(&fields, stamp, &|_: &CommitId| true),
        Superseded::Ancestors(a) => state.apply(&fields, stamp, &|c: &CommitId| *c == this || a.contains(c)),
    }
    let (data, prov, conflicts) = encode(&state, idx)?;
    let values = state.values();
    let c = columns(op.kind, &values);
    tx.prepare_cached(
        "UPDATE records SET deleted = ?4, conflicts = ?5, data = ?6, prov = ?7, lookup = ?8, occurred_at = ?9, \
         host = ?10, source = ?11, phase = ?12, key_event = ?13, tlp = ?14 \
         WHERE case_seq = ?1 AND kind = ?2 AND id = ?3",
    )?
    .execute(params![
        idx.case_seq,
        op.kind.code(),
        id,
        c.deleted,
        conflicts,
        data,
        prov,
        c.lookup,
        c.occurred_at,
        c.host,
        c.source,
        c.phase,
        c.key_event,
        c.tlp
    ])?;
    Ok(())
}

// ---- bulk loads ----------------------------------------------------------------------------------

/// The host index, exactly as migration 0002 creates it.
const EVENTS_BY_HOST: &str =
    "CREATE INDEX events_by_host ON records(case_seq, host, occurred_at, id) WHERE kind = 1 AND deleted = 0;";

/// A transaction that has written at least this many ops considers building the host index afresh…
const BULK_OPS: u64 = 50_000;
/// …and builds it early once it has written this many, so the sort stays bounded. SQLite sorts in
/// memory here (`temp_store = MEMORY` keeps plaintext keys off the disk): ~70 bytes an event, so at
/// most ~140 MiB for the ≤ 2.05 million events such a vault can then hold.
const BULK_MAX_OPS: u64 = 2_000_000;

/// Keeps `events_by_host` cheap in a local commit or rebuild that writes many events.
///
/// A timeline interleaves its hosts, so each new event lands on a different leaf of the host index:
/// keeping it up to date costs about as much as everything else an event put does together, while
/// the time index only grows at its end. Once a transaction has written [`BULK_OPS`] ops and the
/// vault holds at most [`BULK_OPS`] events besides them, the index is dropped and built again, sorted, at
/// the end of the same transaction ([`HostIndex::restore`]). Other connections keep reading their
/// snapshot, which has the index; a rollback brings it back; nothing outside the transaction ever sees
/// the vault without it. A vault already holding many events keeps the index and its upkeep, since
/// building it again would read them all; so does a transaction past [`BULK_MAX_OPS`].
#[derive(Debug, Default)]
struct HostIndex {
    decided: bool,
    dropped: bool,
    /// Ops applied since the schema pages were last touched (see [`HostIndex::hold_schema`]).
    unheld: u64,
}

/// While the host index is dropped, the schema's pages are touched after at most this many ops (a
/// timeline writes ~50 pages in that many: far fewer than the smallest page cache used, 16 MiB).
const SCHEMA_TOUCH_OPS: u64 = 1024;

impl HostIndex {
    /// Called between ops with the number `written` so far in this transaction (or, before a
    /// rebuild, about to be); drops the index at most once. No statement may be running.
    fn consider(&mut self, tx: &rusqlite::Connection, written: u64) -> rusqlite::Result<()> {
        if written >= BULK_MAX_OPS {
            self.decided = true;
            return self.restore(tx);
        }
        if self.decided || written < BULK_OPS {
            return Ok(());
        }
        self.decided = true;
        let events: i64 = tx.query_row(
            "SELECT count(*) FROM records INDEXED BY events_by_time WHERE kind = 1 AND deleted = 0",
            [],
            |r| r.get(0),
        )?;
        if events as u64 <= written + BULK_OPS {
            tx.execute_batch("DROP INDEX events_by_host")?;
            self.dropped = true;
            self.unheld = 0;
        }
        Ok(())
    }

    /// Counts `applied` more ops of the transaction (call it as they are stored or applied, beside
    /// [`HostIndex::consider`]). While the index is dropped, reads the schema table every
    /// [`SCHEMA_TOUCH_OPS`] ops, which keeps its pages (changed by the drop, changed again by
    /// [`HostIndex::restore`]) at the front of SQLite's page cache. Otherwise the page the drop
    /// changed is spilled to the WAL early in the transaction and the rebuild writes over that frame;
    /// a frame overwritten within a transaction makes SQLite, at COMMIT, read back and checksum again
    /// every frame after it (measured: 52,402 frames, 216 MB, in a million-event commit).
    /// Correctness never depends on this, only the work COMMIT does.
    fn hold_schema(&mut self, tx: &rusqlite::Connection, applied: u64) -> rusqlite::Result<()> {
        if !self.dropped {
            return Ok(());
        }
        self.unheld += applied;
        if self.unheld >= SCHEMA_TOUCH_OPS {
            self.unheld = 0;
            tx.prepare_cached("SELECT count(*) FROM sqlite_schema")?.query_row([], |_| Ok(()))?;
        }
        Ok(())
    }

    /// Builds the index again if it was dropped; must run before the transaction commits.
    fn restore(&mut self, tx: &rusqlite::Connection) -> rusqlite::Result<()> {
        if std::mem::take(&mut self.dropped) {
            tx.execute_batch(EVENTS_BY_HOST)?;
        }
        Ok(())
    }
}

// ---- storing commits -----------------------------------------------------------------------------

/// Accumulates op lines into chunk rows.
struct Chunker {
    seq: i64,
    buf: Vec<u8>,
    first: u64,
    count: u64,
}

impl Chunker {
    fn new(seq: i64) -> Self {
        Self { seq, buf: Vec::with_capacity(CHUNK_BYTES + 4096), first: 0, count: 0 }
    }

    fn full(&self) -> bool {
        self.count >= CHUNK_OPS || self.buf.len() >= CHUNK_BYTES
    }

    fn append(&mut self, line: &[u8]) {
        if self.count > 0 {
            self.buf.push(b'\n');
        }
        self.buf.extend_from_slice(line);
        self.count += 1;
    }

    fn push(&mut self, tx: &rusqlite::Connection, line: &[u8]) -> rusqlite::Result<()> {
        self.append(line);
        if self.full() {
            self.flush(tx)?;
        }
        Ok(())
    }

    fn flush(&mut self, tx: &rusqlite::Connection) -> rusqlite::Result<()> {
        match self.take()? {
            Some(chunk) => self.store(tx, &chunk),
            None => Ok(()),
        }
    }

    /// The lines buffered so far, packed; the buffer is emptied.
    fn take(&mut self) -> rusqlite::Result<Option<PackedChunk>> {
        if self.count == 0 {
            return Ok(None);
        }
        let packed = COMPRESSOR
            .with(|c| c.borrow_mut().compress(&self.buf))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let chunk = PackedChunk { count: self.count, raw_bytes: self.buf.len() as u64, packed };
        self.count = 0;
        self.buf.clear();
        Ok(Some(chunk))
    }

    /// Stores a packed chunk as the next ops of the commit (nothing may be buffered).
    fn store(&mut self, tx: &rusqlite::Connection, chunk: &PackedChunk) -> rusqlite::Result<()> {
        debug_assert_eq!(self.count, 0);
        tx.prepare_cached(
            "INSERT INTO op_chunks (commit_seq, first_op, op_count, raw_bytes, lines_zstd) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            self.seq,
            self.first as i64,
            chunk.count as i64,
            chunk.raw_bytes as i64,
            chunk.packed
        ])?;
        self.first += chunk.count;
        Ok(())
    }
}

/// Op lines packed as one stored chunk, ready to insert.
#[derive(Debug)]
pub struct PackedChunk {
    count: u64,
    raw_bytes: u64,
    packed: Vec<u8>,
}

/// Where one of an op's text columns lies in [`Packed::text`].
type Span = Option<(usize, usize)>;

/// The record columns of one op, worked out ahead of the writer.
#[derive(Debug, Default)]
struct PackedColumns {
    deleted: bool,
    occurred_at: Option<i64>,
    key_event: Option<bool>,
    /// lookup, tlp, host, source, phase
    text: [Span; 5],
}

/// Op lines made ready to store: packed into chunks, and each op's record columns worked out.
/// Packing (zstd) is the costly part of storing ops, so a writer does it on another thread
/// ([`pack_chunks`]) and hands the result to [`CommitWriter::push_packed`].
#[derive(Debug)]
pub struct Packed {
    chunks: Vec<PackedChunk>,
    rows: Vec<PackedColumns>,
    text: String,
}

impl Packed {
    fn columns(&self, i: usize) -> Columns<'_> {
        let r = &self.rows[i];
        let text = |k: usize| r.text[k].map(|(a, b)| &self.text[a..b]);
        Columns {
            lookup: text(0).map(Into::into),
            tlp: text(1),
            occurred_at: r.occurred_at,
            host: text(2),
            source: text(3),
            phase: text(4),
            key_event: r.key_event,
            deleted: r.deleted,
        }
    }
}

/// Packs consecutive op lines into chunks the way the vault stores them, and works out the record
/// columns of each op.
pub fn pack_chunks(lines: &[OpLine]) -> Result<Packed, StoreError> {
    let mut chunker = Chunker::new(0);
    let mut chunks = Vec::with_capacity(lines.len() / CHUNK_OPS as usize + 1);
    let mut rows = Vec::with_capacity(lines.len());
    let mut text = String::new();
    for line in lines {
        chunker.append(&line.bytes);
        if chunker.full() {
            chunks.extend(chunker.take()?);
        }
        let Some(op) = &line.op else {
            rows.push(PackedColumns::default());
            continue;
        };
        let fields = op.effective_fields();
        let c = columns(op.kind, &fields);
        let mut span = |t: Option<&str>| {
            t.map(|t| {
                let start = text.len();
                text.push_str(t);
                (start, text.len())
            })
        };
        let spans = [span(c.lookup.as_deref()), span(c.tlp), span(c.host), span(c.source), span(c.phase)];
        rows.push(PackedColumns {
            deleted: c.deleted,
            occurred_at: c.occurred_at,
            key_event: c.key_event,
            text: spans,
        });
    }
    chunks.extend(chunker.take()?);
    Ok(Packed { chunks, rows, text })
}

fn next_commit_seq(tx: &rusqlite::Connection) -> rusqlite::Result<i64> {
    tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM commits", [], |r| r.get(0))
}

/// Writes the commit row, its parents, and moves the case's heads.
fn insert_commit_row(
    tx: &rusqlite::Connection,
    seq: i64,
    case_seq: i64,
    c: &Commit,
    now_us: i64,
) -> Result<(), StoreError> {
    let key = c.header.author_key_id().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO commits (seq, id, case_seq, hlc, author, author_key, author_name, bytes, signature, \
         op_count, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        seq,
        c.id.0.as_slice(),
        case_seq,
        c.header.hlc as i64,
        c.header.author,
        key.0 as i64,
        c.header.author_name,
        c.bytes,
        c.signature,
        c.header.op_count as i64,
        now_us
    ])?;
    for p in &c.header.parents {
        tx.prepare_cached("INSERT INTO commit_parents (child, parent) VALUES (?1, ?2)")?
            .execute(params![seq, p.0.as_slice()])?;
        tx.prepare_cached(
            "DELETE FROM heads WHERE case_seq = ?1 AND commit_seq = (SELECT seq FROM commits WHERE id = ?2)",
        )?
        .execute(params![case_seq, p.0.as_slice()])?;
    }
    tx.prepare_cached("INSERT INTO heads (case_seq, commit_seq) VALUES (?1, ?2)")?
        .execute(params![case_seq, seq])?;
    Ok(())
}

/// The heads of a case with their hlcs.
fn heads(tx: &rusqlite::Connection, case_seq: i64) -> rusqlite::Result<Vec<(CommitId, u64)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT c.id, c.hlc FROM heads h JOIN commits c ON c.seq = h.commit_seq WHERE h.case_seq = ?1",
    )?;
    let rows = stmt
        .query_map([case_seq], |r| Ok((commit_id(r.get_ref(0)?.as_blob()?), r.get::<_, i64>(1)? as u64)))?;
    rows.collect()
}

/// A local commit being written: ops stream in, are stored and applied, and the commit is signed at
/// the end. Dropped without [`CommitWriter::finish`], everything is rolled back.
pub struct CommitWriter<'s> {
    tx: Transaction<'s>,
    idx: CaseIndex,
    builder: CommitBuilder,
    chunks: Chunker,
    seq: i64,
    author: KeyId,
    placeholder: CommitId,
    ops: u64,
    host_index: HostIndex,
}

impl std::fmt::Debug for CommitWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommitWriter").field("seq", &self.seq).field("ops", &self.ops).finish()
    }
}

impl CommitWriter<'_> {
    /// Adds, stores and applies the next op.
    pub fn push(&mut self, op: Op) -> Result<(), StoreError> {
        let line = OpLine::from_op(op);
        self.chunks.push(&self.tx, &line.bytes)?;
        self.host_index.consider(&self.tx, self.ops)?;
        self.host_index.hold_schema(&self.tx, 1)?;
        self.apply_next(&line, true)
    }

    /// Adds, stores and applies the next ops, already serialized and packed by [`pack_chunks`].
    pub fn push_packed(&mut self, lines: &[OpLine], packed: &Packed) -> Result<(), StoreError> {
        if packed.chunks.iter().map(|c| c.count).sum::<u64>() != lines.len() as u64
            || packed.rows.len() != lines.len()
        {
            return Err(StoreError::Corrupt("packed chunks do not hold these op lines".into()));
        }
        self.chunks.flush(&self.tx)?;
        for chunk in &packed.chunks {
            self.chunks.store(&self.tx, chunk)?;
        }
        self.host_index.consider(&self.tx, self.ops)?;
        self.host_index.hold_schema(&self.tx, lines.len() as u64)?;
        for (g, group) in lines.chunks(FRESH_ROWS).enumerate() {
            if group.len() < FRESH_ROWS {
                group.iter().try_for_each(|line| self.apply_next(line, false))?;
                continue;
            }
            // A whole group at once (see `apply_group`), its columns worked out by `pack_chunks`.
            let first = self.ops as u32;
            let rows = group
                .iter()
                .enumerate()
                .map(|(k, line)| FreshRow {
                    op: line.op.as_ref().expect("a local op is never withheld"),
                    op_index: first + k as u32,
                    columns: packed.columns(g * FRESH_ROWS + k),
                })
                .collect::<Vec<_>>();
            group.iter().for_each(|line| self.builder.push_hash(&line.hash));
            let (hlc, author, commit) = (self.builder.hlc(), self.author, self.placeholder);
            let stamp = |op_index| Stamp { hlc, author, op_index, commit };
            apply_group(&self.tx, &mut self.idx, self.seq, &rows, stamp, &Superseded::All)?;
            self.ops += FRESH_ROWS as u64;
        }
        Ok(())
    }

    /// Hashes and applies the next op, whose line is stored or (`buffered`) in the chunk being filled.
    fn apply_next(&mut self, line: &OpLine, buffered: bool) -> Result<(), StoreError> {
        self.builder.push_hash(&line.hash);
        let stamp = Stamp {
            hlc: self.builder.hlc(),
            author: self.author,
            op_index: self.ops as u32,
            commit: self.placeholder,
        };
        let op = line.op.as_ref().expect("a local op is never withheld");
        let pending = if buffered { Some(&mut self.chunks) } else { None };
        apply_op(&self.tx, &mut self.idx, op, self.seq, stamp, &Superseded::All, pending)?;
        self.ops += 1;
        Ok(())
    }

    /// Ops pushed so far.
    pub fn op_count(&self) -> u64 {
        self.ops
    }

    /// Signs the commit, stores it, and commits the transaction. Returns the commit (without op lines).
    pub fn finish(mut self, message: &str, signer: &Signer<'_>, now_us: i64) -> Result<Commit, StoreError> {
        self.chunks.flush(&self.tx)?;
        let commit = self.builder.finish(message, signer).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        insert_commit_row(&self.tx, self.seq, self.idx.case_seq, &commit, now_us)?;
        self.host_index.restore(&self.tx)?;
        self.tx.commit()?;
        Ok(commit)
    }
}

/// What an import of commits did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Commits newly stored, in application order.
    pub applied: Vec<CommitId>,
    /// Commits already present.
    pub already_had: usize,
}

impl Store {
    /// Starts a local commit on `case` on top of all its heads, in its own write transaction.
    pub fn begin_commit(
        &mut self,
        case: &CaseId,
        signer: &Signer<'_>,
        now_us: i64,
    ) -> Result<CommitWriter<'_>, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let case_seq = case_seq(&tx, case, true)?.expect("created");
        let heads = heads(&tx, case_seq)?;
        let hlc = commit::next_hlc(now_us, heads.iter().map(|h| h.1));
        let builder = CommitBuilder::new(*case, heads.iter().map(|h| h.0).collect(), signer, hlc);
        let seq = next_commit_seq(&tx)?;
        let author = KeyId::from_keynum(signer.public.keynum());
        // The commit's id is known only once signed; its ops are stamped with a stand-in meanwhile.
        // Safe: a local commit supersedes every earlier write, so its stamp is never compared.
        let placeholder = CommitId([0xff; 32]);
        let mut idx = CaseIndex::empty(case_seq);
        idx.register(seq, hlc, author, placeholder);
        Ok(CommitWriter {
            tx,
            idx,
            builder,
            chunks: Chunker::new(seq),
            seq,
            author,
            placeholder,
            ops: 0,
            host_index: HostIndex::default(),
        })
    }

    /// Stores commits received from elsewhere, all or nothing, in one transaction. Each must already
    /// have passed [`Commit::verify`]; this checks the case, parents and clocks, and applies them.
    /// Commits already present are skipped (re-importing is a no-op).
    pub fn import_commits(
        &mut self,
        case: &CaseId,
        commits: &[Commit],
        now_us: i64,
    ) -> Result<Imported, LedgerError> {
        // An hlc is always above its parents', so hlc order is a topological order.
        let mut todo: Vec<&Commit> = commits.iter().collect();
        todo.sort_by_key(|c| (c.header.hlc, c.id));
        todo.dedup_by_key(|c| c.id);
        let mut session = self.begin_import(case, now_us)?;
        let missing = session.missing_parents(todo.iter().map(|c| (&c.id, &c.header)));
        if !missing.is_empty() {
            return Err(LedgerError::MissingParents(missing.iter().map(CommitId::to_hex).collect()));
        }
        for c in todo {
            if session.begin_commit(c)? {
                for (i, line) in c.ops.iter().enumerate() {
                    session.op(i as u64, line)?;
                }
            }
            session.end_commit()?;
        }
        let report = session.report();
        session.commit()?;
        Ok(report)
    }

    /// Starts applying commits from elsewhere to `case` in one transaction; nothing is kept unless
    /// [`ImportSession::commit`] is called.
    pub fn begin_import(&mut self, case: &CaseId, now_us: i64) -> Result<ImportSession<'_>, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let case_seq = case_seq(&tx, case, true)?.expect("created");
        let idx = CaseIndex::load(&tx, case_seq)?;
        let next_seq = next_commit_seq(&tx)?;
        Ok(ImportSession {
            tx,
            idx,
            case: *case,
            next_seq,
            now_us,
            current: None,
            report: Imported::default(),
            new_records: std::collections::BTreeMap::new(),
            paths: self.paths.clone(),
        })
    }

    /// Recomputes a case's records from its commits alone, in hlc order (a different order from the
    /// one they arrived in). Returns the number of ops applied.
    pub fn rebuild(&mut self, case: &CaseId) -> Result<u64, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some(case_seq) = case_seq(&tx, case, false)? else {
            return Err(StoreError::NotFound(format!("case {case}")));
        };
        // Decided before anything is read or deleted: the index cannot be dropped while ops are read.
        let mut host_index = HostIndex::default();
        let ops: i64 = tx.query_row(
            "SELECT coalesce(sum(op_count), 0) FROM commits WHERE case_seq = ?1",
            [case_seq],
            |r| r.get(0),
        )?;
        host_index.consider(&tx, ops as u64)?;
        tx.execute("DELETE FROM records WHERE case_seq = ?1", [case_seq])?;
        let mut idx = CaseIndex::load(&tx, case_seq)?;
        let order: Vec<(i64, u64, CommitId)> = {
            let mut v: Vec<(i64, u64, CommitId)> =
                idx.stamps.iter().map(|(s, (h, _, id))| (*s, *h, *id)).collect();
            v.sort_by_key(|&(_, h, id)| (h, id));
            v
        };
        let mut applied = 0u64;
        for (seq, _, id) in order {
            let dag = idx.dag.as_ref().expect("loaded");
            let parents = dag.parents(&id).to_vec();
            let ancestors = dag.ancestors_of_parents(&parents);
            let (hlc, key, _) = idx.stamps[&seq];
            let superseded = Superseded::Ancestors(&ancestors);
            let stamp = |op_index| Stamp { hlc, author: key, op_index, commit: id };
            // Ops are applied FRESH_ROWS at a time (see `apply_group`).
            let mut group: Vec<(u32, Op)> = Vec::with_capacity(FRESH_ROWS);
            let mut apply = |group: &mut Vec<(u32, Op)>| {
                let ops: Vec<(u32, &Op)> = group.iter().map(|(i, op)| (*i, op)).collect();
                apply_ops(&tx, &mut idx, seq, &ops, stamp, &superseded)?;
                host_index.hold_schema(&tx, ops.len() as u64)?;
                group.clear();
                Ok::<_, StoreError>(())
            };
            for_each_op(&tx, seq, |i, line| {
                if let Some(op) = line.op {
                    group.push((i as u32, op));
                    applied += 1;
                }
                if group.len() == FRESH_ROWS {
                    apply(&mut group)?;
                }
                Ok(())
            })?;
            apply(&mut group)?;
        }
        host_index.restore(&tx)?;
        tx.commit()?;
        Ok(applied)
    }
}

/// A chunk's op lines, unpacked into one buffer (a page reads one line of each of many chunks).
#[derive(Debug)]
pub struct Lines {
    raw: Vec<u8>,
    /// Where each line ends in `raw` (exclusive).
    ends: Vec<usize>,
}

impl Lines {
    /// How many lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Line `i`, without its `\n`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        Some(&self.raw[start..end])
    }

    /// Every line, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// Decompresses a chunk and checks that it holds `expected` lines.
pub(crate) fn unpack(packed: &[u8], expected: i64) -> Result<Lines, StoreError> {
    let raw = DECOMPRESSOR
        .with(|d| d.borrow_mut().decompress(packed, MAX_CHUNK_RAW))
        .map_err(|e| StoreError::Corrupt(format!("an op chunk does not decompress: {e}")))?;
    let mut ends: Vec<usize> = Vec::with_capacity(expected.clamp(0, CHUNK_OPS as i64) as usize);
    ends.extend(memchr::memchr_iter(b'\n', &raw));
    ends.push(raw.len());
    if ends.len() as i64 != expected {
        return Err(StoreError::Corrupt(format!("an op chunk holds {} ops, not {expected}", ends.len())));
    }
    Ok(Lines { raw, ends })
}

/// Calls `f` with every op line of commit `seq`, in order.
pub(crate) fn for_each_op(
    tx: &rusqlite::Connection,
    seq: i64,
    mut f: impl FnMut(u64, OpLine) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT first_op, op_count, lines_zstd FROM op_chunks WHERE commit_seq = ?1 ORDER BY first_op",
    )?;
    let mut rows = stmt.query([seq])?;
    let mut index = 0u64;
    while let Some(r) = rows.next()? {
        let first = r.get::<_, i64>(0)? as u64;
        if first != index {
            return Err(StoreError::Corrupt(format!("op lines of commit #{seq} have a gap at op {index}")));
        }
        for line in unpack(r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?, r.get(1)?)?.iter() {
            let parsed = OpLine::parse(line).map_err(|e| StoreError::Corrupt(format!("op {index}: {e}")))?;
            f(index, parsed)?;
            index += 1;
        }
    }
    Ok(())
}

/// Reads single ops out of stored chunks, keeping the last few chunks unpacked: records written by one
/// op are read in runs (a timeline page), which mostly share a chunk.
#[derive(Default)]
pub(crate) struct OpReader {
    cache: Vec<UnpackedChunk>,
}

/// A chunk's op lines: (commit seq, index of its first op), lines.
type UnpackedChunk = ((i64, u64), Lines);

impl OpReader {
    const KEEP: usize = 4;

    /// The effective fields of op `op` of commit `seq`.
    pub(crate) fn fields(
        &mut self,
        conn: &rusqlite::Connection,
        seq: i64,
        op: u32,
    ) -> Result<Map<String, Value>, StoreError> {
        let op = u64::from(op);
        let hit = self
            .cache
            .iter()
            .position(|((s, first), lines)| *s == seq && (*first..*first + lines.len() as u64).contains(&op));
        let at = match hit {
            Some(i) => i,
            None => {
                let (first, count, packed): (i64, i64, Vec<u8>) = conn
                    .prepare_cached(
                        "SELECT first_op, op_count, lines_zstd FROM op_chunks WHERE commit_seq = ?1 \
                         AND first_op <= ?2 ORDER BY first_op DESC LIMIT 1",
                    )?
                    .query_row(params![seq, op as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?
                    .ok_or_else(|| StoreError::Corrupt(format!("op {op} of commit #{seq} is missing")))?;
                if self.cache.len() >= Self::KEEP {
                    self.cache.remove(0);
                }
                self.cache.push(((seq, first as u64), unpack(&packed, count)?));
                self.cache.len() - 1
            }
        };
        let ((_, first), lines) = &self.cache[at];
        let line = lines
            .get((op - first) as usize)
            .ok_or_else(|| StoreError::Corrupt(format!("op {op} of commit #{seq} is missing")))?;
        // A record never names a withheld op, and stored ops were validated when they were written.
        let op = casebook_ledger::Op::parse_stored(line)
            .map_err(|e| StoreError::Corrupt(format!("op {op} of #{seq}: {e}")))?;
        Ok(op.into_effective_fields())
    }
}

/// The commit an [`ImportSession`] is applying.
struct Current {
    commit: CommitId,
    seq: Option<i64>,
    hlc: u64,
    author: KeyId,
    ancestors: HashSet<CommitId>,
    chunks: Chunker,
}

/// Commits from elsewhere being applied in one transaction. Dropped without [`ImportSession::commit`],
/// everything is rolled back: the vault is left exactly as it was.
pub struct ImportSession<'s> {
    tx: Transaction<'s>,
    idx: CaseIndex,
    case: CaseId,
    next_seq: i64,
    now_us: i64,
    current: Option<Current>,
    report: Imported,
    new_records: std::collections::BTreeMap<RecordKind, u64>,
    paths: crate::VaultPaths,
}

impl std::fmt::Debug for ImportSession<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportSession").field("case", &self.case).finish_non_exhaustive()
    }
}

impl ImportSession<'_> {
    /// Parents named by `commits` that are neither in the vault nor among `commits` themselves.
    pub fn missing_parents<'c>(
        &self,
        commits: impl IntoIterator<Item = (&'c CommitId, &'c casebook_ledger::CommitHeader)> + Clone,
    ) -> Vec<CommitId> {
        let dag = self.idx.dag.as_ref().expect("loaded");
        let carried: HashSet<&CommitId> = commits.clone().into_iter().map(|(id, _)| id).collect();
        let mut missing: Vec<CommitId> = commits
            .into_iter()
            .flat_map(|(_, h)| h.parents.iter())
            .filter(|p| !dag.contains(p) && !carried.contains(p))
            .copied()
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    /// Whether the vault already holds this commit.
    pub fn has(&self, id: &CommitId) -> bool {
        self.idx.dag.as_ref().expect("loaded").contains(id)
    }

    /// Starts applying commit `c` (its ops follow through [`ImportSession::op`]). `c` must have passed
    /// [`casebook_ledger::commit::verify_header`]. Returns false if the vault already has it (its ops
    /// are then ignored).
    pub fn begin_commit(&mut self, c: &Commit) -> Result<bool, LedgerError> {
        self.end_commit()?;
        let fail = |source| LedgerError::Commit { id: c.id.to_hex(), source };
        let dag = self.idx.dag.as_mut().expect("loaded");
        let key = c.header.author_key_id().map_err(fail)?;
        if dag.contains(&c.id) {
            self.report.already_had += 1;
            self.current = Some(Current {
                commit: c.id,
                seq: None,
                hlc: c.header.hlc,
                author: key,
                ancestors: HashSet::new(),
                chunks: Chunker::new(0),
            });
            return Ok(false);
        }
        if c.header.case != self.case {
            return Err(fail(CommitError::WrongCase {
                expected: self.case.to_string(),
                found: c.header.case.to_string(),
            }));
        }
        let missing: Vec<String> =
            c.header.parents.iter().filter(|p| !dag.contains(p)).map(|p| p.to_hex()).collect();
        if !missing.is_empty() {
            return Err(LedgerError::MissingParents(missing));
        }
        dag.check_parents(c).map_err(fail)?;
        let ancestors = dag.ancestors_of_parents(&c.header.parents);
        dag.insert(c.id, c.header.parents.clone(), c.header.hlc);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.idx.register(seq, c.header.hlc, key, c.id);
        insert_commit_row(&self.tx, seq, self.idx.case_seq, c, self.now_us)?;
        self.current = Some(Current {
            commit: c.id,
            seq: Some(seq),
            hlc: c.header.hlc,
            author: key,
            ancestors,
            chunks: Chunker::new(seq),
        });
        self.report.applied.push(c.id);
        Ok(true)
    }

    /// Stores and applies the next op line of the current commit (withheld lines are stored only).
    pub fn op(&mut self, index: u64, line: &OpLine) -> Result<(), StoreError> {
        let Some(cur) = self.current.as_mut() else {
            return Err(StoreError::Corrupt("an op outside any commit".into()));
        };
        let Some(seq) = cur.seq else { return Ok(()) };
        cur.chunks.push(&self.tx, &line.bytes)?;
        if let Some(op) = &line.op {
            let stamp =
                Stamp { hlc: cur.hlc, author: cur.author, op_index: index as u32, commit: cur.commit };
            let created = apply_op(
                &self.tx,
                &mut self.idx,
                op,
                seq,
                stamp,
                &Superseded::Ancestors(&cur.ancestors),
                Some(&mut cur.chunks),
            )?;
            if created {
                *self.new_records.entry(op.kind).or_default() += 1;
            }
        }
        Ok(())
    }

    /// Finishes the current commit's op lines.
    pub fn end_commit(&mut self) -> Result<(), StoreError> {
        if let Some(mut cur) = self.current.take() {
            cur.chunks.flush(&self.tx)?;
        }
        Ok(())
    }

    /// What has been applied so far.
    pub fn report(&self) -> Imported {
        self.report.clone()
    }

    /// Records created so far, per kind.
    pub fn new_records(&self) -> &std::collections::BTreeMap<RecordKind, u64> {
        &self.new_records
    }

    /// The case's fields in conflict, as they stand inside this transaction.
    pub fn conflicts(&self) -> Result<Vec<crate::Conflict>, StoreError> {
        crate::query::conflicts_in(&self.tx, self.idx.case_seq)
    }

    /// The case's heads inside this transaction.
    pub fn heads(&self) -> Result<Vec<CommitId>, StoreError> {
        Ok(heads(&self.tx, self.idx.case_seq)?.into_iter().map(|h| h.0).collect())
    }

    /// Stores an evidence file that arrived with the commits (see [`Store::put_blob`]). The file is
    /// written at once: on rollback the caller removes the blobs this created.
    pub fn put_blob(
        &self,
        src: &mut dyn std::io::Read,
        recipient: &dyn age::Recipient,
    ) -> Result<crate::BlobInfo, crate::BlobError> {
        crate::blobs::put_blob_at(&self.paths, src, recipient, &mut |_| {})
    }

    /// Keeps everything applied.
    pub fn commit(mut self) -> Result<(), StoreError> {
        self.end_commit()?;
        self.tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_index_exists(conn: &rusqlite::Connection) -> bool {
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'events_by_host'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == 1
    }

    /// The host index is dropped once, past [`BULK_OPS`], built again past [`BULK_MAX_OPS`] (and not
    /// dropped again), and never dropped for a transaction that starts beyond the cap.
    #[test]
    fn the_host_index_is_dropped_between_the_bulk_bounds_only() {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = Store::create(&tmp.path().join("vault"), "copper lantern drift oyster").unwrap();
        let tx = store.conn.transaction().unwrap();
        let mut h = HostIndex::default();
        h.consider(&tx, BULK_OPS - 1).unwrap();
        assert!(host_index_exists(&tx), "below the threshold");
        h.consider(&tx, BULK_OPS).unwrap();
        assert!(!host_index_exists(&tx), "dropped at the threshold (an empty vault)");
        h.consider(&tx, BULK_MAX_OPS - 1).unwrap();
        assert!(!host_index_exists(&tx));
        h.consider(&tx, BULK_MAX_OPS).unwrap();
        assert!(host_index_exists(&tx), "built again at the cap");
        h.consider(&tx, BULK_MAX_OPS + 1).unwrap();
        h.restore(&tx).unwrap();
        assert!(host_index_exists(&tx), "not dropped twice, not created twice");

        let mut big = HostIndex::default();
        big.consider(&tx, BULK_MAX_OPS + 1).unwrap();
        big.restore(&tx).unwrap();
        assert!(host_index_exists(&tx), "a rebuild past the cap keeps the index");
        drop(tx);
        assert_eq!(
            store.schema_dump().unwrap(),
            Store::create(&tmp.path().join("v2"), "copper lantern drift oyster")
                .unwrap()
                .schema_dump()
                .unwrap()
        );
    }
}
