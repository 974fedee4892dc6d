//! The Casebook vault: the one crate that speaks SQL.
//!
//! A vault is a folder holding `vault.db`, a SQLCipher 4 database keyed from the user's passphrase with
//! SQLCipher's own KDF at its defaults (so stock SQLCipher 4 tools open it), plus `blobs/` for
//! age-encrypted evidence files and `tmp/` for scratch work that must stay inside the vault.
//!
//! Invariants this crate keeps:
//! - no case data, key or passphrase is written to disk in plaintext: the database, its WAL and its
//!   rollback journal are encrypted by SQLCipher, temp storage is memory-only;
//! - a failed open never writes to the file;
//! - the schema only moves forward, through the numbered migrations in `migrations/`, and a vault
//!   newer than this build is refused, never downgraded.
//!
//! This crate knows nothing of bundles, the CLI or the desktop app. It never interprets keys: it stores
//! the strings the `casebook` crate hands it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit;
mod blobs;
mod inbox;
mod ledger;
pub mod migrate;
mod partners;
mod query;
mod search;
mod sharing;
mod vault;
mod verify;

use std::path::Path;

use rusqlite::Connection;
use zeroize::Zeroizing;

pub use audit::{AuditEntry, AuditProblem};
pub use blobs::{BlobError, BlobInfo};
pub use inbox::InboxRow;
pub use ledger::{CommitWriter, ImportSession, Imported, LedgerError, Lines, Packed, pack_chunks};
pub use partners::{NewPartner, PartnerRow};
pub use query::{CommitRow, Conflict, ConflictSide, EventFilter, RecordRow, Seek};
pub use search::{IndexStatus, fts_query};
pub use sharing::{OpChunk, QuarantineEntry, RawCommit};
pub use vault::{DB_FILE, OpenError, VaultPaths};
pub use verify::{VerifyFailure, VerifyReport};

/// A failure while reading or writing an open vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A uniqueness rule would be broken (a partner name or key already present).
    #[error("{0} already exists in this vault")]
    Duplicate(String),
    /// The named thing is not in the vault.
    #[error("{0} not found in this vault")]
    NotFound(String),
    /// The vault has no identity yet (it was never initialised completely).
    #[error("this vault has no identity; it was not initialised completely")]
    NoIdentity,
    /// Stored data does not make sense (a bug, or the file was altered outside Casebook).
    #[error("the vault's stored data is inconsistent: {0}; run `casebook verify`")]
    Corrupt(String),
    /// The database refused the operation.
    #[error("vault database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// The vault owner's identity as stored. Secret strings are zeroed when dropped.
#[derive(Debug, Clone)]
pub struct IdentityRow {
    /// Display name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// age X25519 secret key (`AGE-SECRET-KEY-1…`).
    pub age_secret: Zeroizing<String>,
    /// age recipient (`age1…`).
    pub age_recipient: String,
    /// minisign secret key box (unencrypted: the vault itself is the protection).
    pub minisign_secret: Zeroizing<String>,
    /// minisign public key, base64 (`RW…`).
    pub minisign_public: String,
    /// When the identity was generated, µs since the Unix epoch.
    pub created_at: i64,
}

/// An open, unlocked vault.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    paths: VaultPaths,
}

impl Store {
    /// Creates a new vault folder at `dir` keyed with `passphrase`. Refuses to overwrite a vault.
    pub fn create(dir: &Path, passphrase: &str) -> Result<Self, OpenError> {
        let paths = VaultPaths::new(dir);
        let conn = vault::create(&paths, passphrase)?;
        Ok(Self { conn, paths })
    }

    /// Opens and unlocks the vault folder at `dir`.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Self, OpenError> {
        let paths = VaultPaths::new(dir);
        let conn = vault::open(&paths, passphrase)?;
        Ok(Self { conn, paths })
    }

    /// The vault's folder layout.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// Changes the passphrase in place; the old one stops working at once.
    pub fn rekey(&mut self, new_passphrase: &str) -> Result<(), StoreError> {
        vault::rekey(&self.conn, new_passphrase)?;
        Ok(())
    }

    /// Caps SQLite's page cache for this connection at `mib` MiB (64 MiB when opened, for bulk
    /// work). A long-lived interactive process lowers it; pages beyond it are read again from the
    /// file (and decrypted) when needed.
    pub fn set_page_cache_mib(&self, mib: u32) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?;
        Ok(())
    }

    /// This connection's page cache cap in MiB.
    pub fn page_cache_mib(&self) -> Result<u32, StoreError> {
        let kib: i64 = self.conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        // Negative means KiB; positive (never set so here) would mean pages.
        Ok(u32::try_from(kib.unsigned_abs() / 1024).unwrap_or(u32::MAX))
    }

    /// The schema version of the open vault.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(migrate::schema_version(&self.conn)?)
    }

    /// The schema as SQLite holds it (`type name: sql` per object, by name), for snapshot tests.
    pub fn schema_dump(&self) -> Result<String, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "-- {} {}\n{};\n",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?
            ))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
    }

    /// Stores the owner's identity (once, at init).
    pub fn set_identity(&self, id: &IdentityRow) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO identity (id, name, org, age_secret, age_recipient, minisign_secret, \
             minisign_public, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                id.name,
                id.org,
                id.age_secret.as_str(),
                id.age_recipient,
                id.minisign_secret.as_str(),
                id.minisign_public,
                id.created_at
            ],
        )?;
        Ok(())
    }

    /// The owner's identity.
    pub fn identity(&self) -> Result<IdentityRow, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT name, org, age_secret, age_recipient, minisign_secret, minisign_public, \
                 created_at FROM identity WHERE id = 1",
                [],
                |r| {
                    Ok(IdentityRow {
                        name: r.get(0)?,
                        org: r.get(1)?,
                        age_secret: Zeroizing::new(r.get(2)?),
                        age_recipient: r.get(3)?,
                        minisign_secret: Zeroizing::new(r.get(4)?),
                        minisign_public: r.get(5)?,
                        created_at: r.get(6)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NoIdentity)
    }
}

/// Maps a UNIQUE-constraint failure to [`StoreError::Duplicate`] naming `what`.
pub(crate) fn unique_as_duplicate(e: rusqlite::Error, what: impl FnOnce() -> String) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            StoreError::Duplicate(what())
        }
        _ => StoreError::Sql(e),
    }
}
