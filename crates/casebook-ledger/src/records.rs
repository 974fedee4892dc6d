//! The records of a case (DESIGN §4) and the fields each may carry.
//!
//! A record is a map of fields; each `put` op sets some of them. The `*Fields` structs below are the
//! schema: an op's fields must deserialize into its kind's struct (unknown fields, wrong types and
//! words outside a vocabulary are refused), and the same structs build ops and read state back.
//! Every field is optional in an op; `null` clears a field. Times are µs since the Unix epoch (UTC).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::RecordId;
use crate::vocab::{AssetKind, Compromise, ObservableType, Pap, Phase, Severity, Storage, TaskStatus, Tlp};

/// Longest single text value, in bytes (a note body, an imported log line).
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// Most entries in one list field (tags, techniques, links).
pub const MAX_LIST_LEN: usize = 10_000;

/// The kinds of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// The case itself (its id is the case id).
    Case,
    /// A timeline event.
    Event,
    /// An observable / IOC.
    Observable,
    /// An evidence item.
    Evidence,
    /// One chain-of-custody entry of an evidence item (append-only: written once, never changed).
    Custody,
    /// A task.
    Task,
    /// A note.
    Note,
    /// An asset.
    Asset,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Case,
        RecordKind::Event,
        RecordKind::Observable,
        RecordKind::Evidence,
        RecordKind::Custody,
        RecordKind::Task,
        RecordKind::Note,
        RecordKind::Asset,
    ];

    /// The word written in ops.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Case => "case",
            RecordKind::Event => "event",
            RecordKind::Observable => "observable",
            RecordKind::Evidence => "evidence",
            RecordKind::Custody => "custody",
            RecordKind::Task => "task",
            RecordKind::Note => "note",
            RecordKind::Asset => "asset",
        }
    }

    /// A stable small number, for storage.
    pub fn code(self) -> i64 {
        match self {
            RecordKind::Case => 0,
            RecordKind::Event => 1,
            RecordKind::Observable => 2,
            RecordKind::Evidence => 3,
            RecordKind::Custody => 4,
            RecordKind::Task => 5,
            RecordKind::Note => 6,
            RecordKind::Asset => 7,
        }
    }

    /// The kind stored under `code`.
    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Checks that `fields` are a valid put for this kind.
    pub fn validate(self, fields: &Map<String, Value>) -> Result<(), FieldError> {
        fn check<T: serde::de::DeserializeOwned + Validate>(
            fields: &Map<String, Value>,
        ) -> Result<(), FieldError> {
            let v: T = T::deserialize(FieldsDeserializer(fields)).map_err(|e| FieldError(e.to_string()))?;
            v.validate()
        }
        for (name, value) in fields {
            check_size(name, value)?;
        }
        match self {
            RecordKind::Case => check::<CaseFields>(fields),
            RecordKind::Event => check::<EventFields>(fields),
            RecordKind::Observable => check::<ObservableFields>(fields),
            RecordKind::Evidence => check::<EvidenceFields>(fields),
            RecordKind::Custody => check::<CustodyFields>(fields),
            RecordKind::Task => check::<TaskFields>(fields),
            RecordKind::Note => check::<NoteFields>(fields),
            RecordKind::Asset => check::<AssetFields>(fields),
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            FieldError(format!("unknown record kind \"{}\"", s.chars().take(40).collect::<String>()))
        })
    }
}

impl Serialize for RecordKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RecordKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A put's fields break the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fields: {0}")]
pub struct FieldError(pub String);

fn check_size(name: &str, value: &Value) -> Result<(), FieldError> {
    match value {
        Value::String(s) if s.len() > MAX_TEXT_BYTES => {
            Err(FieldError(format!("{name} is longer than {MAX_TEXT_BYTES} bytes")))
        }
        Value::Array(a) if a.len() > MAX_LIST_LEN => {
            Err(FieldError(format!("{name} has more than {MAX_LIST_LEN} entries")))
        }
        Value::Array(a) => a.iter().try_for_each(|v| check_size(name, v)),
        Value::Object(o) if o.len() > MAX_LIST_LEN => {
            Err(FieldError(format!("{name} has more than {MAX_LIST_LEN} entries")))
        }
        Value::Object(o) => o.values().try_for_each(|v| check_size(name, v)),
        _ => Ok(()),
    }
}

/// Borrowing deserializer over a field map, so validation does not clone the fields.
struct FieldsDeserializer<'a>(&'a Map<String, Value>);

impl<'de, 'a: 'de> serde::Deserializer<'de> for FieldsDeserializer<'a> {
    type Error = serde_json::Error;
    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        use serde::de::IntoDeserializer;
        visitor.visit_map(serde::de::value::MapDeserializer::new(
            self.0.iter().map(|(k, v)| (k.as_str(), v.into_deserializer())),
        ))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Checks beyond types.
trait Validate {
    fn validate(&self) -> Result<(), FieldError> {
        Ok(())
    }
}

/// Turns a fields struct into the map a put op carries (unset fields are left out).
pub fn to_fields<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Reads a record's current values back into its fields struct (unknown fields are ignored).
pub fn from_fields<T: serde::de::DeserializeOwned>(m: &Map<String, Value>) -> Result<T, FieldError> {
    T::deserialize(FieldsDeserializer(m)).map_err(|e| FieldError(e.to_string()))
}

