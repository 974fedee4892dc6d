//! `manifest.json`: what a bundle says about itself. It is covered by `SHA256SUMS`, which the sender
//! signs, so once the signature checks, everything here is the sender's word.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::BundleError;

/// The format this build writes and reads.
pub const FORMAT: &str = "casebundle/1";

/// A person as the bundle names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// Read-aloud fingerprint of their keys.
    pub fingerprint: String,
}

/// The sender, with the keys the bundle is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// Name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// age recipient.
    pub age: String,
    /// minisign public key (base64), which signed `SHA256SUMS`.
    pub minisign: String,
    /// Fingerprint.
    pub fingerprint: String,
}

/// An evidence file the bundle does not carry, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkippedBlob {
    /// SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Why it was left out.
    pub reason: String,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// This bundle's id (UUIDv7).
    pub bundle_id: String,
    /// When made, µs since the Unix epoch.
    pub created_at: i64,
    /// The case id.
    pub case_id: String,
    /// The case title, unless the case record itself is above the TLP ceiling.
    pub case_title: Option<String>,
    /// Who made it.
    pub sender: Sender,
    /// Who it is addressed to (besides the sender).
    pub recipients: Vec<Party>,
    /// Highest TLP of anything inside.
    pub tlp_ceiling: String,
    /// Commits the recipients are assumed to have already (a delta's base); empty for a full bundle.
    pub base: Vec<String>,
    /// The case's heads at export.
    pub heads: Vec<String>,
    /// Number of commits carried.
    pub commits: u64,
    /// Number of op lines carried (withheld ones included).
    pub ops: u64,
    /// Ops withheld by TLP, per record kind.
    pub withheld: BTreeMap<String, u64>,
    /// Evidence files carried.
    pub blobs: u64,
    /// Evidence files not carried.
    pub blobs_skipped: Vec<SkippedBlob>,
}

impl Manifest {
    /// Parses and checks the format.
    pub fn parse(bytes: &[u8]) -> Result<Self, BundleError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| BundleError::Manifest("manifest.json is not valid UTF-8".into()))?;
        // The format first: a newer format's unknown fields should be named as a newer format.
        #[derive(Deserialize)]
        struct Probe {
            format: Option<String>,
        }
        let probe: Probe =
            serde_json::from_str(text).map_err(|e| BundleError::Manifest(format!("manifest.json: {e}")))?;
        match probe.format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => return Err(BundleError::UnsupportedFormat(other.chars().take(40).collect())),
            None => return Err(BundleError::Manifest("manifest.json has no format".into())),
        }
        serde_json::from_str(text).map_err(|e| BundleError::Manifest(format!("manifest.json: {e}")))
    }

    /// Total ops withheld.
    pub fn withheld_total(&self) -> u64 {
        self.withheld.values().sum()
    }
}
