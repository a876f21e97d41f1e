//! An investigation case: the evidence of one or many organisations
//! correlated into an entity graph, incidents, campaigns, takeover
//! findings and an attribution.
//!
//! `counterspy investigate` builds a [`Case`] (crate `correlate`), the
//! `store` keeps it, `report` and `intel` render and export it. Every
//! cross-reference is by index into the case's vectors
//! ([`Activity::id`], [`Entity::id`]) or by a stable string id
//! ([`Incident::id`], [`Campaign::id`]), so a case serialises as plain
//! JSON and loads back unchanged.

mod activity;
mod attribution;
mod graph;

use serde::{Deserialize, Serialize};

pub use activity::{Activity, ActivityKind, EvidenceFile, EvidenceKind};
pub use attribution::{
    Attribution, AttributionVerdict, Candidate, CandidateKind, Confidence,
    EvidenceCategory, ScoreItem,
};
pub use graph::{Edge, Entity, EntityKind, Noise};

use crate::{Severity, Technique, Timestamp};

/// One organisation whose evidence the case holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Short id, the evidence folder's name (`kbzenit`).
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Sector, lowercase (`defense`, `government`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Short names of the domain controllers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain_controllers: Vec<String>,
    /// Short names of the security / software-deployment consoles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub management_servers: Vec<String>,
}

/// A whole case.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The case's title.
    pub name: String,
    /// The organisations, in the order of the case file (else by id).
    pub organisations: Vec<Organisation>,
    /// Every evidence file read.
    pub evidence: Vec<EvidenceFile>,
    /// Everything found: scan findings and Sigma detections.
    pub activities: Vec<Activity>,
    /// The entity graph's nodes.
    pub entities: Vec<Entity>,
    /// The entity graph's edges.
    pub edges: Vec<Edge>,
    /// Related activity inside one organisation.
    pub incidents: Vec<Incident>,
    /// Incidents of different organisations linked by shared rare
    /// entities.
    pub campaigns: Vec<Campaign>,
    /// Console, domain-controller and redundant-implant takeovers.
    pub takeovers: Vec<Takeover>,
}

impl Case {
    /// The incident with this id.
    pub fn incident(&self, id: &str) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }

    /// The organisation with this id.
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisations.iter().find(|o| o.id == id)
    }

    /// Indicators of compromise: external entities of a linkable kind
    /// (hash, domain, IP, URL, e-mail address) that incident activity
    /// touched and that are not noise, in entity order.
    pub fn iocs(&self) -> impl Iterator<Item = &Entity> {
        self.entities.iter().filter(|e| {
            e.kind.is_linkable()
                && e.noise.is_none()
                && !e.incidents.is_empty()
        })
    }

    /// The activities of an incident, in time order.
    pub fn activities_of<'a>(
        &'a self,
        incident: &'a Incident,
    ) -> impl Iterator<Item = &'a Activity> {
        incident.activities.iter().filter_map(|&i| self.activities.get(i))
    }
}

/// Related activity inside one organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable id, `<org>-<n>` (`kbzenit-1`), numbered by first activity.
    pub id: String,
    /// The organisation.
    pub org: String,
    /// A one-line title (its worst activity).
    pub title: String,
    /// The worst severity of its activities.
    pub severity: Severity,
    /// First activity time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Timestamp>,
    /// Last activity time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Timestamp>,
    /// Hosts involved (short names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Users involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Indices of its activities, in time order (undated last).
    pub activities: Vec<usize>,
    /// Its activity on the ATT&CK tactics.
    pub kill_chain: KillChain,
    /// The campaign it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// Activity placed on the kill chain's tactics, in the kill chain's
/// order; a stage with no activity is a gap.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KillChain {
    /// The stages, in order.
    pub stages: Vec<Stage>,
}

impl KillChain {
    /// The stages with activity.
    pub fn reached(&self) -> impl Iterator<Item = &Stage> {
        self.stages.iter().filter(|s| !s.activities.is_empty())
    }

    /// The stages without activity between the first and the last stage
    /// reached.
    pub fn gaps(&self) -> Vec<&Stage> {
        let reached: Vec<usize> = (0..self.stages.len())
            .filter(|&i| !self.stages[i].activities.is_empty())
            .collect();
        let (Some(&a), Some(&b)) = (reached.first(), reached.last()) else {
            return Vec::new();
        };
        self.stages[a..=b].iter().filter(|s| s.activities.is_empty()).collect()
    }
}

/// One ATT&CK tactic of a kill chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// The tactic's short name (`initial-access`).
    pub tactic: String,
    /// The tactic's name (`Initial Access`).
    pub name: String,
    /// The first activity's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Timestamp>,
    /// Techniques seen, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<Technique>,
    /// Indices of the activities, in time order; empty for a gap.
    #[serde(default)]
    pub activities: Vec<usize>,
}

/// Incidents in different organisations linked by shared rare entities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// Stable id, `campaign-<n>`.
    pub id: String,
    /// A name for people (`Campaign 1: 3 organisations, RU BY AF`).
    pub name: String,
    /// Its incidents' ids.
    pub incidents: Vec<String>,
    /// The organisations, sorted.
    pub orgs: Vec<String>,
    /// First activity time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Timestamp>,
    /// Last activity time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Timestamp>,
    /// Why the incidents belong together: each shared entity.
    pub links: Vec<Link>,
    /// Techniques of all its incidents with how many activities show
    /// each, sorted by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<(Technique, u32)>,
    /// Who did it, as far as the evidence says.
    pub attribution: Attribution,
}

/// One shared entity that links incidents of different organisations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The entity's index.
    pub entity: usize,
    /// Its kind.
    pub kind: EntityKind,
    /// Its value.
    pub value: String,
    /// The incidents it appears in.
    pub incidents: Vec<String>,
    /// The organisations it appears in.
    pub orgs: Vec<String>,
}

/// What was taken over.
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
pub enum TakeoverKind {
    /// A security-management or software-deployment console pushing a
    /// binary to many hosts (T1072).
    Console,
    /// A domain controller: DCSync, NTDS dumping, GPO changes, unusual
    /// logons.
    DomainController,
    /// Several independent implants or C2 channels on one host (T1008).
    RedundantImplants,
}

impl TakeoverKind {
    /// The name used in output.
    pub fn name(self) -> &'static str {
        match self {
            TakeoverKind::Console => "console",
            TakeoverKind::DomainController => "domain-controller",
            TakeoverKind::RedundantImplants => "redundant-implants",
        }
    }
}

/// A takeover finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Takeover {
    /// What was taken over.
    pub kind: TakeoverKind,
    /// The organisation.
    pub org: String,
    /// The host taken over (the console, the DC, the implanted host), or
    /// the first host of a push.
    pub host: String,
    /// Hosts touched (a console push's targets).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// The ATT&CK technique.
    pub technique: Technique,
    /// How bad.
    pub severity: Severity,
    /// What happened, for people.
    pub summary: String,
    /// The facts, one line each.
    pub evidence: Vec<String>,
    /// Indices of the activities behind it.
    pub activities: Vec<usize>,
    /// First time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Timestamp>,
    /// Last time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Timestamp>,
    /// The incident it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
}