macro_rules! fields_struct {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$fdoc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )+
            /// Tombstone: set by a `del` op.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub deleted: Option<bool>,
        }
    };
}

fields_struct! {
    /// A case.
    CaseFields {
        /// Short title.
        title: String,
        /// What happened, in a few lines.
        summary: String,
        /// Where the case stands.
        phase: Phase,
        /// How bad it is.
        severity: Severity,
        /// Default TLP of its records.
        tlp: Tlp,
        /// Permissible actions.
        pap: Pap,
        /// Free tags.
        tags: Vec<String>,
        /// When opened.
        opened_at: i64,
        /// When closed.
        closed_at: i64,
        /// Lessons learned, markdown.
        lessons: String,
        /// Playbook template it was created from.
        template: String,
    }
}

fields_struct! {
    /// A timeline event.
    EventFields {
        /// When it happened.
        occurred_at: i64,
        /// The time as originally given (with its offset or zone), for the record.
        occurred_at_text: String,
        /// When it was written down.
        recorded_at: i64,
        /// Where the information came from (tool, log, person).
        source: String,
        /// Host concerned.
        host: String,
        /// Account concerned.
        account: String,
        /// What happened.
        description: String,
        /// Response phase it belongs to.
        phase: Phase,
        /// MITRE ATT&CK technique ids (T1486, T1059.001).
        techniques: Vec<String>,
        /// A key event, shown on summaries.
        key_event: bool,
        /// Linked observables.
        observables: Vec<RecordId>,
        /// Linked evidence.
        evidence: Vec<RecordId>,
        /// Linked assets.
        assets: Vec<RecordId>,
        /// Extra attributes (imported timeline columns).
        attributes: Map<String, Value>,
        /// TLP of this event.
        tlp: Tlp,
    }
}

fields_struct! {
    /// An observable or IOC.
    ObservableFields {
        /// Its type.
        #[serde(rename = "type")]
        kind: ObservableType,
        /// Normalized value.
        value: String,
        /// Confirmed indicator of compromise.
        ioc: bool,
        /// First seen.
        first_seen: i64,
        /// Last seen.
        last_seen: i64,
        /// Free note.
        note: String,
        /// TLP.
        tlp: Tlp,
    }
}

fields_struct! {
    /// An evidence item.
    EvidenceFields {
        /// File or item name.
        name: String,
        /// What it is.
        description: String,
        /// SHA-256 of the content, lower-case hex.
        sha256: String,
        /// Size in bytes.
        size: u64,
        /// When acquired.
        acquired_at: i64,
        /// Who acquired it.
        acquired_by: String,
        /// Where it is kept.
        storage: Storage,
        /// External location, when not in the vault.
        location: String,
        /// TLP.
        tlp: Tlp,
    }
}

fields_struct! {
    /// One chain-of-custody entry.
    CustodyFields {
        /// The evidence item.
        evidence: RecordId,
        /// When.
        at: i64,
        /// Who.
        by: String,
        /// What was done (acquired, transferred, analysed, sealed, …).
        action: String,
        /// Where.
        location: String,
        /// Free note.
        note: String,
    }
}

fields_struct! {
    /// A task.
    TaskFields {
        /// What to do.
        title: String,
        /// Phase it belongs to.
        phase: Phase,
        /// Its state.
        status: TaskStatus,
        /// Who does it.
        assignee: String,
        /// When it is due.
        due: i64,
        /// TLP.
        tlp: Tlp,
    }
}

fields_struct! {
    /// A note.
    NoteFields {
        /// Optional title.
        title: String,
        /// Markdown body.
        body: String,
        /// TLP.
        tlp: Tlp,
    }
}

fields_struct! {
    /// An asset.
    AssetFields {
        /// Name (host name, account, service).
        name: String,
        /// What it is.
        kind: AssetKind,
        /// Owner.
        owner: String,
        /// How critical it is.
        criticality: Severity,
        /// How far it is compromised.
        compromise: Compromise,
        /// Free note.
        note: String,
        /// TLP.
        tlp: Tlp,
    }
}

impl Validate for CaseFields {}
impl Validate for ObservableFields {}
impl Validate for CustodyFields {}
impl Validate for TaskFields {}
impl Validate for NoteFields {}
impl Validate for AssetFields {}

impl Validate for EventFields {
    fn validate(&self) -> Result<(), FieldError> {
        for t in self.techniques.iter().flatten() {
            if !is_attack_technique(t) {
                return Err(FieldError(format!(
                    "\"{t}\" is not an ATT&CK technique id (like T1486 or T1059.001)"
                )));
            }
        }
        Ok(())
    }
}

impl Validate for EvidenceFields {
    fn validate(&self) -> Result<(), FieldError> {
        if let Some(h) = &self.sha256
            && (h.len() != 64 || !h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        {
            return Err(FieldError(format!("sha256 \"{h}\" is not 64 lower-case hex digits")));
        }
        Ok(())
    }
}

/// `T` + 4 digits, optionally `.` + 3 digits.
pub fn is_attack_technique(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => b[0] == b'T' && digits(&b[1..]),
        9 => b[0] == b'T' && digits(&b[1..5]) && b[5] == b'.' && digits(&b[6..]),
        _ => false,
    }
}
