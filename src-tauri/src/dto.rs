//! Wire types: everything that crosses IPC, and nothing else derives `serde`/`specta` for it.
//!
//! Each type is built from the core's own types with `From`; times are µs since the Unix epoch as
//! `f64` (JavaScript numbers: exact to 2^53 µs, the year 2255); vocabulary words (phase, severity, TLP,
//! status, kinds) travel as their lower-case ledger names.

use casebook::{ErrorCode, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

/// The closed set of error codes the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Wrong passphrase, or the file is not a Casebook vault.
    WrongPassphrase,
    /// No vault where one was expected.
    VaultNotFound,
    /// The vault file is damaged.
    VaultDamaged,
    /// The vault was written by a newer Casebook.
    VaultTooNew,
    /// A new passphrase was refused as too weak.
    WeakPassphrase,
    /// Input was malformed.
    InvalidInput,
    /// The thing to create already exists.
    AlreadyExists,
    /// The thing named does not exist.
    NotFound,
    /// The operating system refused access.
    AccessDenied,
    /// Stored history or evidence failed verification.
    VerifyFailed,
    /// A bundle failed its checks.
    BundleRejected,
    /// The vault is locked: unlock it first.
    Locked,
    /// Long work (an import, an export, hashing evidence) holds the vault: wait, or cancel it.
    Busy,
    /// The work was cancelled; nothing was written.
    Cancelled,
    /// A bug or an unexpected failure.
    Internal,
}

/// An error as the UI sees it: a code to branch on and a message for the responder.
#[derive(Debug, Clone, Serialize, Type)]
pub struct IpcError {
    /// What kind of failure.
    pub code: ErrorKind,
    /// What happened and what to do.
    pub message: String,
}

impl IpcError {
    /// The vault is locked.
    pub fn locked() -> Self {
        Self { code: ErrorKind::Locked, message: "the vault is locked; unlock it first".into() }
    }

    /// Long work holds the vault.
    pub fn busy() -> Self {
        Self {
            code: ErrorKind::Busy,
            message: "Casebook is busy with an import, an export or hashing evidence; wait for it to finish \
                      or cancel it"
                .into(),
        }
    }

    /// Input from the UI was malformed.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self { code: ErrorKind::InvalidInput, message: message.into() }
    }

    /// A bug or an unexpected failure of the shell itself.
    pub fn internal(message: impl Into<String>) -> Self {
        Self { code: ErrorKind::Internal, message: message.into() }
    }
}

impl From<casebook::Error> for IpcError {
    fn from(e: casebook::Error) -> Self {
        let code = match e.code() {
            ErrorCode::WrongPassphrase => ErrorKind::WrongPassphrase,
            ErrorCode::VaultNotFound => ErrorKind::VaultNotFound,
            ErrorCode::VaultDamaged => ErrorKind::VaultDamaged,
            ErrorCode::VaultTooNew => ErrorKind::VaultTooNew,
            ErrorCode::WeakPassphrase => ErrorKind::WeakPassphrase,
            ErrorCode::InvalidInput => ErrorKind::InvalidInput,
            ErrorCode::AlreadyExists => ErrorKind::AlreadyExists,
            ErrorCode::NotFound => ErrorKind::NotFound,
            ErrorCode::AccessDenied => ErrorKind::AccessDenied,
            ErrorCode::VerifyFailed => ErrorKind::VerifyFailed,
            ErrorCode::BundleRejected => ErrorKind::BundleRejected,
            ErrorCode::Cancelled => ErrorKind::Cancelled,
            // `ErrorCode` is non-exhaustive: a code added later shows as internal until mapped here.
            ErrorCode::Internal => ErrorKind::Internal,
            _ => ErrorKind::Internal,
        };
        Self { code, message: e.to_string() }
    }
}

/// The vault this window works on.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// Its folder.
    pub dir: String,
    /// Whether a vault exists there (otherwise the first-run screen is shown).
    pub exists: bool,
    /// Whether it is unlocked.
    pub unlocked: bool,
    /// The owner, when unlocked.
    pub owner: Option<Owner>,
}

