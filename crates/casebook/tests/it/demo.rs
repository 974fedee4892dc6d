use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use casebook::{ErrorCode, EventFilter, Phase, RecordKind, TimelineOptions};

/// The demo case is written through the real use cases: it verifies, spans the three phases and
/// holds every kind of record the desktop app shows.
#[test]
fn the_demo_case_is_complete_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = crate::util::person(tmp.path(), "Dana Keller", "CERT-Rheinstadt").vault();
    let case = casebook::demo::seed(&mut v).unwrap();
    let events = v.events(&case, &EventFilter::default(), None, 1_000).unwrap();
    assert!((190..=220).contains(&events.len()), "{} events", events.len());
    for phase in [Phase::Detect, Phase::Respond, Phase::Remediate] {
        let f = EventFilter { phase: Some(phase.as_str().into()), ..Default::default() };
        assert!(!v.events(&case, &f, None, 1).unwrap().is_empty(), "no {phase} event");
    }
    let key = EventFilter { key_only: true, ..Default::default() };
    assert!(v.events(&case, &key, None, 100).unwrap().len() >= 10);
    for (kind, at_least) in [
        (RecordKind::Observable, 6),
        (RecordKind::Task, 8),
        (RecordKind::Asset, 5),
        (RecordKind::Note, 1),
        (RecordKind::Evidence, 1),
    ] {
        let n = v.records(&case, kind).unwrap().len();
        assert!(n >= at_least, "{n} {kind} records");
    }
    // Defanged observables were refanged and normalized on the way in.
    let obs = v.records(&case, RecordKind::Observable).unwrap();
    assert!(obs.iter().any(|o| o.values["value"] == "185.220.101.47"));
    assert_eq!(v.case(&case).unwrap().record.values["phase"], "remediate");
    assert!(v.verify(Some(&case)).unwrap().iter().all(|c| c.ok()));
    // No plaintext copy of the demo evidence is left behind in the temp folder.
    let leftover = std::env::temp_dir().join(format!("casebook-demo-{}.txt", std::process::id()));
    assert!(!leftover.exists());
}

/// A timeline import cancelled from another thread ends with `Cancelled` and writes nothing.
#[test]
fn a_cancelled_timeline_import_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = crate::util::person(tmp.path(), "Dana Keller", "CERT-Rheinstadt").vault();
    let case = casebook::demo::seed(&mut v).unwrap();
    let before = v.history(&case).unwrap().len();
    let file = tmp.path().join("big.csv");
    let mut csv = String::from("message,datetime,timestamp_desc\n");
    for i in 0..50_000 {
        csv.push_str(&format!("row {i},2026-11-02T03:{:02}:{:02}Z,Event\n", (i / 60) % 60, i % 60));
    }
    std::fs::write(&file, csv).unwrap();
    // Raised before the first row is read (the reader checks it before every row; when it is raised
    // mid-stream is a race with the reader, so the test does not depend on it).
    let cancel = Arc::new(AtomicBool::new(true));
    let opts = TimelineOptions { cancel: Some(cancel.clone()), ..Default::default() };
    let err = v.import_timeline(&case, &file, &opts, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(v.history(&case).unwrap().len(), before);
    assert!(v.events(&case, &EventFilter::default(), None, 1_000).unwrap().len() < 1_000);
    assert!(v.verify(Some(&case)).unwrap().iter().all(|c| c.ok()));
    // Not cancelled, the same file goes in whole.
    cancel.store(false, std::sync::atomic::Ordering::Relaxed);
    let report = v.import_timeline(&case, &file, &opts, &mut |_| {}).unwrap();
    assert_eq!(report.imported, 50_000);
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out.sort();
    out
}

/// Hashing evidence, cancelled: `Cancelled`, no evidence record, no blob (not even a temporary one).
#[test]
fn cancelled_evidence_hashing_stores_nothing() {
    let w = crate::util::world();
    let mut v = w.alice.vault();
    let before_files = files_under(v.dir());
    let before = v.records(&w.case, RecordKind::Evidence).unwrap().len();
    let big = w.tmp.path().join("memory.raw");
    std::fs::write(&big, vec![7u8; 4 << 20]).unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // Raised from the progress report after the first megabyte: mid-stream, deterministically.
    let err = v
        .add_evidence(
            &w.case,
            &big,
            None,
            None,
            &mut |n| {
                if n >= 1 << 20 {
                    flag.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            },
            Some(cancel),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(v.records(&w.case, RecordKind::Evidence).unwrap().len(), before);
    let after_files: Vec<_> =
        files_under(v.dir()).into_iter().filter(|p| !p.to_string_lossy().contains("vault.db")).collect();
    let before_files: Vec<_> =
        before_files.into_iter().filter(|p| !p.to_string_lossy().contains("vault.db")).collect();
    assert_eq!(after_files, before_files, "a cancelled hash left files behind");
}

/// Writing a bundle, cancelled: `Cancelled`, and neither the bundle nor a partial file is left.
#[test]
fn a_cancelled_export_leaves_no_file() {
    let w = crate::util::world();
    let mut v = w.alice.vault();
    let dest = w.tmp.path().join("out.casebundle");
    let cancel = Arc::new(AtomicBool::new(true));
    let opts = casebook::ExportOptions { cancel: Some(cancel), ..crate::util::export_opts("Bob") };
    let err = v.export_bundle(&w.case, &dest, &opts, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    let left: Vec<_> = std::fs::read_dir(w.tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("out.casebundle"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // The same export, not cancelled, writes the bundle.
    let opts = crate::util::export_opts("Bob");
    v.export_bundle(&w.case, &dest, &opts, &mut |_| {}).unwrap();
    assert!(dest.is_file());
}
