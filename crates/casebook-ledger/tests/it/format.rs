use casebook_ledger::commit::{self, CommitError};
use casebook_ledger::op::{OpError, OpLine};
use casebook_ledger::records::to_fields;
use casebook_ledger::{CaseId, Commit, EventFields, Op, RecordId, RecordKind, TaskFields, TaskStatus};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::util::Author;

fn event_op(desc: &str) -> Op {
    Op::put(
        RecordKind::Event,
        RecordId::new(),
        to_fields(&EventFields {
            occurred_at: Some(1_700_000_000_000_000),
            description: Some(desc.into()),
            host: Some("ws-042".into()),
            techniques: Some(vec!["T1486".into()]),
            ..Default::default()
        }),
    )
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Any event put round-trips through its bytes, and its bytes are stable.
    #[test]
    fn op_round_trips(desc in ".{0,200}", host in "[a-z0-9-]{1,20}", at in any::<i64>(),
                      attrs in prop::collection::btree_map("[a-z_]{1,10}", json_value(), 0..5),
                      key in any::<bool>(), del in any::<bool>()) {
        let op = if del {
            Op::del(RecordKind::Event, RecordId::new())
        } else {
            Op::put(RecordKind::Event, RecordId::new(), to_fields(&EventFields {
                occurred_at: Some(at), description: Some(desc), host: Some(host),
                key_event: Some(key), attributes: Some(attrs.into_iter().collect()), ..Default::default()
            }))
        };
        let bytes = op.to_bytes();
        let back = Op::parse(&bytes).unwrap();
        prop_assert_eq!(&back, &op);
        prop_assert_eq!(back.to_bytes(), bytes);
    }

    /// A commit of any ops verifies, and survives being taken apart and put together.
    #[test]
    fn commit_round_trips(descs in prop::collection::vec(".{0,40}", 0..8), hlc in 1u64..u64::MAX / 2) {
        let case = CaseId::new();
        let a = Author::new("A", case, 0);
        let ops: Vec<Op> = descs.iter().map(|d| event_op(d)).collect();
        let c = commit::build(case, vec![], hlc, "msg", ops, &a.signer()).unwrap();
        c.verify().unwrap();
        let lines: Vec<&[u8]> = c.ops.iter().map(|l| l.bytes.as_slice()).collect();
        let back = Commit::from_parts(c.id, c.bytes.clone(), c.signature.clone(), &lines).unwrap();
        prop_assert_eq!(back, c);
    }
}

