//! The Plaso dynamic timeline reader on any bytes (see `common/timeline.rs`).
#![no_main]

#[path = "common/timeline.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check(casebook_interop::timeline::Format::Dynamic, data));
