//! casebook use-case tests: sharing bundles between real vaults, and hostile bundles.

/// Vault pairs, and a bundle crafter that rebuilds a real bundle with chosen damage.
mod util;

/// Export and import between vaults: round trip, TLP withholding, deltas, convergence.
mod sharing;

/// Hostile bundles: each refused with a clear message, quarantined, and the vault unchanged.
mod hostile;

/// The inbox on real folders with real notify: settling, once-only, folders that vanish, junk.
mod inbox;

/// Large commits through the two-thread pipeline: all or nothing, whatever fails.
mod commit;

/// The demo case `make run` opens, seeded through the real use cases; cancelling long work
/// (timeline import, evidence hashing, export) leaves nothing behind.
mod demo;

/// Timeline pages read forwards and back from a keyset cursor.
mod timeline;
