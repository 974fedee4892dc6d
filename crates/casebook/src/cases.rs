//! Case work: every change is an op in a commit signed by the vault owner.

use std::path::Path;

use casebook_ledger::commit::Signer;
use casebook_ledger::observable;
use casebook_ledger::records::{from_fields, to_fields};
use casebook_ledger::{
    AssetFields, CaseFields, CaseId, Commit, CustodyFields, EventFields, EvidenceFields, NoteFields,
    ObservableFields, ObservableType, Op, OpLine, Phase, RecordId, RecordKind, Severity, Storage, TaskFields,
    TaskStatus, Tlp,
};
use casebook_store::{CommitRow, Conflict, EventFilter, Imported, RecordRow, VerifyReport};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Error, Vault, now_us};

/// A record as stored: id, kind, current values, provenance facts.
pub type Record = RecordRow;

/// What a new case starts with.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Title (required).
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Severity.
    pub severity: Severity,
    /// Default TLP of its records.
    pub tlp: Tlp,
    /// Tags.
    pub tags: Vec<String>,
    /// Playbook to create tasks from.
    pub template: Option<String>,
}

/// A case's header with counts of what it holds.
#[derive(Debug, Clone)]
pub struct CaseOverview {
    /// Id.
    pub id: CaseId,
    /// The case record.
    pub record: Record,
    /// Live records per kind.
    pub counts: Vec<(RecordKind, u64)>,
    /// Commits in its history.
    pub commits: usize,
    /// Fields in conflict.
    pub conflicts: usize,
}

/// What `verify` found for one case.
#[derive(Debug, Clone)]
pub struct CaseCheck {
    /// The case.
    pub case: CaseId,
    /// Commit checks.
    pub report: VerifyReport,
    /// Evidence blobs missing or altered: (evidence id, problem).
    pub blob_problems: Vec<(RecordId, String)>,
}

impl CaseCheck {
    /// Whether everything verified.
    pub fn ok(&self) -> bool {
        self.report.failure.is_none() && self.blob_problems.is_empty()
    }
}

/// Fields set on an event when it is added.
pub type NewEvent = EventFields;

