use casebook::{CaseId, EventFields, EventFilter, NewCase, RecordKind, Severity, Tlp, Vault, to_fields};
use casebook_ledger::{Op, RecordId};

fn event(i: u64) -> Op {
    let f = EventFields {
        occurred_at: Some(1_700_000_000_000_000 + i as i64),
        description: Some(format!("event {i}")),
        host: Some(format!("ws-{}", i % 7)),
        ..Default::default()
    };
    Op::put(RecordKind::Event, RecordId::new(), to_fields(&f))
}

/// A fresh vault (in a temp dir kept alive by the first element) with one empty case.
fn vault_with_case() -> (tempfile::TempDir, Vault, CaseId) {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = crate::util::person(tmp.path(), "Alice", "CERT-Lyon").vault();
    let case = v
        .create_case(&NewCase {
            title: "pipeline".into(),
            summary: None,
            severity: Severity::Low,
            tlp: Tlp::Green,
            tags: vec![],
            template: None,
        })
        .unwrap();
    (tmp, v, case)
}

/// A reader thread that dies halfway (a bug in a parser, say) must not leave half a stream committed:
/// the end of the stream is marked, and its absence abandons the commit.
#[test]
fn a_stream_whose_reader_panics_midway_writes_nothing() {
    let (_tmp, mut v, case) = vault_with_case();
    let commits_before = v.history(&case).unwrap().len();
    let stream = (0..5_000u64).map(|i| {
        assert!(i != 3_000, "a reader bug at row 3000");
        Ok(event(i))
    });
    let err = v.commit_stream(&case, "import", stream, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), casebook::ErrorCode::Internal, "{err}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(v.history(&case).unwrap().len(), commits_before);
    assert!(v.events(&case, &EventFilter::default(), None, 10).unwrap().is_empty());
    // The vault is fine afterwards: the same stream without the bug goes in whole.
    v.commit_stream(&case, "import", (0..5_000u64).map(|i| Ok(event(i))), &mut |_| {}).unwrap();
    assert_eq!(v.history(&case).unwrap().len(), commits_before + 1);
    assert_eq!(v.events(&case, &EventFilter::default(), None, 10_000).unwrap().len(), 5_000);
    assert!(
        v.verify(Some(&case)).unwrap().iter().all(|c| c.ok()),
        "verify after the failed and the good import"
    );
}

/// An error from the stream (a bad row) abandons the whole commit, however far the writer got.
#[test]
fn a_stream_error_after_many_batches_writes_nothing() {
    let (_tmp, mut v, case) = vault_with_case();
    let stream = (0..20_000u64).map(|i| {
        if i == 19_999 { Err(casebook::Error::Invalid("row 19999 is bad".into())) } else { Ok(event(i)) }
    });
    let err = v.commit_stream(&case, "import", stream, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("row 19999 is bad"), "{err}");
    assert!(v.events(&case, &EventFilter::default(), None, 10).unwrap().is_empty());
}
