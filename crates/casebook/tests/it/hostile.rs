//! Each hostile bundle is refused with a message that names the problem, copied into the quarantine
//! with that reason, and leaves Bob's vault exactly as it was (state digest equal before and after).

use std::path::{Path, PathBuf};

use casebook::{Error, ImportOptions, ImportOutcome, Limits};

use crate::util::{Craft, World, accept, befriend, export_opts, person, world, write_encrypted};

fn refused_with(w: &World, bundle: &Path, opts: &ImportOptions, needle: &str) {
    let mut bob = w.bob.vault();
    let before = bob.state_digest().unwrap();
    let quarantined = bob.quarantine().unwrap().len();
    let e = bob.import_bundle(&[bundle.to_path_buf()], opts, &mut |_| {}).unwrap_err();
    assert!(matches!(e, Error::BundleRejected { .. }), "not a rejection: {e:?}");
    assert!(e.to_string().contains(needle), "expected {needle:?} in: {e}");
    assert_eq!(bob.state_digest().unwrap(), before, "a refused bundle changed the vault");
    let q = bob.quarantine().unwrap();
    assert_eq!(q.len(), quarantined + 1);
    let entry = q.last().unwrap();
    assert!(entry.reason.contains(needle), "quarantine reason: {}", entry.reason);
    let kept = std::fs::read(w.bob.dir.join("quarantine").join(&entry.name)).unwrap();
    assert_eq!(kept, std::fs::read(bundle).unwrap(), "the quarantine copy differs from what arrived");
    let (log, problem) = bob.audit_log().unwrap();
    assert!(problem.is_none());
    assert_eq!(log.last().unwrap().action, "import-rejected");
    // Nothing was left behind in the vault's scratch space.
    let tmp = w.bob.dir.join("tmp");
    assert!(std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0) == 0);
}

fn refused(w: &World, bundle: &Path, needle: &str) {
    refused_with(w, bundle, &accept(), needle);
}

/// A genuine bundle from Alice to Bob, opened for surgery.
fn genuine(w: &World) -> (PathBuf, Craft) {
    let b = w.export("genuine.casebundle", &export_opts("Bob"));
    let c = Craft::open(&b, &w.bob.vault());
    (b, c)
}

fn rewrite(w: &World, c: &Craft, name: &str) -> PathBuf {
    let out = w.path(name);
    c.write(&out, &[&w.bob.vault(), &w.alice.vault()]);
    out
}

#[test]
fn flipped_ciphertext_byte() {
    let w = world();
    let (b, _) = genuine(&w);
    let mut bytes = std::fs::read(&b).unwrap();
    let n = bytes.len() - 300;
    bytes[n] ^= 0x20;
    let bad = w.path("flipped.casebundle");
    std::fs::write(&bad, bytes).unwrap();
    refused(&w, &bad, "damaged or was altered in transit");
}

#[test]
fn truncated_file() {
    let w = world();
    let (b, _) = genuine(&w);
    let bytes = std::fs::read(&b).unwrap();
    let bad = w.path("truncated.casebundle");
    std::fs::write(&bad, &bytes[..bytes.len() * 2 / 3]).unwrap();
    refused(&w, &bad, "truncated");
}

#[test]
fn not_a_bundle_at_all() {
    let w = world();
    let bad = w.path("holiday.jpg.casebundle");
    std::fs::write(&bad, b"\xff\xd8\xff\xe0 not an age file").unwrap();
    refused(&w, &bad, "not a Casebook bundle");
}

#[test]
fn wrong_format_version() {
    let w = world();
    let (_, mut c) = genuine(&w);
    let m = String::from_utf8(c.get_mut("manifest.json").clone()).unwrap();
    *c.get_mut("manifest.json") = m.replace("casebundle/1", "casebundle/9").into_bytes();
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "v9.casebundle");
    refused(&w, &bad, "unsupported bundle format \"casebundle/9\"");
}

#[test]
fn not_addressed_to_me() {
    let w = world();
    let carol = person(w.tmp.path(), "Carol", "CERT-EU");
    befriend(&w.alice, &carol);
    let b = w.export("for-carol.casebundle", &export_opts("Carol"));
    refused(&w, &b, "not addressed to you");
}

#[test]
fn signed_by_an_unknown_key() {
    let w = world();
    let (_, mut c) = genuine(&w);
    let mallory = person(w.tmp.path(), "Mallory", "Nowhere");
    // Claims to be Alice's bundle, but Mallory signed the sums.
    c.resign(&mallory.vault());
    let bad = rewrite(&w, &c, "mallory-signed.casebundle");
    refused(&w, &bad, "signature does not verify");
}

