//! Casebook's domain model, signed commits and ops, and the merge rules.
//!
//! Pure: no I/O, no SQL, no clock (callers pass times in; only UUIDv7 ids read the time when minted).
//! Randomness is used only for ids, op salts and signature nonces.
//!
//! Invariants:
//! - bytes are kept, never re-serialized: a commit's id, `ops_root` and signature are over the exact
//!   bytes it was written with ([`commit`], [`op`]);
//! - merge is deterministic: the state of a set of commits does not depend on the order or number of
//!   times they are applied ([`merge`]);
//! - every reader of outside bytes ([`op::Op::parse`], [`commit::parse_header`]) bounds sizes and
//!   refuses what does not fit the schema ([`records`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod commit;
pub mod ids;
pub mod merge;
pub mod observable;
pub mod op;
pub mod records;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod vocab;

pub use commit::{Commit, CommitBuilder, CommitError, CommitHeader, Signer};
pub use ids::{BadId, CaseId, CommitId, KeyId, RecordId};
pub use merge::{Dag, Entry, FieldState, RecordState, Replica, Stamp};
pub use op::{Action, Op, OpError, OpLine};
pub use records::{
    AssetFields, CaseFields, CustodyFields, EventFields, EvidenceFields, FieldError, NoteFields,
    ObservableFields, RecordKind, TaskFields,
};
pub use vocab::{
    AssetKind, Compromise, ObservableType, Pap, Phase, Severity, Storage, TaskStatus, Tlp, UnknownWord,
};
