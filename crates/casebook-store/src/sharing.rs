//! What sharing needs from the vault: per-partner sync state, quarantine records, and raw reads of
//! commits, op lines and blobs for writing bundles.

use std::collections::HashMap;
use std::io::{self, Read};

use casebook_ledger::{CaseId, CommitId, RecordId, RecordKind};
use rusqlite::{OptionalExtension, params};

use crate::blobs::BlobError;
use crate::ledger::{Lines, commit_id, unpack};
use crate::{Store, StoreError};

/// A stored chunk of op lines: the index of its first op, and its lines.
pub type OpChunk = (u64, Lines);

/// One refused bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineEntry {
    /// Row id.
    pub id: i64,
    /// When, µs.
    pub at: i64,
    /// File name inside `<vault>/quarantine/`.
    pub name: String,
    /// SHA-256 of the file as received.
    pub sha256: String,
    /// Where it came from.
    pub origin: String,
    /// Why it was refused.
    pub reason: String,
}

/// A stored commit as raw parts, for carrying on.
#[derive(Debug, Clone)]
pub struct RawCommit {
    /// Local seq.
    pub seq: i64,
    /// Id.
    pub id: CommitId,
    /// Exact header bytes.
    pub bytes: Vec<u8>,
    /// Signature box.
    pub signature: String,
    /// Parents.
    pub parents: Vec<CommitId>,
}

fn ids_json(ids: &[CommitId]) -> String {
    serde_json::to_string(&ids.iter().map(CommitId::to_hex).collect::<Vec<_>>()).expect("JSON")
}

fn parse_ids(s: &str) -> Result<Vec<CommitId>, StoreError> {
    let v: Vec<String> = serde_json::from_str(s).map_err(|_| StoreError::Corrupt("sync state".into()))?;
    v.iter().map(|h| h.parse().map_err(|_| StoreError::Corrupt("sync state".into()))).collect()
}

