use casebook::{EventFilter, ImportOutcome, RecordKind, Tlp, record_json};
use serde_json::Value;

use crate::util::{Craft, accept, event, export_opts, world};

/// Every record of every kind, as JSON, for comparing two vaults.
fn snapshot(v: &casebook::Vault, case: &casebook::CaseId) -> Vec<Value> {
    let mut out = vec![];
    for k in RecordKind::ALL {
        for r in v.records(case, k).unwrap() {
            let mut j = record_json(&r);
            // When a record arrived differs; what it says must not.
            j.as_object_mut().unwrap().remove("created_at");
            out.push(j);
        }
    }
    out
}

#[test]
fn full_export_round_trip_with_evidence() {
    let w = world();
    let b = w.export("full.casebundle", &export_opts("Bob"));
    let mut bob = w.bob.vault();
    let preview = bob
        .import_bundle(std::slice::from_ref(&b), &casebook::ImportOptions::default(), &mut |_| {})
        .unwrap();
    assert_eq!(preview.outcome, ImportOutcome::Previewed);
    assert_eq!(preview.trust, casebook::SenderTrust::Verified);
    assert!(preview.addressed_to_me);
    assert_eq!(preview.new_records["task"], 12);
    assert_eq!(preview.new_records["event"], 1);
    assert!(bob.cases().unwrap().is_empty(), "a preview applied something");
    let p = bob.import_bundle(&[b], &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.outcome, ImportOutcome::Accepted);
    let alice = w.alice.vault();
    assert_eq!(snapshot(&alice, &w.case), snapshot(&bob, &w.case));
    assert!(bob.verify(None).unwrap().iter().all(|c| c.ok()), "evidence or commits do not verify at Bob's");
    let ev = bob.records(&w.case, RecordKind::Evidence).unwrap();
    let out = w.path("note-at-bob.txt");
    bob.export_evidence(&w.case, &ev[0].id, &out).unwrap();
    assert_eq!(std::fs::read_to_string(out).unwrap(), "ransom note: pay 10 BTC");
    let (log, _) = bob.audit_log().unwrap();
    assert_eq!(log.last().unwrap().action, "import-accepted");
    let (alog, _) = alice.audit_log().unwrap();
    assert!(alog.last().unwrap().detail.contains("to [Bob"), "{:?}", alog.last());
}

#[test]
fn armored_and_split_bundles_import_the_same() {
    let w = world();
    let mut o = export_opts("Bob");
    o.armor = true;
    let armored = w.export("armored.casebundle.asc", &o);
    let text = std::fs::read_to_string(&armored).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let mut o = export_opts("Bob");
    o.split = Some(1024);
    let base = w.path("split.casebundle");
    let r = w.alice.vault().export_bundle(&w.case, &base, &o, &mut |_| {}).unwrap();
    assert!(r.files.len() >= 3, "{:?}", r.files);
    assert!(r.files.iter().all(|f| std::fs::metadata(f).unwrap().len() <= 1024));
    let mut bob = w.bob.vault();
    assert_eq!(
        bob.import_bundle(&[armored], &accept(), &mut |_| {}).unwrap().outcome,
        ImportOutcome::Accepted
    );
    let p = bob.import_bundle(&r.files, &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.outcome, ImportOutcome::AlreadyHad);
}

#[test]
fn tlp_red_event_never_leaves_at_an_amber_ceiling() {
    let w = world();
    let mut a = w.alice.vault();
    let secret = "Informant inside the ransomware crew says 7f3a";
    let mut e = event(secret, 1_795_228_000_000_000);
    e.tlp = Some(Tlp::Red);
    let red = a.add_event(&w.case, e).unwrap();
    // Reclassifying later also counts: this note was created AMBER, then made RED.
    let note = a.add_note(&w.case, Some("Source"), "Source name: Zq9Witness").unwrap();
    a.set_record_tlp(&w.case, &note.to_string(), Tlp::Red).unwrap();
    // The Share screen's preview names what stays home before anything is written.
    let preview = a.withheld_at(&w.case, Tlp::Amber).unwrap();
    assert_eq!(preview.get("event"), Some(&1), "{preview:?}");
    assert_eq!(preview.get("note"), Some(&1), "{preview:?}");
    assert_eq!(preview.len(), 2, "{preview:?}");
    assert!(a.withheld_at(&w.case, Tlp::Red).unwrap().is_empty());
    let at_green = a.withheld_at(&w.case, Tlp::Green).unwrap();
    assert_eq!(at_green.get("event"), Some(&2), "an AMBER case at a GREEN ceiling: {at_green:?}");
    assert_eq!(at_green.get("case"), Some(&1), "{at_green:?}");
    drop(a);
    let b = w.export("amber.casebundle", &export_opts("Bob"));
    let craft = Craft::open(&b, &w.bob.vault());
    for (path, _, data) in &craft.entries {
        for needle in [secret, "Zq9Witness", &red.to_string(), &note.to_string()] {
            assert!(
                !data.windows(needle.len()).any(|x| x == needle.as_bytes()),
                "{needle:?} appears in {path}"
            );
        }
    }
    let mut bob = w.bob.vault();
    let p = bob.import_bundle(&[b], &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.manifest.withheld["event"], 1);
    assert_eq!(p.manifest.withheld["note"], 2);
    assert_eq!(p.outcome, ImportOutcome::Accepted);
    // Bob holds Alice's commits with those ops withheld: they still verify.
    assert!(bob.verify(None).unwrap().iter().all(|c| c.ok()));
    let events = bob.events(&w.case, &EventFilter::default(), None, 100).unwrap();
    assert_eq!(events.len(), 1);
    assert!(bob.records(&w.case, RecordKind::Note).unwrap().is_empty());
}

