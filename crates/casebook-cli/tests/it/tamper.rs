//! Each tamper is done on a fresh copy of the same vault; `verify` must fail (exit 12) and name the
//! commit and what is wrong. A clean copy verifies.

use crate::util::{Env, fails};

/// A vault with a case of three commits (#1 open, #2 an event, #3 an event) and one evidence item.
fn vault() -> (Env, String, String) {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let case = env.new_case("Tamper target", &[]);
    env.json(&["event", "add", &case, "first event", "--at", "2026-11-21T01:00:00Z"]);
    env.json(&["event", "add", &case, "second event", "--at", "2026-11-21T02:00:00Z"]);
    let f = env.path("note.txt");
    std::fs::write(&f, "ransom note text").unwrap();
    let ev = env.json(&["evidence", "add", &case, f.to_str().unwrap()]);
    assert_eq!(env.json(&["verify"])["ok"], true);
    (env, case, ev["sha256"].as_str().unwrap().to_string())
}

fn commit_id(env: &Env, seq: &str) -> String {
    env.tamper(&["print-commit-id", seq]).trim().to_string()
}

#[test]
fn flipped_byte_in_a_stored_commit() {
    let (env, _, _) = vault();
    let id = commit_id(&env, "2");
    env.tamper(&["flip-commit-byte", "2"]);
    let err = fails(env.cmd().arg("verify"), 12, "commit id does not match its bytes");
    assert!(err.contains(&id[..12]), "{err}");
}

#[test]
fn flipped_byte_in_an_op() {
    let (env, _, _) = vault();
    let id = commit_id(&env, "3");
    env.tamper(&["edit-op", "3"]);
    let err = fails(env.cmd().arg("verify"), 12, "ops_root mismatch");
    assert!(err.contains(&id[..12]), "{err}");
}

#[test]
fn wrong_signature() {
    let (env, _, _) = vault();
    let id = commit_id(&env, "2");
    env.tamper(&["steal-signature", "3", "2"]);
    let err = fails(env.cmd().arg("verify"), 12, "bad signature");
    assert!(err.contains(&id[..12]), "{err}");
}

#[test]
fn missing_parent() {
    let (env, _, _) = vault();
    let parent = commit_id(&env, "2");
    let child = commit_id(&env, "3");
    env.tamper(&["drop-commit", "2"]);
    let err = fails(env.cmd().arg("verify"), 12, "missing parent commit");
    assert!(err.contains(&child[..12]) && err.contains(&parent), "{err}");
}

#[test]
fn ops_root_mismatch() {
    let (env, _, _) = vault();
    let id = commit_id(&env, "2");
    // Commits 2 and 3 each carry one op: exchanging them keeps every op well-formed and every
    // signature valid, but no longer matches what was signed.
    env.tamper(&["swap-ops", "2", "3"]);
    let err = fails(env.cmd().arg("verify"), 12, "ops_root mismatch");
    assert!(err.contains(&id[..12]), "{err}");
}

#[test]
fn altered_evidence_blob() {
    let (env, _, sha) = vault();
    let blob = env.vault.join("blobs").join(&sha);
    let mut bytes = std::fs::read(&blob).unwrap();
    let n = bytes.len() - 20;
    bytes[n] ^= 0x40;
    std::fs::write(&blob, &bytes).unwrap();
    let err = fails(env.cmd().arg("verify"), 12, "cannot be decrypted");
    assert!(err.contains(&sha), "{err}");
}

#[test]
fn substituted_or_missing_evidence_blob() {
    let (env, case, sha) = vault();
    // Another valid blob under this name: decrypts, but hashes differently.
    let other = env.path("other.txt");
    std::fs::write(&other, "something else entirely").unwrap();
    let ev = env.json(&["evidence", "add", &case, other.to_str().unwrap()]);
    let other_sha = ev["sha256"].as_str().unwrap();
    let blobs = env.vault.join("blobs");
    std::fs::copy(blobs.join(other_sha), blobs.join(&sha)).unwrap();
    let err = fails(env.cmd().arg("verify"), 12, "was altered");
    assert!(err.contains(&sha), "{err}");
    std::fs::remove_file(blobs.join(&sha)).unwrap();
    fails(env.cmd().arg("verify"), 12, "is missing");
}

#[test]
fn verify_json_names_the_failing_commit() {
    let (env, _, _) = vault();
    let id = commit_id(&env, "2");
    env.tamper(&["flip-commit-byte", "2"]);
    let o = env.cmd().args(["verify", "--json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(12));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["cases"][0]["failure"]["commit"], id);
    assert_eq!(v["cases"][0]["failure"]["seq"], 2);
}
