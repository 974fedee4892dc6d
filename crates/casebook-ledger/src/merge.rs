//! The merge rule (DESIGN §5) and the fold from commits to state.
//!
//! For each (record, field), the ops that wrote it and are not superseded by a later write in a
//! descendant commit form the field's *frontier*. The frontier entry with the greatest
//! (commit hlc, author key id, op index, commit id) is the winner. If the frontier holds more than one
//! distinct value, the field is in *conflict*: the winner is shown, the others are kept and visible,
//! and a later commit that descends from all of them resolves it by writing the field again.
//!
//! Because an hlc is strictly greater than its parents', a descendant always outranks its ancestors,
//! and the frontier is a function of the *set* of commits: applying them in any order, any number of
//! times, gives the same state. Commits are applied only once all their parents are present.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::commit::{Commit, CommitError};
use crate::ids::{CaseId, CommitId, KeyId, RecordId};
use crate::op::{DELETED, Op};
use crate::records::RecordKind;

/// The rank of one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    /// The commit's hlc.
    pub hlc: u64,
    /// The author's key id.
    pub author: KeyId,
    /// Position of the op in its commit.
    pub op_index: u32,
    /// The commit (last tie-break, so the order is total).
    pub commit: CommitId,
}

/// One write of one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its rank.
    pub stamp: Stamp,
    /// The value written.
    pub value: Value,
}

/// A field's frontier, sorted by stamp: the last entry is the winner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldState {
    /// The frontier.
    pub entries: Vec<Entry>,
}

impl FieldState {
    /// Applies a write. `superseded(c)` must say whether commit `c` is an ancestor of the writing
    /// commit or the writing commit itself.
    pub fn apply(&mut self, entry: Entry, superseded: &impl Fn(&CommitId) -> bool) {
        self.entries.retain(|e| !superseded(&e.stamp.commit));
        let at = self.entries.partition_point(|e| e.stamp < entry.stamp);
        if self.entries.get(at).is_some_and(|e| e.stamp == entry.stamp) {
            return; // the same write again
        }
        self.entries.insert(at, entry);
    }

    /// The winning entry.
    pub fn winner(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// Whether the frontier holds more than one distinct value.
    pub fn in_conflict(&self) -> bool {
        match self.entries.split_last() {
            Some((w, rest)) => rest.iter().any(|e| e.value != w.value),
            None => false,
        }
    }

    /// The frontier entries whose value differs from the winner's.
    pub fn losers(&self) -> impl Iterator<Item = &Entry> {
        let w = self.winner().map(|w| &w.value);
        self.entries.iter().rev().skip(1).filter(move |e| Some(&e.value) != w)
    }
}

/// A record's merged state.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordState {
    /// Its kind.
    pub kind: RecordKind,
    /// Field frontiers by name.
    pub fields: BTreeMap<String, FieldState>,
}

impl RecordState {
    /// An empty record.
    pub fn new(kind: RecordKind) -> Self {
        Self { kind, fields: BTreeMap::new() }
    }

    /// Applies one op's writes.
    pub fn apply(
        &mut self,
        fields: &Map<String, Value>,
        stamp: Stamp,
        superseded: &impl Fn(&CommitId) -> bool,
    ) {
        for (name, value) in fields {
            self.fields
                .entry(name.clone())
                .or_default()
                .apply(Entry { stamp, value: value.clone() }, superseded);
        }
    }

    /// Winning values (a cleared field is `null`).
    pub fn values(&self) -> Map<String, Value> {
        self.fields.iter().filter_map(|(k, f)| f.winner().map(|w| (k.clone(), w.value.clone()))).collect()
    }

    /// Whether a `del` won.
    pub fn is_deleted(&self) -> bool {
        self.fields.get(DELETED).and_then(FieldState::winner).is_some_and(|w| w.value == Value::Bool(true))
    }

    /// Names of fields in conflict.
    pub fn conflicts(&self) -> impl Iterator<Item = (&String, &FieldState)> {
        self.fields.iter().filter(|(_, f)| f.in_conflict())
    }
}

/// The commit graph of one case: who descends from whom.
#[derive(Debug, Clone, Default)]
pub struct Dag {
    parents: HashMap<CommitId, Vec<CommitId>>,
    hlc: HashMap<CommitId, u64>,
}

impl Dag {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a commit (its parents should already be in).
    pub fn insert(&mut self, id: CommitId, parents: Vec<CommitId>, hlc: u64) {
        self.hlc.insert(id, hlc);
        self.parents.insert(id, parents);
    }

    /// Whether the commit is in the graph.
    pub fn contains(&self, id: &CommitId) -> bool {
        self.parents.contains_key(id)
    }

    /// A commit's parents (empty if unknown).
    pub fn parents(&self, id: &CommitId) -> &[CommitId] {
        self.parents.get(id).map_or(&[], Vec::as_slice)
    }

    /// A commit's hlc.
    pub fn hlc(&self, id: &CommitId) -> Option<u64> {
        self.hlc.get(id).copied()
    }

    /// Number of commits.
    pub fn len(&self) -> usize {
        self.parents.len()
    }

    /// Whether there are no commits.
    pub fn is_empty(&self) -> bool {
        self.parents.is_empty()
    }