/// The vault owner.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// Name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// Key fingerprint, to read aloud to partners.
    pub fingerprint: String,
    /// The contact card text partners add.
    pub card: String,
}

impl From<&casebook::Vault> for Owner {
    fn from(v: &casebook::Vault) -> Self {
        let card = v.card();
        Self {
            name: card.name.clone(),
            org: card.org.clone(),
            fingerprint: card.fingerprint(),
            card: card.to_text(),
        }
    }
}

/// How strong a passphrase being typed is.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Strength {
    /// 0 (trivial) to 4 (very strong).
    pub score: u8,
    /// Why it would be refused, or `null` when acceptable.
    pub problem: Option<String>,
}

impl From<casebook::passphrase::Strength> for Strength {
    fn from(s: casebook::passphrase::Strength) -> Self {
        Self { score: s.score, problem: s.problem }
    }
}

/// A playbook a case can start from.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Playbook {
    /// Name to pass when creating a case.
    pub name: String,
    /// Display title.
    pub title: String,
    /// What it is for.
    pub description: String,
    /// How many tasks it creates.
    pub tasks: u32,
}

impl From<casebook::playbook::Playbook> for Playbook {
    fn from(p: casebook::playbook::Playbook) -> Self {
        Self { tasks: p.tasks.len() as u32, name: p.name, title: p.title, description: p.description }
    }
}

/// A new case, as the form gives it.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewCase {
    /// Title (required).
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Severity word.
    pub severity: String,
    /// TLP word.
    pub tlp: String,
    /// Playbook name.
    pub template: Option<String>,
}

fn text(r: &Record, field: &str) -> String {
    r.values.get(field).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn opt_text(r: &Record, field: &str) -> Option<String> {
    r.values.get(field).and_then(Value::as_str).map(str::to_string)
}

fn time(r: &Record, field: &str) -> Option<f64> {
    r.values.get(field).and_then(Value::as_i64).map(|t| t as f64)
}

fn words(r: &Record, field: &str) -> Vec<String> {
    r.values
        .get(field)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A case in the list.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// detect, respond, remediate or closed.
    pub phase: String,
    /// low, medium, high or critical.
    pub severity: String,
    /// TLP word.
    pub tlp: String,
    /// Tags.
    pub tags: Vec<String>,
    /// When opened (µs).
    pub opened_at: Option<f64>,
    /// When closed (µs).
    pub closed_at: Option<f64>,
    /// Playbook it was created from.
    pub template: Option<String>,
    /// Who opened it.
    pub created_by: String,
}

impl From<&Record> for CaseSummary {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            title: text(r, "title"),
            summary: text(r, "summary"),
            phase: text(r, "phase"),
            severity: text(r, "severity"),
            tlp: text(r, "tlp"),
            tags: words(r, "tags"),
            opened_at: time(r, "opened_at"),
            closed_at: time(r, "closed_at"),
            template: opt_text(r, "template"),
            created_by: r.created_by.clone(),
        }
    }
}

/// A live record count of one kind.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    /// Record kind word.
    pub kind: String,
    /// Live records.
    pub count: u32,
}

/// A case's header.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    /// The case itself.
    pub case: CaseSummary,
    /// Records per kind.
    pub counts: Vec<KindCount>,
    /// Commits in its history.
    pub commits: u32,
    /// Fields in conflict.
    pub conflicts: u32,
}

impl From<casebook::CaseOverview> for CaseDetail {
    fn from(o: casebook::CaseOverview) -> Self {
        Self {
            case: CaseSummary::from(&o.record),
            counts: o
                .counts
                .iter()
                .map(|(k, n)| KindCount { kind: k.as_str().to_string(), count: *n as u32 })
                .collect(),
            commits: o.commits as u32,
            conflicts: o.conflicts as u32,
        }
    }
}