impl Store {
    fn partner_id(&self, name: &str) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT id FROM partners WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("partner \"{name}\"")))
    }

    /// The heads last sent to and last received from `partner` for `case`.
    pub fn sync_state(
        &self,
        partner: &str,
        case: &CaseId,
    ) -> Result<(Vec<CommitId>, Vec<CommitId>), StoreError> {
        let pid = self.partner_id(partner)?;
        let Ok(case_seq) = self.case_seq(case) else { return Ok((vec![], vec![])) };
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT sent, received FROM partner_sync WHERE partner_id = ?1 AND case_seq = ?2",
            )?
            .query_row(params![pid, case_seq], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((s, r)) => Ok((parse_ids(&s)?, parse_ids(&r)?)),
            None => Ok((vec![], vec![])),
        }
    }

    /// Remembers the heads sent to (`sent = true`) or received from `partner` for `case`.
    pub fn set_sync_heads(
        &self,
        partner: &str,
        case: &CaseId,
        sent: bool,
        heads: &[CommitId],
    ) -> Result<(), StoreError> {
        let pid = self.partner_id(partner)?;
        let case_seq = self.case_seq(case)?;
        let col = if sent { "sent" } else { "received" };
        self.conn.execute(
            &format!(
                "INSERT INTO partner_sync (partner_id, case_seq, {col}) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (partner_id, case_seq) DO UPDATE SET {col} = excluded.{col}"
            ),
            params![pid, case_seq, ids_json(heads)],
        )?;
        Ok(())
    }

    /// Records a refused bundle (its file is already in the quarantine folder).
    pub fn add_quarantine(&self, e: &QuarantineEntry) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO quarantine (at, name, sha256, origin, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![e.at, e.name, e.sha256, e.origin, e.reason],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every refused bundle, newest last.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT id, at, name, sha256, origin, reason FROM quarantine ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(QuarantineEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                name: r.get(2)?,
                sha256: r.get(3)?,
                origin: r.get(4)?,
                reason: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The heads of a case.
    pub fn heads(&self, case: &CaseId) -> Result<Vec<CommitId>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id FROM heads h JOIN commits c ON c.seq = h.commit_seq WHERE h.case_seq = ?1 ORDER BY c.id",
        )?;
        let rows = stmt.query_map([case_seq], |r| Ok(commit_id(&r.get::<_, Vec<u8>>(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A case's commits as raw parts, in local (topological) order.
    pub fn raw_commits(&self, case: &CaseId) -> Result<Vec<RawCommit>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut parents: HashMap<i64, Vec<CommitId>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT p.child, p.parent FROM commit_parents p JOIN commits c ON c.seq = p.child WHERE c.case_seq = ?1",
            )?;
            let mut rows = stmt.query([case_seq])?;
            while let Some(r) = rows.next()? {
                parents.entry(r.get(0)?).or_default().push(commit_id(&r.get::<_, Vec<u8>>(1)?));
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT seq, id, bytes, signature FROM commits WHERE case_seq = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([case_seq], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = vec![];
        for r in rows {
            let (seq, id, bytes, signature) = r?;
            out.push(RawCommit {
                seq,
                id: commit_id(&id),
                bytes,
                signature,
                parents: parents.remove(&seq).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Calls `f` with each raw op line of commit `seq`, in order, without parsing it.
    pub fn for_each_op_line(
        &self,
        seq: i64,
        mut f: impl FnMut(u64, &[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT first_op, op_count, lines_zstd FROM op_chunks WHERE commit_seq = ?1 ORDER BY first_op",
        )?;
        let mut rows = stmt.query([seq])?;
        let mut index = 0u64;
        while let Some(r) = rows.next()? {
            if r.get::<_, i64>(0)? as u64 != index {
                return Err(StoreError::Corrupt(format!(
                    "op lines of commit #{seq} have a gap at op {index}"
                )));
            }
            let packed: Vec<u8> = r.get(2)?;
            for line in unpack(&packed, r.get(1)?)?.iter() {
                f(index, line)?;
                index += 1;
            }
        }
        Ok(())
    }

    /// The first stored chunk of commit `seq` starting at or after op `from`: (its first op, its lines).
    pub fn op_lines_from(&self, seq: i64, from: u64) -> Result<Option<OpChunk>, StoreError> {
        let row: Option<(i64, i64, Vec<u8>)> = self
            .conn
            .prepare_cached(
                "SELECT first_op, op_count, lines_zstd FROM op_chunks WHERE commit_seq = ?1 AND first_op >= ?2 \
                 ORDER BY first_op LIMIT 1",
            )?
            .query_row(params![seq, from as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match row {
            Some((first, count, packed)) => Ok(Some((first as u64, unpack(&packed, count)?))),
            None => Ok(None),
        }
    }

    /// The size of commit `seq`'s ops file as carried: every line plus its `\n` (a chunk stores its lines
    /// joined by `\n`, one fewer than it has lines).
    pub fn ops_file_size(&self, seq: i64) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT coalesce(sum(raw_bytes + 1), 0) FROM op_chunks WHERE commit_seq = ?1")?
            .query_row([seq], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Records of a case that carry their own TLP: (kind, id, tlp word).
    pub fn explicit_tlps(&self, case: &CaseId) -> Result<Vec<(RecordKind, RecordId, String)>, StoreError> {
        let case_seq = self.case_seq(case)?;
        let mut stmt =
            self.conn.prepare("SELECT kind, id, tlp FROM records INDEXED BY records_with_tlp WHERE case_seq = ?1 AND tlp IS NOT NULL")?;
        let rows = stmt.query_map([case_seq], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = vec![];
        for r in rows {
            let (k, id, t) = r?;
            let kind =
                RecordKind::from_code(k).ok_or_else(|| StoreError::Corrupt(format!("record kind {k}")))?;
            let id: [u8; 16] = id.try_into().map_err(|_| StoreError::Corrupt("record id".into()))?;
            out.push((kind, RecordId::from_bytes(id), t));
        }
        Ok(out)
    }

    /// A decrypting reader over blob `sha256` (the caller checks the hash of what it reads).
    pub fn open_blob(
        &self,
        sha256: &str,
        identity: &dyn age::Identity,
    ) -> Result<Box<dyn Read + '_>, BlobError> {
        let path = self.paths.blobs().join(sha256);
        let file = std::fs::File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => BlobError::Missing(sha256.to_string()),
            _ => BlobError::Io(e),
        })?;
        let r = age::Decryptor::new_buffered(io::BufReader::new(file))
            .map_err(|e| BlobError::Undecryptable { sha256: sha256.to_string(), reason: e.to_string() })?
            .decrypt(std::iter::once(identity))
            .map_err(|e| BlobError::Undecryptable { sha256: sha256.to_string(), reason: e.to_string() })?;
        Ok(Box::new(r))
    }

    /// A digest of everything a bundle import could change: cases, commits, op chunks, records,
    /// partners' sync state, and the set of blob files. Equal digests mean an unchanged vault.
    pub fn state_digest(&self) -> Result<String, StoreError> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for sql in [
            "SELECT hex(id) FROM cases ORDER BY seq",
            "SELECT hex(id) || ':' || hex(bytes) || ':' || signature FROM commits ORDER BY seq",
            "SELECT commit_seq || ':' || first_op || ':' || hex(lines_zstd) FROM op_chunks ORDER BY commit_seq, first_op",
            "SELECT case_seq || ':' || kind || ':' || hex(id) || ':' || deleted || ':' || conflicts || ':' || \
             coalesce(data, '') || ':' || prov FROM records ORDER BY case_seq, kind, id",
            "SELECT partner_id || ':' || case_seq || ':' || sent || ':' || received FROM partner_sync \
             ORDER BY partner_id, case_seq",
            "SELECT name || ':' || verified || ':' || max_tlp FROM partners ORDER BY name",
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                h.update(r.get::<_, String>(0)?.as_bytes());
                h.update(b"\n");
            }
            h.update(b"--\n");
        }
        let mut blobs: Vec<String> = std::fs::read_dir(self.paths.blobs())
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned())).collect())
            .unwrap_or_default();
        blobs.sort();
        h.update(blobs.join("\n").as_bytes());
        Ok(hex::encode(h.finalize()))
    }

    /// Removes a blob file (used to undo blobs added by a refused import).
    pub fn remove_blob(&self, sha256: &str) -> Result<(), BlobError> {
        match std::fs::remove_file(self.paths.blobs().join(sha256)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(BlobError::Io(e)),
            _ => Ok(()),
        }
    }
}
