//! Timeline at scale, on one generated Timesketch CSV of N rows (1,000,000 unless
//! CASEBOOK_BENCH_EVENTS says otherwise), all measured in the same run:
//! - import into the encrypted vault, against a raw rusqlite bulk insert of the same rows into a plain
//!   (unencrypted) bundled SQLite file: rows/s of each and the ratio;
//! - building the text index behind the import (rows/s);
//! - a 200-row timeline page with a time range and a host filter (p50, p99), a text query (p50) and
//!   bucket counts over the whole case;
//! - vault bytes per million events; peak RSS of an import of N/10 and of N rows (child processes).
#![allow(missing_docs)]
#![allow(clippy::disallowed_methods)] // the baseline opens a plain SQLite file directly: that is the point

#[allow(dead_code)] // this bench uses only part of the shared helpers
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casebook::{CaseId, EventFilter, TimelineOptions, Vault};
use common::{PASS, bench_case, events, peak_rss, record_extra, report_peak_rss};
use criterion::{BatchSize, Criterion, Throughput};

fn write_csv(path: &Path, n: u64) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "message,datetime,timestamp_desc,hostname,username,event_id").unwrap();
    for i in 0..n {
        let t = jiff::Timestamp::from_microsecond(1_700_000_000_000_000 + i as i64 * 1_000_003).unwrap();
        writeln!(
            w,
            "4624 An account was successfully logged on: user{} from 10.0.{}.{},{},Event Recorded,ws-{:03},CORP\\user{},{}",
            i % 500,
            i % 256,
            i % 199,
            t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"),
            i % 300,
            i % 500,
            4624 + i % 7
        )
        .unwrap();
    }
}

fn fresh(dir: &Path) -> (Vault, CaseId) {
    let _ = std::fs::remove_dir_all(dir);
    let mut v = Vault::init(dir, PASS, "Bench", "Bench CERT").unwrap();
    let c = bench_case(&mut v);
    (v, c)
}

