//! Inbox latency: from the last write of a bundle into a watched folder to its pending record, with
//! the default settle time (2 s: a file must stop changing for that long before it is taken) and with
//! a short one (0.2 s), so the settle wait and the verification cost can be told apart.
#![allow(missing_docs)]

#[allow(dead_code)] // this bench uses only part of the shared helpers
mod common;

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use casebook::{InboxEvent, InboxState, PartnerOptions, Tlp, Vault, WatchOptions, Watcher};
use common::{PASS, bench_case};
use criterion::Criterion;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let tmp = tempfile::tempdir().unwrap();
    let (alice_dir, bob_dir) = (tmp.path().join("alice"), tmp.path().join("bob"));
    let mut alice = Vault::init(&alice_dir, PASS, "Alice", "CERT-Lyon").unwrap();
    let bob = Vault::init(&bob_dir, PASS, "Bob", "CSIRT-Wien").unwrap();
    let trust = PartnerOptions { max_tlp: Tlp::Red, verified: true };
    alice.add_partner(&bob.card(), &trust).unwrap();
    bob.add_partner(&alice.card(), &trust).unwrap();
    drop(bob);
    let case = bench_case(&mut alice);
    let opts = casebook::ExportOptions {
        to: vec!["Bob".into()],
        tlp: Tlp::Amber,
        since_last: false,
        armor: false,
        split: None,
        max_blob_size: 64 << 20,
        allow_unverified: false,
        cancel: None,
    };
    // Distinct bundles (each has its own id), so every one is new to the inbox.
    let bundles: Vec<Vec<u8>> = (0..150)
        .map(|i| {
            let p = tmp.path().join(format!("b{i}.casebundle"));
            alice.export_bundle(&case, &p, &opts, &mut |_| {}).unwrap();
            std::fs::read(p).unwrap()
        })
        .collect();
    let mut next = 0usize;

    let mut g = c.benchmark_group("inbox");
    g.sample_size(10).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
    for (label, settle) in
        [("default_settle_2s", Duration::from_secs(2)), ("settle_0.2s", Duration::from_millis(200))]
    {
        let folder: PathBuf = tmp.path().join(format!("usb-{label}"));
        std::fs::create_dir_all(&folder).unwrap();
        let (tx, rx) = mpsc::channel::<InboxEvent>();
        let (stop_tx, stop_rx) = mpsc::channel();
        let (b, f) = (bob_dir.clone(), folder.clone());
        let handle = std::thread::spawn(move || {
            let v = Vault::open(&b, PASS).unwrap();
            let mut w = Watcher::new(v, &[f], WatchOptions { settle, ..WatchOptions::default() }).unwrap();
            stop_tx.send(w.stopper()).unwrap();
            w.run(&mut |e| {
                let _ = tx.send(e);
            })
            .unwrap();
        });
        let stop = stop_rx.recv().unwrap();
        g.bench_function(format!("last_write_to_pending_{label}"), |bch| {
            bch.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let bytes = &bundles[next % bundles.len()];
                    next += 1;
                    let dest = folder.join(format!("in{next}.casebundle"));
                    let mut out = std::fs::File::create(&dest).unwrap();
                    out.write_all(bytes).unwrap();
                    out.sync_all().unwrap();
                    drop(out);
                    let last_write = Instant::now();
                    loop {
                        match rx.recv_timeout(Duration::from_secs(60)).expect("no inbox record within 60 s") {
                            InboxEvent::Recorded(i) => {
                                assert_eq!(i.state, InboxState::Pending, "{i:?}");
                                total += last_write.elapsed();
                                break;
                            }
                            _ => continue,
                        }
                    }
                }
                total
            });
        });
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        handle.join().unwrap();
    }
    g.finish();
    c.final_summary();
}
