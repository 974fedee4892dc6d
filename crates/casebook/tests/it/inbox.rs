use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use casebook::{InboxEvent, InboxState, Vault, WatchOptions, Watcher};
use sha2::{Digest, Sha256};

use crate::util::{PASS, World, export_opts, world};

type Log = Arc<Mutex<Vec<(Instant, InboxEvent)>>>;

struct Running {
    stop: Arc<AtomicBool>,
    log: Log,
    handle: Option<JoinHandle<()>>,
}

impl Running {
    fn start(vault: &Path, extra: &[PathBuf], settle: Duration) -> Self {
        let log: Log = Arc::default();
        let (vault, extra, l) = (vault.to_path_buf(), extra.to_vec(), log.clone());
        let (stop_tx, stop_rx) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            let v = Vault::open(&vault, PASS).unwrap();
            let opts = WatchOptions { settle, tick: Duration::from_millis(50), ..WatchOptions::default() };
            let mut w = Watcher::new(v, &extra, opts).unwrap();
            stop_tx.send(w.stopper()).unwrap();
            w.run(&mut |e| l.lock().unwrap().push((Instant::now(), e))).unwrap();
        });
        let stop = stop_rx.recv_timeout(Duration::from_secs(30)).unwrap();
        let r = Self { stop, log, handle: Some(handle) };
        r.wait_for(30, "the watcher to start", |e| e.iter().any(|e| matches!(e, InboxEvent::Watching(_))));
        r
    }

    fn recorded(&self) -> Vec<(Instant, casebook::InboxItem)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(t, e)| match e {
                InboxEvent::Recorded(i) => Some((*t, i.clone())),
                _ => None,
            })
            .collect()
    }

    fn events(&self) -> Vec<InboxEvent> {
        self.log.lock().unwrap().iter().map(|(_, e)| e.clone()).collect()
    }

    /// Waits until `pred` holds on the log, or panics after `secs`.
    fn wait_for(&self, secs: u64, what: &str, pred: impl Fn(&[InboxEvent]) -> bool) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if pred(&self.events()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}; events: {:#?}", self.events());
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.join().expect("the watcher thread panicked");
        }
    }
}

fn recorded_count(r: &Running) -> usize {
    r.recorded().len()
}

fn sha(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// A bundle of a few MiB (Alice's case with a large evidence file), for slow copies.
fn big_bundle(w: &World) -> PathBuf {
    let f = w.path("memory.raw");
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let data: Vec<u8> = (0..3_500_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&f, data).unwrap();
    let mut a = w.alice.vault();
    a.add_evidence(&w.case, &f, None, None, &mut |_| {}, None).unwrap();
    drop(a);
    w.export("big.casebundle", &export_opts("Bob"))
}

#[test]
fn a_slow_copy_is_taken_once_after_its_last_chunk() {
    let w = world();
    let bundle = big_bundle(&w);
    let bytes = std::fs::read(&bundle).unwrap();
    assert!(bytes.len() > 3 << 20, "bundle too small for the test: {}", bytes.len());
    let usb = w.path("usb");
    std::fs::create_dir(&usb).unwrap();
    let r = Running::start(&w.bob.dir, std::slice::from_ref(&usb), Duration::from_millis(800));

    // 64 KiB at a time over about three seconds, closing the file after each chunk as some copy
    // tools do (so close-write alone must not trigger processing).
    let dest = usb.join("case.casebundle");
    let chunks: Vec<&[u8]> = bytes.chunks(64 << 10).collect();
    let pause = Duration::from_millis(3000 / chunks.len() as u64);
    for c in &chunks {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&dest).unwrap();
        f.write_all(c).unwrap();
        drop(f);
        std::thread::sleep(pause);
    }
    let last_write = Instant::now();
    r.wait_for(30, "the bundle to be recorded", |e| e.iter().any(|e| matches!(e, InboxEvent::Recorded(_))));
    std::thread::sleep(Duration::from_millis(1500));
    let rec = r.recorded();
    assert_eq!(rec.len(), 1, "processed more than once: {:#?}", r.events());
    assert!(rec[0].0 >= last_write, "processed before the copy finished");
    assert_eq!(rec[0].1.state, InboxState::Pending, "{:?}", rec[0].1);
    assert_eq!(rec[0].1.sha256, sha(&dest));
}

