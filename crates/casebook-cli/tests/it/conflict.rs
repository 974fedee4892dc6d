//! Two vaults of the same case: both edit the same task's status at the same time. After they swap
//! commits, both show the same winner and both list the conflict with both values.

use casebook::Vault;

use crate::util::{Env, PASS};

/// Hands every commit of `case` from one vault to the other (what a bundle will carry).
fn sync(from: &Env, to: &Env, case: &str) {
    let src = Vault::open(&from.vault, PASS).unwrap();
    let id = src.resolve_case(case).unwrap();
    let commits = src.export_commits(&id).unwrap();
    drop(src);
    let mut dst = Vault::open(&to.vault, PASS).unwrap();
    dst.import_commits(&id, &commits).unwrap();
}

#[test]
fn concurrent_edits_converge_and_the_conflict_shows_on_both() {
    let a = Env::new();
    a.init("Alice Martin", "CERT-Lyon");
    let b = Env::new();
    b.init("Bob Huber", "CSIRT-Wien");
    let case = a.new_case("Shared case", &[]);
    let task = a.json(&["task", "add", &case, "Isolate the historian"])["id"].as_str().unwrap().to_string();
    sync(&a, &b, &case);
    assert_eq!(a.json(&["task", "list", &case]), b.json(&["task", "list", &case]));

    // Concurrent: neither has seen the other's edit.
    a.json(&["task", "done", &case, &task]);
    b.json(&["task", "block", &case, &task]);
    b.json(&["event", "add", &case, "Bob's finding", "--at", "2026-11-21T04:00:00Z"]);
    sync(&b, &a, &case);
    sync(&a, &b, &case);

    let (ha, hb) = (a.json(&["history", &case]), b.json(&["history", &case]));
    assert_eq!(ha["conflicts"], hb["conflicts"]);
    let c = &ha["conflicts"][0];
    assert_eq!(c["field"], "status");
    assert_eq!(c["record"], task.as_str());
    let mut values = vec![c["winner"]["value"].as_str().unwrap(), c["others"][0]["value"].as_str().unwrap()];
    values.sort();
    assert_eq!(values, ["blocked", "done"]);
    let mut authors =
        vec![c["winner"]["author"].as_str().unwrap(), c["others"][0]["author"].as_str().unwrap()];
    authors.sort();
    assert_eq!(authors, ["Alice Martin", "Bob Huber"]);
    assert_eq!(a.json(&["task", "list", &case]), b.json(&["task", "list", &case]));
    assert_eq!(a.json(&["case", "show", &case]), b.json(&["case", "show", &case]));
    assert_eq!(a.json(&["event", "list", &case]), b.json(&["event", "list", &case]));
    let text = crate::util::stdout(a.cmd().args(["history", &case]).output().unwrap());
    assert!(
        text.contains("CONFLICTS (1)") && text.contains("\"done\"") && text.contains("\"blocked\""),
        "{text}"
    );

    // Resolving: a later edit that has seen both clears the conflict on both sides.
    a.json(&["task", "done", &case, &task]);
    sync(&a, &b, &case);
    assert!(b.json(&["history", &case])["conflicts"].as_array().unwrap().is_empty());
    assert_eq!(b.json(&["task", "list", &case])[0]["status"], "done");
    assert_eq!(b.json(&["verify"])["ok"], true);
}
