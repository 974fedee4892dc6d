//! Commits: a signed header binding a list of ops.
//!
//! The header is one JSON object, written once and then kept as exact bytes:
//!
//! ```text
//! {"format":1,"case":"<uuid>","parents":["<64 hex>",...],"author":"<minisign public key, base64>",
//!  "author_name":"...","hlc":<µs>,"message":"...","op_count":<n>,"ops_root":"<64 hex>"}
//! ```
//!
//! Its id is the SHA-256 of those bytes; its signature is a minisign signature (Ed25519, prehashed)
//! of those bytes by the author's key. `hlc` is the author's wall clock in µs, but always strictly
//! greater than every parent's, so a descendant always outranks its ancestors in the merge.

use serde::{Deserialize, Serialize};

use crate::ids::{CaseId, CommitId, KeyId};
use crate::op::{Op, OpLine, OpsRoot};

/// The commit format this build writes and reads.
pub const FORMAT: u32 = 1;
/// Longest commit header accepted, in bytes.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Most parents a commit may name.
pub const MAX_PARENTS: usize = 256;
/// Longest commit message, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// The header as parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitHeader {
    /// Format version ([`FORMAT`]).
    pub format: u32,
    /// The case.
    pub case: CaseId,
    /// The author's heads when committing, sorted ascending.
    pub parents: Vec<CommitId>,
    /// The author's minisign public key, base64 (`RW…`).
    pub author: String,
    /// The author's display name (informational; trust comes from the key).
    pub author_name: String,
    /// Hybrid logical clock: µs, strictly greater than every parent's.
    pub hlc: u64,
    /// What this commit does, for history.
    pub message: String,
    /// Number of ops.
    pub op_count: u64,
    /// SHA-256 over the concatenated op hashes, hex.
    pub ops_root: String,
}

impl CommitHeader {
    /// The author's key id.
    pub fn author_key_id(&self) -> Result<KeyId, CommitError> {
        Ok(KeyId::from_keynum(self.author_key()?.keynum()))
    }

    /// The author's public key.
    pub fn author_key(&self) -> Result<minisign::PublicKey, CommitError> {
        minisign::PublicKey::from_base64(&self.author).map_err(|_| CommitError::BadAuthorKey)
    }
}

/// A commit: exact header bytes, signature, parsed header, and its op lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    /// SHA-256 of `bytes`.
    pub id: CommitId,
    /// The header's exact bytes.
    pub bytes: Vec<u8>,
    /// minisign signature box of `bytes`.
    pub signature: String,
    /// `bytes`, parsed.
    pub header: CommitHeader,
    /// The ops, in order.
    pub ops: Vec<OpLine>,
}

/// Why a commit was refused. Each says what is wrong; verification reports the commit's id with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitError {
    /// The header is not valid JSON of the commit shape.
    #[error("malformed commit header: {0}")]
    Malformed(String),
    /// A format this build does not know.
    #[error("unknown commit format {0} (this build reads format {FORMAT})")]
    UnknownFormat(u32),
    /// The id does not match the bytes.
    #[error("commit id does not match its bytes (the commit was altered)")]
    IdMismatch,
    /// The author field is not a minisign public key.
    #[error("the author is not a valid minisign public key")]
    BadAuthorKey,
    /// The signature does not verify with the author's key.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The number of ops differs from the header.
    #[error("commit says {expected} ops but carries {found}")]
    OpCount {
        /// From the header.
        expected: u64,
        /// Carried.
        found: u64,
    },
    /// The ops do not hash to `ops_root`.
    #[error("ops_root mismatch: the ops were altered, reordered or replaced")]
    OpsRootMismatch,
    /// An op is malformed.
    #[error("op {index}: {reason}")]
    BadOp {
        /// 0-based op index.
        index: u64,
        /// What is wrong.
        reason: String,
    },
    /// A parent is not known.
    #[error("missing parent commit {0}")]
    MissingParent(String),
    /// The clock is not ahead of a parent's.
    #[error("hlc {hlc} is not after its parent's {parent_hlc}")]
    ClockNotAhead {
        /// This commit's hlc.
        hlc: u64,
        /// The parent's.
        parent_hlc: u64,
    },
    /// The commit belongs to another case.
    #[error("commit belongs to case {found}, not {expected}")]
    WrongCase {
        /// Expected case.
        expected: String,
        /// Found.
        found: String,
    },
    /// A limit was exceeded.
    #[error("{0}")]
    TooLarge(String),
}