#[test]
fn tampered_is_quarantined_and_unknown_sender_is_held() {
    let w = world();
    let good = w.export("good.casebundle", &export_opts("Bob"));
    let mut bytes = std::fs::read(&good).unwrap();
    let n = bytes.len() / 2;
    bytes[n] ^= 0x01;
    let inbox = w.bob.dir.join("inbox");
    std::fs::write(inbox.join("tampered.casebundle"), &bytes).unwrap();
    // Carol is a stranger to Bob.
    let carol = crate::util::person(w.tmp.path(), "Carol", "CERT-EU");
    {
        let cv = carol.vault();
        cv.add_partner(
            &w.bob.vault().card(),
            &casebook::PartnerOptions { max_tlp: casebook::Tlp::Red, verified: true },
        )
        .unwrap();
    }
    let mut cv = carol.vault();
    let case = cv
        .create_case(&casebook::NewCase {
            title: "from a stranger".into(),
            summary: None,
            severity: casebook::Severity::Low,
            tlp: casebook::Tlp::Green,
            tags: vec![],
            template: None,
        })
        .unwrap();
    cv.export_bundle(&case, &inbox.join("stranger.casebundle"), &export_opts("Bob"), &mut |_| {}).unwrap();
    drop(cv);
    let r = Running::start(&w.bob.dir, &[], Duration::from_millis(300));
    r.wait_for(30, "two items", |e| e.iter().filter(|e| matches!(e, InboxEvent::Recorded(_))).count() == 2);
    let items = w.bob.vault().inbox_items().unwrap();
    let by_path = |s: &str| items.iter().find(|i| i.paths[0].ends_with(s)).unwrap().clone();
    let t = by_path("tampered.casebundle");
    assert_eq!(t.state, InboxState::Quarantined);
    assert!(t.reason.contains("altered"), "{}", t.reason);
    assert_eq!(w.bob.vault().quarantine().unwrap().len(), 1);
    let s = by_path("stranger.casebundle");
    assert_eq!(s.state, InboxState::Held);
    assert_eq!(s.preview.as_ref().unwrap()["sender"]["trust"], "UNKNOWN sender");
    assert!(w.bob.vault().cases().unwrap().is_empty());
    drop(r);
    // Accepting a held item needs explicit trust.
    let mut bob = w.bob.vault();
    assert_eq!(bob.inbox_accept(s.id, false).unwrap().outcome, casebook::ImportOutcome::Held);
    assert_eq!(bob.inbox_accept(s.id, true).unwrap().outcome, casebook::ImportOutcome::Accepted);
    assert_eq!(bob.cases().unwrap().len(), 1);
}

#[test]
fn a_folder_that_vanishes_and_returns_is_watched_again() {
    let w = world();
    let usb = w.path("usb");
    std::fs::create_dir(&usb).unwrap();
    let r = Running::start(&w.bob.dir, std::slice::from_ref(&usb), Duration::from_millis(300));
    std::fs::remove_dir_all(&usb).unwrap();
    r.wait_for(10, "the folder to be reported gone", |e| {
        e.iter().any(|e| matches!(e, InboxEvent::FolderGone(p) if *p == usb))
    });
    std::fs::create_dir(&usb).unwrap();
    r.wait_for(10, "the folder to be back", |e| {
        e.iter().any(|e| matches!(e, InboxEvent::FolderBack(p) if *p == usb))
    });
    let b = w.export("b.casebundle", &export_opts("Bob"));
    std::fs::copy(&b, usb.join("case.casebundle")).unwrap();
    r.wait_for(20, "the bundle", |e| e.iter().any(|e| matches!(e, InboxEvent::Recorded(_))));
    assert_eq!(r.recorded()[0].1.state, InboxState::Pending);
}

