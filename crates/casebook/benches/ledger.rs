//! Ledger benchmarks: one commit of N event puts into a fresh encrypted vault, and rebuilding the
//! case from its commits. N is 1,000,000 unless CASEBOOK_BENCH_EVENTS says otherwise.
#![allow(missing_docs)]

#[allow(dead_code)] // this bench uses only part of the shared helpers
mod common;

use common::{PASS, bench_case, event_op, events};
use std::time::Duration;

use casebook::{CaseId, Vault};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn fresh(dir: &std::path::Path) -> (Vault, CaseId) {
    let _ = std::fs::remove_dir_all(dir);
    let mut v = Vault::init(dir, PASS, "Bench", "Bench CERT").unwrap();
    let case = bench_case(&mut v);
    (v, case)
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