/// Filters on the timeline; all optional.
#[derive(Debug, Clone, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineFilter {
    /// Earliest time (µs, inclusive).
    pub from: Option<f64>,
    /// Latest time (µs, exclusive).
    pub to: Option<f64>,
    /// Exact host.
    pub host: Option<String>,
    /// Phase word.
    pub phase: Option<String>,
    /// Key events only.
    pub key_only: bool,
    /// Author name.
    pub author: Option<String>,
    /// Words that must all appear.
    pub text: Option<String>,
}

impl TimelineFilter {
    /// The core's filter (the text goes separately).
    pub fn to_core(&self) -> Result<casebook::EventFilter, IpcError> {
        let phase = match self.phase.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(p.parse::<casebook::Phase>().map_err(|e| IpcError::invalid(e.to_string()))?),
            None => None,
        };
        let blank =
            |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        Ok(casebook::EventFilter {
            from: self.from.map(|t| t as i64),
            to: self.to.map(|t| t as i64),
            host: blank(&self.host),
            source: None,
            phase: phase.map(|p| p.as_str().to_string()),
            key_only: self.key_only,
            author: blank(&self.author),
        })
    }
}

/// Where the next page of the timeline starts: the last row's time and id.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    /// Time (µs).
    pub at: f64,
    /// Event id.
    pub id: String,
}

/// One timeline row.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    /// Id.
    pub id: String,
    /// When it happened (µs, UTC).
    pub at: f64,
    /// The time as it was given.
    pub at_text: Option<String>,
    /// Host.
    pub host: String,
    /// Account.
    pub account: String,
    /// Source.
    pub source: String,
    /// What happened.
    pub description: String,
    /// Phase word, or empty.
    pub phase: String,
    /// Key event.
    pub key_event: bool,
    /// ATT&CK techniques.
    pub techniques: Vec<String>,
    /// Who first wrote it.
    pub author: String,
    /// Fields in conflict.
    pub conflicts: u32,
}

impl From<&Record> for EventRow {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            at: time(r, "occurred_at").unwrap_or_default(),
            at_text: opt_text(r, "occurred_at_text"),
            host: text(r, "host"),
            account: text(r, "account"),
            source: text(r, "source"),
            description: text(r, "description"),
            phase: text(r, "phase"),
            key_event: r.values.get("key_event").and_then(Value::as_bool).unwrap_or(false),
            techniques: words(r, "techniques"),
            author: r.created_by.clone(),
            conflicts: r.conflicts as u32,
        }
    }
}

/// A page of the timeline.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePage {
    /// Rows in time order.
    pub events: Vec<EventRow>,
    /// Where the next page in the direction read starts (the last event read forwards, the first read
    /// backwards), or `null` when this page reached the end (or the start).
    pub next: Option<Cursor>,
    /// With a text filter: share of the case the text index covered (0–1); below 1 some matches
    /// may be missing.
    pub index_coverage: Option<f64>,
}

/// Events in one slice of time, for the overview chart.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    /// Start (µs).
    pub start: f64,
    /// Events in it.
    pub count: u32,
}

/// An event typed into the quick-add bar.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QuickEvent {
    /// Time as typed: RFC 3339 with an offset, a naive time (read in `tz`), or `now`.
    pub when: String,
    /// IANA time zone for naive times (the UI sends the system's).
    pub tz: Option<String>,
    /// What happened.
    pub description: String,
    /// Host.
    pub host: Option<String>,
    /// Phase word.
    pub phase: Option<String>,
}

/// Progress of long work.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Units done (rows or bytes).
    pub done: f64,
    /// Units in all, when known.
    pub total: Option<f64>,
}

/// What a timeline import did.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Format read.
    pub format: String,
    /// Events imported.
    pub imported: f64,
    /// Rows skipped.
    pub skipped: f64,
    /// The first skipped rows' problems.
    pub problems: Vec<String>,
}

/// An observable.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Observable {
    /// Id.
    pub id: String,
    /// Type word.
    pub kind: String,
    /// Normalized value.
    pub value: String,
    /// Confirmed IOC.
    pub ioc: bool,
    /// First seen (µs).
    pub first_seen: Option<f64>,
    /// Last seen (µs).
    pub last_seen: Option<f64>,
    /// Note.
    pub note: String,
    /// TLP word.
    pub tlp: String,
}

