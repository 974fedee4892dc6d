//! What the benchmarks share: the passphrase, the number of events, a realistic timeline row, and a
//! bench case.

use casebook::{CaseId, EventFields, NewCase, RecordKind, Severity, Tlp, Vault, to_fields};
use casebook_ledger::{Op, RecordId};

pub const PASS: &str = "copper lantern drift oyster";

/// N: 1,000,000 unless CASEBOOK_BENCH_EVENTS says otherwise.
pub fn events() -> u64 {
    std::env::var("CASEBOOK_BENCH_EVENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000)
}

/// A realistic imported timeline row.
pub fn event_op(i: u64) -> Op {
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

/// A new case titled "bench" in `v`.
pub fn bench_case(v: &mut Vault) -> CaseId {
    v.create_case(&NewCase {
        title: "bench".into(),
        summary: None,
        severity: Severity::High,
        tlp: Tlp::Amber,
        tags: vec![],
        template: None,
    })
    .unwrap()
}

/// In a child process started by [`peak_rss`]: reports this process's peak RSS on stdout.
#[allow(clippy::print_stdout)] // the parent reads it
pub fn report_peak_rss() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    println!("{}", status.lines().find(|l| l.starts_with("VmHWM:")).unwrap());
}

/// Runs this bench binary again with `env` (which tells it what single job to do and then call
/// [`report_peak_rss`]) and returns the child's peak RSS, as "N MiB".
pub fn peak_rss(env: &[(&str, &std::ffi::OsStr)]) -> String {
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let kb: u64 =
        text.trim().trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().unwrap();
    format!("{} MiB", kb / 1024)
}

/// Adds figures criterion does not measure (sizes, peak RSS, percentiles) to
/// `target/criterion/casebook-extra.json`, which `scripts/bench-table.py` prints with the table.
pub fn record_extra(extra: serde_json::Map<String, serde_json::Value>) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/criterion/casebook-extra.json");
    let mut all: serde_json::Map<String, serde_json::Value> =
        std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    all.extend(extra);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_string_pretty(&all).unwrap()).unwrap();
}
