//! Handing cases to partners: export a signed, encrypted, TLP-filtered bundle (full or delta), and
//! import one: verify everything, preview, and apply all of it or nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use casebook_bundle::read::{Opened, Sink};
use casebook_bundle::split::{SplitWriter, join};
use casebook_bundle::write::{BundleWriter, commit_line};
use casebook_bundle::{BundleError, CommitEnvelope, Limits, Manifest, Party, Sender, SkippedBlob};
use casebook_ledger::commit::Signer;
use casebook_ledger::op::{self, OpLine};
use casebook_ledger::records::from_fields;
use casebook_ledger::{CaseId, Commit, CommitId, Dag, EvidenceFields, RecordId, RecordKind, Storage, Tlp};
use casebook_store::{Conflict, ImportSession, QuarantineEntry, Store};
use sha2::{Digest, Sha256};

use crate::{Error, Partner, Vault, now_us};

/// Evidence files larger than this are listed in a bundle but not carried, unless told otherwise.
pub const DEFAULT_MAX_BLOB_SIZE: u64 = 64 << 20;

/// Largest refused file copied into the quarantine.
pub const MAX_QUARANTINE_COPY: u64 = 256 << 20;

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Partner names (at least one).
    pub to: Vec<String>,
    /// TLP ceiling: records above it are withheld.
    pub tlp: Tlp,
    /// Send only commits the partners cannot already have.
    pub since_last: bool,
    /// ASCII armor, for pasting into an e-mail.
    pub armor: bool,
    /// Split into numbered parts of at most this many bytes.
    pub split: Option<u64>,
    /// Evidence files larger than this are listed but not carried.
    pub max_blob_size: u64,
    /// Allow partners whose fingerprint was not verified out of band.
    pub allow_unverified: bool,
    /// Raised from another thread to stop the export: nothing is left on disk, nothing recorded.
    pub cancel: Option<crate::CancelFlag>,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    /// The bundle id.
    pub bundle_id: String,
    /// The file, or the parts.
    pub files: Vec<PathBuf>,
    /// SHA-256 of the bundle as written (all parts joined).
    pub sha256: String,
    /// Bytes written.
    pub bytes: u64,
    /// The manifest it carries.
    pub manifest: Manifest,
}

/// How far the sender of a bundle is trusted here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderTrust {
    /// A partner whose fingerprint was verified out of band.
    Verified,
    /// A known partner, not yet verified.
    Unverified,
    /// Nobody this vault knows.
    Unknown,
    /// This vault's own key (a bundle you made).
    Myself,
}

impl SenderTrust {
    /// The word shown.
    pub fn as_str(self) -> &'static str {
        match self {
            SenderTrust::Verified => "verified partner",
            SenderTrust::Unverified => "partner NOT VERIFIED",
            SenderTrust::Unknown => "UNKNOWN sender",
            SenderTrust::Myself => "yourself",
        }
    }
}

/// What happened to an imported bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Verified; shown, nothing changed (no `--accept`).
    Previewed,
    /// Verified and applied.
    Accepted,
    /// Verified, but the sender is not a verified partner: nothing changed.
    Held,
    /// Verified; the vault already had every commit.
    AlreadyHad,
}

impl ImportOutcome {
    /// The word shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportOutcome::Previewed => "previewed",
            ImportOutcome::Accepted => "accepted",
            ImportOutcome::Held => "held",
            ImportOutcome::AlreadyHad => "already had",
        }
    }
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Apply it (otherwise only verify and preview).
    pub accept: bool,
    /// Accept from a sender who is not a verified partner.
    pub trust_new_sender: bool,
    /// Bounds on what is read.
    pub limits: Limits,
}

/// What a verified bundle holds and would change.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// What happened.
    pub outcome: ImportOutcome,
    /// The manifest (verified).
    pub manifest: Manifest,
    /// Trust in the sender.
    pub trust: SenderTrust,
    /// Whether this vault is among the recipients the sender named (false: forwarded to you).
    pub addressed_to_me: bool,
    /// Commits carried.
    pub commits: u64,
    /// Commits new to this vault.
    pub new_commits: u64,
    /// Records the bundle creates here, per kind.
    pub new_records: BTreeMap<String, u64>,
    /// Fields in conflict after applying.
    pub conflicts: Vec<Conflict>,
    /// SHA-256 of the bundle file(s).
    pub sha256: String,
}