impl From<&Record> for Observable {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            kind: text(r, "type"),
            value: text(r, "value"),
            ioc: r.values.get("ioc").and_then(Value::as_bool).unwrap_or(false),
            first_seen: time(r, "first_seen"),
            last_seen: time(r, "last_seen"),
            note: text(r, "note"),
            tlp: text(r, "tlp"),
        }
    }
}

/// A task.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Id.
    pub id: String,
    /// What to do.
    pub title: String,
    /// Phase word.
    pub phase: String,
    /// todo, doing, blocked, done.
    pub status: String,
    /// Who does it.
    pub assignee: String,
}

impl From<&Record> for Task {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            title: text(r, "title"),
            phase: text(r, "phase"),
            status: text(r, "status"),
            assignee: text(r, "assignee"),
        }
    }
}

/// A note.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// Author.
    pub author: String,
    /// When written (µs).
    pub created_at: f64,
}

impl From<&Record> for Note {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            title: text(r, "title"),
            body: text(r, "body"),
            author: r.created_by.clone(),
            created_at: r.created_at as f64,
        }
    }
}

/// An asset.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind word.
    pub kind: String,
    /// Owner.
    pub owner: String,
    /// Criticality (severity word).
    pub criticality: String,
    /// Compromise word.
    pub compromise: String,
    /// Note.
    pub note: String,
}

impl From<&Record> for Asset {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            name: text(r, "name"),
            kind: text(r, "kind"),
            owner: text(r, "owner"),
            criticality: text(r, "criticality"),
            compromise: text(r, "compromise"),
            note: text(r, "note"),
        }
    }
}

/// A new asset.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewAsset {
    /// Name.
    pub name: String,
    /// Kind word.
    pub kind: String,
    /// Criticality (severity word), optional.
    pub criticality: Option<String>,
    /// Compromise word, optional.
    pub compromise: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// An evidence item.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// Id.
    pub id: String,
    /// File name.
    pub name: String,
    /// Description.
    pub description: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: f64,
    /// When acquired (µs).
    pub acquired_at: Option<f64>,
    /// Who acquired it.
    pub acquired_by: String,
    /// TLP word.
    pub tlp: String,
}

impl From<&Record> for Evidence {
    fn from(r: &Record) -> Self {
        Self {
            id: r.id.to_string(),
            name: text(r, "name"),
            description: text(r, "description"),
            sha256: text(r, "sha256"),
            size: r.values.get("size").and_then(Value::as_f64).unwrap_or_default(),
            acquired_at: time(r, "acquired_at"),
            acquired_by: text(r, "acquired_by"),
            tlp: text(r, "tlp"),
        }
    }
}

/// One entry of a chain of custody.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CustodyEntry {
    /// When (µs).
    pub at: Option<f64>,
    /// Who.
    pub by: String,
    /// What was done.
    pub action: String,
    /// Where.
    pub location: String,
    /// Note.
    pub note: String,
}

impl From<&Record> for CustodyEntry {
    fn from(r: &Record) -> Self {
        Self {
            at: time(r, "at"),
            by: text(r, "by"),
            action: text(r, "action"),
            location: text(r, "location"),
            note: text(r, "note"),
        }
    }
}

/// A commit in a case's history.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CommitInfo {
    /// Id (hex).
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author key id.
    pub key_id: String,
    /// Time (µs).
    pub at: f64,
    /// Message.
    pub message: String,
    /// Ops it holds.
    pub ops: f64,
}

impl From<&casebook::CommitRow> for CommitInfo {
    fn from(c: &casebook::CommitRow) -> Self {
        let h = &c.header;
        Self {
            id: c.id.to_string(),
            author: h.author_name.clone(),
            key_id: h.author.clone(),
            at: h.hlc as f64,
            message: h.message.clone(),
            ops: h.op_count as f64,
        }
    }
}

/// One value written in a conflict.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConflictValue {
    /// The value, as JSON text.
    pub value: String,
    /// Who wrote it.
    pub author: String,
    /// In which commit.
    pub commit: String,
}

