//! End-to-end tests of the real `casebook` binary, and interop with stock tools nobody here wrote
//! (Debian `age`, `minisign`; PyPI `sqlcipher3`). `make test` installs those tools first.

/// Temp vault folders, running the binary, locating stock tools.
mod util;

/// init, open failures, passwd: messages and exit codes.
mod vault;

/// Contact cards and partners: exchange, stock keys, malformed cards, duplicates.
mod partners;

/// Stock tools read what Casebook writes: sqlcipher3, minisign, age; no plaintext on disk.
mod interop;

/// The case cycle: cases from playbooks, events with offsets and zones, observables, tasks, notes,
/// assets, evidence and custody; JSON output.
mod cases;

/// Tampering with a copy of a vault is caught by `verify`, which names the commit and the reason.
mod tamper;

/// Two authors edit the same field concurrently: same winner on both replicas, conflict in history.
mod conflict;

/// Bundles checked and read with stock age, tar, zstd, minisign and sha256sum only; CLI exit codes.
mod bundles;

/// Tool timelines in: every format, all-or-nothing, --skip-bad, text search, CSV out and back,
/// and SIGKILL at random moments of a large import.
mod timeline;
