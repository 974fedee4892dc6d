//! Casebook's domain model, signed commits and ops, and the merge rules.
//!
//! Pure: no I/O, no SQL, no clock (callers pass times in). Randomness is used only for ids, op salts and
//! signature nonces.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod vocab;

pub use vocab::{
    AssetKind, Compromise, ObservableType, Pap, Phase, Severity, Storage, TaskStatus, Tlp, UnknownWord,
};
