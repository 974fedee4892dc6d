//! The golden commit: fixed key, ids, salts and clock give fixed bytes, ids and `ops_root`; the stored
//! signature verifies. Regenerate only on purpose, with `UPDATE_GOLDEN=1` (the key is kept).

use std::path::PathBuf;

use casebook_ledger::commit::{self, Signer};
use casebook_ledger::records::to_fields;
use casebook_ledger::{
    CaseFields, CaseId, Commit, CommitId, EventFields, ObservableFields, ObservableType, Op, Phase, RecordId,
    RecordKind, Severity, Tlp,
};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ledger/golden-commit.json")
}

fn fixed_ops(case: CaseId) -> Vec<Op> {
    let event = RecordId::from_bytes(*b"\x01\x93\x4b\x6a\x2c\x00\x70\x00\x80\x00\x00\x00\x00\x00\x00\x01");
    let obs = RecordId::from_bytes(*b"\x01\x93\x4b\x6a\x2c\x00\x70\x00\x80\x00\x00\x00\x00\x00\x00\x02");
    let mut ops = vec![
        Op::put(
            RecordKind::Case,
            case.record(),
            to_fields(&CaseFields {
                title: Some("Ransomware at the water utility".into()),
                phase: Some(Phase::Detect),
                severity: Some(Severity::Critical),
                tlp: Some(Tlp::Amber),
                opened_at: Some(1_732_000_000_000_000),
                ..Default::default()
            }),
        ),
        Op::put(
            RecordKind::Event,
            event,
            to_fields(&EventFields {
                occurred_at: Some(1_732_000_123_456_789),
                occurred_at_text: Some("2024-11-19T08:02:03.456789+01:00".into()),
                description: Some("SCADA historian encrypted; ransom note \"README.txt\" — ünïcode".into()),
                host: Some("hist-01".into()),
                techniques: Some(vec!["T1486".into()]),
                key_event: Some(true),
                ..Default::default()
            }),
        ),
        Op::put(
            RecordKind::Observable,
            obs,
            to_fields(&ObservableFields {
                kind: Some(ObservableType::Domain),
                value: Some("evil.example".into()),
                ioc: Some(true),
                ..Default::default()
            }),
        ),
        Op::del(RecordKind::Observable, obs),
    ];
    for (i, op) in ops.iter_mut().enumerate() {
        op.salt = [i as u8 + 1; 16];
    }
    ops
}

#[test]
fn golden_commit_is_stable() {
    let path = fixture();
    let case = CaseId::from_bytes(*b"\x01\x93\x4b\x6a\x2c\x00\x70\x00\x80\x00\x00\x00\x00\x00\x00\x00");
    let parent = CommitId([0xab; 32]);
    let hlc = 1_732_000_200_000_000;

    let stored: Option<Value> = std::fs::read(&path).ok().map(|b| serde_json::from_slice(&b).unwrap());
    let sk_box = match &stored {
        Some(v) => v["secret_key"].as_str().unwrap().to_string(),
        None => {
            minisign::KeyPair::generate_unencrypted_keypair().unwrap().sk.to_box(None).unwrap().into_string()
        }
    };
    let sk = minisign::SecretKey::from_unencrypted_box(minisign::SecretKeyBox::from_string(&sk_box).unwrap())
        .unwrap();
    let pk = minisign::PublicKey::from_secret_key(&sk).unwrap();
    let signer = Signer { secret: &sk, public: &pk, name: "Golden Tester" };
    let c = commit::build(case, vec![parent], hlc, "golden commit", fixed_ops(case), &signer).unwrap();

    if std::env::var_os("UPDATE_GOLDEN").is_some() || stored.is_none() {
        assert!(std::env::var_os("CI").is_none(), "golden fixture missing in CI");
        let v = json!({
            "comment": "Casebook ledger golden vector: see docs/ledger-format.md. Test key only.",
            "secret_key": sk_box,
            "public_key": pk.to_base64(),
            "op_lines": c.ops.iter().map(|l| String::from_utf8(l.bytes.clone()).unwrap()).collect::<Vec<_>>(),
            "op_hashes": c.ops.iter().map(|l| hex::encode(l.hash)).collect::<Vec<_>>(),
            "ops_root": c.header.ops_root,
            "commit": String::from_utf8(c.bytes.clone()).unwrap(),
            "commit_id": c.id.to_hex(),
            "signature": c.signature,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        return;
    }
    let g = stored.unwrap();
    let lines: Vec<String> = c.ops.iter().map(|l| String::from_utf8(l.bytes.clone()).unwrap()).collect();
    assert_eq!(json!(lines), g["op_lines"], "op bytes drifted");
    let hashes: Vec<String> = c.ops.iter().map(|l| hex::encode(l.hash)).collect();
    assert_eq!(json!(hashes), g["op_hashes"]);
    assert_eq!(json!(c.header.ops_root), g["ops_root"], "ops_root drifted");
    assert_eq!(json!(String::from_utf8(c.bytes.clone()).unwrap()), g["commit"], "commit bytes drifted");
    assert_eq!(json!(c.id.to_hex()), g["commit_id"]);
    assert_eq!(json!(pk.to_base64()), g["public_key"]);

    // The stored signature (made once; signatures are randomized) still verifies over the bytes.
    let stored_lines: Vec<&[u8]> =
        g["op_lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().as_bytes()).collect();
    let back = Commit::from_parts(
        g["commit_id"].as_str().unwrap().parse().unwrap(),
        g["commit"].as_str().unwrap().as_bytes().to_vec(),
        g["signature"].as_str().unwrap().to_string(),
        &stored_lines,
    )
    .unwrap();
    assert_eq!(back.header.author_name, "Golden Tester");
    assert_eq!(back.ops.len(), 4);
}
