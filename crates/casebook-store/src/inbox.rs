//! The inbox's records: watched folders and what became of each file seen there.

use rusqlite::{OptionalExtension, Row, params};

use crate::{Store, StoreError, unique_as_duplicate};

/// One file (by content) the inbox has seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    /// Row id, shown to users.
    pub id: i64,
    /// SHA-256 of the content, or a marker for files that are not bundles or could not be read.
    pub key: String,
    /// `pending`, `held`, `quarantined`, `duplicate`, `accepted`, `rejected`, `failed`.
    pub state: String,
    /// Why (for quarantined, failed).
    pub reason: String,
    /// Every path it was seen at (JSON array).
    pub paths: String,
    /// Size in bytes.
    pub size: i64,
    /// Name of the ciphertext copy kept in `<vault>/received/`.
    pub stored: Option<String>,
    /// The verified preview (JSON), when it got that far.
    pub preview: Option<String>,
    /// First seen, µs.
    pub first_seen: i64,
    /// Last change, µs.
    pub updated_at: i64,
}

const COLS: &str = "id, key, state, reason, paths, size, stored, preview, first_seen, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<InboxRow> {
    Ok(InboxRow {
        id: r.get(0)?,
        key: r.get(1)?,
        state: r.get(2)?,
        reason: r.get(3)?,
        paths: r.get(4)?,
        size: r.get(5)?,
        stored: r.get(6)?,
        preview: r.get(7)?,
        first_seen: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

impl Store {
    /// Adds a folder to watch.
    pub fn add_inbox_dir(&self, path: &str, at: i64) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT INTO inbox_dirs (path, added_at) VALUES (?1, ?2)", params![path, at])
            .map_err(|e| unique_as_duplicate(e, || format!("the watched folder {path}")))?;
        Ok(())
    }

    /// Stops watching a folder.
    pub fn remove_inbox_dir(&self, path: &str) -> Result<(), StoreError> {
        if self.conn.execute("DELETE FROM inbox_dirs WHERE path = ?1", [path])? == 0 {
            return Err(StoreError::NotFound(format!("watched folder {path}")));
        }
        Ok(())
    }

    /// The configured folders.
    pub fn inbox_dirs(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT path FROM inbox_dirs ORDER BY path")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The item with this key.
    pub fn inbox_item_by_key(&self, key: &str) -> Result<Option<InboxRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {COLS} FROM inbox_items WHERE key = ?1"))?
            .query_row([key], row)
            .optional()?)
    }

    /// The item with this id.
    pub fn inbox_item(&self, id: i64) -> Result<InboxRow, StoreError> {
        self.conn
            .prepare_cached(&format!("SELECT {COLS} FROM inbox_items WHERE id = ?1"))?
            .query_row([id], row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("inbox item {id}")))
    }

    /// Every item, newest first.
    pub fn inbox_items(&self) -> Result<Vec<InboxRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLS} FROM inbox_items ORDER BY id DESC"))?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a new item; returns its id.
    pub fn insert_inbox_item(&self, r: &InboxRow) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO inbox_items (key, state, reason, paths, size, stored, preview, first_seen, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![r.key, r.state, r.reason, r.paths, r.size, r.stored, r.preview, r.first_seen, r.updated_at],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Changes an item's state, reason, paths and preview.
    pub fn update_inbox_item(&self, r: &InboxRow) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE inbox_items SET state = ?2, reason = ?3, paths = ?4, stored = ?5, preview = ?6, updated_at = ?7 \
             WHERE id = ?1",
            params![r.id, r.state, r.reason, r.paths, r.stored, r.preview, r.updated_at],
        )?;
        Ok(())
    }
}
