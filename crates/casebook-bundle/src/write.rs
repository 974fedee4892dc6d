//! Writing a bundle: tar entries stream through zstd and age straight to the output, hashed as they
//! pass; `SHA256SUMS` and its signature close the archive.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use age::armor::{ArmoredWriter, Format};
use casebook_ledger::commit::Signer;
use sha2::{Digest, Sha256};

use crate::manifest::Manifest;
use crate::{BundleError, CommitEnvelope, ROOT, sums};

/// zstd level for bundles: a good ratio at streaming speed.
const ZSTD_LEVEL: i32 = 3;
/// zstd worker threads.
const ZSTD_WORKERS: u32 = 2;

type Chain<W> = tar::Builder<zstd::stream::Encoder<'static, age::stream::StreamWriter<ArmoredWriter<W>>>>;

/// A bundle being written. Entries are added in the order readers expect: the manifest (at creation),
/// `commits.jsonl`, each commit's ops in the same order, then blobs and the summary, then the sums.
pub struct BundleWriter<W: Write> {
    tar: Chain<W>,
    sums: BTreeMap<String, [u8; 32]>,
    bundle_id: String,
    mtime: u64,
}

impl<W: Write> std::fmt::Debug for BundleWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleWriter").field("bundle_id", &self.bundle_id).finish_non_exhaustive()
    }
}

/// One line of `ledger/commits.jsonl`: the exact header bytes as a JSON string, and the signature.
pub fn commit_line(c: &CommitEnvelope) -> Vec<u8> {
    let header = String::from_utf8_lossy(&c.bytes);
    let mut line = serde_json::to_vec(&serde_json::json!({
        "id": c.id.to_hex(),
        "header": header,
        "signature": c.signature,
    }))
    .expect("JSON to memory");
    line.push(b'\n');
    line
}

/// Reads `n` bytes exactly from a source whose length the caller promised, hashing them.
struct Exact<R> {
    inner: R,
    left: u64,
    hasher: Sha256,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let cap = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..cap])?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "a bundle entry ended before its size"));
        }
        self.hasher.update(&buf[..n]);
        self.left -= n as u64;
        Ok(n)
    }
}

impl<W: Write> BundleWriter<W> {
    /// Starts a bundle to `out`, encrypted to `recipients` (which must include the sender), and writes
    /// the manifest.
    pub fn new(
        out: W,
        recipients: &[age::x25519::Recipient],
        armor: bool,
        manifest: &Manifest,
    ) -> Result<Self, BundleError> {
        let armored =
            ArmoredWriter::wrap_output(out, if armor { Format::AsciiArmor } else { Format::Binary })?;
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| BundleError::Io(io::Error::other(e.to_string())))?;
        let age_w = encryptor.wrap_output(armored)?;
        let mut zstd_w = zstd::stream::Encoder::new(age_w, ZSTD_LEVEL)?;
        // Compress on a second thread while this one reads the vault and hashes: the output is the
        // same zstd format, readable by stock `zstd`.
        zstd_w.multithread(ZSTD_WORKERS)?;
        let mut tar = tar::Builder::new(zstd_w);
        tar.mode(tar::HeaderMode::Deterministic);
        let mut w = Self {
            tar,
            sums: BTreeMap::new(),
            bundle_id: manifest.bundle_id.clone(),
            mtime: (manifest.created_at.max(0) as u64) / 1_000_000,
        };
        let bytes = serde_json::to_vec_pretty(manifest).map_err(|e| BundleError::Manifest(e.to_string()))?;
        w.add_bytes("manifest.json", &bytes)?;
        Ok(w)
    }

    fn header(&self, size: u64) -> tar::Header {
        let mut h = tar::Header::new_ustar();
        h.set_size(size);
        h.set_mode(0o644);
        h.set_mtime(self.mtime);
        h.set_entry_type(tar::EntryType::Regular);
        h
    }

    /// Adds a small file from memory. `path` is relative to `casebundle/`.
    pub fn add_bytes(&mut self, path: &str, data: &[u8]) -> Result<(), BundleError> {
        self.add_stream(path, data.len() as u64, data)
    }

    /// Adds a file of exactly `size` bytes read from `data`, hashing it on the way.
    pub fn add_stream(&mut self, path: &str, size: u64, data: impl Read) -> Result<(), BundleError> {
        let mut header = self.header(size);
        let mut exact = Exact { inner: data, left: size, hasher: Sha256::new() };
        self.tar.append_data(&mut header, format!("{ROOT}/{path}"), &mut exact)?;
        if exact.left != 0 {
            return Err(BundleError::Io(io::Error::other(format!("{path}: short by {} bytes", exact.left))));
        }
        let mut rest = [0u8; 1];
        if exact.inner.read(&mut rest)? != 0 {
            return Err(BundleError::Io(io::Error::other(format!("{path}: longer than announced"))));
        }
        self.sums.insert(path.to_string(), exact.hasher.finalize().into());
        Ok(())
    }

    /// Writes `SHA256SUMS` and its signature by `signer`, closes every layer and returns the output.
    pub fn finish(mut self, signer: &Signer<'_>) -> Result<W, BundleError> {
        let sums = sums::render(&self.sums);
        let sig = minisign::sign(
            Some(signer.public),
            signer.secret,
            &sums[..],
            Some(&format!("{} {}", crate::FORMAT, self.bundle_id)),
            Some("casebook bundle signature"),
        )
        .map_err(|e| BundleError::BadSignature(e.to_string()))?
        .into_string();
        let mut h = self.header(sums.len() as u64);
        self.tar.append_data(&mut h, format!("{ROOT}/SHA256SUMS"), &sums[..])?;
        let mut h = self.header(sig.len() as u64);
        self.tar.append_data(&mut h, format!("{ROOT}/SHA256SUMS.minisig"), sig.as_bytes())?;
        let zstd_w = self.tar.into_inner()?;
        let age_w = zstd_w.finish()?;
        let armored = age_w.finish()?;
        Ok(armored.finish()?)
    }
}