/// Decides which records stay home: above the ceiling by their own TLP or, lacking one, the case's
/// (custody entries follow their evidence).
struct TlpFilter {
    /// False when nothing in the case is above the ceiling: ops then pass without being looked at.
    can_withhold: bool,
    ceiling: Tlp,
    case_tlp: Tlp,
    explicit: HashMap<(RecordKind, RecordId), Tlp>,
    custody_of: HashMap<RecordId, RecordId>,
}

impl TlpFilter {
    fn new(vault: &Vault, case: &CaseId, ceiling: Tlp) -> Result<Self, Error> {
        let mut explicit = HashMap::new();
        for (k, id, t) in vault.store.explicit_tlps(case)? {
            explicit.insert((k, id), t.parse::<Tlp>()?);
        }
        let case_tlp = explicit.get(&(RecordKind::Case, case.record())).copied().unwrap_or(Tlp::Amber);
        let mut custody_of = HashMap::new();
        for r in vault.store.records(case, RecordKind::Custody, true)? {
            if let Some(ev) = r.values.get("evidence").and_then(|v| v.as_str()).and_then(|s| s.parse().ok()) {
                custody_of.insert(r.id, ev);
            }
        }
        let can_withhold = case_tlp > ceiling || explicit.values().any(|t| *t > ceiling);
        Ok(Self { can_withhold, ceiling, case_tlp, explicit, custody_of })
    }

    fn tlp(&self, kind: RecordKind, id: &RecordId) -> Tlp {
        if kind == RecordKind::Custody
            && let Some(ev) = self.custody_of.get(id)
        {
            return self.tlp(RecordKind::Evidence, ev);
        }
        self.explicit.get(&(kind, *id)).copied().unwrap_or(self.case_tlp)
    }

    fn withheld(&self, kind: RecordKind, id: &RecordId) -> bool {
        self.can_withhold && self.tlp(kind, id) > self.ceiling
    }
}

/// Counts and hashes what passes to the output.
struct Counting<W> {
    inner: W,
    bytes: u64,
    hasher: Sha256,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The output: one file (written under a temporary name, renamed when complete) or numbered parts.
enum Output {
    File { tmp: PathBuf, dest: PathBuf, file: io::BufWriter<fs::File> },
    Parts(SplitWriter),
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::File { file, .. } => file.write(buf),
            Output::Parts(p) => p.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::File { file, .. } => file.flush(),
            Output::Parts(p) => p.flush(),
        }
    }
}

impl Output {
    fn create(dest: &Path, split: Option<u64>) -> Result<Self, Error> {
        if let Some(size) = split {
            // A failed export removes the parts from 1 up; they must all be this export's own.
            let first = casebook_bundle::split::part_path(dest, 1);
            if first.exists() {
                return Err(Error::Invalid(format!(
                    "{} already exists; choose another name",
                    first.display()
                )));
            }
            return Ok(Output::Parts(SplitWriter::new(dest, size)));
        }
        if dest.exists() {
            return Err(Error::Invalid(format!("{} already exists; choose another name", dest.display())));
        }
        let name =
            dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
        let tmp = dest.with_file_name(format!(".{name}.partial"));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| Error::Invalid(format!("cannot create {}: {e}", tmp.display())))?;
        Ok(Output::File { tmp, dest: dest.to_path_buf(), file: io::BufWriter::new(file) })
    }

    fn finish(self) -> io::Result<Vec<PathBuf>> {
        match self {
            Output::File { tmp, dest, file } => {
                let f = file.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()?;
                fs::rename(&tmp, &dest)?;
                Ok(vec![dest])
            }
            Output::Parts(p) => p.finish(),
        }
    }
}

/// Removes what a failed export wrote.
fn discard(dest: &Path, split: bool) {
    if split {
        for n in 1..1000 {
            let p = casebook_bundle::split::part_path(dest, n);
            if fs::remove_file(&p).is_err() {
                break;
            }
        }
    } else if let Some(name) = dest.file_name() {
        let _ = fs::remove_file(dest.with_file_name(format!(".{}.partial", name.to_string_lossy())));
    }
}

