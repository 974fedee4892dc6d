//! Op lines as carried in bundles; a parsed op's own bytes must parse back to it.
#![no_main]

use casebook_ledger::op::{Op, OpLine, head};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = OpLine::parse(data) {
        if let Some(op) = line.op {
            assert_eq!(Op::parse(&op.to_bytes()).unwrap(), op);
            assert_eq!(head(data), Some((op.kind, op.id)));
        }
    }
});
