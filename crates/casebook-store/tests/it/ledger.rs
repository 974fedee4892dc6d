use std::collections::HashSet;

use casebook_ledger::records::to_fields;
use casebook_ledger::testkit::{Author, fold, simulate, step};
use casebook_ledger::{CaseId, Commit, EventFields, Op, OpLine, RecordId, RecordKind};
use casebook_store::{CommitWriter, Store, pack_chunks};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::util::{PASS, TempVault};

/// Imports `commits` one or a few at a time in a random order that respects parents, re-importing
/// some along the way.
fn import_shuffled(store: &mut Store, case: CaseId, commits: &[Commit], seed: u64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut done: HashSet<_> = HashSet::new();
    let mut left: Vec<&Commit> = commits.iter().collect();
    while !left.is_empty() {
        left.shuffle(&mut rng);
        let pos = left
            .iter()
            .position(|c| c.header.parents.iter().all(|p| done.contains(p)))
            .expect("a ready commit");
        let c = left.remove(pos);
        let mut batch = vec![c.clone()];
        if let Some(old) = commits.iter().find(|o| done.contains(&o.id)) {
            batch.push(old.clone()); // a duplicate, already applied
        }
        let report = store.import_commits(&case, &batch, 1).unwrap();
        assert_eq!(report.applied, vec![c.id]);
        done.insert(c.id);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The vault's incrementally maintained state equals the in-memory reference fold, and
    /// `rebuild` (which applies in hlc order, not arrival order) gives it again.
    #[test]
    fn incremental_equals_fold_equals_rebuild(steps in prop::collection::vec(step(), 1..20), seed in any::<u64>()) {
        let case = CaseId::new();
        let commits = simulate(case, &steps);
        prop_assume!(!commits.is_empty());
        let reference = fold(case, commits.clone());
        let v = TempVault::new();
        let mut store = Store::open(&v.dir, PASS).unwrap();
        import_shuffled(&mut store, case, &commits, seed);
        prop_assert_eq!(&store.case_state(&case).unwrap(), reference.records());
        store.rebuild(&case).unwrap();
        prop_assert_eq!(&store.case_state(&case).unwrap(), reference.records());
        prop_assert!(store.verify_case(&case).unwrap().failure.is_none());
        // Re-importing everything changes nothing.
        let again = store.import_commits(&case, &commits, 2).unwrap();
        prop_assert!(again.applied.is_empty());
        prop_assert_eq!(again.already_had, commits.len());
        prop_assert_eq!(&store.case_state(&case).unwrap(), reference.records());
    }
}

#[test]
fn local_commits_stream_and_rebuild_to_the_same_state() {
    stream_and_rebuild(&mut |w, ops| ops.into_iter().for_each(|op| w.push(op).unwrap()));
}

/// The same commit written in packed batches (as `Vault::commit_stream` does): with batches of 256
/// the edit and the delete land in a later batch than the records they touch; with one batch of all
/// 605, in the same one; either way inside a group of records inserted by one statement.
#[test]
fn packed_batches_stream_and_rebuild_to_the_same_state() {
    for size in [256, 605] {
        stream_and_rebuild(&mut |w, ops| {
            let lines: Vec<OpLine> = ops.into_iter().map(OpLine::from_op).collect();
            for batch in lines.chunks(size) {
                w.push_packed(batch, &pack_chunks(batch).unwrap()).unwrap();
            }
        });
    }
}

/// 600 events, two of them edited and another deleted, and one more written twice, by `write` as one
/// commit.
fn stream_and_rebuild(write: &mut dyn FnMut(&mut CommitWriter<'_>, Vec<Op>)) {
    let v = TempVault::new();
    let mut store = Store::open(&v.dir, PASS).unwrap();
    let case = CaseId::new();
    let a = Author::new("A", case, 0);
    let ids: Vec<RecordId> = (0..600).map(|_| RecordId::new()).collect();
    let mut ops: Vec<Op> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let f = EventFields {
                occurred_at: Some(i as i64),
                description: Some(format!("event {i}")),
                ..Default::default()
            };
            Op::put(RecordKind::Event, *id, to_fields(&f))
        })
        .collect();
    // The same record written twice in one commit: the later op wins (and the lazily stored first
    // write must be readable mid-commit). In the middle of the stream, so that in packed batches
    // these ops fall inside a group of new records inserted together.
    let f = EventFields { description: Some("edited".into()), ..Default::default() };
    ops.insert(300, Op::put(RecordKind::Event, ids[5], to_fields(&f)));
    ops.insert(320, Op::del(RecordKind::Event, ids[7]));
    // A record first written twice within a few ops of each other.
    let twice = RecordId::new();
    let first = EventFields { occurred_at: Some(1), description: Some("first".into()), ..Default::default() };
    let second = EventFields { description: Some("second".into()), ..Default::default() };
    ops.insert(400, Op::put(RecordKind::Event, twice, to_fields(&first)));
    ops.insert(410, Op::put(RecordKind::Event, twice, to_fields(&second)));
    ops.push(Op::put(RecordKind::Event, ids[9], to_fields(&f)));
    let mut w = store.begin_commit(&case, &a.signer(), 1_000).unwrap();
    write(&mut w, ops);
    let c1 = w.finish("bulk", &a.signer(), 2_000).unwrap();
    assert_eq!(c1.header.op_count, 605);

    let before = store.case_state(&case).unwrap();
    let rec = store.record(&case, RecordKind::Event, &ids[5]).unwrap().unwrap();
    assert_eq!(rec.values["description"], "edited");
    assert_eq!(rec.values["occurred_at"], 5);
    assert!(store.record(&case, RecordKind::Event, &ids[7]).unwrap().unwrap().deleted);
    let rec = store.record(&case, RecordKind::Event, &twice).unwrap().unwrap();
    assert_eq!((&rec.values["description"], &rec.values["occurred_at"]), (&"second".into(), &1.into()));
    let rec = store.record(&case, RecordKind::Event, &ids[9]).unwrap().unwrap();
    assert_eq!((&rec.values["description"], &rec.values["occurred_at"]), (&"edited".into(), &9.into()));
    assert_eq!(store.records(&case, RecordKind::Event, false).unwrap().len(), 600);
    store.rebuild(&case).unwrap();
    assert_eq!(store.case_state(&case).unwrap(), before);

    // The commit carried in full verifies and equals what was built.
    let full = store.full_commits(&case).unwrap();
    assert_eq!(full.len(), 1);
    full[0].verify().unwrap();
    assert_eq!(full[0].id, c1.id);
    assert_eq!(full[0].ops.len(), 605);
    let report = store.verify_case(&case).unwrap();
    assert_eq!((report.commits, report.ops), (1, 605));
    assert!(report.failure.is_none());

    // Received by another vault (ops applied in groups there too), it gives the same state.
    let other = TempVault::new();
    let mut theirs = Store::open(&other.dir, PASS).unwrap();
    let imported = theirs.import_commits(&case, &full, 3_000).unwrap();
    assert_eq!(imported.applied, vec![c1.id]);
    assert_eq!(theirs.case_state(&case).unwrap(), before);
}

