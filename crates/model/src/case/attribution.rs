//! Attribution: each campaign scored against each actor, explained.

use serde::{Deserialize, Serialize};

/// The kind of an attribution evidence record.
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
pub enum EvidenceCategory {
    /// A malware family the actor uses.
    Malware,
    /// A tool the actor uses.
    Tool,
    /// An exploit-document builder and its version (RoyalRoad v7).
    Builder,
    /// A payload encoding (RoyalRoad `8.t` header).
    Encoding,
    /// An exploited vulnerability.
    Exploit,
    /// ATT&CK techniques in common.
    Technique,
    /// Infrastructure traits and known indicators.
    Infrastructure,
    /// Hands-on activity inside the actor's working hours.
    OperatorHours,
    /// Victims' sectors and countries.
    Victimology,
}

impl EvidenceCategory {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            EvidenceCategory::Malware => "malware",
            EvidenceCategory::Tool => "tool",
            EvidenceCategory::Builder => "builder",
            EvidenceCategory::Encoding => "encoding",
            EvidenceCategory::Exploit => "exploit",
            EvidenceCategory::Technique => "technique",
            EvidenceCategory::Infrastructure => "infrastructure",
            EvidenceCategory::OperatorHours => "operator-hours",
            EvidenceCategory::Victimology => "victimology",
        }
    }
}

/// Whether a candidate is one of our actor profiles or an ATT&CK group.
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
pub enum CandidateKind {
    /// An actor profile (`crates/intel/data/actors/`).
    Profile,
    /// An ATT&CK group (techniques and software only).
    AttackGroup,
}

/// One scored piece of evidence for a candidate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    /// Its kind.
    pub category: EvidenceCategory,
    /// What the case shows (`RoyalRoad builder version v7`).
    pub observed: String,
    /// What the profile says (`RoyalRoad v7, per PP`).
    pub matched: String,
    /// Points given.
    pub weight: f64,
    /// `stated` or `inferred` (inferred items weigh half).
    pub basis: String,
    /// The profile's sources for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Indices of the activities that show it (capped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<usize>,
}

/// One actor scored against a campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Profile or ATT&CK group.
    pub kind: CandidateKind,
    /// Our profile id (`ta428`) or the ATT&CK id (`G0131`).
    pub id: String,
    /// The name (`TA428`, `Tonto Team`).
    pub name: String,
    /// The total score.
    pub score: f64,
    /// Distinct evidence categories that scored.
    pub categories: Vec<EvidenceCategory>,
    /// The score, item by item.
    pub items: Vec<ScoreItem>,
}

/// How sure an attribution is.
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
pub enum Confidence {
    /// Some independent evidence; alternative explanations remain.
    Low,
    /// Several independent kinds of evidence agree.
    Moderate,
    /// Strong, independent and specific evidence agrees.
    High,
}

/// The outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum AttributionVerdict {
    /// The evidence points to one actor.
    Attributed {
        /// The candidate's id.
        id: String,
        /// The candidate's name.
        name: String,
        /// How sure.
        confidence: Confidence,
    },
    /// The evidence is too thin or points nowhere in particular.
    Unattributed,
}

/// Who did it, as far as the evidence says, with every candidate's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// The outcome.
    pub verdict: AttributionVerdict,
    /// Why, in a sentence or two.
    pub rationale: String,
    /// Candidates with any score, best first.
    pub candidates: Vec<Candidate>,
}

impl Default for Attribution {
    fn default() -> Attribution {
        Attribution {
            verdict: AttributionVerdict::Unattributed,
            rationale: String::new(),
            candidates: Vec::new(),
        }
    }
}

impl Attribution {
    /// The attributed actor's name, if any.
    pub fn actor(&self) -> Option<&str> {
        match &self.verdict {
            AttributionVerdict::Attributed { name, .. } => Some(name),
            AttributionVerdict::Unattributed => None,
        }
    }
}
