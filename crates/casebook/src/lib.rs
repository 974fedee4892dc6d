//! Casebook's use-case API: what the CLI and the desktop app call, and nothing else.
//!
//! [`Vault`] composes the store (SQLCipher vault), the ledger (domain and signed history) and the
//! identity and partner rules. Shells parse input, call one method here and render the result; any
//! rule a test could want to reach lives here, not in a shell.
//!
//! Invariants: every failure is an [`Error`] whose message says what happened and what to do, with a
//! closed [`ErrorCode`]; a failed call leaves the vault as it was.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cancel;
pub mod card;
mod cases;
pub mod demo;
mod error;
mod identity;
pub mod inbox;
pub mod passphrase;
pub mod playbook;
mod share;
mod summary;
pub mod time;
mod timeline;

use std::path::Path;

use casebook_store::{NewPartner, Store};

pub use cancel::CancelFlag;
pub use card::{Card, CardError};
pub use casebook_bundle::{Limits, Manifest};
pub use casebook_interop::Format as TimelineFormat;
pub use casebook_ledger::records::{self, from_fields, to_fields};
pub use casebook_ledger::{
    AssetFields, CaseFields, CaseId, Commit, CommitId, CustodyFields, EventFields, EvidenceFields,
    NoteFields, ObservableFields, RecordId, RecordKind, TaskFields,
};
pub use casebook_ledger::{
    AssetKind, Compromise, ObservableType, Pap, Phase, Severity, Storage, TaskStatus, Tlp, UnknownWord,
};
pub use casebook_store::IndexStatus;
pub use casebook_store::QuarantineEntry;
pub use casebook_store::{
    AuditEntry, AuditProblem, CommitRow, Conflict, ConflictSide, EventFilter, Imported,
    PartnerRow as Partner, Seek, VerifyFailure, VerifyReport,
};
pub use cases::{CaseCheck, CaseOverview, NewCase, NewEvent, Record, record_json};
pub use error::{Error, ErrorCode};
pub use identity::Identity;
pub use inbox::{InboxEvent, InboxItem, InboxState, WatchOptions, Watcher};
pub use share::{
    DEFAULT_MAX_BLOB_SIZE, ExportOptions, ExportReport, ImportOptions, ImportOutcome, ImportPreview,
    SenderTrust,
};
pub use timeline::{TimelineOptions, TimelinePage, TimelineReport};

/// Now, in µs since the Unix epoch.
pub fn now_us() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

/// A time in µs since the Unix epoch as RFC 3339 UTC text, e.g. `2026-11-22T08:11:34.123456Z`.
pub fn format_time(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
        .unwrap_or_else(|_| format!("@{us}µs"))
}

/// How a partner is to be added.
#[derive(Debug, Clone)]
pub struct PartnerOptions {
    /// Highest TLP the partner may receive.
    pub max_tlp: Tlp,
    /// The fingerprint was already checked out of band.
    pub verified: bool,
}

impl Default for PartnerOptions {
    fn default() -> Self {
        Self { max_tlp: Tlp::Amber, verified: false }
    }
}

/// An open, unlocked vault and its owner's identity.
#[derive(Debug)]
pub struct Vault {
    store: Store,
    identity: Identity,
}

impl Vault {
    /// Creates a vault folder at `dir`, generates the owner's keys and stores them inside it.
    ///
    /// The passphrase must pass [`passphrase::require_strong`]; the name and organisation are
    /// validated as on a contact card.
    pub fn init(dir: &Path, passphrase: &str, name: &str, org: &str) -> Result<Self, Error> {
        let name = name.trim();
        let org = org.trim();
        let words: Vec<&str> = name.split_whitespace().chain(org.split_whitespace()).collect();
        passphrase::require_strong(passphrase, &words)?;
        let identity = Identity::generate(name, org, now_us())?;
        // Validate the name and org the way a partner's parser will, before anything is written.
        Card::new(name, org, &identity.card().age_recipient, &identity.card().minisign_public)?;
        let store = Store::create(dir, passphrase)?;
        store.set_identity(identity.row())?;
        store.audit(now_us(), "init", &format!("identity {}", identity.card().fingerprint()))?;
        Ok(Self { store, identity })
    }

    /// Whether a vault exists at `dir` (without unlocking it).
    pub fn exists(dir: &Path) -> bool {
        dir.join(casebook_store::DB_FILE).is_file()
    }

