//! Errors of the use cases, and the closed set of codes shells branch on.

use casebook_store::{BlobError, LedgerError, OpenError, StoreError};

use crate::card::CardError;
use crate::passphrase::WeakPassphrase;

/// What kind of failure happened: the closed set the CLI maps to exit codes and the desktop app
/// sends to the UI as `{code, message}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Wrong passphrase, or the file is not a Casebook vault.
    WrongPassphrase,
    /// No vault where one was expected.
    VaultNotFound,
    /// The vault file is truncated or damaged.
    VaultDamaged,
    /// The vault was written by a newer Casebook.
    VaultTooNew,
    /// A new passphrase was refused as too weak.
    WeakPassphrase,
    /// Input from outside (a card, a key, a value) was malformed.
    InvalidInput,
    /// The thing to create already exists.
    AlreadyExists,
    /// The thing named does not exist.
    NotFound,
    /// The operating system refused access (read-only location, permissions).
    AccessDenied,
    /// Stored history or evidence failed verification.
    VerifyFailed,
    /// A bundle failed its checks and was quarantined.
    BundleRejected,
    /// The user cancelled long work; nothing of it was written.
    Cancelled,
    /// Anything else: a bug or an unexpected database failure.
    Internal,
}

impl ErrorCode {
    /// A stable snake_case name for the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::WrongPassphrase => "wrong_passphrase",
            ErrorCode::VaultNotFound => "vault_not_found",
            ErrorCode::VaultDamaged => "vault_damaged",
            ErrorCode::VaultTooNew => "vault_too_new",
            ErrorCode::WeakPassphrase => "weak_passphrase",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::VerifyFailed => "verify_failed",
            ErrorCode::BundleRejected => "bundle_rejected",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Internal => "internal",
        }
    }
}

/// A failed use case. Its message says what happened and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The vault could not be opened or created.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The vault refused a read or write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A new passphrase was too weak.
    #[error(transparent)]
    WeakPassphrase(#[from] WeakPassphrase),
    /// A contact card or key was malformed.
    #[error(transparent)]
    Card(#[from] CardError),
    /// An evidence blob is missing, altered or unreadable.
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// Commits from elsewhere could not be stored.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A bundle could not be written or read.
    #[error(transparent)]
    Bundle(#[from] casebook_bundle::BundleError),
    /// A bundle was refused and kept in the quarantine.
    #[error("bundle refused: {reason} (kept in quarantine as {quarantine})")]
    BundleRejected {
        /// Why.
        reason: String,
        /// File name inside the quarantine folder.
        quarantine: String,
        /// Quarantine row id.
        id: i64,
    },
    /// `verify` found a problem.
    #[error("{0}")]
    VerifyFailed(String),
    /// A word outside its vocabulary (TLP, phase, severity…).
    #[error(transparent)]
    Word(#[from] casebook_ledger::UnknownWord),
    /// A value given by the user is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The identity stored in the vault could not be loaded.
    #[error("the identity stored in this vault is unreadable ({0}); restore the vault from a backup")]
    Identity(String),
    /// A key could not be generated.
    #[error("could not generate keys: {0}")]
    KeyGeneration(String),
    /// Work stopped before its end (a worker thread failed); nothing of it was written.
    #[error("{0}; nothing was written")]
    Interrupted(String),
    /// The user cancelled the work before its end; nothing of it was written.
    #[error("cancelled; nothing was written")]
    Cancelled,
}

impl Error {
    fn code_of_store(e: &StoreError) -> ErrorCode {
        match e {
            StoreError::Duplicate(_) => ErrorCode::AlreadyExists,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::Corrupt(_) => ErrorCode::VerifyFailed,
            _ => ErrorCode::Internal,
        }
    }

    /// The code shells branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Open(e) => match e {
                OpenError::WrongPassphrase(_) => ErrorCode::WrongPassphrase,
                OpenError::NotFound(_) | OpenError::NotAFolder(_) | OpenError::NotAFile(_) => {
                    ErrorCode::VaultNotFound
                }
                OpenError::Damaged { .. } => ErrorCode::VaultDamaged,
                OpenError::TooNew { .. } => ErrorCode::VaultTooNew,
                OpenError::AlreadyExists(_) => ErrorCode::AlreadyExists,
                OpenError::Io { .. } => ErrorCode::AccessDenied,
                _ => ErrorCode::Internal,
            },
            Error::Store(e) => Error::code_of_store(e),
            Error::WeakPassphrase(_) => ErrorCode::WeakPassphrase,
            Error::Blob(BlobError::Io(_)) => ErrorCode::Internal,
            Error::Blob(_) | Error::VerifyFailed(_) => ErrorCode::VerifyFailed,
            Error::Ledger(LedgerError::Store(e)) => Error::code_of_store(e),
            Error::Ledger(_) => ErrorCode::InvalidInput,
            Error::Card(_) | Error::Word(_) | Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Identity(_) | Error::KeyGeneration(_) | Error::Interrupted(_) => ErrorCode::Internal,
            Error::BundleRejected { .. } => ErrorCode::BundleRejected,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Bundle(casebook_bundle::BundleError::Io(_)) => ErrorCode::AccessDenied,
            Error::Bundle(_) => ErrorCode::InvalidInput,
        }
    }
}
