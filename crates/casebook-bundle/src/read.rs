//! Opening a bundle: decrypt, decompress and walk the tar as one stream, checking everything, and hand
//! what is found to a [`Sink`]. Nothing touches the disk.
//!
//! Entry order is part of the format: `manifest.json` first, then `ledger/commits.jsonl`, then each
//! commit's `ledger/ops/<id>.jsonl` in the order of `commits.jsonl`, then `blobs/*`, `summary.md` and
//! `stix.json` in any order, and `SHA256SUMS`, `SHA256SUMS.minisig` last.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufRead, BufReader, Read};

use casebook_ledger::commit::{self, CommitError};
use casebook_ledger::op::{MAX_OP_BYTES, OpLine, OpsRoot};
use casebook_ledger::{CommitId, commit::MAX_HEADER_BYTES};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::manifest::Manifest;
use crate::{BundleError, CommitEnvelope, Limits, ROOT, sums};

/// Receives a bundle's contents as they stream. Everything it is given is provisional until
/// [`read`] returns `Ok`.
pub trait Sink {
    /// The manifest (first).
    fn manifest(&mut self, m: &Manifest) -> Result<(), BundleError>;
    /// Every commit, each with a verified id, header and signature (before any op).
    fn commits(&mut self, commits: &[CommitEnvelope]) -> Result<(), BundleError>;
    /// One op line of `commit`, in order.
    fn op(&mut self, commit: &CommitEnvelope, index: u64, line: OpLine) -> Result<(), BundleError>;
    /// All of `commit`'s ops were given and match its `ops_root`.
    fn commit_done(&mut self, commit: &CommitEnvelope) -> Result<(), BundleError>;
    /// An evidence file named by its SHA-256; the reader checks the content against the name after.
    fn blob(&mut self, sha256: &str, size: u64, data: &mut dyn Read) -> Result<(), BundleError>;
}

/// What a successful read established.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The manifest, now covered by the sender's verified signature.
    pub manifest: Manifest,
    /// SHA-256 of `SHA256SUMS` (identifies the bundle's content).
    pub sums_sha256: [u8; 32],
    /// Number of files checked against `SHA256SUMS`.
    pub files: u64,
}

/// Counts decompressed bytes and stops at the limit: a decompression bomb ends here.
struct Bounded<R> {
    inner: R,
    read: u64,
    max: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.max {
            return Err(io::Error::other(TooLargeMarker(self.max)));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct TooLargeMarker(u64);
impl std::fmt::Display for TooLargeMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} bytes once decompressed", self.0)
    }
}
impl std::error::Error for TooLargeMarker {}

/// Maps a stream error to what it means for a bundle.
fn stream_error(e: io::Error) -> BundleError {
    if let Some(m) = e.get_ref().and_then(|i| i.downcast_ref::<TooLargeMarker>()) {
        return BundleError::TooLarge(m.to_string());
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => BundleError::Damaged("it is truncated".into()),
        // age authenticates every 64 KiB chunk; a failure means cut short or changed.
        io::ErrorKind::InvalidData => {
            BundleError::Damaged(format!("it is truncated or was altered ({e}: its authentication failed)"))
        }
        _ => BundleError::Damaged(e.to_string()),
    }
}

/// Hashes what passes through.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Where the reader is in the expected order.
#[derive(Debug, PartialEq, Eq)]
enum Stage {
    Start,
    Manifest,
    Commits,
    Sums,
    Signed,
}

fn shorten(s: &str) -> String {
    s.chars().take(120).collect()
}

fn unsafe_entry(path: &str, reason: &str) -> BundleError {
    BundleError::UnsafeEntry { path: shorten(path), reason: reason.into() }
}