fn require_text(what: &str, v: &str) -> Result<String, Error> {
    let t = v.trim();
    if t.is_empty() {
        return Err(Error::Invalid(format!("{what} is empty")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::Invalid(format!("{what} contains control characters")));
    }
    Ok(t.to_string())
}

fn hex_fragment(text: &str) -> Option<String> {
    let f: String = text.chars().filter(|c| *c != '-').collect::<String>().to_ascii_lowercase();
    (f.len() >= 4 && f.len() <= 32 && f.bytes().all(|b| b.is_ascii_hexdigit())).then_some(f)
}

/// Consecutive ops of a commit being written, serialized and packed as the vault stores them.
struct Batch {
    lines: Vec<OpLine>,
    packed: casebook_store::Packed,
}

impl Batch {
    fn pack(lines: Vec<OpLine>) -> Result<Self, Error> {
        Ok(Self { packed: casebook_store::pack_chunks(&lines)?, lines })
    }
}

impl Vault {
    fn signer_parts(&self) -> Result<(minisign::SecretKey, minisign::PublicKey, String), Error> {
        Ok((self.identity.minisign_secret()?, self.identity.minisign_public()?, self.identity.card().name))
    }

    /// Writes `ops` as one signed commit on `case`.
    ///
    /// Commit messages are signed and travel with every bundle, even when the ops they describe are
    /// withheld by TLP: they must never carry record content (titles, descriptions, values).
    pub(crate) fn commit_ops(&mut self, case: &CaseId, message: &str, ops: Vec<Op>) -> Result<Commit, Error> {
        let batch = Batch::pack(ops.into_iter().map(OpLine::from_op).collect());
        self.write_commit(case, message, std::iter::once(batch), &mut drop, &mut |_| {})
    }

    /// Writes a stream of ops as one signed commit, all or nothing: the first error abandons it.
    /// `progress` is told the number of ops written so far, every 10,000.
    ///
    /// The stream is read, and each op serialized, hashed and packed into chunks, on a second thread
    /// while this one stores and applies the ops before it: a large import keeps both cores busy.
    /// Batches go back to that thread to be freed where they were allocated (a free across threads
    /// contends for the allocator's lock).
    pub fn commit_stream<I>(
        &mut self,
        case: &CaseId,
        message: &str,
        ops: I,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Commit, Error>
    where
        I: IntoIterator<Item = Result<Op, Error>>,
        I::IntoIter: Send,
    {
        const BATCH: usize = 512;
        let ops = ops.into_iter();
        std::thread::scope(|s| {
            // `None` marks the end: a reader that stops without it (a panic) must not commit half a stream.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Option<Result<Batch, Error>>>(8);
            // Unbounded, so the writer never waits on it; the reader empties it as it goes.
            let (done_tx, done_rx) = std::sync::mpsc::channel::<Batch>();
            let reader = s.spawn(move || {
                let mut lines = Vec::with_capacity(BATCH);
                for op in ops {
                    match op {
                        Ok(op) => lines.push(OpLine::from_op(op)),
                        Err(e) => {
                            let _ = tx.send(Some(Err(e)));
                            lines.clear();
                            break;
                        }
                    }
                    if lines.len() == BATCH {
                        while let Ok(written) = done_rx.try_recv() {
                            drop(written);
                        }
                        let full = std::mem::replace(&mut lines, Vec::with_capacity(BATCH));
                        if tx.send(Some(Batch::pack(full))).is_err() {
                            break; // the writer gave up
                        }
                    }
                }
                if !lines.is_empty() {
                    let _ = tx.send(Some(Batch::pack(lines)));
                }
                let _ = tx.send(None);
                drop(tx);
                // Until the writer is done with them.
                for written in done_rx {
                    drop(written);
                }
            });
            let batches = std::iter::from_fn(|| match rx.recv() {
                Ok(message) => message,
                Err(_) => Some(Err(Error::Interrupted(
                    "the thread reading the ops stopped before their end".into(),
                ))),
            });
            let written = self.write_commit(case, message, batches, &mut |b| drop(done_tx.send(b)), progress);
            drop(done_tx); // lets the reader finish
            match (written, reader.join()) {
                (Err(_), Err(_)) => {
                    Err(Error::Interrupted("reading the ops failed unexpectedly (a bug: see the log)".into()))
                }
                (written, _) => written,
            }
        })
    }

    /// Writes batches of ops as one commit; `written` is handed each batch once it is stored.
    fn write_commit(
        &mut self,
        case: &CaseId,
        message: &str,
        batches: impl Iterator<Item = Result<Batch, Error>>,
        written: &mut dyn FnMut(Batch),
        progress: &mut dyn FnMut(u64),
    ) -> Result<Commit, Error> {
        let (sk, pk, name) = self.signer_parts()?;
        let signer = Signer { secret: &sk, public: &pk, name: &name };
        let mut w = self.store.begin_commit(case, &signer, now_us())?;
        for batch in batches {
            let batch = batch?;
            let before = w.op_count();
            w.push_packed(&batch.lines, &batch.packed)?;
            if w.op_count() / 10_000 > before / 10_000 {
                progress(w.op_count());
            }
            written(batch);
        }
        if w.op_count() == 0 {
            return Err(Error::Invalid("nothing to commit".into()));
        }
        progress(w.op_count());
        Ok(w.finish(message, &signer, now_us())?)
    }

    // ---- cases -----------------------------------------------------------------------------------

    /// Opens a new case (and its playbook tasks) in one commit.
    pub fn create_case(&mut self, new: &NewCase) -> Result<CaseId, Error> {
        let title = require_text("the case title", &new.title)?;
        let playbook = match &new.template {
            Some(name) => Some(crate::playbook::playbook(self.dir(), name)?),
            None => None,
        };
        let case = CaseId::new();
        let now = now_us();
        let fields = CaseFields {
            title: Some(title.clone()),
            summary: new.summary.clone().filter(|s| !s.trim().is_empty()),
            phase: Some(Phase::Detect),
            severity: Some(new.severity),
            tlp: Some(new.tlp),
            tags: (!new.tags.is_empty()).then(|| new.tags.clone()),
            opened_at: Some(now),
            template: playbook.as_ref().map(|p| p.name.clone()),
            ..Default::default()
        };
        let mut ops = vec![Op::put(RecordKind::Case, case.record(), to_fields(&fields))];
        for t in playbook.iter().flat_map(|p| &p.tasks) {
            ops.push(Op::put(
                RecordKind::Task,
                RecordId::new(),
                to_fields(&TaskFields {
                    title: Some(t.title.clone()),
                    phase: Some(t.phase),
                    status: Some(TaskStatus::Todo),
                    ..Default::default()
                }),
            ));
        }
        self.commit_ops(&case, "open case", ops)?;
        Ok(case)
    }

    /// Every case, oldest first.
    pub fn cases(&self) -> Result<Vec<Record>, Error> {
        let mut out = vec![];
        for id in self.store.case_ids()? {
            if let Some(r) = self.store.record(&id, RecordKind::Case, &id.record())? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Finds a case by full id or a unique hex prefix (at least 4 digits).
    pub fn resolve_case(&self, text: &str) -> Result<CaseId, Error> {
        if let Ok(id) = text.trim().parse::<CaseId>() {
            self.store.case_ids()?.contains(&id).then_some(id).ok_or_else(|| not_found("case", text))?;
            return Ok(id);
        }
        let frag = hex_fragment(text).ok_or_else(|| not_found("case", text))?;
        let hits: Vec<CaseId> = self
            .store
            .case_ids()?
            .into_iter()
            .filter(|c| {
                hex::encode(c.as_bytes()).starts_with(&frag) || hex::encode(c.as_bytes()).ends_with(&frag)
            })
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(not_found("case", text)),
            _ => Err(Error::Invalid(format!("\"{text}\" matches {} cases; give more of the id", hits.len()))),
        }
    }

    /// Finds a record of a case by full id or a unique hex prefix or suffix (at least 4 digits).
    pub fn resolve_record(&self, case: &CaseId, kind: RecordKind, text: &str) -> Result<RecordId, Error> {
        if let Ok(id) = text.trim().parse::<RecordId>() {
            return match self.store.record(case, kind, &id)? {
                Some(_) => Ok(id),
                None => Err(not_found(kind.as_str(), text)),
            };
        }
        let frag = hex_fragment(text).ok_or_else(|| not_found(kind.as_str(), text))?;
        match self.store.find_ids(case, kind, &frag, 2)?.as_slice() {
            [one] => Ok(*one),
            [] => Err(not_found(kind.as_str(), text)),
            _ => Err(Error::Invalid(format!("\"{text}\" matches several {kind}s; give more of the id"))),
        }
    }

    /// A case's header and what it holds.
    pub fn case(&self, case: &CaseId) -> Result<CaseOverview, Error> {
        let record = self
            .store
            .record(case, RecordKind::Case, &case.record())?
            .ok_or_else(|| not_found("case", &case.to_string()))?;
        Ok(CaseOverview {
            id: *case,
            record,
            counts: self.store.record_counts(case)?,
            commits: self.store.commits(case)?.len(),
            conflicts: self.store.conflicts(case)?.len(),
        })
    }

    /// Changes some of a case's fields.
    pub fn edit_case(&mut self, case: &CaseId, fields: &CaseFields) -> Result<(), Error> {
        let map = to_fields(fields);
        if map.is_empty() {
            return Err(Error::Invalid("nothing to change".into()));
        }
        if let Some(t) = &fields.title {
            require_text("the case title", t)?;
        }
        self.case(case)?;
        let what: Vec<&str> = map.keys().map(String::as_str).collect();
        let msg = format!("edit case: {}", what.join(", "));
        self.commit_ops(case, &msg, vec![Op::put(RecordKind::Case, case.record(), map)])?;
        Ok(())
    }

    /// Moves a case to another phase.
    pub fn set_phase(&mut self, case: &CaseId, phase: Phase) -> Result<(), Error> {
        let mut f = CaseFields { phase: Some(phase), ..Default::default() };
        if phase == Phase::Closed {
            f.closed_at = Some(now_us());
        }
        self.case(case)?;
        self.commit_ops(case, "change phase", vec![Op::put(RecordKind::Case, case.record(), to_fields(&f))])?;
        Ok(())
    }

    /// Closes a case, optionally recording lessons learned.
    pub fn close_case(&mut self, case: &CaseId, lessons: Option<&str>) -> Result<(), Error> {
        self.case(case)?;
        let f = CaseFields {
            phase: Some(Phase::Closed),
            closed_at: Some(now_us()),
            lessons: lessons.map(str::to_string),
            ..Default::default()
        };
        self.commit_ops(case, "close case", vec![Op::put(RecordKind::Case, case.record(), to_fields(&f))])?;
        Ok(())
    }

    // ---- records ---------------------------------------------------------------------------------

    /// The live records of one kind.
    pub fn records(&self, case: &CaseId, kind: RecordKind) -> Result<Vec<Record>, Error> {
        Ok(self.store.records(case, kind, false)?)
    }

    /// One record.
    pub fn record(&self, case: &CaseId, kind: RecordKind, id: &RecordId) -> Result<Record, Error> {
        self.store.record(case, kind, id)?.ok_or_else(|| not_found(kind.as_str(), &id.to_string()))
    }

    fn put_new(
        &mut self,
        case: &CaseId,
        kind: RecordKind,
        fields: Map<String, Value>,
        msg: &str,
    ) -> Result<RecordId, Error> {
        self.case(case)?;
        let id = RecordId::new();
        self.commit_ops(case, msg, vec![Op::put(kind, id, fields)])?;
        Ok(id)
    }

    fn put_existing(
        &mut self,
        case: &CaseId,
        kind: RecordKind,
        id: &RecordId,
        fields: Map<String, Value>,
        msg: &str,
    ) -> Result<(), Error> {
        if fields.is_empty() {
            return Err(Error::Invalid("nothing to change".into()));
        }
        self.record(case, kind, id)?;
        self.commit_ops(case, msg, vec![Op::put(kind, *id, fields)])?;
        Ok(())
    }

    /// Resolves a conflict on one field by writing the value chosen (one of the sides, or a new
    /// one). The new write descends from every side, so it wins on every replica and the field is
    /// no longer in conflict.
    pub fn resolve_conflict(
        &mut self,
        case: &CaseId,
        kind: RecordKind,
        id: &RecordId,
        field: &str,
        value: Value,
    ) -> Result<(), Error> {
        let mut m = Map::new();
        m.insert(field.to_string(), value);
        kind.validate(&m).map_err(|e| Error::Invalid(e.to_string()))?;
        self.put_existing(case, kind, id, m, "resolve conflict")
    }

    /// Sets the TLP of any record of a case (by id, or a unique prefix or suffix). Records without
    /// their own TLP follow the case's; exports withhold records above the bundle's ceiling.
    pub fn set_record_tlp(
        &mut self,
        case: &CaseId,
        record: &str,
        tlp: Tlp,
    ) -> Result<(RecordKind, RecordId), Error> {
        let mut found = None;
        for kind in RecordKind::ALL.into_iter().filter(|k| *k != RecordKind::Custody) {
            if let Ok(id) = self.resolve_record(case, kind, record) {
                if found.is_some() {
                    return Err(Error::Invalid(format!(
                        "\"{record}\" matches records of several kinds; give more of the id"
                    )));
                }
                found = Some((kind, id));
            }
        }
        let (kind, id) = found.ok_or_else(|| not_found("record", record))?;
        let mut m = Map::new();
        m.insert("tlp".into(), Value::String(tlp.as_str().into()));
        self.commit_ops(case, "change TLP", vec![Op::put(kind, id, m)])?;
        Ok((kind, id))
    }

    /// Adds a timeline event. `occurred_at` and `description` are required.
    pub fn add_event(&mut self, case: &CaseId, mut e: NewEvent) -> Result<RecordId, Error> {
        let desc = require_text("the event description", e.description.as_deref().unwrap_or(""))?;
        if e.occurred_at.is_none() {
            return Err(Error::Invalid("the event has no time".into()));
        }
        e.description = Some(desc.clone());
        e.recorded_at.get_or_insert_with(now_us);
        let fields = to_fields(&e);
        RecordKind::Event.validate(&fields).map_err(|err| Error::Invalid(err.to_string()))?;
        self.put_new(case, RecordKind::Event, fields, "add event")
    }

    /// Changes some fields of an event.
    pub fn edit_event(&mut self, case: &CaseId, id: &RecordId, e: &EventFields) -> Result<(), Error> {
        if let Some(d) = &e.description {
            require_text("the event description", d)?;
        }
        let fields = to_fields(e);
        RecordKind::Event.validate(&fields).map_err(|err| Error::Invalid(err.to_string()))?;
        self.put_existing(case, RecordKind::Event, id, fields, "edit event")
    }

    /// Flags or unflags an event as a key event.
    pub fn flag_event(&mut self, case: &CaseId, id: &RecordId, key: bool) -> Result<(), Error> {
        let f = EventFields { key_event: Some(key), ..Default::default() };
        self.put_existing(
            case,
            RecordKind::Event,
            id,
            to_fields(&f),
            if key { "flag key event" } else { "unflag event" },
        )
    }

    /// A page of the timeline, in time order, after the cursor `after` (time, id).
    pub fn events(
        &self,
        case: &CaseId,
        filter: &EventFilter,
        after: Option<(i64, RecordId)>,
        limit: u32,
    ) -> Result<Vec<Record>, Error> {
        Ok(self.store.events(case, filter, after, limit)?)
    }

    /// Adds an observable, or merges into the one the case already has (first/last seen widened,
    /// IOC flag and note kept unless given). Returns its id and whether it already existed.
    pub fn add_observable(
        &mut self,
        case: &CaseId,
        kind: Option<ObservableType>,
        raw: &str,
        ioc: bool,
        note: Option<&str>,
        seen_at: i64,
    ) -> Result<(RecordId, bool), Error> {
        let (kind, value) = observable::normalize(kind, raw).map_err(|e| Error::Invalid(e.to_string()))?;
        self.case(case)?;
        let lookup = format!("{kind}\t{value}");
        if let Some(existing) = self.store.find_by_lookup(case, RecordKind::Observable, &lookup)? {
            let cur: ObservableFields =
                from_fields(&existing.values).map_err(|e| Error::Invalid(e.to_string()))?;
            let mut f = ObservableFields::default();
            if cur.first_seen.is_none_or(|t| seen_at < t) {
                f.first_seen = Some(seen_at);
            }
            if cur.last_seen.is_none_or(|t| seen_at > t) {
                f.last_seen = Some(seen_at);
            }
            if ioc && cur.ioc != Some(true) {
                f.ioc = Some(true);
            }
            if let Some(n) = note.filter(|n| Some(*n) != cur.note.as_deref()) {
                f.note = Some(n.to_string());
            }
            let map = to_fields(&f);
            if !map.is_empty() {
                self.commit_ops(
                    case,
                    "observable seen again",
                    vec![Op::put(RecordKind::Observable, existing.id, map)],
                )?;
            }
            return Ok((existing.id, true));
        }
        let f = ObservableFields {
            kind: Some(kind),
            value: Some(value.clone()),
            ioc: Some(ioc),
            first_seen: Some(seen_at),
            last_seen: Some(seen_at),
            note: note.map(str::to_string),
            ..Default::default()
        };
        let id = self.put_new(case, RecordKind::Observable, to_fields(&f), "add observable")?;
        Ok((id, false))
    }

    /// Adds a task.
    pub fn add_task(
        &mut self,
        case: &CaseId,
        title: &str,
        phase: Phase,
        assignee: Option<&str>,
        due: Option<i64>,
    ) -> Result<RecordId, Error> {
        let title = require_text("the task title", title)?;
        let f = TaskFields {
            title: Some(title.clone()),
            phase: Some(phase),
            status: Some(TaskStatus::Todo),
            assignee: assignee.map(str::to_string),
            due,
            ..Default::default()
        };
        self.put_new(case, RecordKind::Task, to_fields(&f), "add task")
    }

    /// Changes a task's status.
    pub fn set_task_status(&mut self, case: &CaseId, id: &RecordId, status: TaskStatus) -> Result<(), Error> {
        let f = TaskFields { status: Some(status), ..Default::default() };
        self.put_existing(case, RecordKind::Task, id, to_fields(&f), &format!("task {status}"))
    }

    /// Adds a note.
    pub fn add_note(&mut self, case: &CaseId, title: Option<&str>, body: &str) -> Result<RecordId, Error> {
        let body = require_text("the note", body)?;
        let f = NoteFields { title: title.map(str::to_string), body: Some(body), ..Default::default() };
        self.put_new(case, RecordKind::Note, to_fields(&f), "note")
    }

    /// Adds an asset.
    pub fn add_asset(&mut self, case: &CaseId, fields: AssetFields) -> Result<RecordId, Error> {
        let name = require_text("the asset name", fields.name.as_deref().unwrap_or(""))?;
        let mut f = fields;
        f.name = Some(name.clone());
        self.put_new(case, RecordKind::Asset, to_fields(&f), "add asset")
    }

    // ---- evidence --------------------------------------------------------------------------------

    /// Adds a file as evidence: streams it into an age-encrypted blob (bounded memory), records its
    /// SHA-256 and size, and opens its chain of custody. `progress` gets bytes read so far; raising
    /// `cancel` stops it with [`Error::Cancelled`] and nothing stored.
    pub fn add_evidence(
        &mut self,
        case: &CaseId,
        path: &Path,
        description: Option<&str>,
        tlp: Option<Tlp>,
        progress: &mut dyn FnMut(u64),
        cancel: Option<crate::CancelFlag>,
    ) -> Result<(RecordId, String), Error> {
        self.case(case)?;
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", path.display())))?;
        if !meta.is_file() {
            return Err(Error::Invalid(format!("{} is not a regular file", path.display())));
        }
        let file = std::fs::File::open(path)
            .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", path.display())))?;
        let recipient = self.identity.age_identity()?.to_public();
        let src = crate::cancel::Cancellable { inner: std::io::BufReader::new(file), flag: cancel.clone() };
        let info = match self.store.put_blob(src, &recipient, progress) {
            Ok(info) => info,
            Err(_) if crate::cancel::raised(&cancel) => return Err(Error::Cancelled),
            Err(e) => return Err(blob_error(e)),
        };
        let name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "evidence".into());
        let me = self.card().name;
        let now = now_us();
        let id = RecordId::new();
        let ev = EvidenceFields {
            name: Some(name.clone()),
            description: description.map(str::to_string),
            sha256: Some(info.sha256.clone()),
            size: Some(info.size),
            acquired_at: Some(now),
            acquired_by: Some(me.clone()),
            storage: Some(Storage::Vault),
            tlp,
            ..Default::default()
        };
        let custody = CustodyFields {
            evidence: Some(id),
            at: Some(now),
            by: Some(me),
            action: Some("acquired".into()),
            location: Some("vault".into()),
            note: Some(format!("added from file {name}, sha256 {}", info.sha256)),
            ..Default::default()
        };
        self.commit_ops(
            case,
            "add evidence",
            vec![
                Op::put(RecordKind::Evidence, id, to_fields(&ev)),
                Op::put(RecordKind::Custody, RecordId::new(), to_fields(&custody)),
            ],
        )?;
        Ok((id, info.sha256))
    }

    /// Appends a chain-of-custody entry to an evidence item.
    pub fn add_custody(
        &mut self,
        case: &CaseId,
        evidence: &RecordId,
        action: &str,
        location: Option<&str>,
        note: Option<&str>,
    ) -> Result<RecordId, Error> {
        self.record(case, RecordKind::Evidence, evidence)?;
        let action = require_text("the custody action", action)?;
        let f = CustodyFields {
            evidence: Some(*evidence),
            at: Some(now_us()),
            by: Some(self.card().name),
            action: Some(action.clone()),
            location: location.map(str::to_string),
            note: note.map(str::to_string),
            ..Default::default()
        };
        self.put_new(case, RecordKind::Custody, to_fields(&f), "add custody entry")
    }

    /// The custody entries of an evidence item, oldest first.
    pub fn custody(&self, case: &CaseId, evidence: &RecordId) -> Result<Vec<Record>, Error> {
        let want = Value::String(evidence.to_string());
        let mut v: Vec<Record> = self
            .records(case, RecordKind::Custody)?
            .into_iter()
            .filter(|r| r.values.get("evidence") == Some(&want))
            .collect();
        v.sort_by_key(|r| r.values.get("at").and_then(Value::as_i64));
        Ok(v)
    }

    /// Writes an evidence item's content to `out` (a new file), re-checking its hash. On a mismatch
    /// the partial file is removed and the error says so.
    pub fn export_evidence(&self, case: &CaseId, evidence: &RecordId, out: &Path) -> Result<String, Error> {
        let rec = self.record(case, RecordKind::Evidence, evidence)?;
        let ev: EvidenceFields = from_fields(&rec.values).map_err(|e| Error::Invalid(e.to_string()))?;
        let sha = ev.sha256.ok_or_else(|| Error::Invalid("this evidence has no stored content".into()))?;
        if !self.store.has_blob(&sha) {
            return Err(blob_error(casebook_store::BlobError::Missing(sha)));
        }
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(out).map_err(|e| {
            Error::Invalid(format!("cannot create {} (it must not exist yet): {e}", out.display()))
        })?;
        let identity = self.identity.age_identity()?;
        let mut w = std::io::BufWriter::new(file);
        let result = self.store.read_blob(&sha, &identity, &mut w, &mut |_| {}).and_then(|info| {
            use std::io::Write;
            w.flush()?;
            Ok(info)
        });
        match result {
            Ok(info) => Ok(info.sha256),
            Err(e) => {
                drop(w);
                let _ = std::fs::remove_file(out);
                Err(blob_error(e))
            }
        }
    }

    // ---- history, verification, rebuild ----------------------------------------------------------

    /// A case's commits in local order.
    pub fn history(&self, case: &CaseId) -> Result<Vec<CommitRow>, Error> {
        Ok(self.store.commits(case)?)
    }

    /// The fields in conflict in a case.
    pub fn conflicts(&self, case: &CaseId) -> Result<Vec<Conflict>, Error> {
        Ok(self.store.conflicts(case)?)
    }

    /// Recomputes a case's state from its commits; returns the ops applied.
    pub fn rebuild(&mut self, case: &CaseId) -> Result<u64, Error> {
        Ok(self.store.rebuild(case)?)
    }

    /// Checks every commit (and evidence blob) of `case`, or of every case.
    pub fn verify(&self, case: Option<&CaseId>) -> Result<Vec<CaseCheck>, Error> {
        let cases = match case {
            Some(c) => vec![*c],
            None => self.store.case_ids()?,
        };
        let identity = self.identity.age_identity()?;
        let mut out = vec![];
        for c in cases {
            let report = self.store.verify_case(&c)?;
            let mut blob_problems = vec![];
            for ev in self.store.records(&c, RecordKind::Evidence, false)? {
                let f: EvidenceFields = from_fields(&ev.values).map_err(|e| Error::Invalid(e.to_string()))?;
                if f.storage != Some(Storage::Vault) {
                    continue;
                }
                let Some(sha) = f.sha256 else { continue };
                if let Err(e) = self.store.read_blob(&sha, &identity, std::io::sink(), &mut |_| {}) {
                    blob_problems.push((ev.id, e.to_string()));
                }
            }
            out.push(CaseCheck { case: c, report, blob_problems });
        }
        Ok(out)
    }

    /// Every commit of a case, whole, for handing to another vault.
    pub fn export_commits(&self, case: &CaseId) -> Result<Vec<Commit>, Error> {
        Ok(self.store.full_commits(case)?)
    }

    /// Verifies and stores commits from elsewhere, all or nothing.
    pub fn import_commits(&mut self, case: &CaseId, commits: &[Commit]) -> Result<Imported, Error> {
        for c in commits {
            c.verify().map_err(|e| Error::Invalid(format!("commit {}: {e}", c.id.short())))?;
        }
        Ok(self.store.import_commits(case, commits, now_us())?)
    }
}

fn not_found(what: &str, text: &str) -> Error {
    Error::Store(casebook_store::StoreError::NotFound(format!(
        "{what} \"{}\"",
        text.chars().take(80).collect::<String>()
    )))
}

fn blob_error(e: casebook_store::BlobError) -> Error {
    Error::Blob(e)
}

/// A JSON view of a record: its id, kind, values, and who created it when.
pub fn record_json(r: &Record) -> Value {
    #[derive(Serialize)]
    struct View<'a> {
        id: String,
        kind: &'a str,
        created_by: &'a str,
        created_at: String,
        conflicts: i64,
        #[serde(flatten)]
        values: &'a Map<String, Value>,
    }
    serde_json::to_value(View {
        id: r.id.to_string(),
        kind: r.kind.as_str(),
        created_by: &r.created_by,
        created_at: crate::format_time(r.created_at as i64),
        conflicts: r.conflicts,
        values: &r.values,
    })
    .unwrap_or(Value::Null)
}
