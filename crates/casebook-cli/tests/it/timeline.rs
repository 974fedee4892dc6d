use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::{Env, fails, python, stdout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/timelines").join(name)
}

fn env_case() -> (Env, String) {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let case = env.new_case("Timelines", &[]);
    (env, case)
}

fn event_count(env: &Env, case: &str) -> usize {
    env.json(&["timeline", case, "--limit", "100000"])["events"].as_array().unwrap().len()
}

#[test]
fn every_format_imports_with_format_sniffed() {
    let (env, case) = env_case();
    let mut total = 0;
    for (f, n, format) in [
        ("timesketch.csv", 3, "timesketch-csv"),
        ("timesketch.jsonl", 2, "timesketch-jsonl"),
        ("l2tcsv.csv", 2, "l2tcsv"),
        ("dynamic.csv", 2, "dynamic"),
        ("json_line.jsonl", 2, "json-line"),
    ] {
        let r = env.json(&["import", "timeline", &case, fixture(f).to_str().unwrap()]);
        assert_eq!(r["imported"], n, "{f}: {r}");
        assert_eq!(r["format"], format);
        total += n;
    }
    assert_eq!(event_count(&env, &case), total);
    let hits = env.json(&["timeline", &case, "--text", "invoice.pdf.exe"]);
    assert_eq!(hits["events"].as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(hits["text_index"]["complete"], true);
    let hits = env.json(&["timeline", &case, "--text", "Übersicht"]);
    assert_eq!(hits["events"].as_array().unwrap().len(), 1);
    let by_host = env.json(&["timeline", &case, "--host", "ws-042"]);
    assert_eq!(by_host["events"].as_array().unwrap().len(), 5);
    let by_author = env.json(&["timeline", &case, "--author", "Alice"]);
    assert_eq!(by_author["events"].as_array().unwrap().len(), total);
    assert!(env.json(&["timeline", &case, "--author", "Mallory"])["events"].as_array().unwrap().is_empty());
    let buckets = env.json(&["timeline", &case, "--buckets", "10"]);
    let counted: u64 = buckets.as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, total as u64);
    assert_eq!(
        env.json(&["history", &case])["commits"].as_array().unwrap().len(),
        6,
        "one commit per import"
    );
}

#[test]
fn a_bad_row_stops_the_import_and_names_it_unless_skip_bad() {
    let (env, case) = env_case();
    let bad = fixture("bad_datetime.csv");
    let err = fails(
        env.cmd().args(["import", "timeline", &case]).arg(&bad),
        8,
        "bad_datetime.csv: line 6, column \"datetime\"",
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(event_count(&env, &case), 0);
    assert_eq!(env.json(&["history", &case])["commits"].as_array().unwrap().len(), 1);
    let r = env.json(&["import", "timeline", &case, bad.to_str().unwrap(), "--skip-bad"]);
    assert_eq!(r["imported"], 3);
    assert_eq!(r["skipped"], 1);
    assert!(r["problems"][0].as_str().unwrap().starts_with("line 6"));
    fails(
        env.cmd().args(["import", "timeline", &case]).arg(fixture("missing_column.csv")),
        8,
        "unknown timeline format",
    );
    fails(
        env.cmd()
            .args(["import", "timeline", &case, "--format", "timesketch-csv"])
            .arg(fixture("missing_column.csv")),
        8,
        "line 1, column \"datetime\"",
    );
    fails(env.cmd().args(["import", "timeline", &case]).arg(fixture("naive.csv")), 8, "--tz");
    let r = env.json(&[
        "import",
        "timeline",
        &case,
        fixture("naive.csv").to_str().unwrap(),
        "--tz",
        "Europe/Vienna",
    ]);
    assert_eq!(r["imported"], 1);
    fails(env.cmd().args(["import", "timeline", &case, "--format", "evtx"]).arg(&bad), 8, "unknown format");
    fails(env.cmd().args(["import", "timeline", &case]).arg(env.path("nope.csv")), 8, "cannot read");
}

#[test]
fn csv_export_imports_back_the_same_events() {
    let (env, case) = env_case();
    env.json(&["import", "timeline", &case, fixture("timesketch.csv").to_str().unwrap()]);
    env.json(&["import", "timeline", &case, fixture("l2tcsv.csv").to_str().unwrap()]);
    let out = env.path("out.csv");
    env.json(&["timeline", &case, "--csv", out.to_str().unwrap()]);
    let case2 = env.new_case("Copy", &[]);
    env.json(&["import", "timeline", &case2, out.to_str().unwrap()]);
    let pick =
        |c: &str| -> Vec<(serde_json::Value, serde_json::Value, serde_json::Value, serde_json::Value)> {
            env.json(&["timeline", c])["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["occurred_at"].clone(),
                        e["description"].clone(),
                        e["host"].clone(),
                        e["attributes"].clone(),
                    )
                })
                .collect()
        };
    assert_eq!(pick(&case), pick(&case2));
}

