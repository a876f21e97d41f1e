//! Activities (what was found) and the evidence files they came from.

use serde::{Deserialize, Serialize};

use crate::{Detection, Finding, Severity, Technique, Timestamp, Verdict};

/// What an evidence file was read as.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Mail and files: scanned.
    File,
    /// Event logs (EVTX, JSON lines): hunted with Sigma.
    EventLog,
}

/// One evidence file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    /// The organisation.
    pub org: String,
    /// The path, relative to the evidence folder, `/`-separated.
    pub path: String,
    /// How it was read.
    pub kind: EvidenceKind,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// The scan verdict (files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Events read (event logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    /// What went wrong reading it, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Where an activity comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ActivityKind {
    /// A scan finding on a mail, file or extracted object.
    Finding {
        /// The object's path in the extraction tree.
        object: String,
        /// The object's SHA-256, when hashed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sha256: Option<String>,
        /// The finding.
        finding: Finding,
    },
    /// A Sigma rule that fired on events.
    Detection {
        /// The detection.
        detection: Detection,
    },
}

/// Something found in the evidence: a scan finding or a detection,
/// placed in its organisation, on its host, in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Index in [`Case::activities`](super::Case::activities).
    pub id: usize,
    /// The organisation.
    pub org: String,
    /// Index of the evidence file in
    /// [`Case::evidence`](super::Case::evidence).
    pub evidence: usize,
    /// The host (short, lowercase name), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The user (lowercase, without domain), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// When it happened: the event's time, or a mail's `Date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// A one-line title.
    pub title: String,
    /// How bad.
    pub severity: Severity,
    /// ATT&CK techniques.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<Technique>,
    /// ATT&CK tactics (short names), in kill-chain order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tactics: Vec<String>,
    /// Indices of the entities it involves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<usize>,
    /// The incident it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    /// The finding or detection itself.
    pub kind: ActivityKind,
}

impl Activity {
    /// The detection, for detections.
    pub fn detection(&self) -> Option<&Detection> {
        match &self.kind {
            ActivityKind::Detection { detection } => Some(detection),
            ActivityKind::Finding { .. } => None,
        }
    }

    /// The finding, for findings.
    pub fn finding(&self) -> Option<&Finding> {
        match &self.kind {
            ActivityKind::Finding { finding, .. } => Some(finding),
            ActivityKind::Detection { .. } => None,
        }
    }
}
