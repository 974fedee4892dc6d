//! Numbered, append-only schema migrations embedded from `migrations/`.
//!
//! The schema version is SQLite's `user_version`: the number of the last migration applied.
//! Migrations run inside one transaction each, so a crash mid-migration leaves the previous version.

use rusqlite::Connection;

/// One migration: its number (1, 2, …, with no gaps), its file name, and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The schema version this migration produces.
    pub version: i64,
    /// File name under `migrations/`.
    pub name: &'static str,
    /// The SQL it runs.
    pub sql: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../../migrations/", $name)),
        }
    };
}

/// Every migration, in order. A new one is appended here and as a new file; released ones never change.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_vault.sql"),
    migration!(2, "0002_ledger.sql"),
    migration!(3, "0003_sharing.sql"),
    migration!(4, "0004_inbox.sql"),
    migration!(5, "0005_text_search.sql"),
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The schema version stored in the vault.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies every migration newer than the vault's version, each in its own transaction.
pub fn run(conn: &Connection) -> rusqlite::Result<()> {
    let current = schema_version(conn)?;
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{}\nPRAGMA user_version = {};\nCOMMIT;",
            m.sql, m.version
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK;");
        })?;
    }
    Ok(())
}