/// Commits known to every partner: the ancestors of what was last sent to or received from each.
fn known_to_all(dag: &Dag, states: &[(Vec<CommitId>, Vec<CommitId>)]) -> HashSet<CommitId> {
    let mut known: Option<HashSet<CommitId>> = None;
    for (sent, received) in states {
        let mine: HashSet<CommitId> =
            dag.ancestors_of_parents(sent.iter().chain(received).filter(|c| dag.contains(c)));
        known = Some(match known {
            None => mine,
            Some(k) => k.intersection(&mine).copied().collect(),
        });
    }
    known.unwrap_or_default()
}

impl Vault {
    fn signer_keys(&self) -> Result<(minisign::SecretKey, minisign::PublicKey, String), Error> {
        Ok((self.identity.minisign_secret()?, self.identity.minisign_public()?, self.card().name))
    }

    /// What an export at TLP `ceiling` would withhold: live records per kind that stay home.
    pub fn withheld_at(&self, case: &CaseId, ceiling: Tlp) -> Result<BTreeMap<String, u64>, Error> {
        let filter = TlpFilter::new(self, case, ceiling)?;
        let mut out = BTreeMap::new();
        if !filter.can_withhold {
            return Ok(out);
        }
        let live: HashMap<RecordKind, u64> = self.store.record_counts(case)?.into_iter().collect();
        // Deleted records keep their TLP (their old ops must still be withheld) but are not counted.
        let mut own_tlps = vec![];
        for ((kind, id), tlp) in &filter.explicit {
            if self.store.record(case, *kind, id)?.is_some_and(|r| !r.deleted) {
                own_tlps.push((*kind, *tlp));
            }
        }
        for kind in RecordKind::ALL.into_iter().filter(|k| *k != RecordKind::Custody) {
            // Records without their own TLP follow the case's: count them from the totals rather than
            // reading every record (a case may hold a million events).
            let own = own_tlps.iter().filter(|(k, _)| *k == kind);
            let n = if filter.case_tlp > ceiling {
                let kept = own.filter(|(_, t)| *t <= ceiling).count() as u64;
                live.get(&kind).copied().unwrap_or(0).saturating_sub(kept)
            } else {
                own.filter(|(_, t)| *t > ceiling).count() as u64
            };
            if n > 0 {
                out.insert(kind.as_str().to_string(), n);
            }
        }
        let custody =
            filter.custody_of.keys().filter(|id| filter.withheld(RecordKind::Custody, id)).count() as u64;
        if custody > 0 {
            out.insert(RecordKind::Custody.as_str().to_string(), custody);
        }
        Ok(out)
    }

