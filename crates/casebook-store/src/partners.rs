//! Partners: people this vault exchanges bundles with, and how far they are trusted.

use rusqlite::{OptionalExtension, Row, params};

use crate::{Store, StoreError, unique_as_duplicate};

/// A partner to record. Keys are already validated by the caller.
#[derive(Debug, Clone)]
pub struct NewPartner {
    /// Display name, unique in the vault (case-insensitive).
    pub name: String,
    /// Organisation.
    pub org: String,
    /// age recipient (`age1…`).
    pub age_recipient: String,
    /// minisign public key, base64.
    pub minisign_public: String,
    /// Fingerprint of the two keys, for reading aloud.
    pub fingerprint: String,
    /// Whether the fingerprint was checked out of band.
    pub verified: bool,
    /// Highest TLP this partner may receive (`clear`, `green`, `amber`, `amber+strict`, `red`).
    pub max_tlp: String,
    /// When added, µs since the Unix epoch.
    pub added_at: i64,
}

/// A stored partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRow {
    /// Display name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// age recipient.
    pub age_recipient: String,
    /// minisign public key, base64.
    pub minisign_public: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// Verified out of band.
    pub verified: bool,
    /// Highest TLP this partner may receive.
    pub max_tlp: String,
    /// When added, µs since the Unix epoch.
    pub added_at: i64,
    /// When verified, µs since the Unix epoch.
    pub verified_at: Option<i64>,
}

const COLUMNS: &str =
    "name, org, age_recipient, minisign_public, fingerprint, verified, max_tlp, added_at, verified_at";

fn row(r: &Row<'_>) -> rusqlite::Result<PartnerRow> {
    Ok(PartnerRow {
        name: r.get(0)?,
        org: r.get(1)?,
        age_recipient: r.get(2)?,
        minisign_public: r.get(3)?,
        fingerprint: r.get(4)?,
        verified: r.get(5)?,
        max_tlp: r.get(6)?,
        added_at: r.get(7)?,
        verified_at: r.get(8)?,
    })
}

impl Store {
    /// Records a partner. A name, age recipient or minisign key already present is refused.
    pub fn insert_partner(&self, p: &NewPartner) -> Result<(), StoreError> {
        if let Some(existing) = self.partner_by_key(&p.age_recipient, &p.minisign_public)? {
            return Err(StoreError::Duplicate(format!("a partner with these keys (\"{}\")", existing.name)));
        }
        self.conn
            .execute(
                "INSERT INTO partners (name, org, age_recipient, minisign_public, fingerprint, \
                 verified, max_tlp, added_at, verified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    p.name,
                    p.org,
                    p.age_recipient,
                    p.minisign_public,
                    p.fingerprint,
                    p.verified,
                    p.max_tlp,
                    p.added_at,
                    p.verified.then_some(p.added_at)
                ],
            )
            .map_err(|e| unique_as_duplicate(e, || format!("a partner named \"{}\"", p.name)))?;
        Ok(())
    }

    /// Every partner, by name.
    pub fn partners(&self) -> Result<Vec<PartnerRow>, StoreError> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT {COLUMNS} FROM partners ORDER BY name COLLATE NOCASE"))?;
        let rows = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The partner with this name (case-insensitive).
    pub fn partner(&self, name: &str) -> Result<PartnerRow, StoreError> {
        self.conn
            .query_row(&format!("SELECT {COLUMNS} FROM partners WHERE name = ?1"), [name], row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("partner \"{name}\"")))
    }

    /// The partner holding either of these keys.
    pub fn partner_by_key(
        &self,
        age_recipient: &str,
        minisign_public: &str,
    ) -> Result<Option<PartnerRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM partners WHERE age_recipient = ?1 OR minisign_public = ?2"),
                [age_recipient, minisign_public],
                row,
            )
            .optional()?)
    }

    /// Marks a partner's fingerprint as checked out of band.
    pub fn set_partner_verified(&self, name: &str, at: i64) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE partners SET verified = 1, verified_at = ?2 WHERE name = ?1",
            params![name, at],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("partner \"{name}\"")));
        }
        Ok(())
    }

    /// Removes a partner.
    pub fn remove_partner(&self, name: &str) -> Result<(), StoreError> {
        let n = self.conn.execute("DELETE FROM partners WHERE name = ?1", [name])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("partner \"{name}\"")));
        }
        Ok(())
    }
}
