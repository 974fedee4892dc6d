//! Evidence blobs: files beside the database, age-encrypted to the vault owner, named by the SHA-256
//! of their plaintext. Written to a temporary name first and renamed once complete, so a crash never
//! leaves a blob under a name its content does not match.

use std::fs;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::Store;

/// Read and write in pieces of this size: memory stays bounded whatever the file size.
const PIECE: usize = 64 * 1024;

/// A blob problem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// No blob with that hash.
    #[error("evidence blob {0} is missing from the vault folder")]
    Missing(String),
    /// The blob does not decrypt (altered, truncated, or not ours).
    #[error("evidence blob {sha256} cannot be decrypted: {reason}")]
    Undecryptable {
        /// Its name.
        sha256: String,
        /// Why.
        reason: String,
    },
    /// The plaintext's hash differs from the name.
    #[error("evidence blob {expected} was altered: its content hashes to {actual}")]
    Altered {
        /// Its name.
        expected: String,
        /// What the content hashes to.
        actual: String,
    },
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A stored blob's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    /// SHA-256 of the plaintext, lower-case hex.
    pub sha256: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// Whether this call created the file (false: the vault already had it).
    pub created: bool,
}

impl Store {
    fn blob_path(&self, sha256: &str) -> PathBuf {
        self.paths.blobs().join(sha256)
    }

    /// Encrypts `src` to `recipient` into the blob folder, hashing as it goes. `progress` gets the
    /// bytes read so far.
    pub fn put_blob(
        &self,
        src: impl Read,
        recipient: &dyn age::Recipient,
        progress: &mut dyn FnMut(u64),
    ) -> Result<BlobInfo, BlobError> {
        put_blob_at(&self.paths, src, recipient, progress)
    }
}

/// [`Store::put_blob`] for callers that hold only the vault's paths (an import in progress).
pub(crate) fn put_blob_at(
    paths: &crate::VaultPaths,
    mut src: impl Read,
    recipient: &dyn age::Recipient,
    progress: &mut dyn FnMut(u64),
) -> Result<BlobInfo, BlobError> {
    {
        let dir = paths.blobs();
        fs::create_dir_all(&dir)?;
        let tmp = tempfile_in(&dir)?;
        let result = (|| -> Result<BlobInfo, BlobError> {
            let file = fs::File::create(&tmp)?;
            let mut w = age::Encryptor::with_recipients(std::iter::once(recipient))
                .map_err(|e| io::Error::other(e.to_string()))?
                .wrap_output(io::BufWriter::new(file))?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; PIECE];
            let mut size = 0u64;
            loop {
                let n = match src.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e.into()),
                };
                hasher.update(&buf[..n]);
                w.write_all(&buf[..n])?;
                size += n as u64;
                progress(size);
            }
            let file = w.finish()?.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok(BlobInfo { sha256: hex::encode(hasher.finalize()), size, created: true })
        })();
        match result {
            Ok(mut info) => {
                let dest = paths.blobs().join(&info.sha256);
                if dest.exists() {
                    fs::remove_file(&tmp)?;
                    info.created = false;
                } else {
                    fs::rename(&tmp, &dest)?;
                }
                Ok(info)
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

impl Store {
    /// Whether a blob file exists.
    pub fn has_blob(&self, sha256: &str) -> bool {
        self.blob_path(sha256).is_file()
    }

    /// Decrypts blob `sha256` into `out`, checking its hash. On a mismatch the error says so; the
    /// caller must discard what was written.
    pub fn read_blob(
        &self,
        sha256: &str,
        identity: &dyn age::Identity,
        mut out: impl Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<BlobInfo, BlobError> {
        let path = self.blob_path(sha256);
        let file = fs::File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => BlobError::Missing(sha256.to_string()),
            _ => BlobError::Io(e),
        })?;
        let undecryptable = |reason: String| BlobError::Undecryptable { sha256: sha256.to_string(), reason };
        let mut r = age::Decryptor::new_buffered(io::BufReader::new(file))
            .map_err(|e| undecryptable(e.to_string()))?
            .decrypt(std::iter::once(identity))
            .map_err(|e| undecryptable(e.to_string()))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; PIECE];
        let mut size = 0u64;
        loop {
            let n = match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(undecryptable(e.to_string())),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            size += n as u64;
            progress(size);
        }
        let actual = hex::encode(hasher.finalize());
        if actual != sha256 {
            return Err(BlobError::Altered { expected: sha256.to_string(), actual });
        }
        Ok(BlobInfo { sha256: actual, size, created: false })
    }
}

/// A fresh, unused temporary name inside `dir` (dot-prefixed, so never taken for a blob).
fn tempfile_in(dir: &std::path::Path) -> io::Result<PathBuf> {
    for _ in 0..16 {
        let name = format!(".incoming-{:016x}", rand_u64());
        let p = dir.join(name);
        if !p.exists() {
            return Ok(p);
        }
    }
    Err(io::Error::other("cannot find a free temporary name in the blob folder"))
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}
