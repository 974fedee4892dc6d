use casebook_ledger::testkit::{fold, simulate, step};
use casebook_ledger::{CaseId, Op, RecordId, RecordKind, Replica};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde_json::{Map, Value, json};

use crate::util::Author;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any permutation of the commits, with duplicates, gives the identical state.
    #[test]
    fn converges_under_permutation_and_duplication(steps in prop::collection::vec(step(), 1..25), seed in any::<u64>(), dups in 0usize..6) {
        let case = CaseId::new();
        let commits = simulate(case, &steps);
        let reference = fold(case, commits.clone());

        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut shuffled = commits.clone();
        for i in 0..dups.min(commits.len()) {
            shuffled.push(commits[i % commits.len()].clone());
        }
        shuffled.shuffle(&mut rng);
        let other = fold(case, shuffled);
        prop_assert_eq!(reference.records(), other.records());
        prop_assert_eq!(reference.dag().heads(), other.dag().heads());
    }
}

#[test]
fn concurrent_writes_pick_the_same_winner_everywhere_and_show_a_conflict() {
    let case = CaseId::new();
    let task = RecordId::new();
    let mut a = Author::new("A", case, 1_000);
    let mut b = Author::new("B", case, 1_000);
    let put = |v: &str| {
        let mut m = Map::new();
        m.insert("status".into(), json!(v));
        Op::put(RecordKind::Task, task, m)
    };
    let base = a.commit(case, vec![put("todo")]);
    b.replica.insert(base.clone()).unwrap();
    a.clock += 10;
    b.clock += 10;
    let ca = a.commit(case, vec![put("done")]);
    let cb = b.commit(case, vec![put("blocked")]);
    a.replica.insert(cb.clone()).unwrap();
    b.replica.insert(ca.clone()).unwrap();
    assert_eq!(a.replica.records(), b.replica.records());

    let state = &a.replica.records()[&(RecordKind::Task, task)];
    let field = &state.fields["status"];
    assert!(field.in_conflict());
    let winner = field.winner().unwrap();
    let loser = field.losers().next().unwrap();
    // Same hlc: the winner is decided by author key id, then op index, then commit id.
    let expected_winner = if (ca.header.hlc, ca.header.author_key_id().unwrap())
        > (cb.header.hlc, cb.header.author_key_id().unwrap())
    {
        "done"
    } else {
        "blocked"
    };
    assert_eq!(winner.value, json!(expected_winner));
    assert_ne!(loser.value, winner.value);

    // A later commit that has seen both resolves it.
    a.clock += 10;
    let fix = a.commit(case, vec![put("done")]);
    b.replica.insert(fix).unwrap();
    for r in [&a.replica, &b.replica] {
        let f = &r.records()[&(RecordKind::Task, task)].fields["status"];
        assert!(!f.in_conflict());
        assert_eq!(f.winner().unwrap().value, json!("done"));
        assert_eq!(f.entries.len(), 1);
    }
}

#[test]
fn same_value_written_concurrently_is_not_a_conflict() {
    let case = CaseId::new();
    let task = RecordId::new();
    let mut a = Author::new("A", case, 0);
    let mut b = Author::new("B", case, 0);
    let mut m = Map::new();
    m.insert("status".into(), json!("done"));
    let ca = a.commit(case, vec![Op::put(RecordKind::Task, task, m.clone())]);
    let cb = b.commit(case, vec![Op::put(RecordKind::Task, task, m)]);
    let r = fold(case, [ca, cb]);
    assert!(!r.records()[&(RecordKind::Task, task)].fields["status"].in_conflict());
}

#[test]
fn a_commit_whose_parent_is_missing_waits_then_applies() {
    let case = CaseId::new();
    let mut a = Author::new("A", case, 0);
    let t = RecordId::new();
    let mk = |v: &str| {
        let mut m = Map::new();
        m.insert("title".into(), Value::String(v.into()));
        Op::put(RecordKind::Task, t, m)
    };
    let c1 = a.commit(case, vec![mk("one")]);
    let c2 = a.commit(case, vec![mk("two")]);
    let mut r = Replica::new(case);
    assert!(
        matches!(r.insert(c2.clone()).unwrap(), casebook_ledger::merge::Inserted::Pending(ref m) if m == &vec![c1.id])
    );
    assert!(r.records().is_empty());
    r.insert(c1).unwrap();
    assert_eq!(r.pending(), 0);
    assert_eq!(r.records()[&(RecordKind::Task, t)].values()["title"], json!("two"));
}

#[test]
fn delete_wins_over_an_earlier_put_and_stays() {
    let case = CaseId::new();
    let mut a = Author::new("A", case, 0);
    let t = RecordId::new();
    let mut m = Map::new();
    m.insert("title".into(), json!("x"));
    a.commit(case, vec![Op::put(RecordKind::Task, t, m.clone())]);
    a.commit(case, vec![Op::del(RecordKind::Task, t)]);
    a.commit(case, vec![Op::put(RecordKind::Task, t, m)]);
    assert!(a.replica.records()[&(RecordKind::Task, t)].is_deleted());
}
