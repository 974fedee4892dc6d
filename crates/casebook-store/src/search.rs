//! Full-text search over a case's events (FTS5), and counts per time bucket.
//!
//! The text index is filled *behind* the commits: a million-event import commits and is browsable at
//! once, and [`Store::index_text`] catches up in resumable batches (progress kept per case). Searches
//! say how far the index has got, so an incomplete index is never mistaken for "no match".

use casebook_ledger::op::head;
use casebook_ledger::{CaseId, OpLine, RecordKind};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

use crate::ledger::{OpReader, values};
use crate::query::{EventFilter, RecordRow};
use crate::{Store, StoreError};

/// How far the text index of a case has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStatus {
    /// Ops covered.
    pub indexed_ops: u64,
    /// Ops in the case.
    pub total_ops: u64,
}

impl IndexStatus {
    /// Whether every op is covered.
    pub fn complete(&self) -> bool {
        self.indexed_ops >= self.total_ops
    }
}

/// The words of an event that search finds: its description, host, account, source and attributes.
fn event_text(v: &Map<String, Value>) -> String {
    let mut out = String::new();
    for k in ["description", "host", "account", "source"] {
        if let Some(Value::String(s)) = v.get(k) {
            out.push_str(s);
            out.push('\n');
        }
    }
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            Value::Number(n) => {
                out.push_str(&n.to_string());
                out.push('\n');
            }
            _ => {}
        }
    }
    if let Some(a) = v.get("attributes") {
        walk(a, &mut out);
    }
    out
}

/// Turns what a person typed into an FTS5 query: every word must appear (each quoted, so FTS5's own
/// syntax characters in the input mean nothing).
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> =
        text.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl Store {
    /// How far the text index of `case` has got.
    pub fn index_status(&self, case: &CaseId) -> Result<IndexStatus, StoreError> {
        let case_seq = self.case_seq(case)?;
        let (done_seq, done_op) = self.fts_progress(case_seq)?;
        let (total, indexed): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(sum(op_count), 0), coalesce(sum(CASE WHEN seq < ?2 THEN op_count ELSE 0 END), 0) \
             FROM commits WHERE case_seq = ?1",
            params![case_seq, done_seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(IndexStatus { indexed_ops: (indexed + done_op) as u64, total_ops: total as u64 })
    }

    fn fts_progress(&self, case_seq: i64) -> Result<(i64, i64), StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT commit_seq, op_index FROM fts_progress WHERE case_seq = ?1")?
            .query_row([case_seq], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, 0)))
    }

    /// Indexes up to about `budget` more ops of `case` in one transaction; returns the status after.
    /// Call until complete; safe to stop at any point (a crash loses at most the batch in progress).
    pub fn index_text(&mut self, case: &CaseId, budget: u64) -> Result<IndexStatus, StoreError> {
        let case_seq = self.case_seq(case)?;
        let (mut seq, mut op) = self.fts_progress(case_seq)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let commits: Vec<(i64, i64)> = tx
            .prepare("SELECT seq, op_count FROM commits WHERE case_seq = ?1 AND seq >= ?2 ORDER BY seq")?
            .query_map(params![case_seq, seq], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut done = 0u64;
        let mut reader = OpReader::default();
        'commits: for (cseq, count) in commits {
            if cseq != seq {
                seq = cseq;
                op = 0;
            }
            let mut from = op as u64;
            while (from as i64) < count {
                if done >= budget {
                    break 'commits;
                }
                let chunk: Option<(i64, Vec<u8>, i64)> = tx
                    .prepare_cached(
                        "SELECT first_op, lines_zstd, op_count FROM op_chunks WHERE commit_seq = ?1 \
                         AND first_op <= ?2 ORDER BY first_op DESC LIMIT 1",
                    )?
                    .query_row(params![cseq, from as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                let Some((first, packed, n)) = chunk else {
                    return Err(StoreError::Corrupt(format!("ops of commit #{cseq} are missing")));
                };
                let lines = crate::ledger::unpack(&packed, n)?;
                for (i, line) in lines.iter().enumerate() {
                    let index = first as u64 + i as u64;
                    if index < from {
                        continue;
                    }
                    if let Some((RecordKind::Event, id)) = head(line) {
                        index_event(&tx, case_seq, &id, cseq, index, line, &mut reader)?;
                    }
                    done += 1;
                }
                from = first as u64 + lines.len() as u64;
                op = from as i64;
            }
            seq = cseq + 1;
            op = 0;
        }
        tx.execute(
            "INSERT INTO fts_progress (case_seq, commit_seq, op_index) VALUES (?1, ?2, ?3) \
             ON CONFLICT (case_seq) DO UPDATE SET commit_seq = excluded.commit_seq, op_index = excluded.op_index",
            params![case_seq, seq, op],
        )?;
        tx.commit()?;
        self.index_status(case)
    }

    /// A page of `case`'s live events matching every word of `text`, in (time, id) order, with the
    /// other filters; and how complete the index was.
    pub fn search_events(
        &self,
        case: &CaseId,
        text: &str,
        filter: &EventFilter,
        seek: Option<crate::Seek>,
        limit: u32,
    ) -> Result<(Vec<RecordRow>, IndexStatus), StoreError> {
        let status = self.index_status(case)?;
        let Some(q) = fts_query(text) else {
            return Ok((self.events_from(case, filter, seek, limit)?, status));
        };
        let rows = self.events_where(case, filter, seek, limit, Some(&q))?;
        Ok((rows, status))
    }

    /// Counts of `case`'s live events per time bucket between `from` and `to` (µs), `buckets` wide.
    ///
    /// One counting query per bucket over the covering time index: no temporary B-tree, no row reads.
    pub fn event_buckets(
        &self,
        case: &CaseId,
        from: i64,
        to: i64,
        buckets: u32,
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let buckets = i64::from(buckets.max(1));
        let width = ((to - from).max(1) + buckets - 1) / buckets;
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FROM records INDEXED BY events_by_time \
             WHERE case_seq = ?1 AND kind = 1 AND deleted = 0 AND occurred_at >= ?2 AND occurred_at < ?3",
        )?;
        let mut out = Vec::with_capacity(buckets as usize);
        let mut start = from;
        while start < to {
            let end = (start + width).min(to);
            let n: i64 = stmt.query_row(params![case_seq, start, end], |r| r.get(0))?;
            out.push((start, n as u64));
            start = end;
        }
        Ok(out)
    }

    /// The first and last `occurred_at` of `case`'s live events.
    pub fn event_span(&self, case: &CaseId) -> Result<Option<(i64, i64)>, StoreError> {
        let case_seq = self.case_seq(case)?;
        Ok(self
            .conn
            .query_row(
                "SELECT min(occurred_at), max(occurred_at) FROM records INDEXED BY events_by_time \
                 WHERE case_seq = ?1 AND kind = 1 AND deleted = 0",
                [case_seq],
                |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
            )
            .map(|(a, b)| a.zip(b))?)
    }
}