#[test]
fn valid_signature_but_a_file_does_not_match_its_hash() {
    let w = world();
    let (_, mut c) = genuine(&w);
    c.resign(&w.alice.vault());
    // Altered after signing: the sums (and their signature) still describe the original.
    let s = String::from_utf8(c.get_mut("summary.md").clone()).unwrap();
    *c.get_mut("summary.md") = s.replace("Historian encrypted", "Nothing happened").into_bytes();
    let bad = rewrite(&w, &c, "hash.casebundle");
    refused(&w, &bad, "summary.md does not match its SHA-256");
}

#[test]
fn commit_with_a_bad_signature() {
    let w = world();
    let (_, mut c) = genuine(&w);
    let lines = String::from_utf8(c.get_mut("ledger/commits.jsonl").clone()).unwrap();
    let mut v: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let other = v[1]["signature"].clone();
    v[0]["signature"] = other;
    let out: String = v.iter().map(|l| format!("{l}\n")).collect();
    *c.get_mut("ledger/commits.jsonl") = out.into_bytes();
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "badsig.casebundle");
    refused(&w, &bad, "bad signature");
}

#[test]
fn ops_root_mismatch() {
    let w = world();
    let (_, mut c) = genuine(&w);
    let ops = c.names().into_iter().find(|n| n.contains("ledger/ops/")).unwrap();
    let path = ops.trim_start_matches("casebundle/").to_string();
    let text = String::from_utf8(c.get_mut(&path).clone()).unwrap();
    // Change a task title inside a validly formed op: the op still parses, its hash does not match.
    *c.get_mut(&path) = text.replacen("\"title\":\"", "\"title\":\"Ignore: ", 1).into_bytes();
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "opsroot.casebundle");
    refused(&w, &bad, "ops_root mismatch");
}

fn with_extra_entry(w: &World, path: &str, kind: tar::EntryType, name: &str) -> PathBuf {
    let (_, mut c) = genuine(w);
    let at = c.entries.len() - 2;
    c.entries.insert(at, (path.to_string(), kind, b"#!/bin/sh\necho pwned\n".to_vec()));
    rewrite(w, &c, name)
}

#[test]
fn path_traversal() {
    let w = world();
    let bad =
        with_extra_entry(&w, "casebundle/../../.bashrc", tar::EntryType::Regular, "traversal.casebundle");
    refused(&w, &bad, "leaves the bundle folder");
}

#[test]
fn absolute_path() {
    let w = world();
    let bad = with_extra_entry(&w, "/etc/cron.d/evil", tar::EntryType::Regular, "absolute.casebundle");
    refused(&w, &bad, "absolute path");
}

#[test]
fn symlink() {
    let w = world();
    let bad = with_extra_entry(&w, "casebundle/blobs/link", tar::EntryType::Symlink, "symlink.casebundle");
    refused(&w, &bad, "symbolic link");
}

#[test]
fn hardlink() {
    let w = world();
    let bad = with_extra_entry(&w, "casebundle/blobs/hard", tar::EntryType::Link, "hardlink.casebundle");
    refused(&w, &bad, "hard link");
}

#[test]
fn device_entry() {
    let w = world();
    let bad = with_extra_entry(&w, "casebundle/blobs/sda", tar::EntryType::Block, "device.casebundle");
    refused(&w, &bad, "device file");
}

#[test]
fn zstd_bomb_past_the_size_limit() {
    let w = world();
    let (_, mut c) = genuine(&w);
    let at = c.entries.len() - 3;
    // 64 MiB of zeros compresses to a few KiB.
    c.entries.insert(at, ("casebundle/stix.json".into(), tar::EntryType::Regular, vec![0u8; 64 << 20]));
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "bomb.casebundle");
    assert!(std::fs::metadata(&bad).unwrap().len() < 1 << 20);
    let opts = ImportOptions {
        accept: true,
        limits: Limits { max_total_bytes: 16 << 20, ..Limits::default() },
        ..ImportOptions::default()
    };
    refused_with(&w, &bad, &opts, "too large");
}

#[test]
fn too_many_files() {
    let w = world();
    let (b, _) = genuine(&w);
    let opts = ImportOptions {
        accept: true,
        limits: Limits { max_files: 4, ..Limits::default() },
        ..ImportOptions::default()
    };
    refused_with(&w, &b, &opts, "more than 4 files");
}

#[test]
fn invalid_utf8_in_the_manifest() {
    let w = world();
    let (_, mut c) = genuine(&w);
    c.get_mut("manifest.json").extend_from_slice(b"\xff\xfe");
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "utf8.casebundle");
    refused(&w, &bad, "manifest.json is not valid UTF-8");
}

#[test]
fn invalid_json_in_the_manifest() {
    let w = world();
    let (_, mut c) = genuine(&w);
    *c.get_mut("manifest.json") = b"{\"format\": \"casebundle/1\", ".to_vec();
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "json.casebundle");
    refused(&w, &bad, "manifest is invalid");
}