/// The baseline: the same rows parsed from the same CSV and bulk-inserted with rusqlite into a plain
/// SQLite file (no encryption, no ledger), with a time index.
fn baseline(csv_path: &Path, db: &Path) -> u64 {
    for s in ["", "-wal", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{s}", db.display()));
    }
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE events (id INTEGER PRIMARY KEY, occurred_at INTEGER, host TEXT, account TEXT,
                              description TEXT, timestamp_desc TEXT, attributes TEXT);
         CREATE INDEX events_time ON events(occurred_at);",
    )
    .unwrap();
    let tx = c.unchecked_transaction().unwrap();
    let mut n = 0;
    {
        let mut st = tx
            .prepare(
                "INSERT INTO events (occurred_at, host, account, description, timestamp_desc, attributes) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        let mut r = csv::Reader::from_path(csv_path).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let t: jiff::Timestamp = rec[1].parse().unwrap();
            st.execute(rusqlite::params![
                t.as_microsecond(),
                &rec[3],
                &rec[4],
                &rec[0],
                &rec[2],
                format!("{{\"event_id\":\"{}\"}}", &rec[5])
            ])
            .unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}

fn import(v: &mut Vault, case: &CaseId, csv_path: &Path) -> u64 {
    v.import_timeline(case, csv_path, &TimelineOptions::default(), &mut |_| {}).unwrap().imported
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

fn child(root: &Path) {
    let csv_path = PathBuf::from(std::env::var("CASEBOOK_BENCH_CSV").unwrap());
    let (mut v, case) = fresh(&root.join("rss-vault"));
    import(&mut v, &case, &csv_path);
    report_peak_rss();
}

fn child_peak_rss(root: &Path, csv_path: &Path) -> String {
    peak_rss(&[
        ("CASEBOOK_BENCH_CHILD", "import".as_ref()),
        ("CASEBOOK_BENCH_ROOT", root.as_os_str()),
        ("CASEBOOK_BENCH_CSV", csv_path.as_os_str()),
    ])
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    if std::env::var("CASEBOOK_BENCH_CHILD").is_ok() {
        child(Path::new(&std::env::var("CASEBOOK_BENCH_ROOT").unwrap()));
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let n = events();
    let tmp = tempfile::tempdir().unwrap();
    let csv_path = tmp.path().join("timeline.csv");
    write_csv(&csv_path, n);
    let small_csv = tmp.path().join("timeline-small.csv");
    write_csv(&small_csv, (n / 10).max(1));
    let vault_dir = tmp.path().join("vault");
    let plain = tmp.path().join("plain.sqlite");

    let mut g = c.benchmark_group("timeline");
    g.sample_size(10).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(n));
    g.bench_function(format!("import_{n}_rows"), |b| {
        b.iter_batched(
            || fresh(&vault_dir),
            |(mut v, case)| import(&mut v, &case, &csv_path),
            BatchSize::PerIteration,
        );
    });
    g.bench_function(format!("baseline_plain_sqlite_import_{n}_rows"), |b| {
        b.iter(|| baseline(&csv_path, &plain))
    });

    // One vault kept for the queries.
    let (mut v, case) = fresh(&vault_dir);
    import(&mut v, &case, &csv_path);
    let bytes_before_index = dir_bytes(&vault_dir);
    let t = Instant::now();
    v.index_text(&case, &mut |_, _| {}).unwrap();
    let index_time = t.elapsed();
    let bytes_after_index = dir_bytes(&vault_dir);

    g.throughput(Throughput::Elements(200));
    let span = 1_000_003i64 * n as i64;
    let mut k = 0u64;
    let page = |k: u64| {
        // A one-hour window somewhere in the case, and one of the 300 hosts.
        let from = 1_700_000_000_000_000 + ((k * 7_919_000_000_000) as i64 % span.max(1));
        let filter = EventFilter {
            from: Some(from),
            to: Some(from + 3_600_000_000 * 24),
            host: Some(format!("ws-{:03}", k % 300)),
            ..EventFilter::default()
        };
        v.timeline(&case, &filter, None, None, 200).unwrap().events.len()
    };
    g.bench_function("page_200_rows_time_range_and_host", |b| {
        b.iter(|| {
            k += 1;
            page(k)
        })
    });
    let mut samples = vec![];
    for i in 0..500 {
        let t = Instant::now();
        page(i);
        samples.push(t.elapsed());
    }
    let (p50, p99) = (percentile(samples.clone(), 0.5), percentile(samples, 0.99));
    g.bench_function("text_query_200_rows", |b| {
        b.iter(|| {
            k += 1;
            v.timeline(&case, &EventFilter::default(), Some(&format!("user{}", k % 500)), None, 200)
                .unwrap()
                .events
                .len()
        })
    });
    g.bench_function(format!("bucket_counts_over_{n}_events"), |b| {
        b.iter(|| v.timeline_buckets(&case, 200).unwrap().len())
    });
    g.finish();
    drop(v);

    let per_million = |b: u64| format!("{} MiB", (b * 1_000_000 / n.max(1)) >> 20);
    let mut extra = serde_json::Map::new();
    extra.insert(
        "timeline/page p50 (500 samples)".into(),
        format!("{:.2} ms", p50.as_secs_f64() * 1e3).into(),
    );
    extra.insert(
        "timeline/page p99 (500 samples)".into(),
        format!("{:.2} ms", p99.as_secs_f64() * 1e3).into(),
    );
    extra.insert(
        format!("timeline/text index build, {n} rows"),
        format!("{:.1} s = {:.0} rows/s", index_time.as_secs_f64(), n as f64 / index_time.as_secs_f64())
            .into(),
    );
    extra.insert("timeline/vault bytes per million events".into(), per_million(bytes_before_index).into());
    extra.insert(
        "timeline/vault bytes per million events, with text index".into(),
        per_million(bytes_after_index).into(),
    );
    extra.insert(
        format!("timeline/import peak RSS, {} rows", (n / 10).max(1)),
        child_peak_rss(tmp.path(), &small_csv).into(),
    );
    extra.insert(format!("timeline/import peak RSS, {n} rows"), child_peak_rss(tmp.path(), &csv_path).into());
    record_extra(extra);
    c.final_summary();
}