    /// Every ancestor of the commit whose parents are `parents`, including those parents.
    pub fn ancestors_of_parents<'a>(
        &self,
        parents: impl IntoIterator<Item = &'a CommitId>,
    ) -> HashSet<CommitId> {
        let mut seen = HashSet::new();
        let mut stack: Vec<CommitId> = parents.into_iter().copied().collect();
        while let Some(c) = stack.pop() {
            if seen.insert(c)
                && let Some(ps) = self.parents.get(&c)
            {
                stack.extend(ps.iter().copied());
            }
        }
        seen
    }

    /// The commits no other commit names as parent.
    pub fn heads(&self) -> BTreeSet<CommitId> {
        let named: HashSet<&CommitId> = self.parents.values().flatten().collect();
        self.parents.keys().filter(|c| !named.contains(c)).copied().collect()
    }

    /// Checks a commit's parents are present and its clock is ahead of each.
    pub fn check_parents(&self, commit: &Commit) -> Result<(), CommitError> {
        for p in &commit.header.parents {
            let parent_hlc = self.hlc(p).ok_or_else(|| CommitError::MissingParent(p.to_hex()))?;
            if commit.header.hlc <= parent_hlc {
                return Err(CommitError::ClockNotAhead { hlc: commit.header.hlc, parent_hlc });
            }
        }
        Ok(())
    }
}

/// Key of a record in a case.
pub type RecordKey = (RecordKind, RecordId);

/// Applies one commit's ops to a record map.
pub fn apply_commit(
    records: &mut BTreeMap<RecordKey, RecordState>,
    commit: &Commit,
    ancestors: &HashSet<CommitId>,
) -> Result<(), CommitError> {
    let author = commit.header.author_key_id()?;
    let superseded = |c: &CommitId| *c == commit.id || ancestors.contains(c);
    for (i, line) in commit.ops.iter().enumerate() {
        let Some(op) = &line.op else { continue };
        apply_op(records, op, stamp(commit, author, i), &superseded);
    }
    Ok(())
}

/// The stamp of op `index` of `commit`.
pub fn stamp(commit: &Commit, author: KeyId, index: usize) -> Stamp {
    Stamp { hlc: commit.header.hlc, author, op_index: index as u32, commit: commit.id }
}

fn apply_op(
    records: &mut BTreeMap<RecordKey, RecordState>,
    op: &Op,
    stamp: Stamp,
    superseded: &impl Fn(&CommitId) -> bool,
) {
    records.entry((op.kind, op.id)).or_insert_with(|| RecordState::new(op.kind)).apply(
        &op.effective_fields(),
        stamp,
        superseded,
    );
}

/// What inserting a commit into a [`Replica`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    /// Applied, with any waiting descendants it unblocked (in application order).
    Applied(Vec<CommitId>),
    /// Already present: nothing changed.
    Duplicate,
    /// Waiting for these parents.
    Pending(Vec<CommitId>),
}

/// The in-memory fold of one case's commits: the reference implementation of the merge.
///
/// Accepts commits in any order: one whose parents are missing waits until they arrive.
#[derive(Debug, Clone)]
pub struct Replica {
    case: CaseId,
    dag: Dag,
    pending: BTreeMap<CommitId, Commit>,
    records: BTreeMap<RecordKey, RecordState>,
}

impl Replica {
    /// An empty replica of `case`.
    pub fn new(case: CaseId) -> Self {
        Self { case, dag: Dag::new(), pending: BTreeMap::new(), records: BTreeMap::new() }
    }

    /// The records.
    pub fn records(&self) -> &BTreeMap<RecordKey, RecordState> {
        &self.records
    }

    /// The commit graph.
    pub fn dag(&self) -> &Dag {
        &self.dag
    }

    /// Commits waiting for parents.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Verifies and inserts a commit.
    pub fn insert(&mut self, commit: Commit) -> Result<Inserted, CommitError> {
        if self.dag.contains(&commit.id) || self.pending.contains_key(&commit.id) {
            return Ok(Inserted::Duplicate);
        }
        commit.verify()?;
        if commit.header.case != self.case {
            return Err(CommitError::WrongCase {
                expected: self.case.to_string(),
                found: commit.header.case.to_string(),
            });
        }
        let missing: Vec<CommitId> =
            commit.header.parents.iter().filter(|p| !self.dag.contains(p)).copied().collect();
        if !missing.is_empty() {
            self.pending.insert(commit.id, commit);
            return Ok(Inserted::Pending(missing));
        }
        let mut applied = vec![];
        self.apply_ready(commit, &mut applied)?;
        // Drain anything now unblocked, until nothing moves.
        loop {
            let ready: Vec<CommitId> = self
                .pending
                .values()
                .filter(|c| c.header.parents.iter().all(|p| self.dag.contains(p)))
                .map(|c| c.id)
                .collect();
            if ready.is_empty() {
                break;
            }
            for id in ready {
                if let Some(c) = self.pending.remove(&id) {
                    self.apply_ready(c, &mut applied)?;
                }
            }
        }
        Ok(Inserted::Applied(applied))
    }

    fn apply_ready(&mut self, commit: Commit, applied: &mut Vec<CommitId>) -> Result<(), CommitError> {
        self.dag.check_parents(&commit)?;
        let ancestors = self.dag.ancestors_of_parents(&commit.header.parents);
        apply_commit(&mut self.records, &commit, &ancestors)?;
        self.dag.insert(commit.id, commit.header.parents.clone(), commit.header.hlc);
        applied.push(commit.id);
        Ok(())
    }
}
