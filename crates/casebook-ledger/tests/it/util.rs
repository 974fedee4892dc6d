use casebook_ledger::commit::{self, Signer};
use casebook_ledger::{CaseId, Commit, CommitId, Op, Replica};

pub struct Author {
    pub name: String,
    pub kp: minisign::KeyPair,
    /// This author's own view: every commit it has seen.
    pub replica: Replica,
    pub clock: i64,
}

impl Author {
    pub fn new(name: &str, case: CaseId, clock: i64) -> Self {
        Self {
            name: name.into(),
            kp: minisign::KeyPair::generate_unencrypted_keypair().unwrap(),
            replica: Replica::new(case),
            clock,
        }
    }

    pub fn signer(&self) -> Signer<'_> {
        Signer {
            secret: &self.kp.sk,
            public: &self.kp.pk,
            name: &self.name,
        }
    }

    /// Commits `ops` on top of everything this author has seen; returns the commit.
    pub fn commit(&mut self, case: CaseId, ops: Vec<Op>) -> Commit {
        let parents: Vec<CommitId> = self.replica.dag().heads().into_iter().collect();
        let hlc = commit::next_hlc(
            self.clock,
            parents.iter().filter_map(|p| self.replica.dag().hlc(p)),
        );
        let c = commit::build(case, parents, hlc, "test", ops, &self.signer()).unwrap();
        self.replica.insert(c.clone()).unwrap();
        c
    }
}