#[test]
fn partner_limits_and_verification_are_enforced() {
    let w = world();
    let mut o = export_opts("Bob");
    o.tlp = Tlp::Red;
    // Bob may receive RED in this world; lower his limit.
    let carol = crate::util::person(w.tmp.path(), "Carol", "CERT-EU");
    let a = w.alice.vault();
    a.add_partner(&carol.vault().card(), &casebook::PartnerOptions { max_tlp: Tlp::Green, verified: false })
        .unwrap();
    drop(a);
    let mut a = w.alice.vault();
    let mut to_carol = export_opts("Carol");
    let e = a.export_bundle(&w.case, &w.path("x"), &to_carol, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("at most TLP:GREEN"), "{e}");
    to_carol.tlp = Tlp::Green;
    let e = a.export_bundle(&w.case, &w.path("x"), &to_carol, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("never verified"), "{e}");
    to_carol.allow_unverified = true;
    a.export_bundle(&w.case, &w.path("x"), &to_carol, &mut |_| {}).unwrap();
    let e = a.export_bundle(&w.case, &w.path("x"), &to_carol, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    a.export_bundle(&w.case, &w.path("red"), &o, &mut |_| {}).unwrap();
}

#[test]
fn two_vaults_converge_through_deltas() {
    let w = world();
    let full = w.export("full.casebundle", &export_opts("Bob"));
    w.bob.vault().import_bundle(&[full], &accept(), &mut |_| {}).unwrap();

    let task = w.alice.vault().records(&w.case, RecordKind::Task).unwrap()[0].id;
    {
        let mut a = w.alice.vault();
        a.set_task_status(&w.case, &task, casebook::TaskStatus::Done).unwrap();
        a.add_event(&w.case, event("Alice: backups checked", 1_795_229_000_000_000)).unwrap();
        let mut b = w.bob.vault();
        b.set_task_status(&w.case, &task, casebook::TaskStatus::Blocked).unwrap();
        b.add_event(&w.case, event("Bob: C2 seen in Vienna", 1_795_229_500_000_000)).unwrap();
    }
    let mut o = export_opts("Alice");
    o.since_last = true;
    let b_to_a = w.path("b2a.casebundle");
    let r = w.bob.vault().export_bundle(&w.case, &b_to_a, &o, &mut |_| {}).unwrap();
    assert_eq!(r.manifest.commits, 2, "B→A delta should carry only Bob's two new commits");
    assert!(!r.manifest.base.is_empty());
    let p = w.alice.vault().import_bundle(&[b_to_a], &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.new_commits, 2);
    assert_eq!(p.conflicts.len(), 1, "the concurrent status edit is a conflict");

    let mut o = export_opts("Bob");
    o.since_last = true;
    let a_to_b = w.export("a2b.casebundle", &o);
    let p = w.bob.vault().import_bundle(&[a_to_b], &accept(), &mut |_| {}).unwrap();
    assert_eq!(p.new_commits, 2, "A→B delta carries Alice's two commits, not Bob's own back");

    let (a, b) = (w.alice.vault(), w.bob.vault());
    assert_eq!(snapshot(&a, &w.case), snapshot(&b, &w.case));
    let (ca, cb) = (a.conflicts(&w.case).unwrap(), b.conflicts(&w.case).unwrap());
    assert_eq!(ca, cb);
    assert_eq!(ca[0].field, "status");
    // Nothing left to send either way.
    drop((a, b));
    let mut o = export_opts("Bob");
    o.since_last = true;
    let e = w.alice.vault().export_bundle(&w.case, &w.path("none"), &o, &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("nothing new to send"), "{e}");
}
