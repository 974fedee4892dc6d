//! casebook-ledger tests: formats, golden vectors, merge convergence.

/// Test authors with real minisign keys, and a tiny history simulator.
mod util;

/// Op and commit formats: round trips, strict parsing, tamper detection.
mod format;

/// The fixed commit in tests/fixtures/ledger: the format cannot drift silently.
mod golden;

/// Merge: convergence under permutation and duplication, conflicts, deletes.
mod merge;

/// Observable normalization table.
mod observable;