#[test]
fn a_thousand_junk_files_then_a_good_bundle() {
    let w = world();
    let junk = w.path("junk");
    std::fs::create_dir(&junk).unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut expect_recorded = 0;
    for i in 0..1000 {
        let name = match i % 5 {
            0 => format!("empty{i}.casebundle"),
            1 => format!("random{i}.casebundle"),
            2 => format!("photo{i}.jpg"),
            3 => format!(".hidden{i}.casebundle"),
            _ => format!("download{i}.casebundle.part"),
        };
        let mut data = vec![];
        if i % 5 == 1 {
            for _ in 0..(i % 97 + 1) * 16 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                data.extend_from_slice(&seed.to_le_bytes());
            }
        }
        if i % 5 < 2 {
            expect_recorded += 1;
        }
        std::fs::write(junk.join(name), data).unwrap();
    }
    // A huge sparse file: 2 GiB that is all hole.
    let sparse = std::fs::File::create(junk.join("huge.casebundle")).unwrap();
    sparse.set_len(2 << 30).unwrap();
    expect_recorded += 1;
    let r = Running::start(&w.bob.dir, std::slice::from_ref(&junk), Duration::from_millis(300));
    r.wait_for(120, "every junk file", |e| {
        e.iter().filter(|e| matches!(e, InboxEvent::Recorded(_))).count() >= expect_recorded
    });
    let ignored = r.events().iter().filter(|e| matches!(e, InboxEvent::Ignored { .. })).count();
    assert_eq!(ignored, 600, "jpg, hidden and .part files are passed over");
    assert!(r.recorded().iter().all(|(_, i)| i.state == InboxState::Quarantined));
    let huge = r.recorded().into_iter().find(|(_, i)| i.paths[0].ends_with("huge.casebundle")).unwrap().1;
    assert!(huge.reason.contains("not a Casebook bundle"), "{}", huge.reason);
    // Still working afterwards.
    let b = w.export("b.casebundle", &export_opts("Bob"));
    std::fs::copy(&b, junk.join("good.casebundle")).unwrap();
    r.wait_for(30, "the good bundle", |e| {
        e.iter().any(|e| matches!(e, InboxEvent::Recorded(i) if i.state == InboxState::Pending))
    });
    // The quarantine did not copy the 2 GiB file.
    let q: u64 = std::fs::read_dir(w.bob.dir.join("quarantine"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(q < 64 << 20, "quarantine holds {q} bytes");
    assert_eq!(recorded_count(&r), expect_recorded + 1);
}

#[test]
fn same_bundle_in_two_folders_is_one_item_and_accepting_leaves_originals_alone() {
    let w = world();
    let b = w.export("b.casebundle", &export_opts("Bob"));
    let (d1, d2) = (w.path("usb"), w.path("mail"));
    std::fs::create_dir(&d1).unwrap();
    std::fs::create_dir(&d2).unwrap();
    std::fs::copy(&b, d1.join("case.casebundle")).unwrap();
    std::fs::copy(&b, d2.join("case (1).casebundle")).unwrap();
    let before = (sha(&d1.join("case.casebundle")), sha(&d2.join("case (1).casebundle")));
    {
        let bob = w.bob.vault();
        bob.inbox_add_dir(&d1).unwrap();
        bob.inbox_add_dir(&d2).unwrap();
    }
    let r = Running::start(&w.bob.dir, &[], Duration::from_millis(300));
    r.wait_for(30, "both sightings", |e| {
        e.iter().any(|e| matches!(e, InboxEvent::Recorded(_)))
            && e.iter().any(|e| matches!(e, InboxEvent::SeenAgain { .. }))
    });
    drop(r);
    let mut bob = w.bob.vault();
    let items = bob.inbox_items().unwrap();
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0].state, InboxState::Pending);
    assert_eq!(items[0].paths.len(), 2);
    let p = bob.inbox_accept(items[0].id, false).unwrap();
    assert_eq!(p.outcome, casebook::ImportOutcome::Accepted);
    assert_eq!(bob.inbox_item(items[0].id).unwrap().state, InboxState::Accepted);
    assert_eq!(bob.cases().unwrap().len(), 1);
    assert_eq!(before, (sha(&d1.join("case.casebundle")), sha(&d2.join("case (1).casebundle"))));
    assert!(bob.inbox_accept(items[0].id, false).unwrap_err().to_string().contains("only pending or held"));
}

#[test]
fn split_parts_are_taken_together_once_complete() {
    let w = world();
    let bundle = big_bundle(&w);
    let mut o = export_opts("Bob");
    o.split = Some(1 << 20);
    let base = w.path("parts.casebundle");
    let r = w.alice.vault().export_bundle(&w.case, &base, &o, &mut |_| {}).unwrap();
    assert!(r.files.len() >= 3);
    let _ = bundle;
    let inbox = w.bob.dir.join("inbox");
    let running = Running::start(&w.bob.dir, &[], Duration::from_millis(300));
    // The parts arrive one by one, a second apart: nothing is taken until the set is whole.
    for (i, p) in r.files.iter().enumerate() {
        std::fs::copy(p, inbox.join(p.file_name().unwrap())).unwrap();
        if i + 1 < r.files.len() {
            std::thread::sleep(Duration::from_millis(1000));
            assert_eq!(recorded_count(&running), 0, "taken before the last part: {:#?}", running.events());
        }
    }
    running.wait_for(30, "the joined bundle", |e| e.iter().any(|e| matches!(e, InboxEvent::Recorded(_))));
    let rec = running.recorded();
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].1.state, InboxState::Pending, "{:?}", rec[0].1);
    assert_eq!(rec[0].1.paths[0].matches(" + ").count(), r.files.len() - 1);
}

#[test]
fn pipes_devices_and_folders_with_bundle_names_are_recorded_as_failed_not_opened() {
    let w = world();
    let drop_dir = w.path("drop");
    std::fs::create_dir(&drop_dir).unwrap();
    let st = std::process::Command::new("mkfifo").arg(drop_dir.join("pipe.casebundle")).status().unwrap();
    assert!(st.success());
    std::os::unix::fs::symlink("/dev/zero", drop_dir.join("zero.casebundle")).unwrap();
    std::fs::create_dir(drop_dir.join("folder.casebundle")).unwrap();
    let r = Running::start(&w.bob.dir, std::slice::from_ref(&drop_dir), Duration::from_millis(200));
    r.wait_for(20, "three failures", |e| {
        e.iter().filter(|e| matches!(e, InboxEvent::Recorded(_))).count() == 3
    });
    for (_, item) in r.recorded() {
        assert_eq!(item.state, InboxState::Failed, "{item:?}");
        assert!(item.reason.contains("not a regular file"), "{}", item.reason);
    }
    // And the watcher still works.
    let b = w.export("b.casebundle", &export_opts("Bob"));
    std::fs::copy(&b, drop_dir.join("good.casebundle")).unwrap();
    r.wait_for(20, "the good bundle", |e| {
        e.iter().any(|e| matches!(e, InboxEvent::Recorded(i) if i.state == InboxState::Pending))
    });
}
