//! Ledger benchmarks: one commit of N event puts into a fresh encrypted vault, and rebuilding the
//! case from its commits. N is 1,000,000 unless CASEBOOK_BENCH_EVENTS says otherwise.
#![allow(missing_docs)]

use std::time::Duration;

use casebook::{CaseId, EventFields, NewCase, RecordKind, Severity, Tlp, Vault, to_fields};
use casebook_ledger::{Op, RecordId};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const PASS: &str = "copper lantern drift oyster";

fn events() -> u64 {
    std::env::var("CASEBOOK_BENCH_EVENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000)
}

fn fresh(dir: &std::path::Path) -> (Vault, CaseId) {
    let _ = std::fs::remove_dir_all(dir);
    let mut v = Vault::init(dir, PASS, "Bench", "Bench CERT").unwrap();
    let case = v
        .create_case(&NewCase {
            title: "bench".into(),
            summary: None,
            severity: Severity::High,
            tlp: Tlp::Amber,
            tags: vec![],
            template: None,
        })
        .unwrap();
    (v, case)
}

/// A realistic imported timeline row.
fn event_op(i: u64) -> Op {
    let f = EventFields {
        occurred_at: Some(1_700_000_000_000_000 + (i as i64) * 1_000_003),
        description: Some(format!(
            "4624 An account was successfully logged on: user{} from 10.0.{}.{}",
            i % 500,
            i % 256,
            i % 199
        )),
        host: Some(format!("ws-{:03}", i % 300)),
        source: Some("evtx".into()),
        ..Default::default()
    };
    Op::put(RecordKind::Event, RecordId::new(), to_fields(&f))
}

fn apply_and_rebuild(c: &mut Criterion) {
    let n = events();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(n));
    g.bench_function(format!("apply_commit_{n}_event_puts"), |b| {
        b.iter_batched(
            || fresh(&dir),
            |(mut v, case)| {
                v.commit_stream(&case, "bench import", (0..n).map(|i| Ok(event_op(i))), &mut |_| {}).unwrap();
                v
            },
            BatchSize::PerIteration,
        );
    });
    let (mut v, case) = fresh(&dir);
    v.commit_stream(&case, "bench import", (0..n).map(|i| Ok(event_op(i))), &mut |_| {}).unwrap();
    g.bench_function(format!("rebuild_{n}_ops"), |b| {
        b.iter(|| v.rebuild(&case).unwrap());
    });
    g.finish();
}

criterion_group!(benches, apply_and_rebuild);
criterion_main!(benches);
