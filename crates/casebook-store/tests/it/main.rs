//! casebook-store integration tests: real SQLCipher files in temp dirs.

/// Shared fixtures: temp vaults, hashing files.
mod util;

/// Opening, creating, rekeying; every way an open can fail, and that failure writes nothing.
mod open;

/// Migrations are numbered, contiguous, append-only, and the schema matches its snapshot.
mod migrations;

/// The audit log's hash chain.
mod audit;

/// Commits in the vault: incremental apply equals the in-memory fold and equals rebuild.
mod ledger;
