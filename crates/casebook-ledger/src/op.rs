//! Ops: one change to one record, as one line of JSON.
//!
//! ```text
//! {"op":"put","kind":"event","id":"<uuid>","salt":"<32 hex>","fields":{...}}
//! {"op":"del","kind":"event","id":"<uuid>","salt":"<32 hex>"}
//! {"withheld":"<64 hex>"}        (an op left out of a bundle by TLP: only its hash)
//! ```
//!
//! An op's hash is the SHA-256 of its line's exact bytes (no trailing newline). The salt makes the hash
//! of a withheld op reveal nothing about its content.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::ids::RecordId;
use crate::records::{FieldError, RecordKind};

/// Longest op line accepted, in bytes.
pub const MAX_OP_BYTES: usize = 4 << 20;

/// The reserved field a `del` op sets.
pub const DELETED: &str = "deleted";

/// What an op does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Set these fields (a `null` value clears one).
    Put(Map<String, Value>),
    /// Tombstone the record.
    Del,
}

/// One change to one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: RecordId,
    /// Random salt.
    pub salt: [u8; 16],
    /// The change.
    pub action: Action,
}

/// Why an op line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpError {
    /// The line is too long.
    #[error("op is {0} bytes, over the {MAX_OP_BYTES}-byte limit")]
    TooLong(usize),
    /// Not valid JSON, or not the op shape.
    #[error("malformed op: {0}")]
    Malformed(String),
    /// The fields do not fit the record kind's schema.
    #[error("{kind} {id}: {source}")]
    Fields {
        /// Record kind.
        kind: RecordKind,
        /// Record id.
        id: RecordId,
        /// What is wrong.
        #[source]
        source: FieldError,
    },
}

/// SHA-256 of bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Fresh random salt.
pub fn new_salt() -> [u8; 16] {
    rand::random()
}

impl Op {
    /// A put with a fresh salt.
    pub fn put(kind: RecordKind, id: RecordId, fields: Map<String, Value>) -> Self {
        Self { kind, id, salt: new_salt(), action: Action::Put(fields) }
    }

    /// A tombstone with a fresh salt.
    pub fn del(kind: RecordKind, id: RecordId) -> Self {
        Self { kind, id, salt: new_salt(), action: Action::Del }
    }

    /// The op's exact line (no trailing newline). Writing is deterministic for a given op.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        out.extend_from_slice(b"{\"op\":\"");
        out.extend_from_slice(match self.action {
            Action::Put(_) => b"put",
            Action::Del => b"del",
        });
        out.extend_from_slice(b"\",\"kind\":\"");
        out.extend_from_slice(self.kind.as_str().as_bytes());
        out.extend_from_slice(b"\",\"id\":\"");
        out.extend_from_slice(self.id.to_string().as_bytes());
        out.extend_from_slice(b"\",\"salt\":\"");
        out.extend_from_slice(hex::encode(self.salt).as_bytes());
        out.push(b'"');
        if let Action::Put(fields) = &self.action {
            out.extend_from_slice(b",\"fields\":");
            // Map is a BTreeMap: keys come out sorted, so the bytes are deterministic.
            serde_json::to_writer(&mut out, fields).expect("writing JSON to a Vec cannot fail");
        }
        out.push(b'}');
        out
    }

    /// The fields this op sets, as the merge sees them (a `del` sets `deleted: true`).
    pub fn effective_fields(&self) -> std::borrow::Cow<'_, Map<String, Value>> {
        match &self.action {
            Action::Put(f) => std::borrow::Cow::Borrowed(f),
            Action::Del => {
                let mut m = Map::new();
                m.insert(DELETED.into(), Value::Bool(true));
                std::borrow::Cow::Owned(m)
            }
        }
    }

    /// The fields this op writes, taken out of it (see [`Op::effective_fields`]).
    pub fn into_effective_fields(self) -> Map<String, Value> {
        match self.action {
            Action::Put(f) => f,
            Action::Del => self.effective_fields().into_owned(),
        }
    }

    /// Parses and validates an op line.
    pub fn parse(line: &[u8]) -> Result<Self, OpError> {
        Self::parse_inner(line, true)
    }

    /// Parses an op line that was validated when it was stored (the vault's own op chunks): the
    /// shape is still checked, the fields' schema is not checked again.
    pub fn parse_stored(line: &[u8]) -> Result<Self, OpError> {
        Self::parse_inner(line, false)
    }

    fn parse_inner(line: &[u8], validate: bool) -> Result<Self, OpError> {
        if line.len() > MAX_OP_BYTES {
            return Err(OpError::TooLong(line.len()));
        }
        let wire: OpWire = serde_json::from_slice(line).map_err(|e| OpError::Malformed(e.to_string()))?;
        let mut salt = [0u8; 16];
        if wire.salt.len() != 32 || hex::decode_to_slice(&wire.salt, &mut salt).is_err() {
            return Err(OpError::Malformed("salt must be 32 hex digits".into()));
        }
        let action = match (wire.op.as_str(), wire.fields) {
            ("put", Some(StrictMap(fields))) => {
                if fields.is_empty() {
                    return Err(OpError::Malformed("a put must set at least one field".into()));
                }
                if fields.contains_key(DELETED) {
                    return Err(OpError::Malformed("\"deleted\" is set only by a del op".into()));
                }
                if validate {
                    wire.kind.validate(&fields).map_err(|source| OpError::Fields {
                        kind: wire.kind,
                        id: wire.id,
                        source,
                    })?;
                }
                Action::Put(fields)
            }
            ("del", None) => Action::Del,
            ("put", None) => return Err(OpError::Malformed("a put needs fields".into())),
            ("del", Some(_)) => return Err(OpError::Malformed("a del has no fields".into())),
            (other, _) => {
                return Err(OpError::Malformed(format!(
                    "unknown op \"{}\"",
                    other.chars().take(20).collect::<String>()
                )));
            }
        };
        Ok(Self { kind: wire.kind, id: wire.id, salt, action })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpWire {
    op: String,
    kind: RecordKind,
    id: RecordId,
    salt: String,
    #[serde(default)]
    fields: Option<StrictMap>,
}

/// A JSON object that refuses duplicate keys (serde_json would silently keep the last).
struct StrictMap(Map<String, Value>);

impl<'de> Deserialize<'de> for StrictMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = StrictMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of fields")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<StrictMap, A::Error> {
                let mut m = Map::new();
                while let Some((k, v)) = a.next_entry::<String, Value>()? {
                    if m.contains_key(&k) {
                        return Err(serde::de::Error::custom(format!("duplicate field \"{k}\"")));
                    }
                    m.insert(k, v);
                }
                Ok(StrictMap(m))
            }
        }
        d.deserialize_map(V)
    }
}

