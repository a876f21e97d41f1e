use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    ChildRole, FileKind, Finding, MailSummary, Observable, PeSummary, Severity,
};

/// The overall judgement of one input.
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
pub enum Verdict {
    /// Nothing above low: context only.
    Clean,
    /// Medium findings.
    Suspicious,
    /// High or critical findings.
    Malicious,
}

impl Verdict {
    /// The verdict that the worst severity in a tree implies.
    pub fn from_worst(worst: Option<Severity>) -> Verdict {
        match worst {
            Some(Severity::High | Severity::Critical) => Verdict::Malicious,
            Some(Severity::Medium) => Verdict::Suspicious,
            Some(Severity::Info | Severity::Low) | None => Verdict::Clean,
        }
    }

    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Suspicious => "suspicious",
            Verdict::Malicious => "malicious",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Digests of an object's bytes, lowercase hex.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
pub struct Hashes {
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
}

/// One object of an extraction tree: the input itself or something
/// extracted from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artefact {
    /// Index of this object in its report's `objects`.
    pub id: usize,
    /// Index of the parent object; `None` for the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Depth in the tree; the input is 0.
    pub depth: u32,
    /// How it relates to its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ChildRole>,
    /// Path in the extraction tree, such as
    /// `mail.eml/attachment[1]:report.doc`.
    pub path: String,
    /// The name its container gives it (never used as a path on disk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The type detected from content.
    pub kind: FileKind,
    /// The MIME type the container declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Digests; absent when the scan only parsed (`--parse-only`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<Hashes>,
    /// Header summary for mails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<MailSummary>,
    /// Import/export summary for PE images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe: Option<PeSummary>,
    /// Findings about this object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

/// The result of scanning one input: its tree, verdict and observables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// The input as named on the command line (or `-` for stdin).
    pub input: String,
    /// The overall verdict.
    pub verdict: Verdict,
    /// The objects of the tree, the input first, parents before children.
    pub objects: Vec<Artefact>,
    /// Observables from every object, deduplicated and sorted.
    pub observables: Vec<Observable>,
    /// An error that stopped the scan of this input, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ScanReport {
    /// Every finding of the tree with the object it belongs to.
    pub fn findings(&self) -> impl Iterator<Item = (&Artefact, &Finding)> {
        self.objects
            .iter()
            .flat_map(|o| o.findings.iter().map(move |f| (o, f)))
    }

    /// The worst severity of any finding.
    pub fn worst(&self) -> Option<Severity> {
        self.findings().map(|(_, f)| f.severity).max()
    }
}