#[test]
fn manifest_not_first() {
    let w = world();
    let (_, mut c) = genuine(&w);
    let m = c.entries.remove(0);
    let at = c.entries.len() - 2;
    c.entries.insert(at, m);
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "order.casebundle");
    refused(&w, &bad, "manifest.json must come first");
}

#[test]
fn missing_ops_file() {
    let w = world();
    let (_, mut c) = genuine(&w);
    c.entries.retain(|e| !e.0.contains("ledger/ops/"));
    c.resign(&w.alice.vault());
    let bad = rewrite(&w, &c, "noops.casebundle");
    refused(&w, &bad, "are missing");
}

#[test]
fn delta_with_missing_parents() {
    let w = world();
    // Bob never got the first bundle; Alice sends a delta on top of it.
    let first = w.export("first.casebundle", &export_opts("Bob"));
    let _ = first;
    let mut a = w.alice.vault();
    a.add_event(&w.case, crate::util::event("Backups found encrypted too", 1_795_230_000_000_000)).unwrap();
    let mut o = export_opts("Bob");
    o.since_last = true;
    let delta = w.export("delta.casebundle", &o);
    refused(&w, &delta, "builds on commits this vault does not have");
}

#[test]
fn forwarded_bundle_is_flagged() {
    let w = world();
    let carol = person(w.tmp.path(), "Carol", "CERT-EU");
    befriend(&w.alice, &carol);
    let b = w.export("for-carol.casebundle", &export_opts("Carol"));
    // Carol re-encrypts Alice's intact bundle to Bob.
    let payload = {
        use std::io::Read;
        let cv = carol.vault();
        let id = cv.identity().age_identity().unwrap();
        let dec =
            age::Decryptor::new_buffered(std::io::BufReader::new(std::fs::File::open(&b).unwrap())).unwrap();
        let mut p = vec![];
        dec.decrypt(std::iter::once(&id as &dyn age::Identity)).unwrap().read_to_end(&mut p).unwrap();
        p
    };
    let fwd = w.path("forwarded.casebundle");
    write_encrypted(&fwd, &payload, &[&w.bob.vault()]);
    let mut bob = w.bob.vault();
    let before = bob.state_digest().unwrap();
    let p = bob.import_bundle(&[fwd], &ImportOptions::default(), &mut |_| {}).unwrap();
    assert!(!p.addressed_to_me, "a forwarded bundle must be flagged");
    assert_eq!(p.manifest.recipients[0].name, "Carol");
    assert_eq!(p.outcome, ImportOutcome::Previewed);
    assert_eq!(bob.state_digest().unwrap(), before);
}

#[test]
fn unknown_sender_is_held_and_changes_nothing() {
    let w = world();
    let mallory = person(w.tmp.path(), "Mallory", "Nowhere");
    {
        // Mallory knows Bob's card (cards are public); Bob does not know Mallory.
        let mv = mallory.vault();
        mv.add_partner(
            &w.bob.vault().card(),
            &casebook::PartnerOptions { max_tlp: casebook::Tlp::Red, verified: true },
        )
        .unwrap();
    }
    let mut mv = mallory.vault();
    let case = mv
        .create_case(&casebook::NewCase {
            title: "Totally legit".into(),
            summary: None,
            severity: casebook::Severity::Low,
            tlp: casebook::Tlp::Green,
            tags: vec![],
            template: None,
        })
        .unwrap();
    let out = w.path("mallory.casebundle");
    mv.export_bundle(&case, &out, &export_opts("Bob"), &mut |_| {}).unwrap();
    let mut bob = w.bob.vault();
    let before = bob.state_digest().unwrap();
    let p = bob.import_bundle(std::slice::from_ref(&out), &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.outcome, ImportOutcome::Held);
    assert_eq!(p.trust, casebook::SenderTrust::Unknown);
    assert_eq!(bob.state_digest().unwrap(), before);
    assert_eq!(bob.audit_log().unwrap().0.last().unwrap().action, "import-held");
    // With explicit consent it applies.
    let opts = ImportOptions { trust_new_sender: true, ..accept() };
    assert_eq!(bob.import_bundle(&[out], &opts, &mut |_| {}).unwrap().outcome, ImportOutcome::Accepted);
    assert_ne!(bob.state_digest().unwrap(), before);
}

#[test]
fn replay_of_an_old_bundle_changes_nothing() {
    let w = world();
    let (b, _) = genuine(&w);
    let mut bob = w.bob.vault();
    assert_eq!(
        bob.import_bundle(std::slice::from_ref(&b), &accept(), &mut |_| {}).unwrap().outcome,
        ImportOutcome::Accepted
    );
    let after_first = bob.state_digest().unwrap();
    let p = bob.import_bundle(&[b], &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.outcome, ImportOutcome::AlreadyHad);
    assert_eq!(p.new_commits, 0);
    assert_eq!(bob.state_digest().unwrap(), after_first);
}