/// The author's signing key with its identity, as the ledger needs it.
pub struct Signer<'a> {
    /// Secret key.
    pub secret: &'a minisign::SecretKey,
    /// Public key.
    pub public: &'a minisign::PublicKey,
    /// Display name written in commits.
    pub name: &'a str,
}

fn trusted_comment(id: &CommitId) -> String {
    format!("casebook-commit/1 {id}")
}

/// Signs commit bytes.
pub fn sign_bytes(bytes: &[u8], id: &CommitId, signer: &Signer<'_>) -> Result<String, CommitError> {
    minisign::sign(
        Some(signer.public),
        signer.secret,
        bytes,
        Some(&trusted_comment(id)),
        Some("casebook commit"),
    )
    .map(|b| b.into_string())
    .map_err(|e| CommitError::BadSignature(e.to_string()))
}

/// Builds a commit one op at a time: only hashes are kept, so a million-op commit streams.
pub struct CommitBuilder {
    header: CommitHeader,
    root: OpsRoot,
}

impl CommitBuilder {
    /// Starts a commit. `hlc` must already be ahead of every parent (see [`next_hlc`]).
    pub fn new(case: CaseId, mut parents: Vec<CommitId>, author: &Signer<'_>, hlc: u64) -> Self {
        parents.sort();
        parents.dedup();
        Self {
            header: CommitHeader {
                format: FORMAT,
                case,
                parents,
                author: author.public.to_base64(),
                author_name: author.name.to_string(),
                hlc,
                message: String::new(),
                op_count: 0,
                ops_root: String::new(),
            },
            root: OpsRoot::new(),
        }
    }

    /// Adds the next op; returns its line.
    pub fn push(&mut self, op: Op) -> OpLine {
        let line = OpLine::from_op(op);
        self.root.push(&line.hash);
        line
    }

    /// Adds the next op's hash (for an op line already serialized).
    pub fn push_hash(&mut self, hash: &[u8; 32]) {
        self.root.push(hash);
    }

    /// The hlc this commit carries.
    pub fn hlc(&self) -> u64 {
        self.header.hlc
    }

    /// Ops so far.
    pub fn op_count(&self) -> u64 {
        self.root.count()
    }

