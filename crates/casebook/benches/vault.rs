//! Vault benchmarks: opening and unlocking (SQLCipher's KDF at its defaults included).
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};

const PASS: &str = "copper lantern drift oyster";

fn open_unlock(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    drop(casebook::Vault::init(&dir, PASS, "Bench", "Bench CERT").unwrap());
    let mut g = c.benchmark_group("vault");
    g.sample_size(20);
    g.bench_function("open_unlock", |b| {
        b.iter(|| casebook::Vault::open(&dir, PASS).unwrap());
    });
    g.finish();
}

criterion_group!(benches, open_unlock);
criterion_main!(benches);
