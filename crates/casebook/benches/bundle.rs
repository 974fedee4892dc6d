//! Bundle benchmarks, on one case of N events (1,000,000 unless CASEBOOK_BENCH_EVENTS says otherwise):
//! - export of the case, against the stock baseline `tar --zstd -cf - DIR | age -r RECIPIENT` over the
//!   same files (the bundle's own content, unpacked), measured in the same run;
//! - import + verify + apply into a vault that has never seen the case;
//! - peak RSS of an export and of an import, each run alone in a child process.
#![allow(missing_docs)]

#[allow(dead_code)] // this bench uses only part of the shared helpers
mod common;

use common::{PASS, bench_case, event_op, events, peak_rss, record_extra, report_peak_rss};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use casebook::{CaseId, ExportOptions, ImportOptions, PartnerOptions, Tlp, Vault};
use criterion::{BatchSize, Criterion, Throughput};

struct Setup {
    root: PathBuf,
    case: CaseId,
}

impl Setup {
    fn alice(&self) -> PathBuf {
        self.root.join("alice")
    }
    fn bob_template(&self) -> PathBuf {
        self.root.join("bob-empty")
    }
    fn bundle(&self) -> PathBuf {
        self.root.join("case.casebundle")
    }
}

fn export_opts() -> ExportOptions {
    ExportOptions {
        to: vec!["Bob".into()],
        tlp: Tlp::Amber,
        since_last: false,
        armor: false,
        split: None,
        max_blob_size: 64 << 20,
        allow_unverified: false,
        cancel: None,
    }
}

/// Alice with a case of N events, Bob (an empty vault kept as a template), partners both ways.
fn setup(root: &Path) -> Setup {
    let alice = root.join("alice");
    let bob = root.join("bob-empty");
    let mut a = Vault::init(&alice, PASS, "Alice", "CERT-Lyon").unwrap();
    let b = Vault::init(&bob, PASS, "Bob", "CSIRT-Wien").unwrap();
    let opts = PartnerOptions { max_tlp: Tlp::Red, verified: true };
    a.add_partner(&b.card(), &opts).unwrap();
    b.add_partner(&a.card(), &opts).unwrap();
    let case = bench_case(&mut a);
    a.commit_stream(&case, "bench import", (0..events()).map(|i| Ok(event_op(i))), &mut |_| {}).unwrap();
    let s = Setup { root: root.to_path_buf(), case };
    a.export_bundle(&case, &s.bundle(), &export_opts(), &mut |_| {}).unwrap();
    s
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The child-process side of the RSS measurements: do one export or import, print VmHWM.
fn child(role: &str, root: &Path) {
    let case: CaseId = std::env::var("CASEBOOK_BENCH_CASE").unwrap().parse().unwrap();
    match role {
        "export" => {
            let mut a = Vault::open(&root.join("alice"), PASS).unwrap();
            let out = root.join("rss.casebundle");
            let _ = std::fs::remove_file(&out);
            a.export_bundle(&case, &out, &export_opts(), &mut |_| {}).unwrap();
        }
        "import" => {
            let dir = root.join("bob-rss");
            copy_dir(&root.join("bob-empty"), &dir);
            let mut b = Vault::open(&dir, PASS).unwrap();
            let opts = ImportOptions { accept: true, ..ImportOptions::default() };
            b.import_bundle(&[root.join("case.casebundle")], &opts, &mut |_| {}).unwrap();
        }
        _ => unreachable!(),
    }
    report_peak_rss();
}

fn child_peak_rss(role: &str, root: &Path, case: &CaseId) -> String {
    let case = case.to_string();
    peak_rss(&[
        ("CASEBOOK_BENCH_CHILD", role.as_ref()),
        ("CASEBOOK_BENCH_ROOT", root.as_os_str()),
        ("CASEBOOK_BENCH_CASE", case.as_ref()),
    ])
}

fn main() {
    if let Ok(role) = std::env::var("CASEBOOK_BENCH_CHILD") {
        child(&role, Path::new(&std::env::var("CASEBOOK_BENCH_ROOT").unwrap()));
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let n = events();
    let tmp = tempfile::tempdir().unwrap();
    let s = setup(tmp.path());

    // The baseline's input: the bundle's own files, unpacked with stock tools.
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let key = tmp.path().join("bob-age.txt");
    std::fs::write(
        &key,
        Vault::open(&s.bob_template(), PASS).unwrap().identity().age_identity_file().as_str(),
    )
    .unwrap();
    let st = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "age -d -i '{}' '{}' | tar --zstd -xf - -C '{}'",
            key.display(),
            s.bundle().display(),
            plain.display()
        ))
        .status()
        .unwrap();
    assert!(st.success());
    let content_bytes: u64 = walk_size(&plain);
    let recipient = Vault::open(&s.bob_template(), PASS).unwrap().card().age_recipient;

    let mut g = c.benchmark_group("bundle");
    g.sample_size(10).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
    g.throughput(Throughput::Bytes(content_bytes));
    let out = tmp.path().join("out.casebundle");
    let mut alice = Vault::open(&s.alice(), PASS).unwrap();
    g.bench_function(format!("export_{n}_events"), |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&out);
            alice.export_bundle(&s.case, &out, &export_opts(), &mut |_| {}).unwrap()
        });
    });
    g.bench_function(format!("baseline_tar_zstd_age_{n}_events"), |b| {
        b.iter(|| {
            let st = Command::new("bash")
                .arg("-c")
                .arg(format!(
                    "tar --zstd -cf - -C '{}' casebundle | age -r {recipient} > '{}'",
                    plain.display(),
                    out.display()
                ))
                .status()
                .unwrap();
            assert!(st.success());
        });
    });
    drop(alice);
    g.throughput(Throughput::Elements(n + 1));
    let bob_dir = tmp.path().join("bob");
    g.bench_function(format!("import_verify_apply_{n}_ops"), |b| {
        b.iter_batched(
            || {
                copy_dir(&s.bob_template(), &bob_dir);
                Vault::open(&bob_dir, PASS).unwrap()
            },
            |mut bob| {
                let opts = ImportOptions { accept: true, ..ImportOptions::default() };
                bob.import_bundle(&[s.bundle()], &opts, &mut |_| {}).unwrap();
                bob
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();

    let mut extra = serde_json::Map::new();
    extra.insert(
        format!("bundle/export_{n}_events peak RSS"),
        child_peak_rss("export", tmp.path(), &s.case).into(),
    );
    extra.insert(
        format!("bundle/import_{n}_ops peak RSS"),
        child_peak_rss("import", tmp.path(), &s.case).into(),
    );
    extra.insert(
        format!("bundle/size of the {n}-event bundle"),
        format!(
            "{} MiB ({} MiB of content)",
            std::fs::metadata(s.bundle()).unwrap().len() >> 20,
            content_bytes >> 20
        )
        .into(),
    );
    record_extra(extra);
    c.final_summary();
}

fn walk_size(dir: &Path) -> u64 {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        n += if e.file_type().unwrap().is_dir() { walk_size(&e.path()) } else { e.metadata().unwrap().len() };
    }
    n
}