#[test]
fn a_commit_with_missing_parents_is_refused_whole() {
    let v = TempVault::new();
    let mut store = Store::open(&v.dir, PASS).unwrap();
    let case = CaseId::new();
    let mut a = Author::new("A", case, 0);
    let t = RecordId::new();
    let mk = |s: &str| {
        let mut m = serde_json::Map::new();
        m.insert("title".into(), s.into());
        Op::put(RecordKind::Task, t, m)
    };
    let c1 = a.commit(case, vec![mk("one")]);
    let c2 = a.commit(case, vec![mk("two")]);
    let e = store.import_commits(&case, std::slice::from_ref(&c2), 1).unwrap_err();
    assert!(e.to_string().contains(&c1.id.to_hex()), "{e}");
    assert!(store.case_ids().unwrap().is_empty(), "a refused import left something behind");
    store.import_commits(&case, &[c2, c1], 1).unwrap();
    assert_eq!(store.records(&case, RecordKind::Task, false).unwrap()[0].values["title"], "two");
}

/// A commit of more events than the vault holds builds the host index afresh at its end (see
/// `HostIndex` in the store): the schema is the same before and after, a host filter finds exactly
/// the right events in time order, and a writer dropped half-way leaves the index in place.
#[test]
fn a_bulk_commit_rebuilds_the_host_index_and_a_rollback_keeps_it() {
    const N: usize = 50_000 + 700; // past the threshold at which the index is dropped
    let v = TempVault::new();
    let mut store = Store::open(&v.dir, PASS).unwrap();
    let case = CaseId::new();
    let a = Author::new("A", case, 0);
    let schema = store.schema_dump().unwrap();
    let lines = |n: usize| -> Vec<OpLine> {
        (0..n)
            .map(|i| {
                let f = EventFields {
                    occurred_at: Some(1_000 + (n - i) as i64), // in reverse time order
                    description: Some(format!("event {i}")),
                    host: Some(format!("h{}", i % 10)),
                    ..Default::default()
                };
                OpLine::from_op(Op::put(RecordKind::Event, RecordId::new(), to_fields(&f)))
            })
            .collect()
    };
    let all = lines(N);
    let host3 = |store: &Store| {
        let filter = casebook_store::EventFilter { host: Some("h3".into()), ..Default::default() };
        store.events(&case, &filter, None, u32::MAX)
    };

    // Dropped after the threshold: rolled back, index and all.
    let mut w = store.begin_commit(&case, &a.signer(), 1_000).unwrap();
    for batch in all.chunks(512) {
        w.push_packed(batch, &pack_chunks(batch).unwrap()).unwrap();
    }
    drop(w);
    assert_eq!(store.schema_dump().unwrap(), schema);
    assert!(matches!(host3(&store), Err(casebook_store::StoreError::NotFound(_))), "nothing was kept");

    let mut w = store.begin_commit(&case, &a.signer(), 1_000).unwrap();
    for batch in all.chunks(512) {
        w.push_packed(batch, &pack_chunks(batch).unwrap()).unwrap();
    }
    w.finish("bulk", &a.signer(), 2_000).unwrap();
    assert_eq!(store.schema_dump().unwrap(), schema);
    let found = host3(&store).unwrap();
    assert_eq!(found.len(), N / 10);
    assert!(found.iter().all(|r| r.values["host"] == "h3"));
    let times: Vec<i64> = found.iter().map(|r| r.values["occurred_at"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "host pages come in time order");

    // A small commit afterwards keeps the index up to date the ordinary way.
    let mut w = store.begin_commit(&case, &a.signer(), 3_000).unwrap();
    for line in lines(30) {
        w.push(line.op.unwrap()).unwrap();
    }
    w.finish("a few more", &a.signer(), 4_000).unwrap();
    assert_eq!(host3(&store).unwrap().len(), N / 10 + 3);

    // So does a rebuild of the whole case.
    let before = store.case_state(&case).unwrap();
    store.rebuild(&case).unwrap();
    assert_eq!(store.case_state(&case).unwrap(), before);
    assert_eq!(store.schema_dump().unwrap(), schema);
    assert_eq!(host3(&store).unwrap().len(), N / 10 + 3);
}

/// Bytes this thread has read through system calls so far (Linux per-thread I/O accounting).
fn thread_read_bytes() -> u64 {
    let io = std::fs::read_to_string("/proc/thread-self/io").unwrap();
    io.lines().find_map(|l| l.strip_prefix("rchar: ")).unwrap().trim().parse().unwrap()
}

/// A bulk commit that drops and rebuilds the host index writes the schema page it changes once: had
/// that page gone to the WAL early and been written over by the rebuild, SQLite would read back and
/// checksum again, at COMMIT, every WAL frame after it (see `HostIndex::hold_schema` in the store).
/// With a small page cache, so that the transaction spills early, and a reader holding a snapshot, so
/// that COMMIT copies nothing into the database file, finishing the commit may read the records back
/// (to build the index from) but not the rest of the WAL the transaction wrote.
#[test]
fn a_bulk_commit_does_not_read_its_wal_back_at_commit() {
    const N: usize = 50_000 + 50_000;
    let v = TempVault::new();
    let mut store = Store::open(&v.dir, PASS).unwrap();
    store.set_page_cache_mib(4).unwrap();
    let case = CaseId::new();
    let a = Author::new("A", case, 0);
    let all: Vec<OpLine> = (0..N)
        .map(|i| {
            let f = EventFields {
                occurred_at: Some(1_000 + i as i64),
                description: Some(format!("logon {i} from 10.0.{}.{}", i % 256, i % 199)),
                host: Some(format!("h{}", i % 300)),
                ..Default::default()
            };
            OpLine::from_op(Op::put(RecordKind::Event, RecordId::new(), to_fields(&f)))
        })
        .collect();
    let reader = crate::util::raw(&v.db(), PASS);
    reader.execute_batch("BEGIN; SELECT count(*) FROM meta;").unwrap();

    let mut w = store.begin_commit(&case, &a.signer(), 1_000).unwrap();
    for batch in all.chunks(512) {
        w.push_packed(batch, &pack_chunks(batch).unwrap()).unwrap();
    }
    let wal = v.db().with_extension("db-wal");
    let written = std::fs::metadata(&wal).unwrap().len();
    let before = thread_read_bytes();
    w.finish("bulk", &a.signer(), 2_000).unwrap();
    let read = thread_read_bytes() - before;
    reader.execute_batch("COMMIT").unwrap();
    let records: i64 =
        reader.query_row("SELECT sum(pgsize) FROM dbstat WHERE name = 'records'", [], |r| r.get(0)).unwrap();
    let records = records as u64;
    assert!(written > records, "the transaction spilled into the WAL ({written} bytes)");
    assert!(
        read <= records + 512 * 1024,
        "finishing read {read} bytes: more than the {records}-byte records table the index is built from"
    );
}
