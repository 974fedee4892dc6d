//! The local audit log: what entered or left the vault, hash-chained so edits show.
//!
//! Row n's hash is SHA-256 over row n-1's hash, then `at` (8 bytes, big-endian), the action, a zero
//! byte, and the detail. The first row chains from 32 zero bytes.

use rusqlite::params;
use sha2::{Digest, Sha256};

use crate::{Store, StoreError};

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, µs since the Unix epoch.
    pub at: i64,
    /// What happened (`init`, `passwd`, `partner-add`, `export`, `import-accepted`, …).
    pub action: String,
    /// Details (ids, names, hashes; never secrets or case content).
    pub detail: String,
    /// This row's chain hash.
    pub hash: [u8; 32],
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log entry {seq} does not match its chain hash: the log was altered")]
pub struct AuditProblem {
    /// The first row whose hash does not follow.
    pub seq: i64,
}

fn chain(prev: &[u8; 32], at: i64, action: &str, detail: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(at.to_be_bytes());
    h.update(action.as_bytes());
    h.update([0]);
    h.update(detail.as_bytes());
    h.finalize().into()
}

fn to_hash(v: Vec<u8>) -> [u8; 32] {
    v.try_into().unwrap_or([0; 32])
}

impl Store {
    /// Appends a row to the audit chain.
    pub fn audit(&self, at: i64, action: &str, detail: &str) -> Result<(), StoreError> {
        let prev: [u8; 32] = self
            .conn
            .query_row("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| r.get::<_, Vec<u8>>(0))
            .map(to_hash)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok([0; 32]),
                e => Err(e),
            })?;
        let hash = chain(&prev, at, action, detail);
        self.conn.execute(
            "INSERT INTO audit (at, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at, action, detail, prev.as_slice(), hash.as_slice()],
        )?;
        Ok(())
    }

    /// The whole audit log, oldest first, and the first row where the chain breaks, if any.
    pub fn audit_log(&self) -> Result<(Vec<AuditEntry>, Option<AuditProblem>), StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT seq, at, action, detail, prev_hash, hash FROM audit ORDER BY seq")?;
        let mut prev = [0u8; 32];
        let mut problem = None;
        let mut out = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let entry = AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                action: r.get(2)?,
                detail: r.get(3)?,
                hash: to_hash(r.get(5)?),
            };
            let stored_prev = to_hash(r.get(4)?);
            if problem.is_none()
                && (stored_prev != prev || chain(&prev, entry.at, &entry.action, &entry.detail) != entry.hash)
            {
                problem = Some(AuditProblem { seq: entry.seq });
            }
            prev = entry.hash;
            out.push(entry);
        }
        Ok((out, problem))
    }
}