/// One line of a commit's op list as carried: the op itself, or only its hash when withheld.
#[derive(Debug, Clone, PartialEq)]
pub struct OpLine {
    /// The line's exact bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the op's bytes (for a withheld line: the hash it carries).
    pub hash: [u8; 32],
    /// The parsed op; `None` when withheld.
    pub op: Option<Op>,
}

impl OpLine {
    /// A line for an op we hold.
    pub fn from_op(op: Op) -> Self {
        let bytes = op.to_bytes();
        Self { hash: sha256(&bytes), bytes, op: Some(op) }
    }

    /// The withheld stand-in for this line: `{"withheld":"<hash>"}`.
    pub fn withheld(&self) -> Self {
        Self { bytes: withheld_line(&self.hash), hash: self.hash, op: None }
    }

    /// Parses a carried line: an op, or a withheld stand-in.
    pub fn parse(line: &[u8]) -> Result<Self, OpError> {
        if let Some(hash) = parse_withheld(line)? {
            return Ok(Self { bytes: line.to_vec(), hash, op: None });
        }
        let op = Op::parse(line)?;
        Ok(Self { hash: sha256(line), bytes: line.to_vec(), op: Some(op) })
    }
}

/// The line standing in for a withheld op.
pub fn withheld_line(hash: &[u8; 32]) -> Vec<u8> {
    format!("{{\"withheld\":\"{}\"}}", hex::encode(hash)).into_bytes()
}

/// `Some(hash)` if `line` is a withheld stand-in.
fn parse_withheld(line: &[u8]) -> Result<Option<[u8; 32]>, OpError> {
    if !line.starts_with(b"{\"withheld\"") {
        return Ok(None);
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct W {
        withheld: String,
    }
    let w: W = serde_json::from_slice(line).map_err(|e| OpError::Malformed(e.to_string()))?;
    let mut h = [0u8; 32];
    if w.withheld.len() != 64 || hex::decode_to_slice(&w.withheld, &mut h).is_err() {
        return Err(OpError::Malformed("withheld hash must be 64 hex digits".into()));
    }
    Ok(Some(h))
}

/// `ops_root`: SHA-256 over the concatenated SHA-256 hashes of the ops, in order.
#[derive(Clone, Default)]
pub struct OpsRoot {
    hasher: Sha256,
    count: u64,
}

impl OpsRoot {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds the next op's hash.
    pub fn push(&mut self, op_hash: &[u8; 32]) {
        self.hasher.update(op_hash);
        self.count += 1;
    }
    /// Ops added so far.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// The root.
    pub fn finish(self) -> [u8; 32] {
        self.hasher.finalize().into()
    }
}

/// The record an op line touches, read without building its fields; `None` for a withheld line or a
/// line that is not an op.
pub fn head(line: &[u8]) -> Option<(RecordKind, RecordId)> {
    // Lines as this crate writes them start `{"op":"put","kind":"<kind>","id":"<uuid>"`: read that
    // directly. (A parsed op has no duplicate keys, so the first `kind` and `id` are the only ones.)
    let fast = line
        .strip_prefix(b"{\"op\":\"put\",\"kind\":\"")
        .or_else(|| line.strip_prefix(b"{\"op\":\"del\",\"kind\":\""))
        .and_then(|rest| {
            let end = rest.iter().position(|b| *b == b'"')?;
            let kind: RecordKind = std::str::from_utf8(&rest[..end]).ok()?.parse().ok()?;
            let rest = rest[end..].strip_prefix(b"\",\"id\":\"")?;
            let id: RecordId = std::str::from_utf8(rest.get(..36)?).ok()?.parse().ok()?;
            (rest.get(36) == Some(&b'"')).then_some((kind, id))
        });
    if fast.is_some() {
        return fast;
    }
    #[derive(Deserialize)]
    struct Head {
        kind: RecordKind,
        id: RecordId,
        #[serde(rename = "fields")]
        _fields: Option<serde::de::IgnoredAny>,
        #[serde(rename = "op")]
        _op: serde::de::IgnoredAny,
        #[serde(rename = "salt")]
        _salt: serde::de::IgnoredAny,
    }
    serde_json::from_slice::<Head>(line).ok().map(|h| (h.kind, h.id))
}
