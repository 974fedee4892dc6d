//! The bundle reader after decryption: any bytes as the decompressed tar stream.
#![no_main]

use std::io::Read;

use casebook_bundle::read::{Sink, read_archive};
use casebook_bundle::{BundleError, CommitEnvelope, Limits, Manifest};
use casebook_ledger::op::OpLine;
use libfuzzer_sys::fuzz_target;

struct Accept;

impl Sink for Accept {
    fn manifest(&mut self, _: &Manifest) -> Result<(), BundleError> {
        Ok(())
    }
    fn commits(&mut self, _: &[CommitEnvelope]) -> Result<(), BundleError> {
        Ok(())
    }
    fn op(&mut self, _: &CommitEnvelope, _: u64, _: OpLine) -> Result<(), BundleError> {
        Ok(())
    }
    fn commit_done(&mut self, _: &CommitEnvelope) -> Result<(), BundleError> {
        Ok(())
    }
    fn blob(&mut self, _: &str, _: u64, data: &mut dyn Read) -> Result<(), BundleError> {
        std::io::copy(data, &mut std::io::sink())?;
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_total_bytes: 1 << 20, max_files: 64, max_commits: 64, max_blob_bytes: 1 << 16, max_small_file_bytes: 1 << 16 };
    let _ = read_archive(data, &limits, &mut Accept);
});