    /// Writes `case` as a bundle for the partners in `opts.to` to `dest`.
    pub fn export_bundle(
        &mut self,
        case: &CaseId,
        dest: &Path,
        opts: &ExportOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ExportReport, Error> {
        self.record(case, RecordKind::Case, &case.record())?;
        if opts.to.is_empty() {
            return Err(Error::Invalid("name at least one partner to send the bundle to".into()));
        }
        let mut partners: Vec<Partner> = vec![];
        for name in &opts.to {
            let p = self.store.partner(name)?;
            let max: Tlp = p.max_tlp.parse()?;
            if max < opts.tlp {
                return Err(Error::Invalid(format!(
                    "{} may receive at most TLP:{}, below this bundle's ceiling TLP:{}; lower the ceiling to \
                     {} or raise their limit",
                    p.name,
                    max.as_str().to_uppercase(),
                    opts.tlp.as_str().to_uppercase(),
                    max
                )));
            }
            if !p.verified && !opts.allow_unverified {
                return Err(Error::Invalid(format!(
                    "{}'s fingerprint was never verified: read it with them over the phone and mark them \
                     verified, or explicitly allow unverified partners for this bundle",
                    p.name
                )));
            }
            if !partners.iter().any(|q| q.name == p.name) {
                partners.push(p);
            }
        }
        let filter = TlpFilter::new(self, case, opts.tlp)?;
        let raw = self.store.raw_commits(case)?;
        let mut dag = Dag::new();
        let mut headers = HashMap::new();
        for c in &raw {
            let h = casebook_ledger::commit::parse_header(&c.bytes)
                .map_err(|e| Error::Invalid(format!("stored commit {}: {e}", c.id.short())))?;
            dag.insert(c.id, c.parents.clone(), h.hlc);
            headers.insert(c.id, h);
        }
        let known = if opts.since_last {
            let states: Vec<_> =
                partners.iter().map(|p| self.store.sync_state(&p.name, case)).collect::<Result<_, _>>()?;
            known_to_all(&dag, &states)
        } else {
            HashSet::new()
        };
        let send: Vec<&casebook_store::RawCommit> = raw.iter().filter(|c| !known.contains(&c.id)).collect();
        if send.is_empty() {
            return Err(Error::Invalid(
                "nothing new to send: the partners already have every commit of this case".into(),
            ));
        }
        let base: Vec<String> = {
            let named: HashSet<&CommitId> = known.iter().flat_map(|c| dag.parents(c)).collect();
            let mut b: Vec<String> =
                known.iter().filter(|c| !named.contains(c)).map(CommitId::to_hex).collect();
            b.sort();
            b
        };

        // First pass: sizes of the ops files, what is withheld, which evidence travels.
        let mut withheld: BTreeMap<String, u64> = BTreeMap::new();
        let mut sizes: Vec<u64> = Vec::with_capacity(send.len());
        let mut ops_total = 0u64;
        let mut evidence_written: HashSet<RecordId> = HashSet::new();
        // A full export with nothing to withhold needs no look at the ops: sizes come from the store
        // and every evidence file travels.
        let scan = filter.can_withhold || opts.since_last;
        if !scan {
            for r in self.store.records(case, RecordKind::Evidence, false)? {
                evidence_written.insert(r.id);
            }
        }
        for c in &send {
            if !scan {
                sizes.push(self.store.ops_file_size(c.seq)?);
                ops_total += headers[&c.id].op_count;
                continue;
            }
            let mut size = 0u64;
            self.store.for_each_op_line(c.seq, |_, line| {
                ops_total += 1;
                match op::head(line) {
                    Some((kind, id)) if filter.withheld(kind, &id) => {
                        *withheld.entry(kind.as_str().into()).or_default() += 1;
                        size += op::withheld_line(&op::sha256(line)).len() as u64 + 1;
                    }
                    head => {
                        if let Some((RecordKind::Evidence, id)) = head {
                            evidence_written.insert(id);
                        }
                        size += line.len() as u64 + 1;
                    }
                }
                Ok(())
            })?;
            sizes.push(size);
        }
        let mut blobs: Vec<(String, u64)> = vec![];
        let mut blobs_skipped: Vec<SkippedBlob> = vec![];
        for r in self.store.records(case, RecordKind::Evidence, false)? {
            if !evidence_written.contains(&r.id) || filter.withheld(RecordKind::Evidence, &r.id) {
                continue;
            }
            let e: EvidenceFields = from_fields(&r.values).map_err(|e| Error::Invalid(e.to_string()))?;
            let (Some(sha), Some(size), Some(Storage::Vault)) = (e.sha256, e.size, e.storage) else {
                continue;
            };
            if blobs.iter().any(|(s, _)| *s == sha) {
                continue;
            }
            if size > opts.max_blob_size {
                blobs_skipped.push(SkippedBlob {
                    sha256: sha,
                    size,
                    reason: "larger than the size limit for evidence files".into(),
                });
            } else if !self.store.has_blob(&sha) {
                blobs_skipped.push(SkippedBlob {
                    sha256: sha,
                    size,
                    reason: "missing from the sender's vault".into(),
                });
            } else {
                blobs.push((sha, size));
            }
        }

        let me = self.card();
        let case_record = self.store.record(case, RecordKind::Case, &case.record())?;
        let manifest = Manifest {
            format: casebook_bundle::FORMAT.into(),
            bundle_id: uuid::Uuid::now_v7().to_string(),
            created_at: now_us(),
            case_id: case.to_string(),
            case_title: if filter.withheld(RecordKind::Case, &case.record()) {
                None
            } else {
                case_record.and_then(|r| r.values.get("title").and_then(|t| t.as_str()).map(str::to_string))
            },
            sender: Sender {
                name: me.name.clone(),
                org: me.org.clone(),
                age: me.age_recipient.clone(),
                minisign: me.minisign_public.clone(),
                fingerprint: me.fingerprint(),
            },
            recipients: partners
                .iter()
                .map(|p| Party {
                    name: p.name.clone(),
                    org: p.org.clone(),
                    fingerprint: p.fingerprint.clone(),
                })
                .collect(),
            tlp_ceiling: opts.tlp.as_str().into(),
            base,
            heads: self.store.heads(case)?.iter().map(CommitId::to_hex).collect(),
            commits: send.len() as u64,
            ops: ops_total,
            withheld,
            blobs: blobs.len() as u64,
            blobs_skipped,
        };
        let summary = self.summary_markdown(
            case,
            &|k, id| filter.withheld(k, id),
            &format!(
                "Bundle {} from {} ({}), fingerprint {}, TLP ceiling TLP:{}. Withheld ops: {}.",
                manifest.bundle_id,
                me.name,
                me.org,
                me.fingerprint(),
                opts.tlp.as_str().to_uppercase(),
                manifest.withheld_total()
            ),
        )?;

        let mut recipients: Vec<age::x25519::Recipient> = vec![self.identity.age_identity()?.to_public()];
        for p in &partners {
            recipients
                .push(p.age_recipient.parse().map_err(|e: &str| Error::Invalid(format!("{}: {e}", p.name)))?);
        }
        let (sk, pk, name) = self.signer_keys()?;
        let signer = Signer { secret: &sk, public: &pk, name: &name };
        let output = Output::create(dest, opts.split)?;
        let output = crate::cancel::Cancellable { inner: output, flag: opts.cancel.clone() };
        let counting = Counting { inner: output, bytes: 0, hasher: Sha256::new() };
        let written = (|| -> Result<Counting<crate::cancel::Cancellable<Output>>, Error> {
            let mut w =
                BundleWriter::new(counting, &recipients, opts.armor, &manifest).map_err(Error::Bundle)?;
            let mut commits_jsonl = Vec::new();
            for c in &send {
                let header = headers[&c.id].clone();
                commits_jsonl.extend(commit_line(&CommitEnvelope {
                    id: c.id,
                    bytes: c.bytes.clone(),
                    signature: c.signature.clone(),
                    header,
                }));
            }
            w.add_bytes("ledger/commits.jsonl", &commits_jsonl).map_err(Error::Bundle)?;
            let mut done = 0u64;
            for (c, size) in send.iter().zip(&sizes) {
                let mut lines = OpsFile {
                    store: &self.store,
                    filter: &filter,
                    seq: c.seq,
                    buf: Vec::new(),
                    pos: 0,
                    next: 0,
                };
                w.add_stream(&format!("ledger/ops/{}.jsonl", c.id), *size, &mut lines)
                    .map_err(Error::Bundle)?;
                done += headers[&c.id].op_count;
                progress(done);
            }
            let identity = self.identity.age_identity()?;
            for (sha, size) in &blobs {
                let r = self.store.open_blob(sha, &identity)?;
                w.add_stream(&format!("blobs/{sha}"), *size, r).map_err(Error::Bundle)?;
            }
            w.add_bytes("summary.md", summary.as_bytes()).map_err(Error::Bundle)?;
            w.finish(&signer).map_err(Error::Bundle)
        })();
        let counting = match written {
            Ok(c) => c,
            Err(_) if crate::cancel::raised(&opts.cancel) => {
                discard(dest, opts.split.is_some());
                return Err(Error::Cancelled);
            }
            Err(e) => {
                discard(dest, opts.split.is_some());
                return Err(e);
            }
        };
        let sha256 = hex::encode(counting.hasher.finalize());
        let bytes = counting.bytes;
        let files = counting.inner.inner.finish().map_err(|e| {
            discard(dest, opts.split.is_some());
            Error::Invalid(format!("cannot finish writing {}: {e}", dest.display()))
        })?;

        let heads = self.store.heads(case)?;
        for p in &partners {
            self.store.set_sync_heads(&p.name, case, true, &heads)?;
        }
        let names: Vec<String> = partners.iter().map(|p| format!("{} {}", p.name, p.fingerprint)).collect();
        self.store.audit(
            now_us(),
            "export",
            &format!(
                "bundle {} case {} to [{}] TLP:{} commits {} withheld {} sha256 {sha256}",
                manifest.bundle_id,
                case,
                names.join(", "),
                opts.tlp.as_str().to_uppercase(),
                manifest.commits,
                manifest.withheld_total()
            ),
        )?;
        Ok(ExportReport { bundle_id: manifest.bundle_id.clone(), files, sha256, bytes, manifest })
    }

    /// Verifies the bundle in `files` (one file, or the parts in order), previews it, and with
    /// `opts.accept` applies it in one transaction. A bundle that fails any check is copied to the
    /// quarantine with its reason and changes nothing else.
    pub fn import_bundle(
        &mut self,
        files: &[PathBuf],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportPreview, Error> {
        if files.is_empty() {
            return Err(Error::Invalid("no bundle file given".into()));
        }
        for f in files {
            if !f.is_file() {
                return Err(Error::Invalid(format!("{} is not a readable file", f.display())));
            }
        }
        let origin = files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" + ");
        let identity = self.identity.age_identity()?;
        let recipient = identity.to_public();
        let me = self.card();
        let input = join(files).map_err(|e| Error::Invalid(e.to_string()))?;
        let mut hashing = HashingReader { inner: input, hasher: Sha256::new() };
        let (result, session, trust, created_blobs, commits, new_commits) = {
            let mut sink = ImportSink {
                store: Some(&mut self.store),
                session: None,
                recipient: &recipient,
                me_minisign: &me.minisign_public,
                trust: SenderTrust::Unknown,
                created_blobs: vec![],
                ops: 0,
                progress,
                commits: 0,
                new_commits: 0,
            };
            let result = casebook_bundle::read::read(&mut hashing, &identity, &opts.limits, &mut sink);
            let ImportSink { session, trust, created_blobs, commits, new_commits, .. } = sink;
            (result, session, trust, created_blobs, commits, new_commits)
        };
        // Whatever happened, hash the whole input for the record.
        let _ = io::copy(&mut hashing, &mut io::sink());
        let sha256 = hex::encode(hashing.hasher.finalize());

        let opened: Opened = match result {
            Ok(o) => o,
            Err(e) => {
                drop(session);
                self.undo_blobs(&created_blobs);
                return Err(self.quarantine_bundle(files, &origin, &sha256, &e.to_string()));
            }
        };
        let session = session.expect("a verified bundle had a manifest");
        let mut new_records = BTreeMap::new();
        for (k, n) in session.new_records() {
            new_records.insert(k.as_str().to_string(), *n);
        }
        let conflicts = session.conflicts()?;
        let addressed_to_me = trust == SenderTrust::Myself
            || opened.manifest.recipients.iter().any(|r| r.fingerprint == me.fingerprint());
        let trusted = matches!(trust, SenderTrust::Verified | SenderTrust::Myself) || opts.trust_new_sender;
        let outcome = if new_commits == 0 {
            ImportOutcome::AlreadyHad
        } else if !trusted {
            ImportOutcome::Held
        } else if opts.accept {
            ImportOutcome::Accepted
        } else {
            ImportOutcome::Previewed
        };
        let case: CaseId =
            opened.manifest.case_id.parse().map_err(|_| Error::Invalid("bad case id".into()))?;
        if outcome == ImportOutcome::Accepted {
            session.commit()?;
        } else {
            drop(session);
            self.undo_blobs(&created_blobs);
        }
        let m = &opened.manifest;
        let detail = format!(
            "bundle {} case {} from {} {} sha256 {sha256} commits {new_commits}/{commits}",
            m.bundle_id, m.case_id, m.sender.name, m.sender.fingerprint
        );
        match outcome {
            ImportOutcome::Accepted => {
                if let Some(p) = self.store.partner_by_key(&m.sender.age, &m.sender.minisign)? {
                    let heads: Vec<CommitId> = m.heads.iter().filter_map(|h| h.parse().ok()).collect();
                    self.store.set_sync_heads(&p.name, &case, false, &heads)?;
                }
                self.store.audit(now_us(), "import-accepted", &detail)?;
            }
            ImportOutcome::Held => self.store.audit(now_us(), "import-held", &detail)?,
            _ => {}
        }
        Ok(ImportPreview {
            outcome,
            manifest: opened.manifest,
            trust,
            addressed_to_me,
            commits,
            new_commits,
            new_records,
            conflicts,
            sha256,
        })
    }

    fn undo_blobs(&self, created: &[String]) {
        for sha in created {
            let _ = self.store.remove_blob(sha);
        }
    }

    /// Copies a refused bundle into the quarantine, records why, and returns the error to report.
    pub(crate) fn quarantine_bundle(
        &self,
        files: &[PathBuf],
        origin: &str,
        sha256: &str,
        reason: &str,
    ) -> Error {
        let dir = self.store.paths().quarantine();
        let at = now_us();
        let name =
            format!("{}-{}.casebundle", crate::format_time(at).replace([':', '.'], "-"), &sha256[..12]);
        let size: u64 = files.iter().filter_map(|f| fs::metadata(f).ok()).map(|m| m.len()).sum();
        let mut reason = reason.to_string();
        // Junk must not fill the disk: very large refused files are recorded, not copied.
        if size > MAX_QUARANTINE_COPY {
            reason.push_str(&format!(" (not copied to quarantine: {size} bytes)"));
        } else {
            let copied = fs::create_dir_all(&dir).and_then(|_| {
                let mut out = fs::File::create(dir.join(&name))?;
                io::copy(&mut join(files)?, &mut out)?;
                out.sync_all()
            });
            if let Err(e) = copied {
                reason.push_str(&format!(" (and the copy to quarantine failed: {e})"));
            }
        }
        let entry = QuarantineEntry {
            id: 0,
            at,
            name: name.clone(),
            sha256: sha256.into(),
            origin: origin.into(),
            reason: reason.clone(),
        };
        let id = self.store.add_quarantine(&entry).unwrap_or(0);
        let _ = self.store.audit(at, "import-rejected", &format!("{origin} sha256 {sha256}: {reason}"));
        Error::BundleRejected { reason, quarantine: name, id }
    }

    /// A digest of the vault's case data, partners' sync state and evidence files: equal before and
    /// after means a refused or previewed import changed nothing.
    pub fn state_digest(&self) -> Result<String, Error> {
        Ok(self.store.state_digest()?)
    }

    /// Bundles refused so far.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>, Error> {
        Ok(self.store.quarantine()?)
    }
}

