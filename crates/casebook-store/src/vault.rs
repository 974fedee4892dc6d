//! Opening, creating and rekeying the SQLCipher file.
//!
//! The only place in the workspace allowed to open a database connection (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::migrate;

/// Name of the SQLCipher database file inside a vault folder.
pub const DB_FILE: &str = "vault.db";

/// SQLCipher 4's page size; a vault file is always a whole number of pages.
const PAGE_SIZE: u64 = 4096;

/// Why a vault could not be opened or created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The key did not decrypt the first page: either the passphrase is wrong or the file is not ours.
    #[error("wrong passphrase, or this file is not a Casebook vault: {}", .0.display())]
    WrongPassphrase(PathBuf),
    /// There is no vault at this path.
    #[error("no Casebook vault at {} (create one with `casebook init`)", .0.display())]
    NotFound(PathBuf),
    /// The vault path names a regular file; a vault is a folder.
    #[error("{} is a file, not a vault folder (a vault folder holds {DB_FILE})", .0.display())]
    NotAFolder(PathBuf),
    /// `vault.db` exists but is a directory or other non-file.
    #[error("{} is not a regular file; this folder is not a Casebook vault", .0.display())]
    NotAFile(PathBuf),
    /// The file is shorter than its own header says, or otherwise structurally damaged.
    #[error("the vault file {} is truncated or damaged: {reason}; restore it from a backup", .path.display())]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What was found wrong.
        reason: String,
    },
    /// The vault was written by a newer Casebook.
    #[error(
        "this vault was written by a newer Casebook (schema {found}, this build knows up to {known}); \
         update Casebook to open it"
    )]
    TooNew {
        /// Schema version in the file.
        found: i64,
        /// Highest schema version this build knows.
        known: i64,
    },
    /// A vault already exists where `init` was asked to create one.
    #[error("a vault already exists at {}; refusing to overwrite it", .0.display())]
    AlreadyExists(PathBuf),
    /// The SQLite library in this build does not encrypt; refusing to write plaintext.
    #[error("this build's SQLite has no SQLCipher encryption; refusing to run")]
    NoEncryption,
    /// The operating system refused access (read-only media, permissions).
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being attempted.
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Any other database error while opening.
    #[error("cannot open the vault database: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Paths that make up a vault folder.
#[derive(Debug, Clone)]
pub struct VaultPaths {
    /// The vault folder.
    pub dir: PathBuf,
}

impl VaultPaths {
    /// The paths of the vault folder `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }
    /// The SQLCipher file.
    pub fn db(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }
    /// Folder of age-encrypted evidence blobs.
    pub fn blobs(&self) -> PathBuf {
        self.dir.join("blobs")
    }
    /// The vault's own inbox folder, always watched.
    pub fn inbox(&self) -> PathBuf {
        self.dir.join("inbox")
    }
    /// Ciphertext copies of bundles the inbox took in, kept until accepted or rejected.
    pub fn received(&self) -> PathBuf {
        self.dir.join("received")
    }
    /// Refused bundles, kept with their reason.
    pub fn quarantine(&self) -> PathBuf {
        self.dir.join("quarantine")
    }
    /// Scratch folder for work that must stay inside the vault folder.
    pub fn tmp(&self) -> PathBuf {
        self.dir.join("tmp")
    }
}

/// Connection settings applied after a successful key check, on every open.
///
/// Journal mode: WAL with `synchronous = FULL`. A commit is durable once `COMMIT` returns, a crash at
/// any point leaves either the old or the new state, and the WAL file holds encrypted pages only
/// (SQLCipher encrypts WAL frames like main-file pages). `temp_store = MEMORY` keeps sort spills and
/// temp tables off the disk entirely (the sorter's runs would be plaintext there); it also leaves
/// SQLite's sorter single-threaded, whatever `PRAGMA threads` says.
const SESSION_PRAGMAS: &str = "
    PRAGMA foreign_keys = ON;
    PRAGMA temp_store = MEMORY;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA cache_size = -65536;
    PRAGMA busy_timeout = 5000;
";

fn io_err<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> OpenError + 'p {
    move |source| OpenError::Io { action, path: path.to_path_buf(), source }
}

/// Refuse to run on a SQLite that would silently ignore `PRAGMA key`.
fn require_cipher(conn: &Connection) -> Result<(), OpenError> {
    let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    match version {
        Some(v) if !v.is_empty() => Ok(()),
        _ => Err(OpenError::NoEncryption),
    }
}

/// Silence SQLCipher's own stderr logging ("hmac check failed") and set the key.
fn apply_key(conn: &Connection, passphrase: &str) -> Result<(), OpenError> {
    require_cipher(conn)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.pragma_update(None, "key", passphrase)?;
    Ok(())
}