    /// Writes the header and signs it. The returned commit carries no op lines: the caller has them.
    pub fn finish(self, message: &str, signer: &Signer<'_>) -> Result<Commit, CommitError> {
        let mut header = self.header;
        header.message = truncate(message, MAX_MESSAGE_BYTES);
        header.op_count = self.root.count();
        header.ops_root = hex::encode(self.root.finish());
        let bytes = serde_json::to_vec(&header).map_err(|e| CommitError::Malformed(e.to_string()))?;
        let id = CommitId::of(&bytes);
        let signature = sign_bytes(&bytes, &id, signer)?;
        Ok(Commit { id, bytes, signature, header, ops: Vec::new() })
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// The hlc for a new commit: the wall clock, but strictly after every parent.
pub fn next_hlc(now_us: i64, parent_hlcs: impl IntoIterator<Item = u64>) -> u64 {
    let floor = parent_hlcs.into_iter().max().map_or(0, |h| h.saturating_add(1));
    (now_us.max(0) as u64).max(floor)
}

/// Builds a whole commit in memory from ops (for small commits and tests).
pub fn build(
    case: CaseId,
    parents: Vec<CommitId>,
    hlc: u64,
    message: &str,
    ops: Vec<Op>,
    signer: &Signer<'_>,
) -> Result<Commit, CommitError> {
    let mut b = CommitBuilder::new(case, parents, signer, hlc);
    let lines: Vec<OpLine> = ops.into_iter().map(|op| b.push(op)).collect();
    let mut c = b.finish(message, signer)?;
    c.ops = lines;
    Ok(c)
}

/// Parses header bytes (no signature check).
pub fn parse_header(bytes: &[u8]) -> Result<CommitHeader, CommitError> {
    if bytes.len() > MAX_HEADER_BYTES {
        return Err(CommitError::TooLarge(format!("commit header is {} bytes", bytes.len())));
    }
    let h: CommitHeader = serde_json::from_slice(bytes).map_err(|e| CommitError::Malformed(e.to_string()))?;
    if h.format != FORMAT {
        return Err(CommitError::UnknownFormat(h.format));
    }
    if h.parents.len() > MAX_PARENTS {
        return Err(CommitError::TooLarge(format!("{} parents", h.parents.len())));
    }
    if h.message.len() > MAX_MESSAGE_BYTES || h.author_name.len() > MAX_MESSAGE_BYTES {
        return Err(CommitError::TooLarge("message or author name too long".into()));
    }
    if h.ops_root.len() != 64 || hex::decode(&h.ops_root).is_err() {
        return Err(CommitError::Malformed("ops_root must be 64 hex digits".into()));
    }
    Ok(h)
}

/// Verifies a minisign signature box (text) over `data` with `key`.
///
/// Every signature that comes from outside goes through here: the minisign crate (0.10) panics on a
/// global signature shorter than 64 bytes, so the box's shape is checked first, and a panic inside the
/// crate is turned into a refusal rather than taking the process down.
pub fn verify_signature(key: &minisign::PublicKey, signature: &str, data: &[u8]) -> Result<(), String> {
    if signature.len() > 4096 {
        return Err("the signature is far too long".into());
    }
    let lines: Vec<&str> = signature.lines().collect();
    let global = lines.get(3).map(|l| l.trim()).unwrap_or("");
    let is_b64 =
        |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=');
    if lines.len() < 4 || global.len() != 88 || !global.ends_with("==") || !is_b64(global) {
        return Err("the signature is malformed".into());
    }
    let sig =
        minisign::SignatureBox::from_string(signature).map_err(|e| format!("unreadable signature: {e}"))?;
    let key = key.clone();
    let data = data.to_vec();
    std::panic::catch_unwind(move || {
        minisign::verify(&key, &sig, std::io::Cursor::new(&data), true, false, false)
            .map_err(|e| e.to_string())
    })
    .unwrap_or_else(|_| Err("the signature is malformed".into()))
}

/// Verifies the header alone: id, shape, signature. Returns the parsed header.
pub fn verify_header(id: &CommitId, bytes: &[u8], signature: &str) -> Result<CommitHeader, CommitError> {
    if CommitId::of(bytes) != *id {
        return Err(CommitError::IdMismatch);
    }
    let header = parse_header(bytes)?;
    let pk = header.author_key()?;
    verify_signature(&pk, signature, bytes).map_err(CommitError::BadSignature)?;
    Ok(header)
}

/// Checks op hashes against the header: count and `ops_root`.
pub fn verify_ops<'a>(
    header: &CommitHeader,
    hashes: impl IntoIterator<Item = &'a [u8; 32]>,
) -> Result<(), CommitError> {
    let mut root = OpsRoot::new();
    for h in hashes {
        root.push(h);
    }
    if root.count() != header.op_count {
        return Err(CommitError::OpCount { expected: header.op_count, found: root.count() });
    }
    if hex::encode(root.finish()) != header.ops_root {
        return Err(CommitError::OpsRootMismatch);
    }
    Ok(())
}

impl Commit {
    /// Reassembles a carried commit: verifies id, signature, every op line and `ops_root`.
    pub fn from_parts(
        id: CommitId,
        bytes: Vec<u8>,
        signature: String,
        op_lines: &[&[u8]],
    ) -> Result<Self, CommitError> {
        let header = verify_header(&id, &bytes, &signature)?;
        let ops = op_lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                OpLine::parse(l).map_err(|e| CommitError::BadOp { index: i as u64, reason: e.to_string() })
            })
            .collect::<Result<Vec<_>, _>>()?;
        verify_ops(&header, ops.iter().map(|o| &o.hash))?;
        Ok(Self { id, bytes, signature, header, ops })
    }

    /// Verifies this commit's id, signature, op lines and `ops_root` (not its parents).
    pub fn verify(&self) -> Result<(), CommitError> {
        let header = verify_header(&self.id, &self.bytes, &self.signature)?;
        if header != self.header {
            return Err(CommitError::IdMismatch);
        }
        for (i, line) in self.ops.iter().enumerate() {
            let parsed = OpLine::parse(&line.bytes)
                .map_err(|e| CommitError::BadOp { index: i as u64, reason: e.to_string() })?;
            if parsed.hash != line.hash {
                return Err(CommitError::BadOp {
                    index: i as u64,
                    reason: "hash does not match bytes".into(),
                });
            }
        }
        verify_ops(&header, self.ops.iter().map(|o| &o.hash))
    }
}