impl ImportPreview {
    /// The preview as JSON (for `--json`, the inbox's records and the desktop app).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let m = &self.manifest;
        json!({
            "outcome": self.outcome.as_str(), "bundle_id": m.bundle_id, "sha256": self.sha256,
            "sender": {"name": m.sender.name, "org": m.sender.org, "fingerprint": m.sender.fingerprint,
                       "trust": self.trust.as_str()},
            "case": {"id": m.case_id, "title": m.case_title},
            "commits": self.commits, "new_commits": self.new_commits, "new_records": self.new_records,
            "conflicts": self.conflicts.iter().map(|c| json!({
                "kind": c.kind.as_str(), "record": c.id.to_string(), "field": c.field,
                "winner": c.winner.value, "others": c.others.iter().map(|o| o.value.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "tlp_ceiling": m.tlp_ceiling, "withheld": m.withheld,
            "recipients": m.recipients.iter()
                .map(|r| json!({"name": r.name, "org": r.org, "fingerprint": r.fingerprint})).collect::<Vec<_>>(),
            "addressed_to_me": self.addressed_to_me, "blobs": m.blobs, "blobs_skipped": m.blobs_skipped.len(),
        })
    }
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Streams a commit's ops file out of the store, replacing withheld ops by their hash line.
struct OpsFile<'a> {
    store: &'a Store,
    filter: &'a TlpFilter,
    seq: i64,
    buf: Vec<u8>,
    pos: usize,
    /// Index of the next op to fetch.
    next: u64,
}

impl Read for OpsFile<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.buf.len() {
            // Refill with the next stored chunk's lines.
            self.buf.clear();
            self.pos = 0;
            let Some((first, lines)) =
                self.store.op_lines_from(self.seq, self.next).map_err(|e| io::Error::other(e.to_string()))?
            else {
                return Ok(0);
            };
            if first != self.next {
                return Err(io::Error::other(format!("op lines of commit #{} have a gap", self.seq)));
            }
            for line in lines.iter() {
                match self.filter.can_withhold.then(|| op::head(line)).flatten() {
                    Some((kind, id)) if self.filter.withheld(kind, &id) => {
                        self.buf.extend_from_slice(&op::withheld_line(&op::sha256(line)))
                    }
                    _ => self.buf.extend_from_slice(line),
                }
                self.buf.push(b'\n');
            }
            self.next += lines.len() as u64;
            if self.buf.is_empty() {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Applies a bundle provisionally as it streams.
struct ImportSink<'a> {
    store: Option<&'a mut Store>,
    session: Option<ImportSession<'a>>,
    recipient: &'a age::x25519::Recipient,
    me_minisign: &'a str,
    trust: SenderTrust,
    created_blobs: Vec<String>,
    ops: u64,
    progress: &'a mut dyn FnMut(u64),
    commits: u64,
    new_commits: u64,
}

fn refused(e: impl std::fmt::Display) -> BundleError {
    BundleError::Refused(e.to_string())
}

impl<'a> ImportSink<'a> {
    fn session(&mut self) -> Result<&mut ImportSession<'a>, BundleError> {
        self.session.as_mut().ok_or_else(|| refused("no manifest"))
    }
}

fn to_commit(c: &CommitEnvelope) -> Commit {
    Commit {
        id: c.id,
        bytes: c.bytes.clone(),
        signature: c.signature.clone(),
        header: c.header.clone(),
        ops: vec![],
    }
}

impl Sink for ImportSink<'_> {
    fn manifest(&mut self, m: &Manifest) -> Result<(), BundleError> {
        let case: CaseId = m
            .case_id
            .parse()
            .map_err(|_| BundleError::Manifest(format!("invalid case id \"{}\"", m.case_id)))?;
        let store = self.store.take().ok_or_else(|| refused("manifest given twice"))?;
        self.trust = if m.sender.minisign == self.me_minisign {
            SenderTrust::Myself
        } else {
            match store.partner_by_key(&m.sender.age, &m.sender.minisign).map_err(refused)? {
                Some(p) if p.minisign_public != m.sender.minisign => {
                    return Err(refused(format!(
                        "the sender's age key belongs to partner {} but the signing key does not: refusing a \
                         bundle that mixes identities",
                        p.name
                    )));
                }
                Some(p) if p.verified => SenderTrust::Verified,
                Some(_) => SenderTrust::Unverified,
                None => SenderTrust::Unknown,
            }
        };
        self.session = Some(store.begin_import(&case, now_us()).map_err(refused)?);
        Ok(())
    }

    fn commits(&mut self, commits: &[CommitEnvelope]) -> Result<(), BundleError> {
        let s = self.session()?;
        let missing = s.missing_parents(commits.iter().map(|c| (&c.id, &c.header)));
        if !missing.is_empty() {
            return Err(refused(format!(
                "this delta builds on commits this vault does not have: {}; ask the sender for a full export \
                 (without --since-last)",
                missing.iter().map(CommitId::to_hex).collect::<Vec<_>>().join(", ")
            )));
        }
        self.commits = commits.len() as u64;
        Ok(())
    }

    fn op(&mut self, commit: &CommitEnvelope, index: u64, line: OpLine) -> Result<(), BundleError> {
        if index == 0 {
            let c = to_commit(commit);
            let s = self.session()?;
            if s.begin_commit(&c).map_err(refused)? {
                self.new_commits += 1;
            }
        }
        self.session()?.op(index, &line).map_err(refused)?;
        self.ops += 1;
        if self.ops.is_multiple_of(10_000) {
            (self.progress)(self.ops);
        }
        Ok(())
    }

    fn commit_done(&mut self, commit: &CommitEnvelope) -> Result<(), BundleError> {
        if commit.header.op_count == 0 {
            let c = to_commit(commit);
            if self.session()?.begin_commit(&c).map_err(refused)? {
                self.new_commits += 1;
            }
        }
        self.session()?.end_commit().map_err(refused)
    }

    fn blob(&mut self, sha256: &str, _size: u64, data: &mut dyn Read) -> Result<(), BundleError> {
        let recipient = self.recipient;
        let info = self.session()?.put_blob(data, recipient).map_err(refused)?;
        if info.created {
            self.created_blobs.push(info.sha256.clone());
        }
        if info.sha256 != sha256 {
            return Err(BundleError::HashMismatch(format!("blobs/{sha256}")));
        }
        Ok(())
    }
}
