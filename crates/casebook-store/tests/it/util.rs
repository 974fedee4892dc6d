use std::path::{Path, PathBuf};

use casebook_store::{IdentityRow, Store};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub const PASS: &str = "copper lantern drift oyster";

pub struct TempVault {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl TempVault {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        let store = Store::create(&dir, PASS).unwrap();
        store.set_identity(&identity("Marker-Name-7f3a")).unwrap();
        drop(store);
        Self { _tmp: tmp, dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join(casebook_store::DB_FILE)
    }
}

pub fn identity(name: &str) -> IdentityRow {
    IdentityRow {
        name: name.into(),
        org: "Org".into(),
        age_secret: Zeroizing::new("AGE-SECRET-KEY-TEST".into()),
        age_recipient: "age1test".into(),
        minisign_secret: Zeroizing::new("secret-box".into()),
        minisign_public: "RWtest".into(),
        created_at: 1,
    }
}

/// SHA-256 of every file under `dir`, by relative path: a snapshot to compare before and after.
pub fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        out.push((
            entry.strip_prefix(dir).unwrap().display().to_string(),
            hex::encode(Sha256::digest(&bytes)),
        ));
    }
    out.sort();
    out
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files
}

/// A raw keyed connection, for tests that damage a vault on purpose.
#[allow(clippy::disallowed_methods)]
pub fn raw(db: &Path, pass: &str) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    c.pragma_update(None, "key", pass).unwrap();
    c
}