/// Check the file's shape before handing it to SQLCipher, so that damage is named as damage.
fn check_file_shape(db: &Path) -> Result<u64, OpenError> {
    let meta = fs::metadata(db).map_err(io_err("read", db))?;
    if !meta.is_file() {
        return Err(OpenError::NotAFile(db.to_path_buf()));
    }
    let len = meta.len();
    if len == 0 {
        return Err(OpenError::Damaged { path: db.to_path_buf(), reason: "the file is empty".into() });
    }
    if len % PAGE_SIZE != 0 {
        // Distinguish "some other file" from "our file, cut short": SQLCipher files have no
        // plaintext header, so a readable SQLite or text header means it is not a vault at all.
        let mut head = [0u8; 16];
        let n = fs::File::open(db).and_then(|mut f| f.read(&mut head)).map_err(io_err("read", db))?;
        if head[..n].starts_with(b"SQLite format 3") || len < PAGE_SIZE {
            return Err(OpenError::WrongPassphrase(db.to_path_buf()));
        }
        return Err(OpenError::Damaged {
            path: db.to_path_buf(),
            reason: format!("its size ({len} bytes) is not a whole number of {PAGE_SIZE}-byte pages"),
        });
    }
    Ok(len)
}

/// Map the first read's failure: a wrong key surfaces as SQLITE_NOTADB there.
fn first_read(conn: &Connection, db: &Path) -> Result<(), OpenError> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            Err(OpenError::WrongPassphrase(db.to_path_buf()))
        }
        Err(rusqlite::Error::SqliteFailure(e, msg)) if e.code == rusqlite::ErrorCode::DatabaseCorrupt => {
            Err(OpenError::Damaged {
                path: db.to_path_buf(),
                reason: msg.unwrap_or_else(|| "the database structure is corrupt".into()),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens the keyed connection of an existing vault, leaving the file untouched on every failure.
pub(crate) fn open(paths: &VaultPaths, passphrase: &str) -> Result<Connection, OpenError> {
    let dir = &paths.dir;
    match fs::metadata(dir) {
        Ok(m) if m.is_file() => return Err(OpenError::NotAFolder(dir.clone())),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(OpenError::NotFound(dir.clone())),
        Err(e) => return Err(io_err("read", dir)(e)),
    }
    let db = paths.db();
    if !db.exists() {
        return Err(OpenError::NotFound(dir.clone()));
    }
    let len = check_file_shape(&db)?;
    // Nothing below writes until the key and the schema version are known good: SQLite writes
    // nothing on open or read, so a failed open leaves the file as it was.
    let conn =
        Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| read_only_hint(e, &db))?;
    apply_key(&conn, passphrase)?;
    first_read(&conn, &db)?;
    let version = migrate::schema_version(&conn)?;
    if version > migrate::latest() {
        return Err(OpenError::TooNew { found: version, known: migrate::latest() });
    }
    let page_count = conn.query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0))?;
    let wal = db.with_file_name(format!("{DB_FILE}-wal"));
    if (page_count as u64) * PAGE_SIZE > len && !wal.exists() {
        return Err(OpenError::Damaged {
            path: db.clone(),
            reason: format!("the header counts {page_count} pages but the file holds {}", len / PAGE_SIZE),
        });
    }
    conn.execute_batch(SESSION_PRAGMAS).map_err(|e| read_only_hint(e, &db))?;
    migrate::run(&conn).map_err(|e| read_only_hint(e, &db))?;
    Ok(conn)
}

fn read_only_hint(e: rusqlite::Error, db: &Path) -> OpenError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(
                f.code,
                rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::PermissionDenied
            ) =>
        {
            OpenError::Io {
                action: "write to",
                path: db.to_path_buf(),
                source: io::Error::new(io::ErrorKind::PermissionDenied, "the vault location is read-only"),
            }
        }
        _ => OpenError::Sql(e),
    }
}

/// Creates a new vault folder and its keyed database. Refuses to touch an existing vault.
pub(crate) fn create(paths: &VaultPaths, passphrase: &str) -> Result<Connection, OpenError> {
    let dir = &paths.dir;
    if dir.is_file() {
        return Err(OpenError::NotAFolder(dir.clone()));
    }
    let db = paths.db();
    if db.exists() {
        return Err(OpenError::AlreadyExists(dir.clone()));
    }
    fs::create_dir_all(dir).map_err(io_err("create the vault folder", dir))?;
    restrict_permissions(dir, 0o700);
    let conn = Connection::open_with_flags(
        &db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| read_only_hint(e, &db))?;
    apply_key(&conn, passphrase)?;
    conn.execute_batch(SESSION_PRAGMAS).map_err(|e| read_only_hint(e, &db))?;
    migrate::run(&conn)?;
    restrict_permissions(&db, 0o600);
    for sub in [paths.blobs(), paths.tmp(), paths.inbox()] {
        fs::create_dir_all(&sub).map_err(io_err("create", &sub))?;
    }
    Ok(conn)
}

/// Vault files are private to their owner (encrypted anyway; this keeps them out of others' sight).
fn restrict_permissions(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: on filesystems without Unix modes (FAT USB sticks) this fails harmlessly.
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Rekeys the open vault in place. SQLCipher rewrites every page in one transaction.
pub(crate) fn rekey(conn: &Connection, new_passphrase: &str) -> Result<(), rusqlite::Error> {
    conn.pragma_update(None, "rekey", new_passphrase)?;
    // Make the rekeyed pages the main file's content now, not at some later checkpoint.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}
