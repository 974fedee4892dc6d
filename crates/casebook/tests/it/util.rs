use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use casebook::{CaseId, ExportOptions, ImportOptions, NewCase, PartnerOptions, Severity, Tlp, Vault};
use sha2::{Digest, Sha256};

pub const PASS: &str = "copper lantern drift oyster";

/// A person with a vault.
pub struct Person {
    pub dir: PathBuf,
}

impl Person {
    pub fn vault(&self) -> Vault {
        Vault::open(&self.dir, PASS).unwrap()
    }
}

/// Alice and Bob, partners verified both ways, and Alice's case with an event and evidence.
pub struct World {
    pub tmp: tempfile::TempDir,
    pub alice: Person,
    pub bob: Person,
    pub case: CaseId,
}

pub fn person(root: &Path, name: &str, org: &str) -> Person {
    let dir = root.join(name);
    drop(Vault::init(&dir, PASS, name, org).unwrap());
    Person { dir }
}

pub fn befriend(a: &Person, b: &Person) {
    let (va, vb) = (a.vault(), b.vault());
    let opts = PartnerOptions { max_tlp: Tlp::Red, verified: true };
    va.add_partner(&vb.card(), &opts).unwrap();
    vb.add_partner(&va.card(), &opts).unwrap();
}

pub fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let alice = person(tmp.path(), "Alice", "CERT-Lyon");
    let bob = person(tmp.path(), "Bob", "CSIRT-Wien");
    befriend(&alice, &bob);
    let mut v = alice.vault();
    let case = v
        .create_case(&NewCase {
            title: "Ransomware at the water utility".into(),
            summary: None,
            severity: Severity::Critical,
            tlp: Tlp::Amber,
            tags: vec![],
            template: Some("ransomware".into()),
        })
        .unwrap();
    v.add_event(&case, event("Historian encrypted", 1_795_227_120_000_000)).unwrap();
    let f = tmp.path().join("note.txt");
    std::fs::write(&f, "ransom note: pay 10 BTC").unwrap();
    v.add_evidence(&case, &f, Some("the note"), None, &mut |_| {}, None).unwrap();
    World { tmp, alice, bob, case }
}

pub fn event(desc: &str, at: i64) -> casebook::EventFields {
    casebook::EventFields { occurred_at: Some(at), description: Some(desc.into()), ..Default::default() }
}

pub fn export_opts(to: &str) -> ExportOptions {
    ExportOptions {
        to: vec![to.into()],
        tlp: Tlp::Amber,
        since_last: false,
        armor: false,
        split: None,
        max_blob_size: 64 << 20,
        allow_unverified: false,
        cancel: None,
    }
}

impl World {
    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Alice exports the case to Bob; returns the bundle path.
    pub fn export(&self, name: &str, opts: &ExportOptions) -> PathBuf {
        let out = self.path(name);
        self.alice.vault().export_bundle(&self.case, &out, opts, &mut |_| {}).unwrap();
        out
    }
}

pub fn accept() -> ImportOptions {
    ImportOptions { accept: true, ..ImportOptions::default() }
}

/// A bundle opened up for surgery: its decrypted tar entries, in order.
pub struct Craft {
    pub entries: Vec<(String, tar::EntryType, Vec<u8>)>,
}

impl Craft {
    /// Decrypts and unpacks a real bundle with `reader`'s age identity.
    pub fn open(bundle: &Path, reader: &Vault) -> Self {
        let identity = reader.identity().age_identity().unwrap();
        let file = std::fs::File::open(bundle).unwrap();
        let dec = age::Decryptor::new_buffered(std::io::BufReader::new(age::armor::ArmoredReader::new(file)))
            .unwrap();
        let plain = dec.decrypt(std::iter::once(&identity as &dyn age::Identity)).unwrap();
        let mut archive = tar::Archive::new(zstd::stream::Decoder::new(plain).unwrap());
        let mut entries = vec![];
        for e in archive.entries().unwrap() {
            let mut e = e.unwrap();
            let path = String::from_utf8(e.path_bytes().to_vec()).unwrap();
            let kind = e.header().entry_type();
            let mut data = vec![];
            e.read_to_end(&mut data).unwrap();
            entries.push((path, kind, data));
        }
        Self { entries }
    }

    pub fn get_mut(&mut self, path: &str) -> &mut Vec<u8> {
        let full = format!("casebundle/{path}");
        &mut self.entries.iter_mut().find(|e| e.0 == full).unwrap_or_else(|| panic!("no {full}")).2
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.0.clone()).collect()
    }

    /// Recomputes SHA256SUMS over the current files and signs it with `signer`'s key.
    pub fn resign(&mut self, signer: &Vault) {
        let mut sums = String::new();
        let mut files: Vec<&(String, tar::EntryType, Vec<u8>)> = self
            .entries
            .iter()
            .filter(|e| {
                e.1 == tar::EntryType::Regular && !e.0.ends_with("SHA256SUMS") && !e.0.ends_with(".minisig")
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, _, data) in files {
            sums.push_str(&format!(
                "{}  {}\n",
                hex::encode(Sha256::digest(data)),
                path.trim_start_matches("casebundle/")
            ));
        }
        let sk = signer.identity().minisign_secret().unwrap();
        let pk = signer.identity().minisign_public().unwrap();
        let sig =
            minisign::sign(Some(&pk), &sk, sums.as_bytes(), Some("resigned"), None).unwrap().into_string();
        *self.get_mut("SHA256SUMS") = sums.into_bytes();
        *self.get_mut("SHA256SUMS.minisig") = sig.into_bytes();
    }

    /// Packs the entries (names written raw, so hostile names survive) and encrypts them to `to`.
    pub fn write(&self, out: &Path, to: &[&Vault]) {
        let mut tar_bytes = tar::Builder::new(Vec::new());
        for (path, kind, data) in &self.entries {
            let mut h = tar::Header::new_gnu();
            let name = path.as_bytes();
            h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
            h.set_entry_type(*kind);
            h.set_mode(0o644);
            h.set_size(if *kind == tar::EntryType::Regular { data.len() as u64 } else { 0 });
            if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
                h.set_link_name("../../etc/passwd").unwrap();
            }
            h.set_cksum();
            let body: &[u8] = if *kind == tar::EntryType::Regular { data } else { &[] };
            tar_bytes.append(&h, body).unwrap();
        }
        let raw = tar_bytes.into_inner().unwrap();
        write_encrypted(out, &zstd::encode_all(&raw[..], 3).unwrap(), to);
    }
}

/// age-encrypts `payload` to the vaults' recipients.
pub fn write_encrypted(out: &Path, payload: &[u8], to: &[&Vault]) {
    let recipients: Vec<age::x25519::Recipient> =
        to.iter().map(|v| v.identity().age_identity().unwrap().to_public()).collect();
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).unwrap();
    let mut w = enc.wrap_output(std::fs::File::create(out).unwrap()).unwrap();
    w.write_all(payload).unwrap();
    w.finish().unwrap();
}