    /// Opens and unlocks the vault at `dir`.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Self, Error> {
        let store = Store::open(dir, passphrase)?;
        let identity = Identity::from_row(store.identity()?);
        Ok(Self { store, identity })
    }

    /// Caps this connection's page cache at `mib` MiB (64 MiB when opened). The desktop app lowers
    /// it for its long-lived connections.
    pub fn set_page_cache_mib(&self, mib: u32) -> Result<(), Error> {
        Ok(self.store.set_page_cache_mib(mib)?)
    }

    /// The owner's identity.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The owner's contact card.
    pub fn card(&self) -> Card {
        self.identity.card()
    }

    /// The vault folder.
    pub fn dir(&self) -> &Path {
        &self.store.paths().dir
    }

    /// Changes the passphrase in place. The new one must be strong; the old one stops working.
    pub fn change_passphrase(&mut self, new_passphrase: &str) -> Result<(), Error> {
        let card = self.card();
        let words: Vec<&str> = card.name.split_whitespace().chain(card.org.split_whitespace()).collect();
        passphrase::require_strong(new_passphrase, &words)?;
        self.store.rekey(new_passphrase)?;
        self.store.audit(now_us(), "passwd", "passphrase changed")?;
        Ok(())
    }

    /// Adds a partner from their card. Duplicate names or keys are refused; nothing is stored then.
    pub fn add_partner(&self, card: &Card, opts: &PartnerOptions) -> Result<Partner, Error> {
        let me = self.card();
        if card.age_recipient == me.age_recipient || card.minisign_public == me.minisign_public {
            return Err(Error::Invalid("this is your own contact card, not a partner's".into()));
        }
        let now = now_us();
        self.store.insert_partner(&NewPartner {
            name: card.name.clone(),
            org: card.org.clone(),
            age_recipient: card.age_recipient.clone(),
            minisign_public: card.minisign_public.clone(),
            fingerprint: card.fingerprint(),
            verified: opts.verified,
            max_tlp: opts.max_tlp.as_str().to_string(),
            added_at: now,
        })?;
        self.store.audit(
            now,
            "partner-add",
            &format!("{} ({}) {}", card.name, card.org, card.fingerprint()),
        )?;
        Ok(self.store.partner(&card.name)?)
    }

    /// Every partner, by name.
    pub fn partners(&self) -> Result<Vec<Partner>, Error> {
        Ok(self.store.partners()?)
    }

    /// One partner by name (case-insensitive).
    pub fn partner(&self, name: &str) -> Result<Partner, Error> {
        Ok(self.store.partner(name)?)
    }

    /// Records that the partner's fingerprint was checked out of band.
    ///
    /// When `fingerprint` is given it must match the stored one, so a typo cannot verify the wrong key.
    pub fn verify_partner(&self, name: &str, fingerprint: Option<&str>) -> Result<Partner, Error> {
        let p = self.store.partner(name)?;
        if let Some(fp) = fingerprint
            && card::normalize_fingerprint(fp) != card::normalize_fingerprint(&p.fingerprint)
        {
            return Err(Error::Invalid(format!(
                "fingerprint {fp} does not match {}'s stored fingerprint {}; do not trust this key \
                 until the two agree",
                p.name, p.fingerprint
            )));
        }
        let now = now_us();
        self.store.set_partner_verified(&p.name, now)?;
        self.store.audit(now, "partner-verify", &format!("{} {}", p.name, p.fingerprint))?;
        Ok(self.store.partner(&p.name)?)
    }

    /// Removes a partner.
    pub fn remove_partner(&self, name: &str) -> Result<(), Error> {
        let p = self.store.partner(name)?;
        self.store.remove_partner(&p.name)?;
        self.store.audit(now_us(), "partner-remove", &format!("{} {}", p.name, p.fingerprint))?;
        Ok(())
    }

    /// The audit log and the first row where its hash chain breaks, if any.
    pub fn audit_log(&self) -> Result<(Vec<AuditEntry>, Option<AuditProblem>), Error> {
        Ok(self.store.audit_log()?)
    }

    /// Signs `data` with the owner's minisign key; returns the `.minisig` text stock `minisign -V` checks.
    pub fn sign(&self, data: impl std::io::Read) -> Result<String, Error> {
        let card = self.card();
        let sk = self.identity.minisign_secret()?;
        let pk = self.identity.minisign_public()?;
        let trusted = format!("signed by {} ({}) {}", card.name, card.org, card.fingerprint());
        minisign::sign(Some(&pk), &sk, data, Some(&trusted), Some("casebook signature"))
            .map(|b| b.into_string())
            .map_err(|e| Error::Identity(e.to_string()))
    }

    /// Records in the audit log that the age identity was exported (the file itself is the caller's).
    pub fn note_identity_export(&self) -> Result<(), Error> {
        self.store.audit(now_us(), "identity-export", "age identity exported to a file")?;
        Ok(())
    }
}