impl From<&casebook::ConflictSide> for ConflictValue {
    fn from(s: &casebook::ConflictSide) -> Self {
        Self { value: s.value.to_string(), author: s.author.clone(), commit: s.commit.to_string() }
    }
}

/// A field two authors wrote concurrently.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// Record kind word.
    pub kind: String,
    /// Record id.
    pub record: String,
    /// Field name.
    pub field: String,
    /// The value every replica shows.
    pub winner: ConflictValue,
    /// The values it won over.
    pub others: Vec<ConflictValue>,
}

impl From<&casebook::Conflict> for Conflict {
    fn from(c: &casebook::Conflict) -> Self {
        Self {
            kind: c.kind.as_str().to_string(),
            record: c.id.to_string(),
            field: c.field.clone(),
            winner: (&c.winner).into(),
            others: c.others.iter().map(Into::into).collect(),
        }
    }
}

/// A partner team.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Partner {
    /// Name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// Key fingerprint.
    pub fingerprint: String,
    /// Checked out of band.
    pub verified: bool,
    /// Highest TLP they may receive.
    pub max_tlp: String,
}

impl From<&casebook::Partner> for Partner {
    fn from(p: &casebook::Partner) -> Self {
        Self {
            name: p.name.clone(),
            org: p.org.clone(),
            fingerprint: p.fingerprint.clone(),
            verified: p.verified,
            max_tlp: p.max_tlp.clone(),
        }
    }
}

/// An export, as the Share screen sets it up.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShareRequest {
    /// Partner names (at least one).
    pub to: Vec<String>,
    /// TLP ceiling word: records above it stay home.
    pub tlp: String,
    /// Only what these partners cannot already have.
    pub delta: bool,
    /// ASCII armor, for pasting into an e-mail.
    pub armor: bool,
    /// Split into parts of at most this many MiB (e-mail size limits).
    pub split_mib: Option<u32>,
    /// Allow partners whose fingerprint was not verified.
    pub allow_unverified: bool,
    /// Where to write the bundle.
    pub dest: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShareReport {
    /// Bundle id.
    pub bundle_id: String,
    /// The file, or the parts.
    pub files: Vec<String>,
    /// SHA-256 of the bundle (parts joined), to read to the partner.
    pub sha256: String,
    /// Bytes written.
    pub bytes: f64,
    /// Commits carried.
    pub commits: f64,
    /// Ops withheld by TLP, per kind.
    pub withheld: Vec<KindCount>,
}

impl From<casebook::ExportReport> for ShareReport {
    fn from(r: casebook::ExportReport) -> Self {
        Self {
            bundle_id: r.bundle_id,
            files: r.files.iter().map(|f| f.display().to_string()).collect(),
            sha256: r.sha256,
            bytes: r.bytes as f64,
            commits: r.manifest.commits as f64,
            withheld: kind_counts(&r.manifest.withheld),
        }
    }
}

/// Counts per kind from a map of kind words.
pub fn kind_counts(m: &std::collections::BTreeMap<String, u64>) -> Vec<KindCount> {
    m.iter().map(|(k, n)| KindCount { kind: k.clone(), count: *n as u32 }).collect()
}

/// What a verified bundle in the inbox holds and would change.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BundlePreview {
    /// previewed, accepted, held or already had.
    pub outcome: String,
    /// Sender's name.
    pub sender: String,
    /// Sender's organisation.
    pub sender_org: String,
    /// Sender's key fingerprint.
    pub fingerprint: String,
    /// How far the sender is trusted here.
    pub trust: String,
    /// Title of the case it carries.
    pub case_title: String,
    /// Commits carried.
    pub commits: f64,
    /// Commits new to this vault.
    pub new_commits: f64,
    /// Records it creates here, per kind.
    pub new_records: Vec<KindCount>,
    /// Fields in conflict after applying.
    pub conflicts: f64,
    /// The sender's TLP ceiling.
    pub tlp_ceiling: String,
    /// Whether it was addressed to this vault.
    pub addressed_to_me: bool,
}

