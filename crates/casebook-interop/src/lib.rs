//! Conversions between Casebook and other tools' formats. Pure: readers take bytes from any `Read`
//! and yield ledger types; nothing here touches the vault, the disk or the network.
//!
//! - [`timeline`]: Timesketch (CSV, JSONL) and Plaso (`l2tcsv`, `dynamic`, `json_line`) timelines in.
//!
//! Invariants: every reader streams (memory does not grow with the input), bounds line sizes, and
//! names the line and column of anything it refuses.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod timeline;

pub use timeline::{Format, RowError, Rows, Settings};