/// Checks an entry's path and returns it relative to `casebundle/`.
fn relative_path(raw: &[u8]) -> Result<String, BundleError> {
    let path = std::str::from_utf8(raw)
        .map_err(|_| unsafe_entry(&String::from_utf8_lossy(raw), "the name is not UTF-8"))?;
    if path.starts_with('/') || path.starts_with('\\') || path.get(1..3) == Some(":\\") {
        return Err(unsafe_entry(path, "absolute path"));
    }
    if path.split(['/', '\\']).any(|c| c == "..") {
        return Err(unsafe_entry(path, "path leaves the bundle folder (..)"));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(unsafe_entry(path, "invalid characters in the name"));
    }
    let rel = path
        .strip_prefix(ROOT)
        .and_then(|r| r.strip_prefix('/'))
        .ok_or_else(|| unsafe_entry(path, "outside the casebundle/ folder"))?;
    Ok(rel.to_string())
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn read_small(r: &mut impl Read, max: u64, what: &str) -> Result<Vec<u8>, BundleError> {
    let mut buf = Vec::new();
    r.take(max + 1).read_to_end(&mut buf).map_err(stream_error)?;
    if buf.len() as u64 > max {
        return Err(BundleError::TooLarge(format!("{what} is larger than {max} bytes")));
    }
    Ok(buf)
}

/// Reads one `\n`-terminated line of at most `max` bytes; `None` at end of input.
fn next_line(r: &mut impl BufRead, max: usize, what: &str) -> Result<Option<Vec<u8>>, BundleError> {
    let mut line = Vec::new();
    let n = r.take(max as u64 + 1).read_until(b'\n', &mut line).map_err(stream_error)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(if line.len() > max {
            BundleError::TooLarge(format!("a line of {what} is longer than {max} bytes"))
        } else {
            BundleError::Malformed(format!("the last line of {what} has no line end"))
        });
    }
    line.pop();
    Ok(Some(line))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitLine {
    id: String,
    header: String,
    signature: String,
}

fn parse_commit_line(line: &[u8], case: &str) -> Result<CommitEnvelope, BundleError> {
    let cl: CommitLine = serde_json::from_slice(line)
        .map_err(|e| BundleError::Malformed(format!("ledger/commits.jsonl: {e}")))?;
    let bad = |reason: String| BundleError::BadCommit { id: shorten(&cl.id), reason };
    let id: CommitId = cl.id.parse().map_err(|e: casebook_ledger::BadId| bad(e.to_string()))?;
    let bytes = cl.header.into_bytes();
    let header = commit::verify_header(&id, &bytes, &cl.signature).map_err(|e| bad(e.to_string()))?;
    if header.case.to_string() != case {
        return Err(bad(
            CommitError::WrongCase { expected: case.into(), found: header.case.to_string() }.to_string()
        ));
    }
    Ok(CommitEnvelope { id, bytes, signature: cl.signature, header })
}

/// Decrypts `input` with `identity`, checks every part of the bundle within `limits`, and feeds `sink`.
pub fn read(
    input: impl Read,
    identity: &dyn age::Identity,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<Opened, BundleError> {
    let mut input = BufReader::new(input);
    let head = input.fill_buf().map_err(stream_error)?;
    if !head.starts_with(b"age-encryption.org/") && !head.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") {
        return Err(BundleError::NotABundle("it does not start with an age header".into()));
    }
    let armored = age::armor::ArmoredReader::new(input);
    let decryptor = age::Decryptor::new_buffered(BufReader::new(armored)).map_err(|e| match e {
        age::DecryptError::Io(io) => stream_error(io),
        other => BundleError::NotABundle(other.to_string()),
    })?;
    let payload = decryptor.decrypt(std::iter::once(identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => BundleError::NotForMe,
        age::DecryptError::Io(io) => stream_error(io),
        other => BundleError::Damaged(other.to_string()),
    })?;
    let zstd = zstd::stream::Decoder::new(payload).map_err(stream_error)?;
    read_archive(zstd, limits, sink)
}

/// Reads the decrypted, decompressed tar stream of a bundle: every check of [`read`] but the
/// decryption. Public so fuzzers can reach the parser directly.
pub fn read_archive(
    tar_stream: impl Read,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<Opened, BundleError> {
    let bounded = Bounded { inner: tar_stream, read: 0, max: limits.max_total_bytes };
    let mut archive = tar::Archive::new(bounded);

    let mut stage = Stage::Start;
    let mut manifest: Option<Manifest> = None;
    let mut commits: Vec<CommitEnvelope> = Vec::new();
    let mut next_ops = 0usize;
    let mut seen: HashSet<String> = HashSet::new();
    let mut hashes: BTreeMap<String, [u8; 32]> = BTreeMap::new();
    let mut sums_bytes: Option<Vec<u8>> = None;
    let mut signature: Option<String> = None;
    let mut files = 0u64;

    for entry in archive.entries().map_err(stream_error)? {
        let mut entry = entry.map_err(stream_error)?;
        files += 1;
        if files > limits.max_files {
            return Err(BundleError::TooLarge(format!("more than {} files", limits.max_files)));
        }
        let rel = relative_path(&entry.path_bytes())?;
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Directory
                if matches!(
                    rel.as_str(),
                    "" | "ledger" | "ledger/" | "ledger/ops" | "ledger/ops/" | "blobs" | "blobs/"
                ) =>
            {
                continue;
            }
            tar::EntryType::Symlink => return Err(unsafe_entry(&rel, "symbolic link")),
            tar::EntryType::Link => return Err(unsafe_entry(&rel, "hard link")),
            tar::EntryType::Char | tar::EntryType::Block => return Err(unsafe_entry(&rel, "device file")),
            tar::EntryType::Fifo => return Err(unsafe_entry(&rel, "named pipe")),
            _ => return Err(unsafe_entry(&rel, "not a regular file")),
        }
        if !seen.insert(rel.clone()) {
            return Err(BundleError::Malformed(format!("{rel} appears twice")));
        }
        if stage == Stage::Signed {
            return Err(BundleError::Malformed(format!("{rel} comes after the signature")));
        }
        let size = entry.size();
        let mut hashing = Hashing { inner: &mut entry, hasher: Sha256::new(), read: 0 };
        match rel.as_str() {
            "manifest.json" => {
                if stage != Stage::Start {
                    return Err(BundleError::Malformed("manifest.json must come first".into()));
                }
                let bytes = read_small(&mut hashing, limits.max_small_file_bytes, "manifest.json")?;
                let m = Manifest::parse(&bytes)?;
                sink.manifest(&m)?;
                manifest = Some(m);
                stage = Stage::Manifest;
            }
            _ if stage == Stage::Start => {
                return Err(BundleError::Malformed(format!(
                    "manifest.json must come first, not {}",
                    shorten(&rel)
                )));
            }
            "ledger/commits.jsonl" => {
                let case = manifest.as_ref().map(|m| m.case_id.clone()).unwrap_or_default();
                let mut r = BufReader::new(&mut hashing);
                let max_line = (MAX_HEADER_BYTES as u64 + 4096).min(limits.max_small_file_bytes) as usize;
                let mut ids = HashSet::new();
                while let Some(line) = next_line(&mut r, max_line, "ledger/commits.jsonl")? {
                    if commits.len() as u64 >= limits.max_commits {
                        return Err(BundleError::TooLarge(format!(
                            "more than {} commits",
                            limits.max_commits
                        )));
                    }
                    let c = parse_commit_line(&line, &case)?;
                    if !ids.insert(c.id) {
                        return Err(BundleError::Malformed(format!("commit {} is listed twice", c.id)));
                    }
                    commits.push(c);
                }
                drop(r);
                sink.commits(&commits)?;
                stage = Stage::Commits;
            }
            _ if stage == Stage::Manifest => {
                return Err(BundleError::Malformed(format!(
                    "ledger/commits.jsonl must come before {}",
                    shorten(&rel)
                )));
            }
            p if p.starts_with("ledger/ops/") => {
                let name = &p["ledger/ops/".len()..];
                let expected = commits.get(next_ops).ok_or_else(|| {
                    BundleError::Malformed(format!("{} is for no commit in commits.jsonl", shorten(p)))
                })?;
                if name != format!("{}.jsonl", expected.id) {
                    return Err(BundleError::Malformed(format!(
                        "expected the ops of commit {} next, found {}",
                        expected.id,
                        shorten(p)
                    )));
                }
                let mut r = BufReader::new(&mut hashing);
                let mut root = OpsRoot::new();
                let mut index = 0u64;
                while let Some(line) = next_line(&mut r, MAX_OP_BYTES, p)? {
                    if index >= expected.header.op_count {
                        return Err(BundleError::BadCommit {
                            id: expected.id.to_hex(),
                            reason: format!(
                                "carries more ops than its op_count {}",
                                expected.header.op_count
                            ),
                        });
                    }
                    let parsed = OpLine::parse(&line).map_err(|e| BundleError::BadCommit {
                        id: expected.id.to_hex(),
                        reason: format!("op {index}: {e}"),
                    })?;
                    root.push(&parsed.hash);
                    sink.op(expected, index, parsed)?;
                    index += 1;
                }
                drop(r);
                if root.count() != expected.header.op_count {
                    return Err(BundleError::BadCommit {
                        id: expected.id.to_hex(),
                        reason: CommitError::OpCount {
                            expected: expected.header.op_count,
                            found: root.count(),
                        }
                        .to_string(),
                    });
                }
                if hex::encode(root.finish()) != expected.header.ops_root {
                    return Err(BundleError::BadCommit {
                        id: expected.id.to_hex(),
                        reason: CommitError::OpsRootMismatch.to_string(),
                    });
                }
                sink.commit_done(expected)?;
                next_ops += 1;
            }
            _ if next_ops < commits.len() => {
                return Err(BundleError::Malformed(format!(
                    "the ops of commit {} are missing (found {} first)",
                    commits[next_ops].id,
                    shorten(&rel)
                )));
            }
            p if p.starts_with("blobs/") => {
                let sha = &p["blobs/".len()..];
                if !is_hex64(sha) {
                    return Err(BundleError::Malformed(format!("{} is not named by a SHA-256", shorten(p))));
                }
                if size > limits.max_blob_bytes {
                    return Err(BundleError::TooLarge(format!("{p} is {size} bytes")));
                }
                let mut content =
                    Hashing { inner: (&mut hashing).take(size), hasher: Sha256::new(), read: 0 };
                sink.blob(sha, size, &mut content)?;
                io::copy(&mut content, &mut io::sink()).map_err(stream_error)?;
                if hex::encode(content.hasher.finalize()) != sha {
                    return Err(BundleError::HashMismatch(p.to_string()));
                }
            }
            "summary.md" | "stix.json" => {
                io::copy(&mut hashing, &mut io::sink()).map_err(stream_error)?;
            }
            "SHA256SUMS" => {
                let max = limits.max_files.saturating_mul(200).max(limits.max_small_file_bytes);
                sums_bytes = Some(read_small(&mut hashing, max, "SHA256SUMS")?);
                stage = Stage::Sums;
                continue;
            }
            "SHA256SUMS.minisig" => {
                if stage != Stage::Sums {
                    return Err(BundleError::Malformed("SHA256SUMS.minisig must follow SHA256SUMS".into()));
                }
                let sig = read_small(&mut hashing, limits.max_small_file_bytes, "SHA256SUMS.minisig")?;
                signature =
                    Some(String::from_utf8(sig).map_err(|_| BundleError::BadSignature("not text".into()))?);
                stage = Stage::Signed;
                continue;
            }
            other => return Err(BundleError::Malformed(format!("unexpected file {}", shorten(other)))),
        }
        if stage == Stage::Sums {
            return Err(BundleError::Malformed(format!("{rel} comes after SHA256SUMS")));
        }
        if hashing.read != size {
            io::copy(&mut hashing, &mut io::sink()).map_err(stream_error)?;
        }
        hashes.insert(rel, hashing.hasher.finalize().into());
    }

    let manifest = manifest.ok_or_else(|| BundleError::Malformed("manifest.json is missing".into()))?;
    if stage == Stage::Manifest {
        return Err(BundleError::Malformed("ledger/commits.jsonl is missing".into()));
    }
    if next_ops < commits.len() {
        return Err(BundleError::Malformed(format!(
            "the ops of commit {} are missing",
            commits[next_ops].id
        )));
    }
    let sums_bytes = sums_bytes.ok_or_else(|| BundleError::Malformed("SHA256SUMS is missing".into()))?;
    let signature =
        signature.ok_or_else(|| BundleError::BadSignature("SHA256SUMS.minisig is missing".into()))?;

    // The sender's signature over SHA256SUMS, then every file against it.
    let key = minisign::PublicKey::from_base64(&manifest.sender.minisign)
        .map_err(|_| BundleError::Manifest("the sender's minisign key is invalid".into()))?;
    commit::verify_signature(&key, &signature, &sums_bytes).map_err(BundleError::BadSignature)?;
    let listed = sums::parse(&sums_bytes)?;
    for (path, h) in &hashes {
        match listed.get(path) {
            None => return Err(BundleError::Malformed(format!("{path} is not listed in SHA256SUMS"))),
            Some(l) if l != h => return Err(BundleError::HashMismatch(path.clone())),
            Some(_) => {}
        }
    }
    if let Some(missing) = listed.keys().find(|p| !hashes.contains_key(*p)) {
        return Err(BundleError::Malformed(format!("{missing} is listed in SHA256SUMS but missing")));
    }
    Ok(Opened { manifest, sums_sha256: Sha256::digest(&sums_bytes).into(), files: hashes.len() as u64 })
}