#[test]
fn strict_parsing_refuses_what_does_not_fit() {
    let id = RecordId::new();
    let salt = "00112233445566778899aabbccddeeff";
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "malformed op"),
        (
            format!(
                r#"{{"op":"put","kind":"event","id":"{id}","salt":"{salt}","fields":{{"colour":"red"}}}}"#
            ),
            "unknown field",
        ),
        (
            format!(
                r#"{{"op":"put","kind":"event","id":"{id}","salt":"{salt}","fields":{{"key_event":"yes"}}}}"#
            ),
            "invalid type",
        ),
        (
            format!(
                r#"{{"op":"put","kind":"task","id":"{id}","salt":"{salt}","fields":{{"status":"Done"}}}}"#
            ),
            "not a valid task status",
        ),
        (
            format!(
                r#"{{"op":"put","kind":"event","id":"{id}","salt":"{salt}","fields":{{"techniques":["X1"]}}}}"#
            ),
            "ATT&CK",
        ),
        (
            format!(
                r#"{{"op":"put","kind":"event","id":"{id}","salt":"{salt}","fields":{{"host":"a","host":"b"}}}}"#
            ),
            "duplicate field",
        ),
        (
            format!(r#"{{"op":"put","kind":"event","id":"{id}","salt":"{salt}","fields":{{}}}}"#),
            "at least one field",
        ),
        (
            format!(
                r#"{{"op":"put","kind":"event","id":"{id}","salt":"{salt}","fields":{{"deleted":true}}}}"#
            ),
            "only by a del",
        ),
        (
            format!(r#"{{"op":"del","kind":"event","id":"{id}","salt":"{salt}","fields":{{"host":"a"}}}}"#),
            "a del has no fields",
        ),
        (format!(r#"{{"op":"zap","kind":"event","id":"{id}","salt":"{salt}"}}"#), "unknown op"),
        (format!(r#"{{"op":"del","kind":"dragon","id":"{id}","salt":"{salt}"}}"#), "unknown record kind"),
        (
            format!(
                r#"{{"op":"del","kind":"event","id":"{}","salt":"{salt}"}}"#,
                id.to_string().to_uppercase()
            ),
            "not a valid record id",
        ),
        (format!(r#"{{"op":"del","kind":"event","id":"{id}","salt":"00"}}"#), "salt"),
        (format!(r#"{{"op":"del","kind":"event","id":"{id}","salt":"{salt}","extra":1}}"#), "unknown field"),
        (
            format!(
                r#"{{"op":"put","kind":"evidence","id":"{id}","salt":"{salt}","fields":{{"sha256":"ABC"}}}}"#
            ),
            "64 lower-case hex",
        ),
    ];
    for (line, needle) in cases {
        let e = Op::parse(line.as_bytes()).unwrap_err();
        assert!(e.to_string().contains(needle), "{line}\n  gave: {e}\n  expected: {needle}");
    }
    let huge = vec![b' '; casebook_ledger::op::MAX_OP_BYTES + 1];
    assert!(matches!(Op::parse(&huge), Err(OpError::TooLong(_))));
}

#[test]
fn withheld_line_keeps_the_hash_and_ops_root() {
    let case = CaseId::new();
    let a = Author::new("A", case, 0);
    let mut c =
        commit::build(case, vec![], 10, "m", vec![event_op("x"), event_op("secret")], &a.signer()).unwrap();
    let withheld = c.ops[1].withheld();
    assert_eq!(withheld.hash, c.ops[1].hash);
    assert!(withheld.op.is_none());
    assert_eq!(OpLine::parse(&withheld.bytes).unwrap(), withheld);
    c.ops[1] = withheld;
    c.verify().unwrap();
    assert!(!String::from_utf8_lossy(&c.ops[1].bytes).contains("secret"));
}

/// (label, tampered commit, check of the error it must give).
type Tampered = (&'static str, Commit, fn(&CommitError) -> bool);

fn tamper_cases() -> (Commit, Vec<Tampered>) {
    let case = CaseId::new();
    let a = Author::new("A", case, 0);
    let task = Op::put(
        RecordKind::Task,
        RecordId::new(),
        to_fields(&TaskFields {
            title: Some("Isolate".into()),
            status: Some(TaskStatus::Todo),
            ..Default::default()
        }),
    );
    let c = commit::build(case, vec![], 10, "m", vec![event_op("one"), task], &a.signer()).unwrap();
    let mut out: Vec<Tampered> = vec![];

    let mut t = c.clone();
    let n = t.bytes.len() / 2;
    t.bytes[n] ^= 1;
    out.push(("flipped header byte", t, |e| matches!(e, CommitError::IdMismatch)));

    let mut t = c.clone();
    let pos = t.ops[0].bytes.windows(3).position(|w| w == b"one").unwrap();
    t.ops[0].bytes[pos] = b'0';
    out.push(("flipped op byte", t, |e| matches!(e, CommitError::BadOp { .. })));

    let mut t = c.clone();
    t.ops.swap(0, 1);
    out.push(("reordered ops", t, |e| matches!(e, CommitError::OpsRootMismatch)));

    let mut t = c.clone();
    t.ops.pop();
    out.push(("dropped op", t, |e| matches!(e, CommitError::OpCount { .. })));

    let other = Author::new("Mallory", case, 0);
    let mut t = c.clone();
    t.signature = commit::sign_bytes(&t.bytes, &t.id, &other.signer()).unwrap();
    out.push(("signature by another key", t, |e| matches!(e, CommitError::BadSignature(_))));

    // A re-signed header whose ops_root no longer matches its ops.
    let mut h: Map<String, Value> = serde_json::from_slice(&c.bytes).unwrap();
    h.insert("ops_root".into(), json!("00".repeat(32)));
    let mut t = c.clone();
    t.bytes = serde_json::to_vec(&h).unwrap();
    t.id = casebook_ledger::CommitId::of(&t.bytes);
    t.signature = commit::sign_bytes(&t.bytes, &t.id, &a.signer()).unwrap();
    t.header = commit::parse_header(&t.bytes).unwrap();
    out.push(("ops_root mismatch", t, |e| matches!(e, CommitError::OpsRootMismatch)));

    let mut h: Map<String, Value> = serde_json::from_slice(&c.bytes).unwrap();
    h.insert("format".into(), json!(2));
    let mut t = c.clone();
    t.bytes = serde_json::to_vec(&h).unwrap();
    t.id = casebook_ledger::CommitId::of(&t.bytes);
    out.push(("unknown format", t, |e| matches!(e, CommitError::UnknownFormat(2))));
    (c, out)
}

#[test]
fn tampering_is_detected_and_named() {
    let (good, cases) = tamper_cases();
    good.verify().unwrap();
    for (label, c, expected) in cases {
        let e = c.verify().unwrap_err();
        assert!(expected(&e), "{label}: unexpected error {e:?}");
    }
}

#[test]
fn hlc_is_strictly_after_parents() {
    assert_eq!(commit::next_hlc(100, [50, 120]), 121);
    assert_eq!(commit::next_hlc(500, [50, 120]), 500);
    assert_eq!(commit::next_hlc(-5, []), 0);
}

#[test]
fn op_head_reads_kind_and_id_fast_or_slow() {
    let op = event_op("x");
    let bytes = op.to_bytes();
    assert_eq!(casebook_ledger::op::head(&bytes), Some((RecordKind::Event, op.id)));
    // The same op written with other key order and spacing (as another implementation might).
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let reordered = format!(
        "{{ \"salt\": {}, \"id\": {}, \"kind\": \"event\", \"op\": \"put\", \"fields\": {} }}",
        v["salt"], v["id"], v["fields"]
    );
    assert_eq!(casebook_ledger::op::head(reordered.as_bytes()), Some((RecordKind::Event, op.id)));
    let withheld = OpLine::from_op(op).withheld();
    assert_eq!(casebook_ledger::op::head(&withheld.bytes), None);
    assert_eq!(casebook_ledger::op::head(b"{\"op\":\"put\",\"kind\":\"dragon\",\"id\":\"x\"}"), None);
}

/// Regression (found by the bundle_archive fuzz target): minisign 0.10 panics on a global signature
/// shorter than 64 bytes; such a signature must be refused, not crash the reader.
#[test]
fn short_global_signature_is_refused_not_a_panic() {
    let case = CaseId::new();
    let a = Author::new("A", case, 0);
    let c = commit::build(case, vec![], 10, "m", vec![event_op("x")], &a.signer()).unwrap();
    let mut lines: Vec<String> = c.signature.lines().map(str::to_string).collect();
    lines[3] = "AAAA".into();
    let short = lines.join("\n") + "\n";
    let e = commit::verify_header(&c.id, &c.bytes, &short).unwrap_err();
    assert!(matches!(e, CommitError::BadSignature(_)), "{e:?}");
    lines[3] = "A".repeat(86) + "==";
    let wrong = lines.join("\n") + "\n";
    assert!(matches!(commit::verify_header(&c.id, &c.bytes, &wrong), Err(CommitError::BadSignature(_))));
    commit::verify_header(&c.id, &c.bytes, &c.signature).unwrap();
}
