//! The `casebundle/1` handoff format (DESIGN §8): write a bundle, and open, verify and read one.
//!
//! A bundle is an age-encrypted (optionally ASCII-armored, optionally split) zstd tar holding one folder
//! `casebundle/` with `manifest.json`, `ledger/commits.jsonl`, `ledger/ops/<commit id>.jsonl`,
//! `blobs/<sha256>`, `summary.md`, `SHA256SUMS` and `SHA256SUMS.minisig`. Stock `age`, `tar`, `zstd`,
//! `minisign` and `sha256sum` can check and read it.
//!
//! This crate knows the ledger's formats but nothing of the vault: the writer takes bytes and streams,
//! the reader hands what it finds to a [`read::Sink`] and decides nothing about trust. It never writes to
//! disk: reading streams through memory with every size bounded by [`Limits`].
//!
//! Invariants: a reader never trusts anything before it is checked — paths, entry types, sizes, counts,
//! order, every commit's id and signature, every op against its commit's `ops_root`, every file against
//! `SHA256SUMS`, and `SHA256SUMS` against the sender's signature. The sink sees data as it streams, so
//! the caller must apply it provisionally (one transaction) and keep it only if [`read::read`] returns `Ok`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod manifest;
pub mod read;
pub mod split;
mod sums;
pub mod write;

use casebook_ledger::{CommitHeader, CommitId};

pub use manifest::{FORMAT, Manifest, Party, Sender, SkippedBlob};

/// The folder every entry lives in.
pub const ROOT: &str = "casebundle";

/// Bounds on what a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total uncompressed bytes of all entries.
    pub max_total_bytes: u64,
    /// Number of entries.
    pub max_files: u64,
    /// Number of commits.
    pub max_commits: u64,
    /// Size of one evidence file.
    pub max_blob_bytes: u64,
    /// Size of `manifest.json`, `SHA256SUMS`, its signature, and one line of `commits.jsonl`.
    pub max_small_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_total_bytes: 16 << 30,
            max_files: 1_000_000,
            max_commits: 500_000,
            max_blob_bytes: 8 << 30,
            max_small_file_bytes: 16 << 20,
        }
    }
}

/// A commit as carried in `ledger/commits.jsonl`, checked: id, header and signature.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitEnvelope {
    /// Id.
    pub id: CommitId,
    /// Exact header bytes.
    pub bytes: Vec<u8>,
    /// Signature box.
    pub signature: String,
    /// Parsed header.
    pub header: CommitHeader,
}

/// Why a bundle could not be written or was refused. Messages say what is wrong in the responder's
/// terms; the variant says which check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// age: none of the recipients is us.
    #[error("this bundle is not addressed to you: none of its recipients is this vault's key")]
    NotForMe,
    /// Not an age file at all.
    #[error("this is not a Casebook bundle (not an age-encrypted file): {0}")]
    NotABundle(String),
    /// Decryption or decompression failed part-way: truncated, or altered in transit.
    #[error("the bundle is damaged or was altered in transit: {0}")]
    Damaged(String),
    /// A newer or foreign format.
    #[error("unsupported bundle format \"{0}\" (this Casebook reads {FORMAT}); update Casebook")]
    UnsupportedFormat(String),
    /// The manifest is malformed.
    #[error("the bundle's manifest is invalid: {0}")]
    Manifest(String),
    /// A size limit was exceeded (a decompression bomb, or simply too big).
    #[error("the bundle is too large: {0}")]
    TooLarge(String),
    /// An entry is not a plain file in an allowed place.
    #[error("unsafe entry in the bundle: {path}: {reason}")]
    UnsafeEntry {
        /// The entry's path as given (shortened, lossy).
        path: String,
        /// What is wrong (absolute path, `..`, symlink, hard link, device…).
        reason: String,
    },
    /// Entries are missing, repeated or out of order.
    #[error("malformed bundle: {0}")]
    Malformed(String),
    /// A commit failed its checks.
    #[error("commit {id} in the bundle is invalid: {reason}")]
    BadCommit {
        /// Commit id (hex, as given).
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A file does not match `SHA256SUMS`.
    #[error("{0} does not match its SHA-256 in SHA256SUMS: the bundle was altered")]
    HashMismatch(String),
    /// The signature over `SHA256SUMS` does not verify with the sender's key.
    #[error("the sender's signature does not verify: {0}")]
    BadSignature(String),
    /// The sink refused something (the vault's own checks).
    #[error("{0}")]
    Refused(String),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