/// (Re)indexes one event as it stands now.
fn index_event(
    tx: &rusqlite::Connection,
    case_seq: i64,
    id: &casebook_ledger::RecordId,
    seq: i64,
    index: u64,
    line: &[u8],
    reader: &mut OpReader,
) -> Result<(), StoreError> {
    let row: Option<(Option<String>, String, bool)> = tx
        .prepare_cached(
            "SELECT data, prov, deleted FROM records WHERE case_seq = ?1 AND kind = 1 AND id = ?2",
        )?
        .query_row(params![case_seq, id.as_bytes().as_slice()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM fts_rows WHERE case_seq = ?1 AND id = ?2")?
        .query_row(params![case_seq, id.as_bytes().as_slice()], |r| r.get(0))
        .optional()?;
    if let Some(r) = rowid {
        tx.prepare_cached("DELETE FROM events_fts WHERE rowid = ?1")?.execute([r])?;
    }
    let Some((data, prov, deleted)) = row else { return Ok(()) };
    if deleted {
        return Ok(());
    }
    // A record stored lazily was written by exactly this one op: read its fields from the line at hand.
    let vals = match data {
        None if prov == format!("{{\"*\":[{seq},{index}]}}") => OpLine::parse(line)
            .ok()
            .and_then(|l| l.op)
            .map(|o| o.effective_fields().into_owned())
            .unwrap_or_default(),
        other => values(tx, other.as_deref(), &prov, reader)?,
    };
    let rowid = match rowid {
        Some(r) => r,
        None => {
            tx.prepare_cached("INSERT INTO fts_rows (case_seq, id) VALUES (?1, ?2)")?
                .execute(params![case_seq, id.as_bytes().as_slice()])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached("INSERT INTO events_fts (rowid, text) VALUES (?1, ?2)")?
        .execute(params![rowid, event_text(&vals)])?;
    Ok(())
}
