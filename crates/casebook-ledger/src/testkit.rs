//! Test support (feature `testkit`): authors with real keys and a history simulator that produces
//! realistic concurrent commit graphs for property tests here and in the store.

use proptest::prelude::*;
use serde_json::{Map, json};

use crate::commit::{self, Signer};
use crate::{CaseId, Commit, CommitId, Op, RecordId, RecordKind, Replica};

/// An author with a real minisign key and their own view of the case.
pub struct Author {
    /// Display name.
    pub name: String,
    /// Keys.
    pub kp: minisign::KeyPair,
    /// Every commit this author has seen.
    pub replica: Replica,
    /// The author's wall clock (µs); may drift.
    pub clock: i64,
}

impl Author {
    /// A new author of `case`.
    pub fn new(name: &str, case: CaseId, clock: i64) -> Self {
        Self {
            name: name.into(),
            kp: minisign::KeyPair::generate_unencrypted_keypair().expect("key generation"),
            replica: Replica::new(case),
            clock,
        }
    }

    /// Signing view of the keys.
    pub fn signer(&self) -> Signer<'_> {
        Signer { secret: &self.kp.sk, public: &self.kp.pk, name: &self.name }
    }

    /// Commits `ops` on top of everything this author has seen.
    pub fn commit(&mut self, case: CaseId, ops: Vec<Op>) -> Commit {
        let parents: Vec<CommitId> = self.replica.dag().heads().into_iter().collect();
        let hlc = commit::next_hlc(self.clock, parents.iter().filter_map(|p| self.replica.dag().hlc(p)));
        let c = commit::build(case, parents, hlc, "test", ops, &self.signer()).expect("build");
        self.replica.insert(c.clone()).expect("own commit applies");
        c
    }
}

/// One step of a simulated history.
#[derive(Debug, Clone)]
pub enum Step {
    /// An author commits writes: (record index 0..4, field index 0..3, value index 0..4, delete?).
    Commit {
        /// Which author (0..3).
        author: usize,
        /// The writes.
        writes: Vec<(usize, usize, usize, bool)>,
        /// Clock change before committing (may be negative).
        tick: i64,
    },
    /// `to` receives every commit `from` has.
    Sync {
        /// Giver.
        from: usize,
        /// Receiver.
        to: usize,
    },
}

/// Steps of a history with three authors, mostly commits, some syncs.
pub fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..3usize, prop::collection::vec((0..4usize, 0..3usize, 0..4usize, prop::bool::weighted(0.05)), 1..4), -5i64..20)
            .prop_map(|(author, writes, tick)| Step::Commit { author, writes, tick }),
        1 => (0..3usize, 0..3usize).prop_map(|(from, to)| Step::Sync { from, to }),
    ]
}

const FIELDS: [&str; 3] = ["title", "assignee", "status"];
const STATUSES: [&str; 4] = ["todo", "doing", "done", "blocked"];

/// Runs the steps with three authors writing to four tasks; returns every commit made, in the order
/// made (a topological order).
pub fn simulate(case: CaseId, steps: &[Step]) -> Vec<Commit> {
    let records: Vec<RecordId> = (0..4).map(|_| RecordId::new()).collect();
    let mut authors: Vec<Author> = ["A", "B", "C"].iter().map(|n| Author::new(n, case, 1_000)).collect();
    let mut all: Vec<Commit> = vec![];
    for s in steps {
        match s {
            Step::Commit { author, writes, tick } => {
                let a = &mut authors[*author];
                a.clock += tick;
                let ops = writes
                    .iter()
                    .map(|&(r, f, v, del)| {
                        if del {
                            Op::del(RecordKind::Task, records[r])
                        } else {
                            let value = if FIELDS[f] == "status" {
                                json!(STATUSES[v])
                            } else {
                                json!(format!("v{v}"))
                            };
                            let mut m = Map::new();
                            m.insert(FIELDS[f].into(), value);
                            Op::put(RecordKind::Task, records[r], m)
                        }
                    })
                    .collect();
                all.push(a.commit(case, ops));
            }
            Step::Sync { from, to } => {
                if from == to {
                    continue;
                }
                let theirs: Vec<Commit> =
                    all.iter().filter(|c| authors[*from].replica.dag().contains(&c.id)).cloned().collect();
                for c in theirs {
                    authors[*to].replica.insert(c).expect("sync");
                }
            }
        }
    }
    all
}

/// The reference state: `commits` folded in memory, in the order given.
pub fn fold(case: CaseId, commits: impl IntoIterator<Item = Commit>) -> Replica {
    let mut r = Replica::new(case);
    for c in commits {
        r.insert(c).expect("valid commit");
    }
    assert_eq!(r.pending(), 0, "commits left waiting for parents");
    r
}
