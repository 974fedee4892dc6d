//! `verify`: re-checks every stored commit of a case from its bytes alone.

use std::collections::HashMap;

use casebook_ledger::commit::{self, CommitError};
use casebook_ledger::{CaseId, CommitId};
use rusqlite::params;

use crate::ledger::{commit_id, for_each_op};
use crate::{Store, StoreError};

/// The first problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    /// The commit's id as stored (hex).
    pub commit: String,
    /// Its local position.
    pub seq: i64,
    /// What is wrong.
    pub problem: String,
}

/// What `verify` checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Commits checked.
    pub commits: u64,
    /// Ops checked (withheld ones included, by hash).
    pub ops: u64,
    /// The first commit that fails, if any.
    pub failure: Option<VerifyFailure>,
}

impl Store {
    /// Checks every commit of `case`: id, signature, format, case, parents present and older, clock
    /// ahead of parents, each op line well-formed, op count and `ops_root`. Stops at the first failure.
    pub fn verify_case(&self, case: &CaseId) -> Result<VerifyReport, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt = self.conn.prepare(
            "SELECT seq, id, bytes, signature, hlc, author_key FROM commits WHERE case_seq = ?1 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([case_seq], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen: HashMap<CommitId, (i64, u64)> = HashMap::new();
        let mut report = VerifyReport { commits: 0, ops: 0, failure: None };
        for (seq, id_bytes, bytes, signature, hlc_col, key_col) in rows {
            let id = commit_id(&id_bytes);
            let fail = |problem: String| VerifyFailure { commit: hex::encode(&id_bytes), seq, problem };
            match self.verify_one(case, seq, &id, &bytes, &signature, hlc_col, key_col, &seen) {
                Ok((hlc, ops)) => {
                    seen.insert(id, (seq, hlc));
                    report.commits += 1;
                    report.ops += ops;
                }
                Err(problem) => {
                    report.failure = Some(fail(problem));
                    break;
                }
            }
        }
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    fn verify_one(
        &self,
        case: &CaseId,
        seq: i64,
        id: &CommitId,
        bytes: &[u8],
        signature: &str,
        hlc_col: i64,
        key_col: i64,
        seen: &HashMap<CommitId, (i64, u64)>,
    ) -> Result<(u64, u64), String> {
        let header = commit::verify_header(id, bytes, signature).map_err(|e| e.to_string())?;
        if header.case != *case {
            return Err(CommitError::WrongCase {
                expected: case.to_string(),
                found: header.case.to_string(),
            }
            .to_string());
        }
        let key = header.author_key_id().map_err(|e| e.to_string())?;
        if header.hlc as i64 != hlc_col || key.0 as i64 != key_col {
            return Err("the stored index columns disagree with the signed header".into());
        }
        let mut stored_parents: Vec<CommitId> = self
            .conn
            .prepare_cached("SELECT parent FROM commit_parents WHERE child = ?1 ORDER BY parent")
            .and_then(|mut s| {
                s.query_map(params![seq], |r| Ok(commit_id(&r.get::<_, Vec<u8>>(0)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| e.to_string())?;
        stored_parents.sort();
        let mut header_parents = header.parents.clone();
        header_parents.sort();
        if stored_parents != header_parents {
            return Err("the stored parent links disagree with the signed header".into());
        }
        for p in &header.parents {
            match seen.get(p) {
                None => return Err(CommitError::MissingParent(p.to_hex()).to_string()),
                Some(&(_, parent_hlc)) if header.hlc <= parent_hlc => {
                    return Err(CommitError::ClockNotAhead { hlc: header.hlc, parent_hlc }.to_string());
                }
                Some(_) => {}
            }
        }
        let mut hashes = Vec::with_capacity(header.op_count as usize);
        for_each_op(&self.conn, seq, |_, line| {
            hashes.push(line.hash);
            Ok(())
        })
        .map_err(|e| match e {
            StoreError::Corrupt(m) => m,
            other => other.to_string(),
        })?;
        commit::verify_ops(&header, hashes.iter()).map_err(|e| e.to_string())?;
        Ok((header.hlc, hashes.len() as u64))
    }
}