impl BundlePreview {
    /// From the preview JSON the inbox keeps.
    pub fn from_json(v: &Value) -> Self {
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
        let n = |p: &str| v.pointer(p).and_then(Value::as_f64).unwrap_or_default();
        let counts = v
            .get("new_records")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, c)| KindCount { kind: k.clone(), count: c.as_u64().unwrap_or(0) as u32 })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            outcome: s("/outcome"),
            sender: s("/sender/name"),
            sender_org: s("/sender/org"),
            fingerprint: s("/sender/fingerprint"),
            trust: s("/sender/trust"),
            case_title: s("/case/title"),
            commits: n("/commits"),
            new_commits: n("/new_commits"),
            new_records: counts,
            conflicts: v.get("conflicts").and_then(Value::as_array).map_or(0.0, |a| a.len() as f64),
            tlp_ceiling: s("/tlp_ceiling"),
            addressed_to_me: v.get("addressed_to_me").and_then(Value::as_bool).unwrap_or(false),
        }
    }
}

/// A file the inbox has seen.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    /// Id.
    pub id: u32,
    /// pending, held, quarantined, duplicate, accepted, rejected or failed.
    pub state: String,
    /// Why, for quarantined and failed items.
    pub reason: String,
    /// Where it was seen.
    pub paths: Vec<String>,
    /// Size in bytes.
    pub size: f64,
    /// SHA-256.
    pub sha256: String,
    /// The verified preview, for bundles that passed every check.
    pub preview: Option<BundlePreview>,
    /// First seen (µs).
    pub first_seen: f64,
}

impl From<&casebook::InboxItem> for InboxItem {
    fn from(i: &casebook::InboxItem) -> Self {
        Self {
            id: u32::try_from(i.id).unwrap_or(u32::MAX),
            state: i.state.as_str().to_string(),
            reason: i.reason.clone(),
            paths: i.paths.clone(),
            size: i.size as f64,
            sha256: i.sha256.clone(),
            preview: i.preview.as_ref().map(BundlePreview::from_json),
            first_seen: i.first_seen as f64,
        }
    }
}

/// What a native file dialog is for; it sets the title, the filters and open or save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PathPurpose {
    /// A timeline file to import.
    TimelineFile,
    /// A file to add as evidence.
    EvidenceFile,
    /// Where to save a bundle.
    BundleSave,
}

/// Something the inbox watcher saw, pushed to the Inbox screen as it happens.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxNotice {
    /// watching, recorded, seen_again, folder_gone, folder_back, retrying or problem.
    pub kind: String,
    /// A line for the responder.
    pub message: String,
    /// The item concerned, when one was recorded.
    pub item: Option<InboxItem>,
}

impl InboxNotice {
    /// A problem that is not about one file (the watcher could not start, or stopped).
    pub fn problem(message: String) -> Self {
        Self { kind: "problem".into(), message, item: None }
    }

    /// The notice for a watcher event; `None` for files passed over (not bundles).
    pub fn from_event(e: &casebook::InboxEvent) -> Option<Self> {
        use casebook::InboxEvent as E;
        let (kind, message, item) = match e {
            E::Watching(dirs) => (
                "watching",
                format!(
                    "watching {}",
                    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
                ),
                None,
            ),
            E::Recorded(i) => (
                "recorded",
                format!("new file: {} ({})", i.paths.join(", "), i.state.as_str()),
                Some(i.into()),
            ),
            E::SeenAgain { id, path } => {
                ("seen_again", format!("item {id} seen again at {}", path.display()), None)
            }
            E::FolderGone(d) => {
                ("folder_gone", format!("{} is gone (USB stick removed?)", d.display()), None)
            }
            E::FolderBack(d) => ("folder_back", format!("{} is back", d.display()), None),
            E::Retrying { path, error } => {
                ("retrying", format!("cannot read {} yet: {error}", path.display()), None)
            }
            E::Problem(p) => ("problem", p.clone(), None),
            _ => return None,
        };
        Some(Self { kind: kind.to_string(), message, item })
    }
}