/// Writes a Timesketch CSV of `n` rows.
fn big_csv(path: &Path, n: u64) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "message,datetime,timestamp_desc,hostname").unwrap();
    for i in 0..n {
        let (s, us) = (1_700_000_000 + i as i64, i % 1_000_000);
        let t = jiff::Timestamp::from_second(s).unwrap().strftime("%Y-%m-%dT%H:%M:%S").to_string();
        writeln!(w, "event {i} logon user{},{t}.{us:06}Z,Event Recorded,ws-{:03}", i % 500, i % 300).unwrap();
    }
}

const INTEGRITY: &str = "
import sqlcipher3, sys
c = sqlcipher3.connect(sys.argv[1])
c.execute(\"pragma key='%s'\" % sys.argv[2])
print(c.execute('pragma integrity_check').fetchone()[0])
";

/// Kills the CLI with SIGKILL at random moments of a large import, 50 times: the vault always opens,
/// passes `PRAGMA integrity_check` (stock SQLCipher) and `casebook verify`, and holds none or all of
/// that import's events. The 50 rounds run in two vaults side by side, 25 each, so the test takes
/// half the time on two cores.
#[test]
fn sigkill_during_an_import_leaves_none_or_all() {
    const SEEDS: [u64; 2] = [0x9e37_79b9_7f4a_7c15, 0xd1b5_4a32_d192_ed03];
    const ROUNDS: u32 = 25;
    let lanes: Vec<(u32, u32)> = std::thread::scope(|s| {
        let handles: Vec<_> = SEEDS.map(|seed| s.spawn(move || kill_imports(seed, ROUNDS))).into();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let (killed, finished) = lanes.iter().fold((0, 0), |(k, f), (lk, lf)| (k + lk, f + lf));
    let total = ROUNDS * SEEDS.len() as u32;
    assert!(killed >= 10, "only {killed} of {total} imports were interrupted ({finished} finished)");
}

/// `rounds` imports into one fresh vault, each killed after a delay drawn from `seed` (or left to
/// finish when it is quicker), each followed by the checks; returns (killed, finished).
fn kill_imports(mut seed: u64, rounds: u32) -> (u32, u32) {
    let (env, case) = env_case();
    let csv = env.path("big.csv");
    let rows = 8_000;
    big_csv(&csv, rows);
    // How long an import takes here, to spread the kills over it.
    let t0 = std::time::Instant::now();
    let probe_case = env.new_case("probe", &[]);
    env.json(&["import", "timeline", &probe_case, csv.to_str().unwrap()]);
    let span = t0.elapsed().as_millis() as u64;
    let mut expected = 0u64;
    let (mut killed, mut finished) = (0, 0);
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = 50 + seed % span.max(100);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(["--vault"])
            .arg(&env.vault)
            .args(["import", "timeline", &case])
            .arg(&csv)
            .env("CASEBOOK_PASSPHRASE", crate::util::PASS)
            .env("TMPDIR", &env.tmpdir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "round {round}: the import failed on its own");
                finished += 1;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
            }
        }
        let ok = stdout(
            std::process::Command::new(python())
                .args(["-c", INTEGRITY])
                .arg(env.db())
                .arg(crate::util::PASS)
                .output()
                .unwrap(),
        );
        assert_eq!(ok.trim(), "ok", "round {round}: integrity_check");
        env.cmd().arg("verify").assert().success();
        let n = env.json(&["case", "show", &case])["counts"]["event"].as_u64().unwrap_or(0);
        assert!(
            n == expected || n == expected + rows,
            "round {round}: {n} events, expected {expected} or {}",
            expected + rows
        );
        expected = n;
    }
    (killed, finished)
}
